"""Journey analytics speed: parcours beside pm4py, pandas, Polars, retentioneering and DuckDB SQL.

The `retail` company (`parcours synth retail --format parquet`, seed 7) is ingested once per size
into a cached workspace under `benchmarks/data/`. On it, in one run and each measurement in its
own process (so peak RSS is that process's):

- parcours, from the warehouse: the sequence index build (paid once per ingestion), then
  transitions with counts only, transitions with distinct customers and median / p90 time,
  the top-20 variants, a 4-step ordered funnel and a 20-step ordered funnel with a 7-day window;
- hand-written peers over the raw `events` columns (customer_id, timestamp, seq, activity): DuckDB
  SQL on the same warehouse file (opened read-only), pandas and Polars on the columns loaded into
  memory first (the load is not timed);
- pm4py (`format_dataframe` + `discover_dfg` / `discover_performance_dfg` / `get_variants`, timed
  with and without `format_dataframe`) and retentioneering (an `Eventstream` built from the
  loaded frame, then `transition_graph_data`; telemetry off with `RETENTIONEERING_NO_TRACK=1`).

Each timed part runs 3 times inside its process; the median is reported. Every peer's answers
are checked against parcours's (DFG counts, top-20 variant counts, funnel "entered" counts) and
mismatches are reported, not raised.

    python benchmarks/journeys.py                               # 1M and 10M events
    python benchmarks/journeys.py --events 100000000            # opt-in; merged into the JSON
    python benchmarks/journeys.py --events 1000000 --tools parcours,duckdb --tasks dfg

Results go to `benchmarks/results/journeys.json` (sizes, and tasks or tools of a size, not
measured in this run are kept from the previous file, each row dated, unless `--fresh`);
`python benchmarks/run.py --render-only` renders them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"
OUT = HERE / "results" / "journeys.json"
SEED = 7
FUNNEL4 = ["product_view", "add_to_cart", "checkout_start", "payment"]
# A deep 20-step browsing funnel, repeats allowed (every activity exists in `retail`; at 1M events
# every step is still reached by someone within 7 days).
FUNNEL20 = ["page_view", "product_view", "page_view", "product_view", "search", "product_view", "page_view",
            "product_view", "add_to_cart", "page_view", "product_view", "page_view", "product_view", "search",
            "product_view", "page_view", "product_view", "add_to_cart", "checkout_start", "payment"]
WINDOW_DAYS = 7
TASKS = ["index", "scan", "dfg", "dfg_times", "variants", "funnel4", "funnel20"]
TOOLS = ["parcours", "duckdb", "polars", "pandas", "pm4py", "retentioneering"]
HAND_WRITTEN = ("duckdb", "polars", "pandas")
IN_MEMORY = ("polars", "pandas", "pm4py", "retentioneering")
SUPPORTED = {
    "parcours": {"index", "dfg", "dfg_times", "variants", "funnel4", "funnel20"},
    "duckdb": {"scan", "dfg", "dfg_times", "variants", "funnel4", "funnel20"},
    "polars": {"dfg", "dfg_times", "variants", "funnel4", "funnel20"},
    "pandas": {"dfg", "dfg_times", "variants", "funnel4", "funnel20"},
    "pm4py": {"dfg", "dfg_times", "variants"},
    "retentioneering": {"dfg", "dfg_times"},
}
#: What each measurement times, in words (rendered beside the tables).
WHAT = {
    ("parcours", "index"): "`sequence_index(con, refresh=True)`: builds `journey_index` from `events`",
    ("parcours", "dfg"): "`transitions(con, times=False).to_pyarrow()`",
    ("parcours", "dfg_times"): "`transitions(con).to_pyarrow()`: count, distinct customers, median and p90 seconds",
    ("parcours", "variants"): "`variants(con, top=20).to_pyarrow()`",
    ("parcours", "funnel4"): "`funnel(con, 4 steps, window='7d').to_pyarrow()`",
    ("parcours", "funnel20"): "`funnel(con, 20 steps, window='7d').to_pyarrow()`",
    ("duckdb", "scan"): "`SELECT count(customer_id), max(timestamp), max(seq), max(activity) FROM events`: a bare scan",
    ("duckdb", "dfg"): "`lead(activity) OVER (PARTITION BY customer_id ORDER BY timestamp, seq)`, `GROUP BY` pair, `count(*)`",
    ("duckdb", "dfg_times"): "the same `lead` of activity and time, then `count(*)`, `count(DISTINCT customer_id)`, "
                             "`quantile_cont(gap, [0.5, 0.9])`",
    ("duckdb", "variants"): "`string_agg(activity, ',' ORDER BY timestamp, seq)` per customer, `GROUP BY` it, top 20",
    ("duckdb", "funnel4"): "positions by `row_number()` over the step events; per step an `ASOF JOIN` to the first "
                           "next-step event after, kept within 7 days of step 1 (latest start per reached event)",
    ("duckdb", "funnel20"): "as `funnel4`, 20 steps",
    ("polars", "dfg"): "`sort(customer, timestamp, seq)`, `shift(-1)` on the same customer, `group_by().len()`",
    ("polars", "dfg_times"): "as `dfg`, then `len`, `n_unique(customer)`, linear `quantile` 0.5 / 0.9 of the gap",
    ("polars", "variants"): "sort, `group_by(customer).agg(list)`, `group_by(list).len()`, top 20",
    ("polars", "funnel4"): "filter step events, sort, row index; per step `join_asof(strategy='forward')` on the "
                           "index, same customer, within 7 days (latest start per reached event)",
    ("polars", "funnel20"): "as `funnel4`, 20 steps",
    ("pandas", "dfg"): "`sort_values([customer, timestamp, seq])`, `shift(-1)` on the same customer, `groupby().size()`",
    ("pandas", "dfg_times"): "as `dfg`, then `size`, `nunique(customer)`, `quantile([0.5, 0.9])` of the gap",
    ("pandas", "variants"): "sort, `groupby(customer).agg(tuple)`, `value_counts().head(20)`",
    ("pandas", "funnel4"): "filter step events, sort, row index; per step `merge_asof(direction='forward')` on the "
                           "index, same customer, within 7 days (latest start per reached event)",
    ("pandas", "funnel20"): "as `funnel4`, 20 steps",
    ("pm4py", "dfg"): "`format_dataframe` + `discover_dfg` (without `format_dataframe`: `analysis only`)",
    ("pm4py", "dfg_times"): "`format_dataframe` + `discover_performance_dfg` (mean, median, min, max, sum, stdev "
                            "per arc: no p90, no distinct customers)",
    ("pm4py", "variants"): "`format_dataframe` + `get_variants`, then the 20 most frequent",
    ("retentioneering", "dfg"): "`Eventstream(frame)` + `transition_graph_data(edge_weight='count')` "
                                "(without the `Eventstream` build: `analysis only`); adds path start / end arcs",
    ("retentioneering", "dfg_times"): "`Eventstream(frame)` + `transition_graph_data` for `count`, `unique_paths`, "
                                      "`time_median`, `time_q95` (four calls: no combined form, no p90; times in "
                                      "whole seconds)",
}


# ---------------------------------------------------------------------------------------------
# Child side: one measurement per process.
# ---------------------------------------------------------------------------------------------

def _timed(fn, runs: int) -> tuple[list[float], object]:
    """Run ``fn`` ``runs`` times; the seconds of each run and the last result."""
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return times, out


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _arc(a: str, b: str) -> str:
    return f"{a} -> {b}"


# parcours ------------------------------------------------------------------------------------

def _parcours(task: str, ws: str, runs: int) -> dict:
    import parcours
    from parcours.journeys.funnels import funnel
    from parcours.journeys.index import sequence_index
    from parcours.journeys.transitions import transitions
    from parcours.journeys.variants import variants

    con = parcours.open(ws).con
    check: object = None
    if task == "index":
        times, _ = _timed(lambda: sequence_index(con, refresh=True), runs)
    elif task == "ensure_index":  # not a measurement: the index the analyses read, built if stale
        times, _ = _timed(lambda: sequence_index(con), 1)
    elif task in ("dfg", "dfg_times"):
        times, t = _timed(lambda: transitions(con, times=task == "dfg_times").to_pyarrow(), runs)
        check = {_arc(r["source"], r["target"]): _stat_row(r) for r in t.to_pylist()}
    elif task == "variants":
        times, t = _timed(lambda: variants(con, top=20).to_pyarrow(), runs)
        check = [[r["variant"], r["count"]] for r in t.to_pylist()][:20]
    else:
        steps = FUNNEL4 if task == "funnel4" else FUNNEL20
        times, t = _timed(lambda: funnel(con, steps, window=f"{WINDOW_DAYS}d").to_pyarrow(), runs)
        check = t.column("entered").to_pylist()
    return {"times": times, "check": check}


def _stat_row(r: dict) -> dict:
    """The comparable statistics of one arc (whichever of them the tool gives)."""
    keys = {"count": "count", "customers": "customers", "median_seconds": "median", "p90_seconds": "p90"}
    return {short: r[k] for k, short in keys.items() if k in r and r[k] is not None}


# DuckDB SQL ----------------------------------------------------------------------------------

def _duckdb_con(db: str, memory_limit: str):
    import duckdb

    con = duckdb.connect(db, read_only=True)
    # One process shares one database instance per file, settings included: always set or reset.
    con.execute(f"SET memory_limit = {_q(memory_limit)}" if memory_limit else "RESET memory_limit")
    return con


SQL_DFG = """
SELECT a, b, count(*) AS n FROM (
  SELECT activity AS a, lead(activity) OVER (PARTITION BY customer_id ORDER BY "timestamp", seq) AS b
  FROM events)
WHERE b IS NOT NULL GROUP BY a, b
"""
SQL_DFG_TIMES = """
SELECT a, b, count(*) AS n, count(DISTINCT c) AS customers, quantile_cont(gap, [0.5, 0.9]) AS q FROM (
  SELECT customer_id AS c, activity AS a,
         lead(activity) OVER w AS b,
         (epoch_us(lead("timestamp") OVER w) - epoch_us("timestamp")) / 1e6 AS gap
  FROM events WINDOW w AS (PARTITION BY customer_id ORDER BY "timestamp", seq))
WHERE b IS NOT NULL GROUP BY a, b
"""
# `string_agg` rather than `list`: the same answer (no activity holds a comma) in half the time.
SQL_VARIANTS = """
SELECT v, count(*) AS n FROM (
  SELECT string_agg(activity, ',' ORDER BY "timestamp", seq) AS v FROM events GROUP BY customer_id)
GROUP BY v ORDER BY n DESC LIMIT 20
"""
SQL_SCAN = 'SELECT count(customer_id), max("timestamp"), max(seq), max(activity) FROM events'


def sql_funnel(steps: list[str], window_days: int = WINDOW_DAYS) -> str:
    """An ordered funnel in DuckDB SQL: per step, the first next-step event after each reached one.

    For a fixed start (a step-1 event), taking each next step at its first event after the
    previous step's is the chain that ends earliest, so a customer reaches step k within the
    window iff some start's greedy chain does. Chains that meet at one event continue alike, so
    each reached event keeps only its latest start (the most room left in the window).
    """
    acts = ", ".join(_q(a) for a in sorted(set(steps)))
    ctes = [f"""e AS MATERIALIZED (
  SELECT customer_id AS c, "timestamp" AS t, activity AS a,
         row_number() OVER (PARTITION BY customer_id ORDER BY "timestamp", seq) AS p
  FROM events WHERE activity IN ({acts}))""",
            f"s1 AS MATERIALIZED (SELECT c, p, t, t AS t1 FROM e WHERE a = {_q(steps[0])})"]
    for k in range(2, len(steps) + 1):
        ctes.append(f"""s{k} AS MATERIALIZED (
  SELECT c, p, any_value(t) AS t, max(t1) AS t1 FROM (
    SELECT prev.c, nxt.p, nxt.t, prev.t1
    FROM s{k - 1} AS prev ASOF JOIN (SELECT c, p, t FROM e WHERE a = {_q(steps[k - 1])}) AS nxt
      ON prev.c = nxt.c AND prev.p < nxt.p)
  WHERE t - t1 <= INTERVAL {int(window_days)} DAY
  GROUP BY c, p)""")
    counts = ", ".join(f"(SELECT count(DISTINCT c) FROM s{k})" for k in range(1, len(steps) + 1))
    return "WITH " + ",\n".join(ctes) + f"\nSELECT [{counts}]"


def _duckdb(task: str, db: str, runs: int, memory_limit: str) -> dict:
    import duckdb

    con = _duckdb_con(db, memory_limit)
    try:
        return _duckdb_runs(task, con, runs)
    except duckdb.OutOfMemoryException as e:
        # The peer gets the same cap as parcours; if a query cannot finish under it, it is
        # measured again without the cap (and the result says so) rather than left out.
        con.close()  # the database instance (and its buffer pool) goes with its last connection
        out = _duckdb_runs(task, _duckdb_con(db, ""), runs)
        out["memory_limit_lifted"] = f"out of memory under {memory_limit}: {str(e).splitlines()[0]}"
        return out


def _duckdb_runs(task: str, con, runs: int) -> dict:
    check: object = None
    if task == "scan":
        times, _ = _timed(lambda: con.execute(SQL_SCAN).fetchall(), runs)
    elif task == "dfg":
        times, rows = _timed(lambda: con.execute(SQL_DFG).fetchall(), runs)
        check = {_arc(a, b): {"count": n} for a, b, n in rows}
    elif task == "dfg_times":
        times, rows = _timed(lambda: con.execute(SQL_DFG_TIMES).fetchall(), runs)
        check = {_arc(a, b): {"count": n, "customers": c, "median": q[0], "p90": q[1]} for a, b, n, c, q in rows}
    elif task == "variants":
        times, rows = _timed(lambda: con.execute(SQL_VARIANTS).fetchall(), runs)
        check = [[v.split(","), n] for v, n in rows]
    else:
        sql = sql_funnel(FUNNEL4 if task == "funnel4" else FUNNEL20)
        times, rows = _timed(lambda: con.execute(sql).fetchall(), runs)
        check = list(rows[0][0])
    return {"times": times, "check": check}


# Loading for the in-memory peers (not timed) -------------------------------------------------

def _load_arrow(db: str, memory_limit: str):
    """The four columns, in `seq` order (the order an export would have: stable sorts break ties by it)."""
    con = _duckdb_con(db, memory_limit)
    t = con.execute('SELECT customer_id, "timestamp", seq, activity FROM events ORDER BY seq').to_arrow_table()
    con.close()
    return t


# pandas --------------------------------------------------------------------------------------

def _pandas(task: str, db: str, runs: int, memory_limit: str) -> dict:
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    df = _load_arrow(db, memory_limit).to_pandas()
    load = {"load_seconds": time.perf_counter() - t0, "load_rss_gib": _rss_gib()}
    cols = ["customer_id", "timestamp", "seq"]

    def dfg(times_too: bool):
        d = df.sort_values(cols, kind="stable", ignore_index=True)
        cust = d["customer_id"]
        same = (cust.shift(-1) == cust).to_numpy()
        arcs = pd.DataFrame({"a": d["activity"].to_numpy()[same], "b": d["activity"].shift(-1).to_numpy()[same]})
        if not times_too:
            return arcs.groupby(["a", "b"], sort=False).size()
        us = d["timestamp"].to_numpy().astype("datetime64[us]").astype(np.int64)
        arcs["gap"] = (us[1:] - us[:-1])[same[:-1]] / 1e6
        arcs["c"] = cust.to_numpy()[same]
        g = arcs.groupby(["a", "b"], sort=False)
        out = g.agg(n=("gap", "size"), customers=("c", "nunique"))
        q = g["gap"].quantile([0.5, 0.9]).unstack()
        return out.join(q)

    def variants():
        d = df.sort_values(cols, kind="stable", ignore_index=True)
        seqs = d.groupby("customer_id", sort=False)["activity"].agg(tuple)
        return seqs.value_counts().head(20)

    def funnel(steps):
        d = df[df["activity"].isin(set(steps))].sort_values(cols, kind="stable", ignore_index=True)
        d["g"] = np.arange(len(d), dtype=np.int64)
        s = d[d["activity"] == steps[0]]
        level = pd.DataFrame({"c": s["customer_id"].to_numpy(), "g": s["g"].to_numpy(),
                              "t1": s["timestamp"].to_numpy()})
        entered = [level["c"].nunique()]
        window = np.timedelta64(WINDOW_DAYS, "D")
        for step in steps[1:]:
            s = d[d["activity"] == step]
            cand = pd.DataFrame({"c2": s["customer_id"].to_numpy(), "g2": s["g"].to_numpy(),
                                 "t2": s["timestamp"].to_numpy()})
            m = pd.merge_asof(level, cand, left_on="g", right_on="g2", direction="forward",
                              allow_exact_matches=False)
            m = m[(m["c2"] == m["c"]) & ((m["t2"] - m["t1"]) <= window)].astype({"g2": np.int64})
            level = (m.groupby("g2", sort=True).agg(c=("c", "first"), t1=("t1", "max"))
                     .reset_index().rename(columns={"g2": "g"}))
            entered.append(level["c"].nunique())
        return entered

    check: object = None
    if task in ("dfg", "dfg_times"):
        times, r = _timed(lambda: dfg(task == "dfg_times"), runs)
        if task == "dfg":
            check = {_arc(a, b): {"count": int(n)} for (a, b), n in r.items()}
        else:
            check = {_arc(a, b): {"count": int(row.n), "customers": int(row.customers), "median": float(row[0.5]),
                                  "p90": float(row[0.9])} for (a, b), row in r.iterrows()}
    elif task == "variants":
        times, r = _timed(variants, runs)
        check = [[list(v), int(n)] for v, n in r.items()]
    else:
        times, r = _timed(lambda: funnel(FUNNEL4 if task == "funnel4" else FUNNEL20), runs)
        check = [int(x) for x in r]
    return {"times": times, "check": check, **load}


# Polars --------------------------------------------------------------------------------------

def _polars(task: str, db: str, runs: int, memory_limit: str) -> dict:
    import polars as pl

    t0 = time.perf_counter()
    df = pl.from_arrow(_load_arrow(db, memory_limit))
    load = {"load_seconds": time.perf_counter() - t0, "load_rss_gib": _rss_gib()}
    cols = ["customer_id", "timestamp", "seq"]

    def dfg(times_too: bool):
        d = df.sort(cols, maintain_order=True)
        arcs = d.with_columns(
            b=pl.col("activity").shift(-1), same=pl.col("customer_id").shift(-1) == pl.col("customer_id"),
            gap=(pl.col("timestamp").shift(-1) - pl.col("timestamp")).dt.total_microseconds() / 1e6,
        ).filter(pl.col("same"))
        if not times_too:
            return arcs.group_by("activity", "b").len()
        return arcs.group_by("activity", "b").agg(
            n=pl.len(), customers=pl.col("customer_id").n_unique(),
            median=pl.col("gap").quantile(0.5, interpolation="linear"),
            p90=pl.col("gap").quantile(0.9, interpolation="linear"))

    def variants():
        d = df.sort(cols, maintain_order=True)
        seqs = d.group_by("customer_id").agg(pl.col("activity"))
        return seqs.group_by("activity").len().sort("len", descending=True).head(20)

    def funnel(steps):
        d = (df.filter(pl.col("activity").is_in(sorted(set(steps)))).sort(cols, maintain_order=True)
             .with_row_index("g"))
        level = d.filter(pl.col("activity") == steps[0]).select(c="customer_id", g="g", t1="timestamp")
        entered = [level["c"].n_unique()]
        for step in steps[1:]:
            cand = d.filter(pl.col("activity") == step).select(c2="customer_id", g2="g", t2="timestamp")
            m = level.join_asof(cand, left_on="g", right_on="g2", strategy="forward", allow_exact_matches=False,
                                check_sortedness=False)
            m = m.filter((pl.col("c2") == pl.col("c")) & (pl.col("t2") - pl.col("t1") <= pl.duration(days=WINDOW_DAYS)))
            level = m.group_by("g2").agg(c=pl.col("c").first(), t1=pl.col("t1").max()).rename({"g2": "g"}).sort("g")
            entered.append(level["c"].n_unique())
        return entered

    check: object = None
    if task in ("dfg", "dfg_times"):
        times, r = _timed(lambda: dfg(task == "dfg_times"), runs)
        if task == "dfg":
            check = {_arc(row["activity"], row["b"]): {"count": row["len"]} for row in r.iter_rows(named=True)}
        else:
            check = {_arc(row["activity"], row["b"]): {"count": row["n"], "customers": row["customers"],
                                                       "median": row["median"], "p90": row["p90"]}
                     for row in r.iter_rows(named=True)}
    elif task == "variants":
        times, r = _timed(variants, runs)
        check = [[row["activity"], row["len"]] for row in r.iter_rows(named=True)]
    else:
        times, r = _timed(lambda: funnel(FUNNEL4 if task == "funnel4" else FUNNEL20), runs)
        check = [int(x) for x in r]
    return {"times": times, "check": check, **load}


# pm4py ---------------------------------------------------------------------------------------

def _pm4py(task: str, db: str, runs: int, memory_limit: str) -> dict:
    import pm4py

    t0 = time.perf_counter()
    df = _load_arrow(db, memory_limit).to_pandas()
    load = {"load_seconds": time.perf_counter() - t0, "load_rss_gib": _rss_gib()}
    keys = {"case_id": "customer_id", "activity_key": "activity", "timestamp_key": "timestamp"}

    def fmt():
        return pm4py.format_dataframe(df, **keys)

    if task == "dfg":
        analysis = lambda f: pm4py.discover_dfg(f)[0]
    elif task == "dfg_times":
        analysis = lambda f: pm4py.discover_performance_dfg(f)[0]
    else:
        analysis = lambda f: sorted(pm4py.get_variants(f).items(), key=lambda kv: -kv[1])[:20]
    times, r = _timed(lambda: analysis(fmt()), runs)
    formatted = fmt()
    only, _ = _timed(lambda: analysis(formatted), runs)
    if task == "dfg":
        check = {_arc(a, b): {"count": int(n)} for (a, b), n in r.items()}
    elif task == "dfg_times":
        check = {_arc(a, b): {"median": float(v["median"])} for (a, b), v in r.items()}
    else:
        check = [[list(v), int(n)] for v, n in r]
    return {"times": times, "analysis_only_times": only, "check": check, **load}


# retentioneering -----------------------------------------------------------------------------

def _retentioneering(task: str, db: str, runs: int, memory_limit: str) -> dict:
    os.environ["RETENTIONEERING_NO_TRACK"] = "1"  # it sends telemetry by default
    import retentioneering as rete

    t0 = time.perf_counter()
    df = _load_arrow(db, memory_limit).to_pandas()
    load = {"load_seconds": time.perf_counter() - t0, "load_rss_gib": _rss_gib()}
    schema = {"path_cols": ["customer_id"], "event_col": "activity", "timestamp_col": "timestamp"}
    weights = ["count"] if task == "dfg" else ["count", "unique_paths", "time_median", "time_q95"]

    def analysis(stream):
        return {w: stream.transition_graph_data(edge_weight=w) for w in weights}

    times, r = _timed(lambda: analysis(rete.Eventstream(df, schema=schema)), runs)
    stream = rete.Eventstream(df, schema=schema)
    only, _ = _timed(lambda: analysis(stream), runs)
    synthetic = {"path_start", "path_end"}
    check = {}
    counts = r["count"]
    for a in counts.index:
        for b in counts.columns:
            n = int(counts.loc[a, b])
            if n and a not in synthetic and b not in synthetic:
                row = {"count": n}
                if "unique_paths" in r:
                    row["customers"] = int(r["unique_paths"].loc[a, b])
                check[_arc(a, b)] = row
    return {"times": times, "analysis_only_times": only, "check": check, **load,
            "version": rete.__version__}


def _child(tool: str, task: str, ws: str, runs: int, memory_limit: str) -> None:
    db = str(Path(ws) / ".parcours" / "warehouse.duckdb")
    load_start = os.getloadavg()
    if tool == "parcours":
        out = _parcours(task, ws, runs)
    else:
        out = {"duckdb": _duckdb, "pandas": _pandas, "polars": _polars, "pm4py": _pm4py,
               "retentioneering": _retentioneering}[tool](task, db, runs, memory_limit)
    out.update(tool=tool, task=task, peak_rss_gib=_rss_gib(), loadavg_1m=[load_start[0], os.getloadavg()[0]])
    print("RESULT " + json.dumps(out, default=str))


# ---------------------------------------------------------------------------------------------
# Parent side: data, workspaces, the run, checks, floors.
# ---------------------------------------------------------------------------------------------

def _set_memory_limit(ws: Path, memory_limit: str) -> None:
    cfg = ws / "parcours.yaml"
    value = memory_limit or "null"
    cfg.write_text(re.sub(r"(?m)^(\s*memory_limit:).*$", rf"\1 {value}", cfg.read_text()))


def _prepare_child(raw: str, ws: str, memory_limit: str) -> None:
    import parcours

    t = time.perf_counter()
    parcours.init(ws, scenario="retail", data=raw, overwrite=True)
    _set_memory_limit(Path(ws), memory_limit)
    w = parcours.open(ws)
    results = w.ingest_sources()
    seconds = time.perf_counter() - t
    events = w.con.table("events").count().execute()
    print("RESULT " + json.dumps({"ingest_seconds": seconds, "events": int(events),
                                  "rows_read": sum(r.rows_read for r in results if r.table == "events"),
                                  "peak_rss_gib": _rss_gib()}))


def prepare(n: int, memory_limit: str) -> tuple[Path, dict]:
    """The cached workspace for ``n`` events (generated and ingested if missing)."""
    from parcours.synth import generate

    raw = DATA / f"retail-{n}-parquet"  # shared with benchmarks/ingest.py
    if not (raw / "sources.yaml").exists():
        t = time.perf_counter()
        generate("retail", raw, events=n, seed=SEED, format="parquet")
        print(f"generated {raw} in {time.perf_counter() - t:.1f}s", flush=True)
    ws = DATA / f"ws-journeys-{n}"
    marker = ws / "bench-ready.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("seed") == SEED and info.get("requested_events") == n:
            return ws, info
    print(f"ingesting {raw} into {ws} …", flush=True)
    shutil.rmtree(ws, ignore_errors=True)
    out = subprocess.run([sys.executable, __file__, "--prepare", str(raw), str(ws), memory_limit],
                         capture_output=True, text=True, check=True)
    info = _parse(out.stdout)
    info.update(seed=SEED, requested_events=n, date=datetime.now(UTC).isoformat(timespec="seconds"))
    marker.write_text(json.dumps(info, indent=2))
    print(f"ingested {info['events']:,} events in {info['ingest_seconds']:.1f}s", flush=True)
    return ws, info


def _parse(stdout: str) -> dict:
    lines = [ln for ln in stdout.splitlines() if ln.startswith("RESULT ")]
    return json.loads(lines[-1][len("RESULT "):])


def measure(tool: str, task: str, ws: Path, runs: int, memory_limit: str, timeout: float) -> dict:
    env = dict(os.environ, RETENTIONEERING_NO_TRACK="1")
    cmd = [sys.executable, __file__, "--child", tool, task, str(ws), str(runs), memory_limit]
    t = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"tool": tool, "task": task, "error": f"timed out after {timeout:.0f} s"}
    if out.returncode != 0 or "RESULT " not in out.stdout:
        tail = (out.stderr or out.stdout).strip().splitlines()[-3:]
        return {"tool": tool, "task": task, "error": f"exit {out.returncode}: " + " | ".join(tail)}
    r = _parse(out.stdout)
    r["seconds"] = statistics.median(r["times"])
    if "analysis_only_times" in r:
        r["seconds_analysis_only"] = statistics.median(r["analysis_only_times"])
    r["wall_seconds"] = time.perf_counter() - t
    r["what"] = WHAT.get((tool, task), "")
    return r


def _close(x: float | None, y: float | None, tol: float) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return abs(x - y) <= tol * max(1.0, abs(x), abs(y))


def compare(task: str, ref: object, got: object) -> tuple[str, str]:
    """(status, detail) of a peer's answer against parcours's: ``equal``, ``mismatch``."""
    if task in ("dfg", "dfg_times"):
        diffs: dict[str, int] = {}
        compared: set[str] = set()
        arcs = set(ref) | set(got)
        for arc in arcs:
            r, g = ref.get(arc), got.get(arc)
            if r is None or g is None:
                diffs["arc present on one side only"] = diffs.get("arc present on one side only", 0) + 1
                continue
            for key, val in g.items():
                if key not in r:
                    continue
                compared.add(key)
                exact = key in ("count", "customers")
                if (r[key] != val) if exact else not _close(r[key], val, 1e-9):
                    diffs[key] = diffs.get(key, 0) + 1
        what = ", ".join(sorted(compared)) or "nothing comparable"
        if diffs:
            return "mismatch", f"{len(arcs)} arcs; differing: " + ", ".join(f"{k} on {v}" for k, v in diffs.items())
        return "equal", f"{len(arcs)} arcs; compared {what}"
    if task == "variants":
        rc, gc = [n for _, n in ref], [n for _, n in got]
        if rc != gc:
            return "mismatch", f"top-20 counts differ: parcours {rc}, peer {gc}"
        floor = min(rc) if rc else 0
        # Variants tied with the 20th may be cut differently: compare the ones above the tie.
        rv = {tuple(v): n for v, n in ref if n > floor}
        gv = {tuple(v): n for v, n in got if n > floor}
        if rv != gv:
            return "mismatch", "same counts, different variants above the last tie"
        return "equal", f"top-20 counts equal (min {floor}); the {len(rv)} variants above the last tie equal"
    if task.startswith("funnel"):
        if list(ref) != list(got):
            return "mismatch", f"entered: parcours {ref}, peer {got}"
        return "equal", f"entered per step equal: {ref}"
    return "n/a", ""


def floors(sizes: dict) -> list[dict]:
    """The issue's floors, each met or not with the measured numbers (None: not measured)."""
    out = []
    limits = {"dfg": 0.5, "dfg_times": 1.5, "variants": 1.0, "funnel4": 0.3, "funnel20": 1.0}
    names = {"dfg": "transitions, counts only", "dfg_times": "transitions with customers, median, p90",
             "variants": "top-20 variants", "funnel4": "4-step funnel (7 days)", "funnel20": "20-step funnel (7 days)"}
    ten = sizes.get(str(10_000_000))
    for task, limit in limits.items():
        res = {r["tool"]: r for r in (ten or {}).get("results", []) if r["task"] == task and "seconds" in r}
        p = res.get("parcours")
        s = p["seconds"] if p else None
        out.append({"floor": f"{names[task]} at 10M events ≤ {limit} s", "task": task, "kind": "seconds",
                    "limit": limit, "measured": s, "met": None if s is None else s <= limit})
        peers = {t: r["seconds"] for t, r in res.items() if t in HAND_WRITTEN}
        if peers and s:
            best = min(peers, key=peers.get)
            ratio = peers[best] / s
            out.append({"floor": f"{names[task]} at 10M: ≥ 3× faster than the fastest hand-written peer",
                        "task": task, "kind": "ratio", "limit": 3.0, "measured": ratio, "peer": best,
                        "peer_seconds": peers[best], "parcours_seconds": s, "met": ratio >= 3.0})
        else:
            out.append({"floor": f"{names[task]} at 10M: ≥ 3× faster than the fastest hand-written peer",
                        "task": task, "kind": "ratio", "limit": 3.0, "measured": None, "met": None})
        if task in ("dfg", "variants", "dfg_times"):
            pm = res.get("pm4py")
            ratio = pm["seconds"] / s if pm and s else None
            label = "pm4py" if task != "dfg_times" else "pm4py's performance DFG (other statistics; informative)"
            out.append({"floor": f"{names[task]} at 10M: ≥ 20× faster than {label}", "task": task, "kind": "ratio",
                        "limit": 20.0, "measured": ratio, "peer": "pm4py",
                        "peer_seconds": pm["seconds"] if pm else None, "parcours_seconds": s,
                        "ratio_analysis_only": pm.get("seconds_analysis_only", 0) / s if pm and s else None,
                        "met": None if ratio is None else ratio >= 20.0,
                        "informative": task == "dfg_times"})
    hundred = sizes.get(str(100_000_000))
    peaks = [(r["task"], r["peak_rss_gib"]) for r in (hundred or {}).get("results", [])
             if r["tool"] == "parcours" and r["task"] != "index" and "peak_rss_gib" in r]
    worst = max(peaks, key=lambda x: x[1]) if peaks else None
    out.append({"floor": "at 100M events every parcours analysis peaks under 4 GiB", "kind": "memory", "limit": 4.0,
                "measured": worst[1] if worst else None, "task": worst[0] if worst else None,
                "met": None if worst is None else worst[1] < 4.0})
    return out


def _versions() -> dict:
    out = {}
    for p in ("parcours", "duckdb", "ibis-framework", "pyarrow", "numpy", "pandas", "polars", "pm4py",
              "retentioneering"):
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = None
    return out


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"machine": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(), "ram_gib": round(mem, 1),
            "python": platform.python_version()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", default="1000000,10000000", help="comma-separated sizes (100000000 is opt-in)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs inside each process (the median is kept)")
    ap.add_argument("--index-runs", type=int, default=None, help="runs of the index build (default: --runs)")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--memory-limit", default="3GB",
                    help="DuckDB memory_limit for parcours (workspace setting) and the DuckDB SQL peer")
    ap.add_argument("--max-peer-events", type=int, default=30_000_000,
                    help="above this size the in-memory peers (pandas, Polars, pm4py, retentioneering) are "
                         "skipped: they would not fit this machine's RAM")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed per measurement process")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--fresh", action="store_true", help="drop sizes of the previous results not measured now")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    ap.add_argument("--prepare", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        tool, task, ws, runs, memory_limit = args.child
        _child(tool, task, ws, int(runs), memory_limit)
        return
    if args.prepare:
        _prepare_child(*args.prepare)
        return

    tools = [t for t in args.tools.split(",") if t]
    tasks = [t for t in args.tasks.split(",") if t]
    out_path = Path(args.out)
    previous = json.loads(out_path.read_text()) if out_path.exists() and not args.fresh else {}
    sizes = previous.get("sizes", {})
    for n in [int(x) for x in args.events.split(",") if x]:
        ws, info = prepare(n, args.memory_limit)
        _set_memory_limit(ws, args.memory_limit)
        meta = {"date": datetime.now(UTC).isoformat(timespec="seconds"), **_machine(), "versions": _versions(),
                "events": info["events"], "requested_events": n, "seed": SEED, "ingest": info,
                "memory_limit": args.memory_limit, "runs": args.runs, "loadavg_start": list(os.getloadavg()),
                "funnel4": FUNNEL4, "funnel20": FUNNEL20, "window_days": WINDOW_DAYS}
        results, checks = [], []
        if "parcours" in tools and "index" not in tasks:
            r = measure("parcours", "ensure_index", ws, 1, args.memory_limit, args.timeout)
            if "error" in r:
                raise SystemExit(f"cannot build the sequence index: {r['error']}")
        print(f"== {info['events']:,} events (load average {meta['loadavg_start']})", flush=True)
        for task in tasks:
            ref = None
            for tool in tools:
                if task not in SUPPORTED[tool]:
                    continue
                if tool in IN_MEMORY and n > args.max_peer_events:
                    results.append({"tool": tool, "task": task, "skipped": f"in-memory peer above "
                                    f"--max-peer-events={args.max_peer_events:,}"})
                    continue
                runs = args.index_runs or args.runs if task == "index" else args.runs
                r = measure(tool, task, ws, runs, args.memory_limit, args.timeout)
                check = r.pop("check", None)
                if tool == "parcours":
                    ref = check
                elif check is not None and task not in ("scan",):
                    if ref is None:
                        checks.append({"task": task, "tool": tool, "status": "n/a", "detail": "no parcours result"})
                    else:
                        status, detail = compare(task, ref, check)
                        checks.append({"task": task, "tool": tool, "status": status, "detail": detail})
                results.append(r)
                shown = f"{r['seconds']:.3f}s, peak {r['peak_rss_gib']:.2f} GiB" if "seconds" in r else r.get("error")
                print(f"{task:>10} {tool:<16} {shown}", flush=True)
                if checks and checks[-1]["tool"] == tool and checks[-1]["task"] == task:
                    print(f"{'':>10} check: {checks[-1]['status']}: {checks[-1]['detail']}", flush=True)
        meta["loadavg_end"] = list(os.getloadavg())
        meta["date_end"] = datetime.now(UTC).isoformat(timespec="seconds")
        for r in results:
            r["date"] = meta["date"]
        old = sizes.get(str(n))
        if old and not args.fresh:  # (task, tool) pairs not measured now keep their previous rows, dated
            now = {(r["task"], r["tool"]) for r in results}
            kept = [{**r, "date": r.get("date", old["meta"]["date"])} for r in old["results"]
                    if (r["task"], r["tool"]) not in now]
            results = kept + results
            checks = [c for c in old.get("checks", []) if (c["task"], c["tool"]) not in now] + checks
        for r in results:  # ratios against this size's parcours row, wherever it comes from
            base = next((x for x in results if x["task"] == r["task"] and x["tool"] == "parcours"
                         and "seconds" in x), None)
            if base and "seconds" in r:
                r["ratio_vs_parcours"] = r["seconds"] / base["seconds"]
                if "seconds_analysis_only" in r:
                    r["ratio_analysis_only_vs_parcours"] = r["seconds_analysis_only"] / base["seconds"]
        sizes[str(n)] = {"meta": meta, "results": results, "checks": checks}
        tmp = out_path.with_suffix(".json.tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"sizes": sizes}, indent=2))
    data = {"what": {f"{t}/{k}": v for (t, k), v in WHAT.items()}, "sizes": dict(sorted(sizes.items(), key=lambda kv: int(kv[0]))),
            "floors": floors(sizes)}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(data, indent=2))
    out_path.with_suffix(".json.tmp").unlink(missing_ok=True)
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main()
