"""The built-in text analyzer: French and English lexicons with rules, offline, no model.

Why rules and not a model fitted on reviews: a model learns one corpus' vocabulary (books, smart
speakers) and loses most of its accuracy on the next one, whereas opinion words with negation
("pas terrible", "not bad"), intensifiers, elision, contrast ("mais", "however", "although") and
emoji carry over to any customer text. The rules, in the order the analyzer applies them:

- tokens: accents and case folded, French elisions split (``l'``, ``qu'``), emoji and emoticons
  kept, ratings (``4/5``) scored, elongated words ("sooo", "nuuul") resolved;
- language: French, English, or another one (both lexicons are then used);
- negation: forward for "not", "never", "sans", "jamais" (3 tokens, within the clause); the French
  "ne ... pas" pair negates what lies between and after; "j'aime pas" negates the verb before;
  a negated word takes its negated valence ("recommande" 2.5 -> -2.5, "mauvais" -2 -> +1); a negated
  verb of opinion ("je n'ai pas trouvé ... aimable", "je ne pense pas que ...") negates the rest of
  its clause;
- intensifiers and diminishers ("très", "un peu", "extremely", "less") scale the next opinion;
  "trop"/"too" makes a neutral dimension negative ("trop long");
- contrast: before "mais"/"but"/"however" counts half, after it 1.5 times; a concession clause
  ("bien que", "although", "despite") counts half; "bref", "overall" weigh the verdict more;
- a stated expectation ("je m'attendais à un excellent service", "ça promettait", "j'avais hâte")
  announces a disappointment: the opinions of the clause it opens count reversed, by half;
- words: the hand-written lexicons (with the inflected forms of their French words, generated when
  compiled), then, for French, a shipped general word list for the words they do not know (see
  ``data/README.md``), without the words that name the world rather than judge it ("guerre",
  "amour": a novel about a war is not a bad novel); what others think ("les bons avis") is not
  the writer's opinion;
- aspects: each opinion goes to the nearest aspect named in its clause ("la livraison était en
  retard mais le vendeur adorable" -> delivery negative, staff positive), or to the aspect the word
  implies ("trop cher" -> price); "sauf"/"except" turns the aspect it names against the rest;
- negative valences weigh 1.5 times the positive ones (reviews praise in passing before they
  complain, rarely the reverse: this helps on every corpus tried, in both languages);
- the sum of the weighted valences ``s`` gives ``sentiment = s / sqrt(s² + 6)``, in [-1, 1]; each
  emotion is ``1 - exp(-weight)`` over the words and emoji that carry it (a negated joy word counts
  as a little sadness, a negated trust word as a little disgust, after Plutchik's opposites).

>>> a = BuiltinAnalyzer()
>>> row = a.analyze(["La livraison était en retard mais le vendeur adorable"]).to_pylist()[0]
>>> row["language"], row["sentiment_label"]
('fr', 'positive')
>>> [(x["aspect"], x["polarity"]) for x in row["aspects"]]
[('delivery', 'negative'), ('staff', 'positive')]
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parcours.voice.text.base import EMOTIONS, TextAnalyzer, analysis_schema
from parcours.voice.text.language import language_of_tokens
from parcours.voice.text.lexicon import (
    F_ASPECT,
    F_BUT,
    F_CONCL,
    F_COND,
    F_CONJ,
    F_DIM,
    F_EXCEPT,
    F_EXCL,
    F_HOPE,
    F_INT,
    F_NE,
    F_NEEDS_NE,
    F_NEG,
    F_NEG2,
    F_ONLY,
    F_OP,
    F_PHRASE,
    F_RAISE,
    F_SENT,
    F_SUB,
    F_THO,
    F_TOO,
    Entry,
    compile_lexicon,
    lexicon_digest,
)
from parcours.voice.text.normalize import tokenize_flagged

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BuiltinAnalyzer"]

ALGORITHM = "1.1"        # part of ``version``: bump it whenever a rule or a constant changes
NEG_WINDOW = 3          # tokens a forward negator reaches
INT_WINDOW = 2          # tokens an intensifier reaches
ALPHA = 6.0             # sentiment = s / sqrt(s² + ALPHA)
ASPECT_THRESHOLD = 0.3  # |aspect sum| below this is neutral
SUB_PENALTY = 3         # distance added per comma between an opinion and an aspect ("and": 1)
NEG_WEIGHT = 1.5        # negativity bias: praise is common in negative reviews, not the reverse
_BOUNDARY = F_SENT | F_SUB | F_BUT | F_THO | F_EXCEPT | F_CONCL | F_HOPE
HOPE_WEIGHT = -0.5      # an opinion inside a stated expectation ("je m'attendais à un excellent ...")
_SADNESS, _DISGUST = EMOTIONS.index("sadness"), EMOTIONS.index("disgust")
_NEGATED_EMOTION = {EMOTIONS.index("joy"): _SADNESS, EMOTIONS.index("trust"): _DISGUST}
# "l'attente en caisse", "the queue at the tills": an aspect after a preposition qualifies the one
# before it and takes no opinion of its own.
_PREPOSITIONS = frozenset([
    "de", "du", "des", "d'", "en", "a", "au", "aux", "pour", "sur", "par", "dans", "chez",
    "of", "in", "at", "on", "for", "with", "from", "by",
])
_ARTICLES = frozenset([
    "la", "le", "les", "l'", "un", "une", "ce", "cette", "ces", "mon", "ma", "mes", "son", "sa", "ses",
    "the", "a", "an", "my", "our", "their", "this", "that",
])
_DOUBLE = re.compile(r"([^\W\d_])\1")

# Op fields (a list per opinion occurrence, mutated by retro-negation and contrast).
_I, _E, _NEGD, _MUL, _W, _SEG, _SUB, _VAL = range(8)


def _neg_value(e: Entry, val: float) -> float:
    if val == e.val:
        return e.nval
    return -0.75 * val if val > 0 else -0.5 * val


def _nearest(by_seg: dict[int, tuple[list[int], list[list[Any]]]], i: int, sg: int,
             sb: int) -> list[Any] | None:
    """The aspect mention closest to token ``i`` in segment ``sg`` (clause boundaries count extra)."""
    found = by_seg.get(sg)
    if found is None:
        return None
    positions, ms = found
    k = bisect_left(positions, i)
    best, nearest = 1 << 30, None
    j = k - 1
    while j >= 0 and i - positions[j] < best:  # left first: ties go to the mention on the left
        m = ms[j]
        d = i - m[0] + abs(sb - m[3])
        if d < best:
            best, nearest = d, m
        j -= 1
    j = k
    while j < len(ms) and positions[j] - i < best:
        m = ms[j]
        d = m[0] - i + abs(sb - m[3])
        if d < best:
            best, nearest = d, m
        j += 1
    return nearest


def _score(toks: list[str], lex: dict[str, Entry]) -> tuple[float, list[float] | None, list[dict]]:
    """Raw sentiment sum, emotion weights and aspects of one tokenised text."""
    get = lex.get
    hits = [(i, e) for i, t in enumerate(toks) if (e := get(t)) is not None]
    if not hits:
        return 0.0, None, []
    ops: list[list[Any]] = []
    mentions: list[list[Any]] = []   # [i, aspect, seg, sub, is_modifier, last token]
    except_segs: set[int] = set()
    seg = sub = 0
    neg_until = ne_pos = int_pos = too_pos = raise_pos = -100
    int_fac = 0.0
    int_op: list[Any] | None = None
    boost = 1.0
    tho = hope = False
    clause_start = 0   # first op after the sentence start or the last "but"
    prev_start = 0     # first op of the previous sentence that had opinions
    excl = 0
    skip = -1
    ntok = len(toks)
    for i, e in hits:
        if i <= skip:
            continue
        f = e.flags
        end = i
        if f & F_PHRASE and i + 1 < ntok:
            cands = e.next.get(toks[i + 1])
            if cands is not None:
                for rest, pe in cands:
                    k = len(rest)
                    if k == 1 or toks[i + 1:i + 1 + k] == rest:
                        e, f, end = pe, pe.flags, i + k
                        skip = end
                        break
        if f & _BOUNDARY:
            neg_until = ne_pos = int_pos = too_pos = raise_pos = -100
            if f & F_HOPE:
                hope = True
                continue
            hope = False
            if f & F_SENT:
                if f & F_EXCL:
                    excl += 1
                boost, tho = 1.0, False
                if len(ops) > clause_start:
                    prev_start, clause_start = clause_start, len(ops)
                seg += 1
            elif f & F_SUB:
                if tho:
                    tho = False
                    seg += 1
                if f & F_CONJ:  # "and" separates less than a comma: "slow and chaotic delivery"
                    sub += 1
                    continue
            elif f & F_BUT:
                lo, hi = (clause_start, len(ops)) if len(ops) > clause_start else (prev_start, clause_start)
                for k in range(lo, hi):
                    ops[k][_W] *= 0.5
                prev_start, clause_start = lo, len(ops)
                boost, tho = 1.5, False
                seg += 1
            elif f & F_THO:
                tho = True
                seg += 1
            elif f & F_EXCEPT:
                seg += 1
                except_segs.add(seg)
            elif f & F_CONCL:
                boost = 1.5
                continue
            sub += SUB_PENALTY
            continue
        negated = i <= neg_until  # before this entry's own negation ("refused to" is not self-negated)
        if f & F_NE:
            ne_pos = end
        elif f & F_ONLY:
            ne_pos = -100
        if f & F_RAISE:
            raise_pos = i
            if negated:  # "je n'ai pas trouvé le personnel aimable": the negation reaches the clause end
                neg_until = 1 << 30
        if f & F_NEG2:
            if i - ne_pos <= 6:
                for op in reversed(ops):
                    if op[_I] <= ne_pos:
                        break
                    op[_NEGD] = True
                # "je ne pense pas que ce soit bon": a verb of opinion inside "ne ... pas" carries the
                # negation over what it introduces, to the end of the clause
                neg_until = 1 << 30 if ne_pos < raise_pos <= i else end + NEG_WINDOW
                ne_pos = -100
            elif not f & F_NEEDS_NE:
                if ops and ops[-1][_I] == i - 1:
                    ops[-1][_NEGD] = True
                neg_until = end + NEG_WINDOW
        if f & F_NEG:
            neg_until = end + NEG_WINDOW
        if f & F_TOO:
            too_pos = end
        if f & (F_OP | F_COND | F_DIM):
            after_too = i - too_pos <= INT_WINDOW
            if f & (F_OP | F_COND) or (f & F_DIM and after_too):
                mult = 1.0
                if i - int_pos <= INT_WINDOW:
                    mult += int_fac
                    if int_op is not None:
                        int_op[_MUL] = 0.0
                    int_pos, int_op = -100, None
                val = e.val
                if after_too:
                    if f & F_DIM:
                        val = -1.2
                    else:
                        mult *= 1.3
                op = [i, e, negated, mult, boost * (0.5 if tho else 1.0) * (HOPE_WEIGHT if hope else 1.0),
                      seg, sub, val]
                ops.append(op)
                if f & F_INT:
                    int_pos, int_fac, int_op = end, e.factor, op
            elif f & F_INT:
                int_pos, int_fac, int_op = end, e.factor, None
        elif f & F_INT:
            int_pos, int_fac, int_op = end, e.factor, None
        if f & F_ASPECT:
            modifier = False
            if mentions:
                last = mentions[-1]
                if last[3] == sub and i - last[0] <= 4 and (toks[i - 1] in _PREPOSITIONS or (
                        i > 1 and toks[i - 1] in _ARTICLES and toks[i - 2] in _PREPOSITIONS)):
                    modifier = True
            mentions.append([i, e.aspect, seg, sub, modifier, end])

    # Resolve: valences, emotions, aspects.
    by_seg: dict[int, tuple[list[int], list[list[Any]]]] = {}
    asp_first: dict[str, int] = {}
    for m in mentions:
        asp_first.setdefault(m[1], m[0])
        if not m[4]:
            positions, ms = by_seg.setdefault(m[2], ([], []))
            positions.append(m[0])
            ms.append(m)
    total = 0.0
    emo = [0.0] * 7
    asp_sum: dict[str, float] = {}
    seg_sum: dict[int, float] = {}
    seg_asp: set[tuple[int, str]] = set()
    for i, e, negd, mult, w, sg, sb, val in ops:
        if mult == 0.0:
            continue
        f = e.flags
        target = None
        nearest = _nearest(by_seg, i, sg, sb) if by_seg else None
        if e.cond is not None and nearest is not None and nearest[3] == sb and nearest[1] in e.cond:
            val = e.cond[nearest[1]]
            target = nearest[1]
        v = (_neg_value(e, val) if negd else val) * mult
        if v == 0.0 and not e.emotions:
            continue
        total += v * w if v > 0 else v * w * NEG_WEIGHT
        for k, ew in e.emotions:
            if negd:
                if k in _NEGATED_EMOTION:
                    emo[_NEGATED_EMOTION[k]] += 0.5 * ew
            else:
                emo[k] += ew * mult
        if v == 0.0:
            continue
        seg_sum[sg] = seg_sum.get(sg, 0.0) + v
        if target is None:
            if f & F_ASPECT:
                target = e.aspect
            elif e.aspect is not None and not e.weak and not (
                    nearest is not None and nearest[3] == sb and e.size == 1
                    and (i - nearest[5] == 1 or nearest[0] - i == 1)):
                # the aspect the word implies, unless it qualifies a named one ("rude agent")
                target = e.aspect
            elif nearest is not None and not (e.aspect is not None and nearest[3] != sb):
                target = nearest[1]
            elif e.aspect is not None:
                target = e.aspect
        if target is not None:
            asp_sum[target] = asp_sum.get(target, 0.0) + v
            asp_first.setdefault(target, i)
            seg_asp.add((sg, target))
    if except_segs:
        # "tout était parfait sauf l'attente": an aspect named after "sauf"/"except" with no
        # opinion of its own takes the opposite of what came before.
        before = 0.0
        cumulative = {}
        for s_id in sorted(set(seg_sum) | except_segs):
            cumulative[s_id] = before
            before += seg_sum.get(s_id, 0.0)
        for m in mentions:
            sg = m[2]
            if sg in except_segs and (sg, m[1]) not in seg_asp and cumulative[sg]:
                seg_asp.add((sg, m[1]))
                asp_sum[m[1]] = asp_sum.get(m[1], 0.0) + (-1.0 if cumulative[sg] > 0 else 1.0)
    if excl:
        total *= 1.0 + 0.1 * min(excl, 4)
    aspects = []
    for a in sorted(asp_first, key=asp_first.__getitem__):
        s = asp_sum.get(a, 0.0)
        pol = "positive" if s >= ASPECT_THRESHOLD else "negative" if s <= -ASPECT_THRESHOLD else "neutral"
        aspects.append({"aspect": a, "polarity": pol, "score": round(s / math.sqrt(s * s + 4.0), 4)})
    return total, emo, aspects


def _deelongate(toks: list[str], lex: dict[str, Entry]) -> list[str]:
    """Resolve "nuul", "greaat", "sooo" (already cut to two letters) against the lexicon."""
    out = []
    for t in toks:
        if t not in lex and _DOUBLE.search(t):
            single = _DOUBLE.sub(r"\1", t)
            if single in lex:
                t = single
        out.append(t)
    return out


class BuiltinAnalyzer(TextAnalyzer):
    """Lexicon-and-rules analyzer of French and English customer text (see the module docstring).

    Parameters
    ----------
    language : {"auto", "fr", "en"}, default="auto"
        "auto" detects the language of each text (mixed corpora are normal); "fr" or "en" forces
        one lexicon for every text (the ``language`` column still reports what was detected).
    neutral_threshold : float, default=0.05
        ``sentiment_label`` is "neutral" when ``|sentiment| < neutral_threshold``.

    >>> BuiltinAnalyzer().analyze(["Pas terrible 😕", "Not bad at all!", None]).column(
    ...     "sentiment_label").to_pylist()
    ['negative', 'positive', 'neutral']
    """

    def __init__(self, *, language: str = "auto", neutral_threshold: float = 0.05) -> None:
        self.language = language
        self.neutral_threshold = neutral_threshold

    @property
    def version(self) -> str:  # type: ignore[override]
        """``builtin-<algorithm>+<lexicon hash>[-options]``: changes whenever the output can."""
        opts = "" if (self.language, self.neutral_threshold) == ("auto", 0.05) else (
            f"-{self.language}-{self.neutral_threshold:g}")
        return f"builtin-{ALGORITHM}+{lexicon_digest()}{opts}"

    def _check(self) -> None:
        if self.language not in ("auto", "fr", "en"):
            raise ValueError(f"BuiltinAnalyzer(language=...) must be 'auto', 'fr' or 'en'; "
                             f"got {self.language!r}")
        if not 0 <= self.neutral_threshold < 1:
            raise ValueError(f"BuiltinAnalyzer(neutral_threshold=...) must be in [0, 1); "
                             f"got {self.neutral_threshold!r}")

    def analyze_rows(self, texts: Sequence[str | None]) -> list[dict[str, Any]]:
        """:meth:`analyze` as a list of dicts (one per text), without building an Arrow table.

        >>> BuiltinAnalyzer().analyze_rows(["Great app, terrible support"])[0]["aspects"]
        [{'aspect': 'website_app', 'polarity': 'positive', 'score': 0.7809}, \
{'aspect': 'customer_service', 'polarity': 'negative', 'score': -0.7809}]
        """
        cols = self._columns(texts)
        names = list(cols)
        return [dict(zip(names, row)) for row in zip(*cols.values())]

    def analyze(self, texts: Sequence[str | None]) -> pa.Table:
        """One row per text, in order: see :func:`~parcours.voice.text.base.analysis_schema`.

        >>> t = BuiltinAnalyzer().analyze(["J'adore 😍", "Very disappointed, it broke after a week."])
        >>> t.column("language").to_pylist(), t.column("sentiment_label").to_pylist()
        (['fr', 'en'], ['positive', 'negative'])
        >>> round(t.column("joy")[0].as_py(), 2), round(t.column("sadness")[1].as_py(), 2)
        (0.95, 0.73)
        """
        import pyarrow as pa

        cols = self._columns(texts)
        return pa.table(cols, schema=analysis_schema())

    def _columns(self, texts: Sequence[str | None]) -> dict[str, list[Any]]:
        self._check()
        if isinstance(texts, str):
            raise TypeError("analyze() takes a sequence of texts; wrap a single text in a list: "
                            "analyze([text])")
        lex_fr, lex_en, lex_mixed = (compile_lexicon(x) for x in ("fr", "en", "mixed"))
        by_lang = {"fr": lex_fr, "en": lex_en}
        forced = by_lang.get(self.language)
        thr = self.neutral_threshold
        exp = math.exp
        sqrt = math.sqrt
        langs: list[str] = []
        sents: list[float] = []
        labels: list[str] = []
        emos: list[list[float]] = [[] for _ in EMOTIONS]
        aspects: list[list[dict]] = []
        zero = [0.0] * len(EMOTIONS)
        for text in texts:
            if not isinstance(text, str):
                text = ""
            toks, elongated = tokenize_flagged(text)
            lang = language_of_tokens(toks, text)
            lex = forced or by_lang.get(lang, lex_mixed)
            if elongated:
                toks = _deelongate(toks, lex)
            raw, emo, asp = _score(toks, lex)
            s = raw / sqrt(raw * raw + ALPHA)
            langs.append(lang)
            sents.append(s)
            labels.append("positive" if s >= thr and s > 0 else "negative" if s <= -thr and s < 0
                          else "neutral")
            for col, x in zip(emos, emo or zero):
                col.append(1.0 - exp(-x) if x else 0.0)
            aspects.append(asp)
        out: dict[str, list[Any]] = {"language": langs, "sentiment": sents, "sentiment_label": labels}
        out.update(zip(EMOTIONS, emos))
        out["aspects"] = aspects
        return out
