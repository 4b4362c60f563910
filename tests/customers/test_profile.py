"""Customer 360: resolution by any identifier, profile, identities, cross-channel timeline order."""

from __future__ import annotations

import pytest

from parcours.errors import NotFoundError
from tests.conftest import CRM_MAPPING, write


@pytest.fixture
def filled(ws, tmp_path):
    ws.ingest("customers", write(tmp_path / "crm.csv", "id;email;tel;segment\nK1;alice@x.fr;06 12 34 56 78;gold\n"
                                                       "K2;bob@x.fr;;\n"), mapping=CRM_MAPPING)
    ev = {"table": "events", "columns": {"timestamp": "t", "activity": "a", "channel": "c", "value": "v"},
          "identifiers": {"email": "e", "cookie": "ck"}}
    ws.ingest("events", write(tmp_path / "ev.csv", "t,a,c,v,e,ck\n2025-01-02 10:00,order,web,120,alice@x.fr,\n"
                                                   "2025-01-01 09:00,visit,web,,,ck1\n"
                                                   "2025-01-01 09:05,login,web,,alice@x.fr,ck1\n"
                                                   "2025-01-01 09:05,cart,web,,alice@x.fr,ck1\n"
                                                   "2025-01-03 10:00,store_visit,store,,bob@x.fr,\n"),
              mapping=ev)
    fb = {"table": "feedback", "columns": {"timestamp": "t", "kind": "k", "score": "s", "text": "x"},
          "identifiers": {"phone": "p"}}
    ws.ingest("feedback", write(tmp_path / "fb.csv", "t,k,s,x,p\n2025-01-04 08:00,nps,9,Top,+33612345678\n"), mapping=fb)
    return ws


def test_resolve_by_any_identifier(filled):
    ids = {filled.customer(k).customer_id for k in ("alice@x.fr", " ALICE@x.fr", "K1", "06.12.34.56.78", "ck1")}
    assert len(ids) == 1
    assert filled.customer(ids.pop()).profile["segment"] == "gold"
    with pytest.raises(NotFoundError, match="nobody"):
        filled.customer("nobody")


def test_timeline_is_cross_channel_and_time_ordered_with_seq_tiebreak(filled):
    c = filled.customer("alice@x.fr")
    assert c.timeline.what.tolist() == ["visit", "login", "cart", "order", "nps"]
    assert c.timeline.kind.tolist() == ["event"] * 4 + ["feedback"]
    assert sorted(c.identities.kind) == ["cookie", "crm_id", "email", "phone"]
    assert c.timeline.value.tolist()[3] == 120.0
