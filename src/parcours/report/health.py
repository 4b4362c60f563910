"""The report's health section: the distribution of health scores by colour band, the scorecard,
the customers at risk with value at risk and the model's reasons, and the journeys' success
criteria (met / at risk / missed, and who is at risk).

Registered after the customers section when the report is written; the numbers come from the
same functions as the API and the CLI (``parcours.customers.health``). Reasons are shown as the
feature (translated when parcours knows it) and the customer's value, so they read in both languages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import parcours.report.journeys  # noqa: F401 - registers the sections this one follows (journeys, customers)
from parcours.report import charts
from parcours.report import customers as _customers  # noqa: F401
from parcours.report.i18n import MESSAGES, fmt_num, fmt_pct, label, t
from parcours.report.sections import Section, figure, register, render

if TYPE_CHECKING:
    from parcours.workspace import Workspace

#: Colours of the bands (red, yellow, green) and the customers listed at risk.
BAND_COLORS = {"red": "#E03131", "yellow": "#F59F00", "green": "#2F9E44"}
AT_RISK_ROWS = 15
#: Features whose value is a share (shown as a percentage).
SHARES = ("seats_used_share", "feedback_score")


def distribution_chart(scores: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Customers per 10-point bin of health, stacked by band (columns ``health``, ``band``).

    >>> distribution_chart(pd.DataFrame({"health": [10.0, 80.0], "band": ["red", "green"]})).data[0].name
    'Red'
    """
    title = t("health.distribution_title", lang)
    s = scores.dropna(subset=["health"])
    if s.empty:
        return charts._empty(title, lang)
    fig = go.Figure()
    for band, color in BAND_COLORS.items():
        part = s[s.band == band]
        fig.add_trace(go.Histogram(x=part.health, xbins={"start": 0, "end": 100.001, "size": 10}, name=t(f"health.band.{band}", lang),
                                   marker_color=color))
    fig.update_layout(barmode="stack", title=title)
    fig.update_xaxes(title=t("health.score", lang), range=[0, 100])
    fig.update_yaxes(title=t("kpi.customers", lang), rangemode="tozero")
    return fig


def reason_text(feature: str, value: Any, lang: str = "en") -> str:
    """A reason as "feature: value" in the report's language.

    >>> reason_text("seats_used_share", 0.12, "fr") == "Part des sièges utilisés : 12,0\u202f%"
    True
    >>> reason_text("Contract", "Month-to-month", "en")
    'Contract: Month-to-month'
    >>> reason_text("channel_phone_share", 0.25, "en")
    'Share of interactions by Phone: 25.0%'
    >>> reason_text("days_since_last_event", 55.08, "en"), reason_text("furthest_stage_onboarding", 2, "en")
    ('Days since last activity: 55', 'Furthest stage reached (onboarding): 2')
    """
    import re

    chan = re.fullmatch(r"channel_(.+)_share", str(feature))
    stage = re.fullmatch(r"furthest_stage_(.+)", str(feature))
    if chan and f"feature.{feature}" not in MESSAGES:
        name = t("health.channel_share", lang, channel=label("channel", chan.group(1), lang))
    elif stage and f"feature.{feature}" not in MESSAGES:
        name = t("health.furthest_stage", lang, journey=stage.group(1).replace("_", " "))
    else:
        name = label("feature", feature, lang)
    sep = " : " if lang == "fr" else ": "
    if value is None or (isinstance(value, float) and np.isnan(value)):
        shown = t("health.unknown", lang)
    elif isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        share = feature in SHARES or chan is not None
        whole = float(value).is_integer() or abs(value) >= 100 or "days" in str(feature)  # days read whole
        shown = fmt_pct(float(value), lang) if share else fmt_num(float(value), lang, 0 if whole else 2)
    else:
        shown = str(value)
    return f"{name}{sep}{shown}"


def build_health(ws: Workspace, lang: str) -> str:
    """Health distribution, the scorecard, and the at-risk list with reasons."""
    from parcours.customers.churn import ChurnError
    from parcours.customers.health import at_risk, fit_churn

    if ws.events.count().execute() == 0:
        return render("sections/empty.html.j2", message=t("health.none", lang))
    h = ws.health()
    counts = h.band.value_counts()
    scored = int(h.health.notna().sum())
    kpis = [{"band": b, "n": int(counts.get(b, 0)), "share": (counts.get(b, 0) / scored if scored else None)}
            for b in BAND_COLORS]
    cfg = ws.config.health
    measures = [{"name": m.name, "feature": label("feature", m.feature, lang), "weight": m.weight,
                 "how": (t("health.by_thresholds", lang, low=fmt_num(m.bounds[0], lang, 2),
                           high=fmt_num(m.bounds[1], lang, 2)) if m.method == "thresholds"
                         else t("health.by_percentiles", lang)),
                 "better": t(f"health.{m.direction}", lang)} for m in cfg.measures]
    rows, model_note, no_model = [], None, None
    try:
        model, snap = fit_churn(ws)
    except ChurnError:
        no_model = t("health.no_model", lang, activities=", ".join(cfg.churn.activities))
    else:
        risk = at_risk(ws, fitted=model).head(AT_RISK_ROWS)
        from parcours.customers.health import scoring_features

        cur = scoring_features(ws)
        cur = cur[cur.customer_id.isin(risk.customer_id)]
        r = model.reasons(cur[model.columns_], ids=cur.customer_id, top=3)
        texts = r.assign(text=[reason_text(f, v, lang) for f, v in zip(r.feature, r.value)])
        joined = texts.groupby("customer_id").text.agg(" · ".join)
        for rec in risk.to_dict("records"):
            rows.append({**rec, "reasons": joined.get(rec["customer_id"], "")})
        model_note = t("health.model_note", lang, model=t(f"health.model.{model.chosen_}", lang),
                       auc=fmt_num(model.inner_scores_[model.chosen_], lang, 3), rows=fmt_num(len(snap), lang),
                       horizon=cfg.churn.horizon,
                       churn=t(f"health.churn.{snap.attrs.get('definition', 'activity')}", lang))
    return render("sections/health.html.j2", lang=lang, kpis=kpis, scored=scored,
                  mean=h.health.mean() if scored else None, measures=measures, rows=rows, model_note=model_note,
                  no_model=no_model, chart=figure(distribution_chart(h, lang), "fig-health-distribution", lang),
                  period=cfg.period, success=success_blocks(ws, lang))


def success_blocks(ws: Workspace, lang: str) -> list[dict[str, Any]]:
    """Per journey declaring success criteria: status counts, each criterion's share met, customers at risk."""
    from parcours.customers.success import STATUSES, criterion_slug, success_status, success_summary

    out = []
    for j in ws.config.journeys:
        if j.success is None:
            continue
        df = success_status(ws, j).to_pandas()
        summary = success_summary(df, j)
        risk = df[df.status == "at_risk"].sort_values("status_date", kind="stable").head(AT_RISK_ROWS)
        names = list(j.success.criteria)
        out.append({
            "journey": j.name, "within": j.success.within, "customers": len(df),
            "statuses": [{"status": s, **next(r for r in summary if r["what"] == s)} for s in STATUSES],
            "criteria": [{"name": c.name, "share": r["share"], "customers": r["customers"]}
                         for c, r in zip(names, summary[len(STATUSES):])],
            "at_risk": [{"customer_id": r.customer_id, "deadline": r.status_date,
                         "missing": ", ".join(c.name for c in names if pd.isna(getattr(r, f"{criterion_slug(c)}_met_at")))}
                        for r in risk.itertuples(index=False)],
        })
    return out


register(Section("health", "section.health", build_health), after="customers")
