"""A Hugging Face ``transformers`` text-classification pipeline behind the analyzer interface.

For users who have a model (a local folder, or a name their machine can download): ``transformers``
is imported only when such an analyzer is built (``pip install 'parcours[transformers]'`` plus a
backend such as PyTorch). The pipeline is asked for every label's probability, and the labels are
read as:

- polarity: ``negative``/``neutral``/``positive`` (any case, also ``NEG``/``NEU``/``POS``),
  star ratings (``1 star`` … ``5 stars``: 1 → -1, 3 → 0, 5 → 1), or generic ``LABEL_0``… of a model
  with 2 (negative, positive) or 3 (negative, neutral, positive) classes; ``sentiment`` is the
  expected value, in [-1, 1];
- emotions: labels named after one of parcours' seven emotions (``joy``, ``trust``, ``anger``…, in
  English or French) fill that emotion's column with their probability.

``label_map`` overrides any of this (label → a number in [-1, 1], or an emotion name). Language
and aspects, and the emotions or sentiment the model does not give, come from the built-in analyzer.

>>> class TinyPipeline:  # anything called like a pipeline works, e.g. for tests
...     def __call__(self, texts, **kw):
...         return [[{"label": "POSITIVE", "score": 0.9}, {"label": "NEGATIVE", "score": 0.1}] for _ in texts]
>>> TransformersAnalyzer(TinyPipeline()).analyze(["Nice"]).column("sentiment").to_pylist()
[0.8]
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from parcours.voice.text.base import EMOTIONS, TextAnalyzer

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["TransformersAnalyzer", "label_values"]

ALGORITHM = "1"
#: Characters passed to the model per text (the tokenizer truncates further; this bounds hostile input).
MAX_CHARS = 20_000

_POLARITY = {"negative": -1.0, "neg": -1.0, "négatif": -1.0, "negatif": -1.0, "very negative": -1.0,
             "neutral": 0.0, "neu": 0.0, "neutre": 0.0, "mixed": 0.0,
             "positive": 1.0, "pos": 1.0, "positif": 1.0, "very positive": 1.0}
_EMOTION_WORDS = {**{e: e for e in EMOTIONS}, "joie": "joy", "confiance": "trust", "colère": "anger",
                  "colere": "anger", "tristesse": "sadness", "peur": "fear", "dégoût": "disgust",
                  "degout": "disgust", "happiness": "joy", "anticipation": "surprise"}


def label_values(labels: Sequence[str], label_map: Mapping[str, float | str] | None = None) -> dict[str, float | str]:
    """How each model label is read: a polarity value in [-1, 1], an emotion name, or left out.

    >>> label_values(["1 star", "3 stars", "5 stars"])
    {'1 star': -1.0, '3 stars': 0.0, '5 stars': 1.0}
    >>> label_values(["LABEL_0", "LABEL_1", "LABEL_2"])
    {'LABEL_0': -1.0, 'LABEL_1': 0.0, 'LABEL_2': 1.0}
    >>> label_values(["joy", "anger", "love"])
    {'joy': 'joy', 'anger': 'anger'}
    """
    out: dict[str, float | str] = {}
    generic = sorted((lab for lab in labels if re.fullmatch(r"(?i)label_\d+", lab)),
                     key=lambda lab: int(lab.split("_")[1]))
    stars = {lab: int(m.group(1)) for lab in labels if (m := re.fullmatch(r"(?i)\s*(\d+)\s*stars?\s*", lab))}
    top = max(stars.values(), default=0)
    for lab in labels:
        key = lab.strip().lower()
        if label_map and lab in label_map:
            value = label_map[lab]
            if isinstance(value, str) and value not in EMOTIONS:
                raise ValueError(f"label_map[{lab!r}] must be a number in [-1, 1] or one of {', '.join(EMOTIONS)}; "
                                 f"got {value!r}")
            out[lab] = value if isinstance(value, str) else float(np.clip(value, -1, 1))
        elif key in _POLARITY:
            out[lab] = _POLARITY[key]
        elif key in _EMOTION_WORDS:
            out[lab] = _EMOTION_WORDS[key]
        elif lab in stars and top > 1:
            out[lab] = 2 * (stars[lab] - 1) / (top - 1) - 1
        elif lab in generic and len(generic) in (2, 3):
            i = generic.index(lab)
            out[lab] = [-1.0, 1.0][i] if len(generic) == 2 else [-1.0, 0.0, 1.0][i]
    return out


class TransformersAnalyzer(TextAnalyzer):
    """Sentiment (and emotions, if the model has them) from a ``transformers`` text-classification pipeline.

    Parameters
    ----------
    model : str or callable
        A model name or local folder (loaded with ``transformers.pipeline("text-classification")``),
        or an object called like a pipeline: ``model(texts, top_k=None, truncation=True)`` returns,
        for each text, a list of ``{"label", "score"}``.
    label_map : dict, optional
        Label → polarity value in [-1, 1] or emotion name, overriding the automatic reading.
    batch_size : int, default=32
    neutral_margin : float, default=0.05
        ``sentiment_label`` is "neutral" when ``|sentiment| < neutral_margin`` (or when the
        model's most probable label is a neutral one).
    """

    def __init__(self, model: str | Path | Callable[..., Any], *, label_map: Mapping[str, float | str] | None = None,
                 batch_size: int = 32, neutral_margin: float = 0.05, device: int | str | None = None) -> None:
        self.model = model
        self.label_map = dict(label_map or {})
        self.batch_size = batch_size
        self.neutral_margin = neutral_margin
        self.device = device
        self._pipe: Any = None
        self._base: TextAnalyzer | None = None

    @property
    def pipeline(self) -> Callable[..., Any]:
        """The pipeline (loaded on first use when ``model`` is a name or a folder)."""
        if self._pipe is None:
            if callable(self.model):
                self._pipe = self.model
            else:
                try:
                    from transformers import pipeline
                except ImportError:
                    raise ImportError("the transformers analyzer needs the 'transformers' package and a backend: "
                                      "pip install 'parcours[transformers]' torch") from None
                try:
                    self._pipe = pipeline("text-classification", model=str(self.model), device=self.device)
                except (OSError, ValueError) as exc:
                    first = (str(exc).strip().splitlines() or [""])[0]
                    raise ValueError(f"cannot load the transformers model {str(self.model)!r}: {first}") from None
        return self._pipe

    @property
    def base(self) -> TextAnalyzer:
        """The built-in analyzer, for language, aspects and whatever the model does not give."""
        if self._base is None:
            from parcours.voice.text.analyzer import BuiltinAnalyzer

            self._base = BuiltinAnalyzer()
        return self._base

    @property
    def version(self) -> str:  # type: ignore[override]
        """``transformers-<algorithm>+<model id>/<built-in version>``: a new model, a new version."""
        if callable(self.model):
            ident = str(getattr(self.model, "version", type(self.model).__qualname__))
        else:
            path = Path(str(self.model))
            if path.is_dir():  # a local folder: its files' names, sizes and times
                h = hashlib.sha256()
                for f in sorted(p for p in path.rglob("*") if p.is_file()):
                    st = f.stat()
                    h.update(f"{f.relative_to(path)}:{st.st_size}:{st.st_mtime_ns};".encode())
                ident = f"{path.name}@{h.hexdigest()[:12]}"
            else:
                pipe = self.pipeline
                commit = getattr(getattr(getattr(pipe, "model", None), "config", None), "_commit_hash", None)
                ident = f"{self.model}@{commit or 'unknown'}"
        opts = hashlib.sha256(repr(sorted(self.label_map.items())).encode()).hexdigest()[:8]
        return f"transformers-{ALGORITHM}+{ident}+{opts}/{self.base.version}"

    def _predict(self, texts: list[str]) -> list[list[dict[str, Any]]]:
        out = self.pipeline(texts, top_k=None, truncation=True, batch_size=self.batch_size)
        if out and isinstance(out[0], dict):  # a pipeline that returns only the best label
            out = [[r] for r in out]
        return out

    def analyze(self, texts: Sequence[str | None]) -> pa.Table:
        """Language and aspects from the built-in analyzer; sentiment (and emotions) from the model."""
        import pandas as pd
        import pyarrow as pa

        texts = list(texts)
        base = self.base.analyze(texts)
        n = len(texts)
        clean = ["" if t is None else str(t)[:MAX_CHARS] for t in texts]
        todo = [i for i, t in enumerate(clean) if t.strip()]
        if not todo:
            return base
        preds = self._predict([clean[i] for i in todo])
        if len(preds) != len(todo):
            raise ValueError(f"the pipeline returned {len(preds)} results for {len(todo)} texts")
        long = pd.DataFrame([(row, d["label"], float(d["score"])) for row, ps in zip(todo, preds) for d in ps],
                            columns=["row", "label", "score"])
        probs = long.pivot_table(index="row", columns="label", values="score", aggfunc="max").reindex(range(n))
        reading = label_values(list(probs.columns), self.label_map)
        polar = [lab for lab, v in reading.items() if not isinstance(v, str)]
        emos = {lab: v for lab, v in reading.items() if isinstance(v, str)}
        if not polar and not emos:
            raise ValueError(f"cannot read the model's labels {sorted(probs.columns)} as sentiment or emotions; "
                             f"pass label_map={{label: value in [-1, 1] or emotion}}")
        out = base
        has_text = np.zeros(n, dtype=bool)
        has_text[todo] = True
        if polar:
            p = probs[polar].fillna(0.0).to_numpy()
            values = np.array([reading[lab] for lab in polar], dtype="float64")
            mass = p.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                s = np.clip((p @ values) / mass, -1, 1)
            s = np.where(has_text & (mass > 0), s, 0.0)
            best = values[p.argmax(axis=1)]
            label = np.where((np.abs(s) < self.neutral_margin) | ((best == 0) & (len(set(values)) > 2)), "neutral",
                             np.where(s > 0, "positive", "negative"))
            label = np.where(has_text & (mass > 0), label, "neutral")
            out = out.set_column(out.schema.get_field_index("sentiment"), "sentiment", pa.array(s, pa.float64()))
            out = out.set_column(out.schema.get_field_index("sentiment_label"), "sentiment_label",
                                 pa.array(label.tolist(), pa.string()))
        for emotion in EMOTIONS:
            labs = [lab for lab, e in emos.items() if e == emotion]
            if labs:
                v = np.where(has_text, probs[labs].fillna(0.0).max(axis=1).to_numpy(), 0.0)
                out = out.set_column(out.schema.get_field_index(emotion), emotion,
                                     pa.array(np.clip(v, 0, 1), pa.float64()))
        return out
