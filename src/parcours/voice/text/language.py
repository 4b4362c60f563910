"""Language detection for French, English and the rest, without any dependency.

Counts the function words (articles, pronouns, auxiliaries, conjunctions) that only one language
uses, over the same tokens the analyzer reads; short texts fall back to the opinion words that only
one of the two lexicons knows ("parfait", "great"). Returns ``"fr"``, ``"en"``, ``"other"`` (a
text in another language or script) or ``"unknown"`` (empty, no letters, or too little to tell).

>>> detect_language("Livraison rapide, je recommande")
'fr'
>>> detect_language("Fast shipping, would buy again")
'en'
>>> detect_language("Produto chegou antes do prazo, muito bom")
'other'
>>> [detect_language(t) for t in ("", None, "12345", "Parfait !", "Awesome!")]
['unknown', 'unknown', 'unknown', 'fr', 'en']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from parcours.voice.text.lexicon import F_FALLBACK
from parcours.voice.text.normalize import tokenize

__all__ = ["LANGUAGES", "detect_language", "detect_languages", "language_of_tokens"]

LANGUAGES = ("fr", "en", "other", "unknown")

_FR = """le les des du est et un une pour pas qui dans ce cette cet il ils elle elles je j' ne n' sur
avec au aux c' d' l' qu' s' m' t' ses nous vous leur leurs tres ete etait etaient ai avons avez ont
sont etre fait comme aussi mon mes ton tes ca cela ceci donc car alors peu trop chez sans meme
encore deja apres avant rien jamais toujours quand beaucoup bien tout tous toute toutes ces notre
votre vos nos lui eux suis avait sera aurait peut faut quoi voila ici oui merci vraiment chaque
quelque depuis pendant ainsi autre autres moi toi puis parce lorsque tellement assez plutot
jusqu' lorsqu' puisqu' quelques aucun aucune ni chose fois rapide livraison produit qualite
j'ai c'est n'est d'un d'une qu'il l'on jai cest"""
_EN = """the and is it this that was for with of to in my i you have has had are be not but so very
just at as they we he she its it's i'm don't can't would will from or an all one were been being
what which who when there their them than then these those our your his her him me us do does did
doesn't didn't isn't wasn't won't couldn't wouldn't should could can if about because really
only also into after before over under out up down off again more most other some such no nor
too very same any each few how why where here both between through during while until
dont doesnt didnt isnt wasnt wont cant im ive i've you're they're we're it'll i'll great love
works product bought on"""
# Function words of other languages that French and English do not use.
_OTHER = """el los las del por con para una muy pero esta este fue todo nada tambien como mas
o os um uma nao muito foi mas sem ao dos das no na meu minha chegou ainda ate bem produto entrega
prazo recebi veio otimo excelente bom compra loja
der die das und ist nicht ich ein eine mit zu auf fur sehr auch wir den dem von sich aber noch war
gut
il lo gli della di che non per sono molto anche ma questo mi ho ha
het een niet van ik dat voor zijn maar ook heel goed
"""


def _table() -> dict[str, str]:
    fr, en, other = (set(tokenize(x.replace("\n", " "))) for x in (_FR, _EN, _OTHER))
    marks: dict[str, str] = {}
    for words, lang in ((fr, "fr"), (en, "en"), (other, "other")):
        for w in words:
            marks[w] = "ambiguous" if w in marks and marks[w] != lang else lang
    return {w: lang for w, lang in marks.items() if lang != "ambiguous"}


_MARKS = _table()
_NON_LATIN = re.compile(r"[^\W\d_a-z]")  # a letter left after folding that is not a-z


def _lexicon_votes(tokens: list[str]) -> tuple[int, int]:
    from parcours.voice.text.lexicon import compile_lexicon

    fr, en = compile_lexicon("fr"), compile_lexicon("en")
    # the shipped general word lists hold loanwords ("cool", "excitement"): only the hand-written
    # entries vote
    in_fr = [(e := fr.get(t)) is not None and not e.flags & F_FALLBACK for t in tokens]
    in_en = [(e := en.get(t)) is not None and not e.flags & F_FALLBACK for t in tokens]
    return sum(a and not b for a, b in zip(in_fr, in_en)), sum(b and not a for a, b in zip(in_fr, in_en))


def language_of_tokens(tokens: list[str], text: str) -> str:
    """The language of a text already cut into ``tokens`` (the analyzer's path, one tokenisation).

    >>> language_of_tokens(tokenize("c'est top"), "c'est top")
    'fr'
    """
    if not tokens:
        return "unknown"
    c = Counter(map(_MARKS.get, tokens))
    fr, en, other = c["fr"], c["en"], c["other"]
    if fr == en == other == 0:
        letters = [t for t in tokens if t[:1].isalpha()]
        if not letters:
            return "unknown"
        non_latin = sum(1 for t in letters if _NON_LATIN.search(t))
        if non_latin * 2 > len(letters):
            return "other"
        fr, en = _lexicon_votes(letters)
        if fr > en:
            return "fr"
        if en > fr:
            return "en"
        return "unknown"
    if other > fr and other > en:
        return "other"
    if fr > en:
        return "fr"
    if en > fr:
        return "en"
    fr_l, en_l = _lexicon_votes(tokens)
    if fr_l != en_l:
        return "fr" if fr_l > en_l else "en"
    return "fr" if re.search(r"[éèêàçùâîôû]", text, re.IGNORECASE) else "unknown"


def detect_language(text: str | None) -> str:
    """``"fr"``, ``"en"``, ``"other"`` or ``"unknown"`` for one text (see the module docstring)."""
    if not isinstance(text, str):
        return "unknown"
    return language_of_tokens(tokenize(text), text)


def detect_languages(texts: Iterable[str | None]) -> list[str]:
    """:func:`detect_language` over many texts.

    >>> detect_languages(["Très déçu", "Very disappointed", None])
    ['fr', 'en', 'unknown']
    """
    return [detect_language(t) for t in texts]
