"""The report's voice-of-the-customer section: survey scores and trends, the emotion curve of each journey,
irritants and "wow" effects with example verbatims.

Registered right after the journeys section. Every number comes from the same functions as the API
and the CLI (:mod:`parcours.voice.surveys`, :mod:`parcours.voice.linking`, :mod:`parcours.voice.curve`);
customer text reaches the page only through the autoescaping template or :func:`charts.esc`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from parcours.report import charts
from parcours.report.i18n import fmt_num, t
from parcours.report.sections import Section, figure, records, register, render

if TYPE_CHECKING:
    from parcours.voice.curve import EmotionCurve
    from parcours.workspace import Workspace

#: Irritants and wows listed per stage in the section's table, and verbatim length shown.
TOP_ASPECTS = 3
VERBATIM_CHARS = 180
#: Colours of the curve: the line and band, and the markers (negative to positive).
CURVE_COLOR = "#4f46e5"
SENTIMENT_SCALE = [[0.0, "#dc2626"], [0.5, "#e5e7eb"], [1.0, "#16a34a"]]
METRIC_COLORS = {"nps": "#4f46e5", "csat": "#0891b2", "ces_easy": "#ca8a04"}


def _join(items: Any, lang: str) -> str:
    return ", ".join(t(f"aspect.{a}", lang) if f"aspect.{a}" in _ASPECT_KEYS else charts.esc(a) for a in items or [])


def _aspect(a: str, lang: str) -> str:
    return t(f"aspect.{a}", lang) if f"aspect.{a}" in _ASPECT_KEYS else str(a)


def _emotions(items: Any, lang: str) -> str:
    return ", ".join(t(f"emotion.{e}", lang) for e in items or [])


def emotion_curve_chart(curve: EmotionCurve, lang: str = "en") -> go.Figure:
    """Stages on x, mean sentiment on y with its interval as a band, markers sized by the texts behind them."""
    title = t("voice.curve_title", lang, journey=curve.journey)
    st = curve.stages
    if st.empty or st["texts"].sum() == 0:
        return charts._empty(title, lang)
    x = [charts.esc(s) for s in st["stage"]]
    known = st["mean_sentiment"].notna()
    fig = go.Figure()
    band = st["ci_low"].notna() & known
    if band.any():
        xs = [x[i] for i in np.flatnonzero(band)]
        fig.add_trace(go.Scatter(x=xs + xs[::-1], y=list(st.loc[band, "ci_high"]) + list(st.loc[band, "ci_low"])[::-1],
                                 mode="lines", fill="toself", fillcolor="rgba(79,70,229,0.14)", line={"width": 0},
                                 hoverinfo="skip", name=t("voice.interval", lang)))
    size = 10 + 26 * np.sqrt(st["texts"] / max(1, st["texts"].max()))
    hover = [t("voice.curve_hover", lang, stage=charts.esc(r["stage"]),
               mean=fmt_num(r["mean_sentiment"], lang, 2) if r["mean_sentiment"] is not None else "–",
               lo=fmt_num(r["ci_low"], lang, 2) if r["ci_low"] is not None else "–",
               hi=fmt_num(r["ci_high"], lang, 2) if r["ci_high"] is not None else "–",
               n=r["texts"], emotions=_emotions(r["dominant_emotions"], lang) or "–",
               irritants=_join(r["top_irritants"], lang) or "–", wows=_join(r["top_wows"], lang) or "–")
             for r in records(st)]
    fig.add_trace(go.Scatter(
        x=x, y=st["mean_sentiment"], mode="lines+markers", connectgaps=True, line={"color": CURVE_COLOR, "width": 3},
        marker={"size": size, "color": st["mean_sentiment"].fillna(0.0), "colorscale": SENTIMENT_SCALE, "cmin": -1,
                "cmax": 1, "line": {"color": "#1f2937", "width": 1}},
        hovertext=hover, hoverinfo="text", name=t("voice.mean_sentiment", lang)))
    irritant_text = [charts.esc(_aspect(a, lang)) if a else "" for a in st["top_irritant"]]
    label_y = (st["ci_low"].where(st["ci_low"].notna(), st["mean_sentiment"]) - 0.06).clip(lower=-1.06)
    fig.add_trace(go.Scatter(x=x, y=label_y,
                             mode="text", text=irritant_text, textposition="bottom center",
                             textfont={"color": "#b91c1c", "size": 12}, hoverinfo="skip", showlegend=False))
    fig.add_hline(y=0, line={"color": "#9ca3af", "dash": "dot", "width": 1})
    fig.update_yaxes(title=t("voice.mean_sentiment", lang), range=[-1.3, 1.05], zeroline=False)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x)
    return charts._style(fig, title, lang, height=400)


def survey_trend_chart(monthly: pd.DataFrame, lang: str = "en") -> go.Figure:
    """NPS (points) and CSAT / CES easy (%) per month, the points hovering their interval and answers."""
    title = t("voice.trend_title", lang)
    df = monthly[monthly["metric"].isin(list(METRIC_COLORS)) & monthly["value"].notna()]
    if df.empty:
        return charts._empty(title, lang)
    fig = go.Figure()
    for metric, g in df.groupby("metric", sort=False):
        g = g.sort_values("period")
        hover = [t("voice.trend_hover", lang, metric=t(f"voice.metric.{metric}", lang),
                   value=fmt_num(v, lang, 1), lo=fmt_num(a, lang, 1), hi=fmt_num(b, lang, 1), n=int(n))
                 for v, a, b, n in zip(g["value"], g["ci_low"], g["ci_high"], g["responses"], strict=True)]
        fig.add_trace(go.Scatter(x=pd.to_datetime(g["period"]), y=g["value"], mode="lines+markers",
                                 name=t(f"voice.metric.{metric}", lang), hovertext=hover, hoverinfo="text",
                                 line={"color": METRIC_COLORS[metric], "width": 2},
                                 marker={"symbol": ["circle-open" if low else "circle" for low in g["low_responses"]],
                                         "size": 8}))
    fig.update_yaxes(title=t("voice.score", lang))
    fig.update_xaxes(**charts._date_axis(lang))
    return charts._style(fig, title, lang, height=360, legend=True)


def _aspect_rows(curve: EmotionCurve, lang: str) -> list[dict[str, Any]]:
    """Per stage, the top irritants (by drag) and wows (by lift), each with an example verbatim."""
    a = curve.aspects
    if a.empty:
        return []
    rows = []
    for kind, count, pull, example, asc in (("irritant", "irritants", "drag", "irritant_example", True),
                                              ("wow", "wows", "lift", "wow_example", False)):
        sel = a[a[count] > 0].sort_values(["stage_index", pull], ascending=[True, asc], kind="stable")
        sel = sel.groupby("stage", sort=False).head(TOP_ASPECTS)
        for r in records(sel):
            rows.append({"stage": r["stage"], "stage_index": r["stage_index"], "kind": kind,
                         "aspect": _aspect(r["aspect"], lang), "count": int(r[count]), "mentions": int(r["mentions"]),
                         "pull": r[pull], "example": r[example]})
    rows.sort(key=lambda r: (r["stage_index"], r["kind"] != "irritant"))
    return rows


def build_voice(ws: Workspace, lang: str) -> str:
    """Survey scores (table and monthly trend), then each journey's emotion curve, irritants and wows."""
    from parcours.voice.cache import DEFAULT_CACHE_DIR
    from parcours.voice.curve import emotion_curve, score_feedback
    from parcours.voice.linking import link_summary

    if ws.table("feedback").count().to_pyarrow().as_py() == 0:
        return render("sections/empty.html.j2", message=t("voice.none", lang))
    overall = records(ws.survey_metrics(min_responses=30).to_pandas())
    monthly = ws.survey_metrics(period="month", min_responses=30).to_pandas()
    trend = figure(survey_trend_chart(monthly, lang), "fig-voice-trend", lang)
    import ibis

    from parcours.journeys.definitions import stage_events

    # linked and scored once; each journey only looks up the stage of the linked touchpoints
    linked = ws.link_feedback().to_pandas()
    links = records(link_summary(ibis.memtable(linked[["linked_by", "unlinked_reason"]])))
    scored = score_feedback(linked, cache=ws.root / DEFAULT_CACHE_DIR)
    ids = ibis.memtable(pd.DataFrame({"event_id": linked["event_id"].dropna().unique().astype(str)}))
    touched = ws.events.semi_join(ids, "event_id")
    journeys = []
    for n, journey in enumerate(ws.config.journeys):
        st = stage_events(touched, journey).select("event_id", "stage", "stage_index").to_pandas()
        curve = emotion_curve(scored.merge(st, on="event_id", how="left"), journey)
        if curve.stages["texts"].sum() == 0:
            continue
        journeys.append({"name": journey.name, "outside": curve.outside_journey,
                         "chart": figure(emotion_curve_chart(curve, lang), f"fig-voice-curve-{n}", lang),
                         "stages": [{**r, "emotions": _emotions(r["dominant_emotions"], lang)}
                                    for r in records(curve.stages)],
                         "aspects": _aspect_rows(curve, lang)})
    return render("sections/voice.html.j2", lang=lang, overall=overall, trend=trend, journeys=journeys,
                  links=links, width=VERBATIM_CHARS,
                  linked=sum(r["feedback"] for r in links if r["status"] == "linked"),
                  total=sum(r["feedback"] for r in links))


def _aspect_keys() -> frozenset[str]:
    from parcours.report.i18n import MESSAGES

    return frozenset(k for k in MESSAGES if k.startswith("aspect."))


_ASPECT_KEYS = _aspect_keys()

register(Section("voice", "section.voice", build_voice), after="journeys")

__all__ = ["build_voice", "emotion_curve_chart", "survey_trend_chart"]
