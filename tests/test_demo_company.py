"""The synthetic companies, ingested end to end: every planted truth about the data hub is found.

- each planted malformed row is in quarantine with its reason, and nothing else is;
- identity stitching recovers the planted customers exactly;
- planted exact duplicates are stored once;
- re-ingesting every file changes no table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

import parcours
from parcours.synth import generate

SCENARIOS = ["retail", "saas"]


@pytest.fixture(scope="module", params=SCENARIOS)
def company(request, tmp_path_factory):
    base = tmp_path_factory.mktemp(request.param)
    raw = base / "raw"
    generate(request.param, raw, events=30_000, seed=11)
    ws = parcours.init(base / "ws", scenario=request.param, data=raw)
    results = ws.ingest_sources()
    truth = json.loads((raw / "truth.json").read_text())
    yield ws, results, truth
    ws.close()


def test_planted_malformed_rows_and_only_them_are_quarantined(company):
    ws, _, truth = company
    q = ws.table("quarantine").to_pandas()
    got = {(Path(p).name, int(r), reason) for p, r, reason in zip(q.path, q.row, q.reason)}
    planted = {(m["file"], m["row"], m["reason"]) for m in truth["malformed_rows"]}
    assert got == planted
    cols = {(Path(p).name, int(r)): c for p, r, c in zip(q.path, q.row, q.column)}
    for m in truth["malformed_rows"]:
        if m["column"] is not None:
            assert cols[(m["file"], m["row"])] == m["column"], m


def test_identity_stitching_recovers_planted_customers(company):
    ws, _, truth = company
    owner = {}
    for c in truth["customers"]:
        for kind, values in c["identifiers"].items():
            for v in values:
                owner[(kind, v)] = c["customer"]
    ids = ws.table("identities").to_pandas()
    assert len(ids) > 0
    unknown = [(k, v) for k, v in zip(ids.kind, ids.identifier) if (k, v) not in owner]
    assert unknown == [], f"identifiers not in truth (normalisation?): {unknown[:5]}"
    found = defaultdict(set)
    for k, v, cid in zip(ids.kind, ids.identifier, ids.customer_id):
        found[owner[(k, v)]].add(cid)
    assert all(len(s) == 1 for s in found.values()), "a planted customer was split"
    by_cid = defaultdict(set)
    for t, s in found.items():
        by_cid[next(iter(s))].add(t)
    assert all(len(s) == 1 for s in by_cid.values()), "planted customers were merged"
    assert ws.table("customers").count().execute() == len(found)


def test_planted_duplicates_are_stored_once(company):
    _, results, truth = company
    planted = defaultdict(int)
    for d in truth["duplicates"]:
        planted[d["file"]] += 1
    reported = {Path(r.path).name: r.duplicates for r in results}
    for file, n in planted.items():
        assert reported[file] == n, file


def test_reingesting_every_file_changes_nothing(company):
    ws, _, _ = company
    before = ws.status()["tables"]
    skipped = ws.ingest_sources()
    assert all(r.skipped for r in skipped)
    assert ws.status()["tables"] == before
    forced = ws.ingest_sources(force=True)
    assert sum(r.added for r in forced) == 0 and sum(r.updated for r in forced) == 0
    after = ws.status()["tables"]
    assert {k: v for k, v in after.items() if k != "ingestions"} == \
        {k: v for k, v in before.items() if k != "ingestions"}
