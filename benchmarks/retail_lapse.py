"""Churn as a lapse on the ``retail`` company: how far any score can separate lapsing buyers (issue 6).

The shop has no cancellations, so a churn is a buyer who buys nothing within the horizon. For each
company (size, seed): generate and ingest it, build the churn history (``ws.churn_history()``), and
measure the lapse rate per colour band of the scenario's scorecard at each snapshot date (with the
days of history known then, and red's rate over green's: the bar is 2x), the churn
model's ranking on the last two snapshot dates when trained on the earlier ones (ROC AUC, lapse rate
of each tenth of customers from lowest to highest risk), and the share of current customers with a
late delivery whose top three reasons name it.

    python benchmarks/retail_lapse.py                  # writes benchmarks/results/retail_lapse.json
    python benchmarks/retail_lapse.py --runs 200000:5
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from companies import company, named_share, run_all

DEFAULT_RUNS = "200000:5,400000:11"


def measure(run: str, root: Path) -> dict:
    """One company (``events:seed``): band lapse rates, holdout deciles, late delivery as a reason."""
    import numpy as np
    import pandas as pd
    from sklearn.metrics import roc_auc_score

    from parcours.customers.churn import ChurnModel, snapshot_matrix
    from parcours.customers.health import band_churn, fit_churn, score_frame, scoring_features

    events, seed = (int(x) for x in run.split(":"))
    with company("retail", events, seed, root) as (ws, _):
        snap = ws.churn_history()
        first = pd.Timestamp(ws.table("events").timestamp.min().to_pyarrow().as_py())
        bands = []
        for as_of, rows in snap.groupby("as_of"):
            h = score_frame(rows.drop(columns=["customer_id", "as_of", "churned"]), ws.config.health,
                            ids=rows.customer_id)
            b = band_churn(h, pd.Series(rows.churned.to_numpy(), index=rows.customer_id.astype(str)))
            rate = b.set_index("band").churn_rate
            bands.append({"as_of": str(as_of)[:10], "history_days": (pd.Timestamp(as_of) - first).days,
                          "customers": int(b.customers.sum()),
                          **{k: (None if pd.isna(v) else round(float(v), 3)) for k, v in rate.items()},
                          "red_over_green": round(float(rate["red"] / rate["green"]), 2)})
        dates = sorted(snap.as_of.unique())
        tr, te = snap[snap.as_of < dates[-2]], snap[snap.as_of >= dates[-2]]
        m = ChurnModel().fit(snapshot_matrix(tr), tr.churned.to_numpy())
        p = m.predict_proba(snapshot_matrix(te)[m.columns_])[:, 1]
        y = te.churned.to_numpy()
        tenth = pd.qcut(p, 10, labels=False, duplicates="drop")
        deciles = pd.Series(y).groupby(tenth).mean().round(3).tolist()
        model, _ = fit_churn(ws)
        cur = scoring_features(ws)
        r = model.reasons(cur[model.columns_], ids=cur.customer_id, top=3)
        late = named_share(r, cur.customer_id, cur.bad_outcomes >= 1, {"bad_outcomes"})
        return {"events": events, "seed": seed, "training_rows": len(snap), "definition": snap.attrs["definition"],
                "lapse_rate": round(float(snap.churned.mean()), 3), "bands": bands,
                "holdout": {"rows": len(y), "lapse_rate": round(float(np.mean(y)), 3),
                            "auc": round(float(roc_auc_score(y, p)), 3), "deciles_low_to_high": deciles},
                "late_delivery": {"customers": late["affected"], "named": late["named"],
                                  "named_others": late["named_others"]}}


def show(r: dict) -> str:
    return json.dumps(r)


if __name__ == "__main__":
    run_all(__doc__, DEFAULT_RUNS, HERE / "results" / "retail_lapse.json", measure, show, "events:seed of the retail company")
