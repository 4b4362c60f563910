"""Workspace status: counts, channels, identity kinds, quarantine reasons."""

from __future__ import annotations

from tests.conftest import WEB_MAPPING, write


def test_status_counts(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "web.csv", "hit_time;visitor;mail;event\n2025-01-01 10:00;c1;a@x.fr;login\n"
                                                    "2025-02-01 10:00;c2;;page_view\nnope;c3;;page_view\n"),
              mapping=WEB_MAPPING)
    s = ws.status()
    assert s["tables"]["events"] == 2 and s["tables"]["quarantine"] == 1
    assert s["events_by_channel"] == {"web": 2}
    assert s["identities_by_kind"] == {"cookie": 2, "email": 1}
    assert s["quarantine_by_reason"] == {"bad_timestamp": 1}
    assert s["first_event"].startswith("2025-01-01T09:00") and s["last_event"].startswith("2025-02-01T09:00")
    assert len(s["ingestions"]) == 1 and s["ingestions"][0]["added"] == 2
