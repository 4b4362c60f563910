"""How well personas recover the personas planted in the synthetic companies (issue 6's bar: ARI >= 0.8).

For each company, size and seed: generate it, ingest it into a fresh workspace of its scenario,
run ``ws.personas()`` with the workspace's defaults, and compare each customer's persona with the
planted one of ``truth.json`` (through the customer's identifiers, as the tests do) by the
adjusted Rand index. The truth is read here only, never by parcours.

    python benchmarks/personas_truth.py                       # writes benchmarks/results/personas_truth.json
    python benchmarks/personas_truth.py --runs retail:60000:11,saas:80000:11
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

DEFAULT_RUNS = ("retail:60000:11,retail:60000:12,retail:60000:13,retail:400000:11,"
                "saas:80000:11,saas:80000:12,saas:80000:13,saas:400000:11")


def measure(scenario: str, events: int, seed: int, root: Path) -> dict:
    """One company: its personas against the planted ones."""
    from sklearn.metrics import adjusted_rand_score
    from tests.customers.test_personas import _truth_labels

    import parcours
    from parcours.synth import generate

    raw, wsdir = root / f"{scenario}-{events}-{seed}" / "raw", root / f"{scenario}-{events}-{seed}" / "ws"
    generate(scenario, raw, events=events, seed=seed)
    ws = parcours.init(wsdir, scenario=scenario, data=raw)
    try:
        ws.ingest_sources()
        t = time.perf_counter()
        p = ws.personas()
        seconds = time.perf_counter() - t
        truth = _truth_labels(ws, raw / "truth.json", "persona")
        got = p.assignments.set_index("customer_id").persona
        idx = got.index.intersection(truth.index)
        return {"scenario": scenario, "events": events, "seed": seed, "customers": len(got),
                "with_truth": len(idx), "k": p.k, "criterion": p.criterion,
                "learned_from": p.model.fitted_on_, "ari": round(adjusted_rand_score(truth.loc[idx], got.loc[idx]), 3),
                "seconds": round(seconds, 1), "names": p.cards.name.tolist()}
    finally:
        ws.close()


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", default=DEFAULT_RUNS, help="scenario:events:seed,… (default: %(default)s)")
    ap.add_argument("--out", default=str(HERE / "results" / "personas_truth.json"))
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in args.runs.split(","):
            scenario, events, seed = run.split(":")
            r = measure(scenario, int(events), int(seed), Path(tmp))
            results.append(r)
            print(f"{scenario} {int(events):,} events seed {seed}: ARI {r['ari']} (k = {r['k']}, "
                  f"{r['customers']:,} customers, learned from {r['learned_from']:,})", flush=True)
    out = {"meta": {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform()},
           "results": results}
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return out


if __name__ == "__main__":
    sys.exit(main() and 0)
