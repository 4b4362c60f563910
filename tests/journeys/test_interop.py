"""Interop: to_pm4py and export_xes give pm4py the same cases, order, DFG and variants as the source rows."""

from __future__ import annotations

import gzip
from collections import Counter
from datetime import timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import parcours
from parcours.ingest.xes import iter_xes_batches
from parcours.journeys import interop
from parcours.journeys.interop import COLUMNS, ExportError, export_xes, to_pm4py
from tests.conftest import write

CASE, ACT, TS, RES = "case:concept:name", "concept:name", "time:timestamp", "org:resource"
pytestmark = pytest.mark.filterwarnings("ignore:Install the optional requirement:UserWarning")  # pm4py

ACTIVITIES = ["visite", "panier", "paiement", "Prüfung ✓", "réclamation", "appel ☎"]


def make_log(cases: int = 60, seed: int = 7) -> pd.DataFrame:
    """A pm4py-layout log, rows shuffled: ties in time, single-event cases, local offsets, µs."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(cases):
        n = 1 if c % 11 == 0 else int(rng.integers(2, 9))
        t = pd.Timestamp("2024-03-01", tz="UTC") + pd.Timedelta(minutes=int(rng.integers(0, 50_000)))
        for _ in range(n):
            if rng.random() > 0.35:  # else: same time as the previous event, a tie
                t += pd.Timedelta(seconds=int(rng.integers(1, 40_000)),
                                  microseconds=int(rng.integers(0, 2)) * int(rng.integers(1, 999_999)))
            local = t.tz_convert(timezone(timedelta(hours=int(rng.choice([0, 2, -5])))))
            rows.append({CASE: f"cas-{c:03d}", ACT: ACTIVITIES[int(rng.integers(0, len(ACTIVITIES)))],
                         TS: local.isoformat(), RES: ["", "ana", "Zoé"][int(rng.integers(0, 3))],
                         "lifecycle:transition": ["complete", "start"][int(rng.integers(0, 2))],
                         "case:canal": ["web", "boutique"][c % 2]})
    rows.append(dict(rows[5]))  # an identical row: kept, right after its twin in source order
    return pd.DataFrame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)


def reference(df: pd.DataFrame) -> pd.DataFrame:
    """The generated rows by case, then UTC time, ties in source (file) order, with plain pandas."""
    out = df.assign(t=pd.to_datetime(df[TS], utc=True, format="ISO8601"), src=np.arange(len(df)))
    return out.sort_values([CASE, "t", "src"], kind="stable").reset_index(drop=True)


def sequences(df: pd.DataFrame, *cols: str) -> dict[str, list[tuple]]:
    """Per case, the list of (col, ...) tuples in row order."""
    return {str(k): list(g[list(cols)].itertuples(index=False, name=None))
            for k, g in df.groupby(CASE, sort=False)}


@pytest.fixture
def log(ws, tmp_path):
    df = make_log()
    path = tmp_path / "log.csv"
    df.to_csv(path, index=False)
    ws.ingest("events", path)
    return ws, df, reference(df)


def test_the_log_has_what_the_tests_need(log):
    _ws, df, ref = log
    assert ref.duplicated([CASE, "t"]).sum() > 20  # ties
    tied = ref[ref.duplicated([CASE, "t"], keep=False)]
    assert (tied.groupby([CASE, "t"])[ACT].nunique() > 1).sum() > 5  # ties whose order matters
    assert (df[CASE].value_counts() == 1).sum() >= 3  # single-event cases
    assert not df[TS].str.endswith("+00:00").all()


def test_rows_follow_case_then_utc_time_then_source_order(log):
    ws, _df, ref = log
    out = to_pm4py(ws.events)
    assert tuple(out.columns) == COLUMNS
    assert str(out[TS].dtype) == "datetime64[us, UTC]"
    assert out[CASE].tolist() == ref[CASE].tolist()
    assert out[ACT].tolist() == ref[ACT].tolist()
    assert out[TS].tolist() == ref["t"].tolist()
    assert out[RES].fillna("").tolist() == ref[RES].fillna("").tolist()
    assert out.event_id.is_unique and out.channel.isna().all()
    assert out.index.tolist() == list(range(len(ref)))


def test_pm4py_format_dataframe_keeps_the_order(log):
    pm4py = pytest.importorskip("pm4py")
    ws, _df, _ref = log
    out = to_pm4py(ws.events)
    formatted = pm4py.format_dataframe(out.copy())
    for col in (CASE, ACT, TS):
        assert formatted[col].tolist() == out[col].tolist(), col
    assert formatted[TS].dtype == out[TS].dtype


def test_discover_dfg_equals_a_plain_computation(log):
    pm4py = pytest.importorskip("pm4py")
    ws, _df, ref = log
    dfg, start, end = pm4py.discover_dfg(to_pm4py(ws.events))
    nxt = ref.groupby(CASE)[ACT].shift(-1)
    expected = Counter(zip(ref[ACT][nxt.notna()], nxt[nxt.notna()], strict=True))
    assert dict(dfg) == dict(expected)
    assert dict(start) == dict(Counter(ref.groupby(CASE)[ACT].first()))
    assert dict(end) == dict(Counter(ref.groupby(CASE)[ACT].last()))
    assert len(dfg) > 20 and any("✓" in a or "☎" in b for a, b in dfg)


def test_get_variants_equals_a_plain_computation(log):
    pm4py = pytest.importorskip("pm4py")
    ws, _df, ref = log
    variants = pm4py.get_variants(to_pm4py(ws.events))
    expected = Counter(tuple(acts) for acts in ref.groupby(CASE)[ACT].agg(list))
    assert dict(variants) == dict(expected)
    assert sum(variants.values()) == ref[CASE].nunique()


def test_xes_read_back_by_pm4py_gives_the_same_cases(log, tmp_path):
    pm4py = pytest.importorskip("pm4py")
    ws, _df, ref = log
    path = tmp_path / "out.xes.gz"
    assert export_xes(ws.events, path) == len(ref)
    back = pm4py.read_xes(str(path))
    assert str(back[TS].dtype).endswith("UTC]")
    assert sequences(back, ACT, TS) == sequences(ref.rename(columns={TS: "raw", "t": TS}), ACT, TS)
    assert back[RES].fillna("").tolist() == ref[RES].fillna("").tolist()
    assert dict(pm4py.get_variants(back)) == dict(pm4py.get_variants(to_pm4py(ws.events)))


def test_streamed_batches_never_split_a_case_nor_change_a_byte(log, tmp_path, monkeypatch):
    ws, _df, ref = log
    whole = tmp_path / "whole.xes"
    export_xes(ws.events, whole)
    monkeypatch.setattr(interop, "_BATCH_ROWS", 4)  # most cases span two or more batches
    streamed = tmp_path / "streamed.xes"
    assert export_xes(ws.events, streamed) == len(ref)
    assert streamed.read_bytes() == whole.read_bytes()
    assert whole.read_bytes().count(b"<trace>") == ref[CASE].nunique()
    rows = [r for b in iter_xes_batches(streamed) for r in b.to_pylist()]
    assert [(r[CASE], r[ACT]) for r in rows] == list(zip(ref[CASE], ref[ACT], strict=True))
    gz = tmp_path / "streamed.xes.gz"
    export_xes(ws.events, gz)
    assert gzip.decompress(gz.read_bytes()) == whole.read_bytes()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no scratch left


def test_properties_come_back_as_columns_and_xes_attributes(log, tmp_path):
    pm4py = pytest.importorskip("pm4py")
    ws, _df, ref = log
    out = to_pm4py(ws.events, properties=True)
    assert list(out.columns) == [*COLUMNS, "lifecycle:transition", "case:canal"]
    assert out["lifecycle:transition"].tolist() == ref["lifecycle:transition"].tolist()
    assert out["case:canal"].tolist() == ref["case:canal"].tolist()
    path = tmp_path / "props.xes"
    export_xes(ws.events, path, properties=True)
    back = pm4py.read_xes(str(path))
    assert back["lifecycle:transition"].tolist() == ref["lifecycle:transition"].tolist()
    assert back["case:canal"].tolist() == ref["case:canal"].tolist()  # a trace attribute again
    assert b'<string key="canal" value="boutique"/>' in path.read_bytes()


def test_property_names_that_clash_and_typed_values(ws, tmp_path):
    mapping = {"table": "events", "columns": {"activity": "act", "timestamp": "ts", "case_id": "case"},
               "identifiers": {"case": "case"}}
    for i, x in enumerate([["a"], [4]]):  # typed (Parquet) sources: x is text in one, a number in the other
        pd.DataFrame({"case": ["k1"], "act": ["ab"[i]],
                      "ts": [pd.Timestamp("2024-01-01 10:00") + pd.Timedelta(hours=i)],
                      "channel": [["web", "app"][i]], "row": [i + 1], "n": [[2.5, 3.0][i]], "x": x}
                     ).to_parquet(tmp_path / f"p{i}.parquet")
        ws.ingest("events", tmp_path / f"p{i}.parquet", mapping=mapping)
    out = to_pm4py(ws.events, properties=True)
    assert out["properties:channel"].tolist() == ["web", "app"] and out.channel.isna().all()
    assert out["row"].tolist() == [1, 2] and out["n"].tolist() == [2.5, 3.0]
    assert out["x"].tolist() == ["a", "4"]  # mixed types: JSON text
    xes = tmp_path / "t.xes"
    export_xes(ws.events, xes, properties=True)
    assert b'<int key="row" value="1"/>' in xes.read_bytes()
    rows = [r for b in iter_xes_batches(xes) for r in b.to_pylist()]
    assert [(r["event:row"], r["properties:channel"], r["n"], r["x"]) for r in rows] == [
        ("1", "web", "2.5", "a"), ("2", "app", "3.0", "4")]


def test_by_customer_keeps_every_event_and_by_case_only_those_with_a_case(ws, tmp_path):
    path = write(tmp_path / "ev.csv", "customer_id,timestamp,activity,case_id,channel\n"
                 "u2,2024-01-02T10:00:00Z,visite,,web\n"
                 "u1,2024-01-01T10:00:00Z,appel ☎,k1,phone\n"
                 "u1,2024-01-01T09:00:00+01:00,réclamation,,email\n"
                 "u2,2024-01-02T10:00:00Z,panier,k2,web\n"
                 "u1,2024-01-03T10:00:00Z,Prüfung ✓,k1,phone\n")
    ws.ingest("events", path)
    ids = ws.con.table("identities").to_pandas().set_index("customer_id").identifier.to_dict()
    per_customer = to_pm4py(ws.events, by="customer")
    got = {ids[k]: v for k, v in sequences(per_customer, ACT, "channel").items()}
    assert got == {"u1": [("réclamation", "email"), ("appel ☎", "phone"), ("Prüfung ✓", "phone")],
                   "u2": [("visite", "web"), ("panier", "web")]}
    per_case = to_pm4py(ws.events, by="case")
    assert sequences(per_case, ACT) == {"k1": [("appel ☎",), ("Prüfung ✓",)], "k2": [("panier",)]}
    assert export_xes(ws.events, tmp_path / "c.xes", by="customer") == 5
    assert export_xes(ws.events, tmp_path / "k.xes") == 3


def test_filtered_events_are_exported_as_given(log, tmp_path):
    ws, _df, ref = log
    ev = ws.events
    out = to_pm4py(ev.filter(ev.activity == "réclamation"))
    assert out[CASE].tolist() == ref[ref[ACT] == "réclamation"][CASE].tolist()
    assert len(out) > 0


def test_empty_events_give_an_empty_frame_and_log(ws, tmp_path):
    out = to_pm4py(ws.events)
    assert out.empty and tuple(out.columns) == COLUMNS
    assert str(out[TS].dtype) == "datetime64[us, UTC]"
    assert tuple(to_pm4py(ws.events, by="customer", properties=True).columns) == COLUMNS
    path = tmp_path / "empty.xes"
    assert export_xes(ws.events, path, properties=True) == 0
    assert list(iter_xes_batches(path)) == []
    assert path.read_bytes().rstrip().endswith(b"</log>")


def test_errors_name_what_was_passed_and_what_is_available(ws, tmp_path):
    with pytest.raises(ExportError, match="'case' or 'customer', not 'session'"):
        to_pm4py(ws.events, by="session")
    with pytest.raises(ValueError, match=r"no column\(s\) agent, channel.*available: customer_id"):
        export_xes(ws.events.select("customer_id", "case_id", "activity", "timestamp", "seq",
                                    "event_id"), tmp_path / "x.xes")
    assert not (tmp_path / "x.xes").exists()


def _spark(tmp_path: Path) -> parcours.Workspace:
    parcours.init(tmp_path / "spark")
    cfg = tmp_path / "spark" / "parcours.yaml"
    cfg.write_text(cfg.read_text().replace("duckdb:///.parcours/warehouse.duckdb", "pyspark://interop_test"))
    return parcours.open(tmp_path / "spark")


@pytest.mark.spark
@pytest.mark.slow
def test_same_rows_in_the_same_order_on_spark(log, tmp_path, spark_session, monkeypatch):
    ws, df, ref = log
    spark = _spark(tmp_path)
    assert spark.con.name == "pyspark"
    path = tmp_path / "log.csv"
    df.to_csv(path, index=False)
    spark.ingest("events", path)
    # Columns that hold no nulls: Spark ingestion stores null text as 'NaN' (ibis-pyspark with pandas 3).
    cols = [CASE, ACT, TS, "event_id", "lifecycle:transition", "case:canal"]
    pd.testing.assert_frame_equal(to_pm4py(spark.events, properties=True)[cols],
                                  to_pm4py(ws.events, properties=True)[cols])
    monkeypatch.setattr(interop, "_BATCH_ROWS", 16)
    assert export_xes(spark.events, tmp_path / "spark.xes", properties=True) == len(ref)
    rows = [r for b in iter_xes_batches(tmp_path / "spark.xes") for r in b.to_pylist()]
    expected = zip(ref[CASE], ref[ACT], ref["case:canal"], strict=True)
    assert [(r[CASE], r[ACT], r["case:canal"]) for r in rows] == list(expected)
    assert (tmp_path / "spark.xes").read_bytes().count(b"<trace>") == ref[CASE].nunique()
