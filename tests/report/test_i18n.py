"""Every message exists in both languages, French is French, numbers and dates follow each language."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from parcours.report.i18n import (
    LANGS,
    MESSAGES,
    check_lang,
    fmt_date,
    fmt_int,
    fmt_num,
    fmt_pct,
    label,
    t,
)


def test_every_message_in_every_language_with_the_same_placeholders():
    for key, msg in MESSAGES.items():
        assert set(msg) == set(LANGS), key
        assert all(msg[lang].strip() for lang in LANGS), key
        fields = {lang: set(re.findall(r"{(\w+)}", msg[lang])) for lang in LANGS}
        assert fields["en"] == fields["fr"], key


def test_french_is_french():
    assert t("kpi.customers", "fr") == "Clients"
    assert t("kpi.identities", "fr") == "Identités rapprochées"
    assert t("kpi.quarantined", "fr") == "Lignes en quarantaine"
    assert t("report.tagline", "fr") == "Parcours clients sur tous les canaux"
    assert label("channel", "store", "fr") == "Magasin" and label("channel", "odd<>", "fr") == "odd<>"
    # French typography: a space before ; : ! ? in running text
    for key, msg in MESSAGES.items():
        assert not re.search(r"\w[;:!?](\s|$)", msg["fr"]), (key, msg["fr"])


def test_number_and_date_formats():
    assert fmt_int(1234, "en") == "1,234" and fmt_int(1234, "fr") == "1\u202f234"
    assert fmt_int(999, "fr") == "999" and fmt_int(1234567, "en") == "1,234,567"
    assert fmt_num(-1234.56, "fr", 1) == "-1\u202f234,6" and fmt_num(None, "en") == "–"
    assert fmt_pct(0.125, "en") == "12.5%" and fmt_pct(0.125, "fr") == "12,5\u202f%"
    assert fmt_pct(0.0002, "en") == "< 0.1%" and fmt_pct(0.0, "en") == "0.0%"
    assert fmt_date(date(2025, 2, 3), "fr") == "3 févr. 2025" and fmt_date(date(2025, 2, 3), "en") == "3 Feb 2025"
    assert fmt_date(datetime(2025, 8, 1, 9, 5), "fr", time=True) == "1 août 2025 09:05"


def test_unknown_language():
    with pytest.raises(ValueError, match="en, fr"):
        check_lang("de")
    with pytest.raises(KeyError, match="no report message"):
        t("nope", "en")
