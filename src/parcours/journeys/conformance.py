"""Conformance: how each customer's lived journey differs from the journey as designed.

Each customer's (or case's) stage visits (:func:`stage_sequences`: consecutive events in one stage
collapsed) are compared with the journey's ideal order. A move between two visits is **forward**
(to the next stage), a **skip** (further ahead: stages left out), **backward** (to an earlier
stage: rework), or **off path** (to a stage outside the ideal order). A unit **enters late** when
its first stage is not the first one, **loops** when it visits a stage again, and **fits** when
none of this happens. :func:`conformance` gives the shares per breakdown value (e.g. the team of a
case), :func:`conformance_moves` every move with its count, so the user sees where and how often
lived journeys leave the designed one.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "t.csv").write_text("email,timestamp,activity,case_id\\n"
...     "a@x.fr,2024-01-01T10:00:00Z,ticket_created,t1\\na@x.fr,2024-01-01T11:00:00Z,resolved,t1\\n"
...     "b@x.fr,2024-01-01T10:00:00Z,ticket_created,t2\\nb@x.fr,2024-01-01T11:00:00Z,agent_reply,t2\\n"
...     "b@x.fr,2024-01-01T12:00:00Z,resolved,t2\\nb@x.fr,2024-01-02T09:00:00Z,reopened,t2\\n"
...     "b@x.fr,2024-01-02T10:00:00Z,resolved,t2\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "t.csv")
>>> from parcours.journeys.definitions import scenario_journeys
>>> j = scenario_journeys("retail")[1]
>>> conformance(ws.events, j, by="case").to_pandas()[["units", "fitting", "with_skips", "with_backward", "with_loops"]]
   units  fitting  with_skips  with_backward  with_loops
0      2        0           1              1           1
"""

from __future__ import annotations

import ibis
import pandas as pd

from parcours.config import JourneyConfig
from parcours.journeys.definitions import stage_sequences

_UNITS = {"customer": "customer_id", "case": "case_id"}


def _moves(events: ibis.Table, journey: JourneyConfig, by: str) -> ibis.Table:
    """Every visit with the move that led to it: ``kind`` entry, forward, skip, backward, off_path."""
    unit = _UNITS[by]
    v = stage_sequences(events, journey, by=by)
    ideal = len(journey.ideal_order or [s.name for s in journey.stages])
    w = ibis.window(group_by=v[unit], order_by=v.visit)
    v = v.mutate(prev=v.stage_index.lag().over(w), prev_stage=v.stage.lag().over(w))
    kind = ibis.cases(
        (v.prev.isnull(), "entry"),
        (v.stage_index >= ideal, "off_path"),
        (v.prev >= ideal, "back_on_path"),
        (v.stage_index == v.prev + 1, "forward"),
        (v.stage_index > v.prev + 1, "skip"),
        else_="backward")
    return v.mutate(kind=kind)


def conformance(events: ibis.Table, journey: JourneyConfig, *, by: str = "customer",
                breakdown: str | None = None) -> ibis.Table:
    """Shares of units that fit the ideal order, enter late, skip, go back, loop or leave the path.

    ``breakdown``: an events column (``team``, ``channel``, …): each unit takes the value of its
    first event that has one. Columns: [breakdown], ``units``, ``fitting``, ``fitness``,
    ``late_entry``, ``with_skips``, ``with_backward``, ``with_loops``, ``off_path``,
    ``backward_share``, ``loop_share``, ``mean_visits``.
    """
    if by not in _UNITS:
        raise ValueError(f"by must be 'customer' or 'case', not {by!r}")
    unit = _UNITS[by]
    m = _moves(events, journey, by)
    per = m.group_by(unit).aggregate(
        visits=m.count(), stages=m.stage_index.nunique(),
        first=m.stage_index.argmin(m.visit),
        skips=(m.kind == "skip").cast("int64").sum(), backs=(m.kind == "backward").cast("int64").sum(),
        offs=(m.kind == "off_path").cast("int64").sum())
    per = per.mutate(late=(per["first"] > 0), loops=(per.visits > per.stages))
    per = per.mutate(fits=~per.late & (per.skips == 0) & (per.backs == 0) & ~per.loops & (per.offs == 0))
    keys: list[str] = []
    if breakdown:
        ev = events if by == "customer" else events.filter(events.case_id.notnull())
        if breakdown not in ev.columns:
            raise ValueError(f"breakdown {breakdown!r} is not an events column ({', '.join(ev.columns)})")
        has = ev[breakdown].notnull()
        first = ev.group_by(ev[unit]).aggregate(
            b=ev[breakdown].cast("string").argmin(ev.timestamp, where=has))
        per = per.left_join(first, unit).select(per, b=first.b.fill_null("(none)"))
        keys = ["b"]
    g = per.group_by(keys) if keys else per
    out = g.aggregate(
        units=per.count(), fitting=per.fits.cast("int64").sum(), late_entry=per.late.cast("int64").sum(),
        with_skips=(per.skips > 0).cast("int64").sum(), with_backward=(per.backs > 0).cast("int64").sum(),
        with_loops=per.loops.cast("int64").sum(), off_path=(per.offs > 0).cast("int64").sum(),
        mean_visits=per.visits.mean())
    out = out.mutate(fitness=out.fitting / out.units, backward_share=out.with_backward / out.units,
                     loop_share=out.with_loops / out.units)
    cols = ["units", "fitting", "fitness", "late_entry", "with_skips", "with_backward", "with_loops", "off_path",
            "backward_share", "loop_share", "mean_visits"]
    if keys:
        out = out.rename(**{breakdown: "b"}).select(breakdown, *cols).order_by(breakdown)
    else:
        out = out.select(*cols)
    return ibis.memtable(out.to_pyarrow())


def conformance_moves(events: ibis.Table, journey: JourneyConfig, *, by: str = "customer") -> ibis.Table:
    """Every move between stages: ``from_stage``, ``to_stage``, ``kind``, ``count``, ``units``; the most frequent first."""
    if by not in _UNITS:
        raise ValueError(f"by must be 'customer' or 'case', not {by!r}")
    unit = _UNITS[by]
    m = _moves(events, journey, by)
    m = m.filter(m.kind != "entry")
    out = m.group_by(from_stage=m.prev_stage, to_stage=m.stage, kind=m.kind).aggregate(
        count=m.count(), units=m[unit].nunique())
    df = out.to_pandas().sort_values(["count", "from_stage", "to_stage"], ascending=[False, True, True], kind="stable")
    return ibis.memtable(pd.DataFrame(df).reset_index(drop=True))
