"""Workspace status and overview figures, computed in the engine (small results only come back)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis

from parcours.schema import TABLE_SCHEMAS

if TYPE_CHECKING:
    from parcours.workspace import Workspace


def status(ws: "Workspace") -> dict[str, Any]:
    """Row counts of every table, date range, events per channel, ingestions, quarantine by reason.

    >>> import parcours, tempfile
    >>> status(parcours.init(tempfile.mkdtemp()))["quarantine_by_reason"]
    {}
    """
    con = ws.con
    tables = {name: int(con.table(name).count().execute()) for name in TABLE_SCHEMAS if name != "meta"}
    ev = con.table("events")
    rng = ev.aggregate(first=ev.timestamp.min(), last=ev.timestamp.max()).to_pyarrow().to_pylist()[0]
    by_channel = (ev.group_by(channel=ev.channel.fill_null("(none)")).aggregate(events=ev.count())
                  .order_by(ibis.desc("events")).to_pyarrow().to_pylist())
    q = con.table("quarantine")
    reasons = (q.group_by("reason").aggregate(rows=q.count()).order_by(ibis.desc("rows"))
               .to_pyarrow().to_pylist())
    ing = con.table("ingestions").order_by("started_at").to_pyarrow().to_pylist()
    ids = con.table("identities")
    by_kind = ids.group_by("kind").aggregate(n=ids.count()).order_by("kind").to_pyarrow().to_pylist()
    return {
        "workspace": str(ws.root),
        "warehouse": ws.config.warehouse.url,
        "tables": tables,
        "first_event": rng["first"].isoformat() if rng["first"] else None,
        "last_event": rng["last"].isoformat() if rng["last"] else None,
        "events_by_channel": {r["channel"]: int(r["events"]) for r in by_channel},
        "identities_by_kind": {r["kind"]: int(r["n"]) for r in by_kind},
        "quarantine_by_reason": {r["reason"]: int(r["rows"]) for r in reasons},
        "ingestions": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in ing
        ],
    }
