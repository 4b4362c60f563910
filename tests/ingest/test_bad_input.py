"""Hypothesis throws random bad CSV and JSON Lines at ingestion.

Whatever comes in: either a clear ParcoursError naming the file (and the warehouse is unchanged),
or an ingestion where every row read is accounted for (added, duplicate or quarantined). Never a
crash with a foreign exception, never part of a file.
"""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parcours
from parcours.errors import ParcoursError

MAPPING = {"table": "events", "columns": {"timestamp": "t", "activity": "a", "value": "v"},
           "identifiers": {"email": "e"}}

cell = st.one_of(
    st.text(alphabet=string.printable + "éàü€;\"'\\", max_size=12),
    st.sampled_from(["2025-01-01 10:00", "2025-13-45", "", "NaN", "1e309", "a@x.fr", "-0", "  ", "\"", "\\N"]),
)
row = st.lists(cell, min_size=0, max_size=5)


def _accounting(ws, path, mapping):
    tables = dict(ws.status()["tables"])
    try:
        [r] = ws.ingest("events", path, mapping=mapping, force=True)
    except ParcoursError as exc:
        assert str(path.name) in str(exc)
        assert dict(ws.status()["tables"]) == tables  # nothing half-written
        return
    assert r.added + r.duplicates + r.updated + r.quarantined == r.rows_read
    assert ws.status()["tables"]["events"] == tables["events"] + r.added


@pytest.fixture(scope="module")
def fuzz_ws(tmp_path_factory):
    ws = parcours.init(tmp_path_factory.mktemp("fuzz") / "ws")
    yield ws
    ws.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, max_size=8), header=st.booleans(), sep=st.sampled_from([",", ";", "\t"]))
def test_random_csv(fuzz_ws, tmp_path_factory, rows, header, sep):
    lines = ([sep.join(["t", "a", "v", "e"])] if header else []) + [sep.join(r) for r in rows]
    path = tmp_path_factory.mktemp("csv") / "random.csv"
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    _accounting(fuzz_ws, path, {**MAPPING, "csv": {"delimiter": sep}})


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=6,
)
json_line = st.one_of(
    st.fixed_dictionaries({"t": st.sampled_from(["2025-01-01T10:00:00Z", "yesterday", ""]),
                           "a": st.sampled_from(["visit", "", None]), "e": st.sampled_from(["a@x.fr", None, ""])},
                          optional={"v": json_value}).map(json.dumps),
    json_value.map(json.dumps),
    st.text(max_size=20),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(json_line, max_size=8))
def test_random_jsonl(fuzz_ws, tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("jsonl") / "random.jsonl"
    path.write_text("\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines) + "\n",
                    encoding="utf-8")
    _accounting(fuzz_ws, path, MAPPING)


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes(tmp_path_factory, data):
    ws = parcours.init(tmp_path_factory.mktemp("bytes") / "ws")
    path = tmp_path_factory.mktemp("b") / "blob.csv"
    path.write_bytes(data)
    _accounting(ws, path, MAPPING)
    ws.close()
