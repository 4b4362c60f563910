"""Synthetic companies with planted truths: demo data for parcours and ground truth for its tests.

:func:`generate` writes a company's raw exports (CSV with ``,`` or ``;``, JSON Lines, Parquet, each
with its own column names and time format), one mapping per source, a manifest ``sources.yaml``
and ``truth.json``: the true customers and their identifiers, every planted bad row and duplicate,
and the domain truths (leak, moment of truth, personas, weak team, complaint wave, SLA paradox,
churn drivers) with their measured size. Same seed, same bytes.

``truth.json`` holds: ``customers`` (one object per true customer: ``customer``, ``identifiers``
by kind, normalised as parcours normalises them, then ``persona``/``in_crm``/``anonymous`` for
retail or ``churned``/``status``/``segment``/``persona`` for saas); ``malformed_rows`` (file, 1-based data row,
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
from contextlib import ExitStack
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

import numpy as np
import yaml

from parcours.synth.common import Shard
from parcours.synth.truth import joined_lines, merge_stats, write_truth
from parcours.synth.writer import SourceFile, plan_extras, write_mapping

SCENARIOS = ("retail", "saas")
FORMATS = ("native", "csv", "parquet")
EVENT_TABLE = "events"
#: Above this many events a company is generated in shards of at most this size (bounded memory).
SHARD_EVENTS = 10_000_000
_LINES = ".truth-customers.part"


@dataclass
class SynthResult:
    """What :func:`generate` wrote: folder, sources (name, path, mapping path), truth, rows per file.

    ``truth`` is ``truth.json``; for a company generated in shards its ``customers`` list is left
    in the file (millions of lines), and ``customers`` always gives their number.
    """

    out: Path
    sources: list[tuple[str, Path, Path]]
    truth: dict[str, Any]
    counts: dict[str, int]
    customers: int = 0


@dataclass
class _Files:
    """The output files of a generation, filled shard after shard."""

    out: Path
    format: str
    stack: ExitStack
    lines: BinaryIO
    sources: dict[str, SourceFile]
    tables: dict[str, str]
    manifest: list[dict[str, str]]
    malformed: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]
    customers: int = 0


def generate(scenario: str, out: str | Path, *, events: int = 100_000, seed: int = 0, format: str = "native",
             progress: Callable[[str, float], None] | None = None,
             shard_events: int | None = None) -> SynthResult:
    """Write the synthetic company ``scenario`` into folder ``out`` and return what was written.

    ``events`` is the total number of rows across the event sources (±2 %; customers scale with
    it); ``format`` "native" keeps each export's realistic format, "csv" or "parquet" writes every
    source in that format (mappings follow). ``progress(stage, fraction)`` is called as work goes.

    Memory grows with the company, so above ``shard_events`` events (default
    :data:`SHARD_EVENTS`) it is generated in k shards of about ``events / k`` events: independent
    companies (seeds spawned from ``seed``) whose identifiers never meet, appended to the same
    files one after the other and described by one ``truth.json`` (counts and measures summed, bad
    rows renumbered in the merged files, customers listed shard after shard). One shard is in
    memory at a time; up to ``shard_events`` the output is the single company it always was.
    ``sources.yaml`` is written last: a folder that has it is complete.

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
    size = SHARD_EVENTS if shard_events is None else shard_events
    if size < 2000:
        raise ValueError(f"shard_events must be at least 2000 (got {size})")
    report = progress or (lambda stage, fraction: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mappings").mkdir(exist_ok=True)
    (out / "sources.yaml").unlink(missing_ok=True)
    module = import_module(f"parcours.synth.{scenario}")
    k = -(-events // size)
    parts = [events // k + (i < events % k) for i in range(k)]
    seeds = [seed] if k == 1 else np.random.SeedSequence(seed).spawn(k)
    stats: dict[str, Any] = {}
    try:
        with ExitStack() as stack:
            files = _Files(out, format, stack, stack.enter_context(open(out / _LINES, "wb")), {}, {}, [], [], [])
            for i in range(k):
                shard_stats = _shard(module, files, parts[i], np.random.default_rng(seeds[i]), Shard(i, k), report)
                stats = merge_stats(stats, shard_stats)
    except BaseException:
        (out / _LINES).unlink(missing_ok=True)
        raise
    counts = {f.rel: f.rows for f in files.sources.values()}
    n_events = sum(f.rows for name, f in files.sources.items() if files.tables[name] == EVENT_TABLE)

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
        **module.truths(stats),
        "malformed_rows": files.malformed, "duplicates": files.duplicates,
    }
    write_truth(out / "truth.json", truth, out / _LINES)
    (out / _LINES).unlink()
    (out / "sources.yaml").write_text(yaml.safe_dump({"sources": files.manifest}, sort_keys=False),
                                      encoding="utf-8")
    if k == 1:
        truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    else:
        truth = json.loads(json.dumps(truth, ensure_ascii=False))
    report("done", 1.0)
    result_sources = [(m["name"], out / m["path"], out / m["mapping"]) for m in files.manifest]
    return SynthResult(out, result_sources, truth, counts, files.customers)


def _shard(module: ModuleType, files: _Files, events: int, rng: np.random.Generator, shard: Shard,
           report: Callable[[str, float], None]) -> dict[str, Any]:
    """Generate one shard, append it to the files and the customer lines; returns its measures.

    Everything the shard built is local here, so it is freed before the next shard is generated.
    """
    i, k = shard.index, shard.count
    label = "" if k == 1 else f"shard {i + 1}/{k}: "

    def at(part: float) -> float:  # shards fill the bar up to "writing truth" (0.99), half generating
        return float(0.98 * (i + part) / k)

    report(label + "generating", at(0.0) if k > 1 else 0.0)
    company = module.generate_company(events, rng, shard)
    report(label + "generating", at(0.5) if k > 1 else 1.0)
    plans = [plan_extras(src, rng) for src in company.sources]
    weights = np.array([max(src.n, 1) for src in company.sources], dtype=float)
    done = 0.0
    for src, extras in zip(company.sources, plans):
        written_share = float(done / weights.sum())
        report(label + f"writing {src.name}", at(0.5 + 0.5 * written_share) if k > 1 else written_share)
        f = files.sources.get(src.name)
        if f is None:  # the first shard opens the file and writes the mapping (the same for every shard)
            f = files.sources[src.name] = files.stack.enter_context(SourceFile(src, files.out, files.format))
            mapping = write_mapping(src, files.out, files.format)
            files.manifest.append({"name": src.name, "path": f.rel, "mapping": mapping})
            files.tables[src.name] = src.table
        written = f.write(src, extras)
        files.malformed += written.malformed
        files.duplicates += written.duplicates
        done += max(src.n, 1)
    lines = company.identities.customer_lines(company.customer_attrs, first=files.customers)
    if files.customers:
        files.lines.write(b",\n")
    files.lines.write(joined_lines(lines))
    files.customers += company.identities.n
    return company.stats


__all__ = ["FORMATS", "SCENARIOS", "SHARD_EVENTS", "SynthResult", "generate"]
