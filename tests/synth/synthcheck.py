"""Independent checks of a generated company: read every file as its mapping says, in plain Python.

Nothing here imports the generator's helpers: files are parsed with ``csv`` / ``json`` / pyarrow,
timestamps with ``datetime``, identifiers normalised with the rules parcours documents, so the
tests check the files themselves, not the code that wrote them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import yaml
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

REQUIRED = {"events": ("timestamp", "activity"), "customers": (), "feedback": ("timestamp", "kind"),
            "cases": ("case_id", "opened_at")}
TIMES = ("timestamp", "created_at", "opened_at", "closed_at")
NUMBERS = ("value", "score")
ALLOWED = {("feedback", "kind"): {"nps", "csat", "ces", "review", "social", "free_text"},
           ("cases", "kind"): {"complaint", "request", "incident"}}


def normalise(kind: str, value: str) -> str:
    """Identifier normalisation as parcours documents it."""
    v = value.strip()
    if kind == "email":
        return v.lower()
    if kind == "phone":
        v = re.sub(r"[\s.\-()]", "", v)
        if v.startswith("00"):
            v = "+" + v[2:]
        elif re.fullmatch(r"0\d{9}", v):
            v = "+33" + v[1:]
        return v
    return v


def empty(v: Any) -> bool:
    """A missing value: None, NaN (pandas) or blank text."""
    if isinstance(v, float):
        return bool(np.isnan(v))
    return v is None or (isinstance(v, str) and v.strip() == "")


class Source:
    """One source of the manifest: its mapping and its records (row number -> record or None)."""

    def __init__(self, out: Path, entry: dict[str, str]) -> None:
        self.name = entry["name"]
        self.file = entry["path"]
        self.path = out / entry["path"]
        self.mapping = yaml.safe_load((out / entry["mapping"]).read_text(encoding="utf-8"))
        self.table = self.mapping["table"]
        self.format = self.mapping["format"]
        self.raw: list[Any] = []  # raw line text (CSV, JSONL) or row dict (Parquet), per record
        self.records: list[dict[str, Any] | None] = []  # None: structurally malformed
        self.header: list[str] = []
        self._read()

    def _read(self) -> None:
        if self.format == "parquet":
            rows = pq.read_table(self.path).to_pylist()
            self.header = pq.read_schema(self.path).names
            self.raw = rows
            self.records = [dict(r) for r in rows]
            return
        text = self.path.read_text(encoding="utf-8")
        assert text.endswith("\n"), f"{self.file} must end with a newline"
        lines = text[:-1].split("\n")
        if self.format == "csv":
            d = self.mapping["csv"]["delimiter"]
            self.header = next(csv.reader([lines[0]], delimiter=d, quotechar='"'))
            self.raw = lines[1:]
            for line in self.raw:
                fields = next(csv.reader([line], delimiter=d, quotechar='"'))
                self.records.append(dict(zip(self.header, fields)) if len(fields) == len(self.header) else None)
        else:
            self.raw = lines
            for line in lines:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    rec = None
                self.records.append(rec if isinstance(rec, dict) else None)
            keys: dict[str, None] = {}
            for r in self.records:
                if r:
                    keys.update(dict.fromkeys(r))
            self.header = list(keys)

    # ------------------------------------------------------------------ checks
    def parse_time(self, value: Any) -> dt.datetime | None:
        """The UTC instant of a timestamp value as the mapping declares it (None if unreadable)."""
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                return value.replace(tzinfo=_zone(self.mapping.get("timezone", "UTC")))
            return value
        fmt = self.mapping.get("timestamp_format")
        s = str(value).strip()
        try:
            if fmt in ("epoch_ms", "epoch_s"):
                x = float(s)
                if not np.isfinite(x):
                    return None
                return dt.datetime.fromtimestamp(x / (1000 if fmt == "epoch_ms" else 1), dt.UTC)
            t = dt.datetime.strptime(s, fmt) if fmt else dt.datetime.fromisoformat(s)
        except ValueError:
            return None
        if t.tzinfo is None:
            t = t.replace(tzinfo=_zone(self.mapping.get("timezone", "UTC")))
        return t

    def problem(self, rec: dict[str, Any] | None) -> tuple[str, str | None] | None:
        """Why a record would be quarantined (reason, source column), or None if it is clean."""
        if rec is None:
            return "malformed_row", None
        m = self.mapping
        cols = {k: v for k, v in m.get("columns", {}).items()}
        ids = m["identifiers"]
        if all(empty(rec.get(c)) for c in ids.values()):
            return "missing_identifier", None
        for canon in REQUIRED[self.table]:
            if canon in cols and empty(rec.get(cols[canon])):
                return "missing_value", cols[canon]
        for canon, col in cols.items():
            v = rec.get(col)
            if canon in TIMES and not empty(v) and self.parse_time(v) is None:
                return "bad_timestamp", col
            if canon in NUMBERS and not empty(v):
                try:
                    x = float(v)
                    if not np.isfinite(x):
                        return "bad_type", col
                except (TypeError, ValueError):
                    return "bad_type", col
            allowed = ALLOWED.get((self.table, canon))
            if allowed and not empty(v) and str(v).strip().lower() not in allowed:
                return "bad_value", col
        if "activities" in m and "activity" in cols:
            v = rec.get(cols["activity"])
            if not empty(v) and str(v).strip() not in m["activities"]:
                return "unknown_activity", cols["activity"]
        return None

    def problems(self) -> dict[int, tuple[str, str | None]]:
        """1-based row -> (reason, column) of every bad record."""
        out = {}
        for i, rec in enumerate(self.records, start=1):
            p = self.problem(rec)
            if p:
                out[i] = p
        return out

    def clean(self) -> pd.DataFrame:
        """The clean records as a DataFrame (with their 1-based ``__row``)."""
        bad = self.problems()
        rows = [dict(r, __row=i) for i, r in enumerate(self.records, start=1) if i not in bad]
        return pd.DataFrame(rows)

    def identifiers(self, rec: dict[str, Any]) -> list[tuple[str, str]]:
        return [(k, normalise(k, str(rec[c]))) for k, c in self.mapping["identifiers"].items()
                if not empty(rec.get(c))]


def _zone(name: str) -> dt.tzinfo:
    import zoneinfo
    return zoneinfo.ZoneInfo(name)


class Company:
    """A generated folder: manifest, truth and sources."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.truth = json.loads((self.out / "truth.json").read_text(encoding="utf-8"))
        manifest = yaml.safe_load((self.out / "sources.yaml").read_text(encoding="utf-8"))
        self.entries = manifest["sources"]
        self.sources = {e["name"]: Source(self.out, e) for e in self.entries}
        self.owner: dict[tuple[str, str], str] = {}
        for c in self.truth["customers"]:
            for kind, values in c["identifiers"].items():
                for v in values:
                    self.owner[(kind, v)] = c["customer"]

    def by_file(self, file: str) -> Source:
        return next(s for s in self.sources.values() if s.file == file)

    def customer_of(self, src: Source, rec: dict[str, Any]) -> str | None:
        owners = {self.owner.get(i) for i in src.identifiers(rec)}
        assert len(owners) == 1, f"{src.file}: identifiers of one row belong to {owners}"
        return owners.pop()

    def customers_column(self, name: str) -> pd.DataFrame:
        """Clean rows of a source with their true customer."""
        src = self.sources[name]
        df = src.clean()
        df["__customer"] = [self.customer_of(src, r) for r in df.to_dict("records")]
        return df

    def identity_graph(self) -> tuple[dict[tuple[str, str], int], np.ndarray]:
        """Every identifier of every clean row, and the connected components of the 'same row' graph."""
        index: dict[tuple[str, str], int] = {}
        edges: list[tuple[int, int]] = []
        for src in self.sources.values():
            bad = src.problems()
            for i, rec in enumerate(src.records, start=1):
                if i in bad:
                    continue
                ids = [index.setdefault(x, len(index)) for x in src.identifiers(rec)]
                edges += [(ids[0], j) for j in ids[1:]]
        n = len(index)
        if edges:
            a, b = np.array(edges).T
        else:
            a = b = np.array([], dtype=int)
        g = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
        _, labels = connected_components(g, directed=False)
        return index, labels


def exact_duplicates(src: Source) -> dict[int, int]:
    """1-based row of each repeated record -> row of its first occurrence."""
    seen: dict[Any, int] = {}
    out = {}
    for i, raw in enumerate(src.raw, start=1):
        key = raw if isinstance(raw, str) else json.dumps(raw, default=str, sort_keys=True)
        if key in seen:
            out[i] = seen[key]
        else:
            seen[key] = i
    return out


def groups(keys: list[Any]) -> dict[Any, list[int]]:
    out: dict[Any, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        out[k].append(i)
    return out


# ---------------------------------------------------------------------- generic assertions

def check_manifest(co: Company, first: str) -> None:
    """The manifest lists every file once, customers first, with a mapping that fits the file."""
    assert co.entries[0]["name"] == first
    assert co.sources[first].table == "customers"
    for src in co.sources.values():
        m = src.mapping
        ext = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}[m["format"]]
        assert src.path.suffix == ext and src.path.exists()
        assert m["source"] == src.name
        used = [*m.get("columns", {}).values(), *m["identifiers"].values()]
        missing = [c for c in used if c not in src.header]
        assert not missing, f"{src.file}: mapped columns {missing} not in the file"
        for canon in REQUIRED[src.table]:
            assert canon in m.get("columns", {}) or canon in m.get("constants", {}), (src.file, canon)
        assert co.truth["counts"][src.file] == len(src.records)


def check_malformed(co: Company) -> None:
    """The bad rows of every file are exactly the planted ones, with the stated reason and column."""
    planted = {(m["file"], m["row"]): (m["reason"], m["column"]) for m in co.truth["malformed_rows"]}
    assert len(planted) == len(co.truth["malformed_rows"])
    found = {}
    for src in co.sources.values():
        for row, p in src.problems().items():
            found[(src.file, row)] = p
    extra = {k: v for k, v in found.items() if k not in planted}
    missing = {k: v for k, v in planted.items() if k not in found}
    wrong = {k: (planted[k], found[k]) for k in planted.keys() & found.keys() if planted[k] != found[k]}
    assert not extra, f"unplanted bad rows: {list(extra.items())[:10]}"
    assert not missing, f"planted rows that are not bad: {list(missing.items())[:10]}"
    assert not wrong, f"planted rows bad for another reason: {list(wrong.items())[:10]}"


def check_duplicates(co: Company) -> None:
    """Planted duplicates are exact copies, and they are the only repeated records."""
    planted: dict[str, dict[int, int]] = defaultdict(dict)
    for d in co.truth["duplicates"]:
        planted[d["file"]][d["row"]] = d["original_row"]
    for src in co.sources.values():
        dups = exact_duplicates(src)
        expected = planted.get(src.file, {})
        assert dups == expected, f"{src.file}: {sorted(set(dups.items()) ^ set(expected.items()))[:5]}"
        for row, orig in dups.items():
            assert orig < row and src.raw[row - 1] == src.raw[orig - 1]


def check_identities(co: Company) -> None:
    """Truth identifiers are disjoint, cover every identifier of the files, and each customer is one component."""
    seen: dict[tuple[str, str], str] = {}
    for c in co.truth["customers"]:
        for kind, values in c["identifiers"].items():
            for v in values:
                assert normalise(kind, v) == v, f"not normalised: {kind} {v!r}"
                assert (kind, v) not in seen, f"{kind} {v} belongs to {seen[(kind, v)]} and {c['customer']}"
                seen[(kind, v)] = c["customer"]
    index, labels = co.identity_graph()
    in_files = set(index)
    assert in_files == set(seen), (f"in files, not in truth: {list(in_files - set(seen))[:5]}; "
                                   f"in truth, not in files: {list(set(seen) - in_files)[:5]}")
    comp_customers: dict[int, set[str]] = defaultdict(set)
    for ident, i in index.items():
        comp_customers[int(labels[i])].add(seen[ident])
    bad = {k: v for k, v in comp_customers.items() if len(v) > 1}
    assert not bad, f"components mixing customers: {list(bad.values())[:3]}"
    per_customer = defaultdict(set)
    for ident, i in index.items():
        per_customer[seen[ident]].add(int(labels[i]))
    split = {k: v for k, v in per_customer.items() if len(v) > 1}
    assert not split, f"customers whose identifiers are not linked: {list(split)[:5]}"
    assert len(per_customer) == len(co.truth["customers"])


def check_phones_written_variously(co: Company, source: str, column: str) -> None:
    """Phones are written in several national / international layouts."""
    values = [r[column] for r in co.sources[source].records if r and not empty(r.get(column))]
    shapes = {re.sub(r"\d", "9", v) for v in values}
    assert len(shapes) >= 3, shapes


def files_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
