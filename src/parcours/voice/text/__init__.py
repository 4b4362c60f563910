"""Text analysis of customer verbatims in French and English: language, sentiment, emotions, aspects.

Modules: :mod:`~.base` (the ``TextAnalyzer`` contract and output schema), :mod:`~.analyzer` (the
built-in lexicon-and-rules analyzer), :mod:`~.language` (language detection), :mod:`~.aggregate`
(irritants and "wow" effects over many texts), :mod:`~.normalize` and :mod:`~.lexicon` (tokens and
the hand-written lexicons ``lexicon_fr``, ``lexicon_en``, ``lexicon_common``).
"""

from parcours.voice.text.aggregate import irritants_and_wows
from parcours.voice.text.analyzer import BuiltinAnalyzer
from parcours.voice.text.base import ASPECTS, EMOTIONS, POLARITIES, TextAnalyzer, analysis_schema
from parcours.voice.text.language import detect_language, detect_languages

__all__ = ["ASPECTS", "EMOTIONS", "POLARITIES", "BuiltinAnalyzer", "TextAnalyzer", "analysis_schema",
           "detect_language", "detect_languages", "irritants_and_wows"]
