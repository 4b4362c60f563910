"""`parcours personas`, `parcours tiers` and `parcours retention`, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import write
from tests.customers.test_tiers import AS_OF, EV_MAP, _rows

EXE = Path(sys.executable).parent / "parcours"


def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=300, check=False)
    if ok:
        assert p.returncode == 0, p.stderr + p.stdout
    return p


@pytest.fixture(scope="module")
def wsdir(tmp_path_factory):
    import parcours

    base = tmp_path_factory.mktemp("cli_customers")
    ws = parcours.init(base / "ws")
    text, _ = _rows()
    ws.ingest("events", write(base / "ev.csv", text), mapping=EV_MAP)
    ws.close()
    return base


@pytest.mark.parametrize("cmd", ["personas", "tiers", "retention"])
def test_help_has_an_example(cmd):
    assert "Example: parcours" in run(cmd, "--help").stdout


def test_tiers_retention_personas_write_files(wsdir):
    ws = str(wsdir / "ws")
    out = wsdir / "tiers.csv"
    run("tiers", "-w", ws, "--as-of", str(AS_OF.date()), "--customers", "--out", str(out))
    t = pd.read_csv(out)
    assert len(t) == 7 and set(t.loyalty) == {"Member", "Silver", "Gold", "Platinum"}
    moves = wsdir / "moves.parquet"
    run("tiers", "-w", ws, "--since", "2024-02-10", "--as-of", str(AS_OF.date()), "--out", str(moves))
    assert pd.read_parquet(moves).customers.sum() == 7
    ret = wsdir / "ret.csv"
    run("retention", "-w", ws, "--period", "week", "--horizon", "2", "--curve", "--out", str(ret))
    assert pd.read_csv(ret).period_number.tolist() == [0, 1, 2]
    life = wsdir / "life.csv"
    run("retention", "-w", ws, "--lifecycle", "--period", "week", "--out", str(life))
    assert set(pd.read_csv(life).state) == {"new", "returning", "resurrecting", "dormant"}
    cards = wsdir / "personas.csv"
    p = run("personas", "-w", ws, "--k", "2", "--out", str(cards), "--assignments", str(wsdir / "who.csv"))
    assert "k=2 given" in p.stdout
    assert len(pd.read_csv(cards)) == 2 and len(pd.read_csv(wsdir / "who.csv")) == 7


def test_bad_input_is_one_clear_line(wsdir):
    p = run("retention", "-w", str(wsdir / "ws"), "--breakdown", "nope", ok=False)
    assert p.returncode == 1 and "unknown breakdown 'nope'" in p.stderr and "Traceback" not in p.stderr
    p = run("tiers", "-w", str(wsdir / "ws"), "--as-of", "someday", ok=False)
    assert p.returncode == 1 and "as_of" in p.stderr
