"""Run every benchmark and rewrite BENCHMARKS.md from their results (one command: `make bench`).

    python benchmarks/run.py                  # 10M events, as reported in BENCHMARKS.md
    python benchmarks/run.py --events 1000000 # a quicker look
    python benchmarks/run.py --render-only    # rewrite BENCHMARKS.md from benchmarks/results/*.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent


def render() -> str:
    lines = [
        "# Benchmarks",
        "",
        "Measured with `make bench` (`python benchmarks/run.py`); this file is rewritten from",
        "`benchmarks/results/*.json` by that command. The machine is shared and noisy: absolute times",
        "drift between runs, so every table also gives ratios to peers measured in the same run.",
        "",
    ]
    ing = HERE / "results" / "ingest.json"
    if ing.exists():
        data = json.loads(ing.read_text())
        m = data["meta"]
        lines += [
            "## Ingestion (`benchmarks/ingest.py`)",
            "",
            f"The `retail` company at {m['events']:,} events (`parcours synth retail --format parquet|csv`),",
            "every export ingested into a fresh DuckDB warehouse with `parcours ingest` (validation,",
            "quarantine, de-duplication against the file and the warehouse, identity stitching, customers,",
            f"one transaction per file). `warehouse.memory_limit` = {m['memory_limit']}. Peers in the same run:",
            "a bare DuckDB load of the same files (`CREATE TABLE AS SELECT * FROM read_…`: no validation,",
            "no keys, no stitching) and pandas reading them into memory. Each row is its own process.",
            "",
            f"Machine: {m['machine']}, {m['cpus']} CPUs, Python {m['python']}; {m['date']}.",
            "",
            "| format | tool | events | seconds | events/s | peak RSS (GiB) | time vs parcours |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for r in data["results"]:
            lines.append(f"| {r['format']} | {r['kind']} | {r['events']:,} | {r['seconds']:.1f} | "
                         f"{r['events_per_s']:,.0f} | {r['peak_rss_gib']:.2f} | {r['seconds_vs_parcours']:.2f}× |")
        lines.append("")
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--render-only", action="store_true")
    args = ap.parse_args()
    if not args.render_only:
        subprocess.run([sys.executable, str(HERE / "ingest.py"), "--events", str(args.events)], check=True)
    (ROOT / "BENCHMARKS.md").write_text(render(), encoding="utf-8")
    print(f"wrote {ROOT / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    main()
