"""The report's journeys section: funnel of the main path, transition map, busiest arcs, top paths.

Registered after the overview when the report is written; every figure comes from the same
functions as the API and the CLI (``parcours.journeys``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from parcours.report import charts
from parcours.report.i18n import fmt_int, t
from parcours.report.sections import Section, figure, records, register, render

if TYPE_CHECKING:
    from parcours.journeys.flows import Flow
    from parcours.workspace import Workspace

#: Arcs listed in the table under the transition map.
TOP_ARCS = 15


def main_path(ws: Workspace) -> list[str]:
    """The steps of the report's funnel: the longest of the five most frequent paths, without repeats.

    A stand-in until journeys are declared in the workspace config: it follows what customers do.
    """
    top = ws.variants(top=5, collapse_repeats=True).to_pandas()
    if top.empty:
        return []
    seen: list[str] = []
    for step in max(top["variant"], key=len):
        if step not in seen:
            seen.append(step)
    return seen[:8]


def build_journeys(ws: Workspace, lang: str) -> str:
    """Funnel of the main path, transition heat map, the busiest arcs and the most frequent paths."""
    if ws.events.count().execute() == 0:
        return render("sections/empty.html.j2", message=t("journeys.none", lang))
    arcs = ws.transitions().to_pandas()
    variants = ws.variants(top=10, collapse_repeats=True).to_pandas()
    funnel_fig = None
    if ws.config.journeys:  # the declared journey's stages, in its ideal order
        journey = ws.config.journeys[0]
        fun = ws.journey_funnel(journey.name).to_pandas()
        window = journey.conversion_window or "14d"
        title = t("journeys.funnel_title", lang, steps=f"{journey.name}: " + " → ".join(fun["step"]), window=window)
    else:  # no journey declared: follow what customers do most
        steps = main_path(ws)
        fun = ws.funnel(steps, window="30d").to_pandas() if len(steps) >= 2 else None
        title = t("journeys.funnel_title", lang, steps=" → ".join(steps), window="30d")
    if fun is not None and not fun.empty:
        funnel_fig = figure(charts.funnel_chart(fun, lang, title=title), "fig-journeys-funnel", lang)
    rows = [{**r, "median": charts._duration(r["median_seconds"], lang), "p90": charts._duration(r["p90_seconds"], lang)}
            for r in records(arcs.head(TOP_ARCS))]
    leak_rows, why, conf, flow, jmap = _leaks_and_conformance(ws, lang, fun)
    flow_fig = flow_note = None
    if flow is not None and flow.total > 0:
        step = leak_rows[0]["step"]
        flow_fig = figure(charts.flow_sankey(flow, lang, title=t("journeys.flow_title", lang, n=fmt_int(flow.total, lang),
                                                                  step=step)), "fig-journeys-flow", lang)
        flow_note = t("journeys.flow_note", lang, depth=FLOW_DEPTH)
    return render("sections/journeys.html.j2", lang=lang, arcs=rows, funnel_chart=funnel_fig,
                  leaks=leak_rows, why=why, conformance=conf, flow_chart=flow_fig, flow_note=flow_note,
                  journey_map=jmap, leaks_valued=any(r.get("lost_value") == r.get("lost_value") and
                                                     r.get("lost_value") is not None for r in leak_rows),
                  map_chart=figure(charts.transition_map(arcs, lang), "fig-journeys-map", lang),
                  variants_chart=figure(charts.variants_bar(variants, lang), "fig-journeys-variants", lang))


def _leaks_and_conformance(ws: Workspace, lang: str, fun: pd.DataFrame | None
                           ) -> tuple[list[dict], list[str], list[dict], Flow | None, str | None]:
    """The declared journeys' top leaks, why the first one leaks and where its customers went, how
    lived journeys conform, and the first journey's map (its funnel ``fun`` by stage)."""
    if not ws.config.journeys:
        return [], [], [], None, None
    from parcours.journeys.correlation import drop_correlates
    from parcours.journeys.flows import funnel_flows

    journey = ws.config.journeys[0]
    lk = ws.leaks(journey=journey.name).to_pandas()
    lk = lk[lk["lost_to_goal"] > 0]
    jmap = _journey_map(ws, journey, fun, lk, lang) if fun is not None and not fun.empty else None
    lk = lk.head(TOP_LEAKS)
    why: list[str] = []
    flow = None
    if not lk.empty:
        top = lk.iloc[0]
        stages = {st.name: st for st in journey.stages}
        path = journey.ideal_order or [st.name for st in journey.stages]
        steps = [list(stages[n].touchpoints) for n in path]
        corr = drop_correlates(ws.con, steps, path.index(top["step"]) + 1,
                               window=journey.conversion_window or "14d", top=3).to_pandas()
        why = corr["sentence"].tolist()
        window = journey.conversion_window or "14d"
        flow = funnel_flows(ws.con, steps, path.index(top["step"]) + 1, window=window, depth=FLOW_DEPTH)
    conf = []
    for j in ws.config.journeys:
        by = "case" if j.name == "problem_resolution" else "customer"
        c = ws.conformance(j.name, by=by).to_pandas()
        if not c.empty and c["units"].iloc[0] > 0:
            conf.append({"journey": j.name, "by": by, **records(c)[0]})
    return records(lk), why, conf, flow, jmap


def _journey_map(ws: Workspace, journey, fun: pd.DataFrame, lk: pd.DataFrame, lang: str) -> str:
    """Stages as columns: touchpoints, reach and conversion (the funnel), time against target, top leak."""
    dur = ws.stage_durations(journey.name).to_pandas().drop(columns=["stage_index"])
    stages = {s.name: s for s in journey.stages}
    m = fun.rename(columns={"step": "stage"})[["stage", "entered", "conversion", "overall_conversion"]]
    m = m.merge(dur, on="stage", how="left")
    m["touchpoints"] = [[tp.activity + (f" @{tp.channel}" if tp.channel else "") for tp in stages[n].touchpoints]
                        for n in m["stage"]]
    top = lk.sort_values("lost_to_goal", ascending=False, kind="stable").drop_duplicates("step")
    text = {r.step: t("map.leak_text", lang, channel=r.channel, lost=fmt_int(r.lost_to_goal, lang))
            for r in top.itertuples(index=False)} if "channel" in top.columns else {}
    m["top_leak"] = m["stage"].map(text)
    return figure(charts.journey_map(m, lang, title=t("journeys.map_title", lang, name=journey.name)),
                  "fig-journeys-journeymap", lang)


#: Leaks listed in the report.
TOP_LEAKS = 5
#: Events shown after the top leak's step in its flow.
FLOW_DEPTH = 3

register(Section("journeys", "section.journeys", build_journeys), after="overview")
