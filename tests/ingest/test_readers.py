"""Readers: how a source is staged in DuckDB (a view over the file, or a copy read in parallel)."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import parcours
from parcours.config import Mapping
from parcours.ingest import readers

MAPPING = {"table": "events", "source": "shop", "columns": {"timestamp": "ts", "activity": "act", "value": "amount"},
           "identifiers": {"email": "mail"}}


def _orders(n: int) -> pa.Table:
    """n rows, a few of them bad (unparseable time every 97th, no e-mail every 101st)."""
    ts = [("not a date" if i % 97 == 0 else f"2025-03-{1 + i % 28:02d} 10:{i % 60:02d}:00") for i in range(n)]
    mail = [(None if i % 101 == 0 else f"u{i % 300}@x.fr") for i in range(n)]
    return pa.table({"ts": ts, "act": ["order"] * n, "amount": [float(i) for i in range(n)], "mail": mail})


def _kind(raw: duckdb.DuckDBPyConnection, name: str) -> str:
    return raw.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0]


def test_parquet_in_one_big_row_group_is_copied_and_balanced_row_groups_are_read_in_place(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_PARQUET_COPY_ROWS", 1000)
    pq.write_table(_orders(3000), tmp_path / "one.parquet", row_group_size=3000)
    pq.write_table(_orders(3000), tmp_path / "many.parquet", row_group_size=250)
    pq.write_table(_orders(900), tmp_path / "small.parquet", row_group_size=900)
    raw = duckdb.connect()
    raw.execute("SET threads = 2")
    m = Mapping.model_validate(MAPPING)
    kinds = {}
    for name in ("one", "many", "small"):
        s = readers.stage(raw, tmp_path / f"{name}.parquet", "parquet", m)
        kinds[name] = _kind(raw, s.table)
        assert s.rows_read == (900 if name == "small" else 3000)
        rows = raw.execute(f'SELECT __row FROM "{s.table}" ORDER BY __row').fetchnumpy()["__row"]
        assert rows.tolist() == list(range(1, s.rows_read + 1))
        s.drop(raw)
    assert kinds == {"one": "LOCAL TEMPORARY", "many": "VIEW", "small": "VIEW"}


def test_a_copied_parquet_file_ingests_exactly_like_one_read_in_place(tmp_path, monkeypatch):
    pq.write_table(_orders(3000), tmp_path / "orders.parquet", row_group_size=3000)
    out = {}
    for copy_from in (1000, 10**9):
        monkeypatch.setattr(readers, "_PARQUET_COPY_ROWS", copy_from)
        w = parcours.init(tmp_path / f"ws{copy_from}")
        [r] = w.ingest("events", tmp_path / "orders.parquet", mapping=MAPPING)
        ev = w.events.select("event_id", "customer_id", "timestamp", "seq", "value").to_pandas()
        q = w.table("quarantine").select("row", "column", "value", "reason").to_pandas()
        out[copy_from] = (r.added, r.quarantined, r.duplicates, ev.sort_values("seq").reset_index(drop=True),
                          q.sort_values(["row", "reason"]).reset_index(drop=True))
        w.close()
    copied, in_place = out[1000], out[10**9]
    assert copied[:3] == in_place[:3]
    assert copied[1] == len({i for i in range(3000) if i % 97 == 0 or i % 101 == 0})
    pd.testing.assert_frame_equal(copied[3], in_place[3])
    pd.testing.assert_frame_equal(copied[4], in_place[4])
    assert copied[3].seq.tolist() == [i + 1 for i in range(3000) if i % 97 and i % 101]


def test_long_lines_are_read_whole_from_csv_and_json_lines(ws, tmp_path):
    """A 3 MB field (beyond DuckDB's default line limit) is kept, in CSV and in JSON Lines."""
    long = "x" * 3_000_000
    csv = tmp_path / "notes.csv"
    csv.write_text(f"t,a,e,note\n2025-01-01 10:00,visit,a@x.fr,{long}\n2025-01-01 11:00,visit,b@x.fr,short\n")
    jsonl = tmp_path / "notes.jsonl"
    jsonl.write_text(json.dumps({"t": "2025-01-02 10:00", "a": "visit", "e": "c@x.fr", "note": long}) + "\n")
    m = {"table": "events", "columns": {"timestamp": "t", "activity": "a"}, "identifiers": {"email": "e"}}
    for path in (csv, jsonl):
        [r] = ws.ingest("events", path, mapping=m)
        assert (r.added, r.quarantined) == (1 + (path == csv), 0)
    notes = [json.loads(p)["note"] for p in ws.events.order_by("timestamp").properties.to_pyarrow().to_pylist()]
    assert [len(n) for n in notes] == [3_000_000, 5, 3_000_000]


def _bad_rows_csv(n: int, malformed_every: int, bad_every: int) -> str:
    """A CSV whose row i has too many fields when i % malformed_every == 0, else an unparseable time when
    i % bad_every == 0."""
    lines = ["t,a,e,note"]
    for i in range(1, n + 1):
        if i % malformed_every == 0:
            lines.append(f"2025-01-01 10:00,visit,u{i}@x.fr,n{i},extra")
        else:
            lines.append(f"{'later' if i % bad_every == 0 else '2025-01-01 10:00'},visit,u{i}@x.fr,n{i}")
    return "\n".join(lines) + "\n"


def test_failing_rows_read_by_position_carry_the_same_raw_content_as_by_a_join(tmp_path, monkeypatch):
    """Quarantined rows keep their own source values, around malformed lines and in every staging."""
    from parcours.ingest import pipeline

    (tmp_path / "few.csv").write_text(_bad_rows_csv(700, 50, 31))  # 14 malformed lines: shifts by comparisons
    (tmp_path / "many.csv").write_text(_bad_rows_csv(1200, 4, 50))  # 300 malformed lines: shifts by a join
    (tmp_path / "lots.csv").write_text(_bad_rows_csv(700, 50, 7))  # more failing rows than points: a join
    t = pa.table({"t": [("later" if i % 7 == 0 else "2025-01-01 10:00") for i in range(1, 1501)],
                  "a": ["visit"] * 1500, "e": [f"u{i}@x.fr" for i in range(1, 1501)],
                  "note": [f"n{i}" for i in range(1, 1501)]})
    pq.write_table(t, tmp_path / "one.parquet", row_group_size=1500)  # copied (threshold lowered below)
    pq.write_table(t, tmp_path / "many.parquet", row_group_size=250)  # read in place
    monkeypatch.setattr(readers, "_PARQUET_COPY_ROWS", 1000)
    m = {"table": "events", "columns": {"timestamp": "t", "activity": "a"}, "identifiers": {"email": "e"}}
    seen = {}
    for positions in (10_000, 0):
        monkeypatch.setattr(pipeline, "_POSITION_READS", positions)
        w = parcours.init(tmp_path / f"ws{positions}")
        for name in ("few.csv", "many.csv", "lots.csv", "one.parquet", "many.parquet"):
            w.ingest("events", tmp_path / name, mapping=m)
        assert set(w.table("quarantine").source.to_pyarrow().to_pylist()) == {"few", "many", "lots", "one"}
        q = w.table("quarantine").filter(lambda q: q.reason == "bad_timestamp").select("path", "row", "raw")
        seen[positions] = q.to_pandas().sort_values(["path", "row"]).reset_index(drop=True)
        w.close()
    pd.testing.assert_frame_equal(seen[10_000], seen[0])
    q = seen[10_000]
    # the failing rows of each file, but the malformed ones (quarantined apart)
    assert len(q) == 22 + (24 - 12) + (100 - 2) + 2 * 214
    for row, raw in zip(q.row, q.raw):
        assert json.loads(raw)["note"] == f"n{row}"
