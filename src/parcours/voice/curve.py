"""The emotion curve of a journey: how customers feel at each stage, and why.

The journey-map picture of the CX literature: the journey's stages along the x axis, the mean
sentiment of what customers said about each stage's touchpoints on the y axis (with its 95 %
interval and the number of texts behind it), the dominant emotions, the top irritants and "wow"
effects of each stage with an example verbatim, and the survey scores (NPS, CSAT, CES) of each
stage. Feedback is tied to its stage by :func:`parcours.voice.linking.link_feedback`; its free text
is scored by any :class:`~parcours.voice.text.base.TextAnalyzer` (the built-in one by default),
through the analysis cache when one is given.

>>> import pandas as pd
>>> from parcours.config import JourneyConfig
>>> j = JourneyConfig(name="buy", stages=[{"name": "order", "touchpoints": ["order_placed"]},
...                                        {"name": "delivery", "touchpoints": ["order_delivered"]}])
>>> linked = pd.DataFrame({"stage": ["order", "order", "delivery", "delivery"],
...     "kind": ["review"] * 4, "score": [5.0, 4.0, 1.0, 2.0],
...     "text": ["Commande facile, super site", "Great website, easy to order",
...              "Livraison en retard, inadmissible !", "Delivery was late again, I'm furious."]})
>>> curve = emotion_curve(score_feedback(linked), j)
>>> curve.stages[["stage", "texts", "top_irritant"]].to_dict("records")
[{'stage': 'order', 'texts': 2, 'top_irritant': None}, {'stage': 'delivery', 'texts': 2, 'top_irritant': 'delivery'}]
>>> bool(curve.stages.mean_sentiment[1] < 0 < curve.stages.mean_sentiment[0])
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from parcours.config import JourneyConfig
from parcours.errors import ParcoursError
from parcours.voice.text.base import EMOTIONS

if TYPE_CHECKING:
    import ibis

    from parcours.voice.cache import AnalysisCache
    from parcours.voice.text.base import TextAnalyzer

__all__ = ["ANALYSIS_COLUMNS", "CurveError", "EmotionCurve", "emotion_curve", "score_feedback"]

#: Columns :func:`score_feedback` adds (the analyzer's ``language`` is renamed ``text_language``,
#: the feedback table already having a declared ``language``).
ANALYSIS_COLUMNS = ("text_language", "sentiment", "sentiment_label", *EMOTIONS, "aspects")


class CurveError(ParcoursError, ValueError):
    """An emotion curve that cannot be drawn as asked (a missing column, an unknown breakdown)."""


def score_feedback(linked: pd.DataFrame | ibis.Table, analyzer: TextAnalyzer | None = None, *,
                   cache: AnalysisCache | str | Path | None = None, text_column: str = "text") -> pd.DataFrame:
    """The feedback rows with the analysis of their free text (rows without text get NaN and no aspects).

    The whole column goes to the analyzer at once (``analyzer.analyze``), each distinct text once;
    with ``cache`` (an :class:`~parcours.voice.cache.AnalysisCache` or its folder), texts already
    analyzed by the same analyzer version are read back instead.

    >>> df = score_feedback(pd.DataFrame({"text": ["Super accueil !", None, "Super accueil !"]}))
    >>> df.sentiment_label.tolist()
    ['positive', None, 'positive']
    """
    import pyarrow as pa

    df = linked.to_pandas() if hasattr(linked, "to_pandas") and not isinstance(linked, pd.DataFrame) else linked
    if text_column not in df.columns:
        raise CurveError(f"score_feedback: no column {text_column!r} to analyze; available: {', '.join(df.columns)}")
    df = df.reset_index(drop=True).drop(columns=[c for c in ANALYSIS_COLUMNS if c in df.columns])
    text = df[text_column].astype("string")
    has = text.notna() & (text.str.strip().str.len() > 0)
    codes, uniques = pd.factorize(text.where(has))  # each distinct text analyzed once
    if analyzer is None:
        from parcours.voice.text.analyzer import BuiltinAnalyzer

        analyzer = BuiltinAnalyzer()
    texts = [str(u) for u in uniques]
    if not texts:
        result = pd.DataFrame({c: pd.Series(dtype="float64") for c in ANALYSIS_COLUMNS})
    elif cache is not None:
        from parcours.voice.cache import AnalysisCache

        c = cache if isinstance(cache, AnalysisCache) else AnalysisCache(cache)
        result = c.analyze(analyzer, pa.array(texts, pa.string())).to_pandas()
    else:
        result = analyzer.analyze(texts).to_pandas()
    result = result.rename(columns={"language": "text_language"})
    out = result.reindex(np.where(codes >= 0, codes, len(result))).reset_index(drop=True)
    out["aspects"] = out["aspects"].map(lambda a: [] if a is None or (isinstance(a, float)) else list(a))
    for col in ("text_language", "sentiment_label"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return pd.concat([df, out[list(ANALYSIS_COLUMNS)]], axis=1)


@dataclass
class EmotionCurve:
    """One journey's emotion curve: a row per stage (and breakdown group), its aspects, its verbatims.

    ``stages``: ``[group,] stage, stage_index, feedback, texts, mean_sentiment, ci_low, ci_high,
    negative_share, positive_share``, one mean per emotion, ``dominant_emotions`` (list),
    ``top_irritant``, ``top_irritants``, ``top_wows`` (lists of aspects), ``low_texts`` (fewer texts
    than ``min_texts``: read with care) and, where the stage has answers, ``nps``, ``csat``, ``ces``
    with their response counts. ``aspects``: :func:`~parcours.voice.text.aggregate.irritants_and_wows`
    per stage, with an ``example`` verbatim (the strongest one), ``drag`` and ``lift`` (how far
    the aspect's irritant / wow texts move the stage's mean sentiment; irritants are ranked by
    drag, wows by lift). ``outside_journey``: scored feedback
    whose touchpoint is in no stage (or unlinked), kept out of the curve and counted here.
    """

    journey: str
    stages: pd.DataFrame
    aspects: pd.DataFrame
    by: str | None = None
    outside_journey: int = 0
    confidence: float = 0.95
    meta: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The per-stage table (the data twin of the chart)."""
        return self.stages.copy()


def _t_interval(mean: pd.Series, sd: pd.Series, n: pd.Series, confidence: float) -> tuple[pd.Series, pd.Series]:
    from scipy import stats

    nn = n.astype(float)
    q = pd.Series(stats.t.ppf(0.5 + confidence / 2, np.maximum(nn - 1, 1)), index=n.index)
    half = q * sd.fillna(0.0) / np.sqrt(nn.where(nn > 0))
    half = half.where(nn > 1)
    return (mean - half).clip(lower=-1.0), (mean + half).clip(upper=1.0)


def _explode_aspects(df: pd.DataFrame, keys: list[str], text_column: str) -> pd.DataFrame:
    """One row per (text, aspect named): keys, text, aspect, polarity, score."""
    cols = [*keys, text_column, "aspects"]
    ex = df.loc[df["aspects"].map(len) > 0, cols].explode("aspects", ignore_index=True)
    if ex.empty:
        return pd.DataFrame(columns=[*keys, text_column, "aspect", "polarity", "score"])
    parts = pd.DataFrame(ex["aspects"].tolist(), index=ex.index)
    return pd.concat([ex.drop(columns="aspects"), parts[["aspect", "polarity", "score"]]], axis=1)


def emotion_curve(scored: pd.DataFrame, journey: JourneyConfig, *, by: str | None = None,
                  confidence: float = 0.95, top: int = 3, strong: float = 0.5, min_texts: int = 5,
                  text_column: str = "text") -> EmotionCurve:
    """The emotion curve of ``journey`` from feedback that is linked (``stage``) and scored.

    Parameters
    ----------
    scored : pandas.DataFrame
        :func:`score_feedback` of :func:`~parcours.voice.linking.link_feedback` with that journey
        (columns ``stage``, the analysis columns, and ``kind``/``score`` for survey scores).
    journey : JourneyConfig
        Gives the stages and their order (stages nobody spoke about still appear, with no mean).
    by : str, optional
        A breakdown column of ``scored`` (a customer ``segment``, a persona, a tier, ``channel``):
        one curve per value, in a ``group`` column.
    confidence : float, default=0.95
        Level of the Student-t interval on the mean sentiment.
    top : int, default=3
        How many irritants and wows to list per stage.
    strong, min_texts :
        The irritant/wow threshold (see :func:`~parcours.voice.text.aggregate.irritants_and_wows`),
        and the number of texts under which a stage is flagged ``low_texts``.
    """
    from parcours.voice.text.aggregate import irritants_and_wows

    needed = ["stage", "sentiment", "aspects", *EMOTIONS]
    missing = [c for c in needed if c not in scored.columns]
    if missing:
        raise CurveError(f"emotion_curve: column(s) {', '.join(missing)} missing; link the feedback with the "
                         f"journey (link_feedback(..., journey=...)) and score it (score_feedback) first")
    if by is not None and by not in scored.columns:
        raise CurveError(f"emotion_curve(by={by!r}): no such column; available: {', '.join(scored.columns)}")
    if not 0 < confidence < 1:
        raise CurveError(f"emotion_curve(confidence=...) must be in (0, 1); got {confidence!r}")
    order = list(journey.order)
    in_j = scored["stage"].isin(order)
    df = scored.loc[in_j].copy()
    outside = int((~in_j).sum())
    df["group"] = df[by].astype(object).where(df[by].notna(), "(none)").astype(str) if by else "all"
    keys = ["group", "stage"]

    # a frame with every (group, stage) so the curve keeps the journey's whole x axis
    groups = sorted(df["group"].unique().tolist()) if len(df) else ["all"]
    grid = pd.DataFrame([(g, s, i) for g in groups for i, s in enumerate(order)],
                        columns=["group", "stage", "stage_index"])
    g = df.groupby(keys, sort=False)
    has_text = df["sentiment"].notna()
    agg = df.assign(_neg=(df["sentiment_label"] == "negative") & has_text,
                    _pos=(df["sentiment_label"] == "positive") & has_text, _t=has_text).groupby(keys).agg(
        feedback=("stage", "size"), texts=("_t", "sum"), mean_sentiment=("sentiment", "mean"),
        sd=("sentiment", "std"), _neg=("_neg", "sum"), _pos=("_pos", "sum"),
        **{e: (e, "mean") for e in EMOTIONS})
    del g
    out = grid.merge(agg.reset_index(), on=keys, how="left")
    out[["feedback", "texts", "_neg", "_pos"]] = out[["feedback", "texts", "_neg", "_pos"]].fillna(0).astype("int64")
    out["ci_low"], out["ci_high"] = _t_interval(out["mean_sentiment"], out["sd"], out["texts"], confidence)
    texts = out["texts"].where(out["texts"] > 0)
    out["negative_share"] = out["_neg"] / texts
    out["positive_share"] = out["_pos"] / texts
    emo = out[list(EMOTIONS)].fillna(0.0).to_numpy()
    rank = np.argsort(-emo, axis=1, kind="stable")[:, :2]
    names = np.asarray(EMOTIONS, dtype=object)[rank]
    keep = np.take_along_axis(emo, rank, axis=1) >= 0.05
    out["dominant_emotions"] = [list(n[k]) for n, k in zip(names, keep)]
    out["low_texts"] = out["texts"] < min_texts

    # irritants and wows per (group, stage), with the strongest verbatim as example
    scored_txt = df.loc[has_text].reset_index(drop=True)
    label = scored_txt["group"] + "\x1f" + scored_txt["stage"]
    asp = irritants_and_wows(scored_txt, by=label.tolist(), strong=strong) if len(scored_txt) else pd.DataFrame()
    if len(asp):
        split = asp["group"].str.split("\x1f", n=1, expand=True)
        asp = asp.drop(columns="group").assign(group=split[0], stage=split[1])
        ex = _explode_aspects(scored_txt.assign(_tid=np.arange(len(scored_txt))),
                              [*keys, "_tid", "sentiment", *EMOTIONS], text_column)
        worst = ex.sort_values("score", kind="stable").drop_duplicates([*keys, "aspect"], keep="first")
        best = ex.sort_values("score", ascending=False, kind="stable").drop_duplicates([*keys, "aspect"])
        asp = asp.merge(worst[[*keys, "aspect", text_column]].rename(columns={text_column: "irritant_example"}),
                        on=[*keys, "aspect"], how="left")
        asp = asp.merge(best[[*keys, "aspect", text_column]].rename(columns={text_column: "wow_example"}),
                        on=[*keys, "aspect"], how="left")
        asp["example"] = asp["irritant_example"].where(asp["irritants"] >= asp["wows"], asp["wow_example"])
        asp["stage_index"] = asp["stage"].map({s: i for i, s in enumerate(order)})
        asp = asp.merge(_pull(ex, scored_txt, keys, strong), on=[*keys, "aspect"], how="left")
        asp = asp[["group", "stage", "stage_index", *[c for c in asp.columns
                                                         if c not in ("group", "stage", "stage_index")]]]
        irr = asp[asp["irritants"] > 0].sort_values([*keys, "drag", "irritants"],
                                                    ascending=[True, True, True, False], kind="stable")
        wow = asp[asp["wows"] > 0].sort_values([*keys, "lift", "wows"], ascending=[True, True, False, False],
                                               kind="stable")
        top_irr = irr.groupby(keys, sort=False)["aspect"].agg(lambda s: list(s[:top]))
        top_wow = wow.groupby(keys, sort=False)["aspect"].agg(lambda s: list(s[:top]))
        out = out.merge(top_irr.rename("top_irritants").reset_index(), on=keys, how="left")
        out = out.merge(top_wow.rename("top_wows").reset_index(), on=keys, how="left")
    else:
        asp = pd.DataFrame(columns=["group", "stage", "stage_index", "aspect", "mentions", "irritants", "wows",
                                    "example"])
        out["top_irritants"] = None
        out["top_wows"] = None
    for col in ("top_irritants", "top_wows"):
        out[col] = out[col].map(lambda v: v if isinstance(v, list) else [])
    out["top_irritant"] = pd.Series([v[0] if v else None for v in out["top_irritants"]], index=out.index,
                                    dtype=object)

    out = out.merge(_survey_by_stage(df, keys), on=keys, how="left")
    for m in ("nps", "csat", "ces"):
        if m not in out.columns:
            out[m] = np.nan
            out[f"{m}_responses"] = 0
        out[f"{m}_responses"] = out[f"{m}_responses"].fillna(0).astype("int64")
    cols = ["group", "stage", "stage_index", "feedback", "texts", "mean_sentiment", "ci_low", "ci_high",
            "negative_share", "positive_share", *EMOTIONS, "dominant_emotions", "top_irritant", "top_irritants",
            "top_wows", "nps", "nps_responses", "csat", "csat_responses", "ces", "ces_responses", "low_texts"]
    out = out[cols].sort_values(["group", "stage_index"], kind="stable").reset_index(drop=True)
    if by is None:
        out = out.drop(columns="group")
        asp = asp.drop(columns="group")
    return EmotionCurve(journey=journey.name, stages=out, aspects=asp.reset_index(drop=True), by=by,
                        outside_journey=outside, confidence=confidence)


def _pull(ex: pd.DataFrame, texts: pd.DataFrame, keys: list[str], strong: float) -> pd.DataFrame:
    """Per (group, stage, aspect): how far the texts carrying it as an irritant (a wow) move the stage's mean.

    ``drag`` = the stage's mean sentiment minus its mean without the texts where the aspect is an
    irritant (negative: the irritant pulls the curve down); ``lift``, the same for wows. A mention
    is an irritant or a wow by the rule of :func:`~parcours.voice.text.aggregate.irritants_and_wows`.
    Ranking by these rather than by counts puts first what hurts the stage most, not what is
    mentioned most (a mild "a bit expensive" in a glowing review barely moves the curve).
    """
    neg = ex[["anger", "sadness", "fear", "disgust"]].max(axis=1)
    pos = ex[["joy", "trust", "surprise"]].max(axis=1)
    score = ex["score"].astype(float).fillna(0.0)
    flags = {"drag": (ex["polarity"] == "negative") & ((score <= -strong) | (neg >= strong)),
             "lift": (ex["polarity"] == "positive") & ((score >= strong) | (pos >= strong))}
    stage = texts.groupby(keys)["sentiment"].agg(total="sum", n="count")
    out = None
    for name, flag in flags.items():
        sel = ex.loc[flag].drop_duplicates([*keys, "aspect", "_tid"])
        g = sel.groupby([*keys, "aspect"])["sentiment"].agg(s="sum", k="count").reset_index().join(stage, on=keys)
        rest = (g["total"] - g["s"]) / (g["n"] - g["k"]).where(g["n"] > g["k"])
        g[name] = g["total"] / g["n"] - rest.fillna(0.0)
        g = g[[*keys, "aspect", name]]
        out = g if out is None else out.merge(g, on=[*keys, "aspect"], how="outer")
    assert out is not None
    return out


def _survey_by_stage(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """NPS, CSAT and CES values and response counts per (group, stage), wide."""
    import ibis

    from parcours.voice.surveys import survey_metrics

    empty = pd.DataFrame(columns=[*keys])
    if "kind" not in df.columns or "score" not in df.columns:
        return empty
    surveys = df.loc[df["kind"].isin(["nps", "csat", "ces"]) & df["score"].notna(), [*keys, "kind", "score"]]
    if surveys.empty:
        return empty
    t = ibis.memtable(surveys.astype({"score": "float64", "kind": str, "group": str, "stage": str}))
    m = survey_metrics(t, by=list(keys), metrics=("nps", "csat", "ces"), min_responses=1).to_pandas()
    wide = m.pivot_table(index=list(keys), columns="metric", values=["value", "responses"], aggfunc="first")
    wide.columns = [metric if what == "value" else f"{metric}_responses" for what, metric in wide.columns]
    return wide.reset_index()


#: Breakdowns read from elsewhere than the feedback rows: customer columns, tiers, personas.
CUSTOMER_BREAKDOWNS = ("segment", "region", "loyalty", "value_tier", "persona", "persona_name")


def with_breakdown(ws: Any, linked: pd.DataFrame, by: str) -> pd.DataFrame:
    """``linked`` with a ``by`` column for the curve's breakdown, fetched from the workspace if needed.

    ``by`` may be a column of the linked feedback (``channel``, ``event_channel``, ``kind``, ``touchpoint``),
    of the customers table (``segment``, ``region``), a tier (``loyalty``, ``value_tier``, from
    ``ws.tiers()``) or ``persona``/``persona_name`` (from ``ws.personas()``).
    """
    if by in linked.columns:
        return linked
    if by in ("loyalty", "value_tier"):
        labels = ws.tiers().select("customer_id", by).to_pandas()
    elif by in ("persona", "persona_name"):
        labels = ws.personas().assignments[["customer_id", by]]
    else:
        customers = ws.table("customers")
        if by not in customers.columns or by in ("attributes", "source", "ingestion_id"):
            raise CurveError(f"emotion curve by={by!r}: not a column of the linked feedback "
                             f"({', '.join(linked.columns)}) nor of the customers table, nor one of "
                             f"loyalty, value_tier, persona, persona_name")
        labels = customers.select("customer_id", by).to_pandas()
    labels = labels.drop_duplicates("customer_id")
    labels[by] = labels[by].astype(str)
    return linked.merge(labels, on="customer_id", how="left")
