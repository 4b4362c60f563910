"""Survey metrics: NPS, CSAT and CES with confidence intervals, by any dimension and period.

The counts are aggregated in the engine (one pass over an Ibis table of feedback: ``kind``,
``score``, ``timestamp`` and the dimension columns); only one row per group comes back, and the
intervals and tests are computed on those rows with NumPy/SciPy.

- **NPS** (kind ``nps``, 0-10): % promoters (9-10) minus % detractors (0-6), in points from
  -100 to 100. Interval: the *adjusted Wald* interval (Rocks 2016, *The American Statistician*):
  add 3 responses to n, 3/4 to promoters and 3/4 to detractors, then the normal interval of a
  difference of two multinomial proportions. It never collapses to a point when every answer is
  a promoter.
- **CSAT** (kind ``csat``, 1-5): % of answers at or above ``csat_threshold`` (4: "satisfied" or
  "very satisfied"). Interval: Wilson score interval.
- **CES** (kind ``ces``, 1-7): mean score (interval: Student's t) and ``ces_easy``, % of answers at
  or above ``ces_easy_threshold`` (5: "somewhat agree" it was easy; Wilson interval). Set
  ``ces_higher_is_easier=False`` for surveys where 1 means easiest.

Scores outside a metric's scale are not counted (``out_of_range`` says how many were left out).
A group with fewer than ``min_responses`` answers is flagged ``low_responses`` rather than read.
With ``period``, each group's value is compared with the previous period that has answers:
NPS by a two-sample z-test on the trinomial variance, CSAT and ``ces_easy`` by a two-proportion
z-test (pooled), the CES mean by Welch's t-test; ``significant`` is set only when p < ``alpha``
and both periods have enough answers.

>>> import ibis
>>> fb = ibis.memtable({"kind": ["nps"] * 4 + ["csat"] * 2, "score": [10, 9, 7, 3, 5, 2],
...                     "channel": ["web", "web", "app", "app", "web", "app"]})
>>> out = survey_metrics(fb, min_responses=2).to_pandas()
>>> out[["metric", "responses", "value"]].to_dict("records")[:2]
[{'metric': 'nps', 'responses': 4, 'value': 25.0}, {'metric': 'csat', 'responses': 2, 'value': 50.0}]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from parcours.stats import wilson

__all__ = ["METRICS", "PERIODS", "SurveySettings", "feedback_dimensions", "nps_interval", "survey_metrics",
           "wilson_interval"]

#: The metrics computed, in output order.
METRICS = ("nps", "csat", "ces", "ces_easy")

#: Period names accepted by ``period``, with Ibis truncation units.
PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}

#: How each metric's interval and change test are computed (shown in the ``interval`` and ``test`` columns).
INTERVALS = {"nps": "adjusted Wald (Rocks 2016)", "csat": "Wilson", "ces": "Student t", "ces_easy": "Wilson"}
TESTS = {"nps": "two-sample z-test (trinomial variance)", "csat": "two-proportion z-test",
         "ces": "Welch t-test", "ces_easy": "two-proportion z-test"}


@dataclass(frozen=True)
class SurveySettings:
    """Scales and thresholds of the survey metrics (defaults: the usual NPS, CSAT and CES 2.0 ones).

    >>> SurveySettings(csat_threshold=5).csat_threshold
    5
    """

    nps_kinds: tuple[str, ...] = ("nps",)
    csat_kinds: tuple[str, ...] = ("csat",)
    ces_kinds: tuple[str, ...] = ("ces",)
    #: CSAT answers range over 1..csat_scale; "satisfied" is >= csat_threshold.
    csat_scale: int = 5
    csat_threshold: int = 4
    #: CES answers range over 1..ces_scale; "easy" is >= ces_easy_threshold (or <= when lower is easier).
    ces_scale: int = 7
    ces_easy_threshold: int = 5
    ces_higher_is_easier: bool = True

    def __post_init__(self) -> None:
        if not 1 < self.csat_threshold <= self.csat_scale:
            raise ValueError(f"csat_threshold must be between 2 and csat_scale ({self.csat_scale}); "
                             f"got {self.csat_threshold}")
        if not 1 <= self.ces_easy_threshold <= self.ces_scale:
            raise ValueError(f"ces_easy_threshold must be between 1 and ces_scale ({self.ces_scale}); "
                             f"got {self.ces_easy_threshold}")


def _z(confidence: float) -> float:
    from scipy.stats import norm

    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence}")
    return float(norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (NaN where n is 0).

    >>> [round(float(x), 3) for x in wilson_interval(8, 20, 1.96)]
    [0.219, 0.613]
    """
    return wilson(successes, n, z)


def nps_interval(promoters: np.ndarray, detractors: np.ndarray, n: np.ndarray,
                 z: float) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted Wald interval of the NPS as a fraction in [-1, 1] (NaN where n is 0).

    >>> [round(float(x), 3) for x in nps_interval(10, 0, 10, 1.96)]
    [0.475, 1.0]
    """
    p, d, n = (np.asarray(x, "float64") for x in (promoters, detractors, n))
    na = n + 3
    pp, pd_ = (p + 0.75) / na, (d + 0.75) / na
    centre = pp - pd_
    half = z * np.sqrt((pp + pd_ - centre ** 2) / na)
    lo, hi = np.clip(centre - half, -1, 1), np.clip(centre + half, -1, 1)
    return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)


def _aggregate(table: ibis.Table, keys: list[str], s: SurveySettings) -> pd.DataFrame:
    """Counts per group for every metric, in one aggregation pushed to the engine."""
    score, kind = table.score.cast("float64"), table.kind
    whole = score == score.round(0)

    def within(kinds: tuple[str, ...], lo: float, hi: float) -> tuple[ibis.Value, ibis.Value]:
        of_kind = kind.isin(list(kinds)) & score.notnull()
        return of_kind & score.between(lo, hi) & whole, of_kind & ~(score.between(lo, hi) & whole)

    nps, nps_bad = within(s.nps_kinds, 0, 10)
    csat, csat_bad = within(s.csat_kinds, 1, s.csat_scale)
    ces, ces_bad = within(s.ces_kinds, 1, s.ces_scale)
    easy = score >= s.ces_easy_threshold if s.ces_higher_is_easier else score <= s.ces_easy_threshold

    def count(cond: ibis.Value) -> ibis.Value:
        return cond.cast("int64").sum().coalesce(0)

    def total(cond: ibis.Value, v: ibis.Value) -> ibis.Value:
        return ibis.ifelse(cond, v, 0.0).sum().coalesce(0.0)

    aggs = {
        "nps_n": count(nps), "nps_top": count(nps & (score >= 9)), "nps_bottom": count(nps & (score <= 6)),
        "nps_out": count(nps_bad),
        "csat_n": count(csat), "csat_top": count(csat & (score >= s.csat_threshold)), "csat_out": count(csat_bad),
        "ces_n": count(ces), "ces_top": count(ces & easy), "ces_sum": total(ces, score),
        "ces_sumsq": total(ces, score * score), "ces_out": count(ces_bad),
    }
    expr = table.group_by(keys).aggregate(**aggs) if keys else table.aggregate(**aggs)
    return expr.to_pandas()


def _metric_rows(agg: pd.DataFrame, keys: list[str], confidence: float) -> pd.DataFrame:
    """One row per group and metric: responses, value, interval, and what the test needs."""
    z = _z(confidence)
    parts = []
    n = agg["nps_n"].to_numpy("float64")
    top, bottom = agg["nps_top"].to_numpy("float64"), agg["nps_bottom"].to_numpy("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        pp, pd_ = top / n, bottom / n
        lo, hi = nps_interval(top, bottom, n, z)
        parts.append(agg[keys].assign(
            metric="nps", responses=n, value=100 * (top - bottom) / n, ci_low=100 * lo, ci_high=100 * hi,
            promoters=100 * top / n, passives=100 * (n - top - bottom) / n, detractors=100 * bottom / n,
            out_of_range=agg["nps_out"], _var=(pp + pd_ - (pp - pd_) ** 2) * 100 ** 2, _succ=np.nan))
        for metric, col in (("csat", "csat"), ("ces_easy", "ces")):
            n, k = agg[f"{col}_n"].to_numpy("float64"), agg[f"{col}_top"].to_numpy("float64")
            lo, hi = wilson_interval(k, n, z)
            p = k / n
            parts.append(agg[keys].assign(
                metric=metric, responses=n, value=100 * k / n, ci_low=100 * lo, ci_high=100 * hi,
                out_of_range=agg[f"{col}_out"], _var=p * (1 - p) * 100 ** 2, _succ=k))
        from scipy.stats import t as student

        n = agg["ces_n"].to_numpy("float64")
        mean = agg["ces_sum"].to_numpy("float64") / n
        var = np.clip((agg["ces_sumsq"].to_numpy("float64") - n * mean ** 2) / (n - 1), 0, None)
        var = np.where(n > 1, var, np.nan)
        tq = student.ppf(0.5 + confidence / 2, np.where(n > 1, n - 1, 1))
        half = tq * np.sqrt(var / n)
        parts.append(agg[keys].assign(
            metric="ces", responses=n, value=mean, ci_low=mean - half, ci_high=mean + half,
            out_of_range=agg["ces_out"], _var=var, _succ=np.nan))
    out = pd.concat(parts, ignore_index=True)
    out["metric"] = pd.Categorical(out["metric"], categories=list(METRICS), ordered=True)
    return out


def _changes(out: pd.DataFrame, keys: list[str], alpha: float, min_responses: int) -> pd.DataFrame:
    """Compare each group's value with its previous period that has answers (vectorised)."""
    from scipy.stats import norm
    from scipy.stats import t as student

    out = out.sort_values(["metric", *keys, "period"], kind="stable").reset_index(drop=True)
    prev = out.groupby(["metric", *keys], observed=True, dropna=False)[
        ["period", "value", "responses", "_var", "_succ"]].shift(1)
    n1, n2 = prev["responses"].to_numpy("float64"), out["responses"].to_numpy("float64")
    v1, v2 = prev["_var"].to_numpy("float64"), out["_var"].to_numpy("float64")
    metric = out["metric"].astype(str).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = out["value"].to_numpy("float64") - prev["value"].to_numpy("float64")
        se = np.sqrt(v1 / n1 + v2 / n2)
        # proportions: pooled standard error under H0 (equal shares)
        share = np.isin(metric, ("csat", "ces_easy"))
        pooled = (prev["_succ"].to_numpy("float64") + out["_succ"].to_numpy("float64")) / (n1 + n2)
        se = np.where(share, 100 * np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)), se)
        stat = diff / se
        p_norm = 2 * norm.sf(np.abs(stat))
        # Welch-Satterthwaite degrees of freedom for the CES mean
        a, b = v1 / n1, v2 / n2
        dof = (a + b) ** 2 / (a ** 2 / (n1 - 1) + b ** 2 / (n2 - 1))
        p_t = 2 * student.sf(np.abs(stat), np.where(np.isfinite(dof) & (dof > 0), dof, 1))
        p = np.where(metric == "ces", p_t, p_norm)
        # zero variance on both sides: no change at all if equal, else a certain one (p = 0)
        p = np.where((diff == 0) & (se == 0), 1.0, p)
    has_prev = ~np.isnan(n1)
    out["previous_period"] = prev["period"]
    out["previous_value"] = prev["value"]
    out["change"] = np.where(has_prev, diff, np.nan)
    out["p_value"] = np.where(has_prev, p, np.nan)
    out["test"] = np.where(has_prev, pd.Series(metric).map(TESTS).to_numpy(), None)
    enough = (n1 >= min_responses) & (n2 >= min_responses)
    out["significant"] = has_prev & enough & (np.nan_to_num(p, nan=1.0) < alpha)
    return out


def survey_metrics(feedback: ibis.Table | pd.DataFrame, *, by: str | Sequence[str] | None = None, period: str | None = None,
                   metrics: Sequence[str] = METRICS, settings: SurveySettings | None = None,
                   confidence: float = 0.95, min_responses: int = 30, alpha: float = 0.05) -> ibis.Table:
    """NPS, CSAT and CES per group (and period), with intervals, response counts and flags.

    ``feedback``: an Ibis table with ``kind`` and ``score`` (the workspace's ``feedback`` table,
    or any table joined to it), plus ``timestamp`` when ``period`` is given and the ``by`` columns.
    ``period``: day, week, month, quarter or year (adds ``period`` and the change columns).
    Columns: the ``by`` columns, [``period``], ``metric`` (nps | csat | ces | ces_easy),
    ``responses``, ``value`` (NPS in points, CSAT and ``ces_easy`` in %, CES the mean score),
    ``ci_low``, ``ci_high``, ``interval`` (the method), ``low_responses``, ``out_of_range``,
    ``promoters``, ``passives``, ``detractors`` (% of NPS answers), and with ``period``:
    ``previous_period``, ``previous_value``, ``change``, ``p_value``, ``test``, ``significant``.
    Groups without answers to a metric get no row for it; without ``by`` and ``period`` every
    metric gets its row, with 0 responses and no value if nobody answered.

    >>> import ibis
    >>> fb = ibis.memtable({"kind": ["nps"] * 3, "score": [10.0, 9.0, 10.0]})
    >>> row = survey_metrics(fb, metrics=["nps"], min_responses=5).to_pandas().iloc[0]
    >>> float(row.value), bool(row.low_responses), round(float(row.ci_low), 1)
    (100.0, True, -6.6)
    """
    if isinstance(feedback, pd.DataFrame):
        feedback = ibis.memtable(feedback)
    s = settings or SurveySettings()
    keys = [by] if isinstance(by, str) else list(by or [])
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; choose among {', '.join(METRICS)}")
    needed = ["kind", "score", *keys] + (["timestamp"] if period else [])
    missing = [c for c in needed if c not in feedback.columns]
    if missing:
        raise KeyError(f"column(s) {', '.join(map(repr, missing))} not in the feedback table; "
                       f"columns: {', '.join(feedback.columns)}")
    if min_responses < 1:
        raise ValueError(f"min_responses must be at least 1; got {min_responses}")
    _z(confidence)  # validates it
    table = feedback
    group = list(keys)
    if period is not None:
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}; choose among {', '.join(PERIODS)}")
        table = table.mutate(period=table.timestamp.truncate(PERIODS[period]).cast("date"))
        group.append("period")
    agg = _aggregate(table, group, s)
    if agg.empty and not group:
        agg = pd.DataFrame({c: [0] for c in agg.columns})
    out = _metric_rows(agg, group, confidence)
    out = out[out["metric"].isin(list(metrics))]
    if group:
        out = out[out["responses"] > 0]
    out["metric"] = out["metric"].cat.remove_unused_categories()
    out["interval"] = out["metric"].astype(str).map(INTERVALS)
    out["low_responses"] = out["responses"] < min_responses
    if period is not None:
        out = _changes(out, keys, alpha, min_responses)
    out = out.sort_values([*group, "metric"], kind="stable").reset_index(drop=True)
    cols = [*group, "metric", "responses", "value", "ci_low", "ci_high", "interval", "low_responses",
            "out_of_range", "promoters", "passives", "detractors"]
    if period is not None:
        cols += ["previous_period", "previous_value", "change", "p_value", "test", "significant"]
    out = out[cols].copy()
    out["metric"] = out["metric"].astype(str)
    out[["responses", "out_of_range"]] = out[["responses", "out_of_range"]].fillna(0).astype("int64")
    return ibis.memtable(out)


#: Columns of ``customers`` and ``cases`` that can break feedback down (joined by customer and case).
_CUSTOMER_DIMS = ("segment", "region")
_CASE_DIMS = ("team", "category", "priority", "owner", "status")
#: Columns that come from linking each answer to its touchpoint (``Workspace.link_feedback``).
LINKED_DIMS = ("stage", "stage_index", "event_activity", "event_channel", "linked_by")


def feedback_dimensions(con, by: str | Sequence[str] | None = None, *, base: ibis.Table | None = None) -> ibis.Table:
    """The ``feedback`` table with the ``by`` columns it lacks, joined from ``customers`` or ``cases``.

    ``segment`` and ``region`` come from the answering customer; ``team``, ``category``,
    ``priority``, ``owner`` and ``status`` from the case the answer is about (``case_id``).
    Answers without a match keep a null value, never disappear. ``base`` replaces the
    ``feedback`` table (e.g. the output of ``link_feedback``, which adds ``stage``).

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> feedback_dimensions(ws.con, ["channel", "segment", "team"]).columns[-2:]
    ('segment', 'team')
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    fb = con.table("feedback") if base is None else base
    extra_cust = [k for k in keys if k not in fb.columns and k in _CUSTOMER_DIMS]
    extra_case = [k for k in keys if k not in fb.columns and k in _CASE_DIMS]
    unknown = [k for k in keys if k not in fb.columns and k not in extra_cust + extra_case]
    if unknown:
        raise KeyError(f"cannot break feedback down by {', '.join(map(repr, unknown))}: not a column of "
                       f"feedback ({', '.join(fb.columns)}), customers ({', '.join(_CUSTOMER_DIMS)}) or cases "
                       f"({', '.join(_CASE_DIMS)}) or the linked touchpoint ({', '.join(LINKED_DIMS)}); "
                       f"join your own table and call survey_metrics on it")
    out = fb
    if extra_cust:
        cust = con.table("customers")
        cust = cust.select(_cid=cust.customer_id, **{k: cust[k] for k in extra_cust})
        out = out.left_join(cust, out.customer_id == cust._cid).drop("_cid")
    if extra_case:
        cases = con.table("cases")
        cases = cases.select(_case=cases.case_id, **{k: cases[k] for k in extra_case})
        out = out.left_join(cases, out.case_id == cases._case).drop("_case")
    return out
