"""The customer 360: profile, identities and the cross-channel timeline of one customer."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from parcours.errors import NotFoundError

if TYPE_CHECKING:
    from parcours.workspace import Customer360, Workspace


def resolve_customer(ws: "Workspace", key: str) -> str:
    """The customer id behind ``key``: a customer id, or any identifier (normalised as stored)."""
    con = ws.con
    cust = con.table("customers")
    if cust.filter(cust.customer_id == key).count().execute():
        return key
    ids = con.table("identities")
    k = key.strip()
    digits = "".join(ch for ch in k if ch.isdigit())
    cc = ws.config.identity.default_country_code
    candidates = {k, k.lower()}
    if digits:
        candidates |= {"+" + digits, "+" + digits.removeprefix("00")}
        if digits.startswith("0") and len(digits) == 10:
            candidates.add(f"+{cc}{digits[1:]}")
    hit = ids.filter(ids.identifier.isin(sorted(candidates))).customer_id.to_pyarrow().to_pylist()
    found = sorted(set(hit))
    if not found:
        raise NotFoundError(f"no customer with id or identifier {key!r}")
    if len(found) > 1:
        raise NotFoundError(f"{key!r} matches several customers ({', '.join(found)}); pass a customer id")
    return found[0]


def customer_360(ws: "Workspace", key: str) -> "Customer360":
    """Profile, identities and the time-ordered timeline of events, feedback and cases.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> try:
    ...     ws.customer("nobody@example.com")
    ... except parcours.NotFoundError as e:
    ...     print(e)
    no customer with id or identifier 'nobody@example.com'
    """
    from parcours.workspace import Customer360

    cid = resolve_customer(ws, key)
    con = ws.con
    cust = con.table("customers")
    rows = cust.filter(cust.customer_id == cid).to_pyarrow().to_pylist()
    profile = dict(rows[0]) if rows else {"customer_id": cid}
    if profile.get("attributes"):
        profile["attributes"] = json.loads(profile["attributes"])
    ids = con.table("identities")
    identities = ids.filter(ids.customer_id == cid).select("kind", "identifier", "first_seen", "source") \
        .order_by(["kind", "identifier"]).to_pandas()

    ev = con.table("events").filter(lambda t: t.customer_id == cid)
    fb = con.table("feedback").filter(lambda t: t.customer_id == cid)
    cs = con.table("cases").filter(lambda t: t.customer_id == cid)
    s = ibis.null("string")
    parts = [
        ev.select(timestamp=ev.timestamp, seq=ev.seq, kind=ibis.literal("event"), what=ev.activity,
                  channel=ev.channel, detail=ibis.coalesce(ev.outcome, ev.location, ev.agent),
                  value=ev.value, case_id=ev.case_id, source=ev.source),
        fb.select(timestamp=fb.timestamp, seq=fb.seq, kind=ibis.literal("feedback"), what=fb.kind,
                  channel=fb.channel, detail=fb.text, value=fb.score, case_id=fb.case_id, source=fb.source),
        cs.select(timestamp=cs.opened_at, seq=ibis.literal(0, "int64"), kind=ibis.literal("case opened"),
                  what=cs.kind, channel=cs.channel, detail=ibis.coalesce(cs.category, s),
                  value=ibis.null("float64"), case_id=cs.case_id, source=cs.source),
        cs.filter(cs.closed_at.notnull()).select(
            timestamp=cs.closed_at, seq=ibis.literal(0, "int64"), kind=ibis.literal("case closed"),
            what=cs.kind, channel=cs.channel, detail=cs.status, value=ibis.null("float64"),
            case_id=cs.case_id, source=cs.source),
    ]
    timeline = ibis.union(*parts).order_by(["timestamp", "seq"]).to_pandas()
    return Customer360(cid, profile, identities, timeline.reset_index(drop=True))
