"""The built-in analyzer: sentiment rules in French and English, output contract, speed."""

from __future__ import annotations

import math
import time

import pyarrow as pa
import pytest

from parcours.voice import BuiltinAnalyzer, TextAnalyzer, analysis_schema
from parcours.voice.text.base import COLUMNS, EMOTIONS


@pytest.fixture(scope="module")
def analyzer() -> BuiltinAnalyzer:
    return BuiltinAnalyzer()


def label(analyzer: BuiltinAnalyzer, text: str) -> str:
    return analyzer.analyze_rows([text])[0]["sentiment_label"]


def score(analyzer: BuiltinAnalyzer, text: str) -> float:
    return analyzer.analyze_rows([text])[0]["sentiment"]


# (text, expected label): each line exercises one rule named in the comment.
CASES = [
    # plain opinion words
    ("Ce produit est excellent.", "positive"),
    ("Ce produit est nul.", "negative"),
    ("This product is excellent.", "positive"),
    ("This product is awful.", "negative"),
    # negation, both directions, French "ne ... pas", informal "pas" alone, "jamais", "sans"
    ("Ce produit n'est pas bon.", "negative"),
    ("Ce produit n'est pas mauvais.", "positive"),
    ("Je ne recommande pas ce vendeur.", "negative"),
    ("J'aime pas du tout.", "negative"),
    ("C'est pas terrible.", "negative"),
    ("Je ne suis pas déçu.", "positive"),
    ("Je n'ai jamais reçu ma commande.", "negative"),
    ("Installation sans aucun problème.", "positive"),
    ("This product is not good.", "negative"),
    ("Not bad at all!", "positive"),
    ("I would not recommend this seller.", "negative"),
    ("I dont like it", "negative"),
    ("It doesnt work", "negative"),
    ("No problems at all.", "positive"),
    ("I can't complain.", "positive"),
    ("Couldn't be happier!", "positive"),
    # French elision with and without typographic apostrophes
    ("L’équipe n’a rien fait, c’est inadmissible", "negative"),
    ("J'adore l'appli", "positive"),
    # accents missing
    ("Tres decevant, qualite mediocre", "negative"),
    ("Genial, tres bien recu", "positive"),
    # typos, elongations, SMS style
    ("Recomande a 100%, exelent", "positive"),
    ("C'est nuuuul", "negative"),
    ("sooo goood", "positive"),
    ("disapointed, totaly useless", "negative"),
    # emoji and emoticons alone
    ("😍😍", "positive"),
    ("😡", "negative"),
    (":)", "positive"),
    (":(", "negative"),
    ("👎", "negative"),
    # ratings
    ("Note : 1/5", "negative"),
    ("9/10", "positive"),
    # "trop"/"too" with a neutral dimension
    ("Trop cher !", "negative"),
    ("Way too small.", "negative"),
    ("Trop bien !", "positive"),
    # contrast: the clause after "mais"/"but" wins, a concession clause counts less
    ("Le début est bien mais la fin est complètement ratée.", "negative"),
    ("Un peu long au début, mais une fin magnifique.", "positive"),
    ("Although the delivery was late, the staff were lovely.", "positive"),
    ("Great price, however the quality is terrible.", "negative"),
    ("Bien que le produit soit joli, il est inutilisable.", "negative"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentiment_rules(analyzer, text, expected):
    assert label(analyzer, text) == expected, analyzer.analyze_rows([text])[0]


def test_intensifiers_and_diminishers_scale_the_score(analyzer):
    assert score(analyzer, "très bon") > score(analyzer, "bon") > score(analyzer, "un peu bon") > 0
    assert score(analyzer, "really bad") < score(analyzer, "bad") < score(analyzer, "slightly bad") < 0
    assert score(analyzer, "extremely disappointed") < score(analyzer, "disappointed")


def test_negation_reaches_a_few_tokens_and_stops_at_the_clause(analyzer):
    # "pas" negates "aimé" three tokens later, but not "super" after the comma
    assert label(analyzer, "Je n'ai pas du tout aimé") == "negative"
    assert label(analyzer, "Not a problem, the app is super") == "positive"


def test_accents_and_case_never_change_the_result(analyzer):
    variants = ["Très déçue, qualité médiocre", "tres decue, qualite mediocre", "TRÈS DÉÇUE, QUALITÉ MÉDIOCRE"]
    rows = analyzer.analyze_rows(variants)
    assert len({round(r["sentiment"], 9) for r in rows}) == 1


def test_emotions(analyzer):
    rows = analyzer.analyze_rows([
        "Je suis furieux, c'est une arnaque !",
        "So disappointed and sad.",
        "J'ai peur que ce soit dangereux.",
        "Dégoûtant, la chambre était sale.",
        "Wow, what a surprise, amazing!",
        "Service fiable et honnête, je recommande.",
        "Trop contente 😍",
        "Le colis est arrivé mardi.",
    ])
    top = [max(EMOTIONS, key=r.get) for r in rows[:-1]]
    assert top == ["anger", "sadness", "fear", "disgust", "surprise", "trust", "joy"]
    assert all(r[e] == 0 for e in EMOTIONS for r in rows[-1:])
    assert all(0 <= r[e] <= 1 for r in rows for e in EMOTIONS)
    # several emotions at once
    mixed = analyzer.analyze_rows(["Furieux et tellement déçu"])[0]
    assert mixed["anger"] > 0.3 and mixed["sadness"] > 0.3


def test_negated_joy_is_not_joy(analyzer):
    r = analyzer.analyze_rows(["Je ne suis pas content du tout"])[0]
    assert r["joy"] == 0 and r["sadness"] > 0


def test_output_contract(analyzer):
    texts = ["Super livraison", None, "", "Horrible", "Produto chegou rápido", "12345"]
    table = analyzer.analyze(texts)
    assert isinstance(table, pa.Table)
    assert table.schema == analysis_schema()
    assert tuple(table.column_names) == COLUMNS
    assert table.num_rows == len(texts)
    rows = table.to_pylist()
    assert [r["sentiment_label"] for r in rows][:4] == ["positive", "neutral", "neutral", "negative"]
    assert [r["language"] for r in rows] == ["fr", "unknown", "unknown", "unknown", "other", "unknown"]
    for r in rows:
        assert -1 <= r["sentiment"] <= 1 and not math.isnan(r["sentiment"])
        assert r["sentiment_label"] in ("negative", "neutral", "positive")
        for a in r["aspects"]:
            assert set(a) == {"aspect", "polarity", "score"} and -1 <= a["score"] <= 1


def test_rows_keep_the_input_order_and_batches_agree(analyzer):
    texts = ["Excellent !", "Nul.", "Bof", "Great", "Awful"] * 3
    one_by_one = [analyzer.analyze_rows([t])[0] for t in texts]
    assert analyzer.analyze_rows(texts) == one_by_one


def test_analyze_takes_any_sequence_but_not_a_bare_string(analyzer):
    import numpy as np
    import pandas as pd

    assert analyzer.analyze(("Top", "Nul")).num_rows == 2
    series = pd.Series(["Top", np.nan, None, "Nul"])
    assert analyzer.analyze(series).column("sentiment_label").to_pylist() == [
        "positive", "neutral", "neutral", "negative"]
    assert analyzer.analyze(np.array(["Top", "Nul"], dtype=object)).num_rows == 2
    assert analyzer.analyze([]).num_rows == 0
    with pytest.raises(TypeError, match=r"analyze\(\[text\]\)"):
        analyzer.analyze("Top")


def test_version_is_stable_and_names_the_options():
    a, b = BuiltinAnalyzer(), BuiltinAnalyzer()
    assert a.version == b.version and a.version.startswith("builtin-")
    assert BuiltinAnalyzer(language="fr").version != a.version
    assert BuiltinAnalyzer(neutral_threshold=0.2).version != a.version
    assert repr(a) == f"BuiltinAnalyzer(version={a.version!r})"


def test_forced_language_uses_one_lexicon():
    # "pas" means nothing in English: forced to English, the French negation is not seen
    text = "Pas bon"
    assert BuiltinAnalyzer(language="fr").analyze_rows([text])[0]["sentiment_label"] == "negative"
    assert BuiltinAnalyzer(language="en").analyze_rows([text])[0]["language"] == "fr"


def test_bad_parameters_say_what_to_do():
    with pytest.raises(ValueError, match="'auto', 'fr' or 'en'"):
        BuiltinAnalyzer(language="de").analyze(["x"])
    with pytest.raises(ValueError, match=r"neutral_threshold"):
        BuiltinAnalyzer(neutral_threshold=2).analyze(["x"])


def test_builtin_is_a_text_analyzer():
    assert isinstance(BuiltinAnalyzer(), TextAnalyzer)

    class Constant(TextAnalyzer):
        version = "constant-1"

        def analyze(self, texts):
            return pa.table({"language": ["unknown"] * len(texts)})

    assert Constant().analyze(["a"]).num_rows == 1
    with pytest.raises(TypeError):
        TextAnalyzer()  # abstract


def test_speed_regression(analyzer):
    """>= 2,000 review-length texts per second of CPU time (the bar is 5,000; see the benchmark)."""
    base = [
        ("Livraison rapide et soignée, le produit correspond à la description. Je recommande ce vendeur "
         "sans hésiter, même si le prix est un peu élevé."),
        ("The package arrived two days late and the box was damaged, but customer service was quick to "
         "send a replacement. Overall I'm happy with the purchase 👍"),
        "Très déçue : l'application plante à chaque mise à jour et personne ne répond au service client.",
        "Great sound quality for the price, easy to set up, but the app keeps disconnecting. 4/5",
    ]
    texts = [f"{t} #{i}" for i, t in enumerate(base * 1250)]
    analyzer.analyze(texts[:50])
    t0 = time.process_time()
    analyzer.analyze(texts)
    rate = len(texts) / max(time.process_time() - t0, 1e-9)
    assert rate >= 2000, f"{rate:.0f} texts/s"
