"""Transitions: the directly-follows graph between activities, with counts, customers and times.

An arc ``source → target`` counts each time an event of ``target`` directly follows one of
``source`` in the same customer's (or case's) sequence, ordered by ``(timestamp, seq)``: the
definition of pm4py's ``discover_dfg``, which this equals on the same log. Each arc also gives the
distinct customers (or cases) who made it and the median and 90th percentile of the time between
the two events, in seconds (exact quantiles, interpolated).

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "log.csv").write_text("case:concept:name,concept:name,time:timestamp\\n"
...     "c1,a,2024-01-01T10:00:00Z\\nc1,b,2024-01-01T10:00:30Z\\nc2,a,2024-01-01T11:00:00Z\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "log.csv")
>>> transitions(ws.con).to_pyarrow().to_pylist()
[{'source': 'a', 'target': 'b', 'count': 1, 'customers': 1, 'median_seconds': 30.0, 'p90_seconds': 30.0}]
"""

from __future__ import annotations

import ibis
from ibis.backends import BaseBackend

from parcours.journeys.index import (
    activity_codes,
    sequence_index,
    session_timeout_us,
    unit_keys,
    units,
)


def transitions(con: BaseBackend, *, by: str = "customer", times: bool = True) -> ibis.Table:
    """The directly-follows graph: ``source, target, count, customers, median_seconds, p90_seconds``.

    ``by``: ``customer`` (default), ``session`` (a customer's run of events without 30 minutes of
    inactivity) or ``case`` (events without a case are left out). ``times``:
    False gives ``source, target, count`` only (the cheapest form). Ordered by count, then names.
    """
    index = sequence_index(con)
    rows, _unit, _pos, next_code, next_us = units(index, by)
    arcs = rows.filter(rows[next_code].notnull())
    if by == "session":  # the next event must be in the same session
        arcs = arcs.filter(arcs[next_us] - arcs.us <= session_timeout_us())
    if times:
        # Quantiles of the integer gap in microseconds (sorting integers costs half as much as
        # doubles), converted to seconds after.
        gap = arcs[next_us] - arcs.us
        stats = {"count": arcs.count(), "q": gap.quantile([0.5, 0.9])}
        if by != "session":  # the index marks each unit's first passage along an arc
            stats["customers"] = arcs["cfirst_arc" if by == "case" else "first_arc"].sum().cast("int64")
        per_arc = arcs.group_by(a=arcs.code, b=arcs[next_code]).aggregate(**stats)
        if by == "session":  # distinct units per arc: group by (arc, unit) first, cheaper than count(distinct)
            pairs = arcs.select(a=arcs.code, b=arcs[next_code], u=arcs[unit_keys(by)[0]]).distinct()
            per_arc = per_arc.join(pairs.group_by("a", "b").aggregate(customers=pairs.count()), ["a", "b"])
        per_arc = per_arc.mutate(median_seconds=per_arc.q[0] / 1e6, p90_seconds=per_arc.q[1] / 1e6).drop("q")
    else:
        per_arc = arcs.group_by(a=arcs.code, b=arcs[next_code]).aggregate(count=arcs.count())
    codes = activity_codes(con)
    src, dst = codes.view(), codes.view()
    named = per_arc.join(src, per_arc.a == src.code).join(dst, per_arc.b == dst.code)
    cols = {"source": src.activity, "target": dst.activity, "count": per_arc["count"]}
    if times:
        cols |= {"customers": per_arc.customers, "median_seconds": per_arc.median_seconds,
                 "p90_seconds": per_arc.p90_seconds}
    out = named.select(**cols)
    return out.order_by([ibis.desc("count"), "source", "target"])
