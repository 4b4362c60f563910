"""Health scores the Gainsight way, and the at-risk list.

A scorecard (``health:`` in ``parcours.yaml``) lists measures, each a customer feature normalised to
0-100 (by its percentile among the customers on that date, or linearly between two thresholds,
in the direction that is healthier), with weights. A customer's score is the weighted mean of the
measures it has: a missing measure (no seats, never answered a survey) is left out and the others
re-weighted, and the missing ones are listed. Colour bands turn the score into red / yellow /
green; the trend compares it with the score one ``period`` before, and ``movers`` says which
measures moved it. The scores are computed in the engine; the trend and movers on the one row per
customer that comes back.

:func:`at_risk` ranks the customers who can still churn by value at risk (calibrated churn
probability × yearly value), with the model's reasons in plain words.

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp())
>>> health_scores(ws, as_of="2024-01-01").columns[:3]
('customer_id', 'health', 'band')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from parcours.config import HealthConfig, HealthMeasure, parse_duration
from parcours.customers.features import (
    FeatureError,
    customer_features,
    reference_time,
)

if TYPE_CHECKING:
    from parcours.workspace import Workspace

BANDS = ("red", "yellow", "green")


def _config(ws: Any, config: Any) -> HealthConfig:
    if config is None:
        from parcours.workspace import Workspace

        return ws.config.health if isinstance(ws, Workspace) else HealthConfig()
    if isinstance(config, HealthConfig):
        return config
    if isinstance(config, dict):
        return HealthConfig.model_validate(config)
    raise FeatureError(f"config must be a HealthConfig or a dict, not {type(config).__name__}")


def measure_slug(m: HealthMeasure) -> str:
    """Column-safe name of a measure: ``Seat use`` -> ``seat_use``.

    >>> measure_slug(HealthMeasure(name="Seat use", feature="seats_used_share"))
    'seat_use'
    """
    import re

    return re.sub(r"[^0-9a-z]+", "_", m.name.lower()).strip("_") or "measure"


def normalise(t: ibis.Table, m: HealthMeasure) -> ir.FloatingValue:
    """A measure's 0-100 score per row of ``t`` (NULL where the feature is NULL).

    Percentiles use the mid-rank, so tied customers share a score and a constant feature gives 50.
    """
    x = t[m.feature].cast("float64")
    if m.method == "thresholds":
        lo, hi = m.bounds  # type: ignore[misc]
        s = ((x - lo) / (hi - lo) * 100).clip(lower=0, upper=100)
    else:
        w = ibis.window(group_by=x.isnull(), order_by=x)
        s = (ibis.percent_rank().over(w) + ibis.cume_dist().over(w)) * 50
    if m.direction == "lower_is_better":
        s = 100 - s
    return ibis.ifelse(x.isnull(), ibis.null("float64"), s.cast("float64"))


def score_table(features: ibis.Table, config: HealthConfig) -> ibis.Table:
    """Health from a features table: ``customer_id``, ``health``, ``band``, ``missing``, one ``m_<measure>`` each."""
    absent = [m.feature for m in config.measures if m.feature not in features.columns]
    if absent:
        raise FeatureError(f"health.measures use feature(s) {', '.join(absent)} that the features table lacks; "
                           f"available: {', '.join(c for c in features.columns if c != 'customer_id')}")
    cols = {f"m_{measure_slug(m)}": normalise(features, m) for m in config.measures}
    t = features.select("customer_id", **cols)
    num = sum(t[c].fill_null(0) * m.weight for c, m in zip(cols, config.measures))
    den = sum(ibis.ifelse(t[c].isnull(), 0.0, m.weight) for c, m in zip(cols, config.measures))
    health = (num / den.nullif(0)).cast("float64")
    b = config.bands
    band = ibis.cases((health.isnull(), ibis.null("string")), (health < b.red_below, "red"),
                      (health >= b.green_from, "green"), else_="yellow")
    missing = ibis.literal("")
    for c, m in zip(cols, config.measures):
        missing = missing + ibis.ifelse(t[c].isnull(), m.name + "; ", "")
    missing = missing.rstrip().re_replace(";$", "")
    return t.select("customer_id", health=health, band=band, missing=missing, **{c: t[c] for c in cols})


def health_scores(ws: Workspace, *, as_of: Any = None, config: Any = None) -> ibis.Table:
    """Health of every customer as of a date (rows strictly before it), computed in the engine.

    Columns: ``customer_id``, ``health`` (0-100, NULL if no measure applies), ``band``
    (red / yellow / green), ``missing`` (measures left out, ``;``-separated) and ``m_<measure>``.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> health_scores(ws).count().execute()
    0
    """
    cfg = _config(ws, config)
    return score_table(customer_features(ws, as_of=as_of), cfg)


def health(ws: Workspace, *, as_of: Any = None, config: Any = None, movers: int = 2) -> pd.DataFrame:
    """Health now and one ``period`` before: score, band, trend, and which measures moved it.

    ``trend`` is the score change (NULL for customers without a score before); ``movers`` names the
    ``movers`` measures whose weighted share of the score changed most, e.g. ``Seat use -12.5``.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> list(health(ws).columns[:6])
    ['customer_id', 'health', 'band', 'previous', 'trend', 'movers']
    """
    cfg = _config(ws, config)
    now = reference_time(ws, as_of)
    before = now - pd.Timedelta(parse_duration(cfg.period))
    a = health_scores(ws, as_of=now, config=cfg).to_pandas()
    b = health_scores(ws, as_of=before, config=cfg).to_pandas()
    out = compare(a, b, cfg, movers=movers)
    out.attrs.update(as_of=str(now), previous_as_of=str(before))
    return out


def compare(now: pd.DataFrame, before: pd.DataFrame, config: HealthConfig, *, movers: int = 2) -> pd.DataFrame:
    """Trend and movers from two score tables (as :func:`score_table` returns, fetched).

    A measure's move is the change of its weighted share of the score (after re-weighting), in
    points, so the moves of a customer add up to its trend when no measure appeared or vanished.
    """
    cfg = config
    names = [m.name for m in cfg.measures]
    cols = [f"m_{measure_slug(m)}" for m in cfg.measures]
    w = np.array([m.weight for m in cfg.measures])
    merged = now.merge(before[["customer_id", "health", *cols]], on="customer_id", how="left", suffixes=("", "_before"))

    def shares(frame: pd.DataFrame, suffix: str) -> np.ndarray:
        s = frame[[c + suffix for c in cols]].to_numpy(dtype=float)
        present = ~np.isnan(s)
        den = (present * w).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(present, s * w, 0.0) / np.where(den > 0, den, np.nan)

    delta = np.nan_to_num(shares(merged, "") - shares(merged, "_before"))
    out = merged[["customer_id", "health", "band"]].copy()
    out["previous"] = merged["health_before"]
    out["trend"] = out.health - out.previous
    k = min(movers, len(names))
    order = np.argsort(-np.abs(delta), axis=1, kind="stable")[:, :k]
    text = pd.Series("", index=out.index)
    has_before = out.previous.notna().to_numpy()
    for r in range(k):  # a loop over the few mover ranks, vectorised over customers
        idx = order[:, r] if len(out) else np.zeros(0, dtype=int)
        d = delta[np.arange(len(out)), idx] if len(out) else np.zeros(0)
        piece = (pd.Series(np.asarray(names, dtype=object)[idx], index=out.index) + " "
                 + pd.Series(d, index=out.index).map("{:+.1f}".format))
        piece = piece.where((np.abs(d) >= 0.05) & has_before, "")
        text = text.where(piece == "", text.where(text == "", text + "; ") + piece)
    out["movers"] = text
    out["missing"] = merged["missing"]
    for c, n in zip(cols, names):
        out[n] = merged[c]
    return out.sort_values(["health", "customer_id"], na_position="last", kind="stable").reset_index(drop=True)


def band_churn(scores: pd.DataFrame, churned: pd.Series) -> pd.DataFrame:
    """Churn rate per colour band: ``band``, ``customers``, ``churned``, ``churn_rate``.

    >>> s = pd.DataFrame({"customer_id": ["a", "b"], "band": ["red", "green"]})
    >>> band_churn(s, pd.Series([1, 0], index=["a", "b"])).set_index("band").churn_rate.to_dict()
    {'red': 1.0, 'yellow': nan, 'green': 0.0}
    """
    d = scores[["customer_id", "band"]].dropna().copy()
    d["churned"] = d.customer_id.map(churned).fillna(0).astype(int)
    g = d.groupby("band").agg(customers=("churned", "size"), churned=("churned", "sum")).reindex(list(BANDS))
    g = g.fillna(0).astype(int).reset_index()
    g["churn_rate"] = g.churned / g.customers.where(g.customers > 0)
    return g


# --------------------------------------------------------------------------- data-driven scorecards


def suggest_scorecard(X: pd.DataFrame, y: np.ndarray, *, measures: int = 6) -> HealthConfig:
    """A scorecard for a plain table: the numeric columns most linked to churn, in their healthy direction.

    Each column's link is its univariate ROC AUC against the label (missing values skipped); the
    ``measures`` strongest become percentile measures, weighted by their strength. Fit it on
    training rows only; for tables that are not parcours features (e.g. a CRM export).

    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"use": rng.random(300), "noise": rng.random(300)})
    >>> y = (rng.random(300) > X.use).astype(int)
    >>> suggest_scorecard(X, y, measures=1).measures[0].direction
    'higher_is_better'
    """
    from sklearn.metrics import roc_auc_score

    found = []
    for c in X.columns:  # one pass per column, vectorised over rows
        x = X[c]
        if not pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x):
            continue
        ok = x.notna().to_numpy()
        if ok.sum() < 10 or len(np.unique(y[ok])) < 2 or x[ok].nunique() < 2:
            continue
        auc = roc_auc_score(y[ok], x[ok])
        found.append((abs(auc - 0.5), c, auc))
    if not found:
        raise FeatureError("no numeric column varies with churn; a scorecard needs numeric measures")
    found.sort(key=lambda t: (-t[0], str(t[1])))
    chosen = found[:measures]
    return HealthConfig(measures=[
        HealthMeasure(name=str(c), feature=str(c), weight=round(max(s, 0.01) * 10, 3),
                      direction="lower_is_better" if auc > 0.5 else "higher_is_better")
        for s, c, auc in chosen])


def score_frame(X: pd.DataFrame, config: HealthConfig, *, ids: Any = None) -> pd.DataFrame:
    """Health of the rows of a plain pandas table (run in an in-memory DuckDB), as :func:`score_table`."""
    df = X.copy()
    df.insert(0, "customer_id", np.asarray(ids).astype(str) if ids is not None else np.arange(len(df)).astype(str))
    keep = ["customer_id", *{m.feature for m in config.measures}]
    t = ibis.memtable(df[keep])
    con = ibis.duckdb.connect()
    try:
        return con.to_pyarrow(score_table(t, config)).to_pandas().set_index("customer_id").loc[df.customer_id].reset_index()
    finally:
        con.disconnect()


# --------------------------------------------------------------------------- at-risk list


def yearly_value(features: pd.DataFrame) -> pd.Series:
    """Spend per year of tenure (a full year at least), the value a churn would lose.

    >>> yearly_value(pd.DataFrame({"monetary": [730.0], "tenure_days": [730.0]})).tolist()
    [365.0]
    """
    tenure = features["tenure_days"].fillna(0).clip(lower=365.0)
    return (features["monetary"].fillna(0) * 365.0 / tenure).astype(float)


def fit_churn(ws: Workspace, *, as_of: Any = None, config: Any = None, model: Any = None) -> tuple[Any, pd.DataFrame]:
    """A churn model trained on the workspace's history before ``as_of``: (fitted model, its training snapshots).

    The model is a :class:`~parcours.customers.churn.ChurnModel` (its reasons credit what happened
    before how customers felt: ``health.churn.downstream``) unless ``model`` (any estimator with
    fit / predict_proba, cloned) is given; see :func:`~parcours.customers.churn.churn_snapshots`.
    """
    from sklearn.base import clone

    from parcours.customers.churn import ChurnModel, churn_snapshots, snapshot_matrix

    ch = _config(ws, config).churn
    snap = churn_snapshots(ws, activities=ch.activities, horizon=ch.horizon, step=ch.step, snapshots=ch.snapshots,
                           active_within=ch.active_within, buyers_only=ch.buyers_only, max_rows=ch.max_rows,
                           end=reference_time(ws, as_of) if as_of is not None else None, definition=ch.definition)
    m = ChurnModel(downstream=tuple(ch.downstream)) if model is None else clone(model)
    m.fit(snapshot_matrix(snap), snap.churned.to_numpy())
    return m, snap


def scoring_features(ws: Workspace, *, as_of: Any = None, config: Any = None) -> pd.DataFrame:
    """Features as of ``as_of`` of the customers who can still churn (see ``health.churn`` settings)."""
    from parcours.customers.churn import eligible_features

    ch = _config(ws, config).churn
    cur = eligible_features(ws, reference_time(ws, as_of), activities=ch.activities, active_within=ch.active_within,
                            buyers_only=ch.buyers_only)
    return cur.drop("churned_at").order_by("customer_id").to_pandas()


def at_risk(ws: Workspace, *, as_of: Any = None, config: Any = None, model: Any = None, top: int = 3,
            min_probability: float = 0.0, fitted: Any = None) -> pd.DataFrame:
    """Customers who can still churn, sorted by value at risk (churn probability × yearly value).

    The model (``fitted``, else :func:`fit_churn` with ``model``) is trained on the workspace's
    history and scored on the features as of ``as_of``. Columns: ``customer_id``,
    ``churn_probability``, ``value``, ``value_at_risk``, ``health``, ``band``, ``top_reason``, ``reasons``.
    """
    cfg = _config(ws, config)
    ts = reference_time(ws, as_of)
    if fitted is None:
        m, snap = fit_churn(ws, as_of=as_of, config=cfg, model=model)
        info = {"training_rows": len(snap), "training_churn_rate": float(snap.churned.mean()),
                "definition": snap.attrs.get("definition")}
    else:
        m, info = fitted, {}
    cur = scoring_features(ws, as_of=ts, config=cfg)
    cols = list(getattr(m, "columns_", [c for c in cur.columns if c != "customer_id"]))
    ex = m.explain(cur[cols], ids=cur.customer_id, top=top)
    ex["value"] = yearly_value(cur).to_numpy()
    ex["value_at_risk"] = ex.churn_probability * ex.value
    con = ibis.duckdb.connect()
    try:
        hs = con.to_pyarrow(score_table(ibis.memtable(cur), cfg).select("customer_id", "health", "band")).to_pandas()
    finally:
        con.disconnect()
    ex = ex.merge(hs, on="customer_id", how="left")
    ex = ex[ex.churn_probability >= min_probability]
    ex = ex[["customer_id", "churn_probability", "value", "value_at_risk", "health", "band", "top_reason", "reasons"]]
    ex = ex.sort_values(["value_at_risk", "churn_probability", "customer_id"], ascending=[False, False, True],
                        kind="stable").reset_index(drop=True)
    ex.attrs.update(as_of=str(ts), model=m.chosen_, inner_auc=m.inner_scores_, **info)
    return ex


__all__ = ["BANDS", "at_risk", "band_churn", "compare", "fit_churn", "health", "health_scores", "measure_slug", "normalise",
           "score_frame", "score_table", "scoring_features", "suggest_scorecard", "yearly_value"]
