"""Are the planted churn drivers among the top three reasons of the accounts they affect? (issue 6's bar)

For each ``saas`` company (size, seed): generate it, ingest it into a fresh workspace, fit the
churn model on the history with the workspace's defaults, explain every account that can still
churn, and count, per planted driver, the share of the accounts it affects whose top three reasons
name it, beside the share among the other accounts. The same model is fitted a second time with
plain contributions (``health.churn.downstream`` empty) to show what the causal order of reasons
changes. Drivers and the accounts they affect are those of ``tests/customers/test_health.py``.

    python benchmarks/churn_drivers.py                 # writes benchmarks/results/churn_drivers.json
    python benchmarks/churn_drivers.py --runs 400000:3
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from companies import company, named_share, run_all

DEFAULT_RUNS = "400000:3,400000:11,400000:12,400000:13"


def shares(model, cur) -> dict:
    """Per driver: accounts affected, share of them naming it in their top three, share of the others."""
    from tests.customers.test_health import DRIVERS

    r = model.reasons(cur[model.columns_], ids=cur.customer_id, top=3)
    return {key: named_share(r, cur.customer_id, affected(cur), features)
            for key, (features, affected) in DRIVERS.items()}


def measure(run: str, root: Path) -> dict:
    """One company (``events:seed``): driver shares with the causal order of reasons and with plain contributions."""
    from parcours.customers.churn import ChurnModel
    from parcours.customers.health import fit_churn, scoring_features

    events, seed = (int(x) for x in run.split(":"))
    with company("saas", events, seed, root) as (ws, _):
        cur = scoring_features(ws)
        t = time.perf_counter()
        ordered, snap = fit_churn(ws)
        seconds = time.perf_counter() - t
        plain, _ = fit_churn(ws, model=ChurnModel(downstream=()))
        return {"events": events, "seed": seed, "accounts_scored": len(cur), "training_rows": len(snap),
                "model": ordered.chosen_, "inner_auc": round(ordered.inner_scores_[ordered.chosen_], 3),
                "upstream_auc": round(ordered.upstream_["auc"], 3) if ordered.upstream_ else None,
                "downstream": [c for c in ordered.columns_ if c not in (ordered.upstream_ or {}).get("columns", [])],
                "fit_seconds": round(seconds, 1), "ordered": shares(ordered, cur), "plain": shares(plain, cur)}


def show(r: dict) -> str:
    return f"saas {r['events']:,} events seed {r['seed']}: " + ", ".join(
        f"{k} {v['named']:.2f} (plain {r['plain'][k]['named']:.2f}, n={v['affected']})" for k, v in r["ordered"].items())


if __name__ == "__main__":
    run_all(__doc__, DEFAULT_RUNS, HERE / "results" / "churn_drivers.json", measure, show, "events:seed of the saas company")
