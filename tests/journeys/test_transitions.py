"""Transitions equal pm4py's directly-follows graph, per customer and per case, whatever the threads."""

from __future__ import annotations

import pandas as pd
import pytest

import parcours
from parcours.journeys.transitions import transitions
from tests.conftest import write
from tests.journeys.conftest import ingest_log, make_log, reference_order


def _reference(df: pd.DataFrame) -> pd.DataFrame:
    """Arcs, counts, distinct cases and times computed the plain way from the generated rows."""
    o = reference_order(df)
    o["nxt"] = o.groupby("case:concept:name")["concept:name"].shift(-1)
    o["gap"] = (o.groupby("case:concept:name")["t"].shift(-1) - o["t"]).dt.total_seconds()
    arcs = o.dropna(subset=["nxt"])
    g = arcs.groupby(["concept:name", "nxt"])
    return pd.DataFrame({"count": g.size(), "customers": g["case:concept:name"].nunique(),
                         "median_seconds": g["gap"].quantile(0.5), "p90_seconds": g["gap"].quantile(0.9)})


def test_equals_pm4py_dfg_with_ties_and_unicode(log_ws):
    pm4py = pytest.importorskip("pm4py")
    ws, df = log_ws
    ours = transitions(ws.con).to_pandas()
    log = df.assign(**{"time:timestamp": pd.to_datetime(df["time:timestamp"])})
    log = pm4py.format_dataframe(log, case_id="case:concept:name", activity_key="concept:name",
                                 timestamp_key="time:timestamp")
    dfg, _start, _end = pm4py.discover_dfg(log)
    assert {(r.source, r.target): r.count for r in ours.itertuples()} == dict(dfg)
    assert any("✓" in a for a, _ in dfg) and len(dfg) > 20


def test_customers_and_times_match_a_plain_computation(log_ws):
    ws, df = log_ws
    ours = transitions(ws.con).to_pandas().set_index(["source", "target"]).sort_index()
    ref = _reference(df).sort_index()
    ref.index.names = ["source", "target"]
    pd.testing.assert_frame_equal(ours, ref, check_dtype=False, check_exact=False, rtol=1e-9)
    assert (ours["count"] >= ours["customers"]).all()


def test_by_case_leaves_out_events_without_a_case(ws, tmp_path):
    path = write(tmp_path / "ev.csv", "email,timestamp,activity,case_id\n"
                 "a@x.fr,2024-01-01T10:00:00Z,open,k1\na@x.fr,2024-01-01T11:00:00Z,call,\n"
                 "a@x.fr,2024-01-01T12:00:00Z,close,k1\n")
    ws.ingest("events", path)
    per_customer = transitions(ws.con, by="customer").to_pandas()
    per_case = transitions(ws.con, by="case").to_pandas()
    assert sorted(zip(per_customer.source, per_customer.target)) == [("call", "close"), ("open", "call")]
    assert list(zip(per_case.source, per_case.target)) == [("open", "close")]
    assert per_case.median_seconds.tolist() == [7200.0]
    with pytest.raises(ValueError, match="customer.*session.*case"):
        transitions(ws.con, by="week")


def test_distinct_units_per_arc_by_case_and_session(ws, tmp_path):
    """One customer, two cases, the same arc three times: counted thrice, by two cases, one customer."""
    path = write(tmp_path / "ev.csv", "email,timestamp,activity,case_id\n"
                 "a@x.fr,2024-01-01T10:00:00Z,open,k1\na@x.fr,2024-01-01T10:05:00Z,close,k1\n"
                 "a@x.fr,2024-01-01T10:06:00Z,open,k1\na@x.fr,2024-01-01T10:07:00Z,close,k1\n"
                 "a@x.fr,2024-01-03T10:00:00Z,open,k2\na@x.fr,2024-01-03T10:01:00Z,close,k2\n")
    ws.ingest("events", path)
    arc = {}
    for by in ("customer", "case", "session"):
        t = transitions(ws.con, by=by).to_pandas().set_index(["source", "target"])
        arc[by] = (int(t.loc[("open", "close"), "count"]), int(t.loc[("open", "close"), "customers"]))
    assert arc == {"customer": (3, 1), "case": (3, 2), "session": (3, 2)}


def test_counts_only_and_index_follows_new_ingestions(log_ws, tmp_path):
    ws, _df = log_ws
    before = transitions(ws.con, times=False).to_pandas()
    assert list(before.columns) == ["source", "target", "count"]
    extra = pd.DataFrame({"case:concept:name": ["case 1"], "concept:name": ["nouvelle étape"],
                          "time:timestamp": ["2030-01-01T00:00:00Z"]})
    ingest_log(ws, extra, tmp_path / "more.csv")  # a later file: the index must be rebuilt
    after = transitions(ws.con, times=False).to_pandas()
    assert after["count"].sum() == before["count"].sum() + 1
    assert "nouvelle étape" in set(after.target)


def test_same_result_with_one_thread_or_several_and_run_twice(tmp_path):
    df = make_log(cases=400, seed=9, tie_share=0.6)  # most events tied on time
    results = []
    for threads in (1, 2):
        ws = parcours.init(tmp_path / f"t{threads}")
        cfg = ws.root / "parcours.yaml"
        cfg.write_text(cfg.read_text().replace("threads: null", f"threads: {threads}"))
        ws = parcours.open(ws.root)
        ingest_log(ws, df, tmp_path / "log.csv")
        for _ in range(2):
            results.append(transitions(ws.con).to_pandas())
    for r in results[1:]:
        pd.testing.assert_frame_equal(results[0], r)
