"""Flows: where customers go after a touchpoint (or come from before one), k steps deep, for a Sankey.

Definition (PostHog's paths, with one difference that matters): each customer (or case, or
session) is anchored once, at the **first** event matching ``start`` (or the **last** event
matching ``end``; with neither, at the unit's first event). Depth *d* is the *d*-th event after
the anchor (before it, with ``end``), counted in the unit's order ``(timestamp, seq)``, optionally
only within ``window`` of the anchor and with consecutive repeats collapsed. A unit whose
sequence stops before depth *d* ends there (node ``(end)``).

At each depth, activities lived by fewer than ``min_share`` of the anchored units, or beyond the
``max_nodes`` most frequent, are folded into ``(other)``. Folding relabels, it never drops: at
every depth, the units in the depth's nodes plus those that ended earlier are exactly the
anchored units, and each node's outgoing links add up to the node. Peers prune rare edges
instead, so their path totals disagree with their funnels; here, :func:`funnel_flows` anchors
the flow on a funnel step's counted attempt, so its total *is* the funnel's count at that step.

The work is one range join of the anchors with the sequence index and one aggregate of the
units' paths, in the engine; only the distinct paths (not the customers) are read back.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "log.csv").write_text("case:concept:name,concept:name,time:timestamp\\n"
...     "c1,view,2024-01-01T10:00:00Z\\nc1,buy,2024-01-01T10:05:00Z\\nc2,view,2024-01-01T11:00:00Z\\n"
...     "c2,call,2024-01-01T11:02:00Z\\nc2,buy,2024-01-01T12:00:00Z\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "log.csv")
>>> f = flows(ws.con, start="view", depth=2, min_share=0)
>>> f.paths[["path", "units"]].to_dict("records")
[{'path': ['view', 'buy', '(end)'], 'units': 1}, {'path': ['view', 'call', 'buy'], 'units': 1}]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import ibis
import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from parcours.journeys.funnels import (
    Exclusion,
    FunnelError,
    Step,
    _attempts,
    _excluded,
    _exclusion_steps,
    _label,
    _levels,
    _step_matcher,
    window_us,
)
from parcours.journeys.index import SPAN, activity_codes, sequence_index, unit_keys, units

END = "(end)"  # the unit's sequence stops (after the anchor)
START = "(start)"  # the unit's sequence starts (before the anchor, for flows towards ``end``)
OTHER = "(other)"


@dataclass
class Flow:
    """A flow: ``nodes`` (depth, label, units, share), ``links`` (depth of the source, source, target,
    units, share; in time order), ``paths`` (path as a list of labels in time order, units, share); all
    shares are of ``total`` anchored units (customers, sessions or cases)."""

    total: int
    direction: str  # "after" (depth 0 is the anchor, then 1…k) or "before" (0, then -1…-k)
    anchor: str
    nodes: pd.DataFrame
    links: pd.DataFrame
    paths: pd.DataFrame

    def check(self) -> None:
        """Raise if a depth loses or gains units (the reconciliation the module promises)."""
        ended = 0
        for depth, grp in self.nodes.groupby(self.nodes.depth.abs(), sort=True):
            if int(grp.units.sum()) + ended != self.total:
                raise AssertionError(f"depth {depth}: {int(grp.units.sum())} + {ended} ended != {self.total}")
            ended += int(grp.loc[grp.label.isin([END, START]), "units"].sum())


def flows(con: BaseBackend, *, start: Step | None = None, end: Step | None = None, depth: int = 4,
          by: str = "customer", window: str | timedelta | int | None = None, max_nodes: int = 8,
          min_share: float = 0.01, collapse_repeats: bool = False) -> Flow:
    """The paths after the first ``start`` event (or before the last ``end`` event), ``depth`` steps deep.

    See the module docstring for the exact definition. ``start``/``end`` are steps as funnels take
    them (an activity, a glob, any-of lists, touchpoints with a channel).
    """
    if start is not None and end is not None:
        raise FunnelError("give start or end, not both")
    index = sequence_index(con)
    rows, key, uid = _rows(index, by)
    names = activity_codes(con).to_pyarrow()
    direction = "before" if end is not None else "after"
    anchor_step = end if end is not None else start
    cand = rows
    if anchor_step is not None:
        cand = rows.filter(_step_matcher(con, names, anchor_step).test(rows))
    pick = cand[key].max() if direction == "before" else cand[key].min()
    anchors = cand.group_by(u=cand[uid]).aggregate(
        ak=pick, a_us=(cand.us.argmax(cand[key]) if direction == "before" else cand.us.argmin(cand[key])),
        c0=(cand.code.argmax(cand[key]) if direction == "before" else cand.code.argmin(cand[key])))
    label = _label(anchor_step) if anchor_step is not None else "(first event)"
    return _flow(con, rows, key, uid, anchors, depth, direction, window_us(window), max_nodes, min_share,
                 collapse_repeats, label)


def funnel_flows(con: BaseBackend, steps: Sequence[Step], step: int, *, status: str = "dropped", depth: int = 4,
                 window: str | timedelta | int | None = "14d", order: str = "ordered", by: str = "customer",
                 exclusions: Sequence[Exclusion] = (), max_nodes: int = 8, min_share: float = 0.01,
                 collapse_repeats: bool = False) -> Flow:
    """What the units that ``dropped`` at (or ``converted`` after) funnel step ``step`` did next.

    Anchored at the step's event in each unit's counted attempt (the one the funnel counts), so
    ``total`` equals the funnel's ``dropped`` (or ``converted``) at that step exactly. Depth runs
    over all of the unit's later events (not only those in the funnel's window).
    """
    w = window_us(window)
    if not 1 <= step <= len(steps):
        raise FunnelError(f"step must be between 1 and {len(steps)}")
    if status not in ("dropped", "converted", "entered"):
        raise FunnelError("status must be entered, converted or dropped")
    if status != "entered" and step == len(steps):
        raise FunnelError("the last step has no next step to convert to or drop before")
    if order == "unordered":
        raise FunnelError("flows after a step need an ordered or strict funnel (unordered steps have no single event)")
    lv = _levels(con, steps, w, order, by)
    try:
        attempts = _attempts(lv, sorted({step, *_exclusion_steps(exclusions, lv.steps)}))
        excluded = _excluded(con, lv, attempts, exclusions, w, by)
        a = attempts[step - 1]
        if excluded is not None:
            a = a.anti_join(excluded, "u")
        if status != "entered":
            nxt = attempts[step].select("u")
            a = a.semi_join(nxt, "u") if status == "converted" else a.anti_join(nxt, "u")
        owner = (a.u // SPAN) if by == "session" else a.u  # a session id is its first event's key
        anchors = a.select(u=a.u, ak=owner * SPAN + a[f"p{step}"], a_us=a[f"t{step}"])
        # materialised now: the funnel's scratch tables go away below
        anchors = ibis.memtable(anchors.to_pyarrow())
    finally:
        lv.release()
    index = sequence_index(con)
    rows, key, uid = _rows(index, by)
    j = anchors.join(rows, [anchors.u == rows[uid], anchors.ak == rows[key]])
    anchors = j.select(u=anchors.u, ak=anchors.ak, a_us=anchors.a_us, c0=rows.code)
    return _flow(con, rows, key, uid, anchors, depth, "after", None, max_nodes, min_share, collapse_repeats,
                 f"{status} at {_label(steps[step - 1])}")


def _rows(index: ibis.Table, by: str) -> tuple[ibis.Table, str, str]:
    """The index per unit, with the name of its ordering key and of its unit id column."""
    rows, _unit, _pos, _nc, _nu = units(index, by)
    uid, key = unit_keys(by)
    return rows, key, uid


def _flow(con: BaseBackend, rows: ibis.Table, key: str, uid: str, anchors: ibis.Table, depth: int, direction: str,
          window: int | None, max_nodes: int, min_share: float, collapse: bool, anchor_label: str) -> Flow:
    if depth < 1:
        raise FunnelError("depth must be at least 1")
    if max_nodes < 1:
        raise FunnelError("max_nodes must be at least 1")
    r = rows.select(ru=rows[uid], rk=rows[key], rus=rows.us, rc=rows.code)
    j = anchors.join(r, anchors.u == r.ru)
    if direction == "after":
        j = j.filter(j.rk > j.ak)
        if not collapse:
            j = j.filter(j.rk <= j.ak + depth)
        if window is not None:
            j = j.filter(j.rus - j.a_us <= window)
        order = j.rk
    else:
        j = j.filter(j.rk < j.ak)
        if not collapse:
            j = j.filter(j.rk >= j.ak - depth)
        if window is not None:
            j = j.filter(j.a_us - j.rus <= window)
        order = -j.rk
    j = j.select("u", "c0", "rc", o=order)
    if collapse:
        # drop an event that repeats the one before it (the anchor counts as the one before the first)
        w = ibis.window(group_by=j.u, order_by=j.o)
        j = j.mutate(prev=j.rc.lag().over(w))
        j = j.filter(j.rc != ibis.coalesce(j.prev, j.c0))
    w = ibis.window(group_by=j.u, order_by=j.o)
    j = j.mutate(d=(ibis.row_number().over(w) + 1).cast("int64"))  # row_number is 0-based in Ibis
    j = j.filter(j.d <= depth)
    wide = j.group_by("u").aggregate(**{f"c{d}": ibis.ifelse(j.d == d, j.rc, ibis.null("int32")).max()
                                        for d in range(1, depth + 1)})
    full = anchors.select("u", "c0").left_join(wide, "u")
    cols = [f"c{d}" for d in range(depth + 1)]
    paths = full.group_by([full[c].cast("int64").name(c) for c in cols]).aggregate(units=full.count())
    df = paths.to_pandas()
    return _fold(df, activity_codes(con).to_pandas(), depth, direction, max_nodes, min_share, anchor_label)


def _fold(df: pd.DataFrame, codes: pd.DataFrame, depth: int, direction: str, max_nodes: int, min_share: float,
          anchor_label: str) -> Flow:
    """Codes → labels, rare labels folded into (other) depth by depth, then nodes, links and paths."""
    total = int(df.units.sum()) if len(df) else 0
    name = dict(zip(codes.code.astype("int64"), codes.activity, strict=True))
    sign = -1 if direction == "before" else 1
    stop = START if sign < 0 else END
    labels = pd.DataFrame(index=df.index)
    for d in range(depth + 1):
        c = df[f"c{d}"]
        lab = c.map(name).astype(object)
        lab[c.isna()] = stop
        if d > 0:  # once ended, deeper depths are empty
            lab[(labels[d - 1] == stop) | labels[d - 1].isna()] = None
        labels[d] = lab
    for d in range(depth + 1):
        lab = labels[d]
        live = lab.notna() & (lab != stop)
        counts = df.units[live].groupby(lab[live]).sum().reset_index()
        counts.columns = ["label", "units"]
        counts = counts.sort_values(["units", "label"], ascending=[False, True], kind="stable").head(max_nodes)
        keep = set(counts.label[counts.units >= min_share * max(total, 1)])
        labels[d] = lab.where(~live | lab.isin(keep), OTHER)
    long = []
    for d in range(depth + 1):
        lab = labels[d]
        m = lab.notna()
        long.append(pd.DataFrame({"depth": sign * d, "label": lab[m], "units": df.units[m]}))
    nodes = pd.concat(long).groupby(["depth", "label"], as_index=False, sort=False).units.sum()
    nodes = _sorted(nodes, sign)
    nodes["share"] = nodes.units / total if total else np.nan
    parts = []
    for d in range(depth):
        m = labels[d + 1].notna()
        near, far = labels[d][m], labels[d + 1][m]  # links run in time order: before the anchor, far → near
        parts.append(pd.DataFrame({"depth": sign * d if sign > 0 else -(d + 1), "source": near if sign > 0 else far,
                                   "target": far if sign > 0 else near, "units": df.units[m]}))
    links = (pd.concat(parts).groupby(["depth", "source", "target"], as_index=False, sort=False).units.sum()
             if parts else pd.DataFrame(columns=["depth", "source", "target", "units"]))
    links = links.sort_values(["depth", "units", "source", "target"], ascending=[True, False, True, True],
                              kind="stable").reset_index(drop=True)
    links["share"] = links.units / total if total else np.nan
    path_key = labels.fillna("").astype(str).agg("\x1f".join, axis=1)
    grouped = df.units.groupby(path_key).sum().reset_index()
    grouped.columns = ["key", "units"]
    grouped["path"] = grouped.key.str.split("\x1f").map(lambda p: [x for x in p if x])
    if sign < 0:
        grouped["path"] = grouped.path.map(lambda p: p[::-1])
    grouped = grouped.sort_values(["units", "key"], ascending=[False, True], kind="stable")
    paths = grouped[["path", "units"]].reset_index(drop=True)
    paths["share"] = paths.units / total if total else np.nan
    return Flow(total, direction, anchor_label, nodes, links, paths)


def _sorted(nodes: pd.DataFrame, sign: int) -> pd.DataFrame:
    """Nodes by depth (outwards from the anchor), then by size, then by name; (other) and (end) last."""
    rank = nodes.label.map({OTHER: 1, END: 2, START: 2}).fillna(0)
    return (nodes.assign(_r=rank, _a=nodes.depth.abs())
            .sort_values(["_a", "_r", "units", "label"], ascending=[True, True, False, True], kind="stable")
            .drop(columns=["_r", "_a"]).reset_index(drop=True))
