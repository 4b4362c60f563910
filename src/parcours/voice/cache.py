"""Analyses cached by analyzer version and text hash, so that scoring the same texts again costs nothing.

The cache is a folder of Parquet files (by default ``.parcours/voice_cache`` in the workspace or the
current folder): one sub-folder per analyzer version (``TextAnalyzer.version`` changes whenever the
output can), holding ``text_hash`` and the analysis columns. New analyses are appended as new part
files, so concurrent runs never overwrite each other; hashes are computed in DuckDB (vectorised MD5
of the text), and repeated texts in one batch are analyzed once.

>>> import tempfile
>>> from parcours.voice import BuiltinAnalyzer
>>> cache = AnalysisCache(tempfile.mkdtemp())
>>> t = cache.analyze(BuiltinAnalyzer(), ["Super service !", "Super service !", None])
>>> t.num_rows, cache.last_stats
(3, {'texts': 3, 'unique': 2, 'cached': 0, 'analyzed': 2})
>>> _ = cache.analyze(BuiltinAnalyzer(), ["Super service !"]); cache.last_stats["analyzed"]
0
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

    from parcours.voice.text.base import TextAnalyzer

__all__ = ["DEFAULT_CACHE_DIR", "AnalysisCache", "as_text_array", "text_hashes"]

#: Where the cache lives, relative to a workspace (or the current folder for files scored outside one).
DEFAULT_CACHE_DIR = Path(".parcours") / "voice_cache"


def as_text_array(texts: Sequence[object] | pa.Array | pa.ChunkedArray) -> pa.Array:
    """Texts as an Arrow string array: NaN and None become null, other values their text.

    >>> as_text_array(["a", float("nan"), None, 3]).to_pylist()
    ['a', None, None, '3']
    """
    import pyarrow as pa

    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if not isinstance(texts, pa.Array):
        try:
            texts = pa.array(list(texts), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            import pandas as pd

            s = pd.Series(list(texts), dtype=object)
            texts = pa.array(s.astype(str).where(s.notna(), None), pa.string(), from_pandas=True)
    if pa.types.is_null(texts.type):
        return pa.nulls(len(texts), pa.string())
    return texts if pa.types.is_string(texts.type) else texts.cast(pa.string())


def text_hashes(texts: Sequence[str | None] | pa.Array) -> pa.Array:
    """MD5 of each text as hex (``None`` hashes apart from the empty string), computed in DuckDB.

    >>> text_hashes(["a", None, ""]).to_pylist()[0]
    '0cc175b9c0f1b6a831c399e269772661'
    """
    import duckdb
    import pyarrow as pa

    t = pa.table({"t": as_text_array(texts)})
    con = duckdb.connect()
    try:
        con.register("t", t)
        out = con.execute("SELECT CASE WHEN t IS NULL THEN 'null' ELSE md5(t) END AS h FROM t").arrow()
    finally:
        con.close()
    col = out.column("h") if hasattr(out, "column") else out.read_all().column("h")
    return col.combine_chunks()


class AnalysisCache:
    """A folder of cached analyses keyed by analyzer version and text hash.

    ``last_stats`` reports the last call: texts, unique texts, found in the cache, analyzed now.
    """

    def __init__(self, path: str | Path = DEFAULT_CACHE_DIR) -> None:
        self.path = Path(path)
        self.last_stats: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"AnalysisCache({str(self.path)!r})"

    def _folder(self, version: str) -> Path:
        return self.path / hashlib.sha1(version.encode()).hexdigest()[:16]

    def _read(self, folder: Path, wanted: pa.Array) -> pa.Table | None:
        """Cached rows whose hash is in ``wanted`` (one per hash), or None."""
        import duckdb
        import pyarrow as pa

        parts = sorted(folder.glob("part-*.parquet"))
        if not parts:
            return None
        con = duckdb.connect()
        try:
            con.register("w", pa.table({"h": wanted}))
            files = [str(p) for p in parts]
            rel = con.execute(
                "SELECT * EXCLUDE (rn) FROM (SELECT c.*, row_number() OVER (PARTITION BY c.text_hash) AS rn "
                "FROM read_parquet(?) c SEMI JOIN w ON c.text_hash = w.h) WHERE rn = 1", [files])
            out = rel.arrow()
        finally:
            con.close()
        return out if isinstance(out, pa.Table) else out.read_all()

    def analyze(self, analyzer: TextAnalyzer, texts: Sequence[str | None] | pa.Array) -> pa.Table:
        """``analyzer.analyze(texts)``, taking what is cached and analyzing (then caching) only the rest."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        from parcours.voice.text.base import analysis_schema

        arr = as_text_array(texts)
        hashes = text_hashes(arr)
        uniq, first = np.unique(np.asarray(hashes.to_numpy(zero_copy_only=False), dtype=object),
                                return_index=True)
        folder = self._folder(analyzer.version)
        cached = self._read(folder, pa.array(uniq, pa.string()))
        have = np.array([], dtype=object) if cached is None else np.asarray(
            cached.column("text_hash").to_numpy(zero_copy_only=False), dtype=object)
        missing = ~pd.Index(uniq).isin(have)  # hash-based (np.isin on objects is quadratic)
        schema = analysis_schema()
        fresh = None
        if missing.any():
            idx = first[missing]
            todo = arr.take(pa.array(idx))
            result = analyzer.analyze(todo.to_pylist()).select(schema.names).cast(schema)
            fresh = result.add_column(0, "text_hash", pa.array(uniq[missing], pa.string()))
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".tmp-{uuid.uuid4().hex}.parquet"
            pq.write_table(fresh, tmp)
            tmp.rename(folder / f"part-{uuid.uuid4().hex}.parquet")
        pieces = [t.select(["text_hash", *schema.names]).cast(pa.schema([("text_hash", pa.string()), *schema]))
                  for t in (cached, fresh) if t is not None]
        pool = pa.concat_tables(pieces) if pieces else pa.table(
            {"text_hash": pa.array([], pa.string()), **{f.name: pa.array([], f.type) for f in schema}})
        pos = pd.Index(pool.column("text_hash").to_numpy(zero_copy_only=False)).get_indexer(
            hashes.to_numpy(zero_copy_only=False))
        out = pool.take(pa.array(pos)).drop_columns(["text_hash"])
        self.last_stats = {"texts": len(arr), "unique": int(uniq.size), "cached": int((~missing).sum()),
                           "analyzed": int(missing.sum())}
        return out

    def clear(self) -> int:
        """Delete every cached analysis; returns the number of files removed."""
        n = 0
        if self.path.exists():
            for f in self.path.glob("*/part-*.parquet"):
                f.unlink()
                n += 1
        return n
