"""Synthetic companies with planted truths: demo data for parcours and ground truth for its tests.

:func:`generate` writes a company's raw exports (CSV with ``,`` or ``;``, JSON Lines, Parquet, each
with its own column names and time format), one mapping per source, a manifest ``sources.yaml``
and ``truth.json``: the true customers and their identifiers, every planted bad row and duplicate,
and the domain truths (leak, moment of truth, personas, weak team, complaint wave, SLA paradox,
churn drivers) with their measured size. Same seed, same bytes.

``truth.json`` holds: ``customers`` (one object per true customer: ``customer``, ``identifiers``
by kind, normalised as parcours normalises them, then ``persona``/``in_crm``/``anonymous`` for
retail or ``churned``/``status``/``segment`` for saas); ``malformed_rows`` (file, 1-based data row,
source column, reason); ``duplicates`` (file, row of the copy, ``original_row``); ``counts`` (rows
per file); and one entry per domain truth, each with a description, its planted parameters and
what the generated rows show (``observed``).

>>> import tempfile
>>> from parcours.synth import generate
>>> result = generate("retail", tempfile.mkdtemp(), events=5_000, seed=1)
>>> [name for name, _, _ in result.sources][:2]
['crm_customers', 'web_analytics']
>>> result.truth["leak"]["channel"]
'app'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from parcours.synth.truth import write_truth
from parcours.synth.writer import plan_extras, write_source

SCENARIOS = ("retail", "saas")
FORMATS = ("native", "csv", "parquet")
EVENT_TABLE = "events"


@dataclass
class SynthResult:
    """What :func:`generate` wrote: folder, sources (name, path, mapping path), truth, rows per file."""

    out: Path
    sources: list[tuple[str, Path, Path]]
    truth: dict[str, Any]
    counts: dict[str, int]


def generate(scenario: str, out: str | Path, *, events: int = 100_000, seed: int = 0, format: str = "native",
             progress: Callable[[str, float], None] | None = None) -> SynthResult:
    """Write the synthetic company ``scenario`` into folder ``out`` and return what was written.

    ``events`` is the total number of rows across the event sources (±2 %; customers scale with
    it); ``format`` "native" keeps each export's realistic format, "csv" or "parquet" writes every
    source in that format (mappings follow). ``progress(stage, fraction)`` is called as work goes.

    >>> import tempfile
    >>> r = generate("saas", tempfile.mkdtemp(), events=5_000, seed=3, format="parquet")
    >>> sorted(r.counts)[0]
    'cases.parquet'
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; allowed: {', '.join(SCENARIOS)}")
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; allowed: {', '.join(FORMATS)}")
    if events < 1000:
        raise ValueError(f"events must be at least 1000 (got {events})")
    report = progress or (lambda stage, fraction: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mappings").mkdir(exist_ok=True)
    rng = np.random.default_rng(seed)
    report("generating", 0.0)
    if scenario == "retail":
        from parcours.synth.retail import generate_company
    else:
        from parcours.synth.saas import generate_company
    company = generate_company(events, rng)
    report("generating", 1.0)

    plans = [plan_extras(src, rng) for src in company.sources]
    manifest, result_sources, counts = [], [], {}
    malformed, duplicates = [], []
    weights = np.array([max(src.n, 1) for src in company.sources], dtype=float)
    done = 0.0
    n_events = 0
    for src, extras in zip(company.sources, plans):
        report(f"writing {src.name}", done / weights.sum())
        written = write_source(src, out, format, extras)
        done += max(src.n, 1)
        manifest.append({"name": src.name, "path": written.path, "mapping": written.mapping})
        result_sources.append((src.name, out / written.path, out / written.mapping))
        counts[written.path] = written.rows
        malformed += written.malformed
        duplicates += written.duplicates
        if src.table == EVENT_TABLE:
            n_events += written.rows
    (out / "sources.yaml").write_text(yaml.safe_dump({"sources": manifest}, sort_keys=False), encoding="utf-8")

    report("writing truth", 0.99)
    truth = {
        "scenario": scenario, "seed": seed, "format": format, "events_requested": events,
        "events_written": n_events, "counts": counts,
        "normalisation": {
            "email": "stripped, lower-cased",
            "phone": "digits with a leading +: spaces, dots, dashes and parentheses removed; 00 -> +; "
                     "a 10-digit national number starting with 0 -> +33 and the 9 digits after the 0",
            "other": "stripped of surrounding spaces, case kept",
        },
        **company.truth,
        "malformed_rows": malformed, "duplicates": duplicates,
    }
    lines = company.identities.customer_lines(company.customer_attrs)
    write_truth(out / "truth.json", truth, lines)
    full = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    report("done", 1.0)
    return SynthResult(out, result_sources, full, counts)


__all__ = ["FORMATS", "SCENARIOS", "SynthResult", "generate"]
