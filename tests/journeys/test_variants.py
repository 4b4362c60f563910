"""Variants equal pm4py's, counts and order are exact, repeats can be collapsed."""

from __future__ import annotations

import pandas as pd
import pytest

from parcours.journeys.variants import _powers, variants
from tests.conftest import write
from tests.journeys.conftest import reference_order


def test_equals_pm4py_variants(log_ws):
    pm4py = pytest.importorskip("pm4py")
    ws, df = log_ws
    ours = variants(ws.con, top=None).to_pandas()
    log = df.assign(**{"time:timestamp": pd.to_datetime(df["time:timestamp"])})
    log = pm4py.format_dataframe(log, case_id="case:concept:name", activity_key="concept:name",
                                 timestamp_key="time:timestamp")
    theirs = {k: (len(v) if isinstance(v, list) else v) for k, v in pm4py.get_variants(log).items()}
    assert {tuple(v): c for v, c in zip(ours.variant, ours["count"], strict=True)} == theirs
    assert abs(ours.share.sum() - 1.0) < 1e-9


def test_top_k_is_ordered_by_count_then_activities(log_ws):
    ws, df = log_ws
    top = variants(ws.con, top=5).to_pandas()
    o = reference_order(df)
    seqs = o.groupby("case:concept:name")["concept:name"].agg(tuple).value_counts()
    ref = sorted(seqs.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert [(tuple(v), c) for v, c in zip(top.variant, top["count"], strict=True)] == ref
    assert top.share.tolist() == [c / seqs.sum() for _, c in ref]


def test_collapse_repeats_and_empty_warehouse(ws, tmp_path):
    assert variants(ws.con).to_pandas().empty
    path = write(tmp_path / "ev.csv", "email,timestamp,activity\n"
                 "a@x.fr,2024-01-01T10:00:00Z,view\na@x.fr,2024-01-01T10:01:00Z,view\na@x.fr,2024-01-01T10:02:00Z,buy\n"
                 "b@x.fr,2024-01-01T10:00:00Z,view\nb@x.fr,2024-01-01T10:02:00Z,buy\n"
                 "c@x.fr,2024-01-01T10:00:00Z,view\nc@x.fr,2024-01-01T10:01:00Z,buy\nc@x.fr,2024-01-01T10:02:00Z,view\n")
    ws.ingest("events", path)
    plain = variants(ws.con).to_pandas()
    assert sorted(map(tuple, plain.variant)) == [("view", "buy"), ("view", "buy", "view"), ("view", "view", "buy")]
    collapsed = variants(ws.con, collapse_repeats=True).to_pandas()
    assert [(tuple(v), c) for v, c in zip(collapsed.variant, collapsed["count"], strict=True)] == [
        (("view", "buy"), 2), (("view", "buy", "view"), 1)]


def test_powers_are_modular_powers():
    p = _powers(70).to_pandas()
    assert p.w0.tolist() == [pow(1_000_003, i, 2_147_483_647) for i in range(70)]
