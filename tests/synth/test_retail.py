"""The retail company (Glisse & Co): files as a real company exports them, and every planted truth.

Each check reads the raw files independently (``synthcheck``), so a test passes only if what
``truth.json`` claims is really in the data.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parcours.synth import generate
from tests.synth.synthcheck import (
    Company,
    check_duplicates,
    check_identities,
    check_malformed,
    check_manifest,
    check_phones_written_variously,
    files_bytes,
)

EVENTS = 40_000


@pytest.fixture(scope="module")
def co(tmp_path_factory: pytest.TempPathFactory) -> Company:
    out = tmp_path_factory.mktemp("retail")
    generate("retail", out, events=EVENTS, seed=7)
    return Company(out)


def _times(co: Company, name: str, df: pd.DataFrame, column: str) -> pd.Series:
    src = co.sources[name]
    return pd.Series([src.parse_time(v) if v not in (None, "") else None for v in df[column]], index=df.index)


# ---------------------------------------------------------------------------- files and rows

def test_manifest_mappings_and_formats(co: Company) -> None:
    check_manifest(co, "crm_customers")
    formats = {s.name: (s.format, s.mapping.get("csv", {}).get("delimiter")) for s in co.sources.values()}
    assert formats["crm_customers"] == ("csv", ";")
    assert formats["web_analytics"] == ("csv", ",")
    assert formats["orders"][0] == "jsonl"
    assert formats["store_visits"][0] == "parquet"
    assert {s.mapping.get("timestamp_format") for s in co.sources.values()} >= {"%d/%m/%Y %H:%M", "epoch_ms", None}


def test_event_count_within_two_percent(co: Company) -> None:
    n = sum(len(s.records) for s in co.sources.values() if s.table == "events")
    assert abs(n - EVENTS) <= 0.02 * EVENTS
    assert co.truth["events_written"] == n
    n_customers = len(co.truth["customers"])
    assert EVENTS / 100 <= n_customers <= EVENTS / 25


def test_planted_malformed_rows_are_the_only_bad_rows(co: Company) -> None:
    check_malformed(co)
    bad = co.truth["malformed_rows"]
    assert 30 <= len(bad) <= 100
    assert len({m["reason"] for m in bad}) == 6
    assert len({m["file"] for m in bad}) >= 5


def test_duplicates_are_exact_copies(co: Company) -> None:
    check_duplicates(co)
    assert len(co.truth["duplicates"]) >= 0.002 * EVENTS


def test_identifiers_are_disjoint_complete_and_linked(co: Company) -> None:
    check_identities(co)
    kinds = {k for c in co.truth["customers"] for k in c["identifiers"]}
    assert kinds == {"crm_id", "email", "phone", "loyalty_card", "cookie", "device_id"}
    anonymous = [c for c in co.truth["customers"] if c["anonymous"]]
    assert anonymous and all(list(c["identifiers"]) == ["cookie"] for c in anonymous)


def test_identifiers_are_written_as_people_type_them(co: Company) -> None:
    check_phones_written_variously(co, "crm_customers", "telephone")
    emails = [r["email"] for r in co.sources["crm_customers"].records if r and r["email"]]
    assert any(e != e.strip() for e in emails) and any(e.strip() != e.strip().lower() for e in emails)


def test_text_is_clean_utf8_in_french_and_english(co: Company) -> None:
    df = co.sources["surveys"].clean()
    texts = df["commentaire"][df["commentaire"] != ""]
    assert set(df["langue"][df["commentaire"] != ""]) == {"fr", "en"}
    assert not texts.str.contains("\n").any()
    assert texts.str.contains(" mais ").any()  # "la livraison était en retard mais le vendeur adorable"
    for word in ("livraison", "vendeur", "prix|cher", "attente", "appli|site", "delivery|parcel|order"):
        assert texts.str.contains(word).any(), word
    assert set(df["type"]) == {"nps", "csat", "review", "free_text"}


# ---------------------------------------------------------------------------- planted domain truths

def test_leak_app_checkout_to_payment(co: Company) -> None:
    web = co.sources["web_analytics"].clean()
    s = web.groupby("session_id").agg(platform=("platform", "first"),
                                      chk=("event_name", lambda e: (e == "checkout_start").any()),
                                      pay=("event_name", lambda e: (e == "payment").any()))
    conv = s[s.chk].groupby("platform").pay.mean()
    assert conv["app"] < conv["web"] - 0.25
    truth = co.truth["leak"]
    assert truth["channel"] == "app" and truth["from_activity"] == "checkout_start"
    assert abs(conv["app"] - truth["observed"]["app"]["conversion"]) < 0.03


def test_late_delivery_hurts_repurchase_and_scores(co: Company) -> None:
    orders = co.customers_column("orders")
    orders["t"] = _times(co, "orders", orders, "date")
    placed = orders[orders.type_evt == "order_placed"]
    delivered = orders[orders.type_evt == "order_delivered"].copy()
    # the outcome is consistent with the promised date
    promised = pd.to_datetime(delivered.livraison_prevue, format="%d/%m/%Y").dt.date
    actual = delivered.t.map(lambda t: t.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris")).date())
    assert ((actual > promised) == (delivered.statut_livraison == "en_retard")).all()
    # first delivered order of each customer, late or not, and whether they ordered again after it
    end = pd.Timestamp(co.truth["period"]["end"]).to_pydatetime()
    first_placed = placed.sort_values("t").groupby("num_commande").t.first()
    delivered["placed"] = delivered.num_commande.map(first_placed)
    first = delivered.sort_values("placed").groupby("__customer").first()
    first = first[first.t < end - pd.Timedelta(days=180)]
    last_order = placed.groupby("__customer").t.max()
    again = last_order.reindex(first.index) > first.t
    late = first.statut_livraison == "en_retard"
    assert late.sum() >= 20
    assert again[late].mean() < 0.6 * again[~late].mean()
    # and the delivery survey says so
    surveys = co.sources["surveys"].clean()
    surveys = surveys[(surveys.point_de_contact == "livraison") & (surveys.type == "nps")]
    status = delivered.groupby("num_commande").statut_livraison.first()  # (planted duplicates repeat rows)
    surveys = surveys.assign(late=surveys.num_commande.map(status) == "en_retard", note=surveys.note.astype(float))
    assert surveys[surveys.late].note.mean() < surveys[~surveys.late].note.mean() - 2.5
    negative = surveys[surveys.late].commentaire
    assert negative[negative != ""].str.contains("retard|late|reçu|waiting", case=False).mean() > 0.8


def test_buyers_who_bought_often_buy_again(co: Company) -> None:
    """Buyers differ within a persona (own loyalty and pace): of those who bought in a year, the ones with
    four orders or more buy in the next year far more often than one-off buyers, as truth.json says."""
    orders = co.customers_column("orders")
    placed = orders[orders.type_evt == "order_placed"].drop_duplicates("num_commande").copy()
    placed["t"] = _times(co, "orders", placed, "date")
    truth = co.truth["repeat_buying"]
    as_of = pd.Timestamp(truth["as_of"])
    year = pd.Timedelta(days=truth["horizon_days"])
    before = placed[(placed.t > as_of - year) & (placed.t <= as_of)].groupby("__customer").size()
    again = pd.Series(before.index.isin(set(placed[placed.t > as_of].__customer)), index=before.index)
    group = pd.cut(before, [0, 1, 3, np.inf], labels=["once", "2_to_3", "4_or_more"])
    rate = again.groupby(group, observed=False).agg(["mean", "size"])
    observed = truth["observed"]["buyers_by_orders_in_the_year_before"]
    for g, row in rate.iterrows():
        assert row["size"] == observed[g]["customers"], (g, rate, observed)
        assert row["mean"] == pytest.approx(observed[g]["bought_again_within_a_year"], abs=1e-3), (g, rate)
    assert rate.loc["4_or_more", "size"] >= 15
    assert rate.loc["once", "mean"] < rate.loc["2_to_3", "mean"] < rate.loc["4_or_more", "mean"]
    assert rate.loc["4_or_more", "mean"] >= 2.5 * rate.loc["once", "mean"], rate


def test_personas_have_distinct_behaviour(co: Company) -> None:
    persona = {c["customer"]: c["persona"] for c in co.truth["customers"]}
    orders = co.customers_column("orders")
    placed = orders[orders.type_evt == "order_placed"].copy()
    placed["persona"] = placed.__customer.map(persona)
    placed["montant"] = placed.montant.astype(float)
    basket = placed.groupby("persona").montant.mean()
    assert basket["expert"] == basket.max()
    assert basket["beginner_skier"] == basket.min()
    channel = pd.crosstab(placed.persona, placed.canal, normalize="index")
    assert channel["app"].idxmax() == "intermediate_snowboarder"
    assert channel["store"].idxmax() == "expert"
    items = placed.articles.map(len).groupby(placed.persona).mean()
    assert items.idxmax() == "parent_of_beginner"
    kids = placed.articles.map(lambda a: sum(s[:3] in ("SKE", "CAE", "CBE") for s in a) / len(a))
    assert kids.groupby(placed.persona).mean().idxmax() == "parent_of_beginner"
    boards = placed.articles.map(lambda a: any(s[:3] in ("SNB", "BTS", "FXB") for s in a))
    assert boards.groupby(placed.persona).mean().idxmax() == "intermediate_snowboarder"
    shares = pd.Series(persona).value_counts(normalize=True)
    assert set(co.truth["personas"]) == {p for p in persona.values() if p}
    assert all(0.1 < shares[p] < 0.4 for p in co.truth["personas"])


def test_weak_team_is_slower_recontacted_and_less_liked(co: Company) -> None:
    weak = co.truth["weak_team"]["team"]
    cases = co.sources["cases"].clean()
    cases["hours"] = [((co.sources["cases"].parse_time(b) - co.sources["cases"].parse_time(a)).total_seconds() / 3600
                       if b else np.nan) for a, b in zip(cases.created_at, cases.solved_at)]
    med = cases.groupby("group").hours.median()
    assert med[weak] > 2 * med.drop(weak).max()
    steps = co.sources["tickets"].clean()
    recontacts = steps[steps.action == "customer_recontact"].groupby("ticket_id").size()
    per = recontacts.reindex(cases.ticket_id.unique(), fill_value=0)
    team = cases.set_index("ticket_id").group
    by_team = per.groupby(team.reindex(per.index)).mean()
    assert by_team[weak] > 1.5 * by_team.drop(weak).max()
    surveys = co.sources["surveys"].clean()
    csat = surveys[(surveys.ref_ticket != "") & (surveys.type == "csat")].copy()
    csat["team"] = csat.ref_ticket.map(team)
    score = csat.note.astype(float).groupby(csat.team).mean()
    assert score[weak] < score.drop(weak).min() - 1.0


def test_complaint_wave_is_many_near_identical_cases_in_one_week(co: Company) -> None:
    wave = co.truth["complaint_wave"]
    cases = co.sources["cases"].clean()
    w = cases[cases.category == wave["category"]]
    assert len(w) >= 12 and len(w) == wave["cases"]
    assert sorted(w.ticket_id) == sorted(wave["case_ids"])
    opened = [co.sources["cases"].parse_time(x) for x in w.created_at]
    start, end = (pd.Timestamp(wave["window"][k]).to_pydatetime() for k in ("start", "end"))
    assert all(start <= t <= end + pd.Timedelta(days=3) for t in opened)
    templates = {re.sub(r"CMD\d+", "{order}", s) for s in w.subject}
    assert len(templates) <= 4 and templates <= set(wave["subject_templates"])
    surveys = co.sources["surveys"].clean()
    texts = surveys[surveys.type == "free_text"].commentaire
    assert {re.sub(r"CMD\d+", "{order}", s) for s in texts} <= set(wave["feedback_templates"])
    # elsewhere, the same problem never shows up
    assert (cases.category == wave["category"]).sum() == len(w)


def test_sla_met_while_customers_keep_calling(co: Company) -> None:
    sla = co.truth["sla_paradox"]
    cases = co.sources["cases"].clean()
    d = cases[cases.category == sla["category"]]
    assert len(d) >= 15
    assert (d.sla_first_reply == "met").mean() >= 0.95
    assert d.first_reply_hours.astype(float).median() < 12
    steps = co.sources["tickets"].clean()
    rc = steps[steps.action == "customer_recontact"].groupby("ticket_id").size()
    assert rc.reindex(d.ticket_id, fill_value=0).mean() >= 2.0
    solved = d[d.solved_at != ""]
    hours = [(co.sources["cases"].parse_time(b) - co.sources["cases"].parse_time(a)).total_seconds() / 3600
             for a, b in zip(solved.created_at, solved.solved_at)]
    assert np.median(hours) > 48


def test_strong_winter_season(co: Company) -> None:
    orders = co.sources["orders"].clean()
    placed = orders[orders.type_evt == "order_placed"]
    month = pd.to_datetime(placed.date, format="%d/%m/%Y %H:%M").dt.month
    per_month = month.value_counts()
    winter = per_month.reindex([10, 11, 12, 1, 2]).mean()
    summer = per_month.reindex([5, 6, 7]).mean()
    assert winter > 3 * summer


def test_one_store_disappoints(co: Company) -> None:
    s = co.sources["surveys"].clean()
    store = s[s.point_de_contact == "magasin"]
    mean = store.note.astype(float).groupby(store.magasin).mean()
    assert mean.idxmin() == co.truth["outlier_store"]["store"]
    assert mean.min() < mean.drop(mean.idxmin()).min() - 0.7


# ---------------------------------------------------------------------------- API behaviour

def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = generate("retail", tmp_path / "a", events=8_000, seed=3)
    b = generate("retail", tmp_path / "b", events=8_000, seed=3)
    c = generate("retail", tmp_path / "c", events=8_000, seed=4)
    fa, fb, fc = files_bytes(a.out), files_bytes(b.out), files_bytes(c.out)
    assert fa == fb
    assert fa.keys() == fc.keys()
    assert all(fa[k] != fc[k] for k in fa if k.endswith((".csv", ".jsonl", ".parquet")) and "mappings" not in k)
    assert a.truth == b.truth


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_uniform_formats(tmp_path: Path, fmt: str) -> None:
    r = generate("retail", tmp_path, events=10_000, seed=5, format=fmt)
    ext = "." + fmt
    assert all(p.suffix == ext for _, p, _ in r.sources)
    co = Company(tmp_path)
    check_manifest(co, "crm_customers")
    check_malformed(co)
    check_duplicates(co)
    check_identities(co)
    assert all(s.format == fmt for s in co.sources.values())
    n = sum(len(s.records) for s in co.sources.values() if s.table == "events")
    assert abs(n - 10_000) <= 200
    native = generate("retail", tmp_path / "native", events=10_000, seed=5)
    assert list(r.counts.values()) == list(native.counts.values())  # same rows, whatever the format
    if fmt == "parquet":
        assert not {m["reason"] for m in r.truth["malformed_rows"]} & {"malformed_row", "bad_timestamp", "bad_type"}


def test_result_and_errors(tmp_path: Path) -> None:
    calls = []
    r = generate("retail", tmp_path, events=5_000, seed=1, progress=lambda s, f: calls.append((s, f)))
    assert next(n for n, _, _ in r.sources) == "crm_customers"
    assert all(p.exists() and m.exists() for _, p, m in r.sources)
    assert sum(r.counts.values()) == sum(r.truth["counts"].values())
    assert calls[-1] == ("done", 1.0)
    with pytest.raises(ValueError, match="retail, saas"):
        generate("bank", tmp_path / "x")
    with pytest.raises(ValueError, match="native, csv, parquet"):
        generate("retail", tmp_path / "x", format="xml")


@pytest.mark.slow
def test_one_million_events_is_fast(tmp_path: Path) -> None:
    """1M events in a few seconds (10M takes about 25 s: ``python -m parcours.synth.bench``)."""
    t = time.perf_counter()
    r = generate("retail", tmp_path, events=1_000_000, seed=0)
    assert time.perf_counter() - t < 15
    assert abs(r.truth["events_written"] - 1_000_000) <= 20_000
