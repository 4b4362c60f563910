"""`parcours journeys …` run as a user runs it: tables printed, files written, errors in one line."""

from __future__ import annotations

import csv

from tests.conftest import write
from tests.journeys.test_flows import LOG
from tests.test_cli import run


def test_flows_and_funnel_from_the_command_line(tmp_path):
    ws = tmp_path / "ws"
    run("init", str(ws))
    run("ingest", "events", str(write(tmp_path / "log.csv", LOG)), "--workspace", str(ws))
    out = run("journeys", "flows", "--start", "view", "--depth", "2", "--min-share", "0", "-w", str(ws),
              "--out", str(tmp_path / "paths.csv")).stdout
    assert "Paths after view: 3 customer(s)" in " ".join(out.split())
    rows = list(csv.DictReader((tmp_path / "paths.csv").open()))
    assert sorted((r["path"], r["units"]) for r in rows) == [
        ("view > call > view", "1"), ("view > cart > buy", "1"), ("view > cart > faq", "1")]
    out = run("journeys", "flows", "-s", "view", "-s", "cart", "-s", "buy", "--dropped-at", "2", "-w", str(ws)).stdout
    assert "Paths of the 1 customer(s) who dropped at cart" in " ".join(out.split()) and "faq" in out
    p = run("journeys", "flows", "-s", "view", "-s", "cart", "-w", str(ws), ok=False)
    assert p.returncode != 0 and "--dropped-at" in p.stderr and "Traceback" not in p.stderr
    assert "Example: parcours journeys flows" in run("journeys", "flows", "--help").stdout
