"""Aspect-based sentiment on sentences written for the purpose (tests/data/aspects_*.jsonl).

Each sentence names one to three CX aspects, often with opposite polarities; the bar is 0.8
aspect-level accuracy (the predicted polarity of every gold aspect) per language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcours.voice import ASPECTS, BuiltinAnalyzer

DATA = Path(__file__).parent.parent / "data"


def load(lang: str) -> list[dict]:
    rows = [json.loads(line) for line in (DATA / f"aspects_{lang}.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    return rows


def accuracy(rows: list[dict]) -> tuple[float, list[str]]:
    got = BuiltinAnalyzer().analyze_rows([r["text"] for r in rows])
    n = ok = 0
    misses = []
    for r, out in zip(rows, got):
        pred = {a["aspect"]: a["polarity"] for a in out["aspects"]}
        for aspect, polarity in r["aspects"].items():
            n += 1
            if pred.get(aspect) == polarity:
                ok += 1
            else:
                misses.append(f"{r['text']!r}: {aspect} {polarity} -> {pred.get(aspect)}")
    return ok / n, misses


def test_test_set_is_large_and_well_formed():
    rows = load("fr") + load("en")
    assert len(rows) >= 200
    assert sum(len(r["aspects"]) for r in rows) >= 400
    assert sum(1 for r in rows if len(set(r["aspects"].values())) > 1) >= 100  # opposite polarities
    for r in rows:
        assert set(r["aspects"]) <= set(ASPECTS)
        assert set(r["aspects"].values()) <= {"negative", "neutral", "positive"}
    assert {a for r in rows for a in r["aspects"]} == set(ASPECTS)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_aspect_accuracy(lang):
    acc, misses = accuracy(load(lang))
    assert acc >= 0.8, f"{acc:.3f}; misses:\n" + "\n".join(misses)


def test_the_issue_example():
    row = BuiltinAnalyzer().analyze_rows(["la livraison était en retard mais le vendeur adorable"])[0]
    assert {a["aspect"]: a["polarity"] for a in row["aspects"]} == {"delivery": "negative", "staff": "positive"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Trop cher pour ce que c'est.", {"price": "negative"}),
    ("Way too expensive.", {"price": "negative"}),
    ("Le vendeur était impoli.", {"staff": "negative"}),
    ("Tout était parfait sauf l'attente au téléphone.", {"waiting_time": "negative"}),
    ("Everything was great except the delivery.", {"delivery": "negative"}),
    ("Cheap quality, but a cheap price too.", {"product_quality": "negative", "price": "positive"}),
    ("L'attente était longue mais le prix est bas.", {"waiting_time": "negative", "price": "positive"}),
    ("High quality and a low price", {"product_quality": "positive", "price": "positive"}),
    ("Le site est clair.", {"website_app": "positive"}),
    ("J'ai contacté le service client.", {"customer_service": "neutral"}),
])
def test_aspect_rules(text, expected):
    row = BuiltinAnalyzer().analyze_rows([text])[0]
    got = {a["aspect"]: a["polarity"] for a in row["aspects"]}
    assert {k: got.get(k) for k in expected} == expected, got
