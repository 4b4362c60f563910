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

DEFAULT_RUNS = "400000:3,400000:11,400000:12,400000:13"


def shares(model, cur) -> dict:
    """Per driver: accounts affected, share of them naming it in their top three, share of the others."""
    from tests.customers.test_health import DRIVERS

    r = model.reasons(cur[model.columns_], ids=cur.customer_id, top=3)
    out = {}
    for key, (features, affected) in DRIVERS.items():
        ids = set(cur.customer_id[affected(cur)])
        others = set(cur.customer_id) - ids
        named = set(r[r.feature.isin(features)].customer_id)
        out[key] = {"affected": len(ids), "named": round(len(named & ids) / max(len(ids), 1), 3),
                    "named_others": round(len(named & others) / max(len(others), 1), 3)}
    return out


def measure(events: int, seed: int, root: Path) -> dict:
    """One company: driver shares with the causal order of reasons and with plain contributions."""
    import parcours
    from parcours.customers.churn import ChurnModel
    from parcours.customers.health import fit_churn, scoring_features
    from parcours.synth import generate

    raw, wsdir = root / f"saas-{events}-{seed}" / "raw", root / f"saas-{events}-{seed}" / "ws"
    generate("saas", raw, events=events, seed=seed)
    ws = parcours.init(wsdir, scenario="saas", data=raw)
    try:
        ws.ingest_sources()
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
    finally:
        ws.close()


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", default=DEFAULT_RUNS, help="events:seed,… of the saas company (default: %(default)s)")
    ap.add_argument("--out", default=str(HERE / "results" / "churn_drivers.json"))
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in args.runs.split(","):
            events, seed = (int(x) for x in run.split(":"))
            r = measure(events, seed, Path(tmp))
            results.append(r)
            print(f"saas {events:,} events seed {seed}: " + ", ".join(
                f"{k} {v['named']:.2f} (plain {r['plain'][k]['named']:.2f}, n={v['affected']})"
                for k, v in r["ordered"].items()), flush=True)
    out = {"meta": {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform()},
           "results": results}
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return out


if __name__ == "__main__":
    sys.exit(main() and 0)
