"""Irritants and wow effects over many texts."""

from __future__ import annotations

import pytest

from parcours.voice import BuiltinAnalyzer, irritants_and_wows

TEXTS = [
    "Livraison en retard, c'est inadmissible !",
    "Delivery was late again, I'm furious.",
    "Colis abîmé, livraison catastrophique.",
    "La livraison est arrivée mardi.",
    "The staff were fantastic, wow!",
    "Vendeuse adorable, un vrai bonheur 😍",
    "Le prix est correct.",
    "Prix un peu élevé.",
]


@pytest.fixture(scope="module")
def table():
    return BuiltinAnalyzer().analyze(TEXTS)


def test_ranks_irritants_and_wows(table):
    out = irritants_and_wows(table)
    assert list(out.columns) == ["aspect", "mentions", "negative", "neutral", "positive", "irritants", "wows",
                                 "irritant_rate", "wow_rate", "net", "kind"]
    rows = {r["aspect"]: r for r in out.to_dict("records")}
    assert out["aspect"].iloc[0] == "delivery"
    assert rows["delivery"]["mentions"] == 4 and rows["delivery"]["irritants"] == 3
    assert rows["delivery"]["kind"] == "irritant" and rows["delivery"]["irritant_rate"] == 0.75
    assert rows["staff"]["wows"] == 2 and rows["staff"]["kind"] == "wow"
    # a mild complaint about price is not an irritant
    assert rows["price"]["negative"] == 1 and rows["price"]["irritants"] == 0 and rows["price"]["kind"] == "neutral"


def test_accepts_pandas_and_rows(table):
    ref = irritants_and_wows(table)
    assert irritants_and_wows(table.to_pandas()).equals(ref)
    assert irritants_and_wows(table.to_pylist()).equals(ref)


def test_by_group_and_min_mentions(table):
    stages = ["delivery", "delivery", "delivery", "delivery", "store", "store", "purchase", "purchase"]
    out = irritants_and_wows(table, by=stages, min_mentions=2)
    assert list(out.columns[:2]) == ["group", "aspect"]
    assert set(zip(out["group"], out["aspect"])) == {("delivery", "delivery"), ("store", "staff"),
                                                     ("purchase", "price")}


def test_strong_threshold(table):
    assert irritants_and_wows(table, strong=1.0)["irritants"].sum() <= irritants_and_wows(table)["irritants"].sum()
    with pytest.raises(ValueError, match="strong"):
        irritants_and_wows(table, strong=0)


def test_empty_and_mismatched_input(table):
    empty = irritants_and_wows(BuiltinAnalyzer().analyze(["", None, "Bonjour"]))
    assert empty.empty and "irritants" in empty.columns
    with pytest.raises(ValueError, match="one label per text"):
        irritants_and_wows(table, by=["a"])
