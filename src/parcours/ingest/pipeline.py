"""Ingest one source file into the warehouse: stage, map, validate, stitch, de-duplicate, write.

One file's ingestion is one transaction on DuckDB: a file that cannot be read fails before
anything is written, and a failure while writing rolls everything back, so the warehouse is
exactly as it was. Re-ingesting the same file (same bytes, same mapping) is skipped; ingesting
rows already stored (an overlapping export) adds nothing, since every row's key is given or
derived from its content. Staging and validation run in DuckDB; the writes are Ibis expressions
over the warehouse, so another engine only changes where the rows land.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import ibis
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from parcours.config import Mapping
from parcours.errors import IngestError, UnreadableFileError
from parcours.ingest import identity
from parcours.ingest.mapping import anchor, build_mapped, hash_fingerprint
from parcours.ingest.readers import detect_format, stage
from parcours.ingest.sql import ident, lit
from parcours.schema import KEYS, TABLE_SCHEMAS, TIME_COLUMNS
from parcours.warehouse import drop_scratch, is_duckdb, temp_name, transaction, upload_scratch

Progress = Callable[[str], None]


@dataclass
class IngestResult:
    """What one file's ingestion did (also stored as a row of the ``ingestions`` table)."""

    path: str
    table: str
    source: str
    ingestion_id: str | None = None
    rows_read: int = 0
    added: int = 0
    duplicates: int = 0
    updated: int = 0
    quarantined: int = 0
    merges: int = 0
    new_customers: int = 0
    seconds: float = 0.0
    skipped: bool = False
    reasons: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.skipped:
            return f"{self.path}: already ingested with this mapping, skipped"
        why = ", ".join(f"{n} {r}" for r, n in sorted(self.reasons.items(), key=lambda x: -x[1]))
        return (f"{self.path} → {self.table}: {self.rows_read:,} rows read, {self.added:,} added, "
                f"{self.duplicates:,} duplicates, {self.updated:,} updated, {self.quarantined:,} quarantined"
                + (f" ({why})" if why else "") + (f", {self.merges} customers merged" if self.merges else ""))


def _repeat(value, n: int, type_: pa.DataType | None = None) -> pa.Array:
    """``n`` copies of ``value`` (text unless ``type_`` says) as an Arrow array, no Python list of ``n``."""
    return pa.repeat(pa.scalar(value, type_ or pa.string()), n)


def content_hash(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


@contextlib.contextmanager
def _session_timezone(raw: duckdb.DuckDBPyConnection, tz: str) -> Iterator[None]:
    before = raw.execute("SELECT current_setting('TimeZone')").fetchone()[0]
    raw.execute(f"SET TimeZone = {lit(tz)}")
    try:
        yield
    finally:
        raw.execute(f"SET TimeZone = {lit(before)}")


def ingest_file(con: BaseBackend, path: str | Path, mapping: Mapping, *, timezone: str = "UTC",
                country_code: str = "33", source: str | None = None, force: bool = False,
                progress: Progress | None = None) -> IngestResult:
    """Ingest one file (or SQL table) into ``con`` following ``mapping``.

    Two passes over the mapped rows, both streamed from the staged source (nothing is copied in
    between): one aggregate gives the file's identifier graph, its repeated keys and its failing
    rows; then one INSERT writes the valid rows, attached to their customers, minus the copies.
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    path = Path(path)
    fmt = detect_format(path, mapping)
    name = source or mapping.source or (mapping.sql.table if fmt == "sql" and mapping.sql else
                                        path.name.split(".")[0])
    shown = f"{mapping.sql.url}#{mapping.sql.table}" if fmt == "sql" and mapping.sql else str(path)
    result = IngestResult(path=shown, table=mapping.table, source=name)
    if fmt != "sql" and not path.is_file():
        raise UnreadableFileError(f"{path}: file not found")
    say(f"checking {path.name}")
    mhash = hashlib.sha256(mapping.model_dump_json().encode()).hexdigest()[:16]
    chash: str | None = None
    hashing: Future[str] | None = None
    if fmt != "sql":
        done = con.table("ingestions")
        same = done.filter((done.mapping_hash == mhash) & (done.table_name == mapping.table))
        if not force and same.count().execute():
            chash = content_hash(path)
            if same.filter(same.content_hash == chash).count().execute():
                result.skipped = True
                return result
        else:
            # No file went through this mapping yet (or the ingestion is forced): this one is not
            # skipped, and its hash, needed only when the rows are written, is computed while
            # DuckDB reads the file (hashlib lets other threads run).
            pool = ThreadPoolExecutor(1, thread_name_prefix="parcours-hash")
            hashing = pool.submit(content_hash, path)
            pool.shutdown(wait=False)

    stage_con = con if is_duckdb(con) else ibis.duckdb.connect()
    raw = stage_con.con
    check_row_keys(con, raw)
    say(f"reading {path.name}")
    staged = stage(raw, path, fmt, mapping)
    wh_scratch: list[str] = []
    scratch: list[str] = []
    mapped = None
    result.rows_read = staged.rows_read
    result.ingestion_id = uuid.uuid4().hex[:16]
    now = datetime.now(UTC).replace(tzinfo=None)
    base = 0
    if "seq" in TABLE_SCHEMAS[mapping.table].names:
        top = con.table(mapping.table).seq.max().execute()
        base = 0 if top is None or pd.isna(top) else int(top)
    tz = mapping.timezone or timezone
    try:
        with _session_timezone(raw, tz):
            say(f"validating {path.name}")
            mapped = build_mapped(raw, staged.table, staged.columns, mapping, path=shown, source=name,
                                  timezone=tz, country_code=country_code)
            profile = _profile(raw, mapped, mapping, scratch)
            say(f"stitching identities of {path.name}")
            stitched = identity.stitch(raw, profile.pairs, mapped.kinds, _lookup(con, raw))
            idmap = stitched.idmap
            scratch.append(idmap)
            if hashing is not None:
                chash = hashing.result()
            quarantine = _quarantine_rows(raw, staged, profile.failed, mapping, shown, name, chash,
                                          result.ingestion_id, now)
            result.quarantined = len(set(quarantine.column("row").to_pylist()))
            for r in quarantine.column("reason").to_pylist():
                result.reasons[r] = result.reasons.get(r, 0) + 1
            rows = _final_rows(raw, con, mapped, idmap, profile, mapping, name, result.ingestion_id,
                               base, scratch, wh_scratch)
            say(f"writing {path.name}")
            with transaction(con):
                _apply_merges(con, stitched.merges, result.ingestion_id, now)
                result.merges = stitched.merges.num_rows
                _add_identities(con, raw, stitched, name, result.ingestion_id, now)
                added, dups, updated = _write_rows(con, mapping.table, rows, profile.valid - profile.within,
                                                   profile.key_range)
                result.added = added
                result.duplicates = dups + profile.within
                result.updated = updated
                result.new_customers = _add_missing_customers(con, raw, stitched, name, result.ingestion_id, now)
                if quarantine.num_rows:
                    _insert_quarantine(con, quarantine)
                result.seconds = time.perf_counter() - started
                con.insert("ingestions", pa.table({
                    "ingestion_id": [result.ingestion_id], "table_name": [mapping.table], "source": [name],
                    "path": [shown], "content_hash": pa.array([chash], pa.string()), "mapping_hash": [mhash],
                    "format": [fmt], "rows_read": [result.rows_read], "added": [result.added],
                    "duplicates": [result.duplicates], "updated": [result.updated],
                    "quarantined": [result.quarantined], "merges": [result.merges],
                    "started_at": pa.array([now], pa.timestamp("us")), "seconds": [result.seconds],
                }, schema=TABLE_SCHEMAS["ingestions"].to_pyarrow()))
    finally:
        for t in reversed(scratch):  # views depend on tables: drop in reverse order of creation
            is_view = t.startswith("_parcours_rows")
            raw.execute(f"DROP {'VIEW' if is_view else 'TABLE'} IF EXISTS {ident(t)}")
        if mapped is not None:
            mapped.drop(raw)
        staged.drop(raw)
        for t in wh_scratch:
            drop_scratch(con, t)
    return result


@dataclass
class _Profile:
    """What one aggregate pass over a mapped file tells: its identifier graph, copies, failures."""

    pairs: str  # scratch table: __ak, __av, id__<kind>…, first, n (valid rows, distinct)
    repeated: str  # scratch table: k, keep (the first row of each key seen more than once)
    failed: str  # scratch table: __row, __reason, __column, __value, __detail
    valid: int
    within: int  # valid rows that repeat an earlier row of the file
    key_range: tuple[str, str] | None = None  # smallest and largest text key of the rows (or wider)


def _profile(raw: duckdb.DuckDBPyConnection, mapped, mapping: Mapping, scratch: list[str]) -> _Profile:
    """One pass over the mapped rows, three small results (DuckDB runs the grouping sets together).

    Valid rows are grouped by their identifiers (the stitching graph) and by key (copies within the
    file); failing rows are kept one by one with their reason. Each result is as small as the
    file's distinct customers, copies and failures, however many rows the file has.
    """
    m = ident(mapped.table)
    ids = [ident("id__" + k) for k in mapped.kinds]
    time_col = TIME_COLUMNS.get(mapping.table)
    t = ident(time_col) if time_col in mapped.columns else "CAST(NULL AS TIMESTAMP)"
    prof = temp_name("profile")
    # Grouped by the identifiers alone: the anchor follows from them, and is made for each group
    # afterwards rather than hashed with every row (an eighth of the web export's profile).
    id_set = ", ".join(ids)
    fail_set = "r, __reason, __column, __value, __detail"
    # Keys only for valid rows and row numbers only for failing ones: the other rows fall into one
    # NULL group, so no grouping set holds a group per row of the file.
    raw.execute(
        f"CREATE TEMP TABLE {ident(prof)} AS SELECT ok, grouping(k) = 0 AS by_key, grouping(r) = 0 AS by_row, "
        f"{id_set}, k, {fail_set}, min(t) AS first, min(__row) AS keep, count(*) AS n FROM ("
        f"SELECT __reason IS NULL AS ok, {id_set}, CASE WHEN __reason IS NULL THEN __gk END AS k, "
        f"CASE WHEN __reason IS NOT NULL THEN __row END AS r, __reason, __column, __value, __detail, "
        f"{t} AS t, __row FROM {m}) "
        f"GROUP BY GROUPING SETS ((ok, {id_set}), (k), ({fail_set})) HAVING grouping(k) = 1 OR count(*) > 1")
    scratch.append(prof)
    pairs, repeated, failed = temp_name("pairs"), temp_name("repeated"), temp_name("failed")
    p = ident(prof)
    ak, av = anchor(mapped.kinds)
    raw.execute(f"CREATE TEMP TABLE {ident(pairs)} AS SELECT {ak} AS __ak, {av} AS __av, {id_set}, first, n FROM {p} "
                f"WHERE ok AND NOT by_key AND NOT by_row")
    raw.execute(f"CREATE TEMP TABLE {ident(repeated)} AS SELECT k, keep, n - 1 AS extra FROM {p} "
                f"WHERE by_key AND k IS NOT NULL")
    raw.execute(f"CREATE TEMP TABLE {ident(failed)} AS SELECT r AS __row, __reason, __column, __value, __detail "
                f"FROM {p} WHERE by_row AND r IS NOT NULL ORDER BY r")
    scratch += [pairs, repeated, failed]
    valid, within = raw.execute(
        f"SELECT (SELECT coalesce(sum(n), 0) FROM {ident(pairs)}), "
        f"(SELECT coalesce(sum(extra), 0) FROM {ident(repeated)})").fetchone()
    raw.execute(f"DROP TABLE {p}")
    scratch.remove(prof)
    return _Profile(pairs, repeated, failed, int(valid), int(within), _key_range(raw, mapped))


#: Every hash key (``row_hash``: lower-case hex, at most 16 digits) sorts within this range.
_HASH_KEYS = ("0", "f" * 16)


def _key_range(raw: duckdb.DuckDBPyConnection, mapped) -> tuple[str, str] | None:
    """The smallest and largest text key of a file's rows (given ids), or None for hash keys.

    It often spares the write a pass: a file whose keys fall where nothing is stored has no row
    stored already. Read from the given ids alone (a key is the source's prefix + the id, so the
    order is the ids' order), not from the keys: a min and max over text in the profile pass cost
    it a third more (0.35-0.5 s for the 750k orders), and the keys would evaluate the whole row.
    The range is taken over every row, failing ones included: wider, so still safe to skip by.
    """
    if not mapped.text_keys:
        return None
    m = ident(mapped.table)
    if mapped.given_key is None:  # keys of identical rows numbered: a table already, read as is
        lo, hi = raw.execute(f"SELECT min(__gk), max(__gk) FROM {m}").fetchone()
    else:
        g = ident(mapped.given_key)
        lo, hi, hashed = raw.execute(f"SELECT min({g}), max({g}), count(*) FILTER ({g} IS NULL) FROM {m}").fetchone()
        if lo is not None:
            lo, hi = mapped.key_prefix + lo, mapped.key_prefix + hi
        if hashed:  # rows without an id are keyed by their hash
            lo, hi = min(lo or _HASH_KEYS[0], _HASH_KEYS[0]), max(hi or _HASH_KEYS[1], _HASH_KEYS[1])
    return (lo, hi) if lo is not None and hi is not None else None


def check_row_keys(con: BaseBackend, raw: duckdb.DuckDBPyConnection) -> None:
    """Record the row-key function's fingerprint, or fail if this DuckDB computes other keys.

    Content keys come from DuckDB's ``hash``; a release that changed it would key the same row
    differently, and re-ingested files would come back as new rows. Better to stop and say so.
    """
    mine = hash_fingerprint(raw)
    meta = con.table("meta")
    known = meta.filter(meta.key == "row_key").value.to_pyarrow().to_pylist()
    if not known:
        con.insert("meta", ibis.memtable({"key": ["row_key"], "value": [mine]}, schema=TABLE_SCHEMAS["meta"]))
    elif known[0] != mine:
        raise IngestError(
            f"this DuckDB ({duckdb.__version__}) computes row keys differently from the one that built this "
            f"warehouse (fingerprint {mine}, warehouse {known[0]}): ingesting now could store rows twice. "
            f"Install the DuckDB release the warehouse was built with.")


def _lookup(con: BaseBackend, raw: duckdb.DuckDBPyConnection) -> Callable[[str], str | pa.Table]:
    """The known identities among a file's nodes (a scratch table of ``raw``), for ``identity.stitch``.

    When the warehouse is the staging DuckDB itself, a join there; otherwise the nodes go to the
    warehouse and the known identities come back as Arrow.
    """
    def lookup(nodes: str) -> str | pa.Table:
        if _same_duckdb(con, raw):
            return (f"(SELECT i.kind, i.identifier, i.customer_id FROM identities i SEMI JOIN {ident(nodes)} n "
                    f"ON i.kind = n.kind AND i.identifier = n.identifier)")
        ids = con.table("identities")
        known = ibis.memtable(raw.execute(f"SELECT kind, identifier FROM {ident(nodes)}").to_arrow_table())
        hit = ids.semi_join(known, [ids.kind == known.kind, ids.identifier == known.identifier])
        return hit.select("kind", "identifier", "customer_id").to_pyarrow()
    return lookup


def _final_rows(raw: duckdb.DuckDBPyConnection, con: BaseBackend, mapped, idmap: str, profile: _Profile,
                mapping: Mapping, source: str, ingestion_id: str, base: int, scratch: list[str],
                wh_scratch: list[str]) -> ibis.Table:
    """The valid rows in the target table's layout, first copies only, as a table in the warehouse.

    On DuckDB this is a view over the mapped rows (nothing copied); another engine gets them
    uploaded as a scratch table.
    """
    table = mapping.table
    schema = TABLE_SCHEMAS[table]
    select = []
    for col, dtype in schema.items():
        if col == "customer_id":
            expr = "i.customer_id"
        elif col == "seq":
            expr = f"{base} + m.__row"
        elif col == "source":
            expr = lit(source)
        elif col == "ingestion_id":
            expr = lit(ingestion_id)
        elif col == KEYS.get(table) and table != "customers":
            expr = "m.__key"
        elif col == "attributes":
            expr = "m.properties"
        elif col == "updated_at":
            expr = "now()::TIMESTAMP"
        elif col in mapped.constants:
            expr = lit(mapped.constants[col])
        elif col in mapped.columns or col == "properties":
            expr = f"m.{ident(col)}"
        else:
            expr = "NULL"
        select.append(f"CAST({expr} AS {dtype_sql(dtype)}) AS {ident(col)}")
    name = temp_name("rows")
    # The failing rows are left out by their number, as the profile found them: a filter on the
    # checks themselves would be pushed down into the mapping and evaluate it a second time.
    query = (f"SELECT {', '.join(select)} FROM {ident(mapped.table)} m "
             f"JOIN {ident(idmap)} i ON i.kind = m.__ak AND i.identifier = m.__av "
             f"LEFT JOIN {ident(profile.repeated)} r ON r.k = m.__gk "  # later copies of a key are left out
             f"LEFT JOIN {ident(profile.failed)} f ON f.__row = m.__row "
             f"WHERE f.__row IS NULL AND (r.keep IS NULL OR r.keep = m.__row)")
    if is_duckdb(con):
        raw.execute(f"CREATE TEMP VIEW {ident(name)} AS {query}")
        scratch.append(name)
        return con.table(name)
    data = raw.execute(query).to_arrow_table()
    upload_scratch(con, name, data)
    wh_scratch.append(name)
    return con.table(name)


def dtype_sql(dtype) -> str:
    if dtype.is_timestamp():
        return "TIMESTAMP"
    if dtype.is_float64():
        return "DOUBLE"
    if dtype.is_int64():
        return "BIGINT"
    return "VARCHAR"


def _write_rows(con: BaseBackend, table: str, rows: ibis.Table, total: int,
                key_range: tuple[str, str] | None = None) -> tuple[int, int, int]:
    """Insert the rows whose key is not stored yet; upsert changed cases and customers.

    ``rows`` holds ``total`` rows with distinct keys, all within ``key_range`` when it is given.
    Returns (added, duplicates, updated).
    """
    key = KEYS[table]
    schema = TABLE_SCHEMAS[table]
    target = con.table(table)
    before = target.count().execute()
    overlap = bool(before)
    if overlap and key_range is not None:
        # No stored key within the file's range (another source's namespace, say): no row of the
        # file can be stored already, and neither pass below is needed. DuckDB answers from its
        # blocks' key ranges without reading the keys.
        overlap = bool(target.filter(target[key].between(*key_range)).limit(1).count().execute())
    updated = 0
    if overlap and table in ("cases", "customers"):
        compared = [c for c in schema.names if c not in ("ingestion_id", "updated_at", "source")]
        existing = rows.semi_join(target, rows[key] == target[key])
        other = target.view()
        changed = existing.anti_join(other, [existing[c].identical_to(other[c]) for c in compared])
        changed_keys = changed.select(key).to_pyarrow()
        updated = changed_keys.num_rows
        if updated:
            _delete_keys(con, table, key, changed_keys)
            target = con.table(table)
    new = rows
    if overlap:
        # The file's keys already stored, by an inner join: the engine hashes the file's keys (the
        # smaller side) and only scans the stored ones, skipping on DuckDB the blocks whose key range
        # cannot match. An anti join would hash every stored key, for each file.
        mine = rows.select(k=rows[key])
        stored = mine.join(target.select(k=target[key]), "k").select("k").to_pyarrow()
        if stored.num_rows:
            known = ibis.memtable(stored)
            new = rows.anti_join(known, rows[key] == known.k)
    con.insert(table, new.select(schema.names))
    added = con.table(table).count().execute() - before  # updated rows replaced their old version
    return added, total - added - updated, updated


def _delete_keys(con: BaseBackend, table: str, key: str, keys: pa.Table) -> None:
    """Remove the rows whose key is in ``keys`` (to replace them with a newer version)."""
    if is_duckdb(con):
        name = temp_name("keys")
        con.con.register(name, keys)
        con.con.execute(f"DELETE FROM {ident(table)} WHERE {ident(key)} IN (SELECT {ident(key)} FROM {ident(name)})")
        con.con.unregister(name)
        return
    t = con.table(table)
    k = ibis.memtable(keys)
    con.create_table(table, t.anti_join(k, t[key] == k[key]).to_pyarrow(), overwrite=True)


def _apply_merges(con: BaseBackend, merges: pa.Table, ingestion_id: str, now: datetime) -> None:
    """Point every row of a merged customer at the customer it merged into, and record it."""
    if not merges.num_rows:
        return
    if is_duckdb(con):
        name = temp_name("merges")
        con.con.register(name, merges)
        # The surviving customer keeps the earliest creation date and fills its blanks from the others.
        con.con.execute(
            f"UPDATE customers SET created_at = least(customers.created_at, x.created_at), "
            f"segment = coalesce(customers.segment, x.segment), region = coalesce(customers.region, x.region) "
            f"FROM (SELECT m.into_id, min(c.created_at) AS created_at, min(c.segment) AS segment, "
            f"min(c.region) AS region FROM {ident(name)} m JOIN customers c ON c.customer_id = m.merged_id "
            f"GROUP BY m.into_id) x WHERE customers.customer_id = x.into_id")
        con.con.execute(f"DELETE FROM customers WHERE customer_id IN (SELECT merged_id FROM {ident(name)})")
        for table in ("identities", "events", "feedback", "cases"):
            con.con.execute(
                f"UPDATE {ident(table)} SET customer_id = m.into_id FROM {ident(name)} m "
                f"WHERE {ident(table)}.customer_id = m.merged_id"
            )
        con.con.unregister(name)
    else:
        m = ibis.memtable(merges)
        cust = con.table("customers")
        j = cust.left_join(m, cust.customer_id == m.merged_id)
        j = j.mutate(customer_id=ibis.coalesce(j.into_id, j.customer_id))
        # The surviving customer keeps the earliest creation date and fills its blanks from the others.
        survivor = (j.into_id.isnull()).cast("int8")
        agg = j.group_by("customer_id").aggregate(
            created_at=j.created_at.min(), segment=j.segment.argmax(survivor), region=j.region.argmax(survivor),
            attributes=j.attributes.argmax(survivor), updated_at=j.updated_at.max(),
            source=j.source.argmax(survivor), ingestion_id=j.ingestion_id.argmax(survivor))
        con.create_table("customers", agg.select(TABLE_SCHEMAS["customers"].names).to_pyarrow(), overwrite=True)
        for table in ("identities", "events", "feedback", "cases"):
            t = con.table(table)
            j = t.left_join(m, t.customer_id == m.merged_id)
            fixed = j.mutate(customer_id=ibis.coalesce(j.into_id, j.customer_id)).select(t.columns)
            con.create_table(table, fixed.to_pyarrow(), overwrite=True)
    n = merges.num_rows
    con.insert("identity_merges", pa.table({
        "merged_id": merges.column("merged_id"), "into_id": merges.column("into_id"),
        "ingestion_id": _repeat(ingestion_id, n), "merged_at": _repeat(now, n, pa.timestamp("us")),
    }))


def _same_duckdb(con: BaseBackend, raw: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse is the staging DuckDB itself (its scratch tables readable by the writes)."""
    return is_duckdb(con) and con.con is raw


def _add_identities(con: BaseBackend, raw: duckdb.DuckDBPyConnection, stitched: identity.Stitched,
                    source: str, ingestion_id: str, now: datetime) -> None:
    """Store the file's identifiers not seen before, with their customer.

    Straight from the identifier map when the warehouse is the staging DuckDB (half the time of
    a round trip through Arrow for 700k identifiers), through Arrow otherwise.
    """
    if _same_duckdb(con, raw):
        raw.execute(f"INSERT INTO identities (identifier, kind, customer_id, first_seen, source, ingestion_id) "
                    f"SELECT identifier, kind, customer_id, {_timestamp_sql(now)}, {lit(source)}, {lit(ingestion_id)} "
                    f"FROM ({stitched.new_identities})")
        return
    ids = raw.execute(stitched.new_identities).to_arrow_table()
    n = ids.num_rows
    if n:
        con.insert("identities", pa.table({
            "identifier": ids.column("identifier").cast(pa.string()), "kind": ids.column("kind").cast(pa.string()),
            "customer_id": ids.column("customer_id").cast(pa.string()),
            "first_seen": _repeat(now, n, pa.timestamp("us")),
            "source": _repeat(source, n), "ingestion_id": _repeat(ingestion_id, n),
        }))


def _timestamp_sql(t: datetime) -> str:
    return f"TIMESTAMP {lit(t.isoformat(sep=' '))}"


def _add_missing_customers(con: BaseBackend, raw: duckdb.DuckDBPyConnection, stitched: identity.Stitched,
                           source: str, ingestion_id: str, now: datetime) -> int:
    """Give every customer seen in the file a ``customers`` row (created_at: first seen)."""
    if _same_duckdb(con, raw):
        return int(raw.execute(
            f"INSERT INTO customers (customer_id, created_at, segment, region, attributes, updated_at, source, "
            f"ingestion_id) SELECT f.customer_id, CAST(f.created_at AS TIMESTAMP), NULL, NULL, NULL, "
            f"{_timestamp_sql(now)}, {lit(source)}, {lit(ingestion_id)} FROM ({stitched.first_seen}) f "
            f"ANTI JOIN customers c ON c.customer_id = f.customer_id").fetchone()[0])
    first_seen = raw.execute(stitched.first_seen).to_arrow_table()
    if not first_seen.num_rows:
        return 0
    cust = con.table("customers")
    seen = ibis.memtable(first_seen)
    missing = seen.anti_join(cust, seen.customer_id == cust.customer_id)
    n = missing.count().execute()
    if n:
        con.insert("customers", missing.select(
            customer_id=missing.customer_id, created_at=missing.created_at.cast("timestamp"),
            segment=ibis.null("string"), region=ibis.null("string"), attributes=ibis.null("string"),
            updated_at=ibis.literal(now).cast("timestamp"), source=ibis.literal(source),
            ingestion_id=ibis.literal(ingestion_id)))
    return int(n)


#: Up to this many failing rows, their raw content is looked up by position rather than by a join.
_POSITION_READS = 10_000


def _quarantine_rows(raw: duckdb.DuckDBPyConnection, staged, failed_rows: str, mapping: Mapping, path: str,
                     source: str, chash: str | None, ingestion_id: str, now: datetime) -> pa.Table:
    """Rows that failed a check or could not be parsed, each with its reason and raw content.

    ``failed_rows`` is the scratch table of failing rows (``__row`` and the failure); their raw
    content is read back from the staged source by row number.
    """
    cols = [c for c in staged.columns]
    raw_json = "CAST(to_json(struct_pack(" + ", ".join(f"{ident(c)} := s.{ident(c)}" for c in cols) + ")) AS VARCHAR)" \
        if cols else "NULL"
    any_failed = raw.execute(f"SELECT count(*) FROM {ident(failed_rows)}").fetchone()[0]
    # A few failing rows are read by their position (a join would read the whole file again).
    points = staged.record_sql(
        [r for (r,) in raw.execute(f"SELECT __row FROM {ident(failed_rows)}").fetchall()], f"{raw_json} AS raw"
    ) if 0 < any_failed <= _POSITION_READS else None
    records = f"({points})" if points else f"(SELECT __row, {raw_json} AS raw FROM {ident(staged.table)} s)"
    failed = raw.execute(
        f"SELECT f.__row AS row, f.__column AS column, f.__value AS value, f.__reason AS reason, "
        f"f.__detail AS detail, s.raw FROM {ident(failed_rows)} f JOIN {records} s "
        f"ON s.__row = f.__row ORDER BY f.__row"
    ).to_arrow_table() if any_failed else pa.table({
        "row": pa.array([], pa.int64()), "column": pa.array([], pa.string()), "value": pa.array([], pa.string()),
        "reason": pa.array([], pa.string()), "detail": pa.array([], pa.string()), "raw": pa.array([], pa.string())})
    rej = staged.rejects
    n_rej = rej.num_rows
    rejects = pa.table({
        "row": rej.column("row").cast(pa.int64()), "column": _repeat(None, n_rej),
        "value": _repeat(None, n_rej),
        "reason": _repeat("malformed_row", n_rej),
        "detail": rej.column("detail").cast(pa.string()), "raw": rej.column("raw").cast(pa.string()),
    })
    both = pa.concat_tables([failed.cast(rejects.schema), rejects]).sort_by("row")
    n = both.num_rows
    return pa.table({
        "ingestion_id": _repeat(ingestion_id, n), "table_name": _repeat(mapping.table, n),
        "source": _repeat(source, n), "path": _repeat(path, n),
        "content_hash": _repeat(chash, n), "row": both.column("row"),
        "column": both.column("column"), "value": both.column("value"), "reason": both.column("reason"),
        "detail": both.column("detail"), "raw": both.column("raw"),
        "quarantined_at": _repeat(now, n, pa.timestamp("us")),
    }, schema=TABLE_SCHEMAS["quarantine"].to_pyarrow())


def _insert_quarantine(con: BaseBackend, rows: pa.Table) -> None:
    """Store quarantined rows, skipping those already quarantined from the same bytes."""
    new = ibis.memtable(rows)
    old = con.table("quarantine")
    fresh = new.anti_join(old, [new.content_hash == old.content_hash, new.row == old.row,
                                new.reason == old.reason, new.table_name == old.table_name])
    con.insert("quarantine", fresh)
