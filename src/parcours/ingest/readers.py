"""Readers: bring one source file into a DuckDB scratch table, row numbers and rejects included.

Reading runs in DuckDB's own readers (parallel CSV and Parquet scans), never row by row in Python;
XES, the one XML format, is stream-parsed and handed over in Arrow batches. Each staged table has
``__row`` (the 1-based record number in the source, the base of ``seq``) and the source's columns;
CSV rows with the wrong number of fields and JSON lines that do not parse become *rejects* (row,
detail, raw text) that the pipeline sends to quarantine instead of failing the file.
"""

from __future__ import annotations

import bisect
import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from parcours.config import Mapping
from parcours.errors import UnreadableFileError
from parcours.ingest.sql import ident, lit
from parcours.warehouse import temp_name

_EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".xes": "xes",
}


def detect_format(path: str | Path, mapping: Mapping | None = None) -> str:
    """The format of a source: the mapping's if given, else from the extension (``.gz`` ignored)."""
    if mapping is not None and mapping.format:
        return mapping.format
    suffixes = [s.lower() for s in Path(path).suffixes if s.lower() not in (".gz", ".gzip", ".zst")]
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    raise UnreadableFileError(
        f"{path}: cannot tell the format from the extension; set 'format' in the mapping "
        f"(one of csv, parquet, jsonl, xes, sql)"
    )


#: Most records read one by one (by rowid) rather than by a join over the staged file.
_POINT_READS = 32


@dataclass
class Staged:
    """A source file staged in DuckDB: its table, source columns with their types, and rejects."""

    table: str
    columns: dict[str, str]
    rejects: pa.Table = field(default_factory=lambda: pa.table(
        {"row": pa.array([], pa.int64()), "detail": pa.array([], pa.string()),
         "raw": pa.array([], pa.string())}))
    rows_read: int = 0
    scratch: list[str] = field(default_factory=list)
    #: Where records can be read without scanning the whole file: (FROM clause, position column,
    #: offset, whether the column takes an IN list); record r is the row whose position is
    #: r - offset - (rejects before r). DuckDB answers an IN list on a stored column or on Parquet's
    #: row number, and an equality on a table's rowid, from the block ranges; a join on ``__row``
    #: reads every column of every row.
    locate: tuple[str, str, int, bool] | None = None

    def record_sql(self, rows: list[int], columns: str) -> str | None:
        """SQL reading the records numbered ``rows`` (as ``__row``, with ``columns``), or None.

        None when they are better read by a join: no cheap position, or too many rows to read
        one by one (each point costs about 4 ms; a join on 9M rows about 0.4 s).
        """
        if self.locate is None or not rows:
            return None
        source, column, offset, as_list = self.locate
        rejected = sorted(self.rejects.column("row").to_pylist())
        at = {int(r): int(r) - offset - bisect.bisect_left(rejected, r) for r in rows}
        if as_list and not rejected:
            return (f"SELECT s.{column} + {offset} AS __row, {columns} FROM {source} s "
                    f"WHERE s.{column} IN ({', '.join(str(v) for v in at.values())})")
        if len(at) > _POINT_READS:
            return None
        return " UNION ALL ".join(f"SELECT {r} AS __row, {columns} FROM {source} s WHERE s.{column} = {v}"
                                  for r, v in at.items())

    def drop(self, raw: duckdb.DuckDBPyConnection) -> None:
        """Remove the scratch tables and views (views first: they depend on the tables)."""
        names = [self.table, *self.scratch]
        existing = dict(raw.execute(
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = 'temp'"
        ).fetchall())
        for name in names:
            kind = existing.get(name)
            if kind == "VIEW":
                raw.execute(f"DROP VIEW IF EXISTS {ident(name)}")
        for name in names:
            if existing.get(name) and existing[name] != "VIEW":
                raw.execute(f"DROP TABLE IF EXISTS {ident(name)}")


def _describe(raw: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = raw.execute(f"DESCRIBE {ident(table)}").fetchall()
    return {r[0]: r[1] for r in rows if r[0] != "__row"}


def _fail(path: Path, what: str, exc: Exception) -> UnreadableFileError:
    msg = str(exc).strip().splitlines()
    text = " ".join(line.strip() for line in msg[:3] if line.strip())
    return UnreadableFileError(f"{path}: cannot be read as {what}: {text}")


def check_gzip(path: Path) -> None:
    """Fail on a truncated or corrupt gzip file (DuckDB would read it as shorter, silently)."""
    with path.open("rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return
        f.seek(0)
        d = zlib.decompressobj(wbits=31)
        try:
            for chunk in iter(lambda: f.read(1 << 22), b""):
                d.decompress(chunk, 0)
                while d.eof and d.unused_data:  # concatenated gzip members
                    rest = d.unused_data
                    d = zlib.decompressobj(wbits=31)
                    d.decompress(rest, 0)
        except zlib.error as exc:
            raise UnreadableFileError(f"{path}: corrupt gzip data ({exc})") from None
        if not d.eof:
            raise UnreadableFileError(f"{path}: truncated gzip file (ends before its end-of-stream marker)")


def stage(raw: duckdb.DuckDBPyConnection, path: Path, fmt: str, mapping: Mapping) -> Staged:
    """Stage ``path`` into a scratch table of the DuckDB connection ``raw``."""
    if fmt != "sql" and not path.exists():
        raise UnreadableFileError(f"{path}: file not found")
    if fmt in ("csv", "jsonl"):
        check_gzip(path)
    if fmt == "csv":
        return _stage_csv(raw, path, mapping)
    if fmt == "parquet":
        return _stage_parquet(raw, path)
    if fmt == "jsonl":
        return _stage_jsonl(raw, path)
    if fmt == "xes":
        return _stage_xes(raw, path)
    if fmt == "sql":
        return _stage_sql(raw, mapping)
    raise UnreadableFileError(f"{path}: unsupported format {fmt!r}")


#: Lines up to 32 MiB, read in buffers of that size. DuckDB's buffer is otherwise 16 times the line
#: limit, and each buffer goes to one thread: with 1 GiB buffers a 60 MB export was parsed on one
#: core, and a 1.2 GB one on two unevenly (a third slower than with 32 MiB buffers).
_LINE_SIZE = f"max_line_size = {32 << 20}, buffer_size = {32 << 20}"


def _csv_options(mapping: Mapping) -> str:
    o = mapping.csv
    opts = [f"header = {lit(o.header)}", "all_varchar = true", f"skip = {int(o.skip)}",
            f"encoding = {lit(o.encoding)}", _LINE_SIZE]
    if o.delimiter is not None:
        opts.append(f"delim = {lit(o.delimiter)}")
    if o.quote is not None:
        opts.append(f"quote = {lit(o.quote)}")
    if o.escape is not None:
        opts.append(f"escape = {lit(o.escape)}")
    return ", ".join(opts)


def _numbered_view(raw: duckdb.DuckDBPyConnection, table: str, reject_rows: list[int]) -> tuple[str, list[str]]:
    """A view of ``table`` whose ``__row`` is the source record number, rejects counted in."""
    view = temp_name("rows")
    if not reject_rows:
        raw.execute(f"CREATE TEMP VIEW {ident(view)} AS SELECT rowid + 1 AS __row, * "
                    f"FROM {ident(table)}")
        return view, []
    # g_j = kept rows before reject j; a kept row at position p is record p + 1 + #{j: g_j <= p}.
    gaps = sorted(r - 1 - j for j, r in enumerate(sorted(reject_rows)))
    if len(gaps) <= 256:  # a few rejects (the usual case): vectorised comparisons, no join per row
        shift = " + ".join(f"CAST(rowid >= {int(g)} AS BIGINT)" for g in gaps)
        raw.execute(f"CREATE TEMP VIEW {ident(view)} AS SELECT rowid + 1 + {shift} AS __row, * "
                    f"FROM {ident(table)}")
        return view, []
    gname = temp_name("gaps")
    raw.execute(f"CREATE TEMP TABLE {ident(gname)} (g BIGINT)")
    raw.executemany(f"INSERT INTO {ident(gname)} VALUES (?)", [[g] for g in gaps])
    raw.execute(
        f"CREATE TEMP VIEW {ident(view)} AS SELECT rowid + 1 + (SELECT count(*) FROM {ident(gname)} "
        f"WHERE g <= t.rowid) AS __row, * FROM {ident(table)} AS t"
    )
    return view, [gname]


def _stage_csv(raw: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping) -> Staged:
    table, rej, scan = temp_name("csv"), temp_name("rej"), temp_name("scan")
    header_lines = (1 if mapping.csv.header else 0) + mapping.csv.skip
    try:
        raw.execute(
            f"CREATE TEMP TABLE {ident(table)} AS SELECT * FROM read_csv({lit(str(path))}, "
            f"{_csv_options(mapping)}, store_rejects = true, rejects_table = {lit(rej)}, "
            f"rejects_scan = {lit(scan)})"
        )
    except duckdb.Error as exc:
        for name in (table, rej, scan):
            raw.execute(f"DROP TABLE IF EXISTS {ident(name)}")
        raise _fail(path, "CSV", exc) from None
    rejects = raw.execute(
        f"SELECT DISTINCT ON (line) CAST(line AS BIGINT) - {header_lines} AS row, "
        f"'line ' || line || ': ' || error_message AS detail, csv_line AS raw "
        f"FROM {ident(rej)} ORDER BY line"
    ).to_arrow_table()
    raw.execute(f"DROP TABLE IF EXISTS {ident(rej)}")
    raw.execute(f"DROP TABLE IF EXISTS {ident(scan)}")
    columns = _describe(raw, table)
    kept = raw.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()[0]
    view, extra = _numbered_view(raw, table, rejects.column("row").to_pylist())
    return Staged(view, columns, rejects, kept + rejects.num_rows, scratch=[*extra, table],
                  locate=(ident(table), "rowid", 1, False))


_PARQUET_COPY_ROWS = 200_000
#: Copied when the largest row group holds more than this times its share of the threads: the
#: orders export here (row groups of 501k and 250k rows, 1.33 shares) ran 3.0 -> 2.86 s copied.
_PARQUET_IMBALANCE = 1.2


def _stage_parquet(raw: duckdb.DuckDBPyConnection, path: Path) -> Staged:
    """A view over the file, or a copy when its row groups would keep the scans on one thread.

    DuckDB reads a Parquet file one row group per thread; a file written as one or two big row
    groups (a common export) would run every later pass on one core. Copied into a scratch table,
    it is read again in parallel: the copy costs less than it saves from about 200k rows.
    """
    table, kind = temp_name("pq"), "VIEW"
    src = f"read_parquet({lit(str(path))}, file_row_number = true)"
    try:
        n, biggest = raw.execute(
            f"SELECT sum(row_group_num_rows), max(row_group_num_rows) FROM (SELECT DISTINCT row_group_id, "
            f"row_group_num_rows FROM parquet_metadata({lit(str(path))}))"
        ).fetchone()
        n, biggest = int(n or 0), int(biggest or 0)
        threads = int(raw.execute("SELECT current_setting('threads')").fetchone()[0])
        if n >= _PARQUET_COPY_ROWS and biggest * threads > _PARQUET_IMBALANCE * n:
            kind = "TABLE"
        raw.execute(
            f"CREATE TEMP {kind} {ident(table)} AS SELECT * EXCLUDE (file_row_number), "
            f"file_row_number + 1 AS __row FROM {src}"
        )
        columns = _describe(raw, table)
    except duckdb.Error as exc:
        raw.execute(f"DROP {kind} IF EXISTS {ident(table)}")
        raise _fail(path, "Parquet", exc) from None
    locate = (ident(table), "__row", 0, True) if kind == "TABLE" else (src, "file_row_number", 1, True)
    return Staged(table, columns, rows_read=int(n or 0), locate=locate)


def _stage_jsonl(raw: duckdb.DuckDBPyConnection, path: Path) -> Staged:
    lines, table = temp_name("lines"), temp_name("jsonl")
    try:
        raw.execute(
            f"CREATE TEMP TABLE {ident(lines + '_0')} AS SELECT line FROM read_csv("
            f"{lit(str(path))}, columns = {{'line': 'VARCHAR'}}, header = false, delim = chr(30), "
            f"quote = '', escape = '', auto_detect = false, {_LINE_SIZE}, "
            f"strict_mode = false, null_padding = false)"
        )
        raw.execute(f"CREATE TEMP TABLE {ident(lines)} AS SELECT rowid + 1 AS __row, line FROM {ident(lines + '_0')}")
        raw.execute(f"DROP TABLE {ident(lines + '_0')}")
        bad = raw.execute(
            f"SELECT __row AS row, CASE WHEN json_valid(line) THEN 'line ' || __row || "
            f"': a JSON line must be an object, found ' || json_type(line::JSON) ELSE 'line ' || "
            f"__row || ': not valid JSON' END AS detail, line AS raw FROM {ident(lines)} "
            f"WHERE line IS NOT NULL AND trim(line) <> '' AND "
            f"(NOT json_valid(line) OR json_type(line::JSON) <> 'OBJECT') ORDER BY __row"
        ).to_arrow_table()
        raw.execute(
            f"DELETE FROM {ident(lines)} WHERE line IS NULL OR trim(line) = '' OR NOT json_valid(line) "
            f"OR json_type(line::JSON) <> 'OBJECT'"
        )
        keys = [r[0] for r in raw.execute(
            f"SELECT k FROM (SELECT unnest(json_keys(line)) AS k, __row FROM {ident(lines)}) "
            f"GROUP BY k ORDER BY min(__row), k"
        ).fetchall()]
        cols = ", ".join(
            f"json_extract_string(line, {lit('$.' + _json_key(k))}) AS {ident(k)}" for k in keys
        )
        raw.execute(
            f"CREATE TEMP TABLE {ident(table)} AS SELECT __row{', ' + cols if cols else ''} "
            f"FROM {ident(lines)} ORDER BY __row"
        )
        n = raw.execute(
            f"SELECT count(*) FROM {ident(lines)}"
        ).fetchone()[0]
    except duckdb.Error as exc:
        for name in (lines, lines + "_0", table):
            raw.execute(f"DROP TABLE IF EXISTS {ident(name)}")
        raise _fail(path, "JSON Lines", exc) from None
    finally:
        raw.execute(f"DROP TABLE IF EXISTS {ident(lines)}")
    return Staged(table, _describe(raw, table), bad, int(n) + bad.num_rows)


def _json_key(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _stage_xes(raw: duckdb.DuckDBPyConnection, path: Path) -> Staged:
    from parcours.ingest.xes import XESFormatError, iter_xes_batches, xes_columns

    table = temp_name("xes")
    try:
        columns = xes_columns(path)
        first = True
        n = 0
        for batch in iter_xes_batches(path, columns=columns):
            view = temp_name("batch")
            raw.register(view, pa.Table.from_batches([batch]))
            if first:
                raw.execute(f"CREATE TEMP TABLE {ident(table)} AS SELECT * RENAME (row AS __row) FROM {ident(view)}")
                first = False
            else:
                raw.execute(f"INSERT INTO {ident(table)} SELECT * RENAME (row AS __row) FROM {ident(view)}")
            raw.unregister(view)
            n += batch.num_rows
    except (XESFormatError, OSError, EOFError, gzip.BadGzipFile) as exc:
        raw.execute(f"DROP TABLE IF EXISTS {ident(table)}")
        raise UnreadableFileError(str(exc) if isinstance(exc, XESFormatError) else f"{path}: {exc}") from None
    if first:
        raw.execute(f"CREATE TEMP TABLE {ident(table)} (__row BIGINT)")
    return Staged(table, _describe(raw, table), rows_read=n)


def _stage_sql(raw: duckdb.DuckDBPyConnection, mapping: Mapping) -> Staged:
    import ibis

    assert mapping.sql is not None
    table = temp_name("sql")
    try:
        source = ibis.connect(mapping.sql.url)
        t = source.table(mapping.sql.table)
        if mapping.sql.order_by:
            t = t.order_by(mapping.sql.order_by)
        data = t.to_pyarrow()
    except Exception as exc:  # noqa: BLE001 - any driver error; its message names the problem
        raise UnreadableFileError(
            f"{mapping.sql.url} table {mapping.sql.table!r}: cannot be read: {exc}") from None
    view = temp_name("arrow")
    raw.register(view, data)
    raw.execute(
        f"CREATE TEMP TABLE {ident(table)} AS SELECT row_number() OVER () AS __row, * FROM {ident(view)}"
    )
    raw.unregister(view)
    return Staged(table, _describe(raw, table), rows_read=data.num_rows)
