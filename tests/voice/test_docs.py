"""The docstring examples of parcours.voice run, and importing it stays light."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys

import pytest

MODULES = [
    "parcours.voice",
    "parcours.voice.text",
    "parcours.voice.text.aggregate",
    "parcours.voice.text.analyzer",
    "parcours.voice.text.base",
    "parcours.voice.text.language",
    "parcours.voice.text.lexicon",
    "parcours.voice.text.normalize",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    failures, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_import_is_light():
    code = ("import sys, parcours.voice, parcours.voice.text; "
            "print(sorted(m for m in ('pyarrow', 'pandas', 'ibis') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names():
    from parcours import voice

    for name in voice.__all__:
        assert getattr(voice, name) is not None
    assert set(voice.__all__) == set(voice._EXPORTS)
