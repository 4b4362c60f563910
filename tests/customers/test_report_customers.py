"""The report's customers section: persona cards, tiers and their movements, retention heat map, EN and FR."""

from __future__ import annotations

import re

import pytest

from parcours.report import write_report
from tests.conftest import write
from tests.customers.test_tiers import EV_MAP, _rows


@pytest.fixture(scope="module")
def small_ws(tmp_path_factory):
    import parcours

    base = tmp_path_factory.mktemp("report_customers")
    ws = parcours.init(base / "ws")
    text, _ = _rows()
    ws.ingest("events", write(base / "ev.csv", text), mapping=EV_MAP)
    yield ws
    ws.close()


@pytest.mark.parametrize("lang,words", [("en", ["Personas", "Loyalty levels and value tiers", "Retention"]),
                                        ("fr", ["Profils clients", "Niveaux de fidélité et de valeur", "Rétention"])])
def test_section_has_cards_tiers_and_retention(small_ws, tmp_path, lang, words):
    html = write_report(small_ws, tmp_path / f"r_{lang}.html", lang=lang, sections=["customers"]).read_text("utf-8")
    for w in words:
        assert w in html
    cards = re.findall(r'id="persona-(\d+)"', html)
    p = small_ws.personas(lang=lang)  # the names in the report's language
    assert len(cards) == p.k and p.cards.name.iloc[0] in html
    for fig in ("fig-customers-loyalty", "fig-customers-value", "fig-customers-loyalty-moves",
                "fig-customers-value-moves", "fig-customers-retention"):
        assert f'id="{fig}"' in html
    assert "Platinum" in html and "Free delivery" in html  # the tiers' rules and benefits


def test_section_comes_after_journeys_and_empty_workspace_is_fine(ws, tmp_path):
    import parcours.report.customers  # noqa: F401 - its section registers on import
    from parcours.report.sections import SECTIONS

    ids = [s.id for s in SECTIONS]
    assert ids.index("customers") > ids.index("journeys")
    html = write_report(ws, tmp_path / "empty.html", sections=["customers"]).read_text("utf-8")
    assert "No events yet" in html
