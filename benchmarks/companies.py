"""What the benchmarks on the synthetic companies share: a company in a fresh workspace, the share
of affected customers whose reasons name a driver, and the run-all-then-write-JSON command line."""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@contextmanager
def company(scenario: str, events: int, seed: int, root: Path) -> Iterator[tuple[Any, Path]]:
    """A synthetic company generated under ``root`` and ingested into a fresh workspace: (workspace, raw)."""
    import parcours
    from parcours.synth import generate

    raw, wsdir = root / f"{scenario}-{events}-{seed}" / "raw", root / f"{scenario}-{events}-{seed}" / "ws"
    generate(scenario, raw, events=events, seed=seed)
    ws = parcours.init(wsdir, scenario=scenario, data=raw)
    try:
        ws.ingest_sources()
        yield ws, raw
    finally:
        ws.close()


def named_share(reasons: Any, customers: Any, affected: Any, features: set[str]) -> dict:
    """Customers ``affected`` (a mask over ``customers``), and the share of them and of the others
    whose reasons (``ChurnModel.reasons`` rows) name one of ``features``."""
    hit = set(customers[affected])
    others = set(customers) - hit
    named = set(reasons[reasons.feature.isin(features)].customer_id)
    return {"affected": len(hit), "named": round(len(named & hit) / max(len(hit), 1), 3),
            "named_others": round(len(named & others) / max(len(others), 1), 3)}


def run_all(doc: str, default_runs: str, out: Path, measure: Callable[[str, Path], dict],
            show: Callable[[dict], str], runs_help: str) -> dict:
    """Parse ``--runs``/``--out``, measure each run in one temporary folder, print, write the JSON."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--runs", default=default_runs, help=f"{runs_help},… (default: %(default)s)")
    ap.add_argument("--out", default=str(out))
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in args.runs.split(","):
            r = measure(run, Path(tmp))
            results.append(r)
            print(show(r), flush=True)
    data = {"meta": {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform()},
            "results": results}
    Path(args.out).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return data
