"""Flows: exact paths against a pandas reference, folding that never loses a customer, funnel reconciliation."""

from __future__ import annotations

import pandas as pd
import pytest

from parcours.journeys.flows import END, OTHER, START, flows, funnel_flows
from parcours.journeys.funnels import FunnelError, funnel, funnel_customers
from tests.conftest import write
from tests.journeys.conftest import ingest_log, make_log, reference_order

LOG = """email,timestamp,activity,channel
a@x.fr,2024-01-01T10:00:00Z,home,web
a@x.fr,2024-01-01T10:01:00Z,view,web
a@x.fr,2024-01-01T10:02:00Z,cart,web
a@x.fr,2024-01-01T10:03:00Z,buy,web
b@x.fr,2024-01-01T10:00:00Z,view,app
b@x.fr,2024-01-01T10:02:00Z,call,phone
b@x.fr,2024-01-01T10:03:00Z,view,app
c@x.fr,2024-01-01T10:00:00Z,view,web
c@x.fr,2024-01-01T10:01:00Z,cart,web
c@x.fr,2024-01-01T10:02:00Z,faq,web
d@x.fr,2024-01-01T10:00:00Z,home,web
"""


@pytest.fixture
def shop(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "log.csv", LOG))
    return ws


def test_paths_nodes_and_links_after_the_first_start(shop):
    f = flows(shop.con, start="view", depth=3, min_share=0)
    assert f.total == 3 and f.direction == "after"
    paths = {tuple(p): n for p, n in zip(f.paths.path, f.paths.units, strict=True)}
    assert paths == {("view", "cart", "buy", END): 1, ("view", "call", "view", END): 1,
                     ("view", "cart", "faq", END): 1}
    nodes = {(d, lab): n for d, lab, n in zip(f.nodes.depth, f.nodes.label, f.nodes.units, strict=True)}
    assert nodes[(0, "view")] == 3 and nodes[(1, "cart")] == 2 and nodes[(1, "call")] == 1
    assert nodes[(3, END)] == 3
    links = {(d, s, t): n for d, s, t, n in zip(f.links.depth, f.links.source, f.links.target, f.links.units,
                                                strict=True)}
    assert links[(0, "view", "cart")] == 2 and links[(1, "cart", "buy")] == 1 and links[(2, "faq", END)] == 1
    f.check()


def test_folding_relabels_rare_branches_and_keeps_every_customer(shop):
    f = flows(shop.con, start="view", depth=3, max_nodes=1, min_share=0)
    assert set(f.nodes.loc[f.nodes.depth == 1, "label"]) == {"cart", OTHER}
    assert f.nodes.loc[(f.nodes.depth == 1) & (f.nodes.label == OTHER), "units"].item() == 1
    f.check()
    for depth, grp in f.links.groupby("depth"):  # each node's outgoing links add up to the node
        out = grp.groupby("source").units.sum()
        node = f.nodes[f.nodes.depth == depth].set_index("label").units
        assert (out == node.reindex(out.index)).all()
    assert f.paths.units.sum() == f.total and f.paths.share.sum() == pytest.approx(1.0)


def test_paths_before_the_last_end_event(shop):
    f = flows(shop.con, end="view", depth=2, min_share=0)
    paths = {tuple(p): n for p, n in zip(f.paths.path, f.paths.units, strict=True)}
    # b's last view comes after a call; a starts from home; c's view is its first event
    assert paths == {(START, "home", "view"): 1, ("view", "call", "view"): 1, (START, "view"): 1}
    assert set(f.nodes.depth) == {0, -1, -2}
    f.check()
    links = {(d, a, b): n for d, a, b, n in zip(f.links.depth, f.links.source, f.links.target, f.links.units,
                                                strict=True)}
    # links run forward in time, into the anchor
    assert links == {(-1, "home", "view"): 1, (-1, "call", "view"): 1, (-1, START, "view"): 1,
                     (-2, START, "home"): 1, (-2, "view", "call"): 1}


def test_window_and_collapsed_repeats(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "w.csv", "email,timestamp,activity\n"
                              "a@x.fr,2024-01-01T10:00:00Z,view\na@x.fr,2024-01-01T10:01:00Z,view\n"
                              "a@x.fr,2024-01-01T10:02:00Z,cart\na@x.fr,2024-01-03T10:00:00Z,buy\n"))
    assert list(flows(ws.con, start="view", depth=3).paths.path[0]) == ["view", "view", "cart", "buy"]
    assert list(flows(ws.con, start="view", depth=3, window="1d").paths.path[0]) == ["view", "view", "cart", END]
    assert list(flows(ws.con, start="view", depth=3, collapse_repeats=True).paths.path[0]) == [
        "view", "cart", "buy", END]


def _reference_paths(df: pd.DataFrame, start: str, depth: int) -> dict[tuple, int]:
    """The paths computed the plain way: sort each case, find its first start, read the next events."""
    out: dict[tuple, int] = {}
    for _case, grp in reference_order(df).groupby("case:concept:name", sort=False):
        acts = grp["concept:name"].tolist()
        if start not in acts:
            continue
        i = acts.index(start)
        nxt = acts[i + 1:i + 1 + depth]
        path = tuple([start, *nxt] + ([END] if len(nxt) < depth else []))
        out[path] = out.get(path, 0) + 1
    return out


def test_exact_against_a_plain_reference_on_generated_logs(ws, tmp_path):
    df = make_log(cases=400, seed=11, tie_share=0.4)
    ingest_log(ws, df, tmp_path / "log.csv")
    for start in ("panier", "réclamation"):
        f = flows(ws.con, start=start, depth=3, min_share=0, max_nodes=100, by="case")
        got = {tuple(p): n for p, n in zip(f.paths.path, f.paths.units, strict=True)}
        assert got == _reference_paths(df, start, 3)
        f.check()


def test_a_flow_from_a_funnel_step_reconciles_with_the_funnel(ws, tmp_path):
    df = make_log(cases=400, seed=5)
    ingest_log(ws, df, tmp_path / "log.csv")
    steps = ["visite", "panier", "paiement"]
    fun = funnel(ws.con, steps, window="2d").to_pandas()
    for step in (1, 2):
        dropped = funnel_flows(ws.con, steps, step, window="2d", min_share=0.05, max_nodes=3)
        assert dropped.total == fun.dropped[step - 1] > 0
        dropped.check()
        converted = funnel_flows(ws.con, steps, step, status="converted", window="2d")
        assert converted.total == fun.converted[step - 1]
        who = funnel_customers(ws.con, steps, step, window="2d").count().execute()
        assert who == dropped.total
    # the flow from step 1 counts the same customers as the funnel's first step
    assert flows(ws.con, start="visite").total == fun.entered[0]
    with pytest.raises(FunnelError, match="last step"):
        funnel_flows(ws.con, steps, 3)
