"""Time in stage against targets, rework loops and time to the next stage, on hand-made sequences."""

from __future__ import annotations

import pandas as pd
import pytest

import parcours
from parcours.journeys.durations import stage_durations
from tests.conftest import write

JOURNEY = parcours.JourneyConfig(name="support", stages=[
    {"name": "contact", "touchpoints": ["ticket_created", "call"], "target_duration": "2d"},
    {"name": "diagnosis", "touchpoints": ["diagnosed"], "target_duration": "1d"},
    {"name": "resolution", "touchpoints": ["resolved"]},
])

# a: contact 1d, diagnosis 3d, resolved. b: contact 3d, diagnosis 12h, back to contact 1d, diagnosis
# 1d, resolved. c: contact, still there (no later stage). d: only resolved (late entry).
LOG = """email,timestamp,activity
a@x.fr,2024-01-01T00:00:00Z,ticket_created
a@x.fr,2024-01-02T00:00:00Z,diagnosed
a@x.fr,2024-01-05T00:00:00Z,resolved
b@x.fr,2024-01-01T00:00:00Z,ticket_created
b@x.fr,2024-01-02T00:00:00Z,call
b@x.fr,2024-01-04T00:00:00Z,diagnosed
b@x.fr,2024-01-04T12:00:00Z,call
b@x.fr,2024-01-05T12:00:00Z,diagnosed
b@x.fr,2024-01-06T12:00:00Z,resolved
c@x.fr,2024-01-01T00:00:00Z,ticket_created
c@x.fr,2024-01-09T00:00:00Z,call
d@x.fr,2024-01-03T00:00:00Z,resolved
"""
DAY = 86400.0


@pytest.fixture
def support(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "t.csv", LOG))
    return ws


def test_time_in_stage_sums_visits_and_leaves_open_ones_out(support):
    df = stage_durations(support.events, JOURNEY).to_pandas().set_index("stage")
    contact = df.loc["contact"]
    # a: 1 d; b: 3 d + 1 d = 4 d; c is still in contact (its time is unknown, not counted)
    assert (contact.units, contact.completed, contact.still_in_stage) == (3, 2, 1)
    assert contact.median_seconds == pytest.approx(2.5 * DAY)
    assert contact.over_target == 1 and contact.over_target_share == pytest.approx(0.5)
    assert contact.over_target_low < 0.5 < contact.over_target_high
    assert contact.with_rework == 1 and contact.rework_share == pytest.approx(1 / 3)
    diag = df.loc["diagnosis"]
    # a: 3 d (over the 1 d target); b: 12 h + 1 d = 1.5 d (over too)
    assert (diag.units, diag.completed, diag.over_target) == (2, 2, 2)
    assert diag.median_seconds == pytest.approx(2.25 * DAY)
    res = df.loc["resolution"]
    assert res.units == 3 and res.still_in_stage == 3 and res.completed == 0 and res.over_target != res.over_target


def test_time_to_the_next_stage_from_first_entries(support):
    df = stage_durations(support.events, JOURNEY).to_pandas().set_index("stage")
    # contact → diagnosis: a 1 d, b 3 d; c never reached diagnosis
    assert df.loc["contact", "next_stage"] == "diagnosis" and df.loc["contact", "reached_next"] == 2
    assert df.loc["contact", "to_next_median_seconds"] == pytest.approx(2 * DAY)
    # diagnosis → resolution: a 3 d, b 2.5 d (from its first diagnosis)
    assert df.loc["diagnosis", "to_next_median_seconds"] == pytest.approx(2.75 * DAY)
    assert pd.isna(df.loc["resolution", "next_stage"])


def test_per_case(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "c.csv", "case:concept:name,concept:name,time:timestamp\n"
                              "k1,ticket_created,2024-01-01T00:00:00Z\nk1,diagnosed,2024-01-01T06:00:00Z\n"
                              "k2,ticket_created,2024-01-01T00:00:00Z\nk2,diagnosed,2024-01-04T00:00:00Z\n"))
    df = stage_durations(ws.events, JOURNEY, by="case").to_pandas().set_index("stage")
    assert df.loc["contact", "completed"] == 2 and df.loc["contact", "over_target"] == 1
    with pytest.raises(ValueError, match="by must be"):
        stage_durations(ws.events, JOURNEY, by="session")
