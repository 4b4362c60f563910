"""Compile the hand-written lexicons (``lexicon_fr``, ``lexicon_en``, ``lexicon_common``) into
one token -> :class:`Entry` dictionary per language.

The lexicons are plain text so that they read (and diff) like word lists. One opinion per line::

    forms: valence[/negated valence] [emotion ...] [@aspect]

- ``forms``: alternatives separated by ``|``; ``stem(a,b,)`` expands to ``stema|stemb|stem``;
  several words make a phrase, matched longest first (``pas mal``, ``waste of money``).
- ``valence``: from -3 (very negative) to +3 (very positive).
- ``negated valence``: what the words mean under negation when the default rule is wrong
  (default: x -0.75 for a positive word, x -0.5 for a negative one): ``recommande: 2.5/-2.5``.
- ``emotion``: any of joy, trust, surprise, anger, sadness, fear, disgust.
- ``@aspect``: the CX aspect the word implies on its own ("overpriced" is about price);
  ``@aspect?`` only when no aspect is named in the same clause ("never received").

Keys are normalised with :func:`~parcours.voice.text.normalize.normalize`, so accents and case
never matter ("déçu" also matches "decu" and "DÉÇU").

>>> lex = compile_lexicon("fr")
>>> lex["decu"].val, lex["decu"].emotions
(-2.0, ((4, 1.0),))
>>> [(rest, e.val) for rest, e in lex["pas"].phrases if rest == ["mal"]]
[(['mal'], 1.5)]
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

from parcours.voice.text.normalize import tokenize

__all__ = ["ASPECTS", "EMOTIONS", "Entry", "compile_lexicon", "lexicon_digest", "read_external"]

EMOTIONS = ("joy", "trust", "surprise", "anger", "sadness", "fear", "disgust")
ASPECTS = ("delivery", "price", "product_quality", "staff", "customer_service", "waiting_time",
           "billing", "website_app", "returns", "store")
_EMO_INDEX = {name: i for i, name in enumerate(EMOTIONS)}

# Entry flags: what a token does besides carrying a valence.
F_OP = 1 << 0          # an opinion word (valence, negated valence or emotion)
F_NEG = 1 << 1         # forward negator: not, never, sans, ni
F_NE = 1 << 2          # French "ne": negates once its second part (pas, plus, jamais) follows
F_NEG2 = 1 << 3        # second part of the French negation (pas, jamais, rien, aucun)
F_NEEDS_NE = 1 << 4    # a second part that negates only after "ne" (plus, personne, point)
F_ONLY = 1 << 5        # "ne ... que" means "only": cancels a pending "ne"
F_INT = 1 << 6         # intensifier / diminisher (factor)
F_BUT = 1 << 7         # contrast: what comes before counts less (mais, but, however)
F_THO = 1 << 8         # concession: the clause it opens counts less (although, malgré)
F_CONCL = 1 << 9       # conclusion: the rest of the sentence counts more (overall, bref)
F_SENT = 1 << 10       # sentence boundary
F_SUB = 1 << 11        # clause boundary (comma, colon, and, or)
F_EXCL = 1 << 12       # exclamation mark(s)
F_TOO = 1 << 13        # too / trop
F_DIM = 1 << 14        # neutral dimension adjective, negative after "too" (long, small)
F_EXCEPT = 1 << 15     # except / sauf: the aspect it names goes against the rest
F_PHRASE = 1 << 16     # first token of at least one phrase
F_ASPECT = 1 << 17     # names an aspect (explicit mention)
F_COND = 1 << 18       # valence depends on the aspect it describes (long wait, high price)
F_QUESTION = 1 << 19   # question mark(s)
F_CONJ = 1 << 20       # and / et / or: a lighter clause boundary than a comma
F_HOPE = 1 << 21       # a stated expectation: the clause it opens counts reversed, by half
F_FALLBACK = 1 << 22   # comes from a shipped general word list, not from the hand-written lexicon
F_RAISE = 1 << 23      # verb of opinion (trouver, penser): negated, it negates what it introduces


class Entry:
    """What the analyzer knows about one token or phrase."""

    __slots__ = ("aspect", "cond", "emotions", "factor", "flags", "next", "nval", "phrases", "size", "val",
                 "weak")

    def __init__(self) -> None:
        self.val = 0.0
        self.nval = 0.0
        self.emotions: tuple[tuple[int, float], ...] = ()
        self.aspect: str | None = None
        self.weak = False
        self.cond: dict[str, float] | None = None
        self.factor = 0.0
        self.flags = 0
        self.size = 1  # tokens: more than one for a phrase
        self.phrases: list[tuple[list[str], Entry]] = []
        # phrases indexed by their second token, longest first: {token: [(rest, entry), ...]}
        self.next: dict[str, list[tuple[list[str], Entry]]] = {}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Entry(val={self.val}, nval={self.nval}, flags={self.flags:#x}, aspect={self.aspect})"


_GROUP = re.compile(r"([^\s|()]*)\(([^()]*)\)")


def expand(forms: str) -> list[str]:
    """Expand ``"déçu(,e,s,es)|decevant"`` into its alternatives.

    >>> expand("génia(l,le,ux)|top")
    ['génial', 'géniale', 'géniaux', 'top']
    """
    out: list[str] = []
    for alt in forms.split("|"):
        alt = alt.strip()
        if not alt:
            continue
        variants = [alt]
        while any("(" in v for v in variants):
            nxt = []
            for v in variants:
                m = _GROUP.search(v)
                if m is None:
                    raise ValueError(f"unbalanced parentheses in lexicon forms {alt!r}")
                for suffix in m.group(2).split(","):
                    nxt.append(v[: m.start()] + m.group(1) + suffix.strip() + v[m.end():])
            variants = nxt
        out.extend(variants)
    return out


def _default_nval(val: float) -> float:
    return -0.75 * val if val > 0 else -0.5 * val


class _Builder:
    def __init__(self) -> None:
        self.lex: dict[str, Entry] = {}
        self.inflect: Callable[[str], list[str]] | None = None
        self.lemmas: list[tuple[str, Entry]] = []

    def entry(self, phrase: str) -> Entry:
        toks = tokenize(phrase)
        if phrase.rstrip().endswith(("'", "’")):
            # an elided last word ("n'", "bien qu'") is only cut as such before a letter
            toks = tokenize(phrase.rstrip() + "x")[:-1]
        if not toks:
            raise ValueError(f"lexicon form {phrase!r} has no token")
        if len(toks) == 1:
            return self.lex.setdefault(toks[0], Entry())
        head = self.lex.setdefault(toks[0], Entry())
        head.flags |= F_PHRASE
        for rest, e in head.phrases:
            if rest == toks[1:]:
                return e
        e = Entry()
        e.size = len(toks)
        head.phrases.append((toks[1:], e))
        head.phrases.sort(key=lambda p: -len(p[0]))
        nxt = head.next.setdefault(toks[1], [])
        nxt.append((toks[1:], e))
        nxt.sort(key=lambda p: -len(p[0]))
        return e

    def opinions(self, text: str, where: str) -> None:
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            forms, sep, rest = line.rpartition(":")
            if not sep or not forms.strip():
                raise ValueError(f"{where} line {n}: expected 'forms: valence ...', got {raw!r}")
            parts = rest.split()
            if not parts:
                raise ValueError(f"{where} line {n}: no valence in {raw!r}")
            val_s, _, nval_s = parts[0].partition("/")
            val = float(val_s)
            nval = float(nval_s) if nval_s else _default_nval(val)
            emotions = []
            aspect = None
            weak = False
            for tag in parts[1:]:
                if tag.startswith("@"):
                    weak = tag.endswith("?")
                    aspect = tag[1:].rstrip("?")
                    if aspect not in ASPECTS:
                        raise ValueError(f"{where} line {n}: unknown aspect {tag!r}; known: {ASPECTS}")
                elif tag in _EMO_INDEX:
                    emotions.append((_EMO_INDEX[tag], max(abs(val), 1.0) / 2.0))
                else:
                    raise ValueError(f"{where} line {n}: unknown tag {tag!r}; emotions are {EMOTIONS}")
            for form in expand(forms):
                e = self.entry(form)
                e.flags |= F_OP
                e.val, e.nval, e.emotions = val, nval, tuple(emotions)
                if aspect:
                    e.aspect, e.weak = aspect, weak
                if self.inflect is not None and e.size == 1:
                    self.lemmas.append((form.strip().lower(), e))

    def inflections(self) -> None:
        """Give the inflected forms of the single-word opinions their lemma's meaning.

        Only forms that no entry spells already: a hand-written form always wins, and a form two
        lemmas share goes to the first.
        """
        if self.inflect is None:
            return
        for form, e in self.lemmas:
            for variant in self.inflect(form):
                toks = tokenize(variant)
                if len(toks) != 1 or toks[0] in self.lex:
                    continue
                v = self.lex[toks[0]] = Entry()
                v.flags = F_OP
                v.val, v.nval, v.emotions, v.aspect, v.weak = e.val, e.nval, e.emotions, e.aspect, e.weak
        self.lemmas = []

    def flag(self, words: str, flag: int, factor: float | None = None) -> None:
        for form in expand(words.replace("\n", "|")):
            e = self.entry(form)
            e.flags |= flag
            if factor is not None:
                e.factor = factor

    def intensifiers(self, table: dict[str, float]) -> None:
        for words, factor in table.items():
            self.flag(words, F_INT, factor)

    def aspects(self, table: dict[str, str]) -> None:
        for aspect, words in table.items():
            if aspect not in ASPECTS:
                raise ValueError(f"unknown aspect {aspect!r}; known: {ASPECTS}")
            for form in expand(words.replace("\n", "|")):
                e = self.entry(form)
                e.flags |= F_ASPECT
                e.aspect = aspect

    def conditional(self, table: dict[str, dict[str, float]]) -> None:
        for words, cond in table.items():
            for form in expand(words):
                e = self.entry(form)
                e.flags |= F_COND
                e.cond = dict(cond)

    def external(self, name: str, scale: float, skip: frozenset[str]) -> None:
        """Add a shipped word list (``data/NAME``: ``word<TAB>valence``) under the hand-written entries.

        A word the hand-written lexicon already knows in any role (opinion, negator, aspect, phrase
        head, neutral word) keeps its hand-written meaning; the others take ``scale * valence``.
        Accent-folded duplicates ("pêche", "péché") are averaged.
        """
        sums: dict[str, list[float]] = {}
        for word, val in read_external(name):
            toks = tokenize(word)
            if len(toks) != 1 or toks[0] in self.lex or toks[0] in skip:
                continue
            sums.setdefault(toks[0], []).append(val)
        for tok, vals in sums.items():
            val = round(scale * sum(vals) / len(vals), 3)
            if abs(val) < EXTERNAL_MIN:  # near-neutral entries of a translated list carry no reliable sign
                continue
            e = self.lex.setdefault(tok, Entry())
            e.flags |= F_OP | F_FALLBACK
            e.val, e.nval = val, _default_nval(val)

    def load(self, mod: ModuleType) -> None:
        name = mod.__name__.rsplit(".", 1)[-1]
        self.inflect = getattr(mod, "inflections", None)
        self.opinions(getattr(mod, "OPINIONS", ""), name)
        simple = {"NEGATORS": F_NEG, "NE": F_NE, "NEG_PAIR": F_NEG2, "NEG_PAIR_NE": F_NEG2 | F_NEEDS_NE,
                  "ONLY": F_ONLY, "CONTRAST": F_BUT, "CONCESSION": F_THO, "CONCLUSION": F_CONCL, "EXPECTATION": F_HOPE, "NEG_RAISING": F_RAISE,
                  "CLAUSE": F_SUB, "CONJUNCTION": F_SUB | F_CONJ, "SENTENCE": F_SENT, "EXCEPT": F_EXCEPT, "TOO": F_TOO,
                  "DIMENSION": F_DIM, "EXCLAMATION": F_EXCL | F_SENT, "QUESTION": F_QUESTION | F_SENT,
                  "NEUTRAL": 0}
        for attr, flag in simple.items():
            if hasattr(mod, attr):
                self.flag(getattr(mod, attr), flag)
        if hasattr(mod, "SENTENCE"):  # punctuation that the |-and-() form syntax cannot spell
            self.lex.setdefault("\n", Entry()).flags |= F_SENT
            for bracket in "()[]":
                self.lex.setdefault(bracket, Entry()).flags |= F_SUB
        self.intensifiers(getattr(mod, "INTENSIFIERS", {}))
        self.aspects(getattr(mod, "ASPECT_TERMS", {}))
        self.conditional(getattr(mod, "CONDITIONAL", {}))
        self.inflections()
        for name, scale in getattr(mod, "EXTERNAL", {}).items():
            self.external(name, scale, frozenset(tokenize(" ".join(getattr(mod, "EXTERNAL_SKIP", "").split()))))
        for token, (val, emos) in getattr(mod, "SYMBOLS", {}).items():
            e = self.lex.setdefault(token, Entry())
            e.flags |= F_OP
            e.val, e.nval = float(val), _default_nval(float(val))
            e.emotions = tuple((_EMO_INDEX[x], max(abs(val), 1.0) / 2.0) for x in emos.split())


DATA = Path(__file__).parent / "data"
EXTERNAL_MIN = 0.3  # |scaled valence| below which a shipped word list's entry is left out


@cache
def read_external(name: str) -> tuple[tuple[str, float], ...]:
    """The ``(word, valence)`` rows of the shipped word list ``data/NAME`` (gzip, tab-separated).

    >>> dict(read_external("fr_vader.tsv.gz"))["excellent"]
    2.7
    """
    path = DATA / name
    if not path.is_file():
        raise FileNotFoundError(f"lexicon data file {path} is missing: reinstall parcours")
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            word, sep, val = line.rstrip("\n").partition("\t")
            try:
                rows.append((word, float(val)))
            except ValueError:
                raise ValueError(f"{path} line {n}: expected 'word<TAB>valence', got {line!r}") from None
    return tuple(rows)


def _modules(language: str) -> list[ModuleType]:
    from parcours.voice.text import lexicon_common, lexicon_en, lexicon_fr

    per = {"fr": [lexicon_fr], "en": [lexicon_en], "mixed": [lexicon_fr, lexicon_en]}
    if language not in per:
        raise ValueError(f"language must be one of 'fr', 'en', 'mixed'; got {language!r}")
    return [lexicon_common, *per[language]]


@cache
def compile_lexicon(language: str) -> dict[str, Entry]:
    """The token -> :class:`Entry` dictionary of ``language`` ("fr", "en" or "mixed").

    "mixed" (for text in neither language) holds both, English last.
    """
    b = _Builder()
    for mod in _modules(language):
        b.load(mod)
    return b.lex


@cache
def lexicon_digest() -> str:
    """A short hash of every lexicon's source: part of the analyzer's ``version``.

    >>> len(lexicon_digest())
    10
    """
    h = hashlib.sha256()
    for mod in _modules("mixed"):
        for attr in sorted(vars(mod)):
            if attr.isupper():
                h.update(f"{attr}={getattr(mod, attr)!r}".encode())
        for name in getattr(mod, "EXTERNAL", {}):
            h.update((DATA / name).read_bytes())
    return h.hexdigest()[:10]
