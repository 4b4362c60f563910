"""Shared fixtures: workspaces in tmp folders and small source files written by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import parcours


@pytest.fixture
def ws(tmp_path: Path) -> parcours.Workspace:
    """An empty workspace with a DuckDB warehouse file in tmp_path."""
    w = parcours.init(tmp_path / "ws")
    yield w
    w.close()


def synth_workspace(base: Path, scenario: str, events: int, seed: int) -> parcours.Workspace:
    """A synthetic company generated in ``base/raw`` and ingested into a workspace of its scenario in ``base/ws``."""
    from parcours.synth import generate

    generate(scenario, base / "raw", events=events, seed=seed)
    w = parcours.init(base / "ws", scenario=scenario, data=base / "raw")
    w.ingest_sources()
    return w


def write(path: Path, text: str) -> Path:
    """Write a small source file (UTF-8) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


WEB_MAPPING = {
    "table": "events",
    "source": "web",
    "csv": {"delimiter": ";"},
    "timezone": "Europe/Paris",
    "columns": {"timestamp": "hit_time", "activity": "event"},
    "constants": {"channel": "web"},
    "identifiers": {"cookie": "visitor", "email": "mail"},
    "activities": ["page_view", "login", "add_to_cart"],
}

CRM_MAPPING = {
    "table": "customers",
    "csv": {"delimiter": ";"},
    "columns": {"segment": "segment"},
    "identifiers": {"crm_id": "id", "email": "email", "phone": "tel"},
}


def counts(w: parcours.Workspace) -> dict[str, int]:
    """Row count of every warehouse table."""
    return dict(w.status()["tables"])


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory):
    """One local Spark session per test run (about 15 s to start), warehouse in a temp folder."""
    from parcours.warehouse import local_spark_session

    session = local_spark_session(tmp_path_factory.mktemp("spark"), "parcours-tests", partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
