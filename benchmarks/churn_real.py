"""parcours's churn model on real churn data, beside a logistic regression and a default LightGBM.

Each table is read through parcours's plain-table path (``parcours.customers.churn.read_table`` and
``prepare_table``, what ``parcours health evaluate --table`` uses: the id dropped, numeric-looking
text such as Telco's ``TotalCharges`` coerced with its blanks as missing, every other column a
feature). Then, on the same 5 stratified folds (seed 0), in the same run:

* ``parcours``: :class:`parcours.customers.churn.ChurnModel` with its defaults (no per-dataset tuning:
  it picks logistic regression, LightGBM or their blend by inner CV on the training folds only);
* ``logistic regression``: median imputation + scaling, one-hot categories, ``LogisticRegression()``;
* ``lightgbm default``: ``LGBMClassifier()`` with default settings, categories as pandas categories.

Reported per model: ROC AUC and Brier score, mean ± sd over the folds, plus PR-AUC and lift at top
10 % for parcours. "Health that means something": on each fold a scorecard is suggested from the
training rows (``suggest_scorecard``: the numeric columns most linked to churn, in their healthy
direction) and the held-out customers are scored and banded with the default bands; the churn rate
of red customers is compared with that of green ones (bar: at least 2×).

    python benchmarks/churn_real.py                       # writes benchmarks/results/churn_real.json
    python benchmarks/churn_real.py --table other.csv --id customer --label churned   # unseen data too
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
DATASETS = Path(os.environ.get("PARCOURS_DATASETS", HERE.parent.parent / "shared" / "datasets"))
#: Churn tables of ../shared/datasets: (file, id column, label column).
KNOWN = [("telco_customer_churn.csv.gz", "customerID", "Churn")]


def logistic_baseline(X: pd.DataFrame):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    prep = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), num),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore"))]), cat)])
    return Pipeline([("prep", prep), ("lr", LogisticRegression(max_iter=2000))])


def as_categories(X: pd.DataFrame, train: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas categories with the training rows' levels (what LightGBM takes natively)."""
    out = X.copy()
    for c in X.columns:
        if not pd.api.types.is_numeric_dtype(X[c]):
            levels = sorted(train[c].dropna().astype(str).unique())
            out[c] = pd.Categorical(X[c].astype("string").astype(object), categories=levels)
    return out


def run_table(path: Path, id_col: str | None, label: str, folds: int, seed: int) -> dict:
    import lightgbm as lgb
    from sklearn.model_selection import StratifiedKFold

    from parcours.customers.churn import ChurnModel, prepare_table, read_table, scores
    from parcours.customers.health import band_churn, score_frame, suggest_scorecard

    t0 = time.perf_counter()
    X, y, ids = prepare_table(read_table(path), id=id_col, label=label, source=str(path))
    read_s = time.perf_counter() - t0
    per: dict[str, list[dict]] = {"parcours": [], "logistic regression": [], "lightgbm default": []}
    chosen, bands = [], []
    seconds = {k: 0.0 for k in per}
    for i, (tr, te) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y)):
        Xtr, Xte, ytr, yte = X.iloc[tr], X.iloc[te], y[tr], y[te]
        t = time.perf_counter()
        m = ChurnModel(random_state=seed).fit(Xtr, ytr)
        p = m.predict_proba(Xte)[:, 1]
        seconds["parcours"] += time.perf_counter() - t
        per["parcours"].append({"fold": i + 1, **scores(yte, p)})
        chosen.append(m.chosen_)
        t = time.perf_counter()
        p = logistic_baseline(Xtr).fit(Xtr, ytr).predict_proba(Xte)[:, 1]
        seconds["logistic regression"] += time.perf_counter() - t
        per["logistic regression"].append({"fold": i + 1, **scores(yte, p)})
        t = time.perf_counter()
        g = lgb.LGBMClassifier(random_state=seed, verbose=-1).fit(as_categories(Xtr, Xtr), ytr)
        p = g.predict_proba(as_categories(Xte, Xtr))[:, 1]
        seconds["lightgbm default"] += time.perf_counter() - t
        per["lightgbm default"].append({"fold": i + 1, **scores(yte, p)})
        # health: a scorecard from the training rows, bands on the held-out customers
        card = suggest_scorecard(Xtr, ytr)
        h = score_frame(Xte, card, ids=ids.iloc[te])
        bands.append(band_churn(h, pd.Series(yte, index=ids.iloc[te].to_numpy())))
        print(f"  fold {i + 1}: parcours {per['parcours'][-1]['roc_auc']:.4f} ({m.chosen_}), "
              f"LR {per['logistic regression'][-1]['roc_auc']:.4f}, LightGBM {per['lightgbm default'][-1]['roc_auc']:.4f}",
              flush=True)
    models = {}
    for k, rows in per.items():
        df = pd.DataFrame(rows)
        models[k] = {m: {"mean": float(df[m].mean()), "sd": float(df[m].std(ddof=1))}
                     for m in ("roc_auc", "pr_auc", "brier", "lift_top10")}
        models[k]["per_fold_roc_auc"] = df.roc_auc.round(5).tolist()
        models[k]["seconds"] = round(seconds[k], 2)
    b = pd.concat(bands).groupby("band", sort=False)[["customers", "churned"]].sum()
    b = b.reindex(["red", "yellow", "green"]).fillna(0).astype(int)
    rate = (b.churned / b.customers.where(b.customers > 0)).to_dict()
    best_base = max(models["logistic regression"]["roc_auc"]["mean"], models["lightgbm default"]["roc_auc"]["mean"])
    return {
        "table": path.name, "rows": len(y), "features": int(X.shape[1]), "churn_rate": float(y.mean()),
        "read_seconds": round(read_s, 2), "folds": folds, "seed": seed, "models": models, "chosen_per_fold": chosen,
        "parcours_at_least_baselines": bool(models["parcours"]["roc_auc"]["mean"] >= best_base),
        "health": {"bands": {k: {"customers": int(b.loc[k, "customers"]), "churned": int(b.loc[k, "churned"]),
                                 "churn_rate": (None if pd.isna(rate[k]) else float(rate[k]))} for k in b.index},
                   "red_over_green": (float(rate["red"] / rate["green"]) if rate.get("green") else None)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--table", type=Path, action="append", default=[], help="another churn table (CSV/Parquet)")
    ap.add_argument("--id", action="append", default=[], help="its id column (one per --table)")
    ap.add_argument("--label", action="append", default=[], help="its churn label column (one per --table)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "churn_real.json")
    args = ap.parse_args()
    jobs = [(DATASETS / f, i, lab) for f, i, lab in KNOWN if (DATASETS / f).exists()]
    jobs += [(t, (args.id[k] if k < len(args.id) else None), args.label[k]) for k, t in enumerate(args.table)]
    import lightgbm
    import sklearn

    from parcours.customers.churn import has_lightgbm

    results = []
    for path, id_col, label in jobs:
        print(f"{path.name}:", flush=True)
        results.append(run_table(path, id_col, label, args.folds, args.seed))
    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "sklearn": sklearn.__version__,
            "lightgbm": lightgbm.__version__, "parcours_uses_lightgbm": has_lightgbm()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "results": results}, indent=1), encoding="utf-8")
    for r in results:
        ms = r["models"]
        print(f"{r['table']}: " + ", ".join(f"{k} AUC {v['roc_auc']['mean']:.4f} ± {v['roc_auc']['sd']:.4f} "
                                            f"Brier {v['brier']['mean']:.4f}" for k, v in ms.items()))
        print(f"  health: red/green churn ratio {r['health']['red_over_green']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
