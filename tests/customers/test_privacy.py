"""`forget`: a customer erased from every table, only digests kept, and never brought back by a later file."""

from __future__ import annotations

import pytest

import parcours
from parcours.customers.privacy import FORGOTTEN, digest
from tests.conftest import CRM_MAPPING, WEB_MAPPING, write
from tests.test_cli import run

WEB = """hit_time;visitor;mail;event
2025-01-01 10:00;ck-ann;Ann@X.fr;page_view
2025-01-01 10:05;ck-ann;;add_to_cart
2025-01-01 11:00;ck-bob;bob@x.fr;page_view
2025-01-02 09:00;ck-ann;ann@x.fr;checkout
2025-01-02 09:30;ck-bob;;login
"""
CRM = "id;email;tel;segment\nK1;ann@x.fr;06 12 34 56 78;gold\nK2;bob@x.fr;;std\n"
FEEDBACK = "email,timestamp,kind,score,text\nann@x.fr,2025-01-03,nps,3,Livraison en retard\nbob@x.fr,2025-01-03,nps,9,Top\n"


@pytest.fixture
def shop(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "web.csv", WEB), mapping=WEB_MAPPING)  # checkout: quarantined
    ws.ingest("customers", write(tmp_path / "crm.csv", CRM), mapping=CRM_MAPPING)
    ws.ingest("feedback", write(tmp_path / "fb.csv", FEEDBACK))
    return ws


def _rows(ws) -> dict[str, int]:
    return {t: ws.table(t).count().execute() for t in ("events", "feedback", "identities", "customers", "quarantine")}


def test_forget_erases_everywhere_and_keeps_only_digests(shop):
    before = _rows(shop)
    assert before["quarantine"] == 1  # Ann's checkout (unknown activity), her cookie in the raw line
    ann = shop.customer("ann@x.fr").customer_id
    dry = shop.forget("ck-ann", dry_run=True)
    assert dry.customer_id == ann and dry.rows["events"] == 2 and dry.rows["feedback"] == 1
    assert _rows(shop) == before  # a dry run changes nothing
    done = shop.forget("ann@x.fr")
    after = _rows(shop)
    assert after["events"] == before["events"] - 2 and after["feedback"] == before["feedback"] - 1
    assert after["customers"] == before["customers"] - 1 and after["quarantine"] == 0
    assert done.identifiers == 4  # e-mail, cookie, CRM id, phone
    with pytest.raises(parcours.NotFoundError):
        shop.customer("ann@x.fr")
    assert shop.customer("bob@x.fr").timeline.shape[0] == 3  # the others are untouched (2 events, 1 feedback)
    tomb = shop.table(FORGOTTEN).to_pandas()
    assert set(tomb.identifier_sha256) == {digest(x) for x in ("ann@x.fr", "ck-ann", "K1", "+33612345678")}
    assert not any("ann" in str(v).lower() for v in tomb.to_numpy().ravel())
    # the journeys see it: the sequence index is rebuilt without her events
    assert shop.transitions().to_pandas()["count"].sum() == 1  # bob: page_view -> login


def test_a_later_file_does_not_bring_them_back(shop, tmp_path):
    shop.forget("ann@x.fr")
    n = _rows(shop)
    shop.ingest("events", write(tmp_path / "web.csv", WEB), mapping=WEB_MAPPING, force=True)
    # a new export where she appears with a new cookie next to a forgotten e-mail
    shop.ingest("events", write(tmp_path / "web2.csv", "hit_time;visitor;mail;event\n"
                                "2025-02-01 10:00;ck-new;ann@x.fr;page_view\n2025-02-01 10:00;ck-eve;;login\n"),
                mapping=WEB_MAPPING)
    after = _rows(shop)
    assert after["events"] == n["events"] + 1  # only Eve's login
    with pytest.raises(parcours.NotFoundError):
        shop.customer("ck-new")


def test_forget_from_the_command_line(shop):
    ws = str(shop.root)
    shop.close()
    out = run("forget", "bob@x.fr", "--workspace", ws, "--dry-run").stdout
    assert "Would erase customer" in out and "events" in out
    out = run("forget", "bob@x.fr", "--workspace", ws, "--yes").stdout
    assert "Erased customer" in out and "SHA-256" in out
    p = run("forget", "bob@x.fr", "--workspace", ws, "--yes", ok=False)
    assert p.returncode != 0 and "no customer" in p.stderr
