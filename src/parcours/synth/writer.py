"""Write a synthetic source as a real export would look, with its mapping and planted bad rows.

A :class:`Source` is a logical table made of :class:`Block` s: a block is a small typed
vocabulary (an Arrow table) plus, per row, a code into it (e.g. one row per web session shared by
all its hits), or a table aligned with the rows. Rendering works on whole blocks: a vocabulary
is rendered to text once and then taken by code, so a 10-million-row file costs a few Arrow
kernels per chunk. The same source can be written as CSV, JSON Lines or Parquet; planted
duplicates and malformed rows (:class:`Extra`) are copies of valid rows inserted at known
places, so every row number in ``truth.json`` is exact.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from parcours.synth.common import format_time, local_to_utc, utc_to_local

CHUNK = 500_000
_EXT = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
_TIME_CANONICAL = ("timestamp", "created_at", "opened_at", "closed_at")

#: Values that no declared timestamp format (nor ISO 8601) can read, per format.
BAD_TIMESTAMPS = {
    "epoch": ["17O4067200000", "#VALUE!", "1.7e12abc"],
    "iso": ["2024-13-45T25:61:00Z", "not-a-date", "0000-00-00T00:00:00"],
    "other": ["32/13/2024 25:61", "N/A", "#VALEUR!", "??/??/????"],
}
BAD_NUMBERS = ["12,5€x", "abc", "dix", "N/A€"]
UNKNOWN_ACTIVITIES = ["test_event", "debug_ping", "sync_heartbeat", "__internal__"]


@dataclass
class Block:
    """Typed columns of a source: ``vocab`` rows, picked per source row by ``codes`` (or aligned)."""

    vocab: pa.Table
    codes: np.ndarray | None = None

    def rows(self, lo: int, hi: int) -> pa.Table:
        if self.codes is None:
            return self.vocab.slice(lo, hi - lo)
        return self.vocab.take(pa.array(self.codes[lo:hi]))

    def at(self, rows: np.ndarray) -> pa.Table:
        idx = pa.array(np.asarray(rows, dtype=np.int64))
        return self.vocab.take(idx if self.codes is None else pa.array(self.codes[np.asarray(rows)]))


@dataclass
class Extra:
    """A row inserted after logical row ``after``: a copy of row ``base``, maybe made invalid."""

    after: int
    base: int
    reason: str | None = None  # None: an exact duplicate
    column: str | None = None  # the source column spoiled (or emptied)
    variant: int = 0  # picks the bad value and the kind of structural error


@dataclass
class Source:
    """One export of the synthetic company: content, native format and mapping."""

    name: str
    stem: str
    native: str  # csv | jsonl | parquet
    table: str  # events | customers | feedback | cases
    blocks: list[Block]
    times: dict[str, str]  # time column (int64 ms UTC in the vocab) -> text format
    tz: str = "UTC"
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    identifiers: dict[str, str] = field(default_factory=dict)
    activities: list[str] | None = None
    parquet_local: bool = False  # Parquet timestamps as local wall-clock (else UTC-adjusted)
    malformed: list[tuple[str, str | None, int]] = field(default_factory=list)  # reason, column, count
    duplicates: int = 0

    @property
    def n(self) -> int:
        b = self.blocks[0]
        return len(b.codes) if b.codes is not None else b.vocab.num_rows

    @property
    def column_names(self) -> list[str]:
        return [c for b in self.blocks for c in b.vocab.column_names]

    def path(self, fmt: str) -> str:
        return self.stem + _EXT[self.output_format(fmt)]

    def output_format(self, fmt: str) -> str:
        return self.native if fmt == "native" else fmt

    def mapped_time_format(self) -> str | None:
        fmts = {self.times[c] for k, c in self.columns.items() if k in _TIME_CANONICAL}
        if len(fmts) > 1:
            raise ValueError(f"{self.name}: mapped timestamp columns have different formats {fmts}")
        return fmts.pop() if fmts else None

    def mapping(self, fmt: str) -> dict[str, Any]:
        """The mapping file content (see parcours ingestion) for the source written as ``fmt``."""
        out = self.output_format(fmt)
        m: dict[str, Any] = {"table": self.table, "format": out, "source": self.name}
        if out == "csv":
            m["csv"] = {"delimiter": self.delimiter, "header": True, "quote": '"'}
        tf = self.mapped_time_format()
        if out == "parquet":
            m["timezone"] = self.tz if self.parquet_local else "UTC"
        else:
            m["timezone"] = self.tz
            if tf is not None and "T" not in tf:
                m["timestamp_format"] = tf
        m["columns"] = dict(self.columns)
        if self.constants:
            m["constants"] = dict(self.constants)
        m["identifiers"] = dict(self.identifiers)
        if self.activities is not None:
            m["activities"] = list(self.activities)
        return m


# ----------------------------------------------------------------------------- planting

def _for_format(src: Source, out: str, e: Extra) -> Extra:
    """The planted row as it can exist in ``out``: Parquet has types and no broken lines.

    In Parquet a structural error or an unreadable date or number cannot be written, so the row
    is planted with another reason instead (the files keep the same number of rows in every format).
    """
    if out != "parquet" or e.reason not in ("malformed_row", "bad_timestamp", "bad_type"):
        return e
    canon = {v: k for k, v in src.columns.items()}
    if e.reason == "bad_timestamp" and canon.get(e.column) in ("timestamp", "opened_at"):
        return Extra(e.after, e.base, "missing_value", e.column, e.variant)
    if e.reason == "bad_type" and src.activities is not None and "activity" in src.columns:
        return Extra(e.after, e.base, "unknown_activity", src.columns["activity"], e.variant)
    return Extra(e.after, e.base, "missing_identifier", None, e.variant)


def plan_extras(src: Source, rng: np.random.Generator) -> list[Extra]:
    """Choose where the planted duplicates and malformed rows go (format independent)."""
    n = src.n
    extras: list[Extra] = []
    total_bad = sum(c for _, _, c in src.malformed)
    k = min(n, total_bad + src.duplicates)
    if n == 0 or k == 0:
        return extras
    bases = np.sort(rng.choice(n, size=k, replace=False))
    bases = bases[rng.permutation(k)]
    lags = rng.integers(0, 40, size=k)
    variants = rng.integers(0, 1000, size=k)
    i = 0
    for reason, column, count in src.malformed:
        for _ in range(count):
            if i >= k:
                break
            extras.append(Extra(int(bases[i]), int(bases[i]), reason, column, int(variants[i])))
            i += 1
    while i < k:
        b = int(bases[i])
        extras.append(Extra(min(b + int(lags[i]), n - 1), b))
        i += 1
    return extras


def _bad_value(src: Source, e: Extra) -> str | None:
    if e.reason == "bad_timestamp":
        f = src.times[e.column]
        kind = "epoch" if f.startswith("epoch") else "iso" if "T" in f else "other"
        vals = BAD_TIMESTAMPS[kind]
    elif e.reason == "bad_type":
        vals = BAD_NUMBERS
    elif e.reason == "unknown_activity":
        vals = UNKNOWN_ACTIVITIES
    else:
        return None
    return vals[e.variant % len(vals)]


# ----------------------------------------------------------------------------- rendering

def _is_time(src: Source, name: str) -> bool:
    return name in src.times


def _csv_quote(arr: pa.Array, delimiter: str) -> pa.Array:
    pattern = "[" + ("\\" + delimiter if delimiter in "\\^]-[" else delimiter) + '"\n\r]'
    need = pc.match_substring_regex(arr, pattern)
    if not pc.any(need).as_py():
        return arr
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(need, quoted, arr)


def csv_text(src: Source, name: str, arr: pa.Array) -> pa.Array:
    """Column ``name`` as CSV field text (nulls empty, quoted when needed)."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    t = arr.type
    if _is_time(src, name):
        ms = arr.fill_null(0).to_numpy(zero_copy_only=False)
        ok = arr.is_valid().to_numpy(zero_copy_only=False)
        text = format_time(ms, src.times[name], src.tz, ok)
    elif pa.types.is_string(t):
        text = _csv_quote(arr, src.delimiter)
    elif pa.types.is_list(t):
        text = _csv_quote(pc.binary_join(arr, "|"), src.delimiter)
    elif pa.types.is_boolean(t):
        text = pc.if_else(arr, "true", "false")
    else:
        text = pc.cast(arr, pa.string())
    return text.fill_null("")


def _json_str(arr: pa.Array) -> pa.Array:
    esc = pc.replace_substring(pc.replace_substring(arr, "\\", "\\\\"), '"', '\\"')
    return pc.binary_join_element_wise('"', esc, '"', "")


def json_text(src: Source, name: str, arr: pa.Array) -> pa.Array:
    """Column ``name`` as a JSON value text (``null`` for missing)."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    t = arr.type
    if _is_time(src, name):
        ms = arr.fill_null(0).to_numpy(zero_copy_only=False)
        ok = arr.is_valid().to_numpy(zero_copy_only=False)
        f = src.times[name]
        text = format_time(ms, f, src.tz, ok)
        if not f.startswith("epoch"):
            text = _json_str(text)
    elif pa.types.is_string(t):
        text = _json_str(arr)
    elif pa.types.is_list(t):
        flat = _json_str(pc.list_flatten(arr))
        offsets = arr.offsets
        lists = pa.ListArray.from_arrays(offsets, flat, mask=arr.is_null())
        text = pc.binary_join_element_wise("[", pc.binary_join(lists, ","), "]", "")
    elif pa.types.is_boolean(t):
        text = pc.if_else(arr, "true", "false")
    else:
        text = pc.cast(arr, pa.string())
    return text.fill_null("null")


def _json_fragment(src: Source, name: str, arr: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(json.dumps(name, ensure_ascii=False) + ":", json_text(src, name, arr), "")


def _render_block(src: Source, table: pa.Table, out: str) -> pa.Array:
    if out == "csv":
        parts = [csv_text(src, c, table.column(c)) for c in table.column_names]
        return pc.binary_join_element_wise(*parts, src.delimiter) if len(parts) > 1 else parts[0]
    parts = [_json_fragment(src, c, table.column(c)) for c in table.column_names]
    return pc.binary_join_element_wise(*parts, ",") if len(parts) > 1 else parts[0]


def resolution_ms(fmt: str) -> int:
    """The precision of a text time format, so that every output format holds the same instants."""
    if fmt == "epoch_ms" or "%g" in fmt:
        return 1
    if fmt == "epoch_s" or "%S" in fmt:
        return 1_000
    if "%M" in fmt:
        return 60_000
    if "%H" in fmt:
        return 3_600_000
    return 86_400_000


def _typed(src: Source, table: pa.Table) -> pa.Table:
    cols = []
    for name in table.column_names:
        arr = table.column(name).combine_chunks()
        if _is_time(src, name):
            ms = arr.fill_null(0).to_numpy(zero_copy_only=False)
            mask = arr.is_null().to_numpy(zero_copy_only=False)
            local = utc_to_local(ms, src.tz)
            local -= local % resolution_ms(src.times[name])
            if src.parquet_local:
                arr = pa.array(local, pa.timestamp("ms"), mask=mask)
            else:
                arr = pa.array(local_to_utc(local, src.tz), pa.timestamp("ms", tz="UTC"), mask=mask)
        cols.append(arr)
    return pa.table(cols, names=table.column_names)


def _extra_lines(src: Source, extras: list[Extra], out: str) -> pa.Array:
    """Text lines of the planted rows: copies rendered like the body, a few of them then broken."""
    bases = np.array([e.base for e in extras], dtype=np.int64)
    texts = [_render_block(src, b.at(bases), out) for b in src.blocks]
    if out == "csv":
        lines = pc.binary_join_element_wise(*texts, src.delimiter) if len(texts) > 1 else texts[0]
    else:
        inner = pc.binary_join_element_wise(*texts, ",") if len(texts) > 1 else texts[0]
        lines = pc.binary_join_element_wise("{", inner, "}", "")
    bad = [i for i, e in enumerate(extras) if e.reason is not None]
    if not bad:
        return lines
    broken = _broken_lines(src, [extras[i] for i in bad], out)
    index = np.arange(len(extras))
    index[bad] = len(extras) + np.arange(len(bad))
    return pa.concat_arrays([lines, broken]).take(pa.array(index))


def _targets(src: Source, e: Extra) -> set[str]:
    """Source columns a planted row empties or spoils."""
    if e.reason == "missing_identifier":
        return set(src.identifiers.values())
    return {e.column} if e.column else set()


def _broken_lines(src: Source, extras: list[Extra], out: str) -> pa.Array:
    """Text lines of malformed planted rows (a few dozen: built one by one)."""
    bases = np.array([e.base for e in extras], dtype=np.int64)
    render = csv_text if out == "csv" else json_text
    fields = [render(src, c, t.column(c)).to_pylist() for b in src.blocks for t in [b.at(bases)]
              for c in t.column_names]
    names = src.column_names
    lines = []
    for i, e in enumerate(extras):
        vals = [f[i] for f in fields]
        bad = _bad_value(src, e)
        for j, name in enumerate(names):
            if name in _targets(src, e):
                if out == "csv":
                    vals[j] = "" if bad is None else _csv_quote(pa.array([bad]), src.delimiter)[0].as_py()
                else:
                    vals[j] = "null" if bad is None else json.dumps(bad, ensure_ascii=False)
        if out == "csv":
            line = src.delimiter.join(vals)
            if e.reason == "malformed_row":  # one field too many, or one too few
                line = line + src.delimiter + "x" if e.variant % 2 == 0 else src.delimiter.join(vals[:-1])
        else:
            line = "{" + ",".join(json.dumps(n, ensure_ascii=False) + ":" + v for n, v in zip(names, vals)) + "}"
            if e.reason == "malformed_row":  # a line cut in the middle
                line = line[: max(2, len(line) // 2)]
        lines.append(line)
    return pa.array(lines, pa.string())


def _extra_table(src: Source, extras: list[Extra], schema: pa.Schema) -> pa.Table:
    """Typed planted rows (Parquet): copies of their base rows, a few with values removed or spoiled."""
    bases = np.array([e.base for e in extras], dtype=np.int64)
    parts = [b.at(bases) for b in src.blocks]
    table = _typed(src, pa.table({c: p.column(c) for p in parts for c in p.column_names}))
    bad = [i for i, e in enumerate(extras) if e.reason is not None]
    if not bad:
        return table
    rows = table.take(pa.array(bad)).to_pylist()
    for r, i in zip(rows, bad):
        for name in _targets(src, extras[i]):
            r[name] = _bad_value(src, extras[i])
    index = np.arange(len(extras))
    index[bad] = len(extras) + np.arange(len(bad))
    return pa.concat_tables([table, pa.Table.from_pylist(rows, schema=schema)]).take(pa.array(index))


def _write_text(f: io.BufferedWriter, arr: pa.Array) -> None:
    if len(arr) == 0:
        return
    arr = pc.binary_join_element_wise(arr, "\n", "")
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    bufs = arr.buffers()
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(bufs[1], dtype=width)[arr.offset: arr.offset + len(arr) + 1]
    f.write(memoryview(bufs[2])[int(offsets[0]): int(offsets[-1])])


@dataclass
class Written:
    """What was written for one source: file, mapping, row count and planted rows (final rows)."""

    path: str
    mapping: str
    rows: int
    malformed: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]


class SourceFile:
    """The file of one source, open for one company or for the shards of a large one in turn.

    The CSV header (or the Parquet schema) is written once; each :meth:`write` appends its rows
    after those already there (Parquet: as further row groups) and numbers its planted rows from
    there, so ``truth.json`` row numbers are those of the merged file.
    """

    def __init__(self, src: Source, out_dir: Path, fmt: str) -> None:
        self.format = src.output_format(fmt)
        self.rel = src.path(fmt)
        self.rows = 0
        self._parquet: pq.ParquetWriter | None = None
        self._text: io.BufferedWriter | None = None
        path = out_dir / self.rel
        if self.format == "parquet":
            self._schema = _typed(src, _empty(src)).schema
            self._parquet = pq.ParquetWriter(path, self._schema, compression="snappy")
        else:
            self._text = open(path, "wb")  # noqa: SIM115 (closed by close(), after every shard)
            if self.format == "csv":
                self._text.write((src.delimiter.join(src.column_names) + "\n").encode())

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Finish the file (Parquet footer)."""
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self._text is not None:
            self._text.close()
            self._text = None

    def write(self, src: Source, extras: list[Extra]) -> Written:
        """Append ``src``'s rows with its planted rows; rows in the returned lists are file rows."""
        out, rel, base = self.format, self.rel, self.rows
        extras = sorted((_for_format(src, out, e) for e in extras),
                        key=lambda e: (e.after, e.base, e.reason or "", e.column or "", e.variant))
        afters = np.array([e.after for e in extras], dtype=np.int64)
        # final 0-based positions: an extra goes right after its logical row, after earlier extras
        extra_pos = afters + 1 + np.arange(len(extras))

        def logical_pos(j: np.ndarray) -> np.ndarray:
            return j + np.searchsorted(afters, j, side="left")

        malformed, duplicates = [], []
        for e, p in zip(extras, extra_pos):
            if e.reason is None:
                duplicates.append({"file": rel, "row": base + int(p) + 1,
                                   "original_row": base + int(logical_pos(np.array([e.base]))[0]) + 1})
            else:
                col = None if e.reason in ("missing_identifier", "malformed_row") else e.column
                malformed.append({"file": rel, "row": base + int(p) + 1, "column": col, "reason": e.reason})

        for body in _chunks(src, out, extras, afters, extra_pos, logical_pos):
            if self._parquet is not None:
                if not body.schema.equals(self._schema):  # a shard whose column types came out otherwise
                    body = body.cast(self._schema)
                self._parquet.write_table(body)
            else:
                _write_text(self._text, body)
        self.rows += src.n + len(extras)
        return Written(rel, mapping_path(src), src.n + len(extras), malformed, duplicates)


def mapping_path(src: Source) -> str:
    """Where the mapping of ``src`` goes, relative to the output folder."""
    return f"mappings/{src.name}.yaml"


def write_mapping(src: Source, out_dir: Path, fmt: str) -> str:
    """Write the mapping of ``src`` as written in ``fmt``; returns its relative path."""
    rel = mapping_path(src)
    (out_dir / "mappings").mkdir(exist_ok=True)
    (out_dir / rel).write_text(yaml.safe_dump(src.mapping(fmt), sort_keys=False, allow_unicode=True),
                               encoding="utf-8")
    return rel


def write_source(src: Source, out_dir: Path, fmt: str, extras: list[Extra]) -> Written:
    """Write ``src`` in ``fmt`` (native | csv | parquet) with its planted rows, and its mapping."""
    with SourceFile(src, out_dir, fmt) as f:
        written = f.write(src, extras)
    write_mapping(src, out_dir, fmt)
    return written


def _empty(src: Source) -> pa.Table:
    return pa.table({c: b.vocab.column(c).slice(0, 0) for b in src.blocks for c in b.vocab.column_names})


def _chunks(src: Source, out: str, extras: list[Extra], afters: np.ndarray, extra_pos: np.ndarray,
            logical_pos: Any) -> Iterator[pa.Table | pa.Array]:
    """The file body in chunks of :data:`CHUNK` rows: Arrow tables (Parquet) or text lines."""
    n = src.n
    if out == "parquet":
        extra_rows = _extra_table(src, extras, _typed(src, _empty(src)).schema) if extras else None
        pre = {}
    else:
        extra_rows = _extra_lines(src, extras, out) if extras else None
        # a vocabulary block is rendered once, then taken by code
        pre = {i: _render_block(src, b.vocab, out) for i, b in enumerate(src.blocks) if b.codes is not None}
    for lo in range(0, max(n, 1), CHUNK):
        hi = min(n, lo + CHUNK)
        last = hi >= n
        sel = np.nonzero((afters >= lo) & ((afters < hi) | last))[0]
        if out == "parquet":
            parts = [b.rows(lo, hi) for b in src.blocks]
            body = _typed(src, pa.table({c: p.column(c) for p in parts for c in p.column_names}))
            if len(sel):
                body = pa.concat_tables([body, extra_rows.take(pa.array(sel))])
        else:
            texts = [pre[i].take(pa.array(b.codes[lo:hi])) if i in pre else _render_block(src, b.rows(lo, hi), out)
                     for i, b in enumerate(src.blocks)]
            if out == "csv":
                body = pc.binary_join_element_wise(*texts, src.delimiter) if len(texts) > 1 else texts[0]
            else:
                inner = pc.binary_join_element_wise(*texts, ",") if len(texts) > 1 else texts[0]
                body = pc.binary_join_element_wise("{", inner, "}", "")
            if len(sel):
                body = pa.concat_arrays([body, extra_rows.take(pa.array(sel))])
        if len(sel):
            pos = np.concatenate([logical_pos(np.arange(lo, hi)), extra_pos[sel]])
            body = body.take(pa.array(np.argsort(pos, kind="stable")))
        yield body
