"""Durations and loops per stage: time in stage against its target, time to the next stage, rework.

Definitions, on a journey's stage visits (:func:`parcours.journeys.definitions.stage_sequences`:
runs of consecutive journey events in one stage, in ``(timestamp, seq)`` order):

- **time in stage** of a customer (or case): for each visit to the stage, the time from its first
  event to the first event of the next visit (the moment they moved to another stage), summed over
  the visits to that stage. A visit that is the customer's last one has not ended: the customer is
  ``still_in_stage`` and that visit's time is not counted (it is unknown, not zero).
- **over target**: customers whose time in stage exceeds the stage's ``target_duration`` (among those
  with a known time), with a Wilson 95 % interval on the share.
- **rework**: customers who visited the stage more than once (they came back to it: a loop).
- **to the next stage**: from a customer's first entry in the stage to their first entry in the next
  stage of the ideal order after it (customers who reached both, in that order).

One pass of window functions and aggregates in the engine; only the per-stage rows are read back.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "t.csv").write_text("case:concept:name,concept:name,time:timestamp\\n"
...     "c1,ticket_created,2024-01-01T10:00:00Z\\nc1,resolved,2024-01-04T10:00:00Z\\n"
...     "c2,ticket_created,2024-01-01T10:00:00Z\\nc2,resolved,2024-01-02T10:00:00Z\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "t.csv")
>>> j = parcours.JourneyConfig(name="support", stages=[
...     {"name": "contact", "touchpoints": ["ticket_created"], "target_duration": "2d"},
...     {"name": "resolution", "touchpoints": ["resolved"]}])
>>> stage_durations(ws.events, j).to_pandas()[["stage", "median_seconds", "over_target"]]
        stage  median_seconds  over_target
0     contact        172800.0          1.0
1  resolution             NaN          NaN
"""

from __future__ import annotations

import itertools

import ibis
import numpy as np
import pandas as pd

from parcours.config import JourneyConfig
from parcours.journeys.definitions import stage_sequences
from parcours.journeys.leaks import wilson

_UNITS = {"customer": "customer_id", "case": "case_id"}


def stage_durations(events: ibis.Table, journey: JourneyConfig, *, by: str = "customer") -> ibis.Table:
    """Per stage of ``journey``: time in stage (median, p90) against its target, rework, time to the next stage.

    Columns: ``stage``, ``stage_index``, ``target_seconds``, ``units`` (who entered it),
    ``completed`` (whose time is known), ``still_in_stage``, ``median_seconds``, ``p90_seconds``,
    ``over_target``, ``over_target_share`` with ``over_target_low``/``over_target_high``,
    ``with_rework``, ``rework_share``, ``next_stage``, ``reached_next``, ``to_next_median_seconds``,
    ``to_next_p90_seconds``. See the module docstring for the definitions.
    """
    if by not in _UNITS:
        raise ValueError(f"by must be 'customer' or 'case', not {by!r}")
    unit = _UNITS[by]
    v = stage_sequences(events, journey, by=by)
    v = v.mutate(t=v.entered_at.epoch_seconds().cast("float64"))
    w = ibis.window(group_by=v[unit], order_by=v.visit)
    v = v.mutate(next_t=v.t.lead().over(w))
    v = v.mutate(spent=v.next_t - v.t)
    per = v.group_by([unit, "stage_index"]).aggregate(
        visits=v.count(), spent=v.spent.sum(), open=v.next_t.isnull().cast("int64").max(), first=v.t.min())
    per = per.mutate(spent=ibis.ifelse(per.open == 1, ibis.null("float64"), per.spent))
    # A stage's time is known only when no visit to it is still going on.
    targets = {i: s.target for i, s in enumerate(_ordered_stages(journey))}
    tgt = ibis.cases(*[(per.stage_index == i, td.total_seconds()) for i, td in targets.items() if td is not None],
                     else_=ibis.null("float64")) if any(td is not None for td in targets.values()) \
        else ibis.null("float64")
    per = per.mutate(target=tgt)
    stats = per.group_by("stage_index").aggregate(
        units=per.count(), completed=per.spent.count(), still_in_stage=per.open.sum(),
        q=per.spent.quantile([0.5, 0.9]),
        over_target=(per.spent > per.target).cast("int64").sum(),
        with_rework=(per.visits > 1).cast("int64").sum())
    # time to the next stage of the ideal order, from the first entry of each
    ideal = journey.ideal_order or [s.name for s in journey.stages]
    order = journey.order
    nxt_of = {order.index(a): order.index(b) for a, b in itertools.pairwise(ideal)}
    if nxt_of:
        a = per.select(unit, i=per.stage_index, ta=per.first)
        b = per.select(u2=per[unit], j=per.stage_index, tb=per.first)
        pairs = ibis.memtable(pd.DataFrame({"i": list(nxt_of), "j": list(nxt_of.values())}).astype("int64"))
        jn = a.join(pairs, a.i == pairs.i).join(b, [a[unit] == b.u2, pairs.j == b.j])
        jn = jn.filter(jn.tb > jn.ta)
        gap = (jn.tb - jn.ta).name("gap")
        to_next = jn.select(i=jn.i, gap=gap).group_by("i").aggregate(reached_next=ibis._.count(),
                                                                     qn=ibis._.gap.quantile([0.5, 0.9]))
        to_next = to_next.to_pandas()
    else:
        to_next = pd.DataFrame({"i": [], "reached_next": [], "qn": []})
    df = stats.to_pandas()
    return ibis.memtable(_finish(df, to_next, journey, targets, nxt_of))


def _ordered_stages(journey: JourneyConfig) -> list:
    by_name = {s.name: s for s in journey.stages}
    return [by_name[n] for n in journey.order]


def _finish(df: pd.DataFrame, to_next: pd.DataFrame, journey: JourneyConfig, targets: dict, nxt_of: dict) -> pd.DataFrame:
    order = journey.order
    base = pd.DataFrame({"stage_index": np.arange(len(order), dtype="int64"), "stage": order})
    df = base.merge(df, on="stage_index", how="left")
    for c in ("units", "completed", "still_in_stage", "over_target", "with_rework"):
        df[c] = df[c].fillna(0).astype("int64")
    q = df.pop("q")
    df["median_seconds"] = [x[0] if isinstance(x, list | np.ndarray) and len(x) else np.nan for x in q]
    df["p90_seconds"] = [x[1] if isinstance(x, list | np.ndarray) and len(x) else np.nan for x in q]
    df["target_seconds"] = [targets[i].total_seconds() if targets.get(i) is not None else np.nan
                            for i in df.stage_index]
    has_target = df.target_seconds.notna()
    n = df.completed.to_numpy(dtype=float)
    k = df.over_target.to_numpy(dtype=float)
    low, high = wilson(k, np.where(n > 0, n, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, k / n, np.nan)
    df["over_target_share"] = np.where(has_target, share, np.nan)
    df["over_target_low"] = np.where(has_target, low, np.nan)
    df["over_target_high"] = np.where(has_target, high, np.nan)
    df["over_target"] = df.over_target.where(has_target & (df.completed > 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        df["rework_share"] = np.where(df.units > 0, df.with_rework / df.units.where(df.units > 0), np.nan)
    df["next_stage"] = [order[nxt_of[i]] if i in nxt_of else None for i in df.stage_index]
    tn = to_next.set_index("i") if len(to_next) else None
    df["reached_next"] = [int(tn.reached_next[i]) if tn is not None and i in tn.index else
                          (0 if i in nxt_of else np.nan) for i in df.stage_index]
    df["to_next_median_seconds"] = [float(tn.qn[i][0]) if tn is not None and i in tn.index else np.nan
                                    for i in df.stage_index]
    df["to_next_p90_seconds"] = [float(tn.qn[i][1]) if tn is not None and i in tn.index else np.nan
                                 for i in df.stage_index]
    cols = ["stage", "stage_index", "target_seconds", "units", "completed", "still_in_stage", "median_seconds",
            "p90_seconds", "over_target", "over_target_share", "over_target_low", "over_target_high",
            "with_rework", "rework_share", "next_stage", "reached_next", "to_next_median_seconds",
            "to_next_p90_seconds"]
    return df[cols]
