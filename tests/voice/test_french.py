"""French rules of the built-in analyzer: the shipped word list, elided phrase ends, stated
expectations, rhetorical negation, review idioms, inflections, and a held-out set of verbatims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcours.voice import BuiltinAnalyzer
from parcours.voice.text.lexicon import F_NE, F_OP, compile_lexicon, read_external

HELDOUT = Path(__file__).parent.parent / "data" / "sentiment_fr_heldout.jsonl"


@pytest.fixture(scope="module")
def analyzer() -> BuiltinAnalyzer:
    return BuiltinAnalyzer(language="fr")


def score(analyzer: BuiltinAnalyzer, text: str) -> float:
    return analyzer.analyze_rows([text])[0]["sentiment"]


def test_shipped_word_list_is_read_and_ranks_under_the_hand_written_lexicon():
    rows = dict(read_external("fr_vader.tsv.gz"))
    assert len(rows) > 8000
    lex = compile_lexicon("fr")
    # a word only the shipped list knows comes in, scaled to the -3..3 scale
    fallback = [w for w in ("ignominie", "bienveillance", "traumatisant") if w in rows]
    assert fallback, "expected everyday words in the shipped list"
    for w in fallback:
        assert lex[w].flags & F_OP and lex[w].val == pytest.approx(0.75 * rows[w], abs=1e-3)
    # a word the hand-written lexicon knows keeps its hand-written valence
    assert lex["decu"].val == -2.0 and rows["déçu"] != -2.0 / 0.75
    # mistranslations are left out: "roman" is a novel, not a romance
    assert "roman" in rows and "roman" not in lex


def test_missing_data_file_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="nope.tsv.gz"):
        read_external("nope.tsv.gz")


def test_forms_ending_with_an_elision_match(analyzer):
    lex = compile_lexicon("fr")
    assert lex["n'"].flags & F_NE
    # "personne n'": the negator reaches the opinion that follows
    assert score(analyzer, "Personne n'a été aimable.") < 0
    # "ne ... plus" needs the "n'" before it
    assert score(analyzer, "Il n'est plus fiable.") < 0


@pytest.mark.parametrize("text", [
    "Je m'attendais à un excellent service, j'ai été servie d'indifférence.",
    "J'étais persuadée que ce serait génial, quelle erreur.",
    "Je pensais passer un bon moment, il n'en fut rien.",
])
def test_a_stated_expectation_announces_a_disappointment(analyzer, text):
    assert score(analyzer, text) < 0


def test_an_expectation_met_stays_positive(analyzer):
    assert score(analyzer, "Je pensais que ce serait compliqué, finalement c'est très simple et efficace.") > 0


def test_rhetorical_negation_does_not_negate(analyzer):
    assert score(analyzer, "Quelle n'a pas été ma déception en ouvrant le colis.") < 0
    assert score(analyzer, "Quelle ne fut pas ma surprise : tout fonctionnait parfaitement.") > 0
    assert score(analyzer, "Sans aucun doute le meilleur achat de l'année.") > 0


@pytest.mark.parametrize(("text", "positive"), [
    ("Le service laisse à désirer.", False),
    ("La qualité laisse vraiment à désirer.", False),
    ("C'est joli mais ça ne sert à rien.", False),
    ("Merci pour rien.", False),
    ("Je déconseille ce vendeur.", False),
    ("On a été très mal reçus.", False),
    ("Ça ne vaut pas son prix.", False),
    ("Il fait le job.", True),
    ("Nous reviendrons sans hésiter.", True),
    ("Nous ne reviendrons pas.", False),
])
def test_review_idioms(analyzer, text, positive):
    assert (score(analyzer, text) > 0) is positive


def test_held_out_verbatims():
    """242 verbatims written for parcours (10 domains), never used to write the lexicon."""
    rows = [json.loads(line) for line in HELDOUT.read_text("utf-8").splitlines() if line.strip()]
    assert len(rows) >= 200 and {r["label"] for r in rows} == {"positive", "negative"}
    res = BuiltinAnalyzer().analyze_rows([r["text"] for r in rows])
    hits = {"positive": [], "negative": []}
    for r, got in zip(rows, res):
        hits[r["label"]].append((got["sentiment"] > 0) == (r["label"] == "positive"))
        assert got["language"] == "fr", r["text"]
    balanced = (sum(hits["positive"]) / len(hits["positive"]) + sum(hits["negative"]) / len(hits["negative"])) / 2
    assert balanced >= 0.90, balanced


def test_inflected_forms_take_their_lemma_meaning():
    lex = compile_lexicon("fr")
    # forms the lexicon does not spell come from the lemma; spelled forms keep their own entry
    from parcours.voice.text import lexicon as lexicon_module, lexicon_fr

    plain = lexicon_module._Builder()
    plain.opinions(lexicon_fr.OPINIONS, "lexicon_fr")  # no inflection: what the lexicon spells
    for form, lemma in (("ennuyait", "ennuyer"), ("gachent", "gacher"), ("deconseillera", "deconseiller"),
                        ("appreciant", "apprecier")):
        assert form not in plain.lex and lemma in plain.lex
        assert lex[form].val == lex[lemma].val != 0
    # a spelled form keeps its own entry even where an inflection would give another one
    assert lex["genial"].val == 3.0
    assert BuiltinAnalyzer(language="fr").analyze_rows(["Des employées désagréables et grossières."])[0][
        "sentiment"] < 0


@pytest.mark.parametrize(("text", "positive"), [
    ("Malgré les bons avis, je suis déçue.", False),
    ("Malgré les mauvais avis, j'ai été agréablement surpris.", True),
    ("Rien à voir avec les mauvais avis, c'est top.", True),
    ("Je n'aime pas ce modèle, je sais que beaucoup aiment.", False),
])
def test_what_others_think_is_not_the_writer_opinion(analyzer, text, positive):
    assert (score(analyzer, text) > 0) is positive


@pytest.mark.parametrize(("text", "positive"), [
    ("Je n'ai jamais été aussi bien reçu.", True),          # "jamais ... aussi": a superlative
    ("Je n'ai jamais vu un service aussi nul.", False),
    ("Je n'ai que des compliments à faire.", True),         # "ne ... que": only
    ("Je n'ai eu que des problèmes.", False),
    ("Pas le moindre souci.", True),
    ("Pas que du bon dans ce magasin.", False),
    ("Le vendeur n'a absolument rien fait pour m'aider.", False),
    ("Je ne suis pas du tout satisfait de la qualité.", False),
    ("Vendeur peu aimable.", False),
    ("Je suis loin d'être satisfaite.", False),
    ("Personne ne m'a déçu.", True),
    ("Ils n'ont jamais failli.", True),
])
def test_negation_scope(analyzer, text, positive):
    assert (score(analyzer, text) > 0) is positive


def test_words_naming_the_world_are_not_judgements(analyzer):
    rows = dict(read_external("fr_vader.tsv.gz"))
    lex = compile_lexicon("fr")
    for w in ("guerre", "tueur", "maladie"):
        assert rows[w] < -1 and w not in lex  # strongly negative in the shipped list, left out
    assert score(analyzer, "Un roman sur la guerre, la maladie et un tueur en série.") == 0
    assert score(analyzer, "Un roman sur la guerre, magnifiquement écrit.") > 0
    assert score(analyzer, "Un plaisir coupable.") > 0


@pytest.mark.parametrize(("text", "positive"), [
    ("Ça promettait une belle soirée, le service a tout gâché.", False),   # an unmet promise
    ("J'avais vraiment hâte de tester ce restaurant, quelle déception.", False),
    ("Autant d'habitude je suis ravie, autant cette fois c'est raté.", False),  # autant ... autant
    ("Je me suis fait suer pendant tout le film.", False),
])
def test_unmet_promises_and_contrast(analyzer, text, positive):
    assert (score(analyzer, text) > 0) is positive


def test_fallback_list_does_not_vote_for_french():
    from parcours.voice.text.language import detect_language

    # "fun" and "no" are in the French fallback list (loanwords) and must not make these French
    assert [detect_language(t) for t in ("Fun", "No YouTube")] == ["en", "en"]
    assert detect_language("Service client inexistant, honteux") == "fr"


@pytest.mark.parametrize(("text", "positive"), [
    ("Le jeu en vaut la chandelle.", True),
    ("Le jeu n'en vaut pas la chandelle.", False),
    ("Au-delà de mes attentes.", True),
    ("Pas à la hauteur de mes attentes.", False),
    ("Ça fait le taf.", True),
    ("Ça ne fait pas le taf.", False),
    ("On nous prend pour des pigeons.", False),
])
def test_more_idioms(analyzer, text, positive):
    assert (score(analyzer, text) > 0) is positive


@pytest.mark.parametrize(("text", "positive"), [
    # a verb of opinion under negation carries it to the end of its clause
    ("Je n'ai pas trouvé le personnel particulièrement aimable.", False),
    ("Je ne pense pas que ce soit un bon choix.", False),
    ("Je ne dirais pas que le service était excellent.", False),
    ("Je n'ai pas eu l'impression d'être bien accueilli.", False),
    # ... and no further than the clause
    ("Je n'ai pas trouvé de défaut, tout est excellent.", True),
    # an expectation exceeded asserts what follows
    ("Je ne pensais pas que ce serait aussi bien.", True),
    # "pas que" alone is "not only"
    ("Il n'y a pas que le prix qui est bien.", True),
])
def test_negated_verbs_of_opinion(analyzer, text, positive):
    assert (score(analyzer, text) > 0) is positive
