"""Conformance: each kind of deviation on hand-made cases, and the planted re-opening loop found."""

from __future__ import annotations

import json

import pytest

import parcours
from parcours.config import JourneyConfig
from parcours.journeys.conformance import conformance, conformance_moves
from parcours.synth import generate
from tests.conftest import write

JOURNEY = JourneyConfig(name="buy", stages=[
    {"name": "look", "touchpoints": ["view"]}, {"name": "choose", "touchpoints": ["cart"]},
    {"name": "pay", "touchpoints": ["pay"]}, {"name": "cancel", "touchpoints": ["cancel"]}],
    ideal_order=["look", "choose", "pay"])


def test_each_deviation_is_counted(ws, tmp_path):
    rows = ["email,timestamp,activity"]
    lived = {"fit": "view cart pay", "skip": "view pay", "back": "view cart view cart pay",
             "late": "cart pay", "off": "view cart cancel", "repeat_runs": "view view cart cart pay"}
    for who, acts in lived.items():
        rows += [f"{who}@x.fr,2024-01-01T10:{i:02d}:00Z,{a}" for i, a in enumerate(acts.split())]
    ws.ingest("events", write(tmp_path / "e.csv", "\n".join(rows) + "\n"))
    c = conformance(ws.events, JOURNEY).to_pandas().iloc[0]
    # fit and repeat_runs (consecutive repeats are one visit) fit; the four others deviate once each.
    assert (c.units, c.fitting, c.with_skips, c.with_backward, c.late_entry, c.off_path) == (6, 2, 1, 1, 1, 1)
    assert c.with_loops == 1 and abs(c.fitness - 2 / 6) < 1e-12
    moves = conformance_moves(ws.events, JOURNEY).to_pandas()
    back = moves[moves.kind == "backward"]
    assert back[["from_stage", "to_stage", "count"]].values.tolist() == [["choose", "look", 1]]
    assert set(moves.kind) == {"forward", "skip", "backward", "off_path"}
    with pytest.raises(ValueError, match="breakdown"):
        conformance(ws.events, JOURNEY, breakdown="nope")


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["retail", "saas"])
def test_the_planted_reopening_loop_shows_for_the_weak_team(tmp_path, scenario):
    raw = tmp_path / "raw"
    generate(scenario, raw, events=60_000, seed=11)
    ws = parcours.init(tmp_path / "ws", scenario=scenario, data=raw)
    ws.ingest_sources()
    weak = json.loads((raw / "truth.json").read_text())["weak_team"]
    c = conformance(ws.events, ws.journey("problem_resolution"), by="case", breakdown="team").to_pandas()
    worst = c.sort_values("backward_share", ascending=False).iloc[0]
    assert worst.team == weak["team"]
    for team, seen in weak["observed"].items():  # a re-opening is a move back from resolution
        share = c.set_index("team").loc[team, "backward_share"]
        assert abs(share - seen["reopen_rate"]) < 0.02, team
    moves = conformance_moves(ws.events, ws.journey("problem_resolution"), by="case").to_pandas()
    assert ("resolution", "handling", "backward") in set(zip(moves.from_stage, moves.to_stage, moves.kind))
