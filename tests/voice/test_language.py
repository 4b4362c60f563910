"""Language detection: French, English, other languages and scripts, unknown."""

from __future__ import annotations

import pytest

from parcours.voice import BuiltinAnalyzer, detect_language, detect_languages

CASES = [
    ("Livraison rapide, je recommande ce vendeur.", "fr"),
    ("Le colis est arrivé en retard et le service client ne répond pas.", "fr"),
    ("tres bon produit mais livraison tres lente", "fr"),
    ("J'adore !", "fr"),
    ("Parfait", "fr"),
    ("Déçue", "fr"),
    ("The package arrived late and customer service never answered.", "en"),
    ("great product but shipping was slow", "en"),
    ("Awesome!", "en"),
    ("I love it", "en"),
    ("Produto chegou antes do prazo, muito bom", "other"),
    ("El producto llegó tarde y el vendedor no responde", "other"),
    ("Das Paket kam zu spät und der Kundenservice antwortet nicht", "other"),
    ("Посылка пришла вовремя, всё отлично", "other"),
    ("配送が遅かったです", "other"),
    ("", "unknown"),
    ("   \n\t ", "unknown"),
    ("12345 !!!", "unknown"),
    ("😍😍😍", "unknown"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_none_and_non_text_are_unknown():
    assert detect_languages([None, 3.5, b"bytes"]) == ["unknown"] * 3  # type: ignore[list-item]


def test_mixed_corpus_gets_one_language_per_text():
    texts = [t for t, _ in CASES]
    assert BuiltinAnalyzer().analyze(texts).column("language").to_pylist() == [lang for _, lang in CASES]


def test_a_mostly_french_text_with_english_words_is_french():
    assert detect_language("Le produit est top, vraiment le best, je suis fan du design") == "fr"
    assert detect_language("The staff were so nice, un vrai plaisir") == "en"
