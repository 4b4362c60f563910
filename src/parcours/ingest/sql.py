'''Quoting for the few DuckDB statements the readers build: one place, done by sqlglot.

The staging layer runs DuckDB's own readers (``read_csv``, ``read_parquet``), which Ibis does not
expose with every option we need (rejects tables, row numbers). Names and values that come from
files or config are never pasted into SQL as is: they go through :func:`ident` and :func:`lit`.

>>> print(ident('odd "name"'), lit("l'été"))
"odd ""name""" 'l''été'
'''

from __future__ import annotations

from sqlglot import exp


def ident(name: str) -> str:
    """A quoted DuckDB identifier."""
    return exp.to_identifier(name, quoted=True).sql("duckdb")


def lit(value: str | float | bool | None) -> str:
    """A DuckDB literal for a Python scalar."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return exp.Literal.number(value).sql("duckdb")
    return exp.Literal.string(str(value)).sql("duckdb")
