"""Tiers: loyalty levels and value tiers match the rules computed by hand; movements between dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parcours.config import TiersConfig
from parcours.customers.features import FeatureError
from parcours.customers.tiers import (
    benefits,
    customer_tiers,
    level_order,
    movement_matrix,
    tier_distribution,
    tier_movements,
)
from tests.conftest import write

AS_OF = pd.Timestamp("2024-03-01")
#: purchases in the 28 days before AS_OF per customer: rate per week = n / 4
IN_WINDOW = {"p0": 0, "p1": 7, "p2": 8, "p3": 15, "p4": 16, "p5": 17, "p6": 30}
OLD = {"p0": 5, "p1": 1}  # purchases before the window: they do not count for loyalty
EV_MAP = {"table": "events", "columns": {"timestamp": "t", "activity": "a", "value": "v"}, "identifiers": {"crm_id": "c"}}


def _rows() -> tuple[str, pd.DataFrame]:
    rng = np.random.default_rng(3)
    rows = []
    for c, n in IN_WINDOW.items():
        for k in range(n):  # spread over the window, the last one an hour before as_of
            t = AS_OF - pd.Timedelta(hours=1) - pd.Timedelta(minutes=int(rng.integers(0, 27 * 24 * 60)))
            rows.append((c, t, "order", float(rng.integers(5, 200))))
        rows.append((c, AS_OF - pd.Timedelta(days=5), "visit", np.nan))  # not a purchase
    for c, n in OLD.items():
        for k in range(n):
            rows.append((c, AS_OF - pd.Timedelta(days=40 + k), "order", 1000.0))
    rows.append(("p1", AS_OF, "order", 50.0))  # exactly at as_of: after it
    rows.append(("p2", AS_OF - pd.Timedelta(days=2), "payment_failed", 500.0))  # not a purchase
    df = pd.DataFrame(rows, columns=["c", "t", "a", "v"])
    text = "c,t,a,v\n" + "".join(f"{r.c},{r.t:%Y-%m-%d %H:%M:%S},{r.a},{'' if np.isnan(r.v) else r.v}\n"
                                 for r in df.itertuples())
    return text, df


@pytest.fixture(scope="module")
def tiered(tmp_path_factory):
    import parcours

    base = tmp_path_factory.mktemp("tiers")
    ws = parcours.init(base / "ws")
    text, df = _rows()
    ws.ingest("events", write(base / "ev.csv", text), mapping=EV_MAP)
    ids = ws.table("identities").to_pandas()
    yield ws, df, dict(zip(ids.customer_id, ids.identifier))
    ws.close()


def _expected_loyalty(n: int) -> str:
    rate = n / 4
    return "Platinum" if rate > 4 else "Gold" if rate >= 4 else "Silver" if rate >= 2 else "Member"


def test_loyalty_levels_match_the_rules_by_hand(tiered):
    ws, _, raw = tiered
    t = customer_tiers(ws, as_of=AS_OF).to_pandas()
    t["raw"] = t.customer_id.map(raw)
    got = dict(zip(t.raw, t.loyalty))
    assert got == {c: _expected_loyalty(n) for c, n in IN_WINDOW.items()}
    assert dict(zip(t.raw, t.purchases)) == IN_WINDOW
    # p1: 7 a month is 1.75 a week (Member); p2: 2.0 (Silver, inclusive); p4: 4.0 Gold; p5: 4.25 Platinum
    assert got["p1"] == "Member" and got["p2"] == "Silver" and got["p4"] == "Gold" and got["p5"] == "Platinum"


def test_value_tiers_thresholds_and_quantiles_by_hand(tiered):
    ws, df, raw = tiered
    before = df[(df.t < AS_OF) & (df.a == "order") & (df.t >= AS_OF - pd.Timedelta(days=365))]
    spend = before.groupby("c").v.sum().reindex(list(IN_WINDOW), fill_value=0.0)
    cfg = {"value": {"window": "365d", "base": "Low", "levels": [{"name": "High", "min_spend": 2000},
                                                                    {"name": "Medium", "min_spend": 800}]}}
    t = customer_tiers(ws, as_of=AS_OF, config=cfg).to_pandas()
    t["raw"] = t.customer_id.map(raw)
    assert dict(zip(t.raw, t.spend)) == pytest.approx(spend.to_dict())
    want = {c: "High" if s >= 2000 else "Medium" if s >= 800 else "Low" for c, s in spend.items()}
    assert dict(zip(t.raw, t.value_tier)) == want
    # quantiles: top 2 of 7 customers (share <= 2/7) High, top 4 Medium
    q = {"value": {"window": None, "levels": [{"name": "High", "top_share": 2 / 7}, {"name": "Medium", "top_share": 4 / 7}]}}
    t = customer_tiers(ws, as_of=AS_OF, config=q).to_pandas()
    t["raw"] = t.customer_id.map(raw)
    allspend = df[(df.t < AS_OF) & (df.a == "order")].groupby("c").v.sum()
    order = allspend.sort_values(ascending=False).index.tolist()
    want = {c: "High" if i < 2 else "Medium" if i < 4 else "Low" for i, c in enumerate(order)}
    assert dict(zip(t.raw, t.value_tier)) == want
    dist = tier_distribution(customer_tiers(ws, as_of=AS_OF, config=q), kind="value").to_pandas()
    assert dist.tier.tolist() == ["Low", "Medium", "High"] and dist.customers.tolist() == [3, 2, 2]


def test_movements_between_two_dates(tiered):
    ws, _, _ = tiered
    start = AS_OF - pd.Timedelta(days=20)
    a = customer_tiers(ws, as_of=start).to_pandas().set_index("customer_id")
    b = customer_tiers(ws, as_of=AS_OF).to_pandas().set_index("customer_id")
    m = tier_movements(ws, start, AS_OF).to_pandas()
    assert m.customers.sum() == len(b)
    joined = b.merge(a, left_index=True, right_index=True, how="left", suffixes=("", "_a"))
    ups = int((joined.loyalty_rank > joined.loyalty_rank_a).sum())
    downs = int((joined.loyalty_rank < joined.loyalty_rank_a).sum())
    assert m[m.movement == "upgrade"].customers.sum() == ups and ups > 0
    assert m[m.movement == "downgrade"].customers.sum() == downs
    mat = movement_matrix(m)
    assert mat.to_numpy().sum() == len(b)
    assert list(mat.columns) == [x for x in level_order(TiersConfig(), "loyalty") if x in mat.columns]
    with pytest.raises(FeatureError, match="before"):
        tier_movements(ws, AS_OF, start)


def test_config_errors_and_benefits():

    with pytest.raises(ValueError, match="exactly one"):
        TiersConfig.model_validate({"loyalty": {"levels": [{"name": "X"}]}})
    with pytest.raises(ValueError, match="min_spend"):
        TiersConfig.model_validate({"value": {"levels": [{"name": "X", "min_spend": 1}, {"name": "Y", "top_share": 0.5}]}})
    b = benefits(TiersConfig())
    assert b[b.tier == "Gold"].rule.item() == "at least 4 purchases per 7d (over 28d)"
