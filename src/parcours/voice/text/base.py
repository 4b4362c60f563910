"""The contract every text analyzer meets: one method, one output schema, one version string.

parcours ships a built-in analyzer (:class:`~parcours.voice.text.analyzer.BuiltinAnalyzer`); a
model trained on the company's labelled text and a transformers pipeline will sit behind the same
interface, so the rest of parcours (emotion curve, irritants, complaint triage) never knows which
one ran. Results are cached by text hash and ``version``: change the output, change the version.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parcours.voice.text.lexicon import ASPECTS, EMOTIONS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ASPECTS", "COLUMNS", "EMOTIONS", "POLARITIES", "TextAnalyzer", "analysis_schema"]

POLARITIES = ("negative", "neutral", "positive")
COLUMNS = ("language", "sentiment", "sentiment_label", *EMOTIONS, "aspects")


def analysis_schema() -> pa.Schema:
    """The Arrow schema of :meth:`TextAnalyzer.analyze`'s result.

    - ``language``: "fr", "en", "other" or "unknown";
    - ``sentiment``: float in [-1, 1]; ``sentiment_label``: negative | neutral | positive;
    - one float in [0, 1] per emotion (joy, trust, surprise, anger, sadness, fear, disgust);
    - ``aspects``: list of {aspect, polarity, score}, score in [-1, 1], one per aspect named.

    >>> analysis_schema().names[:3]
    ['language', 'sentiment', 'sentiment_label']
    """
    import pyarrow as pa

    aspect = pa.struct([("aspect", pa.string()), ("polarity", pa.string()), ("score", pa.float64())])
    return pa.schema(
        [("language", pa.string()), ("sentiment", pa.float64()), ("sentiment_label", pa.string())]
        + [(name, pa.float64()) for name in EMOTIONS]
        + [("aspects", pa.list_(aspect))]
    )


class TextAnalyzer(abc.ABC):
    """Base class of text analyzers: ``analyze(texts)`` -> one row per text, same order.

    Subclasses set ``version`` (a string that changes whenever their output can change) and
    implement :meth:`analyze`; ``None``, empty and hostile strings must give a row, never an error.

    >>> import pyarrow as pa
    >>> class Neutral(TextAnalyzer):
    ...     version = "neutral-1"
    ...     def analyze(self, texts):
    ...         n = len(texts)
    ...         return pa.table({"language": ["unknown"] * n, "sentiment": [0.0] * n,
    ...                          "sentiment_label": ["neutral"] * n,
    ...                          **{e: [0.0] * n for e in EMOTIONS}, "aspects": [[]] * n},
    ...                         schema=analysis_schema())
    >>> Neutral().analyze_rows(["Bonjour"])[0]["sentiment_label"]
    'neutral'
    """

    version: str

    @abc.abstractmethod
    def analyze(self, texts: Sequence[str | None]) -> pa.Table:
        """Analyze ``texts``; the result follows :func:`analysis_schema`."""

    def analyze_rows(self, texts: Sequence[str | None]) -> list[dict[str, Any]]:
        """:meth:`analyze` as one dict per text (subclasses may skip the Arrow table)."""
        return self.analyze(texts).to_pylist()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(version={self.version!r})"
