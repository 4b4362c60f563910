"""The journeys section on a company with declared journeys: journey map, funnel, leaks and the flow of the top leak."""

from __future__ import annotations

import re

import pytest

from parcours.report import write_report
from tests.conftest import synth_workspace


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    base = tmp_path_factory.mktemp("retail")
    ws = synth_workspace(base, "retail", 40_000, 3)
    yield ws
    ws.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_journey_map_and_leak_flow_are_drawn(shop, tmp_path, lang):
    html = write_report(shop, tmp_path / "r.html", lang=lang, sections=["journeys"]).read_text(encoding="utf-8")
    html = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)  # figure JSON escapes
    for fig in ("fig-journeys-funnel", "fig-journeys-journeymap", "fig-journeys-flow"):
        assert f'id="{fig}"' in html, fig
    journey = shop.config.journeys[0]
    assert all(s.name in html for s in journey.stages)
    # the flow's title counts the customers who stopped at the top leak's stage: the funnel's drop-off there
    top = shop.leaks(journey=journey.name).to_pandas().iloc[0]
    fun = shop.journey_funnel(journey.name).to_pandas().set_index("step")
    dropped = int(fun.loc[top.step, "dropped"])
    title = re.search(r"(?:Where the|Où sont allés les) ([\d\s,\u202f\u00a0]+) (?:customers|clients)", html)
    assert title is not None and int(re.sub(r"\D", "", title.group(1))) == dropped > 0
    label = "Time in stage" if lang == "en" else "Temps dans l'étape"
    assert label in html
