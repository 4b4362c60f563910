"""Cohort retention and lifecycle states on a hand-built log whose answers are worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from parcours.customers.features import FeatureError
from parcours.customers.retention import (
    cohort_retention,
    lifecycle,
    lifecycle_table,
    retention_curve,
)
from tests.conftest import write

MONDAY = pd.Timestamp("2024-01-01")  # a Monday: week w starts MONDAY + 7w days
#: weeks in which each customer is active (an event on the Tuesday, and an extra one for a and c)
WEEKS = {"a": [0, 1, 3], "b": [0, 2], "c": [1, 2], "d": [3]}
CHANNEL = {"a": "web", "b": "app", "c": "web", "d": "store"}


@pytest.fixture(scope="module")
def log_ws(tmp_path_factory):
    import parcours

    base = tmp_path_factory.mktemp("ret")
    ws = parcours.init(base / "ws")
    rows = ["c,t,a,ch"]
    for c, weeks in WEEKS.items():
        for w in weeks:
            day = MONDAY + pd.Timedelta(days=7 * w + 1, hours=10)
            rows.append(f"{c},{day:%Y-%m-%d %H:%M},{'order' if w == weeks[0] else 'visit'},{CHANNEL[c]}")
            if c in "ac":
                rows.append(f"{c},{day + pd.Timedelta(days=2):%Y-%m-%d %H:%M},visit,phone")
    mapping = {"table": "events", "columns": {"timestamp": "t", "activity": "a", "channel": "ch"},
               "identifiers": {"crm_id": "c"}}
    ws.ingest("events", write(base / "ev.csv", "\n".join(rows) + "\n"), mapping=mapping)
    yield ws
    ws.close()


def _cells(df: pd.DataFrame, key: str = "retained") -> dict[tuple[int, int], int]:
    weeks = ((pd.to_datetime(df.cohort) - MONDAY).dt.days // 7).astype(int)
    return {(w, k): int(v) for w, k, v in zip(weeks, df.period_number, df[key])}


def test_first_time_weekly_retention_by_hand(log_ws):
    r = cohort_retention(log_ws, period="week", horizon=3).to_pandas()
    assert _cells(r, "cohort_size") == {(0, 0): 2, (0, 1): 2, (0, 2): 2, (0, 3): 2, (1, 0): 1, (1, 1): 1,
                                        (1, 2): 1, (3, 0): 1}  # cells after the last week are left out
    assert _cells(r) == {(0, 0): 2, (0, 1): 1, (0, 2): 1, (0, 3): 1, (1, 0): 1, (1, 1): 1, (1, 2): 0, (3, 0): 1}


def test_rolling_and_recurring_by_hand(log_ws):
    r = cohort_retention(log_ws, period="week", horizon=3, rolling=True).to_pandas()
    assert _cells(r) == {(0, 0): 2, (0, 1): 2, (0, 2): 2, (0, 3): 1, (1, 0): 1, (1, 1): 1, (1, 2): 0, (3, 0): 1}
    r = cohort_retention(log_ws, period="week", horizon=2, kind="recurring").to_pandas()
    # cohorts: w0 {a,b}, w1 {a,c}, w2 {b,c}, w3 {a,d}
    assert _cells(r, "cohort_size") == {(0, 0): 2, (0, 1): 2, (0, 2): 2, (1, 0): 2, (1, 1): 2, (1, 2): 2,
                                        (2, 0): 2, (2, 1): 2, (3, 0): 2}
    assert _cells(r) == {(0, 0): 2, (0, 1): 1, (0, 2): 1, (1, 0): 2, (1, 1): 1, (1, 2): 1, (2, 0): 2, (2, 1): 0,
                         (3, 0): 2}


def test_start_activity_breakdown_and_wilson_band(log_ws):
    r = cohort_retention(log_ws, period="week", horizon=1, start_activity="order", breakdown="channel").to_pandas()
    weeks = ((pd.to_datetime(r.cohort) - MONDAY).dt.days // 7).astype(int)
    got = {(ch, w, k): v for ch, w, k, v in zip(r.channel, weeks, r.period_number, r.retained)}
    assert got[("web", 0, 1)] == 1 and got[("app", 0, 1)] == 0 and got[("store", 3, 0)] == 1
    labels = pd.DataFrame({"customer_id": log_ws.table("identities").to_pandas().customer_id})
    ids = log_ws.table("identities").to_pandas()
    labels["persona"] = ids.identifier.map({"a": "P1", "b": "P1", "c": "P2", "d": "P2"}).values
    r = cohort_retention(log_ws, period="week", horizon=1, breakdown="persona", labels=labels).to_pandas()
    assert set(r.persona) == {"P1", "P2"}
    curve = retention_curve(cohort_retention(log_ws, period="week", horizon=3)).to_pandas()
    row = curve[curve.period_number == 1].iloc[0]
    assert (row.cohort_size, row.retained) == (3, 2)
    z, n, p = 1.959963984540054, 3, 2 / 3
    center = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert row.lower == pytest.approx(center - half) and row.upper == pytest.approx(center + half)
    with pytest.raises(FeatureError, match="breakdown"):
        cohort_retention(log_ws, breakdown="nope")
    with pytest.raises(FeatureError, match="period"):
        cohort_retention(log_ws, period="year")


def test_monthly_periods_count_calendar_months(log_ws):
    r = cohort_retention(log_ws, period="month", horizon=2).to_pandas()
    assert r.cohort_size.tolist() == [4] and r.retained.tolist() == [4]  # every week is in January


def test_lifecycle_states_by_hand(log_ws):
    t = lifecycle_table(lifecycle(log_ws, period="week"))
    t.index = ((pd.to_datetime(t.index) - MONDAY).days // 7).astype(int)
    assert t.loc[0].tolist() == [2, 0, 0, 0]
    assert t.loc[1].tolist() == [1, 1, 0, 1]  # c new, a returning, b dormant
    assert t.loc[2].tolist() == [0, 1, 1, 1]  # c returning, b resurrecting, a dormant
    assert t.loc[3].tolist() == [1, 0, 1, 2]  # d new, a resurrecting, b and c dormant
