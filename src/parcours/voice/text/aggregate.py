"""Irritants and "wow" effects: the aspects that most often carry strong emotion, over many texts.

A text names an aspect with a polarity (see :func:`~parcours.voice.text.base.analysis_schema`).
That mention is an *irritant* when it is negative and strongly so: its aspect score is at most
``-strong``, or the text's strongest negative emotion (anger, sadness, fear, disgust) reaches
``strong``. It is a *wow* when it is positive and its score is at least ``strong`` or the text's
joy, trust or surprise reaches ``strong``. Ranking aspects by those counts answers the CX
questions "what makes customers angry?" and "what delights them?".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parcours.voice.text.base import EMOTIONS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["irritants_and_wows"]

_NEGATIVE = ("anger", "sadness", "fear", "disgust")
_POSITIVE = ("joy", "trust", "surprise")
_COLUMNS = ["aspect", "mentions", "negative", "neutral", "positive", "irritants", "wows",
            "irritant_rate", "wow_rate", "net", "kind"]


def _rows(analysis: Any) -> list[dict[str, Any]]:
    if hasattr(analysis, "to_pylist"):  # pyarrow.Table
        return analysis.select(["aspects", *EMOTIONS]).to_pylist()
    if hasattr(analysis, "to_dict"):  # pandas.DataFrame
        return analysis[["aspects", *EMOTIONS]].to_dict("records")
    return list(analysis)


def irritants_and_wows(analysis: Any, *, by: Sequence[Any] | None = None, strong: float = 0.5,
                       min_mentions: int = 1) -> pd.DataFrame:
    """Per aspect: mentions, polarity counts, irritants and wows (see the module docstring).

    Parameters
    ----------
    analysis : pyarrow.Table, pandas.DataFrame or list of dict
        What :meth:`~parcours.voice.text.base.TextAnalyzer.analyze` returned.
    by : sequence, optional
        One group label per text (a journey stage, a channel, a period): one result row per group
        and aspect, with a ``group`` column.
    strong : float, default=0.5
        Threshold on the aspect score and on the emotion scores, in (0, 1].
    min_mentions : int, default=1
        Aspects (per group) with fewer mentions are left out.

    Returns
    -------
    pandas.DataFrame
        ``aspect, mentions, negative, neutral, positive, irritants, wows, irritant_rate, wow_rate,
        net, kind`` (rates are over mentions; ``net = wow_rate - irritant_rate``; ``kind`` is
        "irritant", "wow", "mixed" or "neutral"), most irritating first.

    >>> from parcours.voice.text.analyzer import BuiltinAnalyzer
    >>> t = BuiltinAnalyzer().analyze([
    ...     "Livraison en retard, inadmissible ! Le vendeur était adorable.",
    ...     "Delivery was late again, I'm furious.",
    ...     "The staff were fantastic, wow!",
    ... ])
    >>> irritants_and_wows(t)[["aspect", "mentions", "irritants", "wows", "kind"]].to_dict("records")
    [{'aspect': 'delivery', 'mentions': 2, 'irritants': 2, 'wows': 0, 'kind': 'irritant'}, \
{'aspect': 'staff', 'mentions': 2, 'irritants': 0, 'wows': 2, 'kind': 'wow'}]
    """
    import pandas as pd

    if not 0 < strong <= 1:
        raise ValueError(f"irritants_and_wows(strong=...) must be in (0, 1]; got {strong!r}")
    rows = _rows(analysis)
    if by is not None and len(by) != len(rows):
        raise ValueError(f"irritants_and_wows(by=...) needs one label per text: got {len(by)} labels "
                         f"for {len(rows)} texts")
    records = []
    for n, row in enumerate(rows):
        aspects = row.get("aspects")
        if aspects is None or len(aspects) == 0:
            continue
        neg_emo = max(float(row.get(e) or 0.0) for e in _NEGATIVE)
        pos_emo = max(float(row.get(e) or 0.0) for e in _POSITIVE)
        group = by[n] if by is not None else None
        for a in aspects:
            pol, score = a["polarity"], float(a.get("score") or 0.0)
            records.append((group, a["aspect"], pol,
                            pol == "negative" and (score <= -strong or neg_emo >= strong),
                            pol == "positive" and (score >= strong or pos_emo >= strong)))
    keys = ["group", "aspect"] if by is not None else ["aspect"]
    if not records:
        return pd.DataFrame(columns=keys[:-1] + _COLUMNS)
    df = pd.DataFrame.from_records(records, columns=["group", "aspect", "polarity", "irritant", "wow"])
    out = df.groupby(keys, sort=False).agg(
        mentions=("polarity", "size"),
        negative=("polarity", lambda s: int((s == "negative").sum())),
        neutral=("polarity", lambda s: int((s == "neutral").sum())),
        positive=("polarity", lambda s: int((s == "positive").sum())),
        irritants=("irritant", "sum"),
        wows=("wow", "sum"),
    ).reset_index()
    out = out[out["mentions"] >= min_mentions].copy()
    out[["irritants", "wows"]] = out[["irritants", "wows"]].astype(int)
    out["irritant_rate"] = out["irritants"] / out["mentions"]
    out["wow_rate"] = out["wows"] / out["mentions"]
    out["net"] = out["wow_rate"] - out["irritant_rate"]
    out["kind"] = [
        "mixed" if i and w and min(i, w) >= 0.5 * max(i, w) else "irritant" if i > w else "wow" if w > i
        else "neutral" for i, w in zip(out["irritants"], out["wows"])
    ]
    out = out.sort_values(keys[:-1] + ["irritants", "irritant_rate", "wows"],
                          ascending=[True] * (len(keys) - 1) + [False, False, True], kind="stable")
    return out[keys[:-1] + _COLUMNS].reset_index(drop=True)
