"""Ingestion throughput: the `retail` company's exports into a fresh warehouse, Parquet vs CSV.

Each measurement runs in its own process (peak RSS is that process's), on a fresh workspace:
generate once per format, then `parcours ingest` every declared source. Peers in the same run,
so the ratios survive a noisy machine: `duckdb-shaped`, hand-written DuckDB SQL writing the same
files in the shape parcours stores (typed canonical columns, hash key, customer, JSON properties;
no validation, dedup or stitching): the floor of any ingestion into a DuckDB table;
`duckdb-canonical`, the same rows written into parcours's own canonical tables (every column of
``events`` and the others, the hex row key, the source and ingestion constants, the empty
columns): the floor of parcours's data model; `duckdb`, a
bare `CREATE TABLE AS SELECT * FROM read_…`; and pandas reading the files into memory. The
DuckDB peers write a file in the storage format parcours creates its warehouses in (1.3, a third
faster to write than DuckDB's default 0.10 format), and `duckdb-shaped` and `duckdb-canonical`
store their JSON properties in ZSTD as parcours does, so the floor stays a floor. Before
each measurement the exports are read once, untimed, so every tool starts with them in the page
cache (this machine evicts idle pages: a cold 1.2 GB file costs the first reader about 4 s more).

    python benchmarks/ingest.py --events 10000000          # writes benchmarks/results/ingest.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"
#: parcours.warehouse.STORAGE_VERSION, spelled out so the peers' timing does not import parcours.
STORAGE_VERSION = "v1.3.0"


def _child(kind: str, raw: str, ws: str, memory_limit: str) -> None:
    """Run one measurement in this (child) process and print a JSON line."""
    import yaml

    if kind == "duckdb-canonical":  # its table definitions come from parcours: imported untimed
        import parcours.ingest.pipeline
    t0 = time.perf_counter()
    events = 0
    if kind == "parcours":
        import parcours

        w = parcours.init(ws, scenario="retail", data=raw, overwrite=True)
        cfg = Path(ws) / "parcours.yaml"
        cfg.write_text(cfg.read_text().replace("memory_limit: null", f"memory_limit: {memory_limit}"))
        w = parcours.open(ws)
        results = w.ingest_sources()
        events = sum(r.rows_read for r in results if r.table == "events")
        added = sum(r.added for r in results if r.table == "events")
        quarantined = sum(r.quarantined for r in results)
        extra = {"events_added": added, "quarantined": quarantined}
    else:
        import duckdb

        sources = yaml.safe_load((Path(raw) / "sources.yaml").read_text())["sources"]
        con = duckdb.connect(str(Path(ws) / "bare.duckdb"), config={"storage_compatibility_version": STORAGE_VERSION})
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        extra = {}
        for i, src in enumerate(sources):
            m = yaml.safe_load((Path(raw) / src["mapping"]).read_text())
            path = str(Path(raw) / src["path"])
            if kind in ("duckdb", "duckdb-shaped", "duckdb-canonical"):
                fmt = m.get("format") or Path(path).suffix.lstrip(".")
                reader = {"parquet": "read_parquet(?)", "jsonl": "read_json(?, format='newline_delimited')"}.get(
                    fmt, f"read_csv(?, delim='{(m.get('csv') or {}).get('delimiter') or ','}', all_varchar=true, ignore_errors=true)")
                if kind == "duckdb":
                    con.execute(f"CREATE TABLE t{i} AS SELECT * FROM {reader}", [path])
                elif kind == "duckdb-canonical":
                    table = m["table"]
                    _canonical_table(con, table)
                    select = _canonical(con, reader, path, m, table, src["name"], f"bench{i:012d}")
                    before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    con.execute(f"INSERT INTO {table} SELECT {select} FROM {reader}", [path])
                    n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before
                else:  # the JSON properties stored as parcours stores them (ZSTD), the rest as DuckDB picks
                    select = _shaped(con, reader, path, m)
                    types = con.execute(f"DESCRIBE SELECT {select} FROM {reader}", [path]).fetchall()
                    con.execute(f"CREATE TABLE t{i} (" + ", ".join(
                        f'"{c}" {t}' + (" USING COMPRESSION zstd" if c == "properties" else "")
                        for c, t, *_ in types) + ")")
                    con.execute(f"INSERT INTO t{i} SELECT {select} FROM {reader}", [path])
                if kind != "duckdb-canonical":
                    n = con.execute(f"SELECT count(*) FROM t{i}").fetchone()[0]
            else:  # pandas
                import pandas as pd

                if path.endswith(".parquet"):
                    n = len(pd.read_parquet(path))
                elif path.endswith(".jsonl"):
                    n = len(pd.read_json(path, lines=True))
                else:
                    n = len(pd.read_csv(path, sep=(m.get("csv") or {}).get("delimiter") or ",", dtype=str,
                                        on_bad_lines="skip"))
            if m["table"] == "events":
                events += n
    seconds = time.perf_counter() - t0
    peak = _peak_gib()
    print(json.dumps({"kind": kind, "events": events, "seconds": seconds, "events_per_s": events / seconds,
                      "peak_rss_gib": peak, **extra}))


def _q(c: str) -> str:
    return '"' + c.replace('"', '""') + '"'


def _columns(con, reader: str, path: str, m: dict) -> tuple[list[str], dict, list[str], str | None]:
    """The file's columns, the mapping's canonical columns and identifiers, and SQL for the JSON
    properties of the other columns (None when there are none)."""
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}", [path]).fetchall()]
    mapped = m.get("columns") or {}
    ids = list((m.get("identifiers") or {}).values())
    rest = [c for c in cols if c not in set(mapped.values()) | set(ids)]
    props = ("CAST(json_object(" + ", ".join(f"'{c}', {_q(c)}" for c in rest) + ") AS VARCHAR)") if rest else None
    return cols, mapped, ids, props


def _typed(canon: str, src: str) -> str:
    """SQL for a source column as its canonical column's type (timestamps in UTC, numbers)."""
    if canon in ("timestamp", "created_at", "opened_at", "closed_at"):
        return f"try_cast({_q(src)} AS TIMESTAMPTZ)::TIMESTAMP"
    if canon in ("value", "score"):
        return f"try_cast({_q(src)} AS DOUBLE)"
    return f"CAST({_q(src)} AS VARCHAR)"


def _shaped(con, reader: str, path: str, m: dict) -> str:
    """Hand-written SQL giving each row the canonical shape parcours stores (the floor of a write).

    Canonical columns renamed and typed (timestamps to UTC, numbers), a hash of the row as its
    key, the customer as the first identifier present, the other columns as JSON properties; no
    validation, quarantine, de-duplication or identity stitching.
    """
    cols, mapped, ids, props = _columns(con, reader, path, m)
    out = [f"hash({', '.join(_q(c) for c in cols)}) AS key", f"coalesce({', '.join(_q(c) for c in ids)}) AS customer"]
    out += [f"{_typed(canon, src)} AS {_q(canon)}" for canon, src in mapped.items()]
    if props:
        out.append(f"{props} AS properties")
    return ", ".join(out)


def _peak_gib() -> float:
    """This process's peak resident memory in GiB: VmHWM on Linux (``ru_maxrss`` would carry the
    peak of the process it was forked from across ``exec``), ``ru_maxrss`` elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _canonical_table(con, table: str) -> None:
    """Create one of parcours's canonical tables (same columns, types and forced compression)."""
    from parcours.ingest.pipeline import dtype_sql
    from parcours.schema import LONG_TEXTS, TABLE_SCHEMAS

    cols = [f'"{c}" {dtype_sql(t)}'
            + (" USING COMPRESSION zstd" if c in LONG_TEXTS.get(table, ()) else "")
            for c, t in TABLE_SCHEMAS[table].items()]
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(cols)})")


def _canonical(con, reader: str, path: str, m: dict, table: str, source: str, ingestion_id: str) -> str:
    """Hand-written SQL giving each row the exact layout of parcours's canonical table (the floor of its
    data model): every column of the table, the key as parcours derives it (the given id, namespaced,
    or the hex of a hash of the row), the customer as the first identifier present, the unmapped
    columns as JSON, the source and ingestion as constants; no validation, quarantine,
    de-duplication or identity stitching, and no row position (``seq`` left NULL).
    """
    from parcours.schema import KEYS, TABLE_SCHEMAS

    cols, mapped, ids, props = _columns(con, reader, path, m)
    key = KEYS[table]
    row_hash = f"lower(hex(hash({', '.join(_q(c) for c in cols)})))"
    out = []
    for c in TABLE_SCHEMAS[table].names:
        if c == "customer_id":
            e = f"coalesce({', '.join(f'CAST({_q(x)} AS VARCHAR)' for x in ids)})"
        elif c == key:
            e = f"coalesce('{source}:' || {_q(mapped[c])}, {row_hash})" if c in mapped else row_hash
        elif c in ("properties", "attributes"):
            e = props or "NULL"
        elif c == "source":
            e = f"'{source}'"
        elif c == "ingestion_id":
            e = f"'{ingestion_id}'"
        elif c == "updated_at":
            e = "now()::TIMESTAMP"
        elif c in mapped:
            e = _typed(c, mapped[c])
        elif c in (m.get("constants") or {}):
            e = f"'{m['constants'][c]}'"
        else:
            e = "NULL"
        out.append(f"{e} AS {_q(c)}")
    return ", ".join(out)


def _warm(raw: Path) -> None:
    """Read every export once so that each tool finds them in the page cache (untimed)."""
    for f in sorted(raw.iterdir()):
        if f.is_file() and f.suffix != ".json":
            with f.open("rb") as fh:
                while fh.read(1 << 24):
                    pass


def measure(kind: str, raw: Path, memory_limit: str) -> dict:
    ws = DATA / f"ws-{kind}-{raw.name}"
    _warm(raw)
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir(parents=True)
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(raw), str(ws), memory_limit],
                         capture_output=True, text=True, check=True)
    shutil.rmtree(ws, ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--formats", default="parquet,csv")
    ap.add_argument("--memory-limit", default="",
                    help="warehouse.memory_limit for the DuckDB engine (default: unset, as parcours ships)")
    ap.add_argument("--peers", default="duckdb-canonical,duckdb-shaped,duckdb,pandas")
    ap.add_argument("--out", default=str(HERE / "results" / "ingest.json"))
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    from parcours.warehouse import STORAGE_VERSION as ours

    assert STORAGE_VERSION == ours, f"the peers write {STORAGE_VERSION}, parcours {ours}: update STORAGE_VERSION"
    from parcours.synth import generate

    results = []
    for fmt in args.formats.split(","):
        raw = DATA / f"retail-{args.events}-{fmt}"
        if not (raw / "sources.yaml").exists():
            t = time.perf_counter()
            generate("retail", raw, events=args.events, seed=args.seed, format=fmt)
            print(f"generated {raw} in {time.perf_counter() - t:.1f}s", flush=True)
        size = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())
        for kind in ["parcours", *[p for p in args.peers.split(",") if p]]:
            r = measure(kind, raw, args.memory_limit)
            r.update(format=fmt, bytes=size)
            results.append(r)
            print(json.dumps(r), flush=True)
    for r in results:
        base = next(x for x in results if x["format"] == r["format"] and x["kind"] == "parcours")
        r["seconds_vs_parcours"] = r["seconds"] / base["seconds"]
    meta = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "events": args.events,
            "memory_limit": args.memory_limit}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
