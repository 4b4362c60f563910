"""Cohort retention and lifecycle states, computed in the engine.

:func:`cohort_retention` follows customers from the period they started (``first_time``) or from
every period they were active (``recurring``) and counts who is active again 0, 1, … periods
later, by day, week or month, with a Wilson confidence band and an optional breakdown (a
customers column, the channel they started on, the first journey they entered, or any label table
such as tiers or personas). :func:`lifecycle` counts, per period, the new, returning, resurrecting
and dormant customers.

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp())
>>> cohort_retention(ws, period="week", horizon=4).columns[:4]
('cohort', 'period_number', 'cohort_size', 'retained')
"""

from __future__ import annotations

from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from parcours.config import CustomersConfig
from parcours.customers.features import FeatureError, _connection, purchases, to_timestamp

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from parcours.config import JourneyConfig
    from parcours.workspace import Workspace

PERIODS = {"day": "D", "week": "W", "month": "M"}
KINDS = ("first_time", "recurring")
_MONDAY = -259_200  # 1969-12-29, a Monday, in epoch seconds: week indices count from it
STATES = ("new", "returning", "resurrecting", "dormant")


def _period_index(ts: ir.TimestampValue, period: str) -> ir.IntegerValue:
    """An integer per period (consecutive periods differ by one)."""
    if period == "month":
        return (ts.year() * 12 + ts.month() - 1).cast("int64")
    if period == "week":
        start = ts.truncate("W").epoch_seconds()
        return ((start - _MONDAY) / 604_800).round().cast("int64")
    return (ts.truncate("D").epoch_seconds() / 86_400).round().cast("int64")


def _activity_events(con: BaseBackend | Workspace, activity: Any, as_of: Any) -> tuple[BaseBackend, ibis.Table]:
    backend, ws_cfg, _ = _connection(con)
    ev = backend.table("events")
    ev = ev.filter(ev.customer_id.notnull())
    if as_of is not None:
        ev = ev.filter(ev.timestamp < ibis.literal(to_timestamp(as_of).to_pydatetime(), type="timestamp"))
    if activity is None:
        return backend, ev
    if activity == "purchase":
        return backend, purchases(ev, (ws_cfg or CustomersConfig()).features)
    names = [activity] if isinstance(activity, str) else list(activity)
    return backend, ev.filter(ev.activity.isin(names))


def wilson(successes: ir.NumericValue, n: ir.NumericValue, confidence: float = 0.95) -> tuple[ir.FloatingValue, ir.FloatingValue]:
    """Wilson score interval (lower, upper) of a proportion, as engine expressions.

    >>> import ibis
    >>> lo, hi = wilson(ibis.literal(8), ibis.literal(10))
    >>> round(float(ibis.duckdb.connect().execute(lo)), 3), round(float(ibis.duckdb.connect().execute(hi)), 3)
    (0.49, 0.943)
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    nn = n.cast("float64")
    p = successes.cast("float64") / nn
    denom = 1 + z * z / nn
    center = (p + z * z / (2 * nn)) / denom
    half = z * ((p * (1 - p) / nn + z * z / (4 * nn * nn)).sqrt()) / denom
    return ibis.greatest(center - half, 0.0), ibis.least(center + half, 1.0)


def _labels(backend: BaseBackend, ev: ibis.Table, breakdown: str, labels: Any,
            journeys: list[JourneyConfig]) -> ibis.Table:
    """customer_id -> breakdown value."""
    if labels is not None:
        lab = ibis.memtable(labels) if isinstance(labels, pd.DataFrame) else labels
        if breakdown not in lab.columns or "customer_id" not in lab.columns:
            raise FeatureError(f"labels must have columns customer_id and {breakdown!r}; got {', '.join(lab.columns)}")
        return lab.select("customer_id", lab[breakdown].cast("string").name(breakdown))
    if breakdown == "channel":
        w = ibis.window(group_by="customer_id", order_by=[ev.timestamp, ev.seq])
        first = ev.mutate(_n=ibis.row_number().over(w))
        first = first.filter(first._n == 0)
        return first.select("customer_id", **{breakdown: first.channel.fill_null("(none)")})
    if breakdown == "first_journey":
        if not journeys:
            raise FeatureError("breakdown 'first_journey' needs journeys declared in parcours.yaml")
        from parcours.journeys.definitions import stage_events

        parts = []
        for j in journeys:
            st = stage_events(ev, j)
            parts.append(st.group_by("customer_id").aggregate(t=st.timestamp.min()).mutate(j=ibis.literal(j.name)))
        u = ibis.union(*parts)
        return u.group_by("customer_id").aggregate(**{breakdown: u.j.argmin(u.t)})
    cu = backend.table("customers")
    if breakdown in cu.columns:
        return cu.group_by("customer_id").aggregate(**{breakdown: cu[breakdown].cast("string").max()})
    allowed = ["channel", "first_journey", *[c for c in cu.columns if c not in ("customer_id", "attributes")]]
    raise FeatureError(f"unknown breakdown {breakdown!r}; use one of {', '.join(allowed)}, or pass labels= "
                       f"(a table with customer_id and {breakdown!r}, e.g. tiers or personas)")


def cohort_retention(con: BaseBackend | Workspace, *, period: str = "week", horizon: int = 12,
                     kind: str = "first_time", activity: Any = None, start_activity: Any = None,
                     rolling: bool = False, breakdown: str | None = None, labels: Any = None,
                     confidence: float = 0.95, as_of: Any = None) -> ibis.Table:
    """Retention of customer cohorts: who is active again ``period_number`` periods after starting.

    ``kind="first_time"``: a customer's cohort is the period of their first ``start_activity``
    event; ``"recurring"``: every period with such an event starts a cohort for that customer.
    A customer is retained at period k if they have an ``activity`` event in period cohort + k
    (with ``rolling``: in that period or any later one). ``activity``/``start_activity``: None (any
    event), an activity name or list, or ``"purchase"`` (the purchases of ``customers.features``);
    ``start_activity`` defaults to ``activity``. Cells whose period is after the data's last
    period are left out (not observable yet). Columns: [breakdown], ``cohort`` (period start),
    ``period_number``, ``cohort_size``, ``retained``, ``rate``, ``lower``, ``upper`` (Wilson
    interval at ``confidence``).

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> cohort_retention(ws, period="month", horizon=3, kind="recurring").count().execute()
    0
    """
    if period not in PERIODS:
        raise FeatureError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if kind not in KINDS:
        raise FeatureError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if horizon < 0:
        raise FeatureError(f"horizon must be 0 or more periods, not {horizon}")
    backend, ret = _activity_events(con, activity, as_of)
    _, st = _activity_events(con, activity if start_activity is None else start_activity, as_of)
    _, all_ev = _activity_events(con, None, as_of)
    unit = PERIODS[period]

    act = ret.select("customer_id", p=_period_index(ret.timestamp, period)).distinct()
    starts = st.select("customer_id", p=_period_index(st.timestamp, period),
                       cohort=st.timestamp.truncate(unit)).distinct()
    if kind == "first_time":
        starts = starts.group_by("customer_id").aggregate(p=starts.p.min(), cohort=starts.cohort.min())
    last = all_ev.select(p=_period_index(all_ev.timestamp, period)).p.max()

    keys: list[str] = []
    if breakdown is not None:
        journeys = con.config.journeys if hasattr(con, "config") else []
        lab = _labels(backend, all_ev, breakdown, labels, journeys)
        starts = starts.left_join(lab, "customer_id").drop("customer_id_right")
        starts = starts.mutate(**{breakdown: starts[breakdown].fill_null("(none)")})
        keys = [breakdown]

    sizes = starts.group_by([*keys, "cohort", "p"]).aggregate(cohort_size=starts.count())
    a = act.rename(q="p")
    j = starts.join(a, "customer_id")
    j = j.mutate(k=j.q - j.p)
    j = j.filter((j.k >= 0) & (j.k <= horizon))
    if rolling:
        # retained at k if active at k or later: the customer's latest k counts for every k below it
        best = j.group_by([*keys, "cohort", "p", "customer_id"]).aggregate(kmax=j.k.max())
        ks = ibis.memtable({"period_number": list(range(horizon + 1))})
        cells = best.cross_join(ks)
        cells = cells.filter(cells.period_number <= cells.kmax)
        ret_counts = cells.group_by([*keys, "cohort", "period_number"]).aggregate(retained=cells.count())
    else:
        ret_counts = (j.group_by([*keys, "cohort", j.k.name("period_number")])
                      .aggregate(retained=j.customer_id.nunique()))
    ks = ibis.memtable({"period_number": list(range(horizon + 1))})
    grid = sizes.cross_join(ks)
    grid = grid.filter(grid.p + grid.period_number <= last)
    out = grid.left_join(ret_counts, [*keys, "cohort", "period_number"])
    out = out.select(*keys, "cohort", "period_number", "cohort_size", retained=out.retained.fill_null(0))
    lo, hi = wilson(out.retained, out.cohort_size, confidence)
    out = out.mutate(rate=out.retained.cast("float64") / out.cohort_size, lower=lo, upper=hi)
    return out.order_by([*keys, "cohort", "period_number"])


def retention_curve(table: ibis.Table, *, confidence: float = 0.95) -> ibis.Table:
    """Cohorts pooled: retained / cohort size per ``period_number`` (and breakdown), Wilson band.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> retention_curve(cohort_retention(ws)).columns
    ('period_number', 'cohort_size', 'retained', 'rate', 'lower', 'upper')
    """
    keys = [c for c in table.columns if c not in ("cohort", "period_number", "cohort_size", "retained", "rate",
                                                  "lower", "upper")]
    g = table.group_by([*keys, "period_number"]).aggregate(cohort_size=table.cohort_size.sum(),
                                                          retained=table.retained.sum())
    lo, hi = wilson(g.retained, g.cohort_size, confidence)
    return g.mutate(rate=g.retained.cast("float64") / g.cohort_size, lower=lo, upper=hi).order_by([*keys, "period_number"])


def lifecycle(con: BaseBackend | Workspace, *, period: str = "month", activity: Any = None,
              as_of: Any = None) -> ibis.Table:
    """Customers per period and lifecycle state: new, returning, resurrecting, dormant.

    Active in a period means at least one ``activity`` event in it (None: any event; a name or a
    list; ``"purchase"``). ``new``: first active period; ``returning``: active now and in the
    period before; ``resurrecting``: active now, not in the period before, but earlier;
    ``dormant``: active in the period before, not now. Columns: ``period`` (start), ``state``,
    ``customers``; every period from the first to the last active one, every state.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> lifecycle(ws).columns
    ('period', 'state', 'customers')
    """
    if period not in PERIODS:
        raise FeatureError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    _, ev = _activity_events(con, activity, as_of)
    unit = PERIODS[period]
    act = ev.select("customer_id", p=_period_index(ev.timestamp, period), start=ev.timestamp.truncate(unit)).distinct()
    w = ibis.window(group_by="customer_id", order_by="p")
    a = act.mutate(prev=act.p.lag().over(w), nxt=act.p.lead().over(w))
    state = ibis.cases((a.prev.isnull(), "new"), (a.prev == a.p - 1, "returning"), else_="resurrecting")
    active = a.select(p=a.p, state=state, customer_id=a.customer_id)
    last = act.p.max()
    dormant = a.filter((a.nxt.isnull() | (a.nxt > a.p + 1)) & (a.p + 1 <= last.as_scalar()))
    dormant = dormant.select(p=dormant.p + 1, state=ibis.literal("dormant"), customer_id=dormant.customer_id)
    u = ibis.union(active, dormant)
    counts = u.group_by(["p", "state"]).aggregate(customers=u.count())
    # every (period, state) cell, with each period's start date
    periods = act.group_by("p").aggregate(period=act.start.min())
    states = ibis.memtable({"state": list(STATES)})
    grid = periods.cross_join(states)
    out = grid.left_join(counts, ["p", "state"])
    order = ibis.cases(*[(out.state == s, i) for i, s in enumerate(STATES)])
    return (out.mutate(_o=order).order_by(["p", "_o"])
            .select("period", "state", customers=out.customers.fill_null(0).cast("int64")))


def lifecycle_table(table: ibis.Table | pd.DataFrame) -> pd.DataFrame:
    """Lifecycle counts as a period x state frame (states in their usual order).

    >>> lifecycle_table(pd.DataFrame({"period": [1, 1], "state": ["new", "dormant"], "customers": [3, 1]})).loc[1].tolist()
    [3, 0, 0, 1]
    """
    df = table.to_pandas() if isinstance(table, ibis.Table) else table
    return (df.pivot_table(index="period", columns="state", values="customers", aggfunc="sum", fill_value=0)
            .reindex(columns=list(STATES), fill_value=0).astype("int64"))


__all__ = ["cohort_retention", "lifecycle", "lifecycle_table", "retention_curve", "wilson"]
