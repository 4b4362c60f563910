"""Churn risk: a calibrated scikit-learn-style model with per-customer reasons in plain words.

:class:`ChurnModel` takes a plain table of features (numeric and categorical columns, missing
values allowed) and chooses, by inner cross-validation on the training rows only, between a
regularised logistic regression (one-hot + scaling), gradient boosting (LightGBM if installed,
else scikit-learn's HistGradientBoosting) and the blend of both (mean of their log-odds). The
chosen score is calibrated with Platt scaling fitted on the inner out-of-fold scores, so the
ranking (ROC AUC) is the fitted model's and the probabilities are honest. Reasons are exact
feature contributions to the log-odds: ``coef × (x - mean)`` for the linear model, LightGBM's
``pred_contrib`` for trees, summed back onto the original columns and rendered in words
("few seats used (12 %)", "3 support contacts").

Reasons can follow a causal order. Columns that measure how customers feel (NPS, CSAT, sentiment)
follow from what happened to them: a failed import lowers the NPS and raises churn. Plain
contributions then credit the NPS, which screens the failure off. Given ``downstream`` columns,
reasons are asymmetric Shapley values (Frye et al., 2020) over the order "what happened, then how
it felt": what happened is credited with what a model of those columns alone predicts, and the
downstream columns with only what they add. The probabilities do not change.

Two ways in:

* a plain customer table with a churn label (:func:`read_table`, :func:`prepare_table`), as
  ``parcours health evaluate --table telco.csv --id customerID --label Churn`` does;
* a workspace's history (:func:`churn_snapshots`): features as of several past dates stacked,
  each labelled by a churn event within the horizon after it (a time-based split: a snapshot
  never sees what happens after its date).

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> X = pd.DataFrame({"seats_used_share": rng.random(400), "plan": rng.choice(["a", "b"], 400)})
>>> y = (rng.random(400) < 0.8 - 0.6 * X.seats_used_share).astype(int)
>>> m = ChurnModel(random_state=0).fit(X, y)
>>> m.predict_proba(X).shape
(400, 2)
>>> m.contributions(X).abs().mean().idxmax()
'seats_used_share'
>>> m.explain(X[X.seats_used_share < 0.1].head(1)).reasons.iloc[0].startswith("few seats used")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from parcours.errors import ParcoursError

if TYPE_CHECKING:
    from parcours.workspace import Workspace

CANDIDATES = ("linear", "boosting", "blend")
#: Label values read as "churned" / "stayed" (case-insensitive), besides 1/0 and booleans.
POSITIVE = ("yes", "y", "true", "t", "1", "churn", "churned", "lost", "cancelled", "canceled", "left")
NEGATIVE = ("no", "n", "false", "f", "0", "stay", "stayed", "active", "retained", "renewed")


class ChurnError(ParcoursError, ValueError):
    """A churn table or model input that cannot be used (a missing column, a label that is not binary)."""


def has_lightgbm() -> bool:
    """Whether LightGBM can be imported (else gradient boosting is scikit-learn's HistGradientBoosting).

    >>> isinstance(has_lightgbm(), bool)
    True
    """
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- plain tables


def read_table(path: str | Path) -> pd.DataFrame:
    """A customer table from CSV (optionally gzipped) or Parquet, read by DuckDB through Ibis.

    Columns come back as DuckDB typed them; text columns that hold numbers with a few blanks
    (Telco's ``TotalCharges``) are fixed later by :func:`prepare_table`.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(p, "w").write("id,x,churn\\na,1,Yes\\nb,2,No\\n")
    >>> read_table(p).shape
    (2, 3)
    """
    import ibis

    p = Path(path)
    if not p.exists():
        raise ChurnError(f"{p}: file not found")
    name = p.name.lower()
    con = ibis.duckdb.connect()
    try:
        if name.endswith((".parquet", ".pq")):
            t = con.read_parquet(p)
        elif re.search(r"\.(csv|tsv|txt)(\.gz)?$", name):
            t = con.read_csv(p)
        else:
            raise ChurnError(f"{p}: not a .csv, .csv.gz or .parquet file")
        return t.to_pandas()
    except ChurnError:
        raise
    except Exception as exc:  # noqa: BLE001 - DuckDB's many reader errors, reported with the file
        raise ChurnError(f"{p}: cannot be read as a table ({exc})") from None
    finally:
        con.disconnect()


def binary_label(values: pd.Series, *, name: str = "label") -> np.ndarray:
    """A churn label as 0/1: booleans, 0/1, or words such as Yes/No, churned/active.

    >>> binary_label(pd.Series(["Yes", "No", "yes"])).tolist()
    [1, 0, 1]
    """
    s = values
    if s.isna().any():
        raise ChurnError(f"column {name!r}: {int(s.isna().sum())} rows have no label; drop them or fill them")
    if pd.api.types.is_bool_dtype(s):
        return s.astype(int).to_numpy()
    if pd.api.types.is_numeric_dtype(s):
        u = set(np.unique(s.to_numpy()).tolist())
        if u <= {0, 1}:
            return s.astype(int).to_numpy()
        raise ChurnError(f"column {name!r} must be binary (0/1); found values {sorted(u)[:6]}")
    low = s.astype(str).str.strip().str.lower()
    pos, neg = low.isin(POSITIVE), low.isin(NEGATIVE)
    bad = ~(pos | neg)
    if bad.any():
        raise ChurnError(f"column {name!r} must say churned or not (Yes/No, 1/0, true/false); "
                         f"found {sorted(low[bad].unique().tolist())[:6]}")
    return pos.astype(int).to_numpy()


def coerce_numeric_text(df: pd.DataFrame, *, share: float = 0.95) -> pd.DataFrame:
    """Text columns whose non-blank values are (almost all) numbers become numbers; blanks become NaN.

    >>> coerce_numeric_text(pd.DataFrame({"t": ["1.5", " ", "2"]})).t.tolist()
    [1.5, nan, 2.0]
    """
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        text = s.astype("string").str.strip()
        filled = text.notna() & (text != "")
        if not filled.any():
            continue
        num = pd.to_numeric(text.where(filled), errors="coerce")
        if num[filled].notna().mean() >= share:
            out[c] = num.astype("float64")
    return out


def prepare_table(df: pd.DataFrame, *, id: str | None = None, label: str | None = None,
                  source: str = "table") -> tuple[pd.DataFrame, np.ndarray | None, pd.Series]:
    """(features, labels or None, ids) from a plain customer table: every other column is a feature.

    The id column is dropped from the features (row numbers serve when ``id`` is None),
    numeric-looking text is coerced, booleans become 0/1, other text stays categorical.

    >>> X, y, ids = prepare_table(pd.DataFrame({"id": ["a", "b"], "n": ["1", ""], "churn": ["Yes", "No"]}),
    ...                           id="id", label="churn")
    >>> list(X.columns), y.tolist(), ids.tolist()
    (['n'], [1, 0], ['a', 'b'])
    """
    for col, what in ((id, "--id"), (label, "--label")):
        if col is not None and col not in df.columns:
            raise ChurnError(f"{source}: no column {col!r} ({what}); columns: {', '.join(map(str, df.columns))}")
    ids = df[id].astype(str).reset_index(drop=True) if id is not None else pd.Series(
        np.arange(len(df)).astype(str), name="row")
    if id is not None and ids.duplicated().any():
        raise ChurnError(f"{source}: column {id!r} repeats ids (e.g. {ids[ids.duplicated()].iloc[0]!r}); "
                         f"one row per customer is expected")
    y = binary_label(df[label], name=label) if label is not None else None
    X = df.drop(columns=[c for c in (id, label) if c is not None]).reset_index(drop=True)
    if X.shape[1] == 0:
        raise ChurnError(f"{source}: no feature columns left besides the id and the label")
    X = coerce_numeric_text(X)
    for c in X.columns:
        if pd.api.types.is_bool_dtype(X[c]):
            X[c] = X[c].astype("float64")
    return X, y, ids


# --------------------------------------------------------------------------- the estimator


def _split_columns(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    return num, cat


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


class _Linear:
    """Logistic regression on median-imputed, scaled numbers (+ missing flags) and one-hot categories."""

    def __init__(self, num: list[str], cat: list[str], C: float, seed: int) -> None:
        self.num, self.cat = num, cat
        parts = []
        if num:
            parts.append(("num", Pipeline([("impute", SimpleImputer(strategy="median", add_indicator=True,
                                                                      keep_empty_features=True)),
                                           ("scale", StandardScaler())]), num))
        if cat:
            parts.append(("cat", Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
                                           ("onehot", OneHotEncoder(handle_unknown="ignore", min_frequency=5))]), cat))
        self.pipe = Pipeline([("prep", ColumnTransformer(parts, sparse_threshold=0)),
                              ("lr", LogisticRegression(C=C, max_iter=2000))])

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> _Linear:
        self.pipe.fit(X, y)
        prep = self.pipe.named_steps["prep"]
        Z = prep.transform(X)
        self.mean_ = Z.mean(axis=0)
        self.coef_ = self.pipe.named_steps["lr"].coef_[0]
        # which original column each transformed column comes from
        owner = []
        for name, trans, cols in prep.transformers_:
            if name == "num":
                imp = trans.named_steps["impute"]
                owner += list(cols)
                owner += [cols[i] for i in imp.indicator_.features_] if imp.indicator_ is not None else []
            elif name == "cat":
                enc = trans.named_steps["onehot"]
                for col, cats in zip(cols, enc.categories_):
                    n = len(cats) if enc.infrequent_categories_ is None else (
                        len(cats) - (0 if enc.infrequent_categories_[cols.index(col)] is None
                                     else len(enc.infrequent_categories_[cols.index(col)]) - 1))
                    owner += [col] * n
        self.owner_ = np.array(owner, dtype=object)
        return self

    def margin(self, X: pd.DataFrame) -> np.ndarray:
        return self.pipe.decision_function(X)

    def contributions(self, X: pd.DataFrame, columns: list[str]) -> np.ndarray:
        Z = self.pipe.named_steps["prep"].transform(X)
        C = (Z - self.mean_) * self.coef_
        out = np.zeros((len(X), len(columns)))
        index = {c: i for i, c in enumerate(columns)}
        for j, col in enumerate(self.owner_):
            out[:, index[col]] += C[:, j]
        return out


class _Boosting:
    """Gradient boosting: LightGBM (native categories, exact contributions) or HistGradientBoosting."""

    def __init__(self, num: list[str], cat: list[str], seed: int) -> None:
        self.num, self.cat, self.seed = num, cat, seed
        self.lgb = has_lightgbm()

    def _frame(self, X: pd.DataFrame) -> pd.DataFrame:
        Z = X[self.num + self.cat].copy()
        for c in self.cat:
            Z[c] = pd.Categorical(Z[c].astype("string").astype(object), categories=self.levels_[c])
        return Z

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> _Boosting:
        self.levels_ = {c: sorted(X[c].dropna().astype(str).unique().tolist()) for c in self.cat}
        Z = self._frame(X)
        # fixed, conservative settings: shallow trees, slow learning, row and column subsampling
        if self.lgb:
            import lightgbm as lgb

            self.model_ = lgb.LGBMClassifier(
                n_estimators=300, learning_rate=0.03, num_leaves=15, min_child_samples=20, subsample=0.8,
                subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0, random_state=self.seed, verbose=-1,
                n_jobs=1)
            self.model_.fit(Z, y)
        else:
            from sklearn.ensemble import HistGradientBoostingClassifier

            self.model_ = HistGradientBoostingClassifier(
                max_iter=300, learning_rate=0.03, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0,
                categorical_features="from_dtype", random_state=self.seed)
            # one OpenMP thread: on a busy machine its thread pool slows small fits down 50-fold
            with threadpool_limits(1, user_api="openmp"):
                self.model_.fit(Z, y)
            self.reference_ = Z.iloc[:0].copy()
            self.reference_ = pd.DataFrame(
                {c: [Z[c].median()] if c in self.num else pd.Categorical([Z[c].mode().iloc[0] if Z[c].notna().any()
                                                                          else None], categories=self.levels_[c])
                 for c in Z.columns})
        return self

    def margin(self, X: pd.DataFrame) -> np.ndarray:
        Z = self._frame(X)
        if self.lgb:
            return self.model_.predict(Z, raw_score=True)
        with threadpool_limits(1, user_api="openmp"):
            return self.model_.decision_function(Z)

    def contributions(self, X: pd.DataFrame, columns: list[str]) -> np.ndarray:
        Z = self._frame(X)
        order = self.num + self.cat
        if self.lgb:
            raw = self.model_.predict(Z, pred_contrib=True)[:, :-1]
        else:
            # occlusion: the score change when one column is set to its typical value (one pass per column)
            base = self.margin(X)
            raw = np.zeros((len(Z), len(order)))
            for j, c in enumerate(order):
                W = Z.copy()
                W[c] = pd.Series(np.repeat(self.reference_[c].iloc[0], len(Z)), index=Z.index).astype(Z[c].dtype)
                with threadpool_limits(1, user_api="openmp"):
                    raw[:, j] = base - self.model_.decision_function(W)
        out = np.zeros((len(X), len(columns)))
        index = {c: i for i, c in enumerate(columns)}
        for j, c in enumerate(order):
            out[:, index[c]] = raw[:, j]
        return out


class ChurnModel(ClassifierMixin, BaseEstimator):
    """Calibrated churn probabilities with per-customer reasons; the model is chosen by inner CV.

    Parameters
    ----------
    candidates : tuple of str, default=("linear", "boosting", "blend")
        Models compared by inner cross-validation (ROC AUC of out-of-fold scores).
    inner_folds : int, default=4
        Folds of the inner cross-validation (selection and calibration data).
    C : float, default=1.0
        Inverse L2 strength of the logistic regression.
    random_state : int, default=0
        Seed of the inner folds and of the boosting.
    downstream : tuple of str, default=()
        Columns that follow from the others (how customers feel: ``nps``, ``csat``, ``sentiment``).
        Reasons credit the other columns first and these only with what they add (see the module
        docstring); a second model of the other columns is fitted for that. Absent columns are ignored.

    Attributes
    ----------
    chosen_ : str
        The candidate kept. ``inner_scores_``: its rivals' inner ROC AUC. ``columns_``: features.
    calibration_ : tuple of float
        Platt scaling (a, b): probability = sigmoid(a × score + b).
    upstream_ : dict or None
        With ``downstream`` columns present: the model of the other columns (``columns``,
        ``parts``, ``calibration``, ``auc``) that reasons credit first.

    >>> import numpy as np, pandas as pd
    >>> X = pd.DataFrame({"x": np.arange(200.0)}); y = (np.arange(200) % 3 == 0).astype(int)
    >>> ChurnModel().fit(X, y).chosen_ in CANDIDATES
    True
    """

    def __init__(self, candidates: tuple[str, ...] = CANDIDATES, inner_folds: int = 4, C: float = 1.0,
                 random_state: int = 0, downstream: tuple[str, ...] = ()) -> None:
        self.candidates = candidates
        self.inner_folds = inner_folds
        self.C = C
        self.random_state = random_state
        self.downstream = downstream

    # -- helpers
    def _frame(self, X: Any) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            df = X
        else:
            arr = np.asarray(X)
            if arr.ndim != 2:
                raise ChurnError(f"features must be a table (2 dimensions); got shape {arr.shape}")
            df = pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])
            df = df.infer_objects()
        if hasattr(self, "columns_"):
            missing = [c for c in self.columns_ if c not in df.columns]
            if missing:
                raise ChurnError(f"feature column(s) {', '.join(map(str, missing))} missing; "
                                 f"the model was fitted on {', '.join(map(str, self.columns_))}")
            df = df[self.columns_]
        return df

    def _make(self, kind: str, columns: list[str] | None = None) -> tuple[Any, ...]:
        num, cat = self.num_, self.cat_
        if columns is not None:
            num, cat = [c for c in num if c in columns], [c for c in cat if c in columns]
        if kind == "linear":
            return (_Linear(num, cat, self.C, self.random_state),)
        if kind == "boosting":
            return (_Boosting(num, cat, self.random_state),)
        return (_Linear(num, cat, self.C, self.random_state), _Boosting(num, cat, self.random_state))

    @staticmethod
    def _margin(parts: tuple[Any, ...], X: pd.DataFrame) -> np.ndarray:
        return np.mean([p.margin(X) for p in parts], axis=0)

    # -- the estimator contract
    def fit(self, X: Any, y: Any) -> ChurnModel:
        """Choose a model by inner CV, fit it on all rows, calibrate on the inner out-of-fold scores."""
        for c in self.candidates:
            if c not in CANDIDATES:
                raise ChurnError(f"unknown candidate {c!r}; choose among {', '.join(CANDIDATES)}")
        for attr in ("columns_", "num_", "cat_"):
            if hasattr(self, attr):
                delattr(self, attr)
        df = self._frame(X).reset_index(drop=True)
        yy = np.asarray(y).astype(int)
        if len(df) != len(yy):
            raise ChurnError(f"{len(df)} rows of features but {len(yy)} labels")
        if set(np.unique(yy).tolist()) != {0, 1}:
            raise ChurnError("the labels need both churned (1) and stayed (0) customers")
        self.columns_ = list(df.columns)
        self.num_, self.cat_ = _split_columns(df)
        self.classes_ = np.array([0, 1])
        folds = max(2, min(self.inner_folds, int(np.bincount(yy).min())))
        skf = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        base = {k: np.zeros(len(df)) for k in ("linear", "boosting")}
        kinds = set(self.candidates) | ({"linear", "boosting"} if "blend" in self.candidates else set())
        for tr, te in skf.split(df, yy):
            for k in kinds - {"blend"}:
                part = self._make(k)[0].fit(df.iloc[tr], yy[tr])
                base[k][te] = part.margin(df.iloc[te])
        oof = {k: base[k] for k in self.candidates if k != "blend"}
        if "blend" in self.candidates:
            oof["blend"] = (base["linear"] + base["boosting"]) / 2
        self.inner_scores_ = {k: float(roc_auc_score(yy, v)) for k, v in oof.items()}
        self.chosen_ = max(self.candidates, key=lambda k: (round(self.inner_scores_[k], 4), -CANDIDATES.index(k)))
        # Platt scaling on the out-of-fold scores of the chosen model
        platt = LogisticRegression(C=1e6, max_iter=1000).fit(oof[self.chosen_].reshape(-1, 1), yy)
        self.calibration_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        self.parts_ = tuple(p.fit(df, yy) for p in self._make(self.chosen_))
        self.train_profile_ = _profile(df, self.num_)
        down = set(self.downstream)
        up = [c for c in self.columns_ if c not in down]
        self.upstream_ = self._fit_upstream(df, yy, up, skf) if up and len(up) < len(self.columns_) else None
        return self

    def _fit_upstream(self, df: pd.DataFrame, y: np.ndarray, columns: list[str], skf: StratifiedKFold) -> dict:
        """The chosen kind of model on the upstream columns only, calibrated on its own out-of-fold scores."""
        oof = np.zeros(len(df))
        for tr, te in skf.split(df, y):
            oof[te] = self._margin(tuple(p.fit(df.iloc[tr], y[tr]) for p in self._make(self.chosen_, columns)),
                                   df.iloc[te])
        platt = LogisticRegression(C=1e6, max_iter=1000).fit(oof.reshape(-1, 1), y)
        return {"columns": columns, "parts": tuple(p.fit(df, y) for p in self._make(self.chosen_, columns)),
                "calibration": (float(platt.coef_[0, 0]), float(platt.intercept_[0])),
                "auc": float(roc_auc_score(y, oof))}

    def decision_function(self, X: Any) -> np.ndarray:
        """The uncalibrated score (log-odds scale) of the chosen model."""
        check_is_fitted(self, "parts_")
        return self._margin(self.parts_, self._frame(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities of [stay, churn] per row."""
        a, b = self.calibration_
        p = 1.0 / (1.0 + np.exp(-(a * self.decision_function(X) + b)))
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """1 where the churn probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def contributions(self, X: Any) -> pd.DataFrame:
        """Each original column's contribution to each row's churn log-odds (calibration scale applied).

        With ``downstream`` columns, the upstream columns get their contributions in the upstream
        model, and the downstream ones share what the full model adds to it (the difference of the
        two calibrated log-odds), in proportion to their own contributions in the full model.
        """
        check_is_fitted(self, "parts_")
        df = self._frame(X)
        a, b = self.calibration_
        C = np.mean([p.contributions(df, self.columns_) for p in self.parts_], axis=0) * a
        up = getattr(self, "upstream_", None)
        if up is not None:
            ua, ub = up["calibration"]
            cols = up["columns"]
            down = np.array([c not in set(cols) for c in self.columns_])
            C_up = np.mean([p.contributions(df, cols) for p in up["parts"]], axis=0) * ua
            added = (a * self.decision_function(df) + b) - (ua * self._margin(up["parts"], df) + ub)
            s = C[:, down]
            w = np.abs(s)
            total = w.sum(axis=1, keepdims=True)
            w = np.where(total > 0, w / np.where(total > 0, total, 1), 1.0 / s.shape[1])
            C[:, down] = s + (added - s.sum(axis=1))[:, None] * w
            C[:, ~down] = C_up
        return pd.DataFrame(C, columns=self.columns_, index=df.index)

    def reasons(self, X: Any, *, ids: Any = None, top: int = 3) -> pd.DataFrame:
        """The ``top`` columns pushing each row's risk up, with their value in plain words.

        Rows: one per (customer, rank) with ``feature``, ``contribution`` (log-odds), the customer's
        ``value`` of that feature and ``text``.
        Only positive contributions are reasons; a customer at low risk may have fewer than ``top``.
        """
        df = self._frame(X).reset_index(drop=True)
        C = self.contributions(df).to_numpy()
        n, k = C.shape
        top = min(top, k)
        order = np.argsort(-C, axis=1, kind="stable")[:, :top]
        rows = np.repeat(np.arange(n), top)
        cols = order.ravel()
        contrib = C[rows, cols]
        keep = contrib > 0
        rows, cols, contrib = rows[keep], cols[keep], contrib[keep]
        rank = np.tile(np.arange(1, top + 1), n)[keep]
        ident = (pd.Series(np.asarray(ids)).astype(str).to_numpy() if ids is not None
                 else np.arange(n).astype(str))
        out = pd.DataFrame({"customer_id": ident[rows], "rank": rank,
                            "feature": np.asarray(self.columns_, dtype=object)[cols], "contribution": contrib})
        out["value"] = pd.Series(gather(df, rows, cols), dtype=object)
        out["text"] = describe(out.feature.to_numpy(), df, rows, cols, self.train_profile_)
        return out

    def explain(self, X: Any, *, ids: Any = None, top: int = 3) -> pd.DataFrame:
        """One row per customer: churn probability and its top reasons joined in one text column."""
        df = self._frame(X).reset_index(drop=True)
        ident = pd.Series(np.asarray(ids)).astype(str) if ids is not None else pd.Series(np.arange(len(df)).astype(str))
        r = self.reasons(df, ids=ident.to_numpy(), top=top)
        joined = r.groupby("customer_id", sort=False).text.agg("; ".join)
        first = r[r["rank"] == 1].set_index("customer_id").feature
        out = pd.DataFrame({"customer_id": ident, "churn_probability": self.predict_proba(df)[:, 1]})
        out["top_reason"] = out.customer_id.map(first)
        out["reasons"] = out.customer_id.map(joined).fillna("")
        return out


# --------------------------------------------------------------------------- plain words

#: How parcours's own features read: (words when high, words when low, format of the value).
PHRASES: dict[str, tuple[str, str, str]] = {
    "seats_used_share": ("many seats used", "few seats used", "pct"),
    "features_adopted": ("{v} features adopted", "only {v} features adopted", "count"),
    "support_contacts": ("{v} support contacts", "{v} support contacts", "count"),
    "repeat_contacts": ("{v} repeat contacts on the same need", "{v} repeat contacts", "count"),
    "logins": ("{v} logins", "only {v} logins", "count"),
    "days_since_last_event": ("no activity for {v} days", "active {v} days ago", "days"),
    "recency_days": ("last purchase {v} days ago", "bought {v} days ago", "days"),
    "frequency": ("{v} purchases", "only {v} purchases", "count"),
    "monetary": ("high spend", "low spend", "money"),
    "avg_basket": ("large baskets", "small baskets", "money"),
    "tenure_days": ("customer for {v} days", "customer for only {v} days", "days"),
    "events": ("{v} interactions", "only {v} interactions", "count"),
    "active_days": ("active on {v} days", "active on only {v} days", "count"),
    "feedback_score": ("good feedback", "poor feedback", "pct"),
    "nps": ("NPS answer {v}", "low NPS answer ({v})", "num"),
    "csat": ("CSAT {v}", "low CSAT ({v})", "num"),
    "seats": ("many seats", "few seats", "num"),
    "active_users": ("{v} active users", "only {v} active users", "count"),
    "feedback_count": ("{v} feedback answers", "{v} feedback answers", "count"),
    "failures": ("{v} failures (failed imports, payments, errors)", "{v} failures", "count"),
    "unresolved_failures": ("{v} failed steps never completed since (e.g. a failed import)",
                            "{v} failed steps left open", "count"),
    "bad_outcomes": ("{v} things that went wrong (e.g. late deliveries)", "{v} things that went wrong", "count"),
}


def _profile(df: pd.DataFrame, num: list[str]) -> dict[str, float | str]:
    """Median of each numeric column ("binary" for 0/1 flags): the yardstick of "high" and "low"."""
    out: dict[str, float | str] = {}
    for c in num:
        s = df[c].dropna()
        if s.empty:
            out[c] = float("nan")
        elif s.isin([0, 1]).all():
            out[c] = "binary"
        else:
            out[c] = float(s.median())
    return out


def _fmt(v: float, kind: str) -> str:
    if kind == "pct":
        return f"{v:.0%}".replace("%", " %")
    if kind in ("count", "days"):
        return f"{v:,.0f}"
    if kind == "money":
        return f"{v:,.0f}"
    return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def _words(name: str) -> str:
    return re.sub(r"[_\s]+", " ", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name))).strip().lower()


def describe_value(feature: str, value: Any, median: float | str | None = None) -> str:
    """One reason in words: a feature and the customer's value, e.g. ``few seats used (12 %)``.

    >>> describe_value("seats_used_share", 0.12, 0.7)
    'few seats used (12 %)'
    >>> describe_value("support_contacts", 3, 1)
    '3 support contacts'
    >>> describe_value("unresolved_failures", 1, 0)
    '1 failed step never completed since (e.g. a failed import)'
    >>> describe_value("Contract", "Month-to-month")
    'contract: Month-to-month'
    >>> describe_value("MonthlyCharges", 99.5, 70.0)
    'high monthly charges (99.5)'
    >>> describe_value("PaperlessBilling", 1.0, "binary")
    'paperless billing: yes'
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        label = PHRASES[feature][0].replace("{v} ", "").replace("many ", "") if feature in PHRASES else _words(feature)
        return f"{label} unknown"
    if not isinstance(value, int | float | np.integer | np.floating) or isinstance(value, bool):
        return f"{_words(feature)}: {value}"
    v = float(value)
    if median == "binary" and feature not in PHRASES:
        return f"{_words(feature)}: {'yes' if v else 'no'}"
    if isinstance(median, str):
        median = None
    high = median is None or np.isnan(median) or v >= median
    if feature in PHRASES:
        hi, lo, kind = PHRASES[feature]
        phrase = hi if high else lo
        shown = _fmt(v, kind)
        if "{v}" not in phrase:
            return f"{phrase} ({shown})"
        text = phrase.format(v=shown)
        # one of a count reads in the singular: "1 support contact", "1 failed step never completed"
        return re.sub(r"\b1 (\w+ )?(\w+)s\b", r"1 \1\2", text, count=1) if shown == "1" else text
    return f"{'high' if high else 'low'} {_words(feature)} ({_fmt(v, 'num')})"


def gather(df: pd.DataFrame, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``df``'s values at (rows[i], cols[i]), as objects: one take per column, not per cell."""
    out = np.empty(len(rows), dtype=object)
    for c in np.unique(cols):
        sel = np.flatnonzero(cols == c)
        out[sel] = df.iloc[rows[sel], int(c)].to_numpy(dtype=object)
    return out


def describe(features: np.ndarray, df: pd.DataFrame, rows: np.ndarray, cols: np.ndarray,
             profile: dict[str, float | str]) -> list[str]:
    """Texts of many (row, column) reasons: each distinct (feature, value) is put in words once."""
    out = np.empty(len(rows), dtype=object)
    for c in np.unique(cols):
        sel = np.flatnonzero(cols == c)
        f = str(features[sel[0]])
        codes, uniq = pd.factorize(df.iloc[rows[sel], int(c)], use_na_sentinel=False)
        texts = np.asarray([describe_value(f, v, profile.get(f)) for v in uniq] + [""], dtype=object)
        out[sel] = texts[codes]
    return out.tolist()


# --------------------------------------------------------------------------- evaluation


def lift_at(y: np.ndarray, p: np.ndarray, share: float = 0.1) -> float:
    """Churn rate among the ``share`` highest-scored rows over the overall churn rate.

    >>> lift_at(np.array([1, 0, 0, 0]), np.array([0.9, 0.1, 0.2, 0.3]), 0.25)
    4.0
    """
    n = max(1, int(np.ceil(share * len(y))))
    top = np.argsort(-p, kind="stable")[:n]
    base = y.mean()
    return float(y[top].mean() / base) if base > 0 else float("nan")


def scores(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """ROC AUC, PR-AUC (average precision), Brier score and lift at top 10 % of one set of predictions.

    >>> scores(np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8]))["roc_auc"]
    1.0
    """
    return {"roc_auc": float(roc_auc_score(y, p)), "pr_auc": float(average_precision_score(y, p)),
            "brier": float(brier_score_loss(y, p)), "lift_top10": lift_at(y, p, 0.1)}


@dataclass
class Evaluation:
    """Cross-validated scores: one row per fold, and mean ± sd per metric."""

    folds: pd.DataFrame
    rows: int
    churn_rate: float
    chosen: list[str]

    @property
    def summary(self) -> dict[str, dict[str, float]]:
        """{metric: {mean, sd}} over the folds (sd with ddof=1)."""
        return {m: {"mean": float(self.folds[m].mean()), "sd": float(self.folds[m].std(ddof=1))}
                for m in ("roc_auc", "pr_auc", "brier", "lift_top10")}

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"rows": self.rows, "churn_rate": self.churn_rate, "folds": len(self.folds),
                "chosen_per_fold": self.chosen, "metrics": self.summary,
                "per_fold": self.folds.to_dict(orient="records")}


def cross_validate(X: pd.DataFrame, y: np.ndarray, *, model: Any = None, folds: int = 5, seed: int = 0,
                   groups: np.ndarray | None = None) -> Evaluation:
    """Stratified (seeded) k-fold evaluation of a churn model: ROC AUC, PR-AUC, Brier, lift at 10 %.

    With ``groups`` (e.g. customer ids of stacked snapshots) a customer's rows stay in one fold.

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1); X = pd.DataFrame({"x": rng.random(300)})
    >>> y = (rng.random(300) < X.x).astype(int)
    >>> cross_validate(X, y, folds=3).summary["roc_auc"]["mean"] > 0.6
    True
    """
    from sklearn.model_selection import StratifiedGroupKFold

    model = ChurnModel(random_state=seed) if model is None else model
    y = np.asarray(y).astype(int)
    if np.bincount(y, minlength=2).min() < folds:
        raise ChurnError(f"{folds} folds need at least {folds} churned and {folds} stayed rows; "
                         f"found {int(y.sum())} churned of {len(y)}")
    split = (StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y) if groups is None else
             StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(X, y, groups))
    out, chosen = [], []
    for i, (tr, te) in enumerate(split):
        m = clone(model).fit(X.iloc[tr], y[tr])
        p = m.predict_proba(X.iloc[te])[:, 1]
        out.append({"fold": i + 1, **scores(y[te], p)})
        chosen.append(getattr(m, "chosen_", type(m).__name__))
    return Evaluation(pd.DataFrame(out), len(y), float(y.mean()), chosen)


# --------------------------------------------------------------------------- workspace history


def churn_events(ws: Workspace, activities: list[str]) -> Any:
    """Per customer, the first churn event (an activity in ``activities``) as an Ibis table."""
    ev = ws.table("events")
    ch = ev.filter(ev.activity.isin(activities) & ev.customer_id.notnull())
    return ch.group_by("customer_id").aggregate(churned_at=ch.timestamp.min())


def eligible_features(ws: Workspace, as_of: Any, *, activities: list[str], active_within: str,
                      buyers_only: bool = True) -> Any:
    """Features as of a date for the customers who could still churn then.

    Eligible: seen in an event within ``active_within`` before ``as_of``, no churn event before it,
    and (``buyers_only``) at least one purchase before it.
    """
    import ibis

    from parcours.config import parse_duration
    from parcours.customers.features import customer_features, to_timestamp

    ts = to_timestamp(as_of)
    ts_lit = ibis.literal(ts.to_pydatetime(), type="timestamp")
    f = customer_features(ws, as_of=ts)
    ce = churn_events(ws, activities)
    f = f.left_join(ce, "customer_id").drop("customer_id_right")
    window = parse_duration(active_within).total_seconds() / 86_400
    alive = f.churned_at.isnull() | (f.churned_at >= ts_lit)
    keep = alive & f.days_since_last_event.notnull() & (f.days_since_last_event <= window)
    if buyers_only:
        keep = keep & (f.frequency > 0)
    return f.filter(keep)


DEFINITIONS = ("auto", "activity", "lapse")


def churn_definition(ws: Workspace, activities: list[str], definition: str = "auto") -> str:
    """The churn definition in force: ``activity`` (a churn activity: subscriptions) or ``lapse``
    (no purchase within the horizon: shops). ``auto``: activity if the history has one, else lapse."""
    if definition not in DEFINITIONS:
        raise ChurnError(f"unknown churn definition {definition!r}; choose among {', '.join(DEFINITIONS)}")
    if definition != "auto":
        return definition
    return "activity" if churn_events(ws, activities).count().execute() > 0 else "lapse"


def churn_snapshots(ws: Workspace, *, activities: list[str], horizon: str = "180d", step: str = "90d",
                    snapshots: int = 8, active_within: str = "180d", buyers_only: bool = True,
                    end: Any = None, max_rows: int | None = None, seed: int = 0,
                    definition: str = "auto") -> pd.DataFrame:
    """Training rows from history: features as of past dates, labelled by a churn within ``horizon`` after.

    A churn is a churn activity (``definition="activity"``) or, for businesses without contracts,
    a lapse: no purchase within the horizon (``"lapse"``); ``"auto"`` picks the first if the
    history has any churn activity. Dates go back from ``end - horizon`` (``end``: the last event)
    by ``step``, ``snapshots`` of them; only dates whose whole horizon is observed are used, so no
    label is cut short. Columns: ``customer_id``, ``as_of``, the features, ``churned`` (0/1). With
    ``max_rows``, whole customers (all their snapshots) are drawn at random (``seed``) until the
    rows would exceed it. ``attrs["definition"]`` says which definition labelled the rows.
    """
    import ibis

    from parcours.config import parse_duration
    from parcours.customers.features import _settings, purchases, reference_time, to_timestamp

    last = reference_time(ws) if end is None else to_timestamp(end, name="end")
    h, s = pd.Timedelta(parse_duration(horizon)), pd.Timedelta(parse_duration(step))
    first = ws.table("events").timestamp.min().execute()
    if first is None or pd.isna(first):
        raise ChurnError("the workspace has no events to learn churn from; ingest data first")
    kind = churn_definition(ws, activities, definition)
    if kind == "activity" and churn_events(ws, activities).count().execute() == 0:  # cheap check first
        raise ChurnError(f"no churn event ({', '.join(activities)}) in the history; set health.churn.activities "
                         f"in parcours.yaml to the activities that mean a customer left, or health.churn.definition "
                         f"to lapse (no purchase within the horizon)")
    bought = purchases(ws.table("events"), _settings(None, ws.config.customers)) if kind == "lapse" else None
    dates = [last - h - i * s for i in range(snapshots)]
    dates = [d for d in dates if d > pd.Timestamp(first) + s]
    frames = []
    for d in sorted(dates):  # a handful of dates, each one engine query
        f = eligible_features(ws, d, activities=activities, active_within=active_within, buyers_only=buyers_only)
        start_lit = ibis.literal(d.to_pydatetime(), type="timestamp")
        end_lit = ibis.literal((d + h).to_pydatetime(), type="timestamp")
        if bought is None:
            f = f.mutate(churned=(f.churned_at.notnull() & (f.churned_at < end_lit)).cast("int64"))
        else:
            nxt = bought.filter((bought.timestamp > start_lit) & (bought.timestamp <= end_lit) & bought.customer_id.notnull())
            nxt = nxt.group_by("customer_id").aggregate(next_purchase=nxt.timestamp.min())
            f = f.left_join(nxt, "customer_id").drop("customer_id_right")
            f = f.mutate(churned=f.next_purchase.isnull().cast("int64")).drop("next_purchase")
        frames.append(f.drop("churned_at").to_pandas().assign(as_of=d))
    if not frames:
        raise ChurnError(f"history too short for a {horizon} horizon: the events run from {first} to {last}")
    # a fixed row order (the engine returns groups in any order): the same history, the same model
    out = pd.concat(frames, ignore_index=True).sort_values(["as_of", "customer_id"], kind="stable")
    out = out.reset_index(drop=True)
    if max_rows is not None:
        out = sample_customers(out, max_rows, seed=seed)
    if out.empty or out.churned.sum() == 0:
        what = (f"churn event ({', '.join(activities)})" if kind == "activity"
                else "lapse (a buyer without a purchase)")
        raise ChurnError(f"no {what} within {horizon} of any snapshot; set health.churn.activities or "
                         f"health.churn.definition in parcours.yaml to what means a customer left")
    if out.churned.sum() == len(out):
        raise ChurnError(f"every customer of every snapshot churned within {horizon}: nothing to learn from")
    out.attrs["definition"] = kind
    return out


def sample_customers(rows: pd.DataFrame, max_rows: int, *, seed: int = 0) -> pd.DataFrame:
    """At most ``max_rows`` rows, drawing whole customers (all their rows) at random, seeded.

    >>> df = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "x": [1, 2, 3, 4]})
    >>> len(sample_customers(df, 3)) <= 3, sample_customers(df, 9).equals(df)
    (True, True)
    """
    if len(rows) <= max_rows:
        return rows
    ids, counts = np.unique(rows.customer_id.to_numpy().astype(str), return_counts=True)
    order = np.random.default_rng(seed).permutation(len(ids))
    keep = ids[order][np.cumsum(counts[order]) <= max_rows]
    return rows[rows.customer_id.astype(str).isin(keep)].reset_index(drop=True)


FEATURE_DROP = ("customer_id", "as_of", "churned")


def snapshot_matrix(snap: pd.DataFrame) -> pd.DataFrame:
    """The model inputs of snapshot rows (drop ids, dates, label, and columns empty everywhere)."""
    X = snap.drop(columns=[c for c in FEATURE_DROP if c in snap.columns])
    return X.loc[:, X.notna().any()]


__all__ = [
    "CANDIDATES",
    "DEFINITIONS",
    "PHRASES",
    "ChurnError",
    "ChurnModel",
    "Evaluation",
    "binary_label",
    "churn_definition",
    "churn_events",
    "churn_snapshots",
    "coerce_numeric_text",
    "cross_validate",
    "describe_value",
    "eligible_features",
    "has_lightgbm",
    "lift_at",
    "prepare_table",
    "read_table",
    "sample_customers",
    "scores",
    "snapshot_matrix",
]
