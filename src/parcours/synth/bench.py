"""Time and peak memory of the synthetic generators (the 10-million-event budget is 2 minutes).

Run ``python -m parcours.synth.bench --events 10000000`` (add ``--scenario saas``, ``--format
parquet`` or ``--out DIR``); it prints one line per stage and a summary, and exits with status 1
when the run takes longer than ``--budget`` seconds.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from parcours.synth import FORMATS, SCENARIOS, generate


def main(argv: list[str] | None = None) -> int:
    """Generate one company, report seconds per stage, total and peak RSS; 1 if over budget."""
    p = argparse.ArgumentParser(prog="python -m parcours.synth.bench", description=__doc__.splitlines()[0])
    p.add_argument("--scenario", choices=SCENARIOS, default="retail")
    p.add_argument("--events", type=int, default=10_000_000)
    p.add_argument("--format", choices=FORMATS, default="native")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=None, help="folder to write (default: a temporary one, removed)")
    p.add_argument("--budget", type=float, default=120.0, help="seconds allowed")
    a = p.parse_args(argv)
    out = a.out or Path(tempfile.mkdtemp(prefix="parcours-synth-"))
    t0 = time.perf_counter()

    def progress(stage: str, fraction: float) -> None:
        print(f"{time.perf_counter() - t0:8.2f} s  {stage:<28} {fraction:5.0%}", flush=True)

    try:
        r = generate(a.scenario, out, events=a.events, seed=a.seed, format=a.format, progress=progress)
        seconds = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    finally:
        if a.out is None:
            shutil.rmtree(out, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{a.scenario} {a.format}: {r.truth['events_written']:,} events ({a.events:,} asked), "
          f"{r.customers:,} customers, {size / 1e6:,.0f} MB written in {seconds:.1f} s, "
          f"peak RSS {peak:,.0f} MB")
    return 0 if seconds <= a.budget else 1


if __name__ == "__main__":
    sys.exit(main())
