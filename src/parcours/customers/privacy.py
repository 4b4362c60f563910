"""The right to be forgotten: erase a customer everywhere, and keep them erased.

``forget`` resolves a customer (by id or any identifier), then, in one transaction on DuckDB,
deletes their rows from every table that holds a ``customer_id`` (events, feedback, cases,
identities, customers, and any derived table such as features or caches), their identity merges,
and the quarantined rows whose raw text or value contains one of their identifiers. What is kept is
a tombstone per identifier in ``forgotten``: the SHA-256 of the normalised identifier, its kind
and the date, no personal data. After every ingestion, :func:`enforce_forgotten` erases again any
customer who carries a forgotten identifier, so a later export cannot bring them back.
Derived analyses (the sequence index) rebuild themselves, as the events changed.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "ev.csv").write_text("email,timestamp,activity\\nann@x.fr,2024-01-01,visit\\nbob@x.fr,2024-01-02,visit\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "ev.csv")
>>> forget(ws, "ann@x.fr").rows["events"]
1
>>> ws.events.count().execute()
1
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import ibis
import pyarrow as pa

from parcours.warehouse import is_duckdb, transaction

if TYPE_CHECKING:
    from parcours.workspace import Workspace

FORGOTTEN = "forgotten"
FORGOTTEN_SCHEMA = pa.schema([("identifier_sha256", pa.string()), ("kind", pa.string()),
                              ("forgotten_at", pa.timestamp("us"))])
#: Canonical tables erased first (then any other table with a customer_id column).
_TABLES = ("events", "feedback", "cases", "identities", "customers")
#: Tables that are bookkeeping, not customer data: never scanned for a customer_id column.
_SKIP = {FORGOTTEN, "meta", "ingestions", "identity_merges", "quarantine"}


@dataclass
class ForgetResult:
    """What ``forget`` erased: the customer id, rows removed per table, identifiers tombstoned."""

    customer_id: str
    rows: dict[str, int] = field(default_factory=dict)
    identifiers: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def digest(identifier: str) -> str:
    """The tombstone of a normalised identifier: its SHA-256, hex."""
    return hashlib.sha256(identifier.encode("utf-8")).hexdigest()


def forget(ws: Workspace, key: str, *, dry_run: bool = False) -> ForgetResult:
    """Erase the customer behind ``key`` (customer id or identifier) from every table; see the module doc.

    ``dry_run``: count what would be erased, change nothing.
    """
    from parcours.customers.profile import resolve_customer

    cid = resolve_customer(ws, key)
    return _erase(ws.con, [cid], dry_run=dry_run)[0]


def enforce_forgotten(con) -> list[ForgetResult]:
    """Erase again every customer who carries a forgotten identifier (run after each ingestion)."""
    if FORGOTTEN not in con.list_tables():
        return []
    tomb = con.table(FORGOTTEN)
    if tomb.count().execute() == 0:
        return []
    ids = con.table("identities")
    hashed = ids.mutate(h=_sha256(con, ids.identifier))
    back = hashed.semi_join(tomb, hashed.h == tomb.identifier_sha256).select("customer_id").distinct()
    back = sorted(back.customer_id.to_pyarrow().to_pylist())
    return _erase(con, back) if back else []


@ibis.udf.scalar.builtin(name="sha256")
def _sha256_duckdb(x: str) -> str:  # type: ignore[empty-body]
    """DuckDB's SHA-256, hex."""


@ibis.udf.scalar.builtin(name="sha2")
def _sha2_spark(x: str, bits: int) -> str:  # type: ignore[empty-body]
    """Spark's SHA-2 family, hex."""


def _sha256(con, col: ibis.Value) -> ibis.Value:
    """SHA-256 hex of a string column in the engine (the same digests as :func:`digest`)."""
    if con.name == "pyspark":
        return _sha2_spark(col, 256)
    return _sha256_duckdb(col)


def _erase(con, customer_ids: list[str], *, dry_run: bool = False) -> list[ForgetResult]:
    if not customer_ids:
        return []
    who = pa.table({"customer_id": pa.array(customer_ids, pa.string())})
    idents = con.table("identities")
    found = idents.filter(idents.customer_id.isin(customer_ids)).select("identifier", "kind").to_pyarrow()
    tables = [t for t in _TABLES if t in con.list_tables()]
    tables += sorted(t for t in _base_tables(con) if t not in _SKIP and t not in tables and not t.startswith("_")
                     and "customer_id" in con.table(t).columns)
    out = {c: ForgetResult(c, dry_run=dry_run) for c in customer_ids}
    counts: dict[str, int] = {}
    for t in tables:
        tab = con.table(t)
        counts[t] = int(tab.filter(tab.customer_id.isin(customer_ids)).count().execute())
    values = [v for v in found.column("identifier").to_pylist() if v]
    q = con.table("quarantine")
    if values:
        hit = _mentions(q, values)
        counts["quarantine"] = int(q.filter(hit).count().execute())
    merges = con.table("identity_merges")
    counts["identity_merges"] = int(merges.filter(merges.merged_id.isin(customer_ids)
                                                  | merges.into_id.isin(customer_ids)).count().execute())
    # one customer (forget) or several at once (enforcement): the totals are reported on the first
    out[customer_ids[0]].rows = counts
    out[customer_ids[0]].identifiers = len(values)
    if dry_run:
        return list(out.values())
    now = datetime.now(UTC).replace(tzinfo=None)
    tomb = pa.table({"identifier_sha256": pa.array([digest(v) for v in values], pa.string()),
                     "kind": found.column("kind"), "forgotten_at": pa.array([now] * len(values), pa.timestamp("us"))},
                    schema=FORGOTTEN_SCHEMA)
    with transaction(con):
        if FORGOTTEN not in con.list_tables():
            con.create_table(FORGOTTEN, schema=ibis.schema(FORGOTTEN_SCHEMA))
        known = set(con.table(FORGOTTEN).identifier_sha256.to_pyarrow().to_pylist())
        fresh = tomb.filter(pa.array([h not in known for h in tomb.column("identifier_sha256").to_pylist()]))
        if fresh.num_rows:
            con.insert(FORGOTTEN, fresh)
        for t in tables:
            if counts.get(t):
                _delete_where(con, t, who, "customer_id")
        if counts.get("identity_merges"):
            _delete_merges(con, customer_ids)
        if counts.get("quarantine"):
            _delete_quarantine(con, values)
    return list(out.values())


def _base_tables(con) -> list[str]:
    """Tables that hold rows (views over them need no erasing)."""
    if is_duckdb(con):
        rows = con.con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                               "AND table_schema = current_schema()").fetchall()
        return [r[0] for r in rows]
    return list(con.list_tables())


def _delete_where(con, table: str, who: pa.Table, column: str) -> None:
    if is_duckdb(con):
        name = "_forget_ids"
        con.con.register(name, who)
        try:
            con.con.execute(f'DELETE FROM "{table}" WHERE "{column}" IN (SELECT customer_id FROM {name})')
        finally:
            con.con.unregister(name)
        return
    t = con.table(table)
    w = ibis.memtable(who)
    keep = t.anti_join(w, t[column] == w.customer_id)
    con.create_table(table, keep.to_pyarrow(), overwrite=True)


def _delete_merges(con, ids: list[str]) -> None:
    t = con.table("identity_merges")
    keep = t.filter(~(t.merged_id.isin(ids) | t.into_id.isin(ids)))
    if is_duckdb(con):
        quoted = ", ".join("'" + i.replace("'", "''") + "'" for i in ids)
        con.con.execute(f"DELETE FROM identity_merges WHERE merged_id IN ({quoted}) OR into_id IN ({quoted})")
        return
    con.create_table("identity_merges", keep.to_pyarrow(), overwrite=True)


def _mentions(q: ibis.Table, values: list[str]) -> ibis.BooleanValue:
    """Quarantined rows whose raw text or value contains one of ``values`` (case-insensitive)."""
    raw, val = q.raw.lower().fill_null(""), q.value.lower().fill_null("")
    return ibis.or_(*[raw.contains(v.lower()) | val.contains(v.lower()) for v in values])


def _delete_quarantine(con, values: list[str]) -> None:
    q = con.table("quarantine")
    keep = q.filter(~_mentions(q, values))
    if is_duckdb(con):
        cond = " OR ".join("(contains(lower(coalesce(raw, '')), ?) OR contains(lower(coalesce(value, '')), ?))"
                           for _ in values)
        con.con.execute(f"DELETE FROM quarantine WHERE {cond}", [x for v in values for x in (v.lower(), v.lower())])
        return
    con.create_table("quarantine", keep.to_pyarrow(), overwrite=True)
