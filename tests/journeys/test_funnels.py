"""Funnel semantics on hand-made cases: each step order, the window edge, exclusions, repeated steps."""

from __future__ import annotations

import pandas as pd
import pytest

from parcours.journeys.funnels import Exclusion, FunnelError, funnel, funnel_customers, window_us
from tests.conftest import write

LOG = """email,timestamp,activity,channel
c1@x.fr,2024-01-01T10:00:00Z,view,web
c1@x.fr,2024-01-01T10:01:00Z,cart,web
c1@x.fr,2024-01-01T10:02:00Z,buy,web
c2@x.fr,2024-01-01T10:00:00Z,view,app
c2@x.fr,2024-01-01T10:02:00Z,buy,app
c2@x.fr,2024-01-01T10:03:00Z,cart,app
c3@x.fr,2024-01-01T10:00:00Z,view,web
c3@x.fr,2024-01-10T10:00:00Z,view,app
c3@x.fr,2024-01-11T10:00:00Z,cart,app
c3@x.fr,2024-01-12T10:00:00Z,buy,app
c4@x.fr,2024-01-01T10:00:00Z,cart,web
c4@x.fr,2024-01-01T10:00:01Z,view,web
c5@x.fr,2024-01-01T10:00:00Z,view,web
c5@x.fr,2024-01-01T10:00:30Z,other,web
c5@x.fr,2024-01-01T10:01:00Z,cart,web
c5@x.fr,2024-01-08T10:00:00Z,buy,web
"""
STEPS = ["view", "cart", "buy"]


@pytest.fixture
def shop(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "log.csv", LOG))
    return ws


def _counts(t):
    df = t.to_pandas()
    return df.entered.tolist(), df.converted.tolist()


def test_ordered_counts_the_best_attempt_within_an_inclusive_window(shop):
    df = funnel(shop.con, STEPS, window="7d").to_pandas()
    # c3 converts from its second view (the first is too old); c5 buys exactly 7 days after its view.
    assert df.entered.tolist() == [5, 4, 3]
    assert df.converted.tolist()[:2] == [4, 3]
    assert df.dropped.tolist()[:2] == [1, 1]
    assert df.conversion.tolist()[:2] == [0.8, 0.75]
    assert df.overall_conversion.tolist() == [1.0, 0.8, 0.6]
    assert df.median_seconds_to_convert.tolist()[:2] == [120.0, 86400.0]  # 60, 60, 180, 86400 / 60, 86400, ~7d


def test_window_edge_one_microsecond_after_is_out(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "edge.csv", "email,timestamp,activity\n"
                              "a@x.fr,2024-01-01T00:00:00.000000Z,view\na@x.fr,2024-01-08T00:00:00.000000Z,buy\n"
                              "b@x.fr,2024-01-01T00:00:00.000000Z,view\nb@x.fr,2024-01-08T00:00:00.000001Z,buy\n"))
    assert funnel(ws.con, ["view", "buy"], window="7d").to_pandas().entered.tolist() == [2, 1]
    assert funnel(ws.con, ["view", "buy"], window=None).to_pandas().entered.tolist() == [2, 2]


def test_strict_needs_each_step_right_after_the_previous(shop):
    df = funnel(shop.con, STEPS, window="7d", order="strict").to_pandas()
    assert df.entered.tolist() == [5, 2, 2]  # c2 buys before its cart, c5 has 'other' in between
    assert df.median_seconds_to_convert.tolist()[0] == 43230.0  # c1 60 s, c3 1 day


def test_unordered_counts_steps_done_in_any_order(shop):
    df = funnel(shop.con, STEPS, window="7d", order="unordered").to_pandas()
    assert df.step.tolist() == ["1 of 3 steps", "2 of 3 steps", "3 of 3 steps"]
    assert df.entered.tolist() == [5, 5, 4]  # c2 did all three in another order; c4 two


def test_exclusion_between_steps_removes_the_customer(shop):
    df = funnel(shop.con, STEPS, window="7d", exclusions=[Exclusion("other", 1, 2)]).to_pandas()
    assert df.entered.tolist() == [4, 3, 2]
    df = funnel(shop.con, STEPS, window="7d", exclusions=[Exclusion("other", 2, 3)]).to_pandas()
    assert df.entered.tolist() == [5, 4, 3]  # c5's 'other' comes before its cart: not between 2 and 3
    with pytest.raises(FunnelError, match="after < before"):
        funnel(shop.con, STEPS, exclusions=[Exclusion("other", 3, 2)])


def test_repeated_step_needs_a_second_event(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "rep.csv", "email,timestamp,activity\n"
                              "a@x.fr,2024-01-01T10:00:00Z,view\na@x.fr,2024-01-01T10:01:00Z,cart\n"
                              "a@x.fr,2024-01-01T10:02:00Z,view\n"
                              "b@x.fr,2024-01-01T10:00:00Z,view\nb@x.fr,2024-01-01T10:01:00Z,cart\n"))
    assert funnel(ws.con, ["view", "cart", "view"]).to_pandas().entered.tolist() == [2, 2, 1]
    assert funnel(ws.con, ["view", "view"]).to_pandas().entered.tolist() == [2, 1]


def test_ties_follow_source_order(ws, tmp_path):
    # Same timestamp: the row order of the file decides (seq), so b's cart counts after its view.
    ws.ingest("events", write(tmp_path / "tie.csv", "email,timestamp,activity\n"
                              "a@x.fr,2024-01-01T10:00:00Z,cart\na@x.fr,2024-01-01T10:00:00Z,view\n"
                              "b@x.fr,2024-01-01T10:00:00Z,view\nb@x.fr,2024-01-01T10:00:00Z,cart\n"))
    assert funnel(ws.con, ["view", "cart"]).to_pandas().entered.tolist() == [2, 1]


def test_breakdown_by_first_touch_channel_and_customer_lists(shop):
    df = funnel(shop.con, STEPS, window="7d", breakdown="channel").to_pandas()
    web = df[df.channel == "web"].entered.tolist()
    app = df[df.channel == "app"].entered.tolist()
    assert web == [4, 3, 3] and app == [1, 1, 0]  # c3 counts for the web (its first view)
    assert df[df.channel == "app"].converted.tolist()[:2] == [1, 0]
    dropped = funnel_customers(shop.con, STEPS, 2, window="7d").to_pandas()
    assert len(dropped) == 1 and str(dropped.reached_at.iloc[0]) == "2024-01-01 10:03:00"
    converted = funnel_customers(shop.con, STEPS, 1, status="converted", window="7d").to_pandas()
    assert len(converted) == 4


def test_bad_input_gets_a_clear_error(shop):
    with pytest.raises(FunnelError, match="matches no activity.*did you mean view"):
        funnel(shop.con, ["vie", "cart"])
    with pytest.raises(FunnelError, match="order must be"):
        funnel(shop.con, STEPS, order="loose")
    with pytest.raises(FunnelError, match="window"):
        window_us("a week")
    assert window_us("90m") == 90 * 60 * 1_000_000
    assert funnel(shop.con, ["c*", "b?y"]).to_pandas().entered.tolist() == [5, 3]


def test_sessions_split_on_thirty_minutes_of_inactivity(ws, tmp_path):
    # a: checkout in the app, pays on the web 2 hours later (another session); b: pays in the same session.
    ws.ingest("events", write(tmp_path / "s.csv", "email,timestamp,activity,channel\n"
                              "a@x.fr,2024-01-01T10:00:00Z,checkout,app\na@x.fr,2024-01-01T12:00:00Z,checkout,web\n"
                              "a@x.fr,2024-01-01T12:05:00Z,pay,web\n"
                              "b@x.fr,2024-01-01T10:00:00Z,checkout,app\nb@x.fr,2024-01-01T10:29:00Z,pay,app\n"))
    per_customer = funnel(ws.con, ["checkout", "pay"], window="1d").to_pandas()
    assert per_customer.entered.tolist() == [2, 2]
    per_session = funnel(ws.con, ["checkout", "pay"], window="1d", by="session", breakdown="channel").to_pandas()
    app = per_session[per_session.channel == "app"]
    web = per_session[per_session.channel == "web"]
    assert app.entered.tolist() == [2, 1] and web.entered.tolist() == [1, 1]
    dropped = funnel_customers(ws.con, ["checkout", "pay"], 1, window="1d", by="session").to_pandas()
    assert dropped.customer_id.nunique() == 1 and str(dropped.reached_at.iloc[0]) == "2024-01-01 10:00:00"


def test_array_levels_equal_the_as_of_join_levels(ws, tmp_path, monkeypatch):
    from parcours.journeys import funnels as fmod
    from parcours.journeys.correlation import drop_correlates
    from tests.journeys.conftest import ingest_log, make_log

    ingest_log(ws, make_log(cases=500, seed=21, tie_share=0.5), tmp_path / "log.csv")
    steps = ["visite", "panier", "paiement", "panier", "réclamation"]

    def run() -> dict:
        return {
            "ordered": funnel(ws.con, steps, window="2d").to_pandas(),
            "strict": funnel(ws.con, steps[:3], window=None, order="strict").to_pandas(),
            "session": funnel(ws.con, steps[:3], window="1d", by="session").to_pandas(),
            "case": funnel(ws.con, steps, window=None, by="case").to_pandas(),
            "excl": funnel(ws.con, steps, window="3d", exclusions=[Exclusion("appel ☎", 1, 3)]).to_pandas(),
            "channel": funnel(ws.con, steps[:3], window="3d", breakdown="channel").to_pandas(),
            "dropped": funnel_customers(ws.con, steps, 2, window="2d").to_pandas(),
            "why": drop_correlates(ws.con, steps[:3], 2, window="2d", min_count=1).to_pandas(),
        }

    arrays = run()
    monkeypatch.setattr(fmod, "CHUNK_ROWS", 997)  # plain funnels counted slice by slice of units,
    monkeypatch.setattr(fmod, "PARALLEL_ROWS", 0)  # two slices at a time
    sliced = run()
    monkeypatch.setattr(fmod, "ARRAY_LEVELS", False)
    joins = run()
    for name, df in arrays.items():
        assert len(df) > 0, name
        pd.testing.assert_frame_equal(df, joins[name], obj=name, check_dtype=False)
        pd.testing.assert_frame_equal(df, sliced[name], obj=name, check_dtype=False)


def test_simultaneity_tolerance_lets_a_step_come_just_before(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "t.csv", "email,timestamp,activity\n"
                              "a@x.fr,2024-01-01T10:00:01Z,order\na@x.fr,2024-01-01T10:00:00Z,pay\n"
                              "b@x.fr,2024-01-01T10:00:10Z,order\nb@x.fr,2024-01-01T10:00:00Z,pay\n"
                              "c@x.fr,2024-01-01T10:00:00Z,order\nc@x.fr,2024-01-01T10:01:00Z,pay\n"))
    assert funnel(ws.con, ["order", "pay"], window="1d").to_pandas().entered.tolist() == [3, 1]
    got = funnel(ws.con, ["order", "pay"], window="1d", tolerance="5s").to_pandas()
    assert got.entered.tolist() == [3, 2]  # a's payment, a second before its order, counts; b's (10 s) not
    with pytest.raises(FunnelError, match="tolerance"):
        funnel(ws.con, ["order", "pay"], order="strict", tolerance="5s")


def _reference_tolerant(df: pd.DataFrame, steps: list[str], window: float, tol: float) -> list[int]:
    """Units reaching each step, by brute force: chains where each step's event comes after the
    previous one, or before it by at most ``tol`` seconds (a different event), within ``window``."""
    from tests.journeys.conftest import reference_order

    out = [0] * len(steps)
    for _case, grp in reference_order(df).groupby("case:concept:name", sort=False):
        acts = grp["concept:name"].tolist()
        ts = [t.timestamp() for t in grp["t"]]
        n = len(acts)
        best = [ts[e] if acts[e] == steps[0] else None for e in range(n)]  # best start of a chain ending at e
        for k in range(len(steps)):
            if k > 0:
                nxt = [None] * n
                for e in range(n):
                    if acts[e] != steps[k]:
                        continue
                    starts = [best[p] for p in range(n) if p != e and best[p] is not None
                              and (p < e or ts[p] <= ts[e] + tol)]
                    if starts and ts[e] - max(starts) <= window:
                        nxt[e] = max(starts)
                best = nxt
            if any(b is not None for b in best):
                out[k] += 1
    return out


@pytest.mark.parametrize("tol", [0, 3600])
def test_tolerance_equals_a_brute_force_reference(ws, tmp_path, tol):
    from tests.journeys.conftest import ingest_log, make_log

    df = make_log(cases=150, seed=8, tie_share=0.5)
    ingest_log(ws, df, tmp_path / "log.csv")
    steps = ["visite", "panier", "paiement", "panier"]
    got = funnel(ws.con, steps, window="2d", by="case", tolerance=f"{tol}s").to_pandas()
    assert got.entered.tolist() == _reference_tolerant(df, steps, 2 * 86400, tol)


def test_rows_read_out_of_order_are_put_back_in_g_order():
    import numpy as np

    from parcours.journeys.funnels import _g_order, _high_words, _reordered

    g = np.arange(100, dtype=np.int64) * 3 + (np.arange(100) // 10 << 32)
    chunks = np.split(g, [30, 55, 80])  # a parallel scan's chunks, handed back shuffled
    shuffled = np.concatenate(chunks[::-1])
    order = _g_order(shuffled)
    assert isinstance(order, list)  # non-overlapping runs: concatenated, not sorted
    np.testing.assert_array_equal(_reordered(shuffled, order), g)
    mixed = shuffled.copy()
    mixed[[3, 40]] = mixed[[40, 3]]  # overlapping runs: a real sort
    order = _g_order(mixed)
    assert isinstance(order, np.ndarray)
    np.testing.assert_array_equal(_reordered(mixed, order), g)
    assert _g_order(g) is None
    np.testing.assert_array_equal(_high_words(g), g >> 32)
