"""Map a staged source onto a canonical table and validate every row, in one DuckDB statement.

Each row gets its canonical columns (typed, timestamps converted to UTC), its normalised
identifiers (``id__<kind>``) and anchor (``__ak``/``__av``: the first identifier present, which
attaches the row to a customer), its JSON ``properties`` (the unmapped source columns), its key
(``__key``: the given id, namespaced, or a hash of the mapped row so re-ingestion is idempotent;
``__gk``: the same key for grouping copies, as a number when it is a hash),
and, when it fails a check, the first failure: ``__reason``, ``__column`` (source column),
``__value`` (offending text) and ``__detail``. Nothing here loops over rows in Python.

Local wall-clock times are converted to UTC through a small table of the zone's offset per hour
(computed once per file by DuckDB's ICU), joined on the hour: the same result as converting each
value, at the cost of a hash join instead of a time-zone computation per row.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from parcours.config import Mapping
from parcours.errors import ConfigError, IngestError
from parcours.ingest.sql import ident, lit
from parcours.schema import (
    ALLOWED_VALUES,
    NUMERIC_COLUMNS,
    REQUIRED_COLUMNS,
    TABLE_SCHEMAS,
    TIMESTAMP_COLUMNS,
)
from parcours.warehouse import temp_name

_NAMESPACED_KEYS = {"events": "event_id", "feedback": "feedback_id"}
_KEY_COLUMN = {"events": "event_id", "feedback": "feedback_id", "cases": "case_id"}
_TEXT_AS_GIVEN = {"text"}
_NUMERIC_TYPES = re.compile(r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$")
#: Hours covered by the offset table; values outside fall back to a per-row conversion.
_TZ_RANGE = ("1990-01-01", "2060-01-01")


@dataclass
class Mapped:
    """The mapped scratch table and what the pipeline needs to know about it."""

    table: str
    kinds: list[str]
    columns: list[str]
    constants: dict[str, str]  # text constants, applied when the rows are written
    is_view: bool = False
    text_keys: bool = False  # __gk is the text key itself (given ids), not a hash number
    given_key: str | None = None  # the column of given ids the text keys come from (else hashes)
    key_prefix: str = ""  # put before each given id to make its key (the source's namespace)
    registered: list[str] = field(default_factory=list)  # Arrow tables the view reads (unregister after)

    def drop(self, raw: duckdb.DuckDBPyConnection) -> None:
        """Remove the scratch view (or table) and what it reads."""
        raw.execute(f"DROP {'VIEW' if self.is_view else 'TABLE'} IF EXISTS {ident(self.table)}")
        for name in self.registered:
            raw.unregister(name)


def trimmed_text(expr: str) -> str:
    """SQL for a text without its surrounding spaces, '' as NULL: ``nullif(trim(x), '')``, cheaper.

    DuckDB's ``trim`` copies every value (0.6 s per column of 9 million rows here), though
    exported values rarely have anything to trim. It is called only where the text starts or
    ends with a space or is not plain ASCII (``trim`` also strips Unicode spaces); other values
    are kept as they are, for the same result.
    """
    return (f"nullif(CASE WHEN {expr} LIKE ' %' OR {expr} LIKE '% ' OR strlen({expr}) <> length({expr}) "
            f"THEN trim({expr}) ELSE {expr} END, '')")


def json_members(columns: list[str], table: str = "s") -> str:
    """SQL for a JSON object of the columns' values, the NULL ones left out.

    ``{"page_url":"/ski","search_term":null}`` says no more than ``{"page_url":"/ski"}``; leaving the
    empty members out makes the text a fifth shorter to compute and to store. Up to
    ``_PATTERN_MEMBERS`` columns, one ``to_json(struct_pack(…))`` per pattern of NULLs (DuckDB
    evaluates only the matching branch, a third cheaper than joining the members one by one);
    beyond that, or with names DuckDB's structs would confuse, member by member. Same text.
    """
    folded = [c.lower() for c in columns]
    if 0 < len(columns) <= _PATTERN_MEMBERS and len(set(folded)) == len(folded):
        whens = []
        for present in itertools.product((True, False), repeat=len(columns)):
            cond = " AND ".join(f"{table}.{ident(c)} IS {'NOT ' if p else ''}NULL" for c, p in zip(columns, present))
            kept = [c for c, p in zip(columns, present) if p]
            obj = (f"CAST(to_json(struct_pack({', '.join(f'{ident(c)} := {table}.{ident(c)}' for c in kept)})) "
                   f"AS VARCHAR)" if kept else "'{}'")
            whens.append(f"WHEN {cond} THEN {obj}")
        return f"CASE {' '.join(whens)} END"
    members = ", ".join(
        f"CASE WHEN {table}.{ident(c)} IS NOT NULL THEN {lit(json.dumps(c, ensure_ascii=False) + ':')} "
        f"|| CAST(to_json({table}.{ident(c)}) AS VARCHAR) END" for c in columns)
    return f"'{{' || concat_ws(',', {members}) || '}}'"


#: Up to this many properties columns, JSON objects are built per pattern of NULLs (2**n branches).
_PATTERN_MEMBERS = 6


def normalised_identifier(kind: str, expr: str, country_code: str, trimmed: bool = False) -> str:
    """SQL normalising one identifier: e-mails lower-cased, phones to +<country><number>.

    ``trimmed``: ``expr`` is already text with surrounding spaces removed and '' as NULL.
    """
    v = expr if trimmed else trimmed_text(f"CAST({expr} AS VARCHAR)")
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


def anchor(kinds: list[str]) -> tuple[str, str]:
    """SQL for a row's anchor, the identifier that attaches it to a customer: (kind, value) of the
    first identifier present, in the mapping's order, from the normalised ``id__<kind>`` columns."""
    ak = "CASE " + " ".join(f"WHEN {ident('id__' + k)} IS NOT NULL THEN {lit(k)}" for k in kinds) + " END"
    av = "coalesce(" + ", ".join(ident("id__" + k) for k in kinds) + ")"
    return ak, av


def _timestamp(t: str, typed: str | None, dtype: str, fmt: str | None) -> tuple[str, str | None]:
    """SQL for a source value as (timestamp, is-local condition).

    ``t`` is the trimmed text of the value, ``typed`` the value itself when the source column is
    not text. The timestamp is UTC where the condition is false (or None), and wall-clock time in
    the source's zone where it is true (the caller converts it).
    """
    if dtype.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"make_timestamp(epoch_us({typed}))", None  # the instant in UTC, without ICU per row
    if dtype.startswith("TIMESTAMP") or dtype == "DATE":
        return f"CAST({typed} AS TIMESTAMP)", "TRUE"
    if fmt in ("epoch_ms", "epoch_s") or (fmt is None and _NUMERIC_TYPES.match(dtype)):
        scale = 1000 if fmt == "epoch_ms" else 1_000_000
        return f"make_timestamp(try_cast(try_cast({t} AS DOUBLE) * {scale} AS BIGINT))", None
    if fmt:
        parsed = f"try_strptime({t}, {lit(fmt)})"
        if "%z" in fmt or "%Z" in fmt:
            return f"make_timestamp(epoch_us({parsed}))", None
        return parsed, "TRUE"
    # ISO 8601: 'Z' is UTC; another offset in the text wins (parsed as TIMESTAMPTZ, the slow path,
    # only for those rows); no offset: wall-clock time in the source's zone.
    # An offset is a sign 2, 4 or 5 characters from the end (+01, +0100, +01:00), looked for with
    # ends_with and LIKE, which do not copy the text as right and substr do.
    zulu = f"(ends_with({t}, 'Z') OR ends_with({t}, 'z'))"
    signs = " OR ".join(f"{t} LIKE '%{sign}{'_' * k}'" for k in (5, 4, 2) for sign in "+-")
    offset = f"(length({t}) > 10 AND NOT {zulu} AND ({signs}))"
    return (f"CASE WHEN {offset} THEN make_timestamp(epoch_us(try_cast({t} AS TIMESTAMPTZ))) "
            f"ELSE try_cast({t} AS TIMESTAMP) END"), f"NOT ({zulu} OR {offset})"


_OFFSETS: dict[str, pa.Table] = {}


def _zone_offsets(raw: duckdb.DuckDBPyConnection, tz: str) -> str:
    """A scratch view (h, off_us): the zone's UTC offset for each local hour in _TZ_RANGE.

    Computed once per zone and process (about 0.4 s: 600k hours through ICU), then reused.
    """
    if tz not in _OFFSETS:
        _OFFSETS[tz] = raw.execute(
            f"SELECT h, epoch_us(h) - epoch_us(timezone('UTC', timezone({lit(tz)}, h))) AS off_us "
            f"FROM generate_series(TIMESTAMP {lit(_TZ_RANGE[0])}, TIMESTAMP {lit(_TZ_RANGE[1])}, "
            f"INTERVAL 1 HOUR) t(h)"
        ).to_arrow_table()
    name = temp_name("tz")
    raw.register(name, _OFFSETS[tz])
    return name


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
    # Layers: l0 trims the source text once, l1 parses, l2 converts local times and picks the
    # anchor identifier, the outer one checks and keys. DuckDB pipelines them in one pass.
    used = list(dict.fromkeys([*mapping.identifiers.values(), *(mapping.columns[c] for c in canon
                                                               if c in mapping.columns)]))
    alias = {c: f"c{i}" for i, c in enumerate(used)}
    l0 = ["s.__row"]
    text_of: dict[str, str] = {}  # SQL giving each used column's trimmed text ('' as NULL)
    for c in used:
        if source_columns[c] == "VARCHAR":
            l0.append(f"{trimmed_text(f's.{ident(c)}')} AS {alias[c]}")
            text_of[c] = alias[c]
        else:  # typed (Parquet, SQL): kept as is; its text is made only where needed
            l0.append(f"s.{ident(c)} AS {alias[c]}_typed")
            text_of[c] = trimmed_text(f"CAST({alias[c]}_typed AS VARCHAR)")
        if c == mapping.columns.get("text"):
            l0.append(f"nullif(CAST(s.{ident(c)} AS VARCHAR), '') AS {alias[c]}_text")
    if prop_cols:
        l0.append(f"{json_members(prop_cols)} AS properties")
    else:
        l0.append("CAST(NULL AS VARCHAR) AS properties")
    # The unmapped columns as read, for the row key (hashing them is cheaper than hashing JSON).
    props_hashed = sorted(prop_cols)
    l0 += [f"s.{ident(c)} AS {ident(f'p__{i}')}" for i, c in enumerate(props_hashed)]

    l1 = ["__row", "properties", *(ident(f"p__{i}") for i in range(len(props_hashed)))]
    l2 = ["l1.* EXCLUDE ({drop})"]
    drop: list[str] = []
    joins: list[str] = []
    checks: list[tuple[str, str | None, str, str, str]] = []  # condition, column, value, reason, detail
    kinds = list(mapping.identifiers)
    for kind, col in mapping.identifiers.items():
        l1.append(f"{normalised_identifier(kind, text_of[col], country_code, trimmed=True)} AS {ident('id__' + kind)}")
    if kinds:
        none = " AND ".join(f"{ident('id__' + k)} IS NULL" for k in kinds)
        cols = ", ".join(mapping.identifiers.values())
        checks.append((none, None, "NULL", "missing_identifier", lit(f"no customer identifier in {cols}")))
        ak, av = anchor(kinds)
        l2 += [f"{ak} AS __ak", f"{av} AS __av"]

    tz_table: str | None = None
    required: list[tuple] = []
    constants: dict[str, str] = {}
    for name in canon:
        if name in mapping.constants and name not in TIMESTAMP_COLUMNS | NUMERIC_COLUMNS:
            # A text constant is the same on every row: checked once here, applied when writing.
            value = str(mapping.constants[name])
            if (table, name) in ALLOWED_VALUES:
                value = value.strip().lower()
                if value not in ALLOWED_VALUES[(table, name)]:
                    raise ConfigError(f"{path}: constants.{name}: {value!r} is not one of "
                                      f"{', '.join(ALLOWED_VALUES[(table, name)])}")
            constants[name] = value
            continue
        if name in mapping.constants:
            src, text, dtype = None, lit(str(mapping.constants[name])), "VARCHAR"
        else:
            src = mapping.columns[name]
            text, dtype = text_of[src], source_columns[src]
            typed_ts = name in TIMESTAMP_COLUMNS and dtype != "VARCHAR"
            # The raw value, for checks and quarantine: a typed timestamp stays typed (no text per row).
            l1.append(f"{alias[src] + '_typed' if typed_ts else text} AS {ident('raw__' + name)}")
            drop.append(f"raw__{name}")
        rawname = ident(f"raw__{name}")
        if name in TIMESTAMP_COLUMNS:
            expr, local = _timestamp(text, f"{alias[src]}_typed" if src and dtype != "VARCHAR" else text, dtype,
                                     mapping.timestamp_format)
            if local is None or timezone == "UTC":
                l1.append(f"{expr} AS {ident(name)}")
            else:
                ts, is_local = ident(f"{name}__ts"), ident(f"{name}__local")
                l1 += [f"{expr} AS {ts}", f"{local} AS {is_local}"]
                drop += [f"{name}__ts", f"{name}__local"]
                tz_table = tz_table or _zone_offsets(raw, timezone)
                tz = ident(f"tz_{name}")
                joins.append(f"LEFT JOIN {ident(tz_table)} {tz} ON {tz}.h = date_trunc('hour', l1.{ts})")  # equi-join only: a hash join
                l2.append(f"CASE WHEN NOT l1.{is_local} THEN l1.{ts} ELSE coalesce(l1.{ts} - to_microseconds({tz}.off_us), "
                          f"timezone('UTC', timezone({lit(timezone)}, l1.{ts}))) END AS {ident(name)}")
            if src:
                what = f"timestamp {mapping.timestamp_format!r}" if mapping.timestamp_format else "an ISO 8601 timestamp"
                checks.append((f"{rawname} IS NOT NULL AND {ident(name)} IS NULL", src, rawname,
                               "bad_timestamp", lit(f"{name}: not {what}")))
        elif name in NUMERIC_COLUMNS:
            l1.append(f"try_cast({text} AS DOUBLE) AS {ident(name)}")
            if src:
                checks.append((f"{rawname} IS NOT NULL AND {ident(name)} IS NULL", src, rawname,
                               "bad_type", lit(f"{name}: not a number")))
        elif name in _TEXT_AS_GIVEN:
            l1.append(f"{alias[src] + '_text' if src else text} AS {ident(name)}")
        else:
            expr = text
            if (table, name) in ALLOWED_VALUES:
                expr = f"lower({expr})"
                allowed = ALLOWED_VALUES[(table, name)]
                checks.append((f"{ident(name)} IS NOT NULL AND NOT {_one_of(ident(name), allowed)}",
                               src, rawname if src else "NULL", "bad_value",
                               lit(f"{name}: allowed values are {', '.join(allowed)}")))
            l1.append(f"{expr} AS {ident(name)}")
        if name in REQUIRED_COLUMNS[table] and src:
            required.append((f"{rawname} IS NULL", src, "NULL", "missing_value", lit(f"{name} is required")))
    checks[1 if kinds else 0:1 if kinds else 0] = required
    if mapping.activities is not None and "activity" in canon:
        checks.append((f"activity IS NOT NULL AND NOT {_one_of('activity', mapping.activities)}",
                       mapping.columns.get("activity"),
                       "activity", "unknown_activity", lit("activity not in the mapping's 'activities' list")))

    # The key: given (namespaced for events and feedback), else a hash of the mapped content
    # (canonical values typed, normalised identifiers, unmapped columns as read; see row_hash), so an
    # overlapping export adds only what is new, whatever it is named. __gk groups the copies: the
    # number itself when the key is a hash (cheaper to group).
    hashed = [lit(table)] + [lit(constants[n]) if n in constants else ident(n) for n in canon]
    hashed += [ident("id__" + k) for k in kinds] + [ident(f"p__{i}") for i in range(len(props_hashed))]
    digest = row_hash(["__h"])
    key_col = _KEY_COLUMN.get(table)
    prefix = source + ":" if table in _NAMESPACED_KEYS else ""
    if key_col and key_col in canon:
        given = ident(key_col)
        if prefix:
            given = f"{lit(prefix)} || {given}"
        key = f"coalesce({given}, {digest})"
    elif key_col:
        key = digest
    else:
        key = "CAST(NULL AS VARCHAR)"
    numeric = key == digest and not mapping.keep_identical_rows

    # l3 finds each row's first failing check (its number) and its hash, once per row; the outer
    # layer turns them into the reason, column, value and detail, and the key.
    hidden = [d for d in drop if d.startswith("raw__")] + [f"p__{i}" for i in range(len(props_hashed))]
    l3 = ["*", f"hash({', '.join(hashed)}) AS __h"]
    l3.append(f"CASE {' '.join(f'WHEN {c[0]} THEN {i}' for i, c in enumerate(checks))} END AS __check"
              if checks else "CAST(NULL AS INTEGER) AS __check")
    outer = [
        f"* EXCLUDE ({', '.join(ident(d) for d in [*hidden, '__h', '__check'])})",
        f"{key} AS __key",
        f"{_case(checks, 3)} AS __reason",
        f"{_case(checks, 1)} AS __column",
        f"{_case(checks, 2)} AS __value",
        f"{_case(checks, 4)} AS __detail",
    ]
    l2_drop = [d for d in drop if not d.startswith("raw__")]
    l2[0] = l2[0].format(drop=", ".join(ident(d) for d in l2_drop)) if l2_drop else "l1.*"
    if numeric:
        outer.append("__h AS __gk")
    query = (f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(l3)} FROM (SELECT {', '.join(l2)} FROM "
             f"(SELECT {', '.join(l1)} FROM (SELECT {', '.join(l0)} FROM {ident(staged_table)} s)) l1 "
             f"{' '.join(joins)}))")
    if mapping.keep_identical_rows and key_col and key_col not in canon:
        # Identical rows are distinct events: the n-th copy gets the key '<hash>#n', so the same
        # file ingested twice still adds nothing, and an overlapping export adds only what is new.
        query = (f"SELECT * REPLACE (__key || '#' || row_number() OVER (PARTITION BY __key ORDER BY __row) "
                 f"AS __key) FROM ({query})")
    if not numeric:
        query = f"SELECT *, __key AS __gk FROM ({query})"
    # A view (each pass over it streams from the staged source, nothing is copied), except where
    # the identical-row numbering needs a window over the whole file: then it is computed once.
    name = temp_name("mapped")
    materialize = bool(mapping.keep_identical_rows)
    try:
        raw.execute(f"CREATE TEMP {'TABLE' if materialize else 'VIEW'} {ident(name)} AS {query}")
    except BaseException:
        if tz_table:
            raw.unregister(tz_table)
        raise
    if materialize and tz_table:
        raw.unregister(tz_table)
        tz_table = None
    given_key = key_col if key_col and key_col in canon and key_col not in constants else None
    return Mapped(name, kinds, canon, constants, is_view=not materialize, text_keys=bool(key_col) and not numeric,
                  given_key=given_key, key_prefix=prefix if given_key else "",
                  registered=[tz_table] if tz_table else [])


def row_hash(values: list[str]) -> str:
    """SQL for a row's content key: DuckDB's 64-bit ``hash`` of the values, as hex text.

    About ten times cheaper than md5 over the concatenated text (which cost a third of the
    mapping time). Its stability across DuckDB versions is checked by ``hash_fingerprint``,
    recorded in the warehouse. Two different rows share a key with probability about
    n² / 2^65 for n stored rows (3 in a million at 10 million rows).
    """
    return f"lower(hex(hash({', '.join(values)})))"


#: Values whose hash identifies the row-key function (compared with the warehouse's record).
HASH_PROBE = ("SELECT lower(hex(hash('events', TIMESTAMP '2024-02-29 12:34:56.789', 'page_view', "
              "CAST(NULL AS VARCHAR), 2.5::DOUBLE, 42::BIGINT, 'é ü 😀')))")


def hash_fingerprint(raw: duckdb.DuckDBPyConnection) -> str:
    """The row-key function's answer on fixed values: changes if DuckDB's ``hash`` changes."""
    return raw.execute(HASH_PROBE).fetchone()[0]


def _one_of(expr: str, values) -> str:
    """SQL: whether ``expr`` (not NULL) is one of ``values``.

    A function call: DuckDB turns ``IN (…)`` with many values into a join, made again wherever
    the check is used (six joins per row when the rows are written).
    """
    return f"list_contains([{', '.join(lit(v) for v in values)}]::VARCHAR[], {expr})"


def _case(checks: list[tuple[str, str | None, str, str, str]], i: int) -> str:
    """Field ``i`` of the row's first failing check (numbered in ``__check``), NULL if none fails."""
    if not checks:
        return "CAST(NULL AS VARCHAR)"

    def value(c: tuple) -> str:
        if i == 1:
            return lit(c[1])
        if i == 3:
            return lit(c[3])
        return f"CAST({c[i]} AS VARCHAR)"  # evaluated for failing rows only

    whens = " ".join(f"WHEN {n} THEN {value(c)}" for n, c in enumerate(checks))
    return f"CAST(CASE __check {whens} END AS VARCHAR)"
