"""XES event logs: stream them into Arrow batches, and write them from a table.

XES (IEEE 1849-2016) is the XML format of process-mining event logs: a ``<log>`` holds ``<trace>``
elements (one per case), each holding ``<event>`` elements; traces and events carry typed
attributes such as ``<string key="concept:name" value="A_SUBMITTED"/>`` or
``<date key="time:timestamp" value="2011-10-01T00:38:44.546+02:00"/>``.

Reading is a single streaming pass with :func:`lxml.etree.iterparse`: each ``<event>`` is read when
its end tag is parsed, then dropped from the tree together with everything before it (and each
``<trace>`` when it ends), so memory stays flat however large the log: what is held is one batch of
rows, about 1 KB per event (a 1.1 GB log read in 50,000-row batches peaks at ~60 MB more than the
interpreter). One output row per event, in file order, with these column conventions:

* ``row`` (``int64``, always the first column): the 1-based position of the event in the file.
* ``case:<key>`` for every attribute of the enclosing trace (``case:concept:name`` is the case id);
  null for events outside any trace. Trace attributes are those written before the trace's first
  event, as the XES schema requires; any written after an event are ignored.
* ``<key>`` for every event attribute (``concept:name``, ``time:timestamp``, ``org:resource``,
  ``lifecycle:transition``, ...). An event attribute keyed ``row`` becomes ``event:row``, because
  ``row`` is the position column.
* All attribute columns are ``string``: values exactly as written in the file, whatever their XES
  type (``string``, ``date``, ``int``, ``float``, ``boolean``, ``id``); the ingestion layer parses
  and validates them in DuckDB and quarantines the bad ones. A missing attribute is null.
* Nested attributes (meta-attributes, ``<list>``, ``<container>``) are flattened: a child is
  ``<parent>:<child>`` (``case:<parent>:<child>`` in a trace), the wrapping ``<values>`` of a list is
  transparent, and an attribute without a ``value`` (a list or container) gets no column of its own.
  If one element repeats a flattened key (two list items with the same key), the last one wins; so
  does an event attribute over a trace attribute that maps to the same ``case:`` column.
* Log-level attributes, ``<extension>``, ``<classifier>`` and ``<global>`` are ignored: in particular
  the defaults of ``<global scope="event">`` / ``<global scope="trace">`` are *not* filled into rows
  (a missing attribute stays null, so quarantine sees what the file really says).
* Elements are matched by local name, so logs with or without ``xmlns="http://www.xes-standard.org/"``
  (or with a prefix) read the same. Gzip is detected by its magic bytes, not by the file name.

* Values are the XML attribute values, character and entity references decoded (``&amp;`` -> ``&``);
  external entities and network access are refused.

Each batch carries the columns seen in that batch: trace (``case:``) columns first, then event
columns, each in first-seen order. To give every batch the same schema the ingestion layer first calls
:func:`xes_columns` (a streaming pass of its own, about as long as the read) and passes its result as
``columns=``. :func:`write_xes` writes the other way, from an Arrow table or a DataFrame.
"""

from __future__ import annotations

import gzip
import math
import os
import re
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from sys import intern
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from parcours.errors import ParcoursError

__all__ = ["XES_NAMESPACE", "XESFormatError", "iter_xes_batches", "write_xes", "xes_columns"]

XES_NAMESPACE = "http://www.xes-standard.org/"

ROW = "row"
"""Name of the position column (1-based event number in the file)."""

_RENAMED_ROW = "event:row"  # an event attribute keyed "row" (the name is taken by the position column)

_NO_CASE: dict[str, str] = {}  # the trace attributes of events outside any trace
_UNSET: Any = object()
_GZIP_MAGIC = b"\x1f\x8b"
_POSITION_SUFFIX = re.compile(r",\s*line \d+,\s*column \d+\s*$")


class XESFormatError(ParcoursError, ValueError):
    """A file cannot be read as XES: not well-formed XML, not a ``<log>``, or corrupt gzip data.

    The message names the file and, for XML errors, the line lxml reported.
    """


# --------------------------------------------------------------------------------------------- reading


def _local(tag: Any) -> str:
    """Local name of an lxml tag (``{ns}event`` -> ``event``); "" for comments and the like."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


@contextmanager
def _open_source(path: str | Path) -> Iterator[tuple[IO[bytes], bool]]:
    """Open ``path`` for reading, transparently decompressing gzip (detected by magic bytes)."""
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        if gzipped:
            with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                yield gz, True
        else:
            yield raw, False


def _flatten(elem: Any, prefix: str, out: dict[str, str]) -> None:
    """Add the (nested) attributes under ``elem`` to ``out`` as ``prefix + key`` -> value."""
    for child in elem:
        key = child.get("key")
        if key is None:  # <values> of a <list>, or anything without a key: transparent
            if len(child):
                _flatten(child, prefix, out)
            continue
        key = intern(prefix + key)
        value = child.get("value")
        if value is not None:
            out[key] = value
        if len(child):
            _flatten(child, key + ":", out)


def _trace_attributes(trace: Any, first_event: Any) -> dict[str, str]:
    """The ``case:``-prefixed attributes of ``trace`` written before its first event."""
    out: dict[str, str] = {}
    for child in trace:
        if child is first_event:
            break
        if _local(child.tag) == "event":  # cannot happen in document order; be safe
            continue
        key = child.get("key")
        if key is None:
            continue
        key = "case:" + key
        value = child.get("value")
        if value is not None:
            out[key] = value
        if len(child):
            _flatten(child, key + ":", out)
    return out


def _syntax_error(path: str | Path, exc: etree.XMLSyntaxError) -> XESFormatError:
    line = exc.position[0] if exc.position and exc.position[0] else (exc.lineno or 1)
    msg = _POSITION_SUFFIX.sub("", (exc.msg or str(exc)).strip())
    return XESFormatError(f"{path}: not well-formed XML at line {max(line, 1)}: {msg}")


def _not_a_log(path: str | Path, root: Any) -> XESFormatError:
    name = _local(root.tag) if root is not None else "nothing"
    return XESFormatError(f"{path}: not an XES log: the root element is <{name}>, expected <log>")


# A chunk is the raw material of one batch: the event dicts, the runs of consecutive events sharing
# a trace as (trace attributes, index of the run's first event), and the row number of the first event.
_Chunk = tuple[list[dict[str, str]], list[tuple[dict[str, str], int]], int]


def _chunks(path: str | Path, batch_rows: int) -> Iterator[_Chunk]:
    """Stream-parse ``path`` and yield its events ``batch_rows`` at a time (the parsing core)."""
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1, got {batch_rows}")
    get = etree._Element.get  # unbound method and bytes names: a little less work per call
    key_name, value_name = b"key", b"value"
    with _open_source(path) as (source, gzipped):
        parser = etree.iterparse(
            source, events=("end",), tag=("{*}event", "{*}trace"), remove_comments=True,
            remove_pis=True, resolve_entities=False, no_network=True, collect_ids=False,
        )
        events: list[dict[str, str]] = []
        runs: list[tuple[dict[str, str], int]] = []
        first_row = 1
        root: Any = _UNSET
        parent: Any = None
        case = _NO_CASE
        try:
            for _, event in parser:
                up = event.getparent()
                if up is root or root is _UNSET:  # first element, a trace end, or a trace-less event
                    if root is _UNSET:
                        root = event.getroottree().getroot()
                        if _local(root.tag) != "log":
                            raise _not_a_log(path, root)
                    if up is root and _local(event.tag) == "trace":
                        # The trace is done (its events were read): drop it and all before it.
                        event.clear()
                        while event.getprevious() is not None:
                            del root[0]
                        continue
                if up is not parent:  # first event of a trace (or of a run of trace-less events)
                    parent = up
                    case = _trace_attributes(up, event) if _local(up.tag) == "trace" else _NO_CASE
                    runs.append((case, len(events)))
                    grand = up.getparent()
                    if grand is not None:  # drop earlier traces and the log header
                        while up.getprevious() is not None:
                            del grand[0]
                row: dict[str, str] = {}
                for child in event:
                    key = get(child, key_name)
                    if key is None:
                        if len(child):
                            _flatten(child, "", row)
                        continue
                    key = intern(key)  # one shared str per key, not one per event: half the memory
                    value = get(child, value_name)
                    if value is not None:
                        row[key] = value
                    if len(child):
                        _flatten(child, key + ":", row)
                events.append(row)
                # Drop what precedes this event in its parent (earlier events, trace attributes);
                # the event itself goes with the next one, or with its trace.
                while event.getprevious() is not None:
                    del up[0]
                if len(events) >= batch_rows:
                    yield events, runs, first_row
                    first_row += len(events)
                    events, runs = [], [(case, 0)]
            if root is _UNSET and _local(parser.root.tag) != "log":
                raise _not_a_log(path, parser.root)
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(path, exc) from None
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            if not gzipped:
                raise
            raise XESFormatError(f"{path}: corrupt or truncated gzip data: {exc}") from None
        if events:
            yield events, runs, first_row


def _run_bounds(runs: list[tuple[dict[str, str], int]], n: int) -> list[tuple[dict[str, str], int]]:
    """Runs as (trace attributes, length), empty runs dropped."""
    starts = [s for _, s in runs] + [n]
    return [(case, starts[i + 1] - starts[i]) for i, (case, _) in enumerate(runs)
            if starts[i + 1] > starts[i]]


def _ordered_keys(dicts: Sequence[dict[str, Any]]) -> dict[str, None]:
    """The keys of ``dicts`` in first-seen order (a dict used as an ordered set)."""
    wanted = len(set().union(*dicts))  # one C-level pass; the ordering pass below usually stops early
    order: dict[str, None] = {}
    for d in dicts:
        for k in d:
            if k not in order:
                order[k] = None
        if len(order) == wanted:
            break
    return order


def _chunk_keys(events: list[dict[str, str]], bounds: list[tuple[dict[str, str], int]]
                ) -> tuple[dict[str, None], dict[str, None]]:
    """Event keys and ``case:`` keys of a chunk, each in first-seen order."""
    return _ordered_keys(events), _ordered_keys([case for case, _ in bounds])


def _column_names(ev_keys: dict[str, None], case_keys: dict[str, None]) -> list[str]:
    """Output column names: trace (``case:``) columns first, then event columns; ``row`` renamed."""
    names = list(case_keys)
    names += [_RENAMED_ROW if k == ROW else k for k in ev_keys if k not in case_keys]
    return names


def _build_batch(chunk: _Chunk, columns: Sequence[str] | None) -> pa.RecordBatch:
    events, runs, first_row = chunk
    n = len(events)
    bounds = _run_bounds(runs, n)
    ev_keys, case_keys = _chunk_keys(events, bounds)
    names = _column_names(ev_keys, case_keys) if columns is None else [c for c in columns if c != ROW]
    # Event attributes in one C++ pass over the dicts: a struct array with one string field per key.
    event_fields = [ROW if name == _RENAMED_ROW else name for name in names]
    event_fields = [k for k in dict.fromkeys(event_fields) if k in ev_keys]
    struct = pa.array(events, pa.struct([(k, pa.string()) for k in event_fields])) \
        if event_fields else None
    from_events = {k: i for i, k in enumerate(event_fields)}
    # Trace attributes: one value per run of events, repeated over the run by a take().
    run_index = None
    arrays = [pa.array(np.arange(first_row, first_row + n, dtype=np.int64))]
    for name in names:
        key = ROW if name == _RENAMED_ROW else name
        i = from_events.get(key)
        if name in case_keys:
            if run_index is None:
                lengths = np.fromiter((length for _, length in bounds), np.int64, len(bounds))
                run_index = pa.array(np.repeat(np.arange(len(bounds), dtype=np.int64), lengths))
            values = pa.array([case.get(name) for case, _ in bounds], pa.string()).take(run_index)
            if i is not None:  # an event attribute "case:x" and a trace attribute "x": the event's wins
                values = pc.coalesce(struct.field(i), values)  # type: ignore[union-attr]
            arrays.append(values)
        elif i is not None:
            arrays.append(struct.field(i))  # type: ignore[union-attr]
        else:
            arrays.append(pa.nulls(n, pa.string()))
    return pa.RecordBatch.from_arrays(arrays, names=[ROW, *names])


def iter_xes_batches(path: str | Path, *, batch_rows: int = 50_000,
                     columns: Sequence[str] | None = None) -> Iterator[pa.RecordBatch]:
    """Stream an XES log (``.xes`` or gzip) as Arrow batches of at most ``batch_rows`` events.

    One row per ``<event>`` in file order; columns ``row`` (int64, 1-based event number) then the
    ``case:`` trace attributes and the event attributes, all strings as written in the file (see the
    module docstring). Without ``columns`` each batch has the keys seen in that batch; with
    ``columns`` (usually :func:`xes_columns` of the same file) every batch has ``row`` plus exactly
    those columns in that order, null where absent. Raises :class:`XESFormatError` on malformed XML,
    a root other than ``<log>`` or corrupt gzip data.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "tiny.xes"
    >>> _ = p.write_text('<log><trace><string key="concept:name" value="c1"/>'
    ...                  '<event><string key="concept:name" value="visit"/></event></trace></log>')
    >>> [b.to_pylist() for b in iter_xes_batches(p)]
    [[{'row': 1, 'case:concept:name': 'c1', 'concept:name': 'visit'}]]
    """
    cols = None if columns is None else list(columns)
    for chunk in _chunks(path, batch_rows):
        batch = _build_batch(chunk, cols)
        del chunk  # free this chunk's dicts before the next one is parsed
        yield batch


def xes_columns(path: str | Path) -> list[str]:
    """Every column :func:`iter_xes_batches` can produce for ``path`` (``row`` excluded).

    A streaming pass over the whole file (as long as reading it, no rows kept): trace (``case:``)
    columns first, then event columns, each in first-seen order. The ingestion layer calls it first and passes the result as
    ``iter_xes_batches(path, columns=...)`` so that all batches share one schema.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "tiny.xes"
    >>> _ = p.write_text('<log><trace><string key="concept:name" value="c1"/>'
    ...                  '<event><string key="concept:name" value="visit"/>'
    ...                  '<int key="cost" value="3"/></event></trace></log>')
    >>> xes_columns(p)
    ['case:concept:name', 'concept:name', 'cost']
    """
    case_keys: dict[str, None] = {}
    ev_keys: dict[str, None] = {}
    for events, runs, _ in _chunks(path, 50_000):
        evs, cases = _chunk_keys(events, _run_bounds(runs, len(events)))
        ev_keys.update(evs)
        case_keys.update(cases)
    return _column_names(ev_keys, case_keys)


# --------------------------------------------------------------------------------------------- writing

_EXTENSIONS = {  # prefix -> (name, uri), declared when a key with that prefix is written
    "concept": ("Concept", "http://www.xes-standard.org/concept.xesext"),
    "time": ("Time", "http://www.xes-standard.org/time.xesext"),
    "org": ("Organizational", "http://www.xes-standard.org/org.xesext"),
    "lifecycle": ("Lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
    "cost": ("Cost", "http://www.xes-standard.org/cost.xesext"),
}
_STRING_KEYS = {"concept:name", "org:resource", "org:role", "org:group", "lifecycle:transition",
                "lifecycle:state", "lifecycle:model", "concept:instance"}


def _iso(value: datetime | date) -> str:
    """``2011-10-01T00:38:44.546+00:00``: milliseconds (microseconds when needed), naive = UTC."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return value.isoformat(timespec=spec)


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _render(column: pa.ChunkedArray, key: str, *, as_date: bool) -> tuple[str, list[str | None]]:
    """The XES tag for a column and its values rendered as XES strings (None for nulls)."""
    t = column.type
    if pa.types.is_dictionary(t):
        column = column.cast(t.value_type)
        t = column.type
    if key in _STRING_KEYS:
        if pa.types.is_floating(t):
            return "string", [None if v is None else _float(v) for v in column.to_pylist()]
        if pa.types.is_boolean(t):
            return "string", [None if v is None else ("true" if v else "false")
                              for v in column.to_pylist()]
        if pa.types.is_timestamp(t) or pa.types.is_date(t):
            return "string", _render(column, "", as_date=True)[1]
        if not _is_text(t):
            column = column.cast(pa.string())
        return "string", column.to_pylist()
    if pa.types.is_timestamp(t):
        if t.unit == "ns":  # to_pylist would give pandas Timestamps; microseconds are enough
            column = pc.cast(column, pa.timestamp("us", t.tz), safe=False)
        return "date", [None if v is None else _iso(v) for v in column.to_pylist()]
    if pa.types.is_date(t):
        return "date", [None if v is None else _iso(v) for v in column.to_pylist()]
    if pa.types.is_boolean(t):
        return "boolean", [None if v is None else ("true" if v else "false")
                           for v in column.to_pylist()]
    if pa.types.is_integer(t):
        return "int", column.cast(pa.string()).to_pylist()
    if pa.types.is_floating(t):
        return "float", [None if v is None else _float(v) for v in column.to_pylist()]
    if pa.types.is_decimal(t):
        return "float", [None if v is None else str(v) for v in column.to_pylist()]
    if _is_text(t):
        return ("date" if as_date else "string"), column.to_pylist()
    if pa.types.is_null(t):
        return "string", [None] * len(column)
    return "string", [None if v is None else str(v) for v in column.to_pylist()]


def _case_order(case: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row order grouping cases by first appearance (stable within a case), group starts, codes."""
    encoded = pc.dictionary_encode(case.combine_chunks() if case.num_chunks != 1 else case.chunk(0))
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    if codes.size == 0:
        return codes, codes, codes
    uniq, first = np.unique(codes, return_index=True)
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(uniq.size)
    row_rank = rank[np.searchsorted(uniq, codes)]
    order = np.argsort(row_rank, kind="stable")
    sorted_rank = row_rank[order]
    starts = np.flatnonzero(np.r_[True, sorted_rank[1:] != sorted_rank[:-1]])
    return order, starts, codes[order]


@contextmanager
def _open_target(path: Path) -> Iterator[IO[bytes]]:
    """A temporary file next to ``path`` (gzip if it ends with .gz), moved into place on success."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as raw:
            if path.name.lower().endswith(".gz"):
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
                    yield gz
            else:
                yield raw
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_xes(table: pa.Table | pd.DataFrame, path: str | Path, *,
              case_column: str = "case:concept:name", activity_column: str = "concept:name",
              timestamp_column: str = "time:timestamp", resource_column: str = "org:resource") -> None:
    """Write ``table`` as an XES 1849-2016 log, one trace per case, streamed (gzip if ``.gz``).

    Traces follow the first appearance of each case, events keep their row order within a case.
    ``case_column`` becomes the trace ``concept:name``, the other ``case:<key>`` columns trace
    attributes (taken from the case's first row); the activity, timestamp and resource columns become
    ``concept:name``, ``time:timestamp`` and ``org:resource``; every other column an event attribute
    keyed by its name. Tags follow the Arrow types (``int``, ``float``, ``boolean``, ``date``,
    ``string``; a string timestamp column is written verbatim as ``date``); timestamps are ISO 8601
    with an offset, naive ones taken as UTC; nulls are omitted. Rows with a null case become events
    outside any trace. A ``row`` column (the reader's position) is not written, and ``event:row`` is
    written back as ``row``, so that reading what was written gives the same rows.

    >>> import tempfile, pathlib, pandas as pd
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.xes.gz"
    >>> df = pd.DataFrame({"case:concept:name": ["c1", "c2", "c1"], "concept:name": ["a", "b", "c"],
    ...                    "time:timestamp": pd.to_datetime(["2024-01-01 10:00"] * 3), "cost": [1, 2, 3]})
    >>> write_xes(df, p)
    >>> [r["concept:name"] for b in iter_xes_batches(p) for r in b.to_pylist()]
    ['a', 'c', 'b']
    """
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    if not isinstance(table, pa.Table):
        raise TypeError(f"write_xes takes a pyarrow.Table or a pandas.DataFrame, not {type(table).__name__}")
    for i, field in enumerate(table.schema):  # Arrow has no take() for string views yet
        if pa.types.is_string_view(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.large_string()))
    path = Path(path)
    names = table.column_names
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: the table has duplicate column names: {names}")
    if case_column not in names:
        raise ValueError(f"{path}: the case column {case_column!r} is not in the table "
                         f"(columns: {', '.join(names)}); pass case_column=")

    trace_plan: list[tuple[str, str]] = [(case_column, "concept:name")]  # (column, XES key)
    trace_plan += [(c, c[len("case:"):]) for c in names if c.startswith("case:") and c != case_column]
    event_plan: list[tuple[str, str]] = []
    for column, key in ((activity_column, "concept:name"), (timestamp_column, "time:timestamp"),
                        (resource_column, "org:resource")):
        if column in names and column != case_column:
            event_plan.append((column, key))
    taken = {c for c, _ in trace_plan} | {c for c, _ in event_plan}
    event_plan += [(c, ROW if c == _RENAMED_ROW else c) for c in names if c not in taken and c != ROW]
    for what, plan in (("trace", trace_plan), ("event", event_plan)):
        keys = [k for _, k in plan]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"{path}: several columns would become the {what} attribute(s) "
                             f"{', '.join(dupes)}: {[c for c, k in plan if k in dupes]}; rename one")

    order, starts, codes = _case_order(table[case_column])
    table = table.take(pa.array(order))
    traces = [(key, *_render(table[c], key, as_date=False)) for c, key in trace_plan]
    events = [(key, *_render(table[c], key, as_date=(c == timestamp_column))) for c, key in event_plan]
    prefixes = {k.split(":", 1)[0] for k, _, _ in traces + events if ":" in k}
    n = table.num_rows
    ends = [*starts[1:].tolist(), n]

    def attribute(parent: Any, xes_tag: str, key: str, value: str, i: int) -> Any:
        """``<xes_tag key=... value=.../>``, under ``parent`` unless it is None."""
        try:
            if parent is None:
                return etree.Element(xes_tag, {"key": key, "value": value})
            return etree.SubElement(parent, xes_tag, {"key": key, "value": value})
        except ValueError as exc:  # control characters XML cannot carry
            raise ValueError(f"{path}: attribute {key!r} of row {int(order[i]) + 1} cannot be "
                             f"written as XML: {exc}") from None

    def element(tag: str, rows: list[tuple[str, str, list[str | None]]], i: int, indent: str) -> Any:
        """One <event> or <trace> element (the trace without its events) with its attributes."""
        elem = etree.Element(tag)
        inner = indent + "\t"
        child = None
        for key, xes_tag, values in rows:
            value = values[i]
            if value is not None:
                child = attribute(elem, xes_tag, key, value, i)
                child.tail = inner
        if child is not None:
            elem.text = inner
            child.tail = indent
        return elem

    with _open_target(path) as out, etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{XES_NAMESPACE}}}log", {"xes.version": "1849-2016"},
                        nsmap={None: XES_NAMESPACE}):
            for prefix in sorted(prefixes & _EXTENSIONS.keys()):
                name, uri = _EXTENSIONS[prefix]
                xf.write("\n\t")
                xf.write(etree.Element("extension", {"name": name, "prefix": prefix, "uri": uri}))
            if any(k == "concept:name" for k, _, _ in events):
                xf.write("\n\t")
                xf.write(etree.Element("classifier", {"name": "Activity", "keys": "concept:name"}))
            for start, end in zip(starts.tolist(), ends):
                if codes[start] < 0:  # null case: events outside any trace
                    for i in range(start, end):
                        xf.write("\n\t")
                        xf.write(element("event", events, i, "\n\t"))
                    continue
                xf.write("\n\t")
                with xf.element("trace"):
                    for key, xes_tag, values in traces:
                        value = values[start]
                        if value is not None:
                            xf.write("\n\t\t")
                            xf.write(attribute(None, xes_tag, key, value, start))
                    for i in range(start, end):
                        xf.write("\n\t\t")
                        xf.write(element("event", events, i, "\n\t\t"))
                    xf.write("\n\t")
            xf.write("\n")
