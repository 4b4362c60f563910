"""Analyses cached by analyzer version and text hash: a second run does not call the analyzer."""

from __future__ import annotations

import pyarrow as pa

from parcours.voice import BuiltinAnalyzer, analysis_schema
from parcours.voice.cache import AnalysisCache, text_hashes


class Counting(BuiltinAnalyzer):
    """The built-in analyzer, counting the texts it is asked to analyze."""

    def __init__(self, version_suffix: str = "") -> None:
        super().__init__()
        self.calls: list[int] = []
        self.suffix = version_suffix

    @property
    def version(self) -> str:  # type: ignore[override]
        return super().version + self.suffix

    def analyze(self, texts):
        self.calls.append(len(texts))
        return super().analyze(texts)


TEXTS = ["Livraison en retard, colis abîmé.", "Great staff!", None, "", "Great staff!", "<b>x</b>\x00" * 50]


def test_second_run_does_not_call_the_analyzer(tmp_path):
    cache, a = AnalysisCache(tmp_path / "c"), Counting()
    first = cache.analyze(a, TEXTS)
    assert a.calls == [5]  # the repeated text is analyzed once
    assert first.schema.equals(analysis_schema())
    assert first.to_pylist() == BuiltinAnalyzer().analyze(TEXTS).to_pylist()
    again = AnalysisCache(tmp_path / "c").analyze(a, TEXTS)
    assert a.calls == [5] and again.equals(first)
    assert cache.last_stats == {"texts": 6, "unique": 5, "cached": 0, "analyzed": 5}


def test_only_new_texts_are_analyzed_and_order_is_kept(tmp_path):
    cache, a = AnalysisCache(tmp_path), Counting()
    cache.analyze(a, TEXTS[:2])
    mixed = ["Great staff!", "Tout est parfait 😍", "Livraison en retard, colis abîmé."]
    out = cache.analyze(a, pa.array(mixed))
    assert a.calls == [2, 1] and cache.last_stats["cached"] == 2
    assert out.to_pylist() == BuiltinAnalyzer().analyze(mixed).to_pylist()
    assert len(list(tmp_path.glob("*/part-*.parquet"))) == 2


def test_another_analyzer_version_does_not_reuse(tmp_path):
    cache = AnalysisCache(tmp_path)
    cache.analyze(Counting(), ["Super"])
    other = Counting("-other")
    cache.analyze(other, ["Super"])
    assert other.calls == [1]
    assert cache.clear() == 2 and not list(tmp_path.glob("*/part-*.parquet"))


def test_empty_input_and_hashes(tmp_path):
    out = AnalysisCache(tmp_path).analyze(Counting(), [])
    assert out.num_rows == 0 and out.schema.equals(analysis_schema())
    h = text_hashes(["a", None, "", "a"]).to_pylist()
    assert h[0] == h[3] and len({h[0], h[1], h[2]}) == 3


def test_docstring_examples_run():
    import doctest
    import importlib

    for name in ("parcours.voice.cache", "parcours.voice.scoring", "parcours.voice.text.transformers"):
        assert doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS).failed == 0, name


def test_pandas_texts_with_missing_values(tmp_path):
    import pandas as pd

    s = pd.Series(["Super", float("nan"), None, 42], dtype=object)
    out = AnalysisCache(tmp_path).analyze(Counting(), s)
    assert out.num_rows == 4 and out.column("sentiment_label").to_pylist()[1:3] == ["neutral", "neutral"]
