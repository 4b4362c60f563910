"""Ingestion pipeline: mapping, time zones, quarantine, idempotence, one transaction per file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import parcours
from parcours.errors import IngestError, UnreadableFileError
from parcours.ingest.pipeline import IngestResult
from tests.conftest import CRM_MAPPING, WEB_MAPPING, counts, write

WEB = """hit_time;visitor;mail;event;page
2025-11-03T14:22:05Z;ck1;;page_view;/home
2025-11-03T14:23:05Z;ck1;Alice@Example.com ;login;/login
2025-11-03 15:24:05;ck2;;page_view;/ski
bad-date;ck2;;page_view;/ski
2025-11-03T14:25:05Z;;;page_view;/x
2025-11-03T14:26:05Z;ck3;bob@example.com;add_to_cart
2025-11-03T14:27:05Z;ck3;bob@example.com;zzz;/y
2025-11-03T14:23:05Z;ck1;Alice@Example.com ;login;/login
2025-11-03T16:27:05+01:00;ck3;bob@example.com;page_view;/z
"""


def test_events_mapped_typed_and_in_utc(ws, tmp_path):
    [r] = ws.ingest("events", write(tmp_path / "web.csv", WEB), mapping=WEB_MAPPING)
    assert (r.rows_read, r.added, r.duplicates, r.quarantined) == (9, 4, 1, 4)
    ev = ws.events.order_by("seq").to_pandas()
    assert ev.timestamp.astype(str).tolist() == [
        "2025-11-03 14:22:05", "2025-11-03 14:23:05", "2025-11-03 14:24:05", "2025-11-03 15:27:05"]
    assert ev.seq.tolist() == [1, 2, 3, 9]  # position in the source
    assert set(ev.channel) == {"web"} and ev.source.unique().tolist() == ["web"]
    assert json.loads(ev.properties[0]) == {"page": "/home"}
    # the two ck1 hits and the e-mail they carry are one customer
    assert ev.customer_id[0] == ev.customer_id[1] != ev.customer_id[2]


def test_quarantine_rows_with_reason_row_column_value(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "web.csv", WEB), mapping=WEB_MAPPING)
    q = ws.table("quarantine").order_by("row").to_pandas()
    got = list(zip(q.row, q.reason, q.column.fillna(""), q.value.fillna("")))
    assert got == [
        (4, "bad_timestamp", "hit_time", "bad-date"),
        (5, "missing_identifier", "", ""),
        (6, "malformed_row", "", ""),
        (7, "unknown_activity", "event", "zzz"),
    ]
    assert all(str(tmp_path / "web.csv") == p for p in q.path)
    assert json.loads(q.raw[0])["hit_time"] == "bad-date"  # the whole row is kept, nothing is lost
    assert "2025-11-03T14:26:05Z;ck3" in q.raw[2]
    assert q.detail[2].startswith("line 7")


def test_reingest_same_file_is_skipped_and_forced_reingest_changes_nothing(ws, tmp_path):
    path = write(tmp_path / "web.csv", WEB)
    ws.ingest("events", path, mapping=WEB_MAPPING)
    before = counts(ws)
    [again] = ws.ingest("events", path, mapping=WEB_MAPPING)
    assert again.skipped and counts(ws) == before
    [forced] = ws.ingest("events", path, mapping=WEB_MAPPING, force=True)
    assert forced.added == 0 and forced.duplicates == 5
    after = counts(ws)
    assert {k: v for k, v in after.items() if k != "ingestions"} == \
        {k: v for k, v in before.items() if k != "ingestions"}


def test_each_ingestion_and_quarantined_row_records_the_sha256_of_the_file(ws, tmp_path):
    """The hash is computed beside the reading for a first file, before it for a possible repeat."""
    a, b = write(tmp_path / "a.csv", WEB), write(tmp_path / "b.csv", WEB + "2025-11-05T10:00:00Z;ck7;;login;/\n")
    ws.ingest("events", a, mapping=WEB_MAPPING)  # first file of this mapping: hashed while read
    ws.ingest("events", b, mapping=WEB_MAPPING)  # one went before: hashed first (could be a repeat)
    ws.ingest("events", a, mapping=WEB_MAPPING, force=True)
    sha = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)}
    done = ws.table("ingestions").order_by("started_at").to_pandas()
    assert [Path(p).name for p in done.path] == ["a.csv", "b.csv", "a.csv"]
    assert done.content_hash.tolist() == [sha["a.csv"], sha["b.csv"], sha["a.csv"]]
    q = ws.table("quarantine").to_pandas()
    assert set(zip(q.path.map(lambda p: Path(p).name), q.content_hash)) == {(n, h) for n, h in sha.items()}


def test_overlapping_export_adds_only_new_rows_and_keeps_first_seq(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "a.csv", WEB), mapping=WEB_MAPPING)
    seqs = dict(ws.events.select("event_id", "seq").to_pyarrow().to_pylist() and
                [(r["event_id"], r["seq"]) for r in ws.events.select("event_id", "seq").to_pyarrow().to_pylist()])
    lines = WEB.splitlines()
    extra = "2025-11-04T10:00:00Z;ck9;;page_view;/new"
    [r] = ws.ingest("events", write(tmp_path / "b.csv", "\n".join([lines[0], extra, *lines[1:4]]) + "\n"),
                    mapping=WEB_MAPPING)
    assert (r.added, r.duplicates) == (1, 3)
    ev = ws.events.to_pandas()
    for eid, seq in seqs.items():
        assert ev.loc[ev.event_id == eid, "seq"].item() == seq
    assert ev.seq.max() > max(seqs.values())  # a later file's rows come after


def test_unreadable_file_leaves_warehouse_unchanged(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "web.csv", WEB), mapping=WEB_MAPPING)
    before = _snapshot(ws)
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"PAR1 this is not parquet at all")
    with pytest.raises(UnreadableFileError, match="broken.parquet"):
        ws.ingest("events", bad, mapping={**WEB_MAPPING, "format": "parquet"})
    gz = tmp_path / "cut.csv.gz"
    gz.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(UnreadableFileError, match="cut.csv.gz"):
        ws.ingest("events", gz, mapping=WEB_MAPPING)
    with pytest.raises(UnreadableFileError, match="missing.csv: file not found"):
        ws.ingest("events", tmp_path / "missing.csv", mapping=WEB_MAPPING)
    assert _snapshot(ws) == before


def test_mapped_column_missing_from_file_names_it_and_lists_columns(ws, tmp_path):
    path = write(tmp_path / "w.csv", "time;visitor;event\n2025-01-01;a;page_view\n")
    with pytest.raises(IngestError, match=r"'hit_time'.*available: time, visitor, event"):
        ws.ingest("events", path, mapping=WEB_MAPPING)
    assert counts(ws)["ingestions"] == 0


def test_failure_while_writing_rolls_back_everything(ws, tmp_path, monkeypatch):
    from parcours.ingest import pipeline

    ws.ingest("events", write(tmp_path / "a.csv", WEB), mapping=WEB_MAPPING)
    before = _snapshot(ws)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "_insert_quarantine", boom)
    bigger = WEB + "2025-11-05T10:00:00Z;ck7;zed@example.com;page_view;/q\n"
    with pytest.raises(RuntimeError, match="disk full"):
        ws.ingest("events", write(tmp_path / "b.csv", bigger), mapping=WEB_MAPPING)
    assert _snapshot(ws) == before


def test_time_formats_and_zones(ws, tmp_path):
    base = {"table": "events", "columns": {"timestamp": "t", "activity": "a"}, "identifiers": {"email": "e"}}
    cases = [
        ("2025-07-01 12:00:00", {"timezone": "Europe/Paris"}, "2025-07-01 10:00:00"),  # summer: +2
        ("2025-01-01 12:00:00", {"timezone": "Europe/Paris"}, "2025-01-01 11:00:00"),  # winter: +1
        ("01/07/2025 12:00", {"timezone": "Europe/Paris", "timestamp_format": "%d/%m/%Y %H:%M"}, "2025-07-01 10:00:00"),
        ("1751371200000", {"timestamp_format": "epoch_ms"}, "2025-07-01 12:00:00"),
        ("1751371200", {"timestamp_format": "epoch_s"}, "2025-07-01 12:00:00"),
        ("2025-07-01T12:00:00-04:00", {"timezone": "Europe/Paris"}, "2025-07-01 16:00:00"),
        ("2025-07-01", {}, "2025-07-01 00:00:00"),
    ]
    for i, (text, extra, expected) in enumerate(cases):
        path = write(tmp_path / f"t{i}.csv", f"t,a,e\n{text},visit,u{i}@x.fr\n")
        [r] = ws.ingest("events", path, mapping={**base, **extra})
        assert r.added == 1, (text, r.reasons)
        got = ws.events.filter(ws.events.seq == ws.events.seq.max()).timestamp.to_pyarrow().to_pylist()[0]
        assert str(got) == expected, (text, extra)


def test_jsonl_with_bad_lines_and_nested_values(ws, tmp_path):
    lines = [
        json.dumps({"ts": "2025-03-01T10:00:00Z", "email": "a@x.fr", "act": "order", "amount": 12.5,
                    "items": [{"sku": "SKI-1"}]}),
        "{not json",
        "",
        json.dumps({"ts": "2025-03-01T11:00:00Z", "email": "b@x.fr", "act": "order", "amount": "12,5€x"}),
        "[1, 2]",
        json.dumps({"ts": "2025-03-02T11:00:00Z", "email": "a@x.fr", "act": "return", "extra": "new key"}),
    ]
    path = write(tmp_path / "orders.jsonl", "\n".join(lines) + "\n")
    m = {"table": "events", "columns": {"timestamp": "ts", "activity": "act", "value": "amount"},
         "identifiers": {"email": "email"}}
    [r] = ws.ingest("events", path, mapping=m)
    assert (r.added, r.quarantined) == (2, 3)
    q = ws.table("quarantine").order_by("row").to_pandas()
    assert list(zip(q.row, q.reason)) == [(2, "malformed_row"), (4, "bad_type"), (5, "malformed_row")]
    ev = ws.events.order_by("seq").to_pandas()
    assert ev.value.tolist()[0] == 12.5 and pd.isna(ev.value.tolist()[1])
    assert json.loads(ev.properties[0])["items"] == '[{"sku":"SKI-1"}]'
    assert json.loads(ev.properties[1])["extra"] == "new key"


def test_parquet_with_native_types(ws, tmp_path):
    t = pa.table({
        "ts": pa.array(pd.to_datetime(["2025-02-01 09:00", "2025-02-01 10:00"]).as_unit("us")),
        "card": ["L-1", "L-2"], "act": ["store_visit", "store_visit"], "amount": [10, 20],
        "store": ["Annecy", "Chamonix"]})
    pq.write_table(t, tmp_path / "visits.parquet")
    m = {"table": "events", "timezone": "Europe/Paris",
         "columns": {"timestamp": "ts", "activity": "act", "value": "amount", "location": "store"},
         "constants": {"channel": "store"}, "identifiers": {"loyalty_card": "card"}}
    [r] = ws.ingest("events", tmp_path / "visits.parquet", mapping=m)
    assert r.added == 2
    ev = ws.events.order_by("seq").to_pandas()
    assert ev.timestamp.astype(str).tolist() == ["2025-02-01 08:00:00", "2025-02-01 09:00:00"]
    assert ev.value.tolist() == [10.0, 20.0] and ev.location.tolist() == ["Annecy", "Chamonix"]


def test_customers_upsert_and_feedback_and_cases(ws, tmp_path):
    crm = "id;email;tel;segment\nK1;alice@example.com;06 12 34 56 78;gold\nK2;bob@x.fr;;silver\n"
    ws.ingest("customers", write(tmp_path / "crm.csv", crm), mapping=CRM_MAPPING)
    crm2 = "id;email;tel;segment\nK1;alice@example.com;06 12 34 56 78;platinum\nK2;bob@x.fr;;silver\n"
    [r] = ws.ingest("customers", write(tmp_path / "crm2.csv", crm2), mapping=CRM_MAPPING)
    assert (r.added, r.updated, r.duplicates) == (0, 1, 1)
    c = ws.customer("+33612345678")
    assert c.profile["segment"] == "platinum"

    fb = "date,mail,type,note,verbatim\n2025-03-01 10:00,alice@example.com,NPS,9,Super service\n" \
         "2025-03-02 10:00,bob@x.fr,survey,3,bof\n"
    m = {"table": "feedback", "columns": {"timestamp": "date", "kind": "type", "score": "note", "text": "verbatim"},
         "identifiers": {"email": "mail"}}
    [r] = ws.ingest("feedback", write(tmp_path / "fb.csv", fb), mapping=m)
    assert (r.added, r.quarantined, r.reasons) == (1, 1, {"bad_value": 1})
    cases = "ticket,mail,opened,closed,type,state\nT1,alice@example.com,2025-03-01 09:00,,complaint,open\n"
    mc = {"table": "cases", "columns": {"case_id": "ticket", "opened_at": "opened", "closed_at": "closed",
                                        "kind": "type", "status": "state"}, "identifiers": {"email": "mail"}}
    ws.ingest("cases", write(tmp_path / "c1.csv", cases), mapping=mc)
    cases2 = cases.replace(",,complaint,open", ",2025-03-03 09:00,complaint,closed")
    [r] = ws.ingest("cases", write(tmp_path / "c2.csv", cases2), mapping=mc)
    assert r.updated == 1
    row = ws.table("cases").to_pandas().iloc[0]
    assert row.status == "closed" and str(row.closed_at) == "2025-03-03 09:00:00"
    tl = ws.customer("alice@example.com").timeline
    assert tl.kind.tolist() == ["case opened", "feedback", "case closed"]


def test_given_ids_are_found_stored_whatever_the_range_of_the_new_file(ws, tmp_path):
    """Files with given ids: only the stored ids are duplicates, within a source's namespace."""
    def orders(ids: list[int], source: str = "shop") -> list[IngestResult]:
        text = "id,t,mail\n" + "".join(f"O{i:03d},2025-03-01 10:00,u{i % 7}@x.fr\n" for i in ids)
        m = {"table": "events", "source": source, "columns": {"event_id": "id", "timestamp": "t"},
             "constants": {"activity": "order"}, "identifiers": {"email": "mail"}}
        return ws.ingest("events", write(tmp_path / f"{source}{ids[0]}-{ids[-1]}-{len(ids)}.csv", text), mapping=m)

    [r] = orders(list(range(100, 200)))
    assert (r.added, r.duplicates) == (100, 0)
    [r] = orders(list(range(150, 250)))  # overlaps the top of the stored range
    assert (r.added, r.duplicates) == (50, 50)
    [r] = orders([1, 120, 999])  # spans every stored id, holds one of them
    assert (r.added, r.duplicates) == (2, 1)
    [r] = orders([300, 301])  # above everything stored
    assert (r.added, r.duplicates) == (2, 0)
    [r] = orders(list(range(100, 121)), source="app")  # the same ids from another source are other events
    assert (r.added, r.duplicates) == (21, 0)
    assert ws.events.count().execute() == 100 + 50 + 2 + 2 + 21
    assert ws.events.event_id.nunique().execute() == ws.events.count().execute()


def test_rows_without_their_given_id_are_found_stored_by_their_hash(ws, tmp_path):
    """A file mixing given ids and rows keyed by their content: both kinds of stored keys are found."""
    def orders(rows: list[tuple[int | None, int]], name: str) -> IngestResult:
        text = "id,t,mail\n" + "".join(f"{'' if i is None else f'O{i:03d}'},2025-03-01 10:{m:02d},u{m % 7}@x.fr\n"
                                        for i, m in rows)
        m = {"table": "events", "source": "shop", "columns": {"event_id": "id", "timestamp": "t"},
             "constants": {"activity": "order"}, "identifiers": {"email": "mail"}}
        [r] = ws.ingest("events", write(tmp_path / name, text), mapping=m)
        return r

    r = orders([(500, 0), (None, 1), (501, 2), (None, 3)], "a.csv")
    assert (r.added, r.duplicates) == (4, 0)
    r = orders([(500, 0), (None, 1), (501, 2), (None, 3), (502, 4)], "b.csv")  # one row more
    assert (r.added, r.duplicates) == (1, 4)
    r = orders([(None, 3), (None, 1)], "c.csv")  # only unkeyed rows, both stored
    assert (r.added, r.duplicates) == (0, 2)
    r = orders([(None, 5)], "d.csv")
    assert (r.added, r.duplicates) == (1, 0)
    # given ids beyond every stored one, beside a stored unkeyed row: that row is still a duplicate
    r = orders([(600, 9), (None, 1)], "e.csv")
    assert (r.added, r.duplicates) == (1, 1)
    assert ws.events.count().execute() == 7
    assert ws.events.event_id.nunique().execute() == 7


def test_given_case_ids_are_found_stored_whatever_the_range(ws, tmp_path):
    """Cases keep their given id as it is (no namespace): the range check reads the ids themselves."""
    def cases(ids: list[str], name: str) -> IngestResult:
        text = "ticket,opened,mail\n" + "".join(f"{i},2025-03-01 10:00,u{n}@x.fr\n" for n, i in enumerate(ids))
        m = {"table": "cases", "columns": {"case_id": "ticket", "opened_at": "opened"},
             "identifiers": {"email": "mail"}}
        [r] = ws.ingest("cases", write(tmp_path / name, text), mapping=m)
        return r

    assert cases(["T10", "T20"], "a.csv").added == 2
    r = cases(["T05", "T20", "T30"], "b.csv")  # spans the stored ids, holds one
    assert (r.added, r.duplicates) == (2, 1)
    assert ws.table("cases").count().execute() == 4


def test_sql_table_of_another_database_is_a_source(ws, tmp_path):
    db = tmp_path / "crm.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE contacts AS SELECT * FROM (VALUES ('K1', 'a@x.fr', '2024-01-01'),"
                    " ('K2', 'b@x.fr', '2024-02-01')) t(id, mail, since)")
    m = {"table": "customers", "format": "sql", "sql": {"url": f"duckdb://{db}", "table": "contacts",
                                                         "order_by": ["id"]},
         "columns": {"created_at": "since"}, "identifiers": {"crm_id": "id", "email": "mail"}}
    [r] = ws.ingest("customers", mapping=m)  # no file: the mapping names the database table
    assert r.added == 2 and r.path == f"duckdb://{db}#contacts"
    assert ws.customer("b@x.fr").profile["created_at"].isoformat() == "2024-02-01T00:00:00"
    with pytest.raises(IngestError, match="give the file"):
        ws.ingest("customers")


def test_a_declared_database_source_needs_no_path(tmp_path):
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE orders AS SELECT * FROM (VALUES ('a@x.fr', '2024-01-01 10:00', 'order_placed'),"
                    " ('b@x.fr', '2024-01-02 11:00', 'order_placed')) t(mail, placed, what)")
    ws = parcours.init(tmp_path / "ws")
    cfg = tmp_path / "ws" / "parcours.yaml"
    cfg.write_text(cfg.read_text().replace("sources: []", "") + yaml.safe_dump({"sources": [{
        "name": "orders", "map": {"table": "events", "format": "sql", "sql": {"url": f"duckdb://{db}", "table": "orders"},
                                  "columns": {"timestamp": "placed", "activity": "what"}, "identifiers": {"email": "mail"}}}]}))
    ws = parcours.open(tmp_path / "ws")
    [r] = ws.ingest_sources()
    assert r.added == 2 and r.source == "orders"
    bad = cfg.read_text().replace("format: sql", "format: csv")
    cfg.write_text(bad)
    with pytest.raises(parcours.ConfigError, match="give its 'path'"):
        parcours.open(tmp_path / "ws")


def test_automatic_mapping_for_canonical_columns(ws, tmp_path):
    path = write(tmp_path / "ev.csv", "email,timestamp,activity,channel\na@x.fr,2025-01-01 10:00,visit,web\n")
    [r] = ws.ingest("events", path)
    assert r.added == 1 and ws.events.channel.to_pyarrow().to_pylist() == ["web"]
    with pytest.raises(IngestError, match="no identifier column"):
        ws.ingest("events", write(tmp_path / "x.csv", "when,what\n2025-01-01,visit\n"))


def _snapshot(ws) -> dict:
    """Every table's rows, order-independent, to compare the warehouse before and after."""
    out = {}
    for name in ("events", "customers", "identities", "feedback", "cases", "quarantine", "ingestions",
                 "identity_merges"):
        df = ws.table(name).to_pandas()
        out[name] = sorted(map(str, df.astype(str).itertuples(index=False)))
    return out


def test_event_log_keeps_identical_events_and_stays_idempotent(ws, tmp_path):
    log = ("case:concept:name,concept:name,time:timestamp,org:resource\n"
           "c1,open,2025-01-01T10:00:00Z,ann\nc1,work,2025-01-01T11:00:00Z,bob\n"
           "c1,work,2025-01-01T11:00:00Z,bob\nc1,close,2025-01-01T12:00:00Z,ann\n")
    [r] = ws.ingest("events", write(tmp_path / "log.csv", log))  # pm4py layout: identical rows are events
    assert (r.added, r.duplicates) == (4, 0)
    [r] = ws.ingest("events", tmp_path / "log.csv", force=True)
    assert (r.added, r.duplicates) == (0, 4)
    longer = log + "c2,open,2025-01-02T10:00:00Z,ann\n"
    [r] = ws.ingest("events", write(tmp_path / "log2.csv", longer))
    assert (r.added, r.duplicates) == (1, 4)
    assert ws.events.agent.to_pyarrow().to_pylist().count("bob") == 2


def test_parallelism_changes_nothing_in_the_warehouse(tmp_path):
    """One thread or several: the same keys, seq, customers, stitching and quarantine."""
    from parcours.synth import generate

    raw = tmp_path / "raw"
    generate("retail", raw, events=4000, seed=5)
    spaces = []
    for threads in (1, 2):
        ws = parcours.init(tmp_path / f"t{threads}", scenario="retail", data=raw)
        cfg = ws.root / "parcours.yaml"
        cfg.write_text(cfg.read_text().replace("threads: null", f"threads: {threads}"))
        ws = parcours.open(ws.root)
        assert ws.con.con.execute("SELECT current_setting('threads')").fetchone()[0] == threads
        ws.ingest_sources()
        spaces.append(ws)
    whole, chunked = spaces
    for name, cols in {"events": ["event_id", "customer_id", "timestamp", "seq", "activity"],
                       "identities": ["kind", "identifier", "customer_id"],
                       "customers": ["customer_id", "created_at", "segment"],
                       "feedback": ["feedback_id", "customer_id", "score"],
                       "cases": ["case_id", "customer_id", "status"],
                       "quarantine": ["path", "row", "reason", "column", "value"]}.items():
        a, b = whole.table(name).select(*cols).to_pandas(), chunked.table(name).select(*cols).to_pandas()
        if "path" in cols:
            a["path"], b["path"] = a.path.map(lambda p: Path(p).name), b.path.map(lambda p: Path(p).name)
        a = a.astype(str).sort_values(cols).reset_index(drop=True)
        b = b.astype(str).sort_values(cols).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=name)
    counts = lambda ws: [(r["added"], r["duplicates"], r["quarantined"]) for r in ws.status()["ingestions"]]
    assert counts(whole) == counts(chunked)


@pytest.mark.parametrize("bad_every", [3, 50])  # many rejects (>256: a join) and a few (comparisons)
def test_row_numbers_stay_exact_around_malformed_rows(ws, tmp_path, bad_every):
    lines = ["t,a,e"]
    for i in range(1, 1001):
        lines.append(f"2025-01-01 10:00,visit{i},u{i}@x.fr" if i % bad_every else f"2025-01-01,broken,{i},x")
    [r] = ws.ingest("events", write(tmp_path / "many.csv", "\n".join(lines) + "\n"),
                    mapping={"table": "events", "columns": {"timestamp": "t", "activity": "a"},
                             "identifiers": {"email": "e"}})
    bad = [i for i in range(1, 1001) if i % bad_every == 0]
    assert r.quarantined == len(bad) and r.added == 1000 - len(bad)
    q = ws.table("quarantine").row.to_pyarrow().to_pylist()
    assert sorted(q) == bad
    ev = ws.events.select("seq", "activity").to_pandas()
    assert all(ev.activity == "visit" + ev.seq.astype(str))  # seq is the record number in the file
