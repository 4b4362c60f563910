"""Score a table of texts with any analyzer (built-in, trained, transformers), through the cache.

What ``parcours voice score`` runs: read a CSV or Parquet file, analyze one text column, and add
``language``, ``sentiment``, ``sentiment_label``, one column per emotion and ``aspects`` (a list of
aspect, polarity and score).

>>> import pyarrow as pa
>>> out = score_table(pa.table({"avis": ["Livraison en retard !", "Great staff"]}), "avis", cache=None)
>>> out.column("sentiment_label").to_pylist()
['negative', 'positive']
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from parcours.errors import NotFoundError, UnreadableFileError

if TYPE_CHECKING:
    import pyarrow as pa

    from parcours.voice.cache import AnalysisCache
    from parcours.voice.text.base import TextAnalyzer

__all__ = ["get_analyzer", "read_table", "score_table", "write_table"]

ANALYZER_SPECS = "builtin, trained:PATH or transformers:NAME_OR_PATH"


def get_analyzer(spec: str | TextAnalyzer = "builtin") -> TextAnalyzer:
    """The analyzer named by ``spec``: ``builtin``, ``trained:PATH`` (a model from ``parcours voice
    train``) or ``transformers:NAME_OR_PATH`` (a Hugging Face pipeline, with ``pip install transformers``).

    >>> get_analyzer("builtin").version.startswith("builtin-")
    True
    """
    from parcours.voice.text.base import TextAnalyzer

    if isinstance(spec, TextAnalyzer):
        return spec
    kind, _, arg = str(spec).partition(":")
    if kind == "builtin" and not arg:
        from parcours.voice.text.analyzer import BuiltinAnalyzer

        return BuiltinAnalyzer()
    if kind == "trained" and arg:
        from parcours.voice.text.trained import TrainedAnalyzer

        return TrainedAnalyzer.load(arg)
    if kind == "transformers" and arg:
        from parcours.voice.text.transformers import TransformersAnalyzer

        return TransformersAnalyzer(arg)
    raise ValueError(f"unknown analyzer {spec!r}; use {ANALYZER_SPECS}")


def _delimiter(path: Path) -> str:
    if path.name.lower().endswith((".tsv", ".tsv.gz", ".tab")):
        return "\t"
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as f:
        head = f.read(65536)
    try:
        return csv.Sniffer().sniff(head.split("\n", 1)[0] or head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(path: str | Path) -> pa.Table:
    """A CSV (delimiter detected; ``.gz`` allowed), TSV or Parquet file as an Arrow table; clear errors.

    >>> read_table("missing.csv")
    Traceback (most recent call last):
    ...
    parcours.errors.UnreadableFileError: missing.csv: no such file
    """
    import pyarrow as pa

    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(f"{path}: no such file")
    name = path.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            import pyarrow.parquet as pq

            return pq.read_table(path)
        if name.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".tab")):
            import pyarrow.csv as pcsv

            return pcsv.read_csv(path, parse_options=pcsv.ParseOptions(delimiter=_delimiter(path),
                                                                       newlines_in_values=True),
                                 convert_options=pcsv.ConvertOptions(strings_can_be_null=True))
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        raise UnreadableFileError(f"{path}: cannot be read ({first})") from None
    raise UnreadableFileError(f"{path}: unknown format; give a .csv, .tsv or .parquet file")


def write_table(table: pa.Table, path: str | Path) -> Path:
    """Write ``table`` to Parquet, or to CSV with ``aspects`` flattened to ``aspect:polarity; …``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    path = Path(path)
    name = path.name.lower()
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif name.endswith(".csv"):
        import pyarrow.csv as pcsv

        cols = []
        for c in table.columns:
            if pa.types.is_list(c.type) and pa.types.is_struct(c.type.value_type):
                flat = pc.list_flatten(c)
                pairs = pc.binary_join_element_wise(pc.struct_field(flat, "aspect"),
                                                    pc.struct_field(flat, "polarity"), ":")
                if isinstance(pairs, pa.ChunkedArray):
                    pairs = pairs.combine_chunks()
                c = pc.binary_join(pa.ListArray.from_arrays(_offsets(c), pairs), "; ")
            cols.append(c)
        pcsv.write_csv(pa.table(cols, names=table.column_names), path)
    else:
        raise ValueError(f"{path}: --out must end in .parquet or .csv")
    return path


def _offsets(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Zero-based offsets of a list column (slices and chunks allowed), for rebuilding it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths = pc.list_value_length(col).fill_null(0).to_numpy()
    return pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype("int32"))


def score_table(table: pa.Table, text_column: str, analyzer: str | TextAnalyzer = "builtin", *,
                cache: AnalysisCache | str | Path | None = None, source: str | None = None) -> pa.Table:
    """``table`` with the analysis columns added (columns of the same name are replaced).

    ``cache``: an :class:`~parcours.voice.cache.AnalysisCache` or its folder (None: no cache).
    ``source`` names the file in error messages.
    """
    import pyarrow as pa

    from parcours.voice.cache import AnalysisCache

    where = f"{source}: " if source else ""
    if text_column not in table.column_names:
        raise NotFoundError(f"{where}no column {text_column!r}; columns: {', '.join(table.column_names)}")
    texts = table.column(text_column)
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type) or pa.types.is_null(texts.type)):
        texts = texts.cast(pa.string())
    model = get_analyzer(analyzer)
    if cache is None:
        result = model.analyze(texts.to_pylist())
    else:
        store = cache if isinstance(cache, AnalysisCache) else AnalysisCache(cache)
        result = store.analyze(model, texts.cast(pa.string()))
    out = table
    for name in result.column_names:
        if name in out.column_names:
            out = out.drop_columns([name])
    for name in result.column_names:
        out = out.append_column(name, result.column(name))
    return out
