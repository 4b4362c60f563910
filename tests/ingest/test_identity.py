"""Identity stitching: normalisation, connected components, merges, deterministic ids."""

from __future__ import annotations

import duckdb
import pytest

import parcours
from parcours.ingest.mapping import normalised_identifier
from tests.conftest import write

M = {"table": "events", "columns": {"timestamp": "t", "activity": "a"}}


@pytest.mark.parametrize("kind, raw, expected", [
    ("email", "  Alice.Martin@Example.FR ", "alice.martin@example.fr"),
    ("phone", "06 12 34 56 78", "+33612345678"),
    ("phone", "+33 6 12 34 56 78", "+33612345678"),
    ("phone", "0033 6.12.34.56.78", "+33612345678"),
    ("phone", "+33 (0)6 12 34 56 78", "+33612345678"),
    ("phone", "06-12-34-56-78", "+33612345678"),
    ("phone", "+1 (415) 555-0100", "+14155550100"),
    ("cookie", " ck_AbC ", "ck_AbC"),
    ("email", "   ", None),
])
def test_normalisation(kind, raw, expected):
    sql = normalised_identifier(kind, "x", "33")
    assert duckdb.connect().execute(f"SELECT {sql} FROM (SELECT ? AS x)", [raw]).fetchone()[0] == expected


def _ids(ws) -> dict[str, str]:
    rows = ws.table("identities").to_pyarrow().to_pylist()
    return {f"{r['kind']}:{r['identifier']}": r["customer_id"] for r in rows}


def test_chain_across_files_is_one_customer(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "web.csv", "t,a,cookie,email\n2025-01-01,visit,ck1,\n"
                                                   "2025-01-02,login,ck1,ALICE@x.fr\n"),
              mapping={**M, "identifiers": {"cookie": "cookie", "email": "email"}})
    ws.ingest("events", write(tmp_path / "calls.csv", "t,a,email,tel\n2025-01-03,call,alice@x.fr,06 11 22 33 44\n"),
              mapping={**M, "identifiers": {"email": "email", "phone": "tel"}})
    ids = _ids(ws)
    assert len(set(ids.values())) == 1 and len(ids) == 3
    assert ws.events.customer_id.nunique().execute() == 1


def test_new_file_linking_two_customers_merges_them_and_is_recorded(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "a.csv", "t,a,email\n2025-01-01,visit,a@x.fr\n"),
              mapping={**M, "identifiers": {"email": "email"}})
    ws.ingest("events", write(tmp_path / "b.csv", "t,a,tel\n2025-01-02,call,0611223344\n"),
              mapping={**M, "identifiers": {"phone": "tel"}})
    before = _ids(ws)
    assert len(set(before.values())) == 2
    [r] = ws.ingest("events", write(tmp_path / "c.csv", "t,a,email,tel\n2025-01-03,order,a@x.fr,+33611223344\n"),
                    mapping={**M, "identifiers": {"email": "email", "phone": "tel"}})
    assert r.merges == 1
    after = _ids(ws)
    assert len(set(after.values())) == 1
    into = min(before.values())
    assert set(after.values()) == {into}  # the smallest existing id survives
    merges = ws.table("identity_merges").to_pandas()
    assert merges.merged_id.tolist() == [max(before.values())] and merges.into_id.tolist() == [into]
    assert ws.events.customer_id.to_pyarrow().to_pylist() == [into] * 3
    assert ws.table("customers").customer_id.to_pyarrow().to_pylist() == [into]


def test_customer_ids_are_deterministic(tmp_path):
    text = "t,a,email,cookie\n2025-01-01,visit,a@x.fr,ck1\n2025-01-01,visit,b@x.fr,ck2\n2025-01-02,visit,,ck1\n"
    got = []
    for i in range(2):
        ws = parcours.init(tmp_path / f"w{i}")
        ws.ingest("events", write(tmp_path / f"f{i}.csv", text), mapping={**M, "identifiers": {"email": "email", "cookie": "cookie"}})
        got.append(_ids(ws))
        ws.close()
    assert got[0] == got[1]
    assert all(v.startswith("C") and len(v) == 17 for v in got[0].values())


def test_rows_without_shared_identifier_stay_apart(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "a.csv", "t,a,email,cookie\n2025-01-01,visit,a@x.fr,ck1\n"
                                                 "2025-01-01,visit,b@x.fr,ck2\n"),
              mapping={**M, "identifiers": {"email": "email", "cookie": "cookie"}})
    assert len(set(_ids(ws).values())) == 2


def test_merged_customer_keeps_earliest_creation_and_fills_blanks(ws, tmp_path):
    crm = {"table": "customers", "columns": {"created_at": "since", "segment": "seg"}, "identifiers": {"email": "email"}}
    ws.ingest("customers", write(tmp_path / "a.csv", "email,since,seg\na@x.fr,2025-03-01,\n"), mapping=crm)
    crm2 = {"table": "customers", "columns": {"created_at": "since", "segment": "seg"}, "identifiers": {"phone": "tel"}}
    ws.ingest("customers", write(tmp_path / "b.csv", "tel,since,seg\n0611223344,2024-01-01,gold\n"), mapping=crm2)
    ws.ingest("events", write(tmp_path / "c.csv", "t,a,email,tel\n2025-04-01,call,a@x.fr,0611223344\n"),
              mapping={**M, "identifiers": {"email": "email", "phone": "tel"}})
    [row] = ws.table("customers").to_pyarrow().to_pylist()
    assert str(row["created_at"]) == "2024-01-01 00:00:00" and row["segment"] == "gold"


def test_files_of_known_identifiers_only_stitch_as_the_full_labelling_does(tmp_path, monkeypatch):
    """The shortcut for files whose identifiers are all known gives the warehouse the full path gives."""
    import pandas as pd

    from parcours.ingest import identity
    from parcours.synth import generate

    raw = tmp_path / "raw"
    generate("retail", raw, events=4000, seed=11)
    taken = []
    check = identity._all_known_and_consistent
    monkeypatch.setattr(identity, "_all_known_and_consistent", lambda *a: taken.append(check(*a)) or taken[-1])
    spaces = {}
    for fast in (True, False):
        monkeypatch.setattr(identity, "KNOWN_FAST_PATH", fast)
        w = parcours.init(tmp_path / f"ws{fast}", scenario="retail", data=raw)
        w.ingest_sources()
        spaces[fast] = w
    assert True in taken  # at least one file took the shortcut
    a, b = spaces[True], spaces[False]
    for name, cols in {"identities": ["kind", "identifier", "customer_id"],
                       "customers": ["customer_id", "created_at", "segment"],
                       "events": ["event_id", "customer_id"], "feedback": ["feedback_id", "customer_id"],
                       "cases": ["case_id", "customer_id"], "identity_merges": ["merged_id", "into_id"]}.items():
        x, y = a.table(name).select(*cols).to_pandas(), b.table(name).select(*cols).to_pandas()
        pd.testing.assert_frame_equal(x.sort_values(cols).reset_index(drop=True),
                                      y.sort_values(cols).reset_index(drop=True), obj=name)


def test_a_customer_first_seen_in_events_starts_at_its_earliest_row(ws, tmp_path):
    """Created at the earliest row of any of its identifiers, whichever identifier anchors the row."""
    ws.ingest("events", write(tmp_path / "web.csv", "t,a,cookie,email\n2025-01-05 10:00,visit,ck1,\n"
                                                   "2025-01-02 10:00,login,ck1,alice@x.fr\n"
                                                   "2025-01-01 09:30,mail_open,,alice@x.fr\n"
                                                   "2025-01-03 10:00,visit,ck2,\n"),
              mapping={**M, "identifiers": {"cookie": "cookie", "email": "email"}})
    cust = {r["customer_id"]: str(r["created_at"]) for r in ws.table("customers").to_pyarrow().to_pylist()}
    ids = _ids(ws)
    assert ids["cookie:ck1"] == ids["email:alice@x.fr"] != ids["cookie:ck2"]
    assert cust == {ids["cookie:ck1"]: "2025-01-01 09:30:00", ids["cookie:ck2"]: "2025-01-03 10:00:00"}
    first = {r["identifier"]: str(r["first_seen"]) for r in ws.table("identities").to_pyarrow().to_pylist()}
    assert len(first) == 3
