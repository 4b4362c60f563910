"""The identity book of a synthetic company and the ``truth.json`` writer.

Every identifier (e-mail, phone, cookie, …) is created once, normalised, with its owner; sources
mark the ones they actually write. The true customers listed in ``truth.json`` are then exactly
the identifiers present in the files, grouped by owner, built with Arrow kernels rather than a
Python loop over customers.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parcours.synth.common import concat, digits

KINDS = ("crm_id", "account_id", "billing_id", "email", "phone", "loyalty_card", "cookie", "device_id")


class Identities:
    """Normalised identifiers with their owner (customer index) and whether a file uses them."""

    def __init__(self, n_customers: int) -> None:
        self.n = n_customers
        self._values: dict[str, list[pa.Array]] = {}
        self._owner: dict[str, list[np.ndarray]] = {}
        self._size: dict[str, int] = {}
        self._used: dict[str, np.ndarray] = {}

    def add(self, kind: str, normalised: pa.Array, owner: np.ndarray) -> int:
        """Register identifiers of ``kind``; returns the code of the first (codes are consecutive)."""
        base = self._size.get(kind, 0)
        self._values.setdefault(kind, []).append(normalised)
        self._owner.setdefault(kind, []).append(np.asarray(owner, dtype=np.int64))
        self._size[kind] = base + len(normalised)
        self._used[kind] = np.concatenate([self._used.get(kind, np.zeros(0, dtype=bool)),
                                           np.zeros(len(normalised), dtype=bool)])
        return base

    def use(self, kind: str, codes: np.ndarray) -> None:
        """Mark identifiers (by code) as written in some file; negative codes are ignored."""
        c = np.asarray(codes)
        self._used[kind][c[c >= 0]] = True

    def used(self, kind: str) -> tuple[pa.Array, np.ndarray]:
        """(normalised values, owners) of the identifiers of ``kind`` that appear in a file."""
        if kind not in self._values:
            return pa.array([], pa.string()), np.array([], dtype=np.int64)
        values = pa.concat_arrays(self._values[kind])
        owner = np.concatenate(self._owner[kind])
        codes = np.nonzero(self._used[kind])[0]
        return values.take(pa.array(codes)), owner[codes]

    def customer_lines(self, attrs: dict[str, pa.Array], first: int = 0) -> pa.Array:
        """One JSON object per customer: id, identifiers by kind, then ``attrs`` (JSON texts).

        Customers are numbered from ``first`` (the customers of earlier shards come before).
        """
        pieces = []
        for kind in KINDS:
            values, owner = self.used(kind)
            if len(values) == 0:
                continue
            order = pc.sort_indices(pa.table({"o": owner, "v": values}),
                                    sort_keys=[("o", "ascending"), ("v", "ascending")])
            values = values.take(order)
            owner = owner[order.to_numpy()]
            counts = np.bincount(owner, minlength=self.n)
            offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
            quoted = concat('"', values, '"')
            lists = pa.ListArray.from_arrays(offsets, quoted)
            text = concat(f'"{kind}":[', pc.binary_join(lists, ","), "]")
            pieces.append(pc.if_else(pa.array(counts > 0), text, pa.scalar(None, pa.string())))
        # (not null_handling="skip": it returns a shorter array in pyarrow 26)
        ids = pc.utf8_slice_codeunits(concat(*[concat(",", p).fill_null("") for p in pieces], ""), 1)
        head = concat('{"customer":"', customer_ids(self.n, first), '","identifiers":{', ids, "}")
        parts = [head]
        for key, value in attrs.items():
            parts.append(concat(f',"{key}":', value))
        parts.append("}")
        return concat(*parts)


def customer_ids(n: int, first: int = 0) -> pa.Array:
    """True customer ids ``T0000001`` … for customer indices ``first`` .. ``first + n - 1``."""
    return concat("T", digits(np.arange(first + 1, first + n + 1), 7))


def json_values(values: np.ndarray | pa.Array) -> pa.Array:
    """JSON texts of a column of strings, booleans or numbers (nulls as ``null``)."""
    arr = values if isinstance(values, pa.Array) else pa.array(values)
    if pa.types.is_string(arr.type):
        esc = pc.replace_substring(pc.replace_substring(arr, "\\", "\\\\"), '"', '\\"')
        text = concat('"', esc, '"')
    elif pa.types.is_boolean(arr.type):
        text = pc.if_else(arr, "true", "false")
    else:
        text = pc.cast(arr, pa.string())
    return text.fill_null("null")


def joined_lines(customer_lines: pa.Array) -> bytes:
    """Customer lines as they appear in ``truth.json``: joined by ``,`` and a newline."""
    if not len(customer_lines):
        return b""
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(customer_lines)], pa.int32()),
                                                    customer_lines), ",\n")
    return joined[0].as_py().encode()


def write_truth(path: Path, truth: dict[str, Any], customer_lines: pa.Array | Path) -> None:
    """Write ``truth.json``: the small parts pretty-printed, then one line per true customer.

    ``customer_lines`` is an array of lines, or a file of already joined lines (see
    :func:`joined_lines`), copied a block at a time so that millions of customers need no memory.
    """
    body = json.dumps(truth, ensure_ascii=False, indent=1)
    with open(path, "wb") as f:
        f.write(body[:-2].encode() + b',\n "customers": [\n')
        if isinstance(customer_lines, Path):
            with open(customer_lines, "rb") as lines:
                shutil.copyfileobj(lines, f, 1 << 24)
        else:
            f.write(joined_lines(customer_lines))
        f.write(b"\n ]\n}\n")


def merge_stats(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Measures of two shards as one: numbers and count vectors add up, lists (samples) concatenate.

    A scenario measures its truths as sums, counts and small samples (for medians, minima, ids),
    so that a company generated in shards reports what its merged files show.
    """
    out = dict(a)
    for key, v in b.items():
        if key not in out:
            out[key] = v
        elif isinstance(v, dict):
            out[key] = merge_stats(out[key], v)
        else:
            out[key] = out[key] + v
    return out


@dataclass
class Company:
    """A generated company: its sources, identity book, customer attributes (JSON) and truths."""

    sources: list[Any]  # parcours.synth.writer.Source
    identities: Identities
    customer_attrs: dict[str, pa.Array]
    truth: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)  # what ``truth`` is computed from (mergeable)


# ----------------------------------------------------------------------------- mergeable measures

def tally(x: np.ndarray) -> np.ndarray:
    """``[sum, count]`` of values (a rate for a boolean mask): shards add up, :func:`ratio` reads it.

    The sum is NumPy's own (as ``mean`` computes it), so one shard gives exactly ``x.mean()``.
    """
    x = np.asarray(x)
    return np.array([x.sum(dtype=np.float64), x.size], dtype=np.float64)


def ratio(t: np.ndarray) -> float | None:
    """The mean behind a :func:`tally` (None when it counted nothing)."""
    return float(t[0] / t[1]) if t[1] else None


def sample(x: np.ndarray) -> list[np.ndarray]:
    """Values kept as they are (for a median, an extreme or a list of ids): shards concatenate."""
    return [np.asarray(x)]


def joined(s: list[np.ndarray]) -> np.ndarray:
    """All values of a :func:`sample`, shard after shard."""
    return np.concatenate(s)


def median(s: list[np.ndarray]) -> float | None:
    """Median of a :func:`sample` (None when empty)."""
    x = joined(s)
    return float(np.median(x)) if x.size else None
