"""The warehouse URL changes the engine and nothing else: the same ingestion on DuckDB and Spark."""

from __future__ import annotations

import pandas as pd
import pytest

import parcours
from tests.conftest import CRM_MAPPING, WEB_MAPPING, write

CRM = "id;email;tel;segment\nK1;alice@example.com;06 12 34 56 78;gold\nK2;bob@x.fr;;silver\n"
WEB = ("hit_time;visitor;mail;event\n2025-11-03T14:22:05Z;ck1;;page_view\n2025-11-03T14:23:05Z;ck1;alice@example.com;login\n"
       "2025-11-03 15:24:05;ck2;;page_view\nbad;ck2;;page_view\n2025-11-03T14:23:05Z;ck1;alice@example.com;login\n"
       "2025-11-04T10:00:00Z;ck3;bob@x.fr;add_to_cart\n")


def _fill(ws, tmp_path):
    ws.ingest("customers", write(tmp_path / "crm.csv", CRM), mapping=CRM_MAPPING)
    ws.ingest("events", write(tmp_path / "web.csv", WEB), mapping=WEB_MAPPING)
    ws.ingest("events", tmp_path / "web.csv", mapping=WEB_MAPPING, force=True)


def _tables(ws) -> dict[str, pd.DataFrame]:
    out = {}
    for name, cols in {"events": ["event_id", "customer_id", "timestamp", "seq", "activity", "channel"],
                       "identities": ["kind", "identifier", "customer_id"],
                       "customers": ["customer_id", "segment"],
                       "quarantine": ["row", "reason", "column", "value"]}.items():
        df = ws.table(name).select(*cols).to_pandas()
        out[name] = df.sort_values(cols).reset_index(drop=True).astype(str)
    return out


@pytest.mark.spark
@pytest.mark.slow
def test_same_ingestion_on_duckdb_and_spark(tmp_path, spark_session):
    duck = parcours.init(tmp_path / "duck")
    _fill(duck, tmp_path)
    spark = parcours.init(tmp_path / "spark")
    cfg = tmp_path / "spark" / "parcours.yaml"
    cfg.write_text(cfg.read_text().replace("duckdb:///.parcours/warehouse.duckdb", "pyspark://ingest_test"))
    spark = parcours.open(tmp_path / "spark")
    assert spark.con.name == "pyspark"
    _fill(spark, tmp_path)
    a, b = _tables(duck), _tables(spark)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    assert spark.customer("alice@example.com").timeline.what.tolist() == ["page_view", "login"]


def test_a_warehouse_locked_by_another_process_gets_a_clear_error(tmp_path):
    import subprocess
    import sys
    import textwrap

    from parcours.errors import WorkspaceError
    from parcours.warehouse import connect

    db = tmp_path / "wh.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db)!r}); print("ready", flush=True); time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceError, match=r"open in another process \(PID \d+\)"):
            connect(f"duckdb:///{db}", root=tmp_path)
    finally:
        holder.kill()


def _ingest_500(ws, tmp_path) -> dict[str, list[str]]:
    """Ingest 500 events; the storage methods of their keys and properties, checked rows read back."""
    lines = [f"2025-11-0{1 + i % 9}T10:00:{i % 60:02d}Z;ck{i % 7};;page_view;/page/{i}" for i in range(500)]
    path = write(tmp_path / "web.csv", "hit_time;visitor;mail;event;url\n" + "\n".join(lines) + "\n")
    ws.ingest("events", path, mapping=WEB_MAPPING)
    raw = ws.con.con
    raw.execute("CHECKPOINT")
    methods = dict(raw.execute(
        "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('events') "
        "WHERE segment_type = 'VARCHAR' AND column_name IN ('event_id', 'properties') GROUP BY ALL").fetchall())
    events = ws.table("events").order_by("seq").to_pandas()
    assert events.event_id.is_unique and len(events) == 500
    assert events.properties.tolist() == [f'{{"url":"/page/{i}"}}' for i in range(500)]
    return methods


def _storage_version(ws) -> str:
    return ws.con.con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                              "WHERE database_name = current_database()").fetchone()[0]


def test_new_duckdb_warehouses_use_the_1_3_storage_format(tmp_path):
    """A third faster to write than DuckDB's default 0.10 format; keys and properties in ZSTD, not a trial."""
    ws = parcours.init(tmp_path / "ws")
    assert _storage_version(ws) == "v1.3.0+"
    assert _ingest_500(ws, tmp_path) == {"event_id": ["ZSTD"], "properties": ["ZSTD"]}
    ws.con.disconnect()
    assert _storage_version(parcours.open(tmp_path / "ws")) == "v1.3.0+"  # kept when opened again


def test_an_older_format_warehouse_keeps_its_format_with_fsst_chosen(tmp_path):
    """A file DuckDB created in its 0.10 format stays in it; keys and properties get FSST, not a trial."""
    import duckdb

    (tmp_path / "ws" / ".parcours").mkdir(parents=True)
    duckdb.connect(str(tmp_path / "ws" / ".parcours" / "warehouse.duckdb")).close()
    ws = parcours.init(tmp_path / "ws")
    assert _storage_version(ws) == "v1.0.0+"
    assert _ingest_500(ws, tmp_path) == {"event_id": ["FSST"], "properties": ["FSST"]}
    assert _storage_version(ws) == "v1.0.0+"


def test_a_warehouse_opened_twice_in_one_process(tmp_path):
    """DuckDB refuses a second connection to a file with other settings: both get the same ones."""
    from parcours.warehouse import connect

    first = connect("duckdb:///wh.duckdb", root=tmp_path)  # creates the file
    second = connect("duckdb:///wh.duckdb", root=tmp_path)  # the file exists now
    first.con.execute("CREATE TABLE t AS SELECT 1 AS x")
    assert second.con.execute("SELECT x FROM t").fetchall() == [(1,)]
