"""The public surface: `__all__` lists exactly what users import, and every subpackage has tests."""

from __future__ import annotations

import importlib
from pathlib import Path

import parcours

SRC = Path(parcours.__file__).parent
TESTS = Path(__file__).parent


def test_all_names_exist_and_nothing_public_is_missing():
    for name in parcours.__all__:
        assert hasattr(parcours, name), name
    public = {n for n in dir(parcours) if not n.startswith("_")
              and not isinstance(getattr(parcours, n), type(parcours)) and n not in ("annotations", "importlib")}
    public -= {"Any", "TYPE_CHECKING"}
    assert public - set(parcours.__all__) == set(), "public names missing from __all__"


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, parcours, parcours.errors, parcours.cli; print('ibis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", "importing parcours or its CLI must not load the engine stack"


def test_every_subpackage_has_tests():
    for pkg in sorted(p for p in SRC.iterdir() if (p / "__init__.py").exists()):
        assert any((TESTS / pkg.name).glob("test_*.py")), f"no tests/{pkg.name}/test_*.py"
        importlib.import_module(f"parcours.{pkg.name}")


def test_docstring_examples_run():
    import doctest

    for mod in ("parcours", "parcours.config", "parcours.schema", "parcours.ingest.sql", "parcours.workspace",
                "parcours.customers.overview", "parcours.customers.profile", "parcours.warehouse",
                "parcours.journeys.index", "parcours.journeys.transitions", "parcours.journeys.variants",
                "parcours.journeys.funnels", "parcours.journeys.interop", "parcours.journeys.definitions",
                "parcours.journeys.leaks", "parcours.journeys.correlation",
                "parcours.journeys.conformance"):
        m = importlib.import_module(mod)
        failures, _ = doctest.testmod(m, optionflags=doctest.ELLIPSIS)
        assert failures == 0, mod
