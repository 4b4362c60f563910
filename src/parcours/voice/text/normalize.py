"""Text normalisation and tokenisation shared by the lexicons and the analyzer.

One pass of C-level string methods (``lower``, ``translate``) folds case, accents, typographic
apostrophes and control characters, so that "Très", "tres" and "TRES" are the same token, then
one compiled regular expression cuts the text into words, French elisions (``l'``, ``qu'``),
ratings (``4/5``), emoticons, emoji and the punctuation the analyzer needs.

>>> tokenize("L'attente était TRÈS longue… :( mais l’équipe, top 👍 4/5")
["l'", 'attente', 'etait', 'tres', 'longue', '.', ':(', 'mais', "l'", 'equipe', ',', 'top', '👍', '4/5']
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "tokenize", "tokenize_flagged"]


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Latin letters with diacritics -> base letters (é -> e, ç -> c, œ -> oe, ß -> ss).
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        if not ch.isalpha():
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base != ch and base.isascii():
            table[cp] = base.lower()
    table.update({ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae", ord("ß"): "ss",
                  ord("ø"): "o", ord("Ø"): "o", ord("đ"): "d", ord("ł"): "l", ord("ı"): "i"})
    # Apostrophes and primes -> '; dashes -> -; ellipsis -> '.'; non-breaking spaces -> ' '.
    for ch in "’‘‛ʼʻ`´′＇":
        table[ord(ch)] = "'"
    for ch in "‐‑‒–—―−":
        table[ord(ch)] = "-"
    table[ord("…")] = "."
    for ch in "\u00a0\u2007\u202f\u2009\u200a\u3000\t\x0b\x0c":
        table[ord(ch)] = " "
    for ch in "\u200b\u200c\u200d\u2060\ufeff\ufe0f\ufe0e\u00ad":  # zero-width characters, selectors
        table[ord(ch)] = ""
    for cp in range(0x1F3FB, 0x1F400):  # skin-tone modifiers
        table[cp] = ""
    # Control characters -> space, except line breaks (sentence boundaries).
    for cp in list(range(32)) + list(range(0x7F, 0xA0)):
        table[cp] = " "
    table[ord("\n")] = "\n"
    table[ord("\r")] = "\n"
    table[0x2028] = "\n"
    table[0x2029] = "\n"
    return table


_TABLE = _build_table()


def normalize(text: str) -> str:
    """Lower-case ``text`` and fold accents, apostrophes and control characters.

    >>> normalize("Déçue\u00a0: l’équipe n’a RIEN fait")
    "decue : l'equipe n'a rien fait"
    """
    return text.lower().translate(_TABLE)


_EMOJI = (
    "\U0001F300-\U0001F5FF\U0001F600-\U0001F64F\U0001F680-\U0001F6FF\U0001F900-\U0001F9FF"
    "\U0001FA70-\U0001FAFF\u2600-\u27BF\u2B50\u2B55\u2B06\u2B07\u2B1B\u2B1C"
)
# Emoticons stand alone (whitespace or start before, whitespace, punctuation or end after), so
# that "http://" or "10:30" never yield one. Lower-cased: ":D" is ":d", "XD" is "xd".
_EMOTICON = (
    r"(?<!\S)(?:>?[:;=8][-'^o]?[)(\]\[dp/\\|*3@o]+|[)(\]\[/\\|]+-?[:;=]|d:|xd+|<3+|</3|\^_*\^|-_-|o_o)"
    r"(?=\s|$|[!?.,])"
)
_TOKEN_RE = re.compile(
    "|".join([
        # French elisions at the start of a word: l'avis -> l' + avis, qu'il -> qu' + il.
        r"(?<![^\W_])(?:jusqu|lorsqu|puisqu|quoiqu|presqu|qu|[cdjlmnst])'(?=[^\W\d_])",
        # Ratings such as 4/5, 8.5/10, 0/20.
        r"\d+(?:[.,]\d+)?/(?:5|10|20|100)\b",
        # Words, with an inner apostrophe (don't, aujourd'hui) and digits; "xD" is a word too.
        r"[^\W_]+(?:'[^\W\d_]+)?",
        _EMOTICON,
        f"[{_EMOJI}]",
        r"[!?.;,:()\[\]\n]",
    ])
)
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
_TRIPLE = re.compile(r"(.)\1\1")  # cheap pre-check for _ELONGATED


def tokenize(text: str) -> list[str]:
    """Normalise ``text`` and cut it into tokens (see the module docstring).

    Letters repeated three times or more are shortened to two ("sooo" -> "soo"); the analyzer
    resolves what remains against its lexicon.

    >>> tokenize("Je n'ai PAS aimé, c'est nuuul!!")
    ['je', "n'", 'ai', 'pas', 'aime', ',', "c'", 'est', 'nuul', '!', '!']
    """
    t = text.lower().translate(_TABLE)
    if _TRIPLE.search(t) is not None:
        t = _ELONGATED.sub(r"\1\1", t)
    return _TOKEN_RE.findall(t)


def tokenize_flagged(text: str) -> tuple[list[str], bool]:
    """:func:`tokenize`, and whether the text had elongated words ("sooo", "nuuul").

    >>> tokenize_flagged("gooood")
    (['good'], True)
    """
    t = text.lower().translate(_TABLE)
    if _TRIPLE.search(t) is None:
        return _TOKEN_RE.findall(t), False
    t2 = _ELONGATED.sub(r"\1\1", t)
    return _TOKEN_RE.findall(t2), t2 != t
