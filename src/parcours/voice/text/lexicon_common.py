"""Language-independent lexicon: punctuation, emoji, emoticons, star ratings, international words.

Written for parcours (no third-party lexicon copied). See :mod:`parcours.voice.text.lexicon` for
the format.
"""

from __future__ import annotations

SENTENCE = ".|;"  # line breaks are sentence boundaries too (added by the compiler)
EXCLAMATION = "!"
QUESTION = "?"
CLAUSE = ",|:"  # brackets are clause boundaries too (added by the compiler)


def _ratings() -> str:
    """Scores such as 4/5, 7.5/10, 15/20: linear in the ratio, 0 at 60 %."""
    lines = []
    for den in (5, 10, 20, 100):
        steps = range(2 * den + 1) if den <= 20 else range(0, den + 1, 5)
        for s in steps:
            num = s / 2 if den <= 20 else s
            val = max(-3.0, min(2.5, (num / den - 0.6) * 5))
            text = f"{num:g}"
            forms = [text] + ([text.replace(".", ",")] if "." in text else [])
            lines.append("|".join(f"{f}/{den}" for f in forms) + f": {val:.2f}")
    return "\n".join(lines)


OPINIONS = _ratings() + """
ok|okay|oki|okey: 0.5
lol|mdr|ptdr|xptdr|haha|hahaha|hihi|hehe: 1 joy
wow|waouh|waou|whaou|woaw|woah|whoa|ouah|waow: 2 surprise
omg: 0.5 surprise
wtf: -1.5 anger surprise
grr|argh|pff|pfft|rah: -1.5 anger
bof|meh|mouais|bleh: -1.5
yay|youpi|yippee|hourra|hurray|hooray: 1.5 joy
bravo|congrats|kudos: 2.5 joy
"""

# Emoji and emoticons: (valence, emotions). Keys are as the tokenizer yields them (lower case).
SYMBOLS: dict[str, tuple[float, str]] = {
    # faces, positive
    "😀": (2, "joy"), "😃": (2, "joy"), "😄": (2, "joy"), "😁": (2, "joy"), "😆": (2, "joy"),
    "😅": (1, "joy"), "😂": (1.5, "joy"), "🤣": (1.5, "joy"), "🙂": (1, "joy"), "😊": (2, "joy"),
    "😇": (1.5, "joy trust"), "🥰": (3, "joy"), "😍": (3, "joy"), "🤩": (3, "joy surprise"),
    "😘": (2, "joy"), "😗": (1, "joy"), "😙": (1, "joy"), "😚": (1.5, "joy"), "😋": (2, "joy"),
    "😎": (1.5, "joy"), "🤗": (2, "joy trust"), "😌": (1, "joy"), "🥳": (2.5, "joy surprise"),
    "😺": (1.5, "joy"), "😸": (2, "joy"), "😻": (2.5, "joy"), "😉": (1, "joy"), "😜": (1, "joy"),
    "😝": (1, "joy"), "😛": (1, "joy"), "🤤": (1.5, "joy"), "🤑": (0.5, ""),
    # faces, neutral or mixed
    "😐": (-0.5, ""), "😑": (-0.5, ""), "😶": (-0.3, ""), "🤔": (-0.3, ""), "🤷": (-0.5, ""),
    "😮": (0, "surprise"), "😯": (0, "surprise"), "😲": (0.3, "surprise"), "😳": (-0.3, "surprise"),
    "🤯": (-0.5, "surprise"), "🙈": (0, ""), "😏": (0, ""), "🫢": (0, "surprise"), "😬": (-1, "fear"),
    # faces, negative
    "🙄": (-1.5, "disgust"), "😒": (-1.5, "disgust"), "😕": (-1, "sadness"), "🫤": (-1, "sadness"),
    "😟": (-1.5, "fear"), "🙁": (-1.5, "sadness"), "☹": (-1.5, "sadness"), "😞": (-2, "sadness"),
    "😔": (-1.5, "sadness"), "😢": (-2, "sadness"), "😥": (-1.5, "sadness"), "😭": (-2.5, "sadness"),
    "😩": (-2, "sadness anger"), "😫": (-2, "sadness anger"), "😤": (-2, "anger"), "😠": (-2.5, "anger"),
    "😡": (-3, "anger"), "🤬": (-3, "anger"), "😾": (-2, "anger"), "😿": (-2, "sadness"),
    "😱": (-1.5, "fear surprise"), "😨": (-1.5, "fear"), "😰": (-1.5, "fear"), "😧": (-1, "fear"),
    "😦": (-1, "fear"), "😓": (-1, "sadness"), "😖": (-2, "sadness"), "😣": (-1.5, "sadness"),
    "🥺": (-1, "sadness"), "😪": (-1, "sadness"), "😴": (-1, ""), "🥱": (-1.5, ""),
    "🤮": (-2.5, "disgust"), "🤢": (-2.5, "disgust"), "💩": (-2.5, "disgust"), "🤡": (-1.5, "anger"),
    "🤦": (-2, "anger"), "😵": (-1, "surprise"), "🥴": (-1, ""), "😷": (-0.5, "fear"),
    # hands and symbols
    "👍": (2, "trust"), "👎": (-2, "disgust"), "👌": (2, "trust"), "👏": (2, "joy"), "🙌": (2, "joy"),
    "💪": (1.5, "trust"), "🙏": (1.5, "trust"), "🤝": (1.5, "trust"), "✌": (1, "joy"), "🤞": (0.5, ""),
    "🖕": (-3, "anger"), "✅": (1.5, "trust"), "✔": (1, "trust"), "☑": (1, "trust"), "❌": (-1.5, ""),
    "✖": (-1, ""), "⚠": (-1, "fear"), "⛔": (-1.5, "anger"), "🚫": (-1.5, "anger"), "💯": (2, "trust"),
    "🔥": (1.5, "joy"), "✨": (1, "joy"), "⭐": (1.5, "joy"), "🌟": (1.5, "joy"), "🎉": (2, "joy surprise"),
    "🎊": (2, "joy"), "🏆": (2, "joy"), "🥇": (2, "joy"), "🎁": (1, "joy"), "💐": (1.5, "joy"),
    "🌹": (1, "joy"), "☀": (0.5, "joy"), "🌈": (1, "joy"), "🐌": (-1, ""), "💸": (-0.5, ""),
    "💔": (-2.5, "sadness"), "🆗": (0.5, ""), "🆒": (1.5, "joy"), "🔝": (2, "joy"),
    "🤙": (1, "joy"), "👋": (0, ""), "💤": (-1, ""), "🗑": (-1.5, "disgust"), "🚮": (-1.5, "disgust"),
    # hearts
    "❤": (2.5, "joy"), "♥": (2.5, "joy"), "💖": (2.5, "joy"), "💗": (2.5, "joy"), "💓": (2.5, "joy"),
    "💞": (2.5, "joy"), "💕": (2.5, "joy"), "💘": (2.5, "joy"), "💝": (2.5, "joy"), "💚": (2, "joy"),
    "💙": (2, "joy"), "💜": (2, "joy"), "🧡": (2, "joy"), "💛": (2, "joy"), "🤍": (2, "joy"),
    # stars in text ratings: ★★★★☆ adds up to a positive score, ★☆☆☆☆ to a negative one
    "★": (0.5, ""), "☆": (-0.5, ""),
    # emoticons (lower-cased by the tokenizer)
    ":)": (1.5, "joy"), ":-)": (1.5, "joy"), "=)": (1.5, "joy"), ":]": (1.5, "joy"), "(:": (1.5, "joy"),
    ":))": (2, "joy"), ":)))": (2, "joy"), ":-))": (2, "joy"), ":d": (2, "joy"), ":-d": (2, "joy"),
    "=d": (2, "joy"), "xd": (1.5, "joy"), "xdd": (1.5, "joy"), ";)": (1, "joy"), ";-)": (1, "joy"),
    ";d": (1.5, "joy"), ":p": (1, "joy"), ":-p": (1, "joy"), ";p": (1, "joy"), "<3": (2.5, "joy"),
    "<33": (2.5, "joy"), "^^": (1.5, "joy"), "^_^": (1.5, "joy"), ":*": (1.5, "joy"), "8)": (1, "joy"),
    ":(": (-1.5, "sadness"), ":-(": (-1.5, "sadness"), "=(": (-1.5, "sadness"), ":[": (-1.5, "sadness"),
    "):": (-1.5, "sadness"), ":((": (-2, "sadness"), ":'(": (-2, "sadness"), ":'-(": (-2, "sadness"),
    ":/": (-1, ""), ":-/": (-1, ""), ":\\": (-1, ""), ":|": (-0.5, ""), ":-|": (-0.5, ""),
    ">:(": (-2, "anger"), ">:-(": (-2, "anger"), ":@": (-2, "anger"), "d:": (-1.5, "fear"),
    ":o": (0, "surprise"), ":-o": (0, "surprise"), "o_o": (-0.3, "surprise"), "-_-": (-1, ""),
    "</3": (-2, "sadness"),
}
