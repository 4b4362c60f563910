"""Workspace: init, open, the warehouse URL, the schema version."""

from __future__ import annotations

import pytest

import parcours
from parcours.errors import ConfigError, WorkspaceError
from parcours.schema import SCHEMA_VERSION, TABLE_SCHEMAS, schema_version


def test_init_then_open(tmp_path):
    parcours.init(tmp_path / "w", scenario="retail")
    ws = parcours.open(tmp_path / "w")
    assert ws.config.timezone == "Europe/Paris"
    assert (tmp_path / "w" / ".parcours" / "warehouse.duckdb").exists() is False  # created on first use
    assert ws.status()["tables"]["events"] == 0
    assert (tmp_path / "w" / ".parcours" / "warehouse.duckdb").exists()
    assert schema_version(ws.con) == SCHEMA_VERSION
    assert set(TABLE_SCHEMAS) <= set(ws.con.list_tables())


def test_init_refuses_to_overwrite_and_unknown_scenario(tmp_path):
    parcours.init(tmp_path / "w")
    with pytest.raises(ConfigError, match="already exists"):
        parcours.init(tmp_path / "w")
    with pytest.raises(ConfigError, match="retail, saas, empty"):
        parcours.init(tmp_path / "x", scenario="bank")


def test_open_without_config(tmp_path):
    with pytest.raises(WorkspaceError, match="parcours init"):
        parcours.open(tmp_path)


def test_other_warehouse_url_changes_only_the_engine(tmp_path):
    target = tmp_path / "elsewhere" / "wh.duckdb"
    ws = parcours.init(tmp_path / "w")
    text = (tmp_path / "w" / "parcours.yaml").read_text().replace(
        "duckdb:///.parcours/warehouse.duckdb", f"duckdb:///{target}")
    (tmp_path / "w" / "parcours.yaml").write_text(text)
    ws = parcours.open(tmp_path / "w")
    ws.status()
    assert target.exists()


def test_schema_creation_is_idempotent(tmp_path):
    ws = parcours.init(tmp_path / "w")
    ws.status()
    ws.close()
    ws = parcours.open(tmp_path / "w")
    assert ws.con.table("meta").count().execute() == 1
