"""The health section's success criteria block: status counts, criteria met, customers at risk (EN and FR)."""

from __future__ import annotations

from parcours.report.health import success_blocks
from parcours.report.sections import render
from tests.conftest import write
from tests.customers.test_success import EVENTS, JOURNEY


def test_success_block_counts_and_lists_the_customers_at_risk(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "ev.csv", EVENTS),
              mapping={"table": "events", "columns": {"timestamp": "timestamp", "activity": "activity"},
                       "identifiers": {"crm_id": "customer_id"}})
    ws.config.journeys = [JOURNEY]
    (block,) = success_blocks(ws, "en")
    assert {s["status"]: s["customers"] for s in block["statuses"]} == {"met": 1, "at_risk": 1, "missed": 1}
    assert [c["customers"] for c in block["criteria"]] == [1, 1, 1]
    (risk,) = block["at_risk"]  # c: one login, no feature, no seats known, deadline on the 25th
    assert risk["missing"] == "Logins, Features adopted, Seats used"
    for lang, words in (("en", ["Success criteria", "At risk", "Not met yet"]),
                        ("fr", ["Critères de succès", "À risque", "Pas encore atteint"])):
        html = render("sections/health.html.j2", lang=lang, kpis=[], scored=0, mean=None, measures=[], rows=[],
                      model_note=None, no_model="-", chart="", period="30d", success=success_blocks(ws, lang))
        assert all(w in html for w in words), lang
        assert html.count("<tr>") >= 5 and risk["customer_id"] in html
