"""parcours against pm4py on the real event logs: directly-follows graph and variants, per case.

Each log of ``../shared/datasets/`` is ingested into a fresh workspace with ``parcours ingest``
(its default event-log mapping), then parcours's ``transitions(by="case")`` and
``variants(by="case")`` are compared with ``pm4py.discover_dfg`` and ``pm4py.get_variants`` on the
same file read by pm4py. Writes ``benchmarks/results/pm4py_validation.json``.

    python benchmarks/validate_pm4py.py [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
LOGS = ("helpdesk.xes.gz", "receipt.csv.gz", "bpic2012.xes.gz")


def _pm4py_log(path: Path):
    import pandas as pd
    import pm4py

    if path.name.endswith((".xes", ".xes.gz")):
        df = pm4py.read_xes(str(path), show_progress_bar=False) if "show_progress_bar" in \
            pm4py.read_xes.__code__.co_varnames else pm4py.read_xes(str(path))
    else:
        df = pd.read_csv(path)
        df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True, format="ISO8601")
    return pm4py.format_dataframe(df, case_id="case:concept:name", activity_key="concept:name",
                                  timestamp_key="time:timestamp")


def validate(path: Path) -> dict:
    import pm4py

    import parcours

    with tempfile.TemporaryDirectory() as tmp:
        ws = parcours.init(Path(tmp) / "ws")
        t0 = time.perf_counter()
        [res] = ws.ingest("events", path)
        ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        ours_dfg = ws.transitions(by="case", times=False).to_pandas()
        ours_var = ws.variants(by="case", top=None).to_pandas()
        ours_s = time.perf_counter() - t0
        ws.close()
    log = _pm4py_log(path)
    t0 = time.perf_counter()
    dfg, _start, _end = pm4py.discover_dfg(log)
    variants = pm4py.get_variants(log)
    theirs_s = time.perf_counter() - t0
    theirs_var = {k: (len(v) if isinstance(v, list) else int(v)) for k, v in variants.items()}
    a = {(r.source, r.target): int(r.count) for r in ours_dfg.itertuples()}
    b = {k: int(v) for k, v in dfg.items()}
    va = {tuple(v): int(c) for v, c in zip(ours_var["variant"], ours_var["count"], strict=True)}
    arcs_diff = sorted(set(a.items()) ^ set(b.items()))
    var_diff = sorted(set(va.items()) ^ set(theirs_var.items()), key=str)
    return {
        "log": path.name, "events": int(res.rows_read), "events_stored": int(res.added),
        "cases": int(log["case:concept:name"].nunique()), "arcs": len(b), "variants": len(theirs_var),
        "dfg_equal": a == b, "variants_equal": va == theirs_var,
        "arcs_differing": [list(map(str, x)) for x in arcs_diff[:10]],
        "variants_differing": len(var_diff),
        "ingest_seconds": ingest_s, "parcours_seconds": ours_s, "pm4py_seconds": theirs_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=str(HERE.parent.parent / "shared" / "datasets"))
    ap.add_argument("--out", default=str(HERE / "results" / "pm4py_validation.json"))
    args = ap.parse_args()
    rows = []
    for name in LOGS:
        path = Path(args.datasets) / name
        if not path.exists():
            print(f"skipped {name}: not in {args.datasets}")
            continue
        r = validate(path)
        rows.append(r)
        print(json.dumps(r), flush=True)
    import pm4py

    meta = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
            "python": platform.python_version(), "pm4py": pm4py.__version__}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"meta": meta, "results": rows}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
