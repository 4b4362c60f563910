"""Leaks: Wilson intervals, the ranking, and the planted leak of each synthetic company found first."""

from __future__ import annotations

import json

import numpy as np
import pytest

import parcours
from parcours.journeys.correlation import drop_correlates
from parcours.journeys.flows import funnel_flows
from parcours.journeys.funnels import funnel
from parcours.journeys.leaks import goal_value, leaks, wilson
from parcours.synth import generate
from tests.conftest import write


def test_wilson_interval_matches_hand_computation():
    lo, hi = wilson(np.array([8, 0, 20]), np.array([20, 20, 20]))
    # p = 0.4, n = 20, z = 1.96: centre 0.4160, half-width 0.1971 (by hand)
    assert abs(lo[0] - 0.2188) < 1e-3 and abs(hi[0] - 0.6134) < 1e-3
    assert lo[1] == 0.0 and 0 < hi[1] < 0.2 and hi[2] == 1.0 and 0.8 < lo[2] < 1.0
    assert np.isnan(wilson(0, 0)[0])


def test_cells_by_two_dimensions_and_small_cells_left_out(ws, tmp_path):
    ws.ingest("customers", write(tmp_path / "c.csv", "email,segment\n" + "".join(
        f"{p}{i}@x.fr,{'gold' if i % 2 else 'std'}\n" for p in "wa" for i in range(40))))
    rows = ["email,timestamp,activity,channel"]
    for p, paying in (("w", 36), ("a", 12)):
        rows += [f"{p}{i}@x.fr,2024-01-01T10:00:00Z,cart,{'web' if p == 'w' else 'app'}" for i in range(40)]
        rows += [f"{p}{i}@x.fr,2024-01-01T10:05:00Z,pay,web" for i in range(paying)]
    ws.ingest("events", write(tmp_path / "e.csv", "\n".join(rows) + "\n"))
    out = leaks(ws.con, ["cart", "pay"], dims=["channel", "segment"], window="1d", min_entered=5).to_pandas()
    assert set(zip(out.channel, out.segment)) == {("web", "gold"), ("web", "std"), ("app", "gold"), ("app", "std")}
    assert out.iloc[0].channel == "app" and bool(out.iloc[0].significant)
    assert out.entered.sum() == 80 and (out.dropped == out.entered - out.converted).all()
    assert leaks(ws.con, ["cart", "pay"], window="1d", min_entered=41).to_pandas().empty


def test_lost_value_prices_the_loss_and_can_rank(ws, tmp_path):
    # web: cheap baskets (20), many lost; app: dear baskets (500), fewer lost but worth more
    rows = ["email,timestamp,activity,channel,value"]
    for p, n, paying, price in (("w", 60, 20, 20.0), ("a", 60, 40, 500.0), ("s", 60, 50, 100.0)):
        rows += [f"{p}{i}@x.fr,2024-01-01T10:00:00Z,cart,{p}," for i in range(n)]
        rows += [f"{p}{i}@x.fr,2024-01-01T10:05:00Z,pay,{p},{price}" for i in range(paying)]
    ws.ingest("events", write(tmp_path / "v.csv", "\n".join(rows) + "\n"))
    mean = (20 * 20 + 40 * 500 + 50 * 100) / 110
    by_customers = leaks(ws.con, ["cart", "pay"], window="1d", min_entered=5).to_pandas()
    assert by_customers.lost_value.tolist() == pytest.approx((by_customers.lost_to_goal * mean).tolist())
    assert by_customers.iloc[0].channel == "w"
    # the same loss priced the same way keeps the order; the ranking option is on the priced column
    by_value = leaks(ws.con, ["cart", "pay"], window="1d", min_entered=5, rank="value").to_pandas()
    assert by_value.lost_value.is_monotonic_decreasing or by_value.lost_value.isna().all()
    with pytest.raises(ValueError, match="rank"):
        leaks(ws.con, ["cart", "pay"], rank="euros")
    # a goal without values (here a later cart) is priced at the last valued step before it
    assert goal_value(ws.con, ["cart", "pay", "cart"], 3) == pytest.approx(mean)
    assert np.isnan(goal_value(ws.con, ["cart"], 1))


def test_lost_value_is_empty_when_no_event_carries_a_value(ws, tmp_path):
    rows = ["email,timestamp,activity"] + [f"c{i}@x.fr,2024-01-01T10:00:00Z,cart" for i in range(10)]
    ws.ingest("events", write(tmp_path / "n.csv", "\n".join(rows) + "\n"))
    out = leaks(ws.con, ["cart", "cart"], window="1d", min_entered=1).to_pandas()
    assert out.lost_value.isna().all()


@pytest.fixture(scope="module", params=["retail", "saas"])
def company(request, tmp_path_factory):
    base = tmp_path_factory.mktemp(request.param)
    raw = base / "raw"
    generate(request.param, raw, events=60_000, seed=11)
    ws = parcours.init(base / "ws", scenario=request.param, data=raw)
    ws.ingest_sources()
    yield request.param, ws, json.loads((raw / "truth.json").read_text())["leak"]
    ws.close()


def _planted_funnel(scenario, ws):
    """The funnel the planted leak sits in, and the unit it was planted on."""
    if scenario == "retail":  # per session: app checkouts end in a payment far less often
        return ["product_view", "add_to_cart", "checkout_start", "payment"], "session", "1d"
    # per account: mobile signups rarely connect an integration during onboarding
    return ws.journey("onboarding"), "customer", "14d"


@pytest.mark.slow
def test_the_planted_leak_is_the_top_leak(company):
    scenario, ws, leak = company
    steps, by, window = _planted_funnel(scenario, ws)
    top = leaks(ws.con, steps, by=by, window=window).to_pandas().iloc[0]
    if scenario == "retail":
        assert (top.step, top.next_step) == (leak["from_activity"], leak["to_activity"])
    else:
        stages = {s.name: [t.activity for t in s.touchpoints] for s in steps.stages}
        assert leak["to_activity"] in stages[top.next_step] and leak["from_activity"] in stages[top.step]
    assert top.channel == leak["channel"] and bool(top.significant)


@pytest.mark.slow
def test_the_planted_cause_is_the_top_correlate(company):
    scenario, ws, leak = company
    steps, by, window = _planted_funnel(scenario, ws)
    if scenario == "retail":
        step = steps.index(leak["from_activity"]) + 1
        top = drop_correlates(ws.con, steps, step, by=by, window=window).to_pandas().iloc[0]
    else:
        path = steps.ideal_order
        step = next(i for i, name in enumerate(path, start=1)
                    if leak["from_activity"] in [t.activity for t in steps.stages[i - 1].touchpoints])
        funnel_steps = [list({s.name: s for s in steps.stages}[n].touchpoints) for n in path]
        top = drop_correlates(ws.con, funnel_steps, step, by=by, window=window).to_pandas().iloc[0]
    assert top.trait.startswith("channel") and top.value == leak["channel"]
    assert top.odds_low > 1 and top.drop_ratio > 1.5 and leak["channel"] in top.sentence


@pytest.mark.slow
def test_the_flow_after_the_planted_leak_counts_every_customer_the_funnel_lost(company):
    scenario, ws, leak = company
    steps, by, window = _planted_funnel(scenario, ws)
    if scenario != "retail":
        path = steps.ideal_order
        stages = {s.name: s for s in steps.stages}
        steps = [list(stages[n].touchpoints) for n in path]
        step = next(i for i, name in enumerate(path, start=1)
                    if leak["from_activity"] in [t.activity for t in stages[name].touchpoints])
    else:
        step = steps.index(leak["from_activity"]) + 1
    fun = funnel(ws.con, steps, by=by, window=window).to_pandas()
    flow = funnel_flows(ws.con, steps, step, by=by, window=window, depth=3)
    assert flow.total == fun.dropped[step - 1] > 0
    flow.check()
    assert flow.links[flow.links.depth == 0].units.sum() == flow.total
