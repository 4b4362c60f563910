"""The warehouse: one Ibis connection, opened from the URL in ``parcours.yaml``.

DuckDB (a file in the workspace) is the default; any Ibis URL (``pyspark://``, ``postgres://…``)
changes the engine and nothing else. This module is the only place that knows which engine is
behind the connection (for transactions and a few in-place updates DuckDB does fastest).

>>> import tempfile
>>> con = connect("duckdb:///wh.duckdb", root=tempfile.mkdtemp())
>>> con.name
'duckdb'
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import ibis
from ibis.backends import BaseBackend

from parcours.errors import ConfigError, WorkspaceError

#: Storage format of new DuckDB warehouses. Unless told otherwise DuckDB 1.x writes new files in a
#: format old releases read (compatibility 'v0.10.2', files tagged 'v1.0.0+'); the 1.3 format
#: (dictionary + FSST and ZSTD strings) writes the 10M-event company's web export a third faster
#: (8.3 → 5.4 s) and a sixth smaller. Such a file is readable by DuckDB 1.3 and later (parcours
#: needs 1.4). In the older format a ZSTD column is silently stored uncompressed.
STORAGE_VERSION = "v1.3.0"


def connect(url: str, *, root: str | Path = ".", threads: int | None = None,
            memory_limit: str | None = None) -> BaseBackend:
    """Open the warehouse at ``url``; relative DuckDB paths resolve against ``root``."""
    root = Path(root)
    scheme = urlparse(url).scheme
    if scheme == "duckdb":
        rest = url[len("duckdb://"):]
        if rest in ("", "/", "/:memory:", ":memory:"):
            con = ibis.duckdb.connect()
        else:
            # duckdb:///rel/path is relative to the workspace; duckdb:////abs/path is absolute.
            path = Path(rest.removeprefix("/"))
            if not path.is_absolute():
                path = root / path
            path.parent.mkdir(parents=True, exist_ok=True)
            # The format applies to a file DuckDB creates; an existing file keeps its own. Given on
            # every connection all the same: DuckDB refuses two connections to one file in one
            # process with different settings.
            try:
                con = ibis.duckdb.connect(str(path), storage_compatibility_version=STORAGE_VERSION)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                pid = re.search(r"PID (\d+)", str(exc))
                raise WorkspaceError(
                    f"{path}: the warehouse is open in another process"
                    + (f" (PID {pid.group(1)})" if pid else "")
                    + "; DuckDB allows one writer at a time: wait for it to finish or stop it") from None
        if threads:
            con.raw_sql(f"SET threads = {int(threads)}")
        if memory_limit:
            con.con.execute(f"SET memory_limit = '{_safe_setting(memory_limit)}'")
        with contextlib.suppress(Exception):
            con.con.execute(f"SET temp_directory = '{_safe_setting(str(root / '.parcours' / 'tmp'))}'")
        return con
    if scheme == "pyspark":
        database = urlparse(url).netloc or urlparse(url).path.strip("/")
        return _connect_spark(root, database or None)
    try:
        return ibis.connect(url)
    except Exception as exc:  # noqa: BLE001 - the backend's own message says what is wrong (driver, host, …)
        raise ConfigError(f"warehouse.url {url!r}: cannot connect: {exc}") from None


def _safe_setting(value: str) -> str:
    if "'" in value:
        raise ConfigError(f"setting value {value!r} must not contain a quote")
    return value


def _connect_spark(root: Path, database: str | None = None) -> BaseBackend:
    """A local (or already running) Spark session whose warehouse and metastore live in ``root``.

    ``pyspark://NAME`` keeps the workspace's tables in the Spark database NAME (created if
    needed), so several workspaces can share one session; ``pyspark://`` uses the current one.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("warehouse.url 'pyspark://' needs PySpark: pip install 'parcours[spark]'") from None
    active = SparkSession.getActiveSession()
    if active is None:
        active = local_spark_session((root / ".parcours").resolve())
    if database:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", database):
            raise ConfigError(f"warehouse.url: Spark database name {database!r} must be letters, digits or _")
        active.sql(f"CREATE DATABASE IF NOT EXISTS {database}")
        active.catalog.setCurrentDatabase(database)
    con = ibis.pyspark.connect(active)
    _keep_nulls_in_uploads(con)
    return con


def _keep_nulls_in_uploads(con: BaseBackend) -> None:
    """Upload in-memory tables to Spark from Arrow, so a null text stays null.

    Ibis goes through pandas, and with pandas 3 a missing string becomes NaN, which Spark then
    stores as the text 'NaN'. PySpark 4 takes Arrow tables directly; older ones get object
    columns with None.
    """
    from ibis.backends.pyspark.datatypes import PySparkSchema

    session = con._session

    def register(op) -> None:
        table = op.data.to_pyarrow(op.schema)
        schema = PySparkSchema.from_ibis(op.schema)
        try:
            df = session.createDataFrame(table, schema=schema)
        except (TypeError, ValueError):  # PySpark < 4: no Arrow input
            frame = table.to_pandas(types_mapper=None)
            for name in frame.columns:
                if frame[name].dtype != object and str(frame[name].dtype) in ("str", "string"):
                    frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
            df = session.createDataFrame(frame, schema=schema)
        df.createOrReplaceTempView(op.name)

    con._register_in_memory_table = register


def local_spark_session(base: Path, app_name: str = "parcours", partitions: int = 4):
    """A local Spark session whose warehouse and Derby metastore live under ``base`` (not the cwd)."""
    from pyspark.sql import SparkSession

    base.mkdir(parents=True, exist_ok=True)
    return (
        SparkSession.builder.master(os.environ.get("PARCOURS_SPARK_MASTER", "local[2]"))
        .appName(app_name)
        .config("spark.sql.warehouse.dir", str(base / "spark-warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={base / 'derby'}")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def is_duckdb(con: BaseBackend) -> bool:
    """Whether the warehouse is DuckDB (then staging happens in the warehouse itself)."""
    return con.name == "duckdb"


@contextlib.contextmanager
def transaction(con: BaseBackend) -> Iterator[None]:
    """All writes inside happen or none does (DuckDB); other engines write table by table."""
    if not is_duckdb(con):
        yield
        return
    raw = con.con
    raw.begin()
    try:
        yield
    except BaseException:
        raw.rollback()
        raise
    raw.commit()


def create_table(con: BaseBackend, name: str, schema, long_texts: Sequence[str] = ()) -> None:
    """Create an empty table; on DuckDB, the columns ``long_texts`` get a storage method chosen, not tried.

    Columns of distinct long texts (row keys, JSON properties) are what the write spends most on.
    In the 1.3 format (:data:`STORAGE_VERSION`) DuckDB would pick dictionary + FSST for them; ZSTD
    writes them in half the time (8.85M JSON properties: 3.0 → 1.7 s) and stores them in a third of
    the room (334 → 118 MB), for scans of these columns about a fifth slower (keys: as fast). In
    the older format (no ZSTD for text there), DuckDB tries every method and always ends on FSST:
    it is chosen directly (a quarter of the write spared).
    """
    if not is_duckdb(con) or not long_texts:
        con.create_table(name, schema=schema)
        return
    from ibis.backends.sql.datatypes import DuckDBType

    method = "fsst" if _old_format(con) else "zstd"
    cols = ", ".join(
        f'"{c}" {DuckDBType.from_ibis(t).sql("duckdb")}' + (f" USING COMPRESSION {method}" if c in long_texts else "")
        for c, t in schema.items())
    con.con.execute(f'CREATE TABLE "{name}" ({cols})')


def _old_format(con: BaseBackend) -> bool:
    """Whether the DuckDB file was created in a storage format older than 1.3 (e.g. 'v1.0.0+')."""
    row = con.con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                          "WHERE database_name = current_database()").fetchone()
    found = re.match(r"v(\d+)\.(\d+)", (row[0] or "") if row else "")
    return bool(found) and (int(found[1]), int(found[2])) < (1, 3)


def upload_scratch(con: BaseBackend, name: str, data) -> None:
    """Put an Arrow table in the warehouse under ``name`` for this session (temp table or view)."""
    try:
        con.create_table(name, data, temp=True)
    except NotImplementedError:  # e.g. PySpark: a temporary view over the in-memory data
        con.create_view(name, ibis.memtable(data), overwrite=True)


def drop_scratch(con: BaseBackend, name: str) -> None:
    """Drop what :func:`upload_scratch` created, whichever kind it was."""
    with contextlib.suppress(Exception):
        con.drop_table(name, force=True)
    with contextlib.suppress(Exception):
        con.drop_view(name, force=True)


def temp_name(prefix: str) -> str:
    """A fresh name for a scratch table."""
    return f"_parcours_{prefix}_{os.urandom(6).hex()}"


__all__ = ["connect", "create_table", "drop_scratch", "is_duckdb", "transaction", "upload_scratch"]
