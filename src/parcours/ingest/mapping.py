"""Map a staged source onto a canonical table and validate every row, in one DuckDB statement.

Each row gets its canonical columns (typed, timestamps converted to UTC), its normalised
identifiers (``id__<kind>``), its JSON ``properties`` (the unmapped source columns), its key
(``__key``: the given id, namespaced, or a hash of the mapped row so re-ingestion is idempotent),
and, when it fails a check, the first failure: ``__reason``, ``__column`` (source column),
``__value`` (offending text) and ``__detail``. Nothing here loops over rows in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from parcours.config import Mapping
from parcours.errors import IngestError
from parcours.ingest.sql import ident, lit
from parcours.schema import ALLOWED_VALUES, NUMERIC_COLUMNS, REQUIRED_COLUMNS, TABLE_SCHEMAS, TIMESTAMP_COLUMNS
from parcours.warehouse import temp_name

_NAMESPACED_KEYS = {"events": "event_id", "feedback": "feedback_id"}
_KEY_COLUMN = {"events": "event_id", "feedback": "feedback_id", "cases": "case_id"}
_TEXT_AS_GIVEN = {"text"}
_NUMERIC_TYPES = re.compile(r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$")


@dataclass
class Mapped:
    """The mapped scratch table and what the pipeline needs to know about it."""

    table: str
    kinds: list[str]
    columns: list[str]


def normalised_identifier(kind: str, expr: str, country_code: str) -> str:
    """SQL normalising one identifier: e-mails lower-cased, phones to +<country><number>."""
    v = f"nullif(trim(CAST({expr} AS VARCHAR)), '')"
    if kind == "email":
        return f"lower({v})"
    if kind == "phone":
        digits = f"regexp_replace(replace({v}, '(0)', ''), '[^0-9+]', '', 'g')"
        return (
            f"nullif(CASE WHEN {digits} LIKE '+%' THEN '+' || replace({digits}, '+', '') "
            f"WHEN {digits} LIKE '00%' THEN '+' || substr({digits}, 3) "
            f"WHEN regexp_full_match({digits}, '0[1-9][0-9]{{8}}') THEN {lit('+' + country_code)} || substr({digits}, 2) "
            f"ELSE {digits} END, '')"
        )
    return v


def _timestamp(expr: str, dtype: str, fmt: str | None, tz: str) -> str:
    """SQL turning a source value into a naive UTC timestamp (NULL when it cannot be parsed)."""
    if dtype.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"timezone('UTC', {expr})"
    if dtype.startswith("TIMESTAMP") or dtype == "DATE":
        return f"timezone('UTC', timezone({lit(tz)}, CAST({expr} AS TIMESTAMP)))"
    v = f"nullif(trim(CAST({expr} AS VARCHAR)), '')"
    if fmt == "epoch_ms" or fmt == "epoch_s" or (fmt is None and _NUMERIC_TYPES.match(dtype)):
        scale = 1000 if fmt == "epoch_ms" else 1_000_000
        return f"make_timestamp(try_cast(try_cast({v} AS DOUBLE) * {scale} AS BIGINT))"
    if fmt:
        parsed = f"try_strptime({v}, {lit(fmt)})"
        if "%z" in fmt or "%Z" in fmt:
            return f"timezone('UTC', {parsed})"
        return f"timezone('UTC', timezone({lit(tz)}, {parsed}))"
    # ISO 8601: an offset in the text wins; otherwise the session zone (set to the source's).
    return f"timezone('UTC', try_cast({v} AS TIMESTAMPTZ))"


def build_mapped(raw: duckdb.DuckDBPyConnection, staged_table: str, source_columns: dict[str, str],
                 mapping: Mapping, *, path: str, source: str, timezone: str, country_code: str) -> Mapped:
    """Create the mapped and validated scratch table for one staged file."""
    table = mapping.table
    missing = [c for c in [*mapping.columns.values(), *mapping.identifiers.values()] if c not in source_columns]
    if missing:
        raise IngestError(
            f"{path}: column(s) {', '.join(map(repr, dict.fromkeys(missing)))} named in the mapping are not "
            f"in the file; available: {', '.join(source_columns) or '(none)'}"
        )
    mapped_sources = set(mapping.columns.values()) | set(mapping.identifiers.values())
    if mapping.properties is not None:
        unknown = [c for c in mapping.properties if c not in source_columns]
        if unknown:
            raise IngestError(f"{path}: properties column(s) {unknown} are not in the file; "
                              f"available: {', '.join(source_columns)}")
        prop_cols = list(mapping.properties)
    else:
        prop_cols = [c for c in source_columns if c not in mapped_sources]

    schema = TABLE_SCHEMAS[table]
    canon = [c for c in schema.names if c in (set(mapping.columns) | set(mapping.constants))]
    inner: list[str] = ["__row"]
    checks: list[tuple[str, str | None, str, str, str]] = []  # condition, column, value, reason, detail

    kinds = list(mapping.identifiers)
    for kind, col in mapping.identifiers.items():
        inner.append(f"{normalised_identifier(kind, ident(col), country_code)} AS {ident('id__' + kind)}")
    if kinds:
        none = " AND ".join(f"{ident('id__' + k)} IS NULL" for k in kinds)
        cols = ", ".join(mapping.identifiers.values())
        checks.append((none, None, "NULL", "missing_identifier", lit(f"no customer identifier in {cols}")))

    for name in canon:
        if name in mapping.constants:
            value = mapping.constants[name]
            src, dtype, raw_expr = None, "VARCHAR", lit(str(value))
        else:
            src = mapping.columns[name]
            dtype, raw_expr = source_columns[src], ident(src)
        rawname = ident(f"raw__{name}")
        inner.append(f"CAST({raw_expr} AS VARCHAR) AS {rawname}")
        if name in TIMESTAMP_COLUMNS:
            expr = _timestamp(raw_expr, dtype, mapping.timestamp_format, timezone)
            what = f"timestamp {mapping.timestamp_format!r}" if mapping.timestamp_format else "an ISO 8601 timestamp"
            checks.append((f"nullif(trim({rawname}), '') IS NOT NULL AND {ident(name)} IS NULL", src, rawname,
                           "bad_timestamp", lit(f"{name}: not {what}")))
        elif name in NUMERIC_COLUMNS:
            expr = f"try_cast(nullif(trim(CAST({raw_expr} AS VARCHAR)), '') AS DOUBLE)"
            checks.append((f"nullif(trim({rawname}), '') IS NOT NULL AND {ident(name)} IS NULL", src, rawname,
                           "bad_type", lit(f"{name}: not a number")))
        elif name in _TEXT_AS_GIVEN:
            expr = f"nullif(CAST({raw_expr} AS VARCHAR), '')"
        else:
            expr = f"nullif(trim(CAST({raw_expr} AS VARCHAR)), '')"
            if (table, name) in ALLOWED_VALUES:
                expr = f"lower({expr})"
                allowed = ALLOWED_VALUES[(table, name)]
                checks.append((f"{ident(name)} IS NOT NULL AND {ident(name)} NOT IN ({', '.join(map(lit, allowed))})",
                               src, rawname, "bad_value", lit(f"{name}: allowed values are {', '.join(allowed)}")))
        inner.append(f"{expr} AS {ident(name)}")
        if name in REQUIRED_COLUMNS[table]:
            checks.insert(1 if kinds else 0, (f"nullif(trim({rawname}), '') IS NULL", src, rawname, "missing_value",
                                              lit(f"{name} is required")))
    if mapping.activities is not None and "activity" in canon:
        allowed = ", ".join(lit(a) for a in mapping.activities) or "NULL"
        checks.append((f"activity IS NOT NULL AND activity NOT IN ({allowed})", mapping.columns.get("activity"),
                       "raw__activity", "unknown_activity", lit("activity not in the mapping's 'activities' list")))

    if prop_cols:
        pairs = ", ".join(f"{lit(c)}, {ident(c)}" for c in prop_cols)
        inner.append(f"CAST(json_object({pairs}) AS VARCHAR) AS properties")
    else:
        inner.append("CAST(NULL AS VARCHAR) AS properties")

    # The key: given (namespaced for events and feedback), else a hash of the mapped content.
    hashed = [f"CAST({ident(n)} AS VARCHAR)" for n in canon] + [ident("id__" + k) for k in kinds] + ["properties"]
    content = " || chr(31) || ".join(f"coalesce({h}, chr(0))" for h in hashed)
    digest = f"substr(md5({lit(table)} || chr(31) || {content}), 1, 20)"
    key_col = _KEY_COLUMN.get(table)
    if key_col and key_col in canon:
        given = ident(key_col)
        if table in _NAMESPACED_KEYS:
            given = f"{lit(source + ':')} || {given}"
        key = f"coalesce({given}, {digest})"
    elif key_col:
        key = digest
    else:
        key = "CAST(NULL AS VARCHAR)"

    outer = [
        "*",
        f"{key} AS __key",
        f"{_case(checks, 3)} AS __reason",
        f"{_case(checks, 1)} AS __column",
        f"{_case(checks, 2)} AS __value",
        f"{_case(checks, 4)} AS __detail",
    ]
    name = temp_name("mapped")
    raw.execute(
        f"CREATE TEMP TABLE {ident(name)} AS SELECT {', '.join(outer)} FROM "
        f"(SELECT {', '.join(inner)} FROM {ident(staged_table)})"
    )
    return Mapped(name, kinds, canon)


def _case(checks: list[tuple[str, str | None, str, str, str]], i: int) -> str:
    if not checks:
        return "CAST(NULL AS VARCHAR)"
    def value(c: tuple) -> str:
        if i == 1:
            return lit(c[1])
        if i == 3:
            return lit(c[3])
        return c[i]
    whens = " ".join(f"WHEN {c[0]} THEN {value(c)}" for c in checks)
    return f"CAST(CASE {whens} END AS VARCHAR)"
