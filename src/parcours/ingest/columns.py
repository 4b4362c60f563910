"""The column names of a source file, read cheaply (used to build automatic mappings)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from parcours.errors import UnreadableFileError
from parcours.ingest.sql import lit


def source_columns(path: Path, fmt: str) -> list[str]:
    """Column names of a CSV, Parquet or JSON Lines file, in file order."""
    if not path.exists():
        raise UnreadableFileError(f"{path}: file not found")
    reader = {
        "csv": f"read_csv({lit(str(path))}, all_varchar = true)",
        "parquet": f"read_parquet({lit(str(path))})",
        "jsonl": f"read_json({lit(str(path))}, format = 'newline_delimited', ignore_errors = true)",
    }.get(fmt)
    if reader is None:
        raise UnreadableFileError(f"{path}: no automatic mapping for format {fmt!r}; pass a mapping")
    try:
        with duckdb.connect() as con:
            return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except duckdb.Error as exc:
        raise UnreadableFileError(f"{path}: cannot be read as {fmt}: {str(exc).splitlines()[0]}") from None
