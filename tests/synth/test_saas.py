"""The SaaS company (Planeo): exports of a B2B vendor, and every planted truth, read from the raw files."""

from __future__ import annotations

import datetime as dt
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

EVENTS = 80_000
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def co(tmp_path_factory: pytest.TempPathFactory) -> Company:
    out = tmp_path_factory.mktemp("saas")
    generate("saas", out, events=EVENTS, seed=11)
    return Company(out)


@pytest.fixture(scope="module")
def accounts(co: Company) -> pd.DataFrame:
    """One row per account, every measure derived from the exports as an analyst would."""
    crm = co.sources["crm_accounts"].clean().drop_duplicates("account_id").set_index("account_id")
    usage = co.sources["product_usage"].clean()
    usage["t"] = [co.sources["product_usage"].parse_time(v) for v in usage.ts]
    signup = usage[usage.event == "signup"].groupby("account_id").t.min()
    platform = usage[usage.event == "signup"].groupby("account_id").platform.first()
    reached = usage[usage.stage == "onboarding"].groupby(["account_id", "event"]).size().unstack(fill_value=0) > 0
    users = usage[usage.event == "user_activated"].groupby("account_id").user_email.nunique()
    feat = usage[usage.event == "feature_used"].copy()
    feat["days"] = [(t - signup[a]).total_seconds() / 86400 for t, a in zip(feat.t, feat.account_id)]
    k30 = feat[feat.days < 30].groupby("account_id").feature.nunique()
    failed = usage[usage.event == "data_import_failed"].groupby("account_id").t.max()
    completed = usage[usage.event == "data_import_completed"].groupby("account_id").t.max()
    bill = co.sources["subscriptions"].clean()
    bill["t"] = [co.sources["subscriptions"].parse_time(v) for v in bill.created]
    created = bill[bill.type == "subscription.created"].groupby("account_ref").t.min()
    cancelled = bill[bill.type == "subscription.cancelled"].groupby("account_ref").size() > 0
    renewed = bill[bill.type == "subscription.renewed"].groupby("account_ref").size() > 0
    cases = co.sources["cases"].clean()
    cases["t"] = [co.sources["cases"].parse_time(v) for v in cases.opened_at]
    cases = cases.join(created.rename("tc"), on="company_id")
    first_year = cases[(cases.t >= cases.tc) & (cases.t < cases.tc + 365 * DAY) & (cases.category != "cancellation")]
    df = pd.DataFrame(index=crm.index)
    df["segment"] = crm.segment
    df["seats"] = pd.to_numeric(crm.seats)
    df["platform"] = platform
    df["invited"] = reached.get("users_invited")
    df["integration"] = reached.get("integration_connected")
    df["seat_use"] = users.reindex(df.index, fill_value=0) / df.seats
    df["k30"] = k30.reindex(df.index, fill_value=0)
    df["import_failed"] = failed.reindex(df.index).notna() & ~(completed.reindex(df.index) > failed.reindex(df.index))
    df["import_tried"] = failed.reindex(df.index).notna() | completed.reindex(df.index).notna()
    df["paid"] = created.reindex(df.index).notna()
    df["tc"] = created.reindex(df.index)
    end = pd.Timestamp(co.truth["period"]["end"]).to_pydatetime()
    df["decided"] = df.paid & (df.tc + 365 * DAY < end)
    df["first_churn"] = cancelled.reindex(df.index, fill_value=False) & ~renewed.reindex(df.index, fill_value=False)
    df["tickets"] = first_year.groupby("company_id").size().reindex(df.index, fill_value=0)
    return df


# ---------------------------------------------------------------------------- files and rows

def test_manifest_mappings_and_formats(co: Company) -> None:
    check_manifest(co, "crm_accounts")
    assert [e["name"] for e in co.entries] == ["crm_accounts", "product_usage", "subscriptions", "tickets", "cases",
                                               "nps_responses"]
    assert co.sources["product_usage"].format == "parquet"
    assert co.sources["subscriptions"].format == "jsonl"
    assert co.sources["tickets"].mapping["csv"]["delimiter"] == ";"
    assert co.sources["nps_responses"].mapping["timestamp_format"] == "epoch_s"


def test_event_count_within_two_percent(co: Company) -> None:
    n = sum(len(s.records) for s in co.sources.values() if s.table == "events")
    assert abs(n - EVENTS) <= 0.02 * EVENTS
    assert EVENTS / 100 <= len(co.truth["customers"]) <= EVENTS / 40


def test_planted_malformed_rows_are_the_only_bad_rows(co: Company) -> None:
    check_malformed(co)
    bad = co.truth["malformed_rows"]
    assert len(bad) >= 25
    assert len({m["reason"] for m in bad}) == 6
    assert len({m["file"] for m in bad}) >= 5


def test_duplicates_are_exact_copies(co: Company) -> None:
    check_duplicates(co)
    assert len(co.truth["duplicates"]) >= 0.002 * EVENTS


def test_identifiers_are_disjoint_complete_and_linked(co: Company) -> None:
    check_identities(co)
    kinds = {k for c in co.truth["customers"] for k in c["identifiers"]}
    assert kinds == {"account_id", "email", "phone", "billing_id"}
    assert all(len(c["identifiers"]["account_id"]) == 1 for c in co.truth["customers"])
    assert max(len(c["identifiers"]["email"]) for c in co.truth["customers"]) >= 10  # users' e-mails
    check_phones_written_variously(co, "crm_accounts", "phone")


def test_customers_carry_churn_flag(co: Company, accounts: pd.DataFrame) -> None:
    by_account = {c["identifiers"]["account_id"][0]: c for c in co.truth["customers"]}
    churned = pd.Series({a: c["churned"] for a, c in by_account.items()})
    status = pd.Series({a: c["status"] for a, c in by_account.items()})
    cancelled = accounts.first_churn | (accounts.paid & (status.reindex(accounts.index) == "churned"))
    assert (churned.reindex(accounts.index) == cancelled).all()
    assert set(status) == {"trial_lost", "active", "churned"}
    assert ((status.reindex(accounts.index) == "trial_lost") == ~accounts.paid).all()


# ---------------------------------------------------------------------------- planted domain truths

def test_churn_drivers(co: Company, accounts: pd.DataFrame) -> None:
    d = accounts[accounts.decided]
    assert len(d) >= 100
    low, high = d[d.seat_use < 0.4].first_churn.mean(), d[d.seat_use >= 0.7].first_churn.mean()
    assert low > 2.5 * high
    few, many = d[d.k30 <= 2].first_churn.mean(), d[d.k30 >= 5].first_churn.mean()
    assert few > 2.5 * many
    assert d[d.tickets >= 4].first_churn.mean() > 1.5 * d[d.tickets <= 1].first_churn.mean()
    met = (d.seat_use >= 0.5) & (d.k30 >= 3)
    assert d[~met].first_churn.mean() > 2.5 * d[met].first_churn.mean()
    # the truth reports what the files show
    obs = co.truth["churn_drivers"]["observed"]
    assert obs["accounts"] == len(d)
    assert obs["by_seat_use"]["<0.4"]["accounts"] == int((d.seat_use < 0.4).sum())
    assert abs(obs["by_features_30d"]["0-2"]["churn_rate"] - few) < 1e-3
    assert obs["by_tickets_first_term"][">=4"]["accounts"] == int((d.tickets >= 4).sum())


def test_leak_mobile_onboarding_integration(co: Company, accounts: pd.DataFrame) -> None:
    inv = accounts[accounts.invited == True]
    conv = inv.groupby("platform").integration.mean()
    assert conv["mobile"] < conv["web"] - 0.3
    assert co.truth["leak"]["channel"] == "mobile"
    paid = accounts.groupby("platform").paid.mean()
    assert paid["mobile"] < paid["web"]


def test_failed_import_is_a_moment_of_truth(co: Company, accounts: pd.DataFrame) -> None:
    tried = accounts[accounts.import_tried]
    assert tried[tried.import_failed].paid.mean() < tried[~tried.import_failed].paid.mean() - 0.1
    nps = co.sources["nps_responses"].clean()
    nps = nps[nps.survey == "nps"]
    score = nps.score.astype(float)
    failed = nps.company_id.map(accounts.import_failed)
    assert score[failed].mean() < score[~failed].mean() - 1.0


def test_segments_differ(accounts: pd.DataFrame) -> None:
    seats = accounts[accounts.paid].groupby("segment").seats.median()
    assert seats["startup"] < seats["smb"] < seats["mid_market"]


def test_usage_drops_before_churn(co: Company) -> None:
    usage = co.sources["product_usage"].clean()
    usage = usage[usage.event.isin(["login", "feature_used"])]
    bill = co.sources["subscriptions"].clean()
    cancel = bill[bill.type == "subscription.cancelled"].groupby("account_ref").cancel_at.first()
    cancel = cancel.map(lambda v: co.sources["subscriptions"].parse_time(v))
    usage = usage[usage.account_id.isin(cancel.index)]
    days = [(cancel[a] - co.sources["product_usage"].parse_time(t)).total_seconds() / 86400
            for a, t in zip(usage.account_id, usage.ts)]
    days = np.array(days)
    last = ((days >= 0) & (days < 90)).sum() / 90
    before = ((days >= 90) & (days < 270)).sum() / 180
    assert last < 0.6 * before


def test_weak_team(co: Company) -> None:
    weak = co.truth["weak_team"]["team"]
    cases = co.sources["cases"].clean()
    src = co.sources["cases"]
    cases["hours"] = [((src.parse_time(b) - src.parse_time(a)).total_seconds() / 3600 if b else np.nan)
                      for a, b in zip(cases.opened_at, cases.closed_at)]
    med = cases.groupby("team").hours.median()
    assert med[weak] > 2 * med.drop(weak).max()
    steps = co.sources["tickets"].clean()
    rc = steps[steps.action == "customer_recontact"].groupby("ticket_id").size()
    rc = rc.reindex(cases.ticket_id, fill_value=0)
    by_team = rc.groupby(cases.set_index("ticket_id").team.reindex(rc.index)).mean()
    assert by_team[weak] > 1.5 * by_team.drop(weak).max()
    nps = co.sources["nps_responses"].clean()
    csat = nps[(nps.survey == "csat") & (nps.ticket_id != "")]
    team = csat.ticket_id.map(cases.set_index("ticket_id").team)
    score = csat.score.astype(float).groupby(team).mean()
    assert score[weak] < score.drop(weak).min() - 1.0


def test_outage_complaint_wave(co: Company) -> None:
    wave = co.truth["complaint_wave"]
    cases = co.sources["cases"].clean()
    w = cases[cases.category == wave["category"]]
    assert len(w) >= 20 and len(w) == wave["cases"]
    t = [co.sources["cases"].parse_time(x) for x in w.opened_at]
    start, end = (pd.Timestamp(wave["window"][k]).to_pydatetime() for k in ("start", "end"))
    assert all(start <= x <= end for x in t)
    assert set(w.subject) <= set(wave["subject_templates"]) and len(set(w.subject)) <= 5
    assert (w.type == "complaint").all()


def test_billing_errors_meet_sla_but_take_weeks(co: Company) -> None:
    sla = co.truth["sla_paradox"]
    cases = co.sources["cases"].clean()
    b = cases[cases.category == sla["category"]]
    assert len(b) >= 20
    assert (b.sla_first_response == "met").mean() >= 0.95
    assert b.first_response_minutes.astype(float).median() < 6 * 60
    steps = co.sources["tickets"].clean()
    rc = steps[steps.action == "customer_recontact"].groupby("ticket_id").size()
    assert rc.reindex(b.ticket_id, fill_value=0).mean() >= 2.0
    done = b[b.closed_at != ""]
    src = co.sources["cases"]
    days = [(src.parse_time(c) - src.parse_time(o)).days for o, c in zip(done.opened_at, done.closed_at)]
    assert np.median(days) >= 7


# ---------------------------------------------------------------------------- API behaviour

def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate("saas", tmp_path / "a", events=8_000, seed=2)
    b = generate("saas", tmp_path / "b", events=8_000, seed=2)
    c = generate("saas", tmp_path / "c", events=8_000, seed=9)
    fa, fb, fc = files_bytes(a.out), files_bytes(b.out), files_bytes(c.out)
    assert fa == fb
    assert all(fa[k] != fc[k] for k in fa if k.endswith((".csv", ".jsonl", ".parquet")) and "mappings" not in k)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_uniform_formats(tmp_path: Path, fmt: str) -> None:
    generate("saas", tmp_path, events=10_000, seed=4, format=fmt)
    co = Company(tmp_path)
    assert all(s.format == fmt for s in co.sources.values())
    check_manifest(co, "crm_accounts")
    check_malformed(co)
    check_duplicates(co)
    check_identities(co)


@pytest.mark.slow
def test_one_million_events_is_fast(tmp_path: Path) -> None:
    t = time.perf_counter()
    r = generate("saas", tmp_path, events=1_000_000, seed=0, format="parquet")
    assert time.perf_counter() - t < 15
    assert abs(r.truth["events_written"] - 1_000_000) <= 20_000
