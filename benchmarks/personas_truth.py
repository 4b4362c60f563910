"""How well personas recover the personas planted in the synthetic companies (issue 6's bar: ARI >= 0.8).

For each company, size and seed: generate it, ingest it into a fresh workspace of its scenario,
run ``ws.personas()`` with the workspace's defaults, and compare each customer's persona with the
planted one of ``truth.json`` (through the customer's identifiers, as the tests do) by the
adjusted Rand index. The truth is read here only, never by parcours.

    python benchmarks/personas_truth.py                       # writes benchmarks/results/personas_truth.json
    python benchmarks/personas_truth.py --runs retail:60000:11,saas:80000:11
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from companies import company, run_all

DEFAULT_RUNS = ("retail:60000:11,retail:60000:12,retail:60000:13,retail:400000:11,"
                "saas:80000:11,saas:80000:12,saas:80000:13,saas:400000:11")


def measure(run: str, root: Path) -> dict:
    """One company (``scenario:events:seed``): its personas against the planted ones."""
    from sklearn.metrics import adjusted_rand_score
    from tests.customers.test_personas import _truth_labels

    scenario, events, seed = run.split(":")
    with company(scenario, int(events), int(seed), root) as (ws, raw):
        t = time.perf_counter()
        p = ws.personas()
        seconds = time.perf_counter() - t
        truth = _truth_labels(ws, raw / "truth.json", "persona")
        got = p.assignments.set_index("customer_id").persona
        idx = got.index.intersection(truth.index)
        return {"scenario": scenario, "events": int(events), "seed": int(seed), "customers": len(got),
                "with_truth": len(idx), "k": p.k, "criterion": p.criterion,
                "learned_from": p.model.fitted_on_, "ari": round(adjusted_rand_score(truth.loc[idx], got.loc[idx]), 3),
                "seconds": round(seconds, 1), "names": p.cards.name.tolist()}


def show(r: dict) -> str:
    return (f"{r['scenario']} {r['events']:,} events seed {r['seed']}: ARI {r['ari']} (k = {r['k']}, "
            f"{r['customers']:,} customers, learned from {r['learned_from']:,})")


if __name__ == "__main__":
    run_all(__doc__, DEFAULT_RUNS, HERE / "results" / "personas_truth.json", measure, show, "scenario:events:seed")
