"""The report's customers section: persona cards, tier distribution and movements, retention heat map.

Registered after the journeys section when the report is written; every number comes from the
same functions as the API and the CLI (``parcours.customers``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from parcours.report import charts
from parcours.report.i18n import fmt_month, fmt_pct, t
from parcours.report.sections import Section, figure, records, register, render

if TYPE_CHECKING:
    from parcours.workspace import Workspace

#: Months followed in the retention heat map, and days back for the tier movements.
RETENTION_MONTHS = 6
MOVES_DAYS = 90


def retention_heatmap(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Monthly cohorts (rows) x months since the first visit (columns), coloured by retention rate."""
    title = t("customers.retention_title", lang)
    if df.empty:
        return charts._empty(title, lang)
    df = df[df["period_number"] > 0]  # month 0 is 100 % by construction: it would flatten the colours
    if df.empty:
        return charts._empty(title, lang)
    df = df.assign(cohort=pd.to_datetime(df["cohort"]))
    grid = df.pivot_table(index="cohort", columns="period_number", values="rate", aggfunc="first").sort_index()
    size = df.groupby("cohort").cohort_size.first().reindex(grid.index)
    lo = df.pivot_table(index="cohort", columns="period_number", values="lower", aggfunc="first").reindex_like(grid)
    hi = df.pivot_table(index="cohort", columns="period_number", values="upper", aggfunc="first").reindex_like(grid)
    ylab = [f"{fmt_month(c, lang)} (n={int(n)})" for c, n in zip(grid.index, size, strict=True)]
    text = [[t("customers.retention_hover", lang, rate=fmt_pct(v, lang), lo=fmt_pct(a, lang), hi=fmt_pct(b, lang))
             if pd.notna(v) else "" for v, a, b in zip(r, ra, rb, strict=True)]
            for r, ra, rb in zip(grid.to_numpy(), lo.to_numpy(), hi.to_numpy(), strict=True)]
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=[str(c) for c in grid.columns], y=ylab, colorscale="Blues",
                               zmin=0, hoverinfo="text", text=text,
                               colorbar={"title": {"text": t("customers.retention_rate", lang)}, "tickformat": ".0%"}))
    fig.update_yaxes(autorange="reversed", title=t("customers.cohort", lang))
    fig.update_xaxes(title=t("customers.months_after", lang), type="category")
    return charts._style(fig, title, lang, height=max(320, 26 * len(grid) + 140))


def tiers_bar(dist: pd.DataFrame, lang: str = "en", *, title: str) -> go.Figure:
    """Customers per tier, lowest tier first, with their share."""
    if dist.empty:
        return charts._empty(title, lang)
    fig = go.Figure(go.Bar(x=dist["tier"], y=dist["customers"], marker_color=charts.ACCENT,
                           text=[fmt_pct(s, lang) for s in dist["share"]], textposition="outside"))
    fig.update_yaxes(title=t("kpi.customers", lang), rangemode="tozero")
    return charts._style(fig, title, lang, height=320)


def movements_heatmap(matrix: pd.DataFrame, lang: str = "en", *, title: str) -> go.Figure:
    """From-tier (rows) x to-tier (columns) counts of customers."""
    if matrix.empty:
        return charts._empty(title, lang)
    fig = go.Figure(go.Heatmap(z=matrix.to_numpy(), x=list(matrix.columns), y=list(matrix.index), colorscale="Blues",
                               text=matrix.to_numpy(), texttemplate="%{text}", showscale=False))
    fig.update_yaxes(autorange="reversed", title=t("customers.tier_from", lang))
    fig.update_xaxes(title=t("customers.tier_to", lang), type="category")
    return charts._style(fig, title, lang, height=max(280, 60 * len(matrix) + 120))


def _cards(p: Any) -> list[dict[str, Any]]:
    out = []
    for r in records(p.cards):
        out.append({**r, "channels": list(r["channels"].items()),
                    "stages": [(j, s) for j, s in r["furthest_stages"].items() if s]})
    return out


def build_customers(ws: Workspace, lang: str) -> str:
    """Persona cards, loyalty and value tiers with their movements, and the retention heat map."""
    from parcours.customers.features import reference_time
    from parcours.customers.retention import cohort_retention
    from parcours.customers.tiers import benefits, movement_matrix, tier_distribution

    if ws.events.count().execute() == 0:
        return render("sections/empty.html.j2", message=t("customers.none", lang))
    end = reference_time(ws)
    personas = None
    try:
        personas = ws.personas(lang=lang)
    except Exception as exc:  # too few customers to cluster: the rest of the section still stands
        from parcours.errors import ParcoursError

        if not isinstance(exc, ParcoursError):
            raise
    how = None
    if personas is not None:
        how = (t("customers.k_chosen", lang, k=personas.k, score=f"{personas.scores[personas.k]:.2f}")
               if personas.criterion != "given" else t("customers.k_given", lang, k=personas.k))
    tiers = ws.tiers()
    cfg = ws.config.customers.tiers
    ben = records(benefits(cfg))
    start = end - pd.Timedelta(days=MOVES_DAYS)
    figs = {}
    for kind in ("loyalty", "value"):
        dist = tier_distribution(tiers, kind=kind).to_pandas()
        figs[f"{kind}_bar"] = figure(tiers_bar(dist, lang, title=t(f"customers.{kind}_title", lang)),
                                     f"fig-customers-{kind}", lang)
        m = movement_matrix(ws.tier_movements(start, end, kind=kind))
        figs[f"{kind}_moves"] = figure(movements_heatmap(m, lang, title=t("customers.moves_title", lang,
                                                                          kind=t(f"customers.{kind}", lang),
                                                                          days=MOVES_DAYS)),
                                       f"fig-customers-{kind}-moves", lang)
    ret = cohort_retention(ws, period="month", horizon=RETENTION_MONTHS).to_pandas()
    ret = ret[pd.to_datetime(ret["cohort"]) >= pd.to_datetime(ret["cohort"]).max() - pd.DateOffset(months=18)]
    return render("sections/customers.html.j2", lang=lang, cards=_cards(personas) if personas is not None else [],
                  how=how, benefits=ben, figs=figs,
                  retention_chart=figure(retention_heatmap(ret, lang), "fig-customers-retention", lang))


register(Section("customers", "section.customers", build_customers), after="journeys")
