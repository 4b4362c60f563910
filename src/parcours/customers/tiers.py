"""Rule-based tiers: loyalty levels by purchase frequency and value tiers by spend, as of a date.

The rules live in ``parcours.yaml`` (``customers.tiers``): the seeds' food-delivery example gives
Silver at two orders a week, Gold at four, Platinum above four; value tiers are high / medium /
low by spend thresholds or by quantiles. Every customer gets one level of each as of a date, and
:func:`tier_movements` shows who moved up or down between two dates. Everything runs in the engine.

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp())
>>> customer_tiers(ws, as_of="2024-01-01").columns[:4]
('customer_id', 'purchases', 'purchases_per_period', 'loyalty')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from parcours.config import CustomersConfig, TiersConfig, parse_duration
from parcours.customers.features import FeatureError, _connection, purchases, reference_time

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from parcours.workspace import Workspace

KINDS = ("loyalty", "value")


def _tiers_config(config: Any, ws_cfg: CustomersConfig | None) -> tuple[TiersConfig, CustomersConfig]:
    base = ws_cfg or CustomersConfig()
    if config is None:
        return base.tiers, base
    if isinstance(config, CustomersConfig):
        return config.tiers, config
    if isinstance(config, TiersConfig):
        return config, base
    if isinstance(config, dict):
        return TiersConfig.model_validate(config), base
    raise FeatureError(f"config must be a TiersConfig, a CustomersConfig or a dict, not {type(config).__name__}")


def level_order(config: TiersConfig, kind: str) -> list[str]:
    """Level names of ``kind`` from lowest to highest (the base level first).

    >>> level_order(TiersConfig(), "loyalty")
    ['Member', 'Silver', 'Gold', 'Platinum']
    >>> level_order(TiersConfig(), "value")
    ['Low', 'Medium', 'High']
    """
    if kind == "loyalty":
        return [config.loyalty.base] + [lv.name for lv in config.loyalty.levels]
    if kind == "value":
        return [config.value.base] + [lv.name for lv in reversed(config.value.levels)]
    raise FeatureError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


def benefits(config: TiersConfig) -> pd.DataFrame:
    """One row per level: kind, tier, rank (0 = base), rule in words, benefits text.

    >>> benefits(TiersConfig()).tier.tolist()[:2]
    ['Member', 'Silver']
    """
    rows = [{"kind": "loyalty", "tier": config.loyalty.base, "rank": 0, "rule": "below every threshold", "benefits": ""}]
    per = config.loyalty.period
    for i, lv in enumerate(config.loyalty.levels):
        value, inclusive = lv.threshold
        rule = f"{'at least' if inclusive else 'more than'} {value:g} purchases per {per} (over {config.loyalty.window})"
        rows.append({"kind": "loyalty", "tier": lv.name, "rank": i + 1, "rule": rule, "benefits": lv.benefits})
    rows.append({"kind": "value", "tier": config.value.base, "rank": 0, "rule": "the rest", "benefits": ""})
    n = len(config.value.levels)
    span = f"over {config.value.window}" if config.value.window else "over all history"
    for i, lv in enumerate(config.value.levels):
        rule = (f"spend at least {lv.min_spend:g} {span}" if lv.min_spend is not None
                else f"top {lv.top_share:.0%} of customers by spend {span}")
        rows.append({"kind": "value", "tier": lv.name, "rank": n - i, "rule": rule, "benefits": lv.benefits})
    return pd.DataFrame(rows).sort_values(["kind", "rank"], kind="stable").reset_index(drop=True)


def customer_tiers(con: BaseBackend | Workspace, *, as_of: Any = None, config: Any = None) -> ibis.Table:
    """Each customer's loyalty level and value tier as of a date (from rows strictly before it).

    Columns: ``customer_id``, ``purchases`` (in the loyalty window), ``purchases_per_period``
    (purchases / (window / period)), ``loyalty``, ``loyalty_rank`` (0 = base level), ``spend`` (in
    the value window), ``value_tier``, ``value_rank``. Purchases are the events counted as such
    by ``customers.features`` (see :func:`parcours.customers.features.purchases`). Customers are
    those known before ``as_of`` (in the customers table or by an event); with quantiles, the
    shares are over all of them and equal spends share a tier.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> customer_tiers(ws).count().execute()
    0
    """
    backend, ws_cfg, _ = _connection(con)
    cfg, ccfg = _tiers_config(config, ws_cfg)
    ref = reference_time(backend, as_of)
    ref_lit = ibis.literal(ref.to_pydatetime(), type="timestamp")
    ev = backend.table("events")
    cu = backend.table("customers")
    ev = ev.filter(ev.customer_id.notnull() & (ev.timestamp < ref_lit))
    cu = cu.filter(cu.customer_id.notnull() & (cu.created_at.isnull() | (cu.created_at < ref_lit)))
    ids = ibis.union(cu.select("customer_id"), ev.select("customer_id"), distinct=True)

    pu = purchases(ev, ccfg.features)
    lw = parse_duration(cfg.loyalty.window)
    l_start = ibis.literal((ref - pd.Timedelta(lw)).to_pydatetime(), type="timestamp")
    lp = pu.filter(pu.timestamp >= l_start)
    loyal = lp.group_by("customer_id").aggregate(purchases=lp.count())
    vp = pu
    if cfg.value.window is not None:
        v_start = ibis.literal((ref - pd.Timedelta(parse_duration(cfg.value.window))).to_pydatetime(), type="timestamp")
        vp = pu.filter(pu.timestamp >= v_start)
    spend = vp.group_by("customer_id").aggregate(spend=vp.value.fill_null(0).sum())

    t = ids.left_join(loyal, "customer_id").drop("customer_id_right")
    t = t.left_join(spend, "customer_id").drop("customer_id_right")
    periods = lw.total_seconds() / parse_duration(cfg.loyalty.period).total_seconds()
    t = t.mutate(purchases=t.purchases.fill_null(0).cast("int64"), spend=t.spend.fill_null(0.0).cast("float64"))
    t = t.mutate(purchases_per_period=(t.purchases.cast("float64") / periods))

    # loyalty: the highest level whose threshold is met
    lbranches = []
    for i, lv in reversed(list(enumerate(cfg.loyalty.levels))):
        value, inclusive = lv.threshold
        cond = t.purchases_per_period >= value if inclusive else t.purchases_per_period > value
        lbranches.append((cond, i + 1))
    lrank = ibis.cases(*lbranches, else_=0) if lbranches else ibis.literal(0)
    t = t.mutate(loyalty_rank=lrank.cast("int64"))

    # value: thresholds (highest first) or top shares of customers by spend
    n = len(cfg.value.levels)
    if cfg.value.method == "quantiles":
        t = t.mutate(_share=ibis.cume_dist().over(order_by=ibis.desc(t.spend)))
        vb = [(t._share <= lv.top_share + 1e-12, n - i) for i, lv in enumerate(cfg.value.levels)]
    else:
        vb = [(t.spend >= lv.min_spend, n - i) for i, lv in enumerate(cfg.value.levels)]
    vrank = ibis.cases(*vb, else_=0) if vb else ibis.literal(0)
    t = t.mutate(value_rank=vrank.cast("int64"))

    lnames, vnames = level_order(cfg, "loyalty"), level_order(cfg, "value")
    return t.select(
        "customer_id", "purchases", "purchases_per_period",
        loyalty=ibis.cases(*[(t.loyalty_rank == i, name) for i, name in enumerate(lnames)]),
        loyalty_rank=t.loyalty_rank, spend=t.spend,
        value_tier=ibis.cases(*[(t.value_rank == i, name) for i, name in enumerate(vnames)]),
        value_rank=t.value_rank,
    )


def tier_movements(con: BaseBackend | Workspace, start: Any, end: Any, *, kind: str = "loyalty",
                   config: Any = None) -> ibis.Table:
    """Moves between tiers from ``start`` to ``end``: from_tier, to_tier, movement, customers.

    ``movement`` is ``upgrade``, ``downgrade``, ``same`` or ``new`` (customers not yet known at
    ``start``, whose ``from_tier`` is ``(new)``). ``kind`` is ``loyalty`` or ``value``. Pass the
    result to :func:`movement_matrix` for the from x to table.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> tier_movements(ws, "2024-01-01", "2024-02-01").columns
    ('from_tier', 'to_tier', 'movement', 'from_rank', 'to_rank', 'customers')
    """
    if kind not in KINDS:
        raise FeatureError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if reference_time(con, start) >= reference_time(con, end):
        raise FeatureError(f"start ({start}) must be before end ({end})")
    col, rank = ("loyalty", "loyalty_rank") if kind == "loyalty" else ("value_tier", "value_rank")
    a = customer_tiers(con, as_of=start, config=config).select("customer_id", from_tier=col, from_rank=rank)
    b = customer_tiers(con, as_of=end, config=config).select("customer_id", to_tier=col, to_rank=rank)
    j = b.left_join(a, "customer_id").drop("customer_id_right")
    move = ibis.cases((j.from_rank.isnull(), "new"), (j.to_rank > j.from_rank, "upgrade"),
                      (j.to_rank < j.from_rank, "downgrade"), else_="same")
    j = j.mutate(from_tier=j.from_tier.fill_null("(new)"), movement=move, from_rank=j.from_rank.fill_null(-1))
    return (j.group_by(["from_tier", "to_tier", "movement", "from_rank", "to_rank"])
            .aggregate(customers=j.count()).order_by(["from_rank", "to_rank"]))


def movement_matrix(movements: ibis.Table | pd.DataFrame) -> pd.DataFrame:
    """The from x to matrix of customers (rows: tier at start, columns: tier at end), tiers in rank order.

    >>> m = pd.DataFrame({"from_tier": ["A", "A"], "to_tier": ["A", "B"], "movement": ["same", "upgrade"],
    ...                   "from_rank": [0, 0], "to_rank": [0, 1], "customers": [3, 1]})
    >>> movement_matrix(m).loc["A", "B"]
    np.int64(1)
    """
    df = movements.to_pandas() if isinstance(movements, ibis.Table) else movements
    rows = df.drop_duplicates("from_tier").sort_values("from_rank").from_tier.tolist()
    cols = df.drop_duplicates("to_tier").sort_values("to_rank").to_tier.tolist()
    m = df.pivot_table(index="from_tier", columns="to_tier", values="customers", aggfunc="sum", fill_value=0)
    return m.reindex(index=rows, columns=cols, fill_value=0).astype("int64")


def tier_distribution(tiers: ibis.Table, *, kind: str = "loyalty") -> ibis.Table:
    """Customers and spend per tier (``kind`` loyalty or value), lowest tier first.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> tier_distribution(customer_tiers(ws)).columns
    ('tier', 'rank', 'customers', 'spend', 'share')
    """
    if kind not in KINDS:
        raise FeatureError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    col, rank = ("loyalty", "loyalty_rank") if kind == "loyalty" else ("value_tier", "value_rank")
    g = tiers.group_by([tiers[col].name(col), tiers[rank]]).aggregate(customers=tiers.count(), spend=tiers.spend.sum())
    total = g.customers.sum().over()
    return g.select(tier=g[col], rank=g[rank], customers=g.customers, spend=g.spend,
                    share=g.customers.cast("float64") / total).order_by("rank")


__all__ = ["benefits", "customer_tiers", "level_order", "movement_matrix", "tier_distribution", "tier_movements"]
