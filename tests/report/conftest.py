"""A tiny hand-built workspace whose every number is known, for the report's tests.

Events (UTC), by month and channel:
  2025-01: web 2 (ck1/a@x.fr), store 1 (a@x.fr)
  2025-02: web 2 (ck2/b@x.fr, ck9 alone: a third customer until link.csv)
  2025-03: web 1 (ck2), store 1 (a@x.fr), phone 1 (b@x.fr), email 1 (link.csv: ck9 + a@x.fr → merge)
Quarantine: web.csv has one unreadable date and one row without identifier.
Feedback: two hostile verbatims from b@x.fr. Cases: one complaint from b@x.fr.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import parcours

HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(2)>"

WEB = {"table": "events", "source": "web", "csv": {"delimiter": ";"},
       "columns": {"timestamp": "hit_time", "activity": "event"}, "constants": {"channel": "web"},
       "identifiers": {"cookie": "visitor", "email": "mail"}}
OTHER = {"table": "events", "source": "crm", "columns": {"timestamp": "t", "activity": "a", "channel": "c"},
         "identifiers": {"email": "e", "cookie": "ck"}}
FEEDBACK = {"table": "feedback", "columns": {"timestamp": "t", "kind": "k", "score": "s", "text": "x"},
            "identifiers": {"email": "e"}}
CASES = {"table": "cases", "columns": {"case_id": "id", "opened_at": "o", "kind": "k", "channel": "c",
                                       "status": "st"}, "identifiers": {"email": "e"}}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def build_tiny(root: Path) -> parcours.Workspace:
    """Ingest the tiny workspace described in this module's docstring into ``root / "ws"``."""
    ws = parcours.init(root / "ws")
    ws.ingest("events", _write(root / "web.csv", (
        "hit_time;visitor;mail;event\n"
        "2025-01-05T10:00:00Z;ck1;a@x.fr;page_view\n"
        "2025-01-20T10:00:00Z;ck1;;login\n"
        "2025-02-03T10:00:00Z;ck2;b@x.fr;page_view\n"
        "2025-02-10T10:00:00Z;ck9;;page_view\n"
        "2025-03-10T10:00:00Z;ck2;;page_view\n"
        "not a date;ck3;;page_view\n"
        "2025-03-11T10:00:00Z;;;page_view\n")), mapping=WEB)
    ws.ingest("events", _write(root / "store.csv", (
        "t,a,c,e,ck\n"
        "2025-01-25 12:00,store_visit,store,a@x.fr,\n"
        "2025-03-01 09:00,purchase,store,a@x.fr,\n"
        "2025-03-02 09:00,call_in,phone,b@x.fr,\n")), mapping=OTHER)
    ws.ingest("events", _write(root / "link.csv", (
        "t,a,c,e,ck\n"
        "2025-03-15 10:00,newsletter_click,email,a@x.fr,ck9\n")), mapping=OTHER)
    ws.ingest("feedback", _write(root / "fb.csv", (
        "t,k,s,x,e\n"
        f"2025-03-03 08:00,nps,9,{HOSTILE},b@x.fr\n"
        f"2025-03-04 08:00,review,2,{HOSTILE_IMG},b@x.fr\n")), mapping=FEEDBACK)
    ws.ingest("cases", _write(root / "cases.csv", (
        "id,o,k,c,st,e\n"
        "T1,2025-03-05 09:00,complaint,phone,open,b@x.fr\n")), mapping=CASES)
    return ws


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> parcours.Workspace:
    """The tiny workspace (shared by a module's tests; they only read it)."""
    ws = build_tiny(tmp_path_factory.mktemp("tiny"))
    yield ws
    ws.close()


@pytest.fixture
def empty(tmp_path: Path) -> parcours.Workspace:
    """A workspace with nothing ingested."""
    ws = parcours.init(tmp_path / "empty")
    yield ws
    ws.close()
