"""The canonical tables (DESIGN.md section 2), their types, and their creation in a warehouse.

Every source is mapped onto these tables at ingestion, so analyses never need to know how a
source named its columns. The schema version is recorded in the ``meta`` table so that later
releases can migrate an existing warehouse.

>>> TABLE_SCHEMAS["events"]["timestamp"]
Timestamp(timezone=None, scale=None, nullable=True)
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.schema as sch

from parcours.warehouse import create_table

SCHEMA_VERSION = 1

S, F, I, T = dt.string, dt.float64, dt.int64, dt.timestamp

#: Canonical tables filled by ingestion, in the order users think of them.
TABLES = ("events", "customers", "feedback", "cases")

#: Columns a mapping may fill (from a source column or a constant), per canonical table.
CANONICAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("event_id", "timestamp", "activity", "channel", "stage", "case_id", "outcome",
               "value", "agent", "team", "location"),
    "customers": ("created_at", "segment", "region"),
    "feedback": ("feedback_id", "timestamp", "kind", "score", "text", "language", "channel",
                 "touchpoint", "case_id"),
    "cases": ("case_id", "opened_at", "closed_at", "kind", "channel", "category", "status",
              "priority", "owner", "team"),
}

#: Columns a row cannot go without: a missing value sends the row to quarantine.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("timestamp", "activity"),
    "customers": (),
    "feedback": ("timestamp", "kind"),
    "cases": ("case_id", "opened_at"),
}

#: Columns whose value must be one of a closed list.
ALLOWED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("feedback", "kind"): ("nps", "csat", "ces", "review", "social", "free_text"),
    ("cases", "kind"): ("complaint", "request", "incident"),
}

#: The key of each canonical table: a row whose key is already stored is a duplicate.
KEYS = {"events": "event_id", "feedback": "feedback_id", "cases": "case_id", "customers": "customer_id"}

#: The main timestamp of each table (ordering, date ranges, first-seen dates).
TIME_COLUMNS = {"events": "timestamp", "feedback": "timestamp", "cases": "opened_at", "customers": "created_at"}

_PROVENANCE = {"source": S, "ingestion_id": S}

TABLE_SCHEMAS: dict[str, sch.Schema] = {
    "events": ibis.schema({
        "event_id": S, "customer_id": S, "timestamp": T, "seq": I, "activity": S, "channel": S,
        "stage": S, "case_id": S, "outcome": S, "value": F, "agent": S, "team": S, "location": S,
        "properties": S, **_PROVENANCE,
    }),
    "customers": ibis.schema({
        "customer_id": S, "created_at": T, "segment": S, "region": S, "attributes": S,
        "updated_at": T, **_PROVENANCE,
    }),
    "identities": ibis.schema({
        "identifier": S, "kind": S, "customer_id": S, "first_seen": T, **_PROVENANCE,
    }),
    "feedback": ibis.schema({
        "feedback_id": S, "customer_id": S, "timestamp": T, "seq": I, "kind": S, "score": F,
        "text": S, "language": S, "channel": S, "touchpoint": S, "case_id": S, "properties": S,
        **_PROVENANCE,
    }),
    "cases": ibis.schema({
        "case_id": S, "customer_id": S, "opened_at": T, "closed_at": T, "kind": S, "channel": S,
        "category": S, "status": S, "priority": S, "owner": S, "team": S, "properties": S,
        **_PROVENANCE,
    }),
    "quarantine": ibis.schema({
        "ingestion_id": S, "table_name": S, "source": S, "path": S, "content_hash": S, "row": I,
        "column": S, "value": S, "reason": S, "detail": S, "raw": S, "quarantined_at": T,
    }),
    "ingestions": ibis.schema({
        "ingestion_id": S, "table_name": S, "source": S, "path": S, "content_hash": S,
        "mapping_hash": S, "format": S, "rows_read": I, "added": I, "duplicates": I, "updated": I,
        "quarantined": I, "merges": I, "started_at": T, "seconds": F,
    }),
    "identity_merges": ibis.schema({
        "merged_id": S, "into_id": S, "ingestion_id": S, "merged_at": T,
    }),
    "meta": ibis.schema({"key": S, "value": S}),
}

#: Column types that need parsing and validation from text.
TIMESTAMP_COLUMNS = frozenset({"timestamp", "created_at", "opened_at", "closed_at"})
NUMERIC_COLUMNS = frozenset({"value", "score"})

#: Reasons a row goes to quarantine (stable codes; the detail column says more).
QUARANTINE_REASONS = {
    "malformed_row": "the row cannot be parsed (wrong number of fields, invalid JSON)",
    "missing_identifier": "no customer identifier in the row",
    "missing_value": "a required column is empty",
    "bad_timestamp": "a timestamp cannot be parsed with the declared format",
    "bad_type": "a value does not have the column's type (e.g. text in a number column)",
    "bad_value": "a value outside the column's allowed list",
    "unknown_activity": "an activity outside the mapping's declared list",
}


#: Columns of distinct long texts (row keys, JSON properties), whose storage method is chosen
#: rather than tried where the engine lets us (see ``warehouse.create_table``).
LONG_TEXTS = {name: [c for c in (KEYS[name], "properties") if c in TABLE_SCHEMAS[name].names]
              for name in ("events", "feedback", "cases")}


def ensure_schema(con) -> None:
    """Create every missing canonical table and record the schema version (idempotent)."""
    existing = set(con.list_tables())
    for name, schema in TABLE_SCHEMAS.items():
        if name not in existing:
            create_table(con, name, schema, LONG_TEXTS.get(name, ()))
    meta = con.table("meta")
    if meta.filter(meta.key == "schema_version").count().execute() == 0:
        con.insert("meta", ibis.memtable({"key": ["schema_version"], "value": [str(SCHEMA_VERSION)]},
                                         schema=TABLE_SCHEMAS["meta"]))


def schema_version(con) -> int | None:
    """The schema version recorded in a warehouse (None for an empty one)."""
    if "meta" not in con.list_tables():
        return None
    meta = con.table("meta")
    rows = meta.filter(meta.key == "schema_version").value.to_pyarrow().to_pylist()
    return int(rows[0]) if rows else None


__all__ = [
    "ALLOWED_VALUES",
    "CANONICAL_COLUMNS",
    "KEYS",
    "QUARANTINE_REASONS",
    "REQUIRED_COLUMNS",
    "SCHEMA_VERSION",
    "TABLES",
    "TABLE_SCHEMAS",
    "TIME_COLUMNS",
    "ensure_schema",
    "schema_version",
]
