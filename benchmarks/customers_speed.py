"""Time customer features, tiers, personas and health on a synthetic company (issue 6's speed bar).

    .venv/bin/parcours synth retail --events 10000000 --seed 1 --out /tmp/big/raw
    .venv/bin/parcours init /tmp/big/ws --scenario retail --data /tmp/big/raw
    .venv/bin/parcours ingest --workspace /tmp/big/ws
    .venv/bin/python benchmarks/customers_speed.py /tmp/big/ws [--json out.json]

Each step runs in the engine; only the per-customer table comes back (as Arrow/pandas). Prints
seconds per step, customers, events and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import parcours
from parcours.customers.features import customer_features
from parcours.customers.health import health
from parcours.customers.personas import (
    _unknown_interests_as_average,
    find_personas,
    interest_features,
)
from parcours.customers.tiers import customer_tiers, tier_movements


def peak_gib() -> float:
    """Peak resident memory of this process (and its finished children), in GiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return own / 1024 / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    ws = parcours.open(args.workspace)
    out: dict[str, float | int] = {"events": int(ws.events.count().execute()),
                                   "customers_table": int(ws.table("customers").count().execute())}
    t = time.perf_counter()
    feats = customer_features(ws).to_pandas()
    out["features_s"] = round(time.perf_counter() - t, 1)
    out["customers"] = len(feats)
    t = time.perf_counter()
    interests = ws.config.customers.personas.interests
    if interests:
        extra = interest_features(ws, interests, max_values=ws.config.customers.personas.max_interest_values)
        feats = feats.merge(extra, left_on="customer_id", right_index=True, how="left")
        feats = _unknown_interests_as_average(feats, list(extra.columns))  # as find_personas does
    out["interests_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    tiers = customer_tiers(ws).to_pyarrow()
    out["tiers_s"] = round(time.perf_counter() - t, 1)
    out["tiered_customers"] = tiers.num_rows
    t = time.perf_counter()
    moves = tier_movements(ws, "2025-03-01", "2025-08-31", kind="value").to_pyarrow()
    out["tier_movements_s"] = round(time.perf_counter() - t, 1)
    out["movement_cells"] = moves.num_rows
    t = time.perf_counter()
    p = find_personas(ws, features=feats)
    out["personas_s"] = round(time.perf_counter() - t, 1)
    out["personas_k"] = p.k
    t = time.perf_counter()
    h = health(ws)  # scored now and one period before, with trends and movers
    out["health_s"] = round(time.perf_counter() - t, 1)
    out["health_scored"] = int(h.health.notna().sum())
    out["peak_rss_gib"] = round(peak_gib(), 2)
    out["total_s"] = round(sum(v for k, v in out.items() if k.endswith("_s")), 1)
    print(json.dumps(out, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
