"""The SQL pieces of the mapping: cheap forms must give exactly what the plain ones give."""

from __future__ import annotations

import json

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.ingest.mapping import _timestamp, trimmed_text

# Every ASCII character, the Unicode spaces DuckDB's trim strips, and other non-ASCII text.
EDGE = [chr(i) for i in range(1, 128)] + ["\u00a0", "\u1680", "\u2000", "\u2009", "\u202f", "\u205f",
                                          "\u3000", "é", "😀", "\u200b", "\ufeff"]


@pytest.fixture(scope="module")
def con():
    return duckdb.connect()


def _compare(con, values: list[str | None]) -> None:
    got = con.execute(
        f"SELECT v, {trimmed_text('v')} AS fast, nullif(trim(v), '') AS plain FROM (SELECT unnest(?) AS v)",
        [values]).fetchall()
    for v, fast, plain in got:
        assert fast == plain, (v, fast, plain)


def test_trimmed_text_matches_trim_for_every_edge_character(con):
    values = [None, "", " ", "x"]
    for c in EDGE:
        values += [c, c + "x", "x" + c, c + "x" + c, c + c, f"a{c}b"]
    _compare(con, values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(EDGE + list("ab ")), max_size=6), max_size=30))
def test_trimmed_text_matches_trim_on_random_text(con, values):
    _compare(con, values)


@pytest.mark.parametrize("text, is_local", [
    ("2025-03-01T10:00:00", True), ("2025-03-01 10:00:00.5", True), ("2025-03-01", True),
    ("2025-03-01T10:00:00Z", False), ("2025-03-01T10:00:00.123Z", False),
    ("2025-03-01T10:00:00+01:00", False), ("2025-03-01T10:00:00-0500", False), ("2025-03-01T10:00:00+01", False),
    ("2025-03-01T10:00:00.123456+05:30", False),
])
def test_iso_timestamps_with_an_offset_or_z_are_instants(con, text, is_local):
    expr, local = _timestamp("t", "t", "VARCHAR", None)
    ts, loc = con.execute(f"SELECT {expr}, {local} FROM (SELECT ? AS t)", [text]).fetchone()
    assert ts is not None
    assert loc is is_local
    # The instant is the one DuckDB reads from the text, offset applied.
    want = con.execute("SELECT make_timestamp(epoch_us(CAST(? AS TIMESTAMPTZ)))" if not is_local
                       else "SELECT CAST(? AS TIMESTAMP)", [text]).fetchone()[0]
    assert ts == want


def test_json_members_leave_nulls_out_and_escape_keys_and_values(con):
    from parcours.ingest.mapping import json_members

    con.execute("CREATE OR REPLACE TEMP TABLE s AS SELECT * FROM (VALUES "
                "('a\"b', NULL, 42, TIMESTAMP '2025-01-02 03:04:05'), (NULL, 'x', NULL, NULL), (NULL, NULL, NULL, NULL)"
                ") t(\"quo'te\", \"clé \"\"x\"\"\", n, ts)")
    members = json_members(["quo'te", 'clé "x"', "n", "ts"])
    got = [json.loads(r[0]) for r in con.execute(f"SELECT {members} FROM s").fetchall()]
    assert got == [{"quo'te": 'a"b', "n": 42, "ts": "2025-01-02 03:04:05"}, {'clé "x"': "x"}, {}]


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.none() | st.text(alphabet=st.sampled_from(EDGE + ["a", "\\", '"']), max_size=6),
                               st.none() | st.integers(-10**12, 10**12),
                               st.none() | st.floats(allow_nan=False, allow_infinity=False),
                               st.none() | st.booleans()), min_size=1, max_size=30))
def test_json_members_by_null_pattern_equal_member_by_member(con, rows):
    """The per-pattern form (a struct per pattern of NULLs) gives the member-by-member text, byte for byte."""
    from parcours.ingest import mapping

    con.execute("CREATE OR REPLACE TEMP TABLE s (\"Page \"\"url\"\"\" VARCHAR, n BIGINT, x DOUBLE, \"é\" BOOLEAN)")
    con.executemany("INSERT INTO s VALUES (?, ?, ?, ?)", rows)
    cols = ['Page "url"', "n", "x", "é"]
    pattern = mapping.json_members(cols)
    assert pattern.startswith("CASE WHEN")
    kept, mapping._PATTERN_MEMBERS = mapping._PATTERN_MEMBERS, 0
    try:
        members = mapping.json_members(cols)
    finally:
        mapping._PATTERN_MEMBERS = kept
    assert members.startswith("'{'")
    got = con.execute(f"SELECT {pattern}, {members} FROM s").fetchall()
    assert [a for a, _ in got] == [b for _, b in got]
    assert all(json.loads(a) == {c: v for c, v in zip(cols, r, strict=True) if v is not None}
               for (a, _), r in zip(got, rows, strict=True))


def test_json_members_member_by_member_where_structs_would_clash(con):
    """Names equal but for case (one struct field to DuckDB) or too many columns: the general form."""
    from parcours.ingest.mapping import _PATTERN_MEMBERS, json_members

    assert not json_members(["A", "a"]).startswith("CASE")
    many = [f"c{i}" for i in range(_PATTERN_MEMBERS + 1)]
    general = json_members(many)
    assert not general.startswith("CASE")
    con.execute(f"CREATE OR REPLACE TEMP TABLE s AS SELECT {', '.join(f'{i} AS c{i}' for i in range(len(many)))}")
    assert json.loads(con.execute(f"SELECT {general} FROM s").fetchone()[0]) == {c: i for i, c in enumerate(many)}
