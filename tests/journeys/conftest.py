"""Generated event logs for the journey tests: ties in timestamps, single-event cases, unicode names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import parcours

ACTIVITIES = ["visite", "panier", "paiement", "Prüfung ✓", "réclamation", "appel ☎"]


def make_log(cases: int = 300, seed: int = 1, tie_share: float = 0.3) -> pd.DataFrame:
    """A log in pm4py's layout, rows shuffled (so ties keep an arbitrary but fixed source order)."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(cases):
        n = 1 if c % 17 == 0 else int(rng.integers(1, 9))
        ts = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(minutes=int(rng.integers(0, 20_000)))
        for _ in range(n):
            if rng.random() > tie_share:
                ts = ts + pd.Timedelta(seconds=int(rng.integers(1, 50_000)))
            rows.append((f"case {c}", ACTIVITIES[int(rng.integers(0, len(ACTIVITIES)))],
                         ts.strftime("%Y-%m-%dT%H:%M:%SZ")))
    df = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])
    return df.sample(frac=1, random_state=seed).reset_index(drop=True)


def reference_order(df: pd.DataFrame) -> pd.DataFrame:
    """The log sorted as parcours and pm4py sort it: by case, then time, ties in source order."""
    out = df.assign(t=pd.to_datetime(df["time:timestamp"]), src=np.arange(len(df)))
    return out.sort_values(["case:concept:name", "t", "src"], kind="stable")


def ingest_log(ws: parcours.Workspace, df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False)
    ws.ingest("events", path)


@pytest.fixture
def log_ws(ws, tmp_path):
    """A workspace holding the generated log (a CSV in pm4py's layout: one customer per case)."""
    df = make_log()
    ingest_log(ws, df, tmp_path / "log.csv")
    return ws, df
