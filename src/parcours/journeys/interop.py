"""Interop: the events as a pm4py dataframe or an XES log, for process-mining tools (pm4py, ProM, Celonis).

Both exports share one layout, pm4py's: ``case:concept:name`` (the case, or the customer),
``concept:name`` (activity), ``time:timestamp`` (UTC), ``org:resource`` (agent), ``channel`` and
``event_id``, optionally the JSON ``properties`` expanded into one column per key (so a log read
from XES or from a pm4py CSV gets its ``lifecycle:transition`` or ``case:...`` attributes back).

Rows come ordered by ``(case, timestamp, seq)``, sorted by the engine: events at the same time keep
their source order. That order is the contract: pm4py breaks timestamp ties by row order too
(``format_dataframe`` sorts on case, time, then the row index; ``discover_dfg`` sorts stably), and
``get_variants`` on a frame that did not go through ``format_dataframe`` reads each case's rows as
they come, so a frame in any other order gives other variants.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "log.csv").write_text("case:concept:name,concept:name,time:timestamp\\n"
...     "c2,a,2024-01-01T12:00:00+02:00\\nc1,b,2024-01-01T09:00:00Z\\nc1,a,2024-01-01T09:00:00Z\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "log.csv")
>>> df = to_pm4py(ws.events)
>>> df[["case:concept:name", "concept:name"]].values.tolist()
[['c1', 'b'], ['c1', 'a'], ['c2', 'a']]
>>> df["time:timestamp"].astype(str).tolist()
['2024-01-01 09:00:00+00:00', '2024-01-01 09:00:00+00:00', '2024-01-01 10:00:00+00:00']
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from parcours.errors import ParcoursError
from parcours.ingest.xes import _open_target, write_xes

__all__ = ["COLUMNS", "ExportError", "export_xes", "to_pm4py"]

CASE, ACTIVITY, TIMESTAMP, RESOURCE = "case:concept:name", "concept:name", "time:timestamp", "org:resource"

#: The columns of the pm4py layout, in order (property columns, if asked, come after them).
COLUMNS = (CASE, ACTIVITY, TIMESTAMP, RESOURCE, "channel", "event_id")

_BY = {"case": "case_id", "customer": "customer_id"}
_BATCH_ROWS = 100_000  # rows per Arrow batch read from the engine, and per write_xes call
_FOOTER = b"\n</log>"  # how write_xes ends a log; checked on every chunk it writes


class ExportError(ParcoursError, ValueError):
    """Events that cannot be exported as asked (an unknown ``by``, a missing column)."""


def to_pm4py(events: ibis.Table, *, by: str = "case", properties: bool = False) -> pd.DataFrame:
    """The events as a pandas DataFrame in pm4py's layout, ready for ``pm4py.discover_dfg`` and co.

    ``by="case"`` makes each case a pm4py case and leaves out events without a ``case_id``;
    ``by="customer"`` makes each customer's whole journey one case (every event is kept).
    ``time:timestamp`` is tz-aware UTC, as ``pm4py.format_dataframe`` makes it. Rows are ordered
    by ``(case, timestamp, seq)``: ties keep their source order, which pm4py also respects.
    ``properties=True`` adds one column per key of the JSON ``properties`` (named
    ``properties:<key>`` if the key is already a column).

    >>> import parcours, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "ev.csv").write_text("customer_id,timestamp,activity,case_id,agent,note\\n"
    ...     "u1,2024-01-01T10:00:00Z,open,k1,ana,\\nu1,2024-01-02T10:00:00Z,call,,,urgent\\n")
    >>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "ev.csv")
    >>> to_pm4py(ws.events)[["case:concept:name", "concept:name", "org:resource"]].values.tolist()
    [['k1', 'open', 'ana']]
    >>> df = to_pm4py(ws.events, by="customer", properties=True)
    >>> df["case:concept:name"].nunique(), df[["concept:name", "note"]].fillna("-").values.tolist()
    (1, [['open', '-'], ['call', 'urgent']])
    >>> str(df["time:timestamp"].dtype)
    'datetime64[us, UTC]'
    """
    table = _layout(events, by, properties).to_pyarrow()
    if properties:
        parsed = _parse(table["properties"])
        table = _finish(table, list(dict.fromkeys(k for row in parsed for k in row)), parsed, xes=False)
    else:
        table = _finish(table, [], [], xes=False)
    return table.to_pandas()


def export_xes(events: ibis.Table, path: str | Path, *, by: str = "case", properties: bool = False) -> int:
    """Write the events as an XES log at ``path`` (gzip if it ends in ``.gz``); return the events written.

    One trace per case (``by="case"``, events without a case left out) or per customer
    (``by="customer"``), events in ``(timestamp, seq)`` order: the rows of :func:`to_pm4py`, written
    by :func:`parcours.ingest.xes.write_xes`. The events stream from the engine in Arrow batches,
    so memory holds one batch (and the largest case), not the log (on DuckDB; Ibis's PySpark
    backend collects the whole result first). ``properties=True`` writes each key of the JSON
    ``properties`` as an event attribute (``case:<key>`` as a trace attribute).

    >>> import parcours, tempfile, pathlib
    >>> from parcours.ingest.xes import iter_xes_batches
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "log.csv").write_text("case:concept:name,concept:name,time:timestamp\\n"
    ...     "c1,réclamation,2024-01-01T10:00:00Z\\nc2,a,2024-01-01T09:00:00Z\\nc1,b,2024-01-01T09:00:00Z\\n")
    >>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "log.csv")
    >>> export_xes(ws.events, d / "out.xes.gz")
    3
    >>> [(r["case:concept:name"], r["concept:name"]) for b in iter_xes_batches(d / "out.xes.gz")
    ...  for r in b.to_pylist()]
    [('c1', 'b'), ('c1', 'réclamation'), ('c2', 'a')]
    """
    path = Path(path)
    expr = _layout(events, by, properties)
    keys = _property_keys(events) if properties else []
    batches = expr.to_pyarrow_batches(chunk_size=_BATCH_ROWS)
    written = 0
    with tempfile.TemporaryDirectory(prefix=".parcours-xes-", dir=path.parent) as tmp, \
            _open_target(path) as out:
        scratch = Path(tmp) / "chunk.xes"
        empty = _finish(batches.schema.empty_table(), keys, [], xes=True)
        header = _write_chunk(empty, scratch)
        if not header.endswith(_FOOTER):
            raise RuntimeError(f"write_xes no longer ends a log with {_FOOTER!r}; update interop.py")
        header = header[: -len(_FOOTER)]
        out.write(header)
        for chunk in _whole_cases(batches):
            table = _finish(chunk, keys, _parse(chunk["properties"]) if properties else [], xes=True)
            data = _write_chunk(table, scratch)
            if not (data.startswith(header) and data.endswith(_FOOTER)):
                raise RuntimeError("write_xes wrote a different header for a chunk; update interop.py")
            out.write(data[len(header): -len(_FOOTER)])
            written += table.num_rows
        out.write(_FOOTER)
    return written


def _layout(events: ibis.Table, by: str, properties: bool) -> ibis.Table:
    """The ordered layout as an Ibis expression; ``time:timestamp`` still naive UTC."""
    if by not in _BY:
        raise ExportError(f"by must be 'case' or 'customer', not {by!r}")
    key = _BY[by]
    needed = [key, "activity", "timestamp", "seq", "agent", "channel", "event_id"]
    needed += ["properties"] if properties else []
    missing = [c for c in needed if c not in events.columns]
    if missing:
        raise ExportError(f"the events table has no column(s) {', '.join(missing)}; "
                          f"available: {', '.join(events.columns)}. Pass the workspace's events "
                          f"(ws.events, filtered if you like)")
    rows = events.filter(events[key].notnull())
    rows = rows.order_by([rows[key], rows.timestamp, rows.seq, rows.event_id])
    cols = {CASE: rows[key].cast("string"), ACTIVITY: rows.activity, TIMESTAMP: rows.timestamp,
            RESOURCE: rows.agent, "channel": rows.channel, "event_id": rows.event_id}
    if properties:
        cols["properties"] = rows.properties
    return rows.select(**cols)


def _whole_cases(batches: Iterable[pa.RecordBatch]) -> Iterable[pa.Table]:
    """Regroup ordered batches so that no case is split between two tables (none is empty)."""
    pending: pa.Table | None = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        table = pa.Table.from_batches([batch])
        if pending is not None:
            table = pa.concat_tables([pending, table])
        case = table[CASE]
        tail = pc.sum(pc.equal(case, case[-1])).as_py()  # rows are grouped by case: the last run
        if tail < table.num_rows:
            yield table.slice(0, table.num_rows - tail)
        pending = table.slice(table.num_rows - tail)
    if pending is not None:
        yield pending


def _write_chunk(table: pa.Table, scratch: Path) -> bytes:
    """What :func:`write_xes` writes for ``table``, as bytes."""
    write_xes(table, scratch, case_column=CASE, activity_column=ACTIVITY, timestamp_column=TIMESTAMP,
              resource_column=RESOURCE)
    return scratch.read_bytes()


def _parse(column: pa.ChunkedArray) -> list[dict[str, Any]]:
    """Each row's JSON properties as a dict (empty for null)."""
    return [json.loads(s) if s else {} for s in column.to_pylist()]


def _property_keys(events: ibis.Table) -> list[str]:
    """Every key of the JSON properties, in order of first appearance among the distinct values."""
    distinct = events.select("properties").distinct()
    values = distinct.order_by(distinct.properties).properties.to_pyarrow()
    return list(dict.fromkeys(k for row in _parse(values) for k in row))


def _finish(table: pa.Table, keys: list[str], parsed: list[dict[str, Any]], *, xes: bool) -> pa.Table:
    """Timestamps labelled UTC, ``properties`` replaced by one column per key."""
    ts = table[TIMESTAMP]
    utc = pa.timestamp(ts.type.unit, "UTC")
    table = table.set_column(table.schema.get_field_index(TIMESTAMP), TIMESTAMP, ts.cast(utc))
    if "properties" not in table.column_names:
        return table
    table = table.drop_columns(["properties"])
    taken = set(table.column_names)
    for key in keys:
        name = f"properties:{key}" if key in taken else key
        if xes and name == "row":  # write_xes skips "row" (its reader's position) and writes this as "row"
            name = "event:row"
        table = table.append_column(name, _values([row.get(key) for row in parsed], table.num_rows))
        taken.add(name)
    return table


def _values(values: list[Any], n: int) -> pa.Array:
    """One property as an Arrow array: its JSON type if consistent and flat, else JSON text."""
    if not values:
        return pa.nulls(n, pa.string())
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = None
    if array is None or pa.types.is_nested(array.type):
        return pa.array([v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                         for v in values], pa.string())
    if pa.types.is_null(array.type):
        return array.cast(pa.string())
    return array
