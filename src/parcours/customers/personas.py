"""Data-driven personas (the seeds' "profils clients"): clustering of the customer features.

The features of :func:`parcours.customers.features.customer_features` (plus, if declared, the
shares of what customers look at or buy: ``customers.personas.interests``) are transformed (log
of counts and amounts, missing values to the median), scaled, and clustered with k-means on what
customers do and how (not on how much: see :class:`PersonaModel`), learned from the customers
with enough history; k is given or chosen by silhouette × stability, which is reported. Each
persona gets a card: size, share
of customers and of value, a readable name from its most distinguishing traits ("Frequent app
buyers, high basket"), its channels, its furthest journey stages, and its churn risk when a churn
score column is given. Same seed, same personas.

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> X = pd.DataFrame({"frequency": np.r_[rng.poisson(1, 50), rng.poisson(9, 50)],
...                   "monetary": np.r_[rng.gamma(2, 50, 50), rng.gamma(2, 400, 50)]})
>>> m = PersonaModel(seed=0).fit(X)
>>> m.k_, m.criterion_
(2, 'silhouette x stability')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import numpy as np
import pandas as pd

from parcours.config import CustomersConfig, InterestConfig, PersonasConfig
from parcours.customers.features import (
    FeatureError,
    _connection,
    _slug,
    customer_features,
    property_text,
    with_key,
)

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from parcours.workspace import Workspace

#: Plain words for a feature that is high / low in a persona (what its name is built from).
TRAIT_WORDS: dict[str, tuple[str, str]] = {
    "frequency": ("frequent buyers", "rare buyers"),
    "monetary": ("big spenders", "small spenders"),
    "avg_basket": ("high basket", "small basket"),
    "recency_days": ("lapsed", "recent buyers"),
    "days_since_last_event": ("inactive lately", "active lately"),
    "tenure_days": ("long-standing", "newcomers"),
    "events": ("very active", "barely active"),
    "active_days": ("often around", "seldom around"),
    "support_contacts": ("often contact support", "rarely contact support"),
    "repeat_contacts": ("call back often", "no repeat contacts"),
    "feedback_count": ("vocal", "silent"),
    "feedback_score": ("satisfied", "dissatisfied"),
    "nps": ("promoters", "detractors"),
    "csat": ("satisfied with service", "unhappy with service"),
    "sentiment": ("positive voice", "negative voice"),
    "logins": ("heavy users", "light users"),
    "features_adopted": ("broad feature adoption", "few features adopted"),
    "seats": ("large accounts", "small accounts"),
    "active_users": ("many users", "few users"),
    "seats_used_share": ("licences well used", "licences unused"),
}
#: The same words in French (persona names in a French report or dashboard).
TRAIT_WORDS_FR: dict[str, tuple[str, str]] = {
    "frequency": ("achats fréquents", "achats rares"),
    "monetary": ("gros budgets", "petits budgets"),
    "avg_basket": ("panier élevé", "petit panier"),
    "recency_days": ("dernier achat ancien", "achat récent"),
    "days_since_last_event": ("inactifs récemment", "actifs récemment"),
    "tenure_days": ("clients de longue date", "nouveaux clients"),
    "events": ("très actifs", "peu actifs"),
    "active_days": ("souvent présents", "rarement présents"),
    "support_contacts": ("contactent souvent le support", "contactent rarement le support"),
    "repeat_contacts": ("relancent souvent", "sans relance"),
    "feedback_count": ("s'expriment souvent", "silencieux"),
    "feedback_score": ("satisfaits", "insatisfaits"),
    "nps": ("promoteurs", "détracteurs"),
    "csat": ("satisfaits du service", "mécontents du service"),
    "sentiment": ("ton positif", "ton négatif"),
    "logins": ("gros utilisateurs", "petits utilisateurs"),
    "features_adopted": ("adoptent beaucoup de fonctions", "adoptent peu de fonctions"),
    "seats": ("grands comptes", "petits comptes"),
    "active_users": ("beaucoup d'utilisateurs", "peu d'utilisateurs"),
    "seats_used_share": ("licences bien utilisées", "licences inutilisées"),
}
#: Words for the families of columns, per language: channel, journey stage, interest, anything else.
_PATTERN_WORDS = {
    "en": {"channel": ("{}-first", "rarely on {}"), "stage": ("far in {}", "early in {}"),
           "interest": ("into {}", "not into {}"), "other": ("high {}", "low {}"), "typical": "typical customers"},
    "fr": {"channel": ("surtout {}", "rarement {}"), "stage": ("avancés dans {}", "au début de {}"),
           "interest": ("attirés par {}", "peu attirés par {}"), "other": ("{} élevé", "{} faible"),
           "typical": "clients typiques"},
}
#: Customers the number of personas is chosen on (the silhouette score is quadratic in them).
SELECT_ROWS = 10_000
#: How much a customer does rather than what or how: counts, amounts, durations. Not clustered by
#: default (every such column would pull the personas toward "very active" against "barely active",
#: which is lifecycle and value, what tiers and health are for); they still describe each persona.
INTENSITY = ("frequency", "monetary", "events", "active_days", "recency_days", "days_since_last_event",
             "tenure_days", "support_contacts", "repeat_contacts", "feedback_count", "failures",
             "unresolved_failures", "bad_outcomes", "logins", "features_adopted", "seats", "active_users")
#: How k is chosen when not given: the silhouette score (separation) times the stability (the
#: same clusters found again on other customers), the best product wins.
CRITERION = "silhouette x stability"
#: Pairs of random halves the stability of each k is measured on.
STABILITY_PAIRS = 4
#: Customers needed, at the least, to learn personas from the ones with enough history only.
MIN_FIT_ROWS = 200
#: Features whose logarithm is clustered (counts and amounts are heavy-tailed).
_LOG = ("frequency", "monetary", "avg_basket", "events", "active_days", "support_contacts", "repeat_contacts",
        "feedback_count", "logins", "features_adopted", "seats", "active_users", "recency_days",
        "days_since_last_event", "tenure_days")


def _stability(F: np.ndarray, k: int, rng: np.random.Generator, seed: int) -> float:
    """How reproducible k clusters are: k-means on two random halves, the mean agreement (adjusted
    Rand index) of their assignments of every row, over :data:`STABILITY_PAIRS` pairs of halves.

    Separation alone (silhouette) rewards splitting off any small odd group; clusters that come
    back the same from other customers are structure. 1.0 when there are too few rows to split.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    half = len(F) // 2
    if half < 10 * k:
        return 1.0
    agree = []
    n_init = 10 if half < 2000 else 3  # small halves: more restarts, or local optima pass for instability
    for r in range(STABILITY_PAIRS):
        order = rng.permutation(len(F))
        a = KMeans(n_clusters=k, n_init=n_init, random_state=seed + r).fit(F[order[:half]])
        b = KMeans(n_clusters=k, n_init=n_init, random_state=seed + 100 + r).fit(F[order[half:2 * half]])
        agree.append(adjusted_rand_score(a.predict(F), b.predict(F)))
    return float(np.mean(agree))


def _trait_words(col: str, lang: str = "en") -> tuple[str, str]:
    """The words for a column being high / low in a persona, in English or French."""
    words, pat = (TRAIT_WORDS_FR if lang == "fr" else TRAIT_WORDS), _PATTERN_WORDS[lang]
    if col in words:
        return words[col]
    for family, regex in (("channel", r"channel_(.+)_share"), ("stage", r"furthest_stage_(.+)"),
                          ("interest", r"interest_.+?__(.+)")):
        m = re.fullmatch(regex, col)
        if m:
            v = m.group(1).replace("_", " ") if family == "interest" else m.group(1)
            return pat[family][0].format(v), pat[family][1].format(v)
    return pat["other"][0].format(col), pat["other"][1].format(col)


class PersonaModel:
    """k-means on transformed, scaled features, k given or chosen by silhouette × stability (scikit-learn style).

    Personas say what customers do and how (what they look at and buy, channels, basket, feedback,
    journey stages), so by default the intensity columns (:data:`INTENSITY`) and the columns known
    for fewer than ``min_known`` of the customers are not clustered, only described; and the
    clusters are learned from the customers with at least ``min_events`` events (a customer seen
    three times carries noise, not structure), then every customer is assigned to the nearest.

    Parameters: ``k`` (default None: chosen in ``k_min..k_max``), ``seed``, ``sample`` (rows the
    model is fitted on when there are more), ``intensity`` (cluster the intensity columns too),
    ``min_known``, ``min_events`` (0: learn from everyone; when fewer than :data:`MIN_FIT_ROWS`
    customers have that many, the more active half; ignored without an ``events`` column or
    under :data:`MIN_FIT_ROWS` customers), ``columns`` (cluster exactly these;
    overrides ``intensity`` and ``min_known``). Attributes after :meth:`fit`: ``k_``,
    ``criterion_`` (:data:`CRITERION` or "given"), ``scores_`` ({k: silhouette × stability}),
    ``silhouettes_``, ``stabilities_``, ``columns_``
    (clustered), ``described_`` (every usable column, for the cards), ``fitted_on_`` (customers
    the clusters were learned from), ``medians_``, ``scaler_``, ``kmeans_``, ``log_columns_``.
    """

    def __init__(self, k: int | None = None, *, k_min: int = 2, k_max: int = 8, seed: int = 0,
                 sample: int = 200_000, intensity: bool = False, min_known: float = 0.5, min_events: int = 20,
                 columns: list[str] | None = None) -> None:
        self.k = k
        self.k_min = k_min
        self.k_max = k_max
        self.seed = seed
        self.sample = sample
        self.intensity = intensity
        self.min_known = min_known
        self.min_events = min_events
        self.columns = columns

    def _frame(self, X: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
        """The columns, counts and amounts as logarithms, missing values as the medians seen in fit."""
        Z = X[cols].astype("float64").copy()
        for c in cols:
            if c in _LOG:
                Z[c] = np.log1p(Z[c].clip(lower=0))
        return Z.fillna(self.medians_[cols])

    def _transform(self, X: pd.DataFrame) -> np.ndarray:
        Z = self._frame(X, self.columns_)
        return (Z.to_numpy() - self.mean_) / self.scale_ * self.weights_

    def fit(self, X: pd.DataFrame, y: Any = None) -> PersonaModel:
        """Learn the scaling and the clusters from a features frame (numeric columns; the id is ignored)."""
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score
        from sklearn.preprocessing import StandardScaler

        X = X.drop(columns=[c for c in ("customer_id",) if c in X.columns])
        bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        if bad:
            raise FeatureError(f"persona features must be numeric; not numeric: {', '.join(bad)}")
        n = len(X)
        if n < 3:
            raise FeatureError(f"personas need at least 3 customers with features (got {n})")
        usable = [c for c in X.columns if X[c].notna().any() and X[c].nunique(dropna=True) > 1]
        if not usable:
            raise FeatureError("every feature is constant: nothing tells customers apart")
        if self.columns is not None:
            keep = [c for c in self.columns if c in usable]
        else:
            known = X[usable].notna().mean()
            keep = [c for c in usable if (self.intensity or c not in INTENSITY) and known[c] >= self.min_known]
            keep = keep or usable  # nothing but intensity or sparse columns: cluster on what there is
        if not keep:
            raise FeatureError("every feature is constant: nothing tells customers apart")
        self.columns_ = keep
        self.described_ = usable
        self.log_columns_ = [c for c in keep if c in _LOG]
        Zall = X[usable].astype("float64").copy()
        for c in usable:
            if c in _LOG:
                Zall[c] = np.log1p(Zall[c].clip(lower=0))
        self.medians_ = Zall.median()
        Zall = Zall.fillna(self.medians_)
        # the clusters are learned from customers with enough history (all of them are assigned)
        eligible = np.arange(n)
        if self.min_events and "events" in X.columns and n >= MIN_FIT_ROWS:
            events = X["events"].fillna(0).to_numpy()
            rich = np.nonzero(events >= self.min_events)[0]
            if len(rich) < MIN_FIT_ROWS:  # too few have that much history: the more active half
                rich = np.nonzero(events >= np.median(events))[0]
            eligible = rich
        rng = np.random.default_rng(self.seed)
        rows = (np.sort(rng.choice(eligible, size=self.sample, replace=False)) if len(eligible) > self.sample
                else eligible)
        self.fitted_on_ = len(eligible)
        self.scaler_ = StandardScaler().fit(Zall.to_numpy())
        where = [usable.index(c) for c in keep]
        self.mean_, self.scale_ = self.scaler_.mean_[where], self.scaler_.scale_[where]
        Z = Zall[keep]
        # each block of interest shares (one per property) weighs as much in total as all behaviour features
        blocks = pd.Series([c.split("__")[0] if c.startswith("interest_") else "behaviour" for c in keep])
        n_behaviour = max(1, int((blocks == "behaviour").sum()))
        sizes = blocks.map(blocks.value_counts()).to_numpy()
        self.weights_ = np.where(blocks == "behaviour", 1.0, np.sqrt(n_behaviour / sizes))
        F = (Z.to_numpy()[rows] - self.mean_) / self.scale_ * self.weights_
        if self.k is not None:
            if self.k > len(rows):
                raise FeatureError(f"k={self.k} personas but only {len(rows)} customers")
            ks, self.criterion_ = [self.k], "given"
        else:
            hi = min(self.k_max, len(rows) - 1)
            ks, self.criterion_ = list(range(self.k_min, max(self.k_min, hi) + 1)), CRITERION
        self.scores_: dict[int, float] = {}
        self.silhouettes_: dict[int, float] = {}
        self.stabilities_: dict[int, float] = {}
        fits = {}
        # k is chosen on a subsample (silhouette is quadratic), the final model fitted on every sampled row
        sel = np.sort(rng.choice(len(rows), size=min(len(rows), SELECT_ROWS), replace=False))
        if self.criterion_ == CRITERION:
            for k in ks:
                km = KMeans(n_clusters=k, n_init=10, random_state=self.seed).fit(F[sel])
                fits[k] = km
                ok = len(set(km.labels_)) > 1
                self.silhouettes_[k] = float(silhouette_score(F[sel], km.labels_)) if ok else -1.0
                self.stabilities_[k] = _stability(F[sel], k, rng, self.seed)
                self.scores_[k] = self.silhouettes_[k] * self.stabilities_[k]
        self.k_ = ks[0] if self.criterion_ == "given" else max(self.scores_, key=lambda k: (self.scores_[k], -k))
        if len(sel) == len(rows) and self.k_ in fits:
            self.kmeans_ = fits[self.k_]
        else:
            self.kmeans_ = KMeans(n_clusters=self.k_, n_init=4 if len(rows) > SELECT_ROWS else 10,
                                  random_state=self.seed).fit(F)
        # persona numbers by decreasing size over every customer, so that re-runs read the same
        all_f = (Z.to_numpy() - self.mean_) / self.scale_ * self.weights_
        counts = np.bincount(self.kmeans_.predict(all_f), minlength=self.k_)
        self.order_ = np.argsort(-counts, kind="stable")
        self.relabel_ = np.empty_like(self.order_)
        self.relabel_[self.order_] = np.arange(self.k_)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The persona (0 = the largest) of each row."""
        if not hasattr(self, "kmeans_"):
            raise FeatureError("this PersonaModel is not fitted yet: call fit(features) first")
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise FeatureError(f"features missing: {', '.join(missing)}")
        return self.relabel_[self.kmeans_.predict(self._transform(X))]

    def fit_predict(self, X: pd.DataFrame, y: Any = None) -> np.ndarray:
        """fit, then predict on the same rows."""
        return self.fit(X).predict(X)

    def standardized(self, X: pd.DataFrame) -> pd.DataFrame:
        """Every described feature transformed and scaled (unweighted), to read traits, clustered or not."""
        Z = self._frame(X, self.described_)
        return pd.DataFrame(self.scaler_.transform(Z.to_numpy()), columns=self.described_, index=X.index)


def interest_features(con: BaseBackend | Workspace, interests: list[InterestConfig], *, as_of: Any = None,
                      max_values: int = 30, prior: float = 1.0) -> pd.DataFrame:
    """Per customer, the share of their tagged events per value of each interest property.

    Columns ``interest_<name>__<value>`` (name: the interest's ``name``, else its property) for the
    ``max_values`` most frequent values of each interest; interests sharing a name are pooled (the
    categories a customer views and those they buy give one set of shares). Each customer's counts
    get ``prior`` events spread as everyone's mix (additive smoothing), so a customer seen once is
    not read as wholly interested in one thing. Computed in the engine, one small pivot in pandas.
    """
    from parcours.customers.features import to_timestamp

    backend, _, _ = _connection(con)
    ev = backend.table("events")
    ev = ev.filter(ev.customer_id.notnull())
    if as_of is not None:
        ev = ev.filter(ev.timestamp < ibis.literal(to_timestamp(as_of).to_pydatetime(), type="timestamp"))
    engine = getattr(backend, "name", None)
    counts = []
    for it in interests:
        e = ev if it.activities is None else ev.filter(ev.activity.isin(it.activities))
        e = with_key(e, it.property)  # a cheap substring test before parsing JSON
        v = property_text(e.properties, it.property, engine=engine)
        if it.pattern is not None and it.all_matches:  # one row per match (an order's articles)
            e = e.select("customer_id", v=_extract_all(v, it.pattern, engine)).unnest("v")
            e = e.mutate(v=e.v.nullif(""))
        elif it.pattern is not None:
            e = e.select("customer_id", v=v.re_extract(it.pattern, 1).nullif(""))
        else:
            e = e.select("customer_id", v=v)
        e = e.filter(e.v.notnull())
        # one pass over the events: counts per (customer, value); the top values are picked from them
        c = e.group_by(["customer_id", "v"]).aggregate(n=e.count()).to_pandas()
        if c.empty:
            continue
        totals = c.groupby("v", sort=False).n.sum()
        top = totals.reset_index().sort_values(["n", "v"], ascending=[False, True]).v.head(max_values)
        c = c[c.v.isin(set(top))]
        # values given the same label count as one; interests of the same name are pooled
        block = _slug(it.name or it.property)
        names = {x: f"interest_{block}__{_slug(it.labels.get(str(x), x))}" for x in top}  # a few values, not rows
        c = c.assign(col=c.v.map(names), block=block)
        counts.append(c[["block", "customer_id", "col", "n"]])
    if not counts:
        return pd.DataFrame(index=pd.Index([], name="customer_id"))
    frames = []
    for _block, c in pd.concat(counts).groupby("block", sort=False):
        m = c.groupby(["customer_id", "col"]).n.sum().unstack(fill_value=0)
        m = m[sorted(m.columns)]
        # shrunk toward everyone's mix (a Dirichlet prior of ``prior`` events): few events, weak evidence
        mix = m.sum() / m.to_numpy().sum()
        frames.append((m + prior * mix).div(m.sum(axis=1) + prior, axis=0))
    out = pd.concat(frames, axis=1).fillna(0.0)
    out.index.name = "customer_id"
    return out


def _unknown_interests_as_average(features: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Customers with no event of an interest get its average shares, not zeros.

    Nothing seen is not "interested in nothing": zeros would make every such customer look alike
    and pull them into one cluster, whatever else they do.
    """
    features = features.copy()
    for _block, cols in pd.Series(columns).groupby([c.split("__")[0] for c in columns], sort=False):
        cols = list(cols)
        values = features[cols].fillna(0.0)
        absent = values.sum(axis=1).to_numpy() == 0
        values.loc[absent, cols] = values.loc[~absent, cols].mean().to_numpy() if (~absent).any() else 0.0
        features[cols] = values
    return features


@ibis.udf.scalar.builtin(name="regexp_extract_all")
def _regexp_extract_all(text: str, pattern: str, group: int) -> list[str]:  # type: ignore[empty-body]
    """DuckDB's and Spark's every match of a pattern's group."""


def _extract_all(v: ibis.Value, pattern: str, engine: str | None) -> ibis.Value:
    """Every match of ``pattern``'s first group in ``v``, as an array (the engines' own function)."""
    if engine not in ("duckdb", "pyspark"):
        raise FeatureError(f"interests with all_matches need DuckDB or Spark, not {engine}")
    return _regexp_extract_all(v, ibis.literal(pattern), ibis.literal(1))


@dataclass
class Personas:
    """Personas found: each customer's persona, one card per persona, and how k was chosen."""

    assignments: pd.DataFrame  # customer_id, persona, persona_name
    cards: pd.DataFrame  # one row per persona
    k: int
    criterion: str
    scores: dict[int, float]
    model: PersonaModel
    features: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The cards as a plain table (the data twin of the report's cards)."""
        return self.cards


def _stage_names(journeys: list, col: str, index: float) -> str | None:
    name = col.removeprefix("furthest_stage_")
    for j in journeys:
        if _slug(j.name) == name:
            i = round(index)
            return j.order[i] if 0 <= i < len(j.order) else None
    return None


def persona_cards(features: pd.DataFrame, labels: np.ndarray, model: PersonaModel, *, journeys: list | None = None,
                  churn: pd.Series | None = None, traits: int = 3, lang: str = "en") -> pd.DataFrame:
    """One card per persona: size, shares, name from its most distinguishing traits, channels, stages, churn.

    ``traits`` is how many traits the name is built from, in ``lang`` (en or fr). ``churn``
    (optional, indexed like ``features``) is a churn score or probability; the card gives its mean.
    """
    if lang not in _PATTERN_WORDS:
        raise FeatureError(f"persona names are in {' or '.join(_PATTERN_WORDS)}, not {lang!r}")
    journeys = journeys or []
    Z = model.standardized(features)
    total_value = float(features["monetary"].fillna(0).sum()) if "monetary" in features else 0.0
    chan_cols = [c for c in features.columns if re.fullmatch(r"channel_.+_share", c)]
    stage_cols = [c for c in features.columns if c.startswith("furthest_stage_")]
    rows = []
    names_seen: dict[str, int] = {}
    for p in range(model.k_):
        sel = labels == p
        z = Z[sel].mean()
        picked: list[str] = []
        words: list[str] = []
        for col in z.abs().sort_values(ascending=False).index:
            if len(words) >= traits:
                break
            hi, lo = _trait_words(col, lang)
            word = hi if z[col] > 0 else lo
            if word in words or abs(z[col]) < 0.25:
                continue
            words.append(word)
            picked.append(f"{col} {'+' if z[col] > 0 else '-'}{abs(z[col]):.1f} sd")
        name = ", ".join(words) if words else _PATTERN_WORDS[lang]["typical"]
        name = name[0].upper() + name[1:]
        names_seen[name] = names_seen.get(name, 0) + 1
        if names_seen[name] > 1:
            name = f"{name} ({names_seen[name]})"
        f = features[sel]
        value = float(f["monetary"].fillna(0).sum()) if "monetary" in f else 0.0
        chans = f[chan_cols].mean().sort_values(ascending=False) if chan_cols else pd.Series(dtype=float)
        card: dict[str, Any] = {
            "persona": p, "name": name, "customers": int(sel.sum()), "share": float(sel.mean()),
            "value_share": value / total_value if total_value else 0.0,
            "mean_value": float(f["monetary"].mean()) if "monetary" in f else None,
            "mean_frequency": float(f["frequency"].mean()) if "frequency" in f else None,
            "channels": {c.removeprefix("channel_").removesuffix("_share"): round(float(v), 3)
                         for c, v in chans.head(3).items() if v > 0},
            "furthest_stages": {c.removeprefix("furthest_stage_"): _stage_names(journeys, c, f[c].median())
                                for c in stage_cols},
            "traits": picked,
            "churn_risk": float(churn[sel].mean()) if churn is not None else None,
        }
        rows.append(card)
    return pd.DataFrame(rows)


def find_personas(con: BaseBackend | Workspace, *, as_of: Any = None, config: PersonasConfig | dict | None = None,
                  features: pd.DataFrame | None = None, churn_column: str | None = None,
                  churn: pd.DataFrame | None = None, lang: str = "en") -> Personas:
    """Cluster the customers into personas and describe each one with a card (names in ``lang``: en or fr).

    ``config`` overrides the workspace's ``customers.personas`` (k or the range tried, seed,
    feature columns, interests). ``features`` may be passed (one row per customer, a
    ``customer_id`` column) instead of being computed as of ``as_of``. ``churn_column``: a column of
    ``features`` or of ``churn`` (a frame with ``customer_id``) holding a churn score; it is not
    clustered, its mean goes on the cards.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> try:
    ...     find_personas(ws)
    ... except parcours.ParcoursError as e:
    ...     print(e)
    personas need at least 3 customers with features (got 0)
    """
    _, ws_cfg, journeys = _connection(con)
    base = (ws_cfg or CustomersConfig()).personas
    cfg = base if config is None else (config if isinstance(config, PersonasConfig)
                                       else PersonasConfig.model_validate({**base.model_dump(), **config}))
    if features is None:
        features = customer_features(con, as_of=as_of).to_pandas()
        if cfg.interests and len(features):
            extra = interest_features(con, cfg.interests, as_of=as_of, max_values=cfg.max_interest_values,
                                      prior=cfg.interest_prior)
            features = features.merge(extra, left_on="customer_id", right_index=True, how="left")
            features = _unknown_interests_as_average(features, list(extra.columns))
    if "customer_id" not in features.columns:
        raise FeatureError(f"features need a customer_id column; columns: {', '.join(features.columns)}")
    features = features.sort_values("customer_id").reset_index(drop=True)
    churn_s = None
    if churn_column is not None:
        if churn is not None:
            if churn_column not in churn.columns or "customer_id" not in churn.columns:
                raise FeatureError(f"churn must have columns customer_id and {churn_column!r}")
            churn_s = features[["customer_id"]].merge(churn[["customer_id", churn_column]], how="left")[churn_column]
        elif churn_column in features.columns:
            churn_s = features[churn_column]
        else:
            raise FeatureError(f"no churn column {churn_column!r} in the features; pass churn=<frame with "
                               f"customer_id and {churn_column!r}>")
    cols = cfg.features or [c for c in features.columns if c not in ("customer_id", churn_column)]
    missing = [c for c in cols if c not in features.columns]
    if missing:
        raise FeatureError(f"unknown persona feature(s) {', '.join(missing)}; available: "
                           f"{', '.join(c for c in features.columns if c != 'customer_id')}")
    X = features[cols]
    model = PersonaModel(cfg.k, k_min=cfg.k_min, k_max=cfg.k_max, seed=cfg.seed, sample=cfg.sample,
                         intensity=cfg.intensity, min_known=cfg.min_known, min_events=cfg.min_events,
                         columns=cfg.features).fit(X)
    labels = model.predict(X)
    cards = persona_cards(X, labels, model, journeys=journeys,
                          churn=None if churn_s is None else churn_s.reset_index(drop=True), lang=lang)
    names = cards.set_index("persona").name
    assignments = pd.DataFrame({"customer_id": features.customer_id, "persona": labels,
                                "persona_name": names.reindex(labels).to_numpy()})
    return Personas(assignments, cards, model.k_, model.criterion_, model.scores_, model, features)


__all__ = ["PersonaModel", "Personas", "find_personas", "interest_features", "persona_cards"]
