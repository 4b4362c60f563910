"""The hand-written lexicons compile, read as intended, and stay within their conventions."""

from __future__ import annotations

import re

import pytest

from parcours.voice.text import lexicon_common, lexicon_en, lexicon_fr
from parcours.voice.text.lexicon import (
    ASPECTS,
    F_ASPECT,
    F_NEG,
    F_OP,
    compile_lexicon,
    expand,
    lexicon_digest,
)
from parcours.voice.text.normalize import normalize, tokenize


@pytest.mark.parametrize("lang", ["fr", "en", "mixed"])
def test_compiles_with_sane_values(lang):
    lex = compile_lexicon(lang)
    assert len(lex) > 1500
    for key, e in lex.items():
        assert key == key.lower() and normalize(key) == key, key
        assert -3 <= e.val <= 3 and -3 <= e.nval <= 3, key
        assert e.aspect is None or e.aspect in ASPECTS, key
        for rest, pe in e.phrases:
            assert rest and -3 <= pe.val <= 3


def test_every_form_is_what_it_spells():
    """A form that loses characters in tokenisation ("a+", "100%") would silently become another word."""
    for mod in (lexicon_fr, lexicon_en, lexicon_common):
        for line in mod.OPINIONS.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            for form in expand(line.rpartition(":")[0]):
                toks = tokenize(form)
                spelled = re.sub(r"[\s\-]+", " ", normalize(form)).strip()
                assert " ".join(toks).replace("' ", "'") == spelled.replace("' ", "'"), (mod.__name__, form, toks)


def test_known_entries():
    fr, en = compile_lexicon("fr"), compile_lexicon("en")
    assert fr["decu"].val < 0 and fr["genial"].val > 0 and fr["pas"].flags and fr["sans"].flags & F_NEG
    assert en["great"].val > 0 and en["terrible"].val < 0 and en["not"].flags & F_NEG
    assert fr["livraison"].flags & F_ASPECT and fr["livraison"].aspect == "delivery"
    assert en["overpriced"].flags & F_OP and en["overpriced"].aspect == "price"
    assert compile_lexicon("mixed")["great"].val == en["great"].val


def test_book_and_delivered_do_not_collide():
    """Accents are folded: "livré" (delivered) would become "livre" (book): only phrases use it."""
    e = compile_lexicon("fr")["livre"]
    assert e.aspect is None and e.val == 0 and all(len(rest) >= 1 for rest, _ in e.phrases)


def test_expand():
    assert expand("déçu(,e,s,es)") == ["déçu", "déçue", "déçus", "déçues"]
    assert expand("génia(l,le,ux)|top") == ["génial", "géniale", "géniaux", "top"]
    with pytest.raises(ValueError, match="unbalanced"):
        expand("bon(,ne")


def test_digest_is_stable():
    assert lexicon_digest() == lexicon_digest() and re.fullmatch(r"[0-9a-f]{10}", lexicon_digest())


def test_unknown_language():
    with pytest.raises(ValueError, match="'fr', 'en', 'mixed'"):
        compile_lexicon("de")
