"""Guards for the known breaks of our engine stack (see pyproject's pins).

Ibis 12 emits DuckDB's `->` lambda syntax, dropped by DuckDB 2; sqlglot >= 30.18 breaks Ibis 12's
create_table from an in-memory table. When a new release fixes or re-breaks these, a test here fails.
"""

from __future__ import annotations

import ibis
import pyarrow as pa


def test_array_lambdas_compile_and_run_on_duckdb():
    t = ibis.memtable({"xs": [[3, 1, 2], [5]]})
    expr = t.select(doubled=t.xs.map(lambda x: x * 2), big=t.xs.filter(lambda x: x > 1))
    out = ibis.duckdb.connect().execute(expr)
    assert list(out.doubled.tolist()[0]) == [6, 2, 4]
    assert list(out.big.tolist()[0]) == [3, 2]


def test_create_table_from_in_memory_table(tmp_path):
    con = ibis.duckdb.connect(str(tmp_path / "x.duckdb"))
    con.create_table("t", pa.table({"a": [1, 2]}))
    con.create_table("t", ibis.memtable({"a": [3]}), overwrite=True)
    assert con.table("t").a.to_pyarrow().to_pylist() == [3]


def test_sorted_struct_collect_for_sequences():
    """Sequences are built by collecting (timestamp, seq, activity) structs and sorting them."""
    t = ibis.memtable({"c": ["a", "a", "a"], "ts": [2, 1, 1], "seq": [1, 3, 2], "act": ["x", "y", "z"]})
    s = t.group_by("c").aggregate(path=ibis.struct({"ts": t.ts, "seq": t.seq, "act": t.act}).collect())
    s = s.mutate(path=s.path.sort().map(lambda e: e.act))
    assert list(ibis.duckdb.connect().execute(s).path[0]) == ["z", "y", "x"]
