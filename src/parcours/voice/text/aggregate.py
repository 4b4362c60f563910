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


def _table(analysis: Any) -> Any:
    """The aspects and emotion columns as a pyarrow Table, whatever form the analysis came in."""
    import pyarrow as pa

    cols = ["aspects", *EMOTIONS]
    if isinstance(analysis, pa.Table):
        return analysis.select(cols)
    if hasattr(analysis, "to_dict"):  # pandas.DataFrame
        return pa.Table.from_pylist(analysis[cols].to_dict("records"))
    return pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in analysis])


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
    import numpy as np
    import pyarrow.compute as pc

    tab = _table(analysis)
    if by is not None and len(by) != tab.num_rows:
        raise ValueError(f"irritants_and_wows(by=...) needs one label per text: got {len(by)} labels "
                         f"for {tab.num_rows} texts")
    # one row per aspect mention, with its text's strongest negative and positive emotion
    nested = tab.column("aspects").combine_chunks() if tab.num_rows else None
    mentions = pc.list_flatten(nested) if nested is not None else None
    records = None
    if mentions is not None and len(mentions):
        parent = pc.list_parent_indices(nested).to_numpy()

        def emo(names: Sequence[str]) -> np.ndarray:
            cols = [pc.fill_null(pc.cast(tab.column(e), "float64"), 0.0).to_numpy() for e in names]
            return np.max(np.column_stack(cols), axis=1) if cols else np.zeros(tab.num_rows)

        neg_emo, pos_emo = emo(_NEGATIVE)[parent], emo(_POSITIVE)[parent]
        pol = pc.struct_field(mentions, "polarity").to_numpy(zero_copy_only=False).astype(object)
        names = {f.name for f in mentions.type}
        score = (pc.fill_null(pc.cast(pc.struct_field(mentions, "score"), "float64"), 0.0).to_numpy()
                 if "score" in names else np.zeros(len(mentions)))
        records = pd.DataFrame({
            "group": np.asarray(list(by), dtype=object)[parent] if by is not None else None,
            "aspect": pc.struct_field(mentions, "aspect").to_numpy(zero_copy_only=False),
            "polarity": pol,
            "irritant": (pol == "negative") & ((score <= -strong) | (neg_emo >= strong)),
            "wow": (pol == "positive") & ((score >= strong) | (pos_emo >= strong)),
        })
    keys = ["group", "aspect"] if by is not None else ["aspect"]
    if records is None:
        return pd.DataFrame(columns=keys[:-1] + _COLUMNS)
    df = records.assign(negative=records.polarity == "negative", neutral=records.polarity == "neutral",
                        positive=records.polarity == "positive")
    out = df.groupby(keys, sort=False).agg(
        mentions=("polarity", "size"), negative=("negative", "sum"), neutral=("neutral", "sum"),
        positive=("positive", "sum"), irritants=("irritant", "sum"), wows=("wow", "sum"),
    ).reset_index()
    out = out[out["mentions"] >= min_mentions].copy()
    out[["negative", "neutral", "positive", "irritants", "wows"]] = out[
        ["negative", "neutral", "positive", "irritants", "wows"]].astype(int)
    out["irritant_rate"] = out["irritants"] / out["mentions"]
    out["wow_rate"] = out["wows"] / out["mentions"]
    out["net"] = out["wow_rate"] - out["irritant_rate"]
    i, w = out["irritants"].to_numpy(), out["wows"].to_numpy()
    out["kind"] = np.select([(i > 0) & (w > 0) & (np.minimum(i, w) >= 0.5 * np.maximum(i, w)), i > w, w > i],
                            ["mixed", "irritant", "wow"], "neutral")
    out = out.sort_values(keys[:-1] + ["irritants", "irritant_rate", "wows"],
                          ascending=[True] * (len(keys) - 1) + [False, False, True], kind="stable")
    return out[keys[:-1] + _COLUMNS].reset_index(drop=True)
