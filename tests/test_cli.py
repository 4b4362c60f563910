"""The real `parcours` command, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write

EXE = Path(sys.executable).parent / "parcours"


def run(*args: str, cwd: Path | None = None, ok: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run([str(EXE), *args], capture_output=True, text=True, cwd=cwd, timeout=300)
    if ok:
        assert p.returncode == 0, p.stderr + p.stdout
    return p


@pytest.mark.parametrize("cmd", ["init", "ingest", "status", "customer", "forget", "synth", "report", "demo", "config"])
def test_every_command_has_help_with_an_example(cmd):
    out = run(cmd, "--help").stdout
    assert "Example: parcours" in out


def test_init_ingest_status_customer(tmp_path):
    run("init", str(tmp_path / "ws"))
    src = write(tmp_path / "ev.csv", "email,timestamp,activity,channel\nA@x.fr,2025-01-01 10:00,visit,web\n"
                                     "a@x.fr,2025-01-02 10:00,order,store\n,2025-01-03,visit,web\n")
    out = run("ingest", "events", str(src), "--workspace", str(tmp_path / "ws")).stdout
    assert "1 missing_identifier" in out
    info = json.loads(run("status", "--workspace", str(tmp_path / "ws"), "--json").stdout)
    assert info["tables"]["events"] == 2 and info["quarantine_by_reason"] == {"missing_identifier": 1}
    assert info["events_by_channel"] == {"store": 1, "web": 1}
    out = run("customer", "a@x.fr", "--workspace", str(tmp_path / "ws")).stdout
    assert "order" in out and "visit" in out


def test_errors_are_one_line_and_non_zero(tmp_path):
    p = run("status", "--workspace", str(tmp_path / "nothing"), ok=False)
    assert p.returncode != 0 and p.stderr.count("\n") == 1 and "parcours init" in p.stderr
    run("init", str(tmp_path / "ws"))
    p = run("ingest", "events", str(tmp_path / "nope.csv"), "--workspace", str(tmp_path / "ws"), ok=False)
    assert p.returncode != 0 and "nope.csv: file not found" in p.stderr and "Traceback" not in p.stderr
    (tmp_path / "ws" / "parcours.yaml").write_text("warehouse:\n  ulr: x\n")
    p = run("status", "--workspace", str(tmp_path / "ws"), ok=False)
    assert "warehouse.ulr: unknown key" in p.stderr
