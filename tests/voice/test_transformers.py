"""The transformers adapter. torch + transformers from PyPI pull several GB of CUDA packages, so they are
not test dependencies: these tests drive the adapter with a small object called exactly like a
``transformers`` text-classification pipeline (``pipe(texts, top_k=None, truncation=True, batch_size=…)``
returning every label's score per text), which exercises all of parcours's mapping logic."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from parcours.voice import BuiltinAnalyzer, analysis_schema
from parcours.voice.text.transformers import TransformersAnalyzer, label_values


class FakePipeline:
    """Scores from keywords, per label; records how it was called."""

    def __init__(self, labels: dict[str, tuple[str, ...]], version: str = "fake-1") -> None:
        self.labels, self.version, self.calls = labels, version, []

    def __call__(self, texts, **kw):
        self.calls.append((list(texts), kw))
        out = []
        for t in texts:
            raw = np.array([1.0 + 5 * sum(w in t.lower() for w in words) for words in self.labels.values()])
            p = raw / raw.sum()
            out.append([{"label": lab, "score": float(s)} for lab, s in zip(self.labels, p)])
        return out


def test_label_reading():
    assert label_values(["NEGATIVE", "POSITIVE"]) == {"NEGATIVE": -1.0, "POSITIVE": 1.0}
    assert label_values(["1 star", "2 stars", "3 stars", "4 stars", "5 stars"])["2 stars"] == -0.5
    assert label_values(["LABEL_0", "LABEL_1"]) == {"LABEL_0": -1.0, "LABEL_1": 1.0}
    assert label_values(["LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3"]) == {}  # no guess for 4 generic classes
    assert label_values(["joie", "colère", "neutre"]) == {"joie": "joy", "colère": "anger", "neutre": 0.0}
    assert label_values(["good", "bad"], {"good": 2, "bad": "anger"}) == {"good": 1.0, "bad": "anger"}
    with pytest.raises(ValueError, match="label_map"):
        label_values(["x"], {"x": "happy"})


def test_polarity_model_gives_sentiment_and_builtin_gives_the_rest():
    pipe = FakePipeline({"negative": ("retard", "late"), "neutral": ("mardi",), "positive": ("adorable", "great")})
    a = TransformersAnalyzer(pipe)
    texts = ["Livraison en retard", "Arrivé mardi", "Vendeur adorable", "", None, "x" * 100_000]
    out = a.analyze(texts)
    assert out.schema.equals(analysis_schema())
    assert out.column("sentiment_label").to_pylist() == ["negative", "neutral", "positive", "neutral", "neutral",
                                                         "neutral"]
    s = out.column("sentiment").to_pylist()
    assert s[0] == pytest.approx((1 - 6) / 8) and s[2] == pytest.approx((6 - 1) / 8) and s[3] == 0.0
    builtin = BuiltinAnalyzer().analyze(texts)
    for col in ("language", "aspects", "joy", "anger"):
        assert out.column(col).equals(builtin.column(col))
    (sent, kw), = pipe.calls
    assert len(sent) == 4 and max(map(len, sent)) == 20_000  # empty texts skipped, hostile text cut
    assert kw["top_k"] is None and kw["truncation"] is True
    assert a.version.startswith("transformers-1+fake-1+")


def test_emotion_model_fills_emotions():
    pipe = FakePipeline({"joy": ("merci",), "anger": ("scandale",), "sadness": ("déçu",)})
    out = TransformersAnalyzer(pipe).analyze(["Merci beaucoup", "C'est un scandale"])
    assert out.column("joy").to_pylist()[0] == pytest.approx(6 / 8)
    assert out.column("anger").to_pylist()[1] == pytest.approx(6 / 8)
    # no polarity labels: the built-in sentiment stays
    assert out.column("sentiment").equals(BuiltinAnalyzer().analyze(["Merci beaucoup", "C'est un scandale"])
                                          .column("sentiment"))


def test_unreadable_labels_and_missing_package():
    with pytest.raises(ValueError, match="label_map"):
        TransformersAnalyzer(FakePipeline({"A": ("a",), "B": ("b",)})).analyze(["abc"])
    out = TransformersAnalyzer(FakePipeline({"A": ("bien",), "B": ("mal",)}), label_map={"A": 1, "B": -1}).analyze(
        ["très bien"])
    assert out.column("sentiment_label").to_pylist() == ["positive"]
    if importlib.util.find_spec("transformers") is None:
        with pytest.raises(ImportError, match="pip install"):
            TransformersAnalyzer("some/model").analyze(["x"])


def test_through_get_analyzer_and_cache(tmp_path):
    from parcours.voice.cache import AnalysisCache
    from parcours.voice.scoring import get_analyzer

    pipe = FakePipeline({"NEGATIVE": ("nul",), "POSITIVE": ("top",)})
    a = get_analyzer(TransformersAnalyzer(pipe))
    cache = AnalysisCache(tmp_path)
    first = cache.analyze(a, ["top", "nul"])
    second = cache.analyze(a, ["nul", "top"])
    assert len(pipe.calls) == 1 and second.column("sentiment").to_pylist() == first.column("sentiment").to_pylist()[::-1]
    with pytest.raises(ValueError, match="unknown analyzer"):
        get_analyzer("vader")
