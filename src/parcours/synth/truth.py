"""The identity book of a synthetic company and the ``truth.json`` writer.

Every identifier (e-mail, phone, cookie, …) is created once, normalised, with its owner; sources
mark the ones they actually write. The true customers listed in ``truth.json`` are then exactly
the identifiers present in the files, grouped by owner, built with Arrow kernels rather than a
Python loop over customers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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

    def customer_lines(self, attrs: dict[str, pa.Array]) -> pa.Array:
        """One JSON object per customer: id, identifiers by kind, then ``attrs`` (JSON texts)."""
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
        head = concat('{"customer":"', customer_ids(self.n), '","identifiers":{', ids, "}")
        parts = [head]
        for key, value in attrs.items():
            parts.append(concat(f',"{key}":', value))
        parts.append("}")
        return concat(*parts)


def customer_ids(n: int) -> pa.Array:
    """True customer ids ``T0000001`` … for customer indices 0..n-1."""
    return concat("T", digits(np.arange(1, n + 1), 7))


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


def write_truth(path: Path, truth: dict[str, Any], customer_lines: pa.Array) -> None:
    """Write ``truth.json``: the small parts pretty-printed, then one line per true customer."""
    body = json.dumps(truth, ensure_ascii=False, indent=1)
    with open(path, "wb") as f:
        f.write(body[:-2].encode() + b',\n "customers": [\n')
        if len(customer_lines):
            joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(customer_lines)], pa.int32()),
                                                            customer_lines), ",\n")
            f.write(joined[0].as_py().encode())
        f.write(b"\n ]\n}\n")


@dataclass
class Company:
    """A generated company: its sources, identity book, customer attributes (JSON) and truths."""

    sources: list[Any]  # parcours.synth.writer.Source
    identities: Identities
    customer_attrs: dict[str, pa.Array]
    truth: dict[str, Any]
