"""Voice of the customer: what customers say and feel (survey metrics, text analysis, emotions).

Names are imported on first use, so ``import parcours.voice`` stays light (Arrow loads only when
an analysis runs).

>>> from parcours.voice import BuiltinAnalyzer
>>> BuiltinAnalyzer().analyze(["Livraison rapide, merci !"]).column("sentiment_label").to_pylist()
['positive']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ASPECTS": "parcours.voice.text.base",
    "EMOTIONS": "parcours.voice.text.base",
    "POLARITIES": "parcours.voice.text.base",
    "TextAnalyzer": "parcours.voice.text.base",
    "analysis_schema": "parcours.voice.text.base",
    "BuiltinAnalyzer": "parcours.voice.text.analyzer",
    "detect_language": "parcours.voice.text.language",
    "detect_languages": "parcours.voice.text.language",
    "irritants_and_wows": "parcours.voice.text.aggregate",
    "SurveySettings": "parcours.voice.surveys",
    "feedback_dimensions": "parcours.voice.surveys",
    "survey_metrics": "parcours.voice.surveys",
    "link_feedback": "parcours.voice.linking",
    "link_summary": "parcours.voice.linking",
    "emotion_curve": "parcours.voice.curve",
    "score_feedback": "parcours.voice.curve",
    "EmotionCurve": "parcours.voice.curve",
    "TrainedAnalyzer": "parcours.voice.text.trained",
    "labels_from_ratings": "parcours.voice.text.trained",
    "TransformersAnalyzer": "parcours.voice.text.transformers",
    "AnalysisCache": "parcours.voice.cache",
    "get_analyzer": "parcours.voice.scoring",
    "read_table": "parcours.voice.scoring",
    "score_table": "parcours.voice.scoring",
}

__all__ = [
    "ASPECTS",
    "EMOTIONS",
    "POLARITIES",
    "BuiltinAnalyzer",
    "SurveySettings",
    "TextAnalyzer",
    "analysis_schema",
    "detect_language",
    "detect_languages",
    "feedback_dimensions",
    "irritants_and_wows",
    "survey_metrics",
    "EmotionCurve",
    "emotion_curve",
    "link_feedback",
    "link_summary",
    "score_feedback",
    "AnalysisCache",
    "TrainedAnalyzer",
    "TransformersAnalyzer",
    "get_analyzer",
    "labels_from_ratings",
    "read_table",
    "score_table",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'parcours.voice' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:
    from parcours.voice.text.aggregate import irritants_and_wows
    from parcours.voice.text.analyzer import BuiltinAnalyzer
    from parcours.voice.text.base import (
        ASPECTS,
        EMOTIONS,
        POLARITIES,
        TextAnalyzer,
        analysis_schema,
    )
    from parcours.voice.text.language import detect_language, detect_languages
    from parcours.voice.surveys import SurveySettings, feedback_dimensions, survey_metrics
    from parcours.voice.curve import EmotionCurve, emotion_curve, score_feedback
    from parcours.voice.linking import link_feedback, link_summary
    from parcours.voice.cache import AnalysisCache
    from parcours.voice.scoring import get_analyzer, read_table, score_table
    from parcours.voice.text.trained import TrainedAnalyzer, labels_from_ratings
    from parcours.voice.text.transformers import TransformersAnalyzer
