"""Where one ingestion's time goes: wall and CPU seconds per phase and file, in this process.

The phases are those ``ingest_file`` reports through ``progress``: checking (content hash, whether
the file was ingested already), staging (reading the file), profile (mapping, checks and the one
aggregate pass), stitching (identities, quarantine), write (the transaction).
Uses the company `benchmarks/ingest.py` generated (run that first).

    python benchmarks/ingest_phases.py --format csv            # 10M-event retail company
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
PHASES = {"checking": "checking", "reading": "staging", "validating": "profile", "stitching": "stitching",
          "writing": "write"}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", default="csv", choices=["csv", "parquet"])
    ap.add_argument("--events", type=int, default=10_000_000)
    args = ap.parse_args()
    import parcours

    raw = HERE / "data" / f"retail-{args.events}-{args.format}"
    if not (raw / "sources.yaml").exists():
        raise SystemExit(f"{raw}: not generated yet; run benchmarks/ingest.py --events {args.events} first")
    ws = Path(tempfile.mkdtemp(prefix="parcours-phases-"))
    try:
        w = parcours.init(ws, scenario="retail", data=raw, overwrite=True)
        _ = w.con
        spent: dict[tuple[str, str], list[float]] = {}
        state = {"t": time.perf_counter(), "c": _cpu(), "key": ("", "")}

        def say(msg: str) -> None:
            now, cpu = time.perf_counter(), _cpu()
            acc = spent.setdefault(state["key"], [0.0, 0.0])
            acc[0] += now - state["t"]
            acc[1] += cpu - state["c"]
            word, _, name = msg.partition(" ")
            if word == "stitching":
                name = name.removeprefix("identities of ")
            state.update(t=now, c=cpu, key=(PHASES.get(word, word), name))

        t0, c0 = time.perf_counter(), _cpu()
        results = w.ingest_sources(progress=say)
        say("done ")
        print(f"{sum(r.rows_read for r in results):,} rows in {time.perf_counter() - t0:.1f} s "
              f"(CPU {_cpu() - c0:.1f} s)")
        print(f"{'file':28s} {'phase':10s} {'wall s':>7s} {'cpu s':>7s}")
        for (phase, name), (wall, cpu) in spent.items():
            if name:
                print(f"{name:28s} {phase:10s} {wall:7.2f} {cpu:7.2f}")
    finally:
        shutil.rmtree(ws, ignore_errors=True)


if __name__ == "__main__":
    main()
