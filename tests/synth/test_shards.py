"""Large companies generated in shards: one company in the files, identifiers disjoint, truth merged.

A small ``shard_events`` makes a 60,000-event company out of three independent shards; every check
reads the merged files (``synthcheck``) or ingests them, so the shards must really form one company.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from importlib import import_module
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest

import parcours
from parcours.synth import SHARD_EVENTS, SynthResult, generate
from parcours.synth.common import Shard, digits, increasing_ids
from parcours.synth.truth import KINDS
from tests import test_demo_company as ingested
from tests.synth.synthcheck import (
    Company,
    check_duplicates,
    check_identities,
    check_malformed,
    check_manifest,
    files_bytes,
    normalise,
)

EVENTS, SHARD, K = 60_000, 20_000, 3
FIRST = {"retail": "crm_customers", "saas": "crm_accounts"}


@pytest.fixture(scope="module", params=[("retail", "parquet"), ("retail", "native"), ("saas", "parquet"),
                                        ("saas", "native")], ids="-".join)
def sharded(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[str, SynthResult, Company, list]:
    scenario, fmt = request.param
    out = tmp_path_factory.mktemp(f"{scenario}-{fmt}") / "raw"
    calls: list[tuple[str, float]] = []
    r = generate(scenario, out, events=EVENTS, seed=5, format=fmt, shard_events=SHARD,
                 progress=lambda s, f: calls.append((s, f)))
    return scenario, r, Company(out), calls


def _unique_rows(co: Company, name: str) -> pd.DataFrame:
    """Clean rows of a source without its planted duplicates: one row per real record."""
    src = co.sources[name]
    dup = {d["row"] for d in co.truth["duplicates"] if d["file"] == src.file}
    df = src.clean()
    return df[~df["__row"].isin(dup)]


# ---------------------------------------------------------------------------- the files are one company

def test_merged_files_hold_every_shard_and_only_planted_bad_rows(sharded) -> None:
    scenario, r, co, _ = sharded
    check_manifest(co, FIRST[scenario])
    check_malformed(co)  # the row numbers of every shard's planted rows are those of the merged files
    check_duplicates(co)
    assert sorted(p.name for p in r.out.iterdir()) == sorted(
        ["mappings", "sources.yaml", "truth.json", *{Path(e["path"]).name for e in co.entries}])
    assert len(list((r.out / "mappings").iterdir())) == len(co.entries)
    n = sum(len(s.records) for s in co.sources.values() if s.table == "events")
    assert co.truth["events_written"] == n == r.truth["events_written"]
    assert abs(n - EVENTS) <= 0.02 * EVENTS
    assert co.truth["events_requested"] == EVENTS
    per_file = Counter(m["file"] for m in co.truth["malformed_rows"])
    module = import_module(f"parcours.synth.{scenario}")
    planted = {name: sum(c for _, _, c in bad) for name, bad in module.MALFORMED.items()}
    assert per_file == Counter({co.sources[name].file: K * c for name, c in planted.items()})
    # each shard plants its rows in its own part of the file
    for file in per_file:
        rows = sorted(m["row"] for m in co.truth["malformed_rows"] if m["file"] == file)
        assert rows[-1] > co.truth["counts"][file] / 2 and rows[0] < co.truth["counts"][file] / 2, file


def test_identifiers_of_different_shards_never_meet(sharded) -> None:
    _, r, co, _ = sharded
    check_identities(co)  # disjoint after normalisation, complete, one component per customer
    ids = [c["customer"] for c in co.truth["customers"]]
    assert ids == [f"T{i:07d}" for i in range(1, len(ids) + 1)] and len(ids) == r.customers
    values = {(k, v) for c in co.truth["customers"] for k, vs in c["identifiers"].items() for v in vs}
    for kind, v in values:
        if kind == "email":
            assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.[a-z.]+", v), v
        if kind == "phone":
            assert re.fullmatch(r"\+\d{10,12}", v) and normalise("phone", v) == v, v
    # record ids (events, cases, answers) are unique in the merged files
    for name, src in co.sources.items():
        cols = src.mapping.get("columns", {})
        key = cols.get("event_id") or cols.get("feedback_id") or (cols.get("case_id") if src.table == "cases" else None)
        if key:
            df = _unique_rows(co, name)
            assert df[key].astype(str).is_unique, (name, key)


# ---------------------------------------------------------------------------- one truth for all shards

def test_truth_measures_are_those_of_the_merged_files(sharded) -> None:
    scenario, _, co, _ = sharded
    t = co.truth
    cases = _unique_rows(co, "cases")
    teams = t["weak_team"]["observed"]
    assert sum(v["tickets"] for v in teams.values()) == len(cases)
    wave = t["complaint_wave"]
    assert sorted(wave["case_ids"]) == sorted(cases.ticket_id[cases.category == wave["category"]].astype(str))
    assert wave["cases"] == len(wave["case_ids"])
    if scenario == "retail":
        customers = [c for c in t["customers"] if not c["anonymous"]]
        assert sum(p["customers"] for p in t["personas"].values()) == len(customers)
        web = _unique_rows(co, "web_analytics")
        s = web.groupby("session_id").agg(platform=("platform", "first"),
                                          chk=("event_name", lambda e: (e == "checkout_start").any()),
                                          pay=("event_name", lambda e: (e == "payment").any()))
        assert (web.groupby("session_id").visitor_id.nunique() <= 1).all()  # a session id is one visitor's
        for platform, obs in t["leak"]["observed"].items():
            p = s[s.chk & (s.platform == platform)]
            assert (obs["sessions_with_checkout_start"], obs["with_payment"]) == (len(p), int(p.pay.sum()))
            assert obs["conversion"] == round(p.pay.mean(), 4)
        orders = _unique_rows(co, "orders")
        by_month = t["seasonality"]["observed_orders_by_month"]
        assert sum(by_month.values()) == (orders.type_evt == "order_placed").sum()
    else:
        assert t["accounts"]["total"] == len(t["customers"])
        assert t["accounts"]["churned"] == sum(c["churned"] for c in t["customers"])
        assert sum(v["accounts"] for v in t["segments"].values()) == len(t["customers"])
        usage = _unique_rows(co, "product_usage")
        signups = usage[usage.event == "signup"].groupby("platform").size()
        for platform, obs in t["leak"]["observed"].items():
            assert obs["signups"] == signups.get(platform, 0)


def test_progress_goes_through_every_shard(sharded) -> None:
    _, _, _, calls = sharded
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and calls[-1] == ("done", 1.0)
    assert {s.split(":")[0] for s, _ in calls if s.startswith("shard")} == {f"shard {i}/{K}" for i in range(1, K + 1)}


def test_ingested_shards_stitch_into_the_planted_customers(sharded, tmp_path: Path) -> None:
    scenario, r, _, _ = sharded
    ws = parcours.init(tmp_path / "ws", scenario=scenario, data=r.out)
    try:
        results = ws.ingest_sources()
        company = (ws, results, json.loads((r.out / "truth.json").read_text()))
        ingested.test_planted_malformed_rows_and_only_them_are_quarantined(company)
        ingested.test_identity_stitching_recovers_planted_customers(company)
        ingested.test_planted_duplicates_are_stored_once(company)
    finally:
        ws.close()


# ---------------------------------------------------------------------------- whole companies and the API

def test_sharded_company_is_reproducible(tmp_path: Path) -> None:
    a = generate("saas", tmp_path / "a", events=9_000, seed=2, format="csv", shard_events=4_000)
    b = generate("saas", tmp_path / "b", events=9_000, seed=2, format="csv", shard_events=4_000)
    assert files_bytes(a.out) == files_bytes(b.out) and a.truth == b.truth
    assert "customers" not in a.truth and a.customers == a.truth["accounts"]["total"]


@pytest.mark.parametrize("scenario, digest", [
    ("retail", "fdc8483b46202acf8659d099eea58400e32f04b130231283577a0a293c7f3664"),  # re-pinned: buyers differ
    ("saas", "d6cb1bad62adda1418ffc1b68932051071e9f9504b6e2f4cb1c8e3c3a41bb4fe"),  # re-pinned: use-case personas
])
def test_a_company_within_one_shard_is_unchanged(tmp_path: Path, scenario: str, digest: str) -> None:
    """Up to the shard size nothing moves: same bytes as before sharding existed (digest pinned then, and
    again when the generator itself changed)."""
    r = generate(scenario, tmp_path / "a", events=5_000, seed=1, format="csv", shard_events=5_000)
    hashes = {k: hashlib.sha256(v).hexdigest() for k, v in files_bytes(r.out).items()}
    assert hashlib.sha256("".join(f"{k}:{v}\n" for k, v in sorted(hashes.items())).encode()).hexdigest() == digest
    default = generate(scenario, tmp_path / "b", events=5_000, seed=1, format="csv")
    assert files_bytes(default.out) == files_bytes(r.out)
    assert len(r.truth["customers"]) == r.customers
    assert 5_000 <= SHARD_EVENTS  # the default shard keeps this company whole too


def test_shard_size_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="shard_events"):
        generate("retail", tmp_path, events=5_000, shard_events=1_000)


@pytest.mark.parametrize("scenario", ["retail", "saas"])
def test_even_shards_drawn_alike_share_no_identifier(scenario: str) -> None:
    """Three shards from the same seed differ only by their namespace: no identifier, no record id in common."""
    module = import_module(f"parcours.synth.{scenario}")
    shards = [module.generate_company(6_000, np.random.default_rng(1), Shard(i, 3)) for i in range(3)]
    for kind in KINDS:
        values = [set(c.identities.used(kind)[0].to_pylist()) for c in shards]
        assert sum(map(len, values)) == len(set().union(*values)), kind
    for j, src in enumerate(shards[0].sources):
        m = src.mapping("native")
        columns = {m["columns"].get(k) for k in ("event_id", "case_id", "feedback_id")}
        columns |= set(m["identifiers"].values()) | {"session_id", "num_commande"}
        for col in columns & set(src.column_names):
            values = [set(pc.unique(b.vocab.column(col)).drop_null().to_pylist())
                      for c in shards for b in c.sources[j].blocks if col in b.vocab.column_names]
            assert sum(map(len, values)) == len(set().union(*values)), (src.name, col)


def test_shard_namespaces_are_disjoint() -> None:
    rng = np.random.default_rng(0)
    drawn = [Shard(i, 4).draw(rng, 500, 10_000) for i in range(4)]
    assert len(np.unique(np.concatenate(drawn))) == 2_000 and max(d.max() for d in drawn) < 10_000
    times = rng.integers(0, 10**9, 1_000)
    ids = [increasing_ids(np.random.default_rng(1), times, 100, Shard(i, 3)) for i in range(3)]
    assert len(np.unique(np.concatenate(ids))) == 3_000
    assert (np.argsort(ids[1], kind="stable") == np.argsort(times, kind="stable")).all()  # still grow with time
    assert (increasing_ids(np.random.default_rng(1), times, 100) == increasing_ids(
        np.random.default_rng(1), times, 100, Shard())).all()
    assert digits(np.array([5, 123_456]), 3).to_pylist() == ["000005", "123456"]  # widened, never truncated
