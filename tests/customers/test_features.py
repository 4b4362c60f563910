"""Customer features: hand-built data, exact values, and no leakage across ``as_of``."""

from __future__ import annotations

import pandas as pd
import pytest

import parcours
from parcours.customers.features import (
    FeatureError,
    customer_features,
    feature_columns,
    to_timestamp,
)
from tests.conftest import write

EVENTS = """customer_id,timestamp,activity,channel,value,feature,seats
a,2024-01-01 10:00,visit,web,,,
a,2024-01-02 10:00,order,web,100,,
a,2024-01-10 10:00,order,app,50,,
a,2024-01-11 10:00,payment_failed,app,50,,
a,2024-01-12 09:00,feature_used,app,,gantt,
a,2024-01-12 09:30,feature_used,app,,gantt,
a,2024-01-12 10:00,feature_used,app,,kanban,
a,2024-01-12 11:00,login,app,,,
a,2024-01-13 11:00,user_activated,app,,,
a,2024-01-13 12:00,invoice,billing,10,,4
b,2024-01-05 10:00,visit,store,,,
b,2024-01-20 10:00,order,store,30,,
b,2024-02-01 10:00,customer_recontact,phone,,,
"""
LATER = """customer_id,timestamp,activity,channel,value,feature,seats
a,2024-03-01 10:00,order,web,999,,
a,2024-03-02 10:00,feature_used,app,,reports,
a,2024-03-02 10:00,invoice,billing,10,,40
c,2024-03-03 10:00,order,web,5,,
"""
EV_MAP = {"table": "events", "columns": {"timestamp": "timestamp", "activity": "activity", "channel": "channel",
                                         "value": "value"}, "identifiers": {"crm_id": "customer_id"}}


def _fill(ws, tmp_path, later: bool = False) -> parcours.Workspace:
    ws.ingest("events", write(tmp_path / "ev.csv", EVENTS), mapping=EV_MAP)
    fb = {"table": "feedback", "columns": {"timestamp": "t", "kind": "k", "score": "s"}, "identifiers": {"crm_id": "c"}}
    ws.ingest("feedback", write(tmp_path / "fb.csv", "t,k,s,c\n2024-01-03,nps,9,a\n2024-01-04,csat,2,a\n"
                                                     "2024-02-02,nps,0,b\n"), mapping=fb)
    cs = {"table": "cases", "columns": {"case_id": "id", "opened_at": "t"}, "identifiers": {"crm_id": "c"}}
    ws.ingest("cases", write(tmp_path / "cs.csv", "id,t,c\nK1,2024-01-21,b\nK2,2024-01-25,b\n"), mapping=cs)
    if later:
        ws.ingest("events", write(tmp_path / "later.csv", LATER), mapping=EV_MAP)
        ws.ingest("feedback", write(tmp_path / "fb2.csv", "t,k,s,c\n2024-03-05,nps,1,a\n"), mapping=fb)
        ws.ingest("cases", write(tmp_path / "cs2.csv", "id,t,c\nK3,2024-03-05,a\n"), mapping=cs)
    return ws


def _by_raw_id(ws, feats: pd.DataFrame) -> pd.DataFrame:
    ids = ws.table("identities").to_pandas()
    raw = dict(zip(ids.customer_id, ids.identifier))
    return feats.assign(raw=feats.customer_id.map(raw)).set_index("raw")


@pytest.fixture
def small(ws, tmp_path):
    return _fill(ws, tmp_path)


def test_features_match_hand_computed_values(small):
    f = _by_raw_id(small, customer_features(small, as_of="2024-02-10").to_pandas())
    a, b = f.loc["a"], f.loc["b"]
    assert a.frequency == 3 and a.monetary == 160.0  # two orders and the invoice; the failed payment is not a purchase
    assert b.frequency == 1 and b.monetary == 30.0 and b.avg_basket == 30.0
    assert a.recency_days == pytest.approx((pd.Timestamp("2024-02-10") - pd.Timestamp("2024-01-13 12:00")).days + 0.5)
    assert a.tenure_days == pytest.approx((pd.Timestamp("2024-02-10") - pd.Timestamp("2024-01-01 10:00")).total_seconds() / 86400)
    assert a.events == 10 and a.active_days == 6  # 1, 2, 10, 11, 12 and 13 January
    assert a.channel_app_share == pytest.approx(7 / 10) and b.channel_store_share == pytest.approx(2 / 3)
    assert a.logins == 1 and a.features_adopted == 2 and a.seats == 4 and a.active_users == 1
    assert a.seats_used_share == pytest.approx(0.25)
    assert b.support_contacts == 2 and b.repeat_contacts == 1 and a.support_contacts == 0
    assert a.nps == 9 and a.csat == 2 and a.feedback_score == pytest.approx((0.9 + 0.25) / 2)
    assert b.nps == 0 and pd.isna(b.csat) and pd.isna(b.seats)
    assert set(feature_columns(f.reset_index(drop=True))) >= {"recency_days", "frequency", "monetary"}


def test_no_leakage_rows_after_as_of_change_nothing(ws, tmp_path, tmp_path_factory):
    before = _fill(ws, tmp_path)
    as_of = "2024-02-15"
    f1 = _by_raw_id(before, customer_features(before, as_of=as_of).to_pandas()).sort_index()
    other = parcours.init(tmp_path_factory.mktemp("later") / "ws")
    after = _fill(other, tmp_path_factory.mktemp("files"), later=True)
    f2 = _by_raw_id(after, customer_features(after, as_of=as_of).to_pandas()).sort_index()
    pd.testing.assert_frame_equal(f1.drop(columns="customer_id"), f2.drop(columns="customer_id"), check_like=True)
    # without as_of the later rows do count: the test above could fail
    full = _by_raw_id(after, customer_features(after).to_pandas())
    assert full.loc["a"].monetary > f1.loc["a"].monetary and "c" in full.index and "c" not in f1.index
    other.close()


def test_as_of_is_strict(small):
    f = _by_raw_id(small, customer_features(small, as_of="2024-01-20 10:00").to_pandas())
    assert f.loc["b"].frequency == 0  # the order at exactly as_of is not before it
    f = _by_raw_id(small, customer_features(small, as_of="2024-01-20 10:00:01").to_pandas())
    assert f.loc["b"].frequency == 1


def test_journeys_give_the_furthest_stage(small):
    from parcours.journeys.definitions import template

    j = template("onboarding")
    f = customer_features(small, as_of="2024-03-01", journeys=[j]).to_pandas()
    col = f"furthest_stage_{j.name}"
    assert col in f.columns and (f[col] >= -1).all()


def test_bad_dates_and_config_are_named(small):
    with pytest.raises(FeatureError, match="as_of"):
        customer_features(small, as_of="not a date")
    with pytest.raises(FeatureError, match="config"):
        customer_features(small, config=3)
    assert to_timestamp("2024-01-01T01:00:00+01:00") == pd.Timestamp("2024-01-01")
    f = customer_features(small, as_of="2024-02-10", config={"purchase_activities": ["order"]}).to_pandas()
    assert f.frequency.sum() == 3


def test_failures_and_the_steps_left_open(ws, tmp_path):
    """A failed step is open until a later success of the same step; steps whose success the data
    never records (here, an invoice payment) count as failures but can never be called open."""
    ws.ingest("events", write(tmp_path / "f.csv", "customer_id,timestamp,activity\n"
                              "a,2024-01-01,data_import_failed\na,2024-01-02,data_import_completed\n"
                              "b,2024-01-01,data_import_failed\nb,2024-01-03,data_import_failed\n"
                              "c,2024-01-01,data_import_completed\nc,2024-01-02,data_import_failed\n"
                              "d,2024-01-01,invoice.payment_failed\nd,2024-01-02,login\n"
                              "e,2024-01-01,Payment declined\ne,2024-01-05,payment succeeded\n"
                              "f,2024-01-01,payment declined\n"),
              mapping={"table": "events", "columns": {"timestamp": "timestamp", "activity": "activity"},
                       "identifiers": {"crm_id": "customer_id"}})
    got = _by_raw_id(ws, customer_features(ws).to_pandas())
    assert got.failures.to_dict() == {"a": 1, "b": 2, "c": 1, "d": 1, "e": 1, "f": 1}
    assert got.unresolved_failures.to_dict() == {"a": 0, "b": 1, "c": 1, "d": 0, "e": 0, "f": 1}
    # as of an instant before a's success, its failure is still open (c's import shows what success is)
    early = _by_raw_id(ws, customer_features(ws, as_of="2024-01-01T12:00").to_pandas())
    assert early.unresolved_failures["a"] == 1
    # and what the data records only later cannot resolve anything earlier: no payment success yet
    assert _by_raw_id(ws, customer_features(ws, as_of="2024-01-04").to_pandas()).unresolved_failures["f"] == 0
