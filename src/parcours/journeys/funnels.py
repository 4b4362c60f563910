"""Funnels: how many customers go through ordered steps within a conversion window, and who drops.

Definition (PostHog's funnel semantics), for each customer (or case) and events ordered by
``(timestamp, seq)``:

- **ordered** (default): the customer reaches step *k* if some events e1, …, ek of steps 1…k
  occur in that order (other events may come between) with ``time(ek) - time(e1) <= window``
  (the window is inclusive and measured from step 1). Every occurrence of step 1 is a possible
  start: the customer's best attempt counts.
- **strict**: the same, but each step's event is the customer's very next event after the
  previous step's event (nothing in between).
- **unordered**: the customer reaches step *k* ("k of n steps") if k distinct steps occur, in any
  order, within ``window`` of the first of them.

A step is an activity name or a glob pattern (``checkout_*``); one event can serve as several
steps only if it comes later in the sequence (steps A → B → A need two A events). Per step:
``entered`` (customers reaching it), ``converted`` (of those, reaching the next step),
``conversion``, ``dropped``, ``overall_conversion`` (entered / entered at step 1) and
``median_seconds_to_convert`` to the next step. Times come from the attempt that counts: the
latest start that still reaches the deepest step, each step at its earliest event after the
previous one (the tightest chain). An **exclusion** drops from the funnel every customer whose
counted attempt has an event of the excluded activity between two given steps (or, if the attempt
stops between them, after the first of the two and within the window).

The work is one window pass per step over the events that match a step (an as-of join written
with a running maximum, the same SQL on every engine), on the sequence index.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "log.csv").write_text("case:concept:name,concept:name,time:timestamp\\n"
...     "c1,view,2024-01-01T10:00:00Z\\nc1,buy,2024-01-01T10:05:00Z\\nc2,view,2024-01-01T11:00:00Z\\n"
...     "c2,buy,2024-01-09T11:00:00Z\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "log.csv")
>>> funnel(ws.con, ["view", "buy"], window="7d").to_pandas()[["step", "entered", "converted"]]
   step  entered  converted
0  view        2        1.0
1   buy        1        NaN
"""

from __future__ import annotations

import fnmatch
import functools
import operator
import os
import re
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from parcours.config import JourneyConfig, TouchpointConfig
from parcours.errors import ParcoursError
from parcours.ingest.sql import ident, lit
from parcours.journeys.index import (
    INDEX,
    SPAN,
    activity_codes,
    from_epoch_us,
    sequence_index,
    unit_keys,
    unit_names,
    units,
)
from parcours.warehouse import temp_name

ORDERS = ("ordered", "strict", "unordered")
#: The breakdown value of customers without one.
NONE = "(none)"
_UNITS = {"us": 1, "ms": 1_000, "s": 1_000_000, "m": 60_000_000, "min": 60_000_000, "h": 3_600_000_000,
          "d": 86_400_000_000, "w": 604_800_000_000}


class FunnelError(ParcoursError, ValueError):
    """A funnel that cannot be computed as asked (unknown step, bad window, bad option)."""


@dataclass(frozen=True)
class Exclusion:
    """Customers with an event of ``activity`` (glob) between steps ``after`` and ``before`` (1-based) are left out."""

    activity: str
    after: int = 1
    before: int | None = None  # None: the last step


def window_us(window: str | timedelta | int | None) -> int | None:
    """A conversion window as microseconds: ``"7d"``, ``"12h"``, ``"90m"``, ``"30s"``, a timedelta, or None."""
    if window is None:
        return None
    if isinstance(window, timedelta):
        return int(window / timedelta(microseconds=1))
    if isinstance(window, int):
        return window * 1_000_000
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|m|h|d|w)\s*", str(window))
    if not m:
        raise FunnelError(f"window {window!r}: expected a number and a unit (s, m, h, d, w), e.g. '7d'")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def _codes_for(table: pa.Table, pattern: str) -> list[int]:
    """Codes of the activities (``table``: code, activity) matching an exact name or a glob pattern."""
    names = table.column("activity").to_pylist()
    codes = table.column("code").to_pylist()
    if any(ch in pattern for ch in "*?["):
        hit = [c for c, a in zip(codes, names, strict=True) if a is not None and fnmatch.fnmatchcase(a, pattern)]
    else:
        hit = [c for c, a in zip(codes, names, strict=True) if a == pattern]
    if not hit:
        close = [a for a in names if a and pattern.lower() in a.lower()][:5]
        raise FunnelError(f"step {pattern!r} matches no activity" + (f"; did you mean {', '.join(close)}?" if close else ""))
    return hit


#: A funnel step: an activity name or glob, several of them (any one), or touchpoints
#: (``TouchpointConfig``: an activity glob and an optional channel glob), as a journey stage has.
Step = str | Sequence[str | TouchpointConfig]


@dataclass
class _Matcher:
    """Which events a step matches: (activity codes, channels or None for any) alternatives."""

    alternatives: list[tuple[list[int], list[str] | None]]

    @property
    def codes(self) -> list[int]:
        return sorted({c for codes, _chans in self.alternatives for c in codes})

    def sql(self) -> str:
        """The same test as SQL text over columns ``code`` and ``channel``."""
        parts = []
        for codes, chans in self.alternatives:
            cond = f"code IN ({', '.join(str(int(c)) for c in codes)})"
            if chans is not None:
                cond += f" AND channel IN ({', '.join(lit(c) for c in chans)})"
            parts.append(f"({cond})")
        return " OR ".join(parts)

    def test(self, t: ibis.Table) -> ibis.BooleanValue:
        tests = [t.code.isin(codes) & (t.channel.isin(chans) if chans is not None else True)
                 for codes, chans in self.alternatives]
        return functools.reduce(operator.or_, tests)


def _step_matcher(con: BaseBackend, names: pa.Table, step: Step) -> _Matcher:
    parts = [step] if isinstance(step, str | TouchpointConfig) else list(step)
    if not parts:
        raise FunnelError("a funnel step needs at least one activity")
    out = []
    for part in parts:
        if isinstance(part, TouchpointConfig):
            chans = None
            if part.channel is not None:
                known = [c for c in _channels(con) if c is not None]
                chans = [c for c in known if fnmatch.fnmatchcase(c, part.channel)] or ["\ue000"]  # nothing
            out.append((_codes_for(names, part.activity), chans))
        else:
            out.append((_codes_for(names, str(part)), None))
    return _Matcher(out)


def _channels(con: BaseBackend) -> list[str | None]:
    index = sequence_index(con)
    return index.select("channel").distinct().channel.to_pyarrow().to_pylist()


def _label(step: Step) -> str:
    if isinstance(step, str):
        return step
    if isinstance(step, TouchpointConfig):
        return step.activity + (f"@{step.channel}" if step.channel else "")
    return " | ".join(_label(p) for p in step)


@dataclass
class _Levels:
    """Per step, the events that reach it, with their attempt's chain (positions and times)."""

    unit: str
    reached: Sequence[ibis.Table]  # level k: u, pos, us, p1..pk, t1..tk (1-based columns)
    steps: int
    cached: list[ibis.Table] = field(default_factory=list)  # temporary tables to release
    dropped: list[tuple[str, bool]] = field(default_factory=list)  # scratch (name, is a view): DuckDB path
    raw: object = None
    chains: object = None  # the array levels (parcours.journeys.chains.Chains), when computed that way
    counts: pd.DataFrame | None = None  # per step: entered, median (a plain funnel counted by chunks)

    def release(self) -> None:
        for t in self.cached:
            t.release()
        self.cached.clear()
        for name, is_view in reversed(self.dropped):  # the last made is dropped first
            self.raw.execute(f"DROP {'VIEW' if is_view else 'TABLE'} IF EXISTS {ident(name)}")
        self.dropped.clear()


def _levels(con: BaseBackend, steps: Sequence[str], window: int | None, order: str, by: str,
            tolerance: int | None = None, counts_only: bool = False) -> _Levels:
    if order not in ORDERS:
        raise FunnelError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    if tolerance is not None and (order != "ordered" or con.name != "duckdb"):
        raise FunnelError("a simultaneity tolerance applies to ordered funnels on the embedded DuckDB engine")
    if len(steps) < 1:
        raise FunnelError("a funnel needs at least one step")
    index = sequence_index(con)
    rows, unit, pos, _nc, _nu = units(index, by)
    uid, key = unit_keys(by)
    names = activity_codes(con).to_pyarrow()
    matchers = [_step_matcher(con, names, s) for s in steps]
    every = sorted({c for m in matchers for c in m.codes})
    # Integer customer ids (u) and one ordering key (g = u * SPAN + pos): cheap to sort and join.
    # Types pinned: an engine may store the positions as 32-bit integers (Spark's row_number).
    ev = rows.filter(rows.code.isin(every)).select(u=rows[uid], pos=rows[pos].cast("int64"), g=rows[key],
                                                   us=rows.us.cast("int64"), code=rows.code, channel=rows.channel)
    if order == "unordered":
        return _unordered(ev, matchers, window, unit)
    if con.name == "duckdb" and (ARRAY_LEVELS or tolerance is not None):
        return _levels_arrays(con, ev, matchers, window, order, unit, by, tolerance, counts_only)
    if con.name == "duckdb" and order == "ordered":
        return _levels_duckdb(con, ev, matchers, window, unit)
    level = ev.filter(matchers[0].test(ev)).select("u", "pos", "g", "us", p1=ev.pos, t1=ev.us)
    reached = [level]
    cached: list[ibis.Table] = []
    for k in range(2, len(steps) + 1):
        cand = ev.filter(matchers[k - 1].test(ev)).select("u", "pos", "g", "us")
        prev_cols = [f"p{j}" for j in range(1, k)] + [f"t{j}" for j in range(1, k)]
        if order == "strict":
            prev = reached[-1]
            j = cand.join(prev, [cand.u == prev.u, cand.pos == prev.pos + 1])
            nxt = j.select(u=cand.u, pos=cand.pos, g=cand.g, us=cand.us, **{c: prev[c] for c in prev_cols})
        elif con.name == "duckdb":
            # The engine's as-of join: for each candidate, the latest event before it that reached
            # the previous step. Reached events' chain columns never decrease along the sequence, so
            # the latest one carries the latest start (the attempt with the most room in the window).
            # One integer key: the latest earlier key may belong to the previous customer.
            prev = reached[-1]
            pr = prev.select(pu=prev.u, pg=prev.g, **{c: prev[c] for c in prev_cols})
            j = cand.asof_join(pr, on=cand.g > pr.pg)
            nxt = j.filter(j.pu == j.u).select("u", "pos", "g", "us", *prev_cols)
        else:
            # The same as-of join written as a running maximum (engines without ASOF JOIN): a
            # reached event sorts after a candidate at the same position (it cannot serve twice).
            prev = reached[-1].select("u", "pos", "g", "us", *prev_cols, kind=ibis.literal(1))
            cand = cand.select("u", "pos", "g", "us", *[ibis.null("int64").name(c) for c in prev_cols],
                               kind=ibis.literal(0))
            both = prev.union(cand)
            w = ibis.cumulative_window(group_by=both.u, order_by=[both.pos, both.kind])
            both = both.mutate(**{c: both[c].max().over(w) for c in prev_cols})
            nxt = both.filter((both.kind == 0) & both.p1.notnull()).select("u", "pos", "g", "us", *prev_cols)
        nxt = nxt.mutate(**{f"p{k}": nxt.pos, f"t{k}": nxt.us})
        if window is not None:
            nxt = nxt.filter(nxt.us - nxt.t1 <= window)
        nxt = nxt.cache()  # computed once: every later step and every count reads it
        cached.append(nxt)
        reached.append(nxt)
    return _Levels(unit, reached, len(steps), cached)


#: On the embedded engine, compute ordered and strict levels as array operations
#: (:mod:`parcours.journeys.chains`) rather than one as-of join per step (tests compare both).
ARRAY_LEVELS = True


#: A plain funnel (no breakdown, no exclusions) reads the index in slices of about this many rows,
#: whole units each, so its memory stays bounded whatever the warehouse's size.
CHUNK_ROWS = 10_000_000
#: From this many index rows on, a plain funnel counts two slices at once (on machines with two
#: cores or more): one is read while the other is counted.
PARALLEL_ROWS = 2_000_000


def _levels_arrays(con: BaseBackend, ev: ibis.Table, matchers: list[_Matcher], window: int | None, order: str,
                   unit: str, by: str, tolerance: int | None = None, counts_only: bool = False) -> _Levels:
    """The levels from the matched events read once, in the index's order (see :mod:`.chains`).

    ``counts_only``: only the per-step counts are wanted; the units are then taken in slices of
    about :data:`CHUNK_ROWS` index rows (a unit's events never straddle two), two at a time on
    separate connections above :data:`PARALLEL_ROWS` (one slice is read while the other is
    counted, and NumPy and DuckDB both let go of the interpreter while they work).
    """
    from parcours.journeys import chains

    if not counts_only:
        built = chains.build(*_matched_events(con, ev, matchers, by), window, order, tolerance)
        return _Levels(unit, chains.LazyLevels(built), len(matchers), chains=built)
    raw = con.con
    n_rows = raw.execute(f"SELECT count(*) FROM {ident(INDEX)}").fetchone()[0]
    workers = 2 if n_rows >= PARALLEL_ROWS and (os.cpu_count() or 1) > 1 else 1
    slices = max(workers, -(-n_rows // CHUNK_ROWS))
    bounds: list[int | None] = [None]
    if slices > 1:  # unit ids are dense from 0: cut their range evenly
        ids = unit_names(con, "case" if by == "case" else "customer")
        n_units = int(ids.count().to_pyarrow().as_py())
        bounds = [n_units * i // slices * SPAN for i in range(1, slices)] + [None]
    by_runs = order == "ordered" and tolerance is None
    queries, lo = [], None
    for hi in bounds:
        part = ev
        if lo is not None:
            part = part.filter(part.g >= lo)
        if hi is not None:
            part = part.filter(part.g < hi)
        queries.append(con.compile(_matched_columns(part, matchers, by)))
        lo = hi

    def count(sql: str) -> list[tuple[int, np.ndarray]]:
        cur = raw.cursor() if workers > 1 else raw  # one connection per thread
        try:
            table = cur.execute(sql).to_arrow_table()
        finally:
            if cur is not raw:
                cur.close()
        events, masks = _matched_arrays(table, matchers, by, positions=not by_runs)
        del table
        if by_runs:  # runs stand for their events: see level_counts
            return chains.level_counts(events["u"], events["us"], masks, window)
        return chains.build(events, masks, window, order, tolerance).step_gaps()

    with ThreadPoolExecutor(workers) as pool:
        per_slice = list(pool.map(count, queries))
    entered = np.array([sum(r[k][0] for r in per_slice) for k in range(len(matchers))], dtype=np.int64)
    gaps = [np.concatenate([r[k][1] for r in per_slice]) for k in range(len(matchers))]
    medians = [float(np.median(g)) if k and len(g) else float("nan") for k, g in enumerate(gaps)]
    counts = pd.DataFrame({"entered": entered, "median": medians, "step_index": np.arange(1, len(matchers) + 1)})
    return _Levels(unit, [], len(matchers), counts=counts)


def _matched_columns(ev: ibis.Table, matchers: list[_Matcher], by: str) -> ibis.Table:
    """What the array levels read of the matched events."""
    by_channel = any(chans is not None for m in matchers for _c, chans in m.alternatives)
    # g = unit id * SPAN + position: u and pos come from it (fewer columns to read), except the
    # session's id, which is not the customer's
    return ev.select(*(["u"] if by == "session" else []), "g", "us", "code", *(["channel"] if by_channel else []))


def _matched_events(con: BaseBackend, ev: ibis.Table, matchers: list[_Matcher], by: str,
                    positions: bool = True) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """The events matching any step (u, g, us, and pos if ``positions``; in ``g`` order) and, per
    step, which match it."""
    return _matched_arrays(con.to_pyarrow(_matched_columns(ev, matchers, by)), matchers, by, positions)


def _matched_arrays(events: pa.Table, matchers: list[_Matcher], by: str,
                    positions: bool = True) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """:func:`_matched_events` from the rows read."""
    import pyarrow.compute as pc

    by_channel = "channel" in events.column_names
    order = _g_order(events.column("g").to_numpy())
    arrays = {name: _reordered(events.column(name).to_numpy(), order)
              for name in ("u", "g", "us", "code") if name in events.column_names}
    g = arrays["g"]
    derived = {"u": arrays["u"] if by == "session" else _high_words(g), "g": g, "us": arrays["us"]}
    if positions:
        derived["pos"] = g & (SPAN - 1)
    # Each step's test, read once per event: equality with its code (or one of a few codes), or
    # a lookup table indexed by activity code (and channel).
    code = arrays["code"]
    size = int(code.max()) + 1 if len(code) else 1
    if by_channel:
        channel = events.column("channel")
        if order is not None:
            channel = channel.take(pa.array(_reordered(np.arange(len(channel)), order)))
        enc = pc.dictionary_encode(channel).combine_chunks()
        names = enc.dictionary.to_pylist() + [None]
        chan = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        chan = np.where(enc.is_null().to_numpy(zero_copy_only=False), len(names) - 1, chan)
        flat = code.astype(np.int64) * len(names) + chan
    masks, seen = [], {}
    for m in matchers:
        key = repr(m.alternatives)
        if key not in seen:
            if by_channel:
                lut = np.zeros(size * len(names), dtype=bool)
                for codes, chans in m.alternatives:
                    for c in codes:
                        for i, n in enumerate(names):
                            if c < size and (chans is None or n in chans):
                                lut[c * len(names) + i] = True
                seen[key] = lut[flat]
            elif len(m.codes) <= 4:
                mask = np.zeros(len(code), dtype=bool)
                for c in m.codes:
                    mask |= code == c
                seen[key] = mask
            else:
                lut = np.zeros(size, dtype=bool)
                lut[[c for c in m.codes if c < size]] = True
                seen[key] = lut[code]
        masks.append(seen[key])
    return derived, masks


def _g_order(g: np.ndarray) -> list[tuple[int, int]] | np.ndarray | None:
    """How to put rows read from the index back in ``g`` order: None (they are), the row ranges
    to concatenate, or a permutation.

    A parallel scan of the (sorted) index hands back its chunks slightly out of order: sorted runs
    whose ranges do not overlap, put back in place by concatenating them, not by a sort.
    """
    breaks = np.flatnonzero(g[1:] < g[:-1]) + 1
    if not len(breaks):
        return None
    starts, ends = np.r_[0, breaks], np.r_[breaks, len(g)]
    runs = np.argsort(g[starts], kind="stable")
    if bool(np.all(g[ends[runs[:-1]] - 1] < g[starts[runs[1:]]])):
        return [(int(starts[r]), int(ends[r])) for r in runs]
    return np.argsort(g, kind="stable")


def _reordered(values: np.ndarray, order: list[tuple[int, int]] | np.ndarray | None) -> np.ndarray:
    """``values`` in the order :func:`_g_order` gave."""
    if order is None:
        return values
    if isinstance(order, list):
        return np.concatenate([values[a:b] for a, b in order])
    return values[order]


def _high_words(g: np.ndarray) -> np.ndarray:
    """``g >> 32`` (the unit id, as SPAN is 2**32), read in place where the platform allows."""
    if SPAN == 1 << 32 and sys.byteorder == "little" and g.dtype == np.int64 and g.flags.c_contiguous \
            and (not len(g) or int(g[-1]) < 1 << 62):  # ids fit 31 bits (g is sorted, so its last is its max)
        return g.view(np.int32)[1::2]
    return g >> (SPAN.bit_length() - 1)


def _levels_duckdb(con: BaseBackend, ev: ibis.Table, matchers: list[_Matcher], window: int | None,
                   unit: str) -> _Levels:
    """The ordered levels on DuckDB, one plain ``ASOF JOIN`` statement per step.

    The same result as the Ibis expressions (the Spark test compares them); written as SQL text
    because compiling twenty growing expressions cost more than running them.
    """
    raw = con.con
    events = temp_name("funnel_events")
    raw.execute(f"CREATE TEMP VIEW {ident(events)} AS {con.compile(ev)}")
    made = [(events, True)]
    first = temp_name("funnel_level")
    raw.execute(f"CREATE TEMP VIEW {ident(first)} AS SELECT u, pos, g, us, pos AS p1, us AS t1 "
                f"FROM {ident(events)} WHERE {matchers[0].sql()}")
    made.append((first, True))
    names = [first]
    for k in range(2, len(matchers) + 1):
        carried = [f"p{j}" for j in range(1, k)] + [f"t{j}" for j in range(1, k)]
        name = temp_name("funnel_level")
        within = f" AND c.us - p.t1 <= {int(window)}" if window is not None else ""
        raw.execute(
            f"CREATE TEMP TABLE {ident(name)} AS SELECT c.u, c.pos, c.g, c.us, "
            f"{', '.join('p.' + x for x in carried)}, c.pos AS p{k}, c.us AS t{k} "
            f"FROM (SELECT u, pos, g, us FROM {ident(events)} WHERE {matchers[k - 1].sql()}) c "
            f"ASOF JOIN (SELECT u AS pu, g AS pg, {', '.join(carried)} FROM {ident(names[-1])}) p "
            f"ON c.g > p.pg WHERE p.pu = c.u{within}")
        made.append((name, False))
        names.append(name)
    levels = _Levels(unit, [con.table(n) for n in names], len(matchers))
    levels.dropped = made
    levels.raw = raw
    return levels


def _unordered(ev: ibis.Table, matchers: list[_Matcher], window: int | None, unit: str) -> _Levels:
    """Per start event, the steps seen at or after it within the window (any order)."""
    n = len(matchers)
    w = ibis.window(group_by=ev.u, order_by=ev.pos, preceding=0, following=None)
    nexts = {f"n{k}": ibis.ifelse(matchers[k].test(ev), ev.us, ibis.null("int64")).min().over(w)
             for k in range(n)}
    starts = ev.mutate(**nexts)
    limit = (starts.us + window) if window is not None else None
    hits = [ibis.ifelse(starts[f"n{k}"].notnull() & ((starts[f"n{k}"] <= limit) if limit is not None else True),
                        1, 0) for k in range(n)]
    last = [ibis.ifelse(hits[k] == 1, starts[f"n{k}"], starts.us) for k in range(n)]
    starts = starts.mutate(covered=sum(hits[1:], hits[0]), end=ibis.greatest(*last) if n > 1 else last[0])
    reached = []
    for k in range(1, n + 1):
        r = starts.filter(starts.covered >= k)
        reached.append(r.select("u", "pos", us=r.end, p1=r.pos, t1=r.us))
    return _Levels(unit, reached, n)


def _attempts(lv: _Levels, positions: Sequence[int] = ()) -> list[ibis.Table]:
    """Per level, one row per unit: its first event reaching that level (the counted attempt).

    Each row keeps the attempt's start ``t1``, the times of this step and the one before
    (``t{k-1}``, ``t{k}``), ``us_first`` (when the level was reached) and the positions of the
    steps in ``positions`` (for exclusions): only what the counts need, computed in one aggregate.
    """
    if lv.chains is not None:
        return [ibis.memtable(lv.chains.attempts(k, positions)) for k in range(1, lv.steps + 1)]
    out = []
    for k, r in enumerate(lv.reached, start=1):
        wanted = {"t1", f"t{k - 1}", f"t{k}"} | {f"p{j}" for j in positions if j <= k}
        agg = {c: r[c].argmin(r.pos) for c in sorted(wanted) if c in r.columns}
        agg["us_first"] = r.us.argmin(r.pos)
        out.append(r.group_by("u").aggregate(**agg))
    return out


def _exclusion_steps(exclusions: Sequence[Exclusion], steps: int) -> list[int]:
    return sorted({j for ex in exclusions for j in (ex.after, ex.before or steps)})


def _excluded(con: BaseBackend, lv: _Levels, attempts: list[ibis.Table], exclusions: Sequence[Exclusion],
              window: int | None, by: str) -> ibis.Table | None:
    """Units whose counted attempt has an excluded event between the given steps."""
    if not exclusions:
        return None
    index = sequence_index(con)
    rows, _unit, pos, _nc, _nu = units(index, by)
    names = activity_codes(con).to_pyarrow()
    out = None
    for ex in exclusions:
        before = ex.before or lv.steps
        if not 1 <= ex.after < before <= lv.steps:
            raise FunnelError(f"exclusion {ex.activity!r}: steps must satisfy 1 <= after < before <= {lv.steps}")
        xs = rows.filter(rows.code.isin(_codes_for(names, ex.activity))).select(
            u=rows[unit_keys(by)[0]], xpos=rows[pos].cast("int64"), xus=rows.us.cast("int64"))
        done = attempts[before - 1]  # attempts that reached `before`: an excluded event strictly between
        a, b = f"p{ex.after}", f"p{before}"
        j = done.join(xs, done.u == xs.u)
        hit_done = j.filter((j.xpos > j[a]) & (j.xpos < j[b])).select("u")
        # attempts that reached `after` but not `before`: an excluded event after `after`, within the window
        partial = attempts[ex.after - 1].anti_join(done, "u")
        jp = partial.join(xs, partial.u == xs.u)
        cond = jp.xpos > jp[a]
        if window is not None:
            cond = cond & (jp.xus <= jp.t1 + window)
        hit_partial = jp.filter(cond).select("u")
        both = hit_done.union(hit_partial)
        out = both if out is None else out.union(both)
    return out.distinct()


def funnel(con: BaseBackend, steps: Sequence[Step], *, window: str | timedelta | int | None = "14d",
           order: str = "ordered", by: str = "customer", exclusions: Sequence[Exclusion] = (),
           breakdown: str | None = None, labels: Sequence[str] | None = None,
           tolerance: str | timedelta | int | None = None) -> ibis.Table:
    """Conversion through ``steps`` (see the module docstring for the exact definition).

    Returns one row per step (and per breakdown value): ``step_index``, ``step``, ``entered``,
    ``converted``, ``conversion``, ``dropped``, ``overall_conversion``,
    ``median_seconds_to_convert``. ``breakdown``: ``channel`` (the channel of the customer's
    first step-1 event), a column of ``customers`` (``segment``, ``region``, …), or several
    (``channel+segment``: one column of that name, values joined by " · "). ``labels``:
    the steps' names in the result (default: their patterns). ``tolerance`` (e.g. ``"5s"``): events
    that close count as simultaneous, so a step may be logged up to that long before the step it
    follows (a payment stamped a second before its order); ordered funnels, embedded engine.
    """
    w = window_us(window)
    plain = not exclusions and not breakdown  # only the per-step counts are needed
    lv = _levels(con, steps, w, order, by, window_us(tolerance), counts_only=plain)
    try:
        return _funnel_table(con, lv, steps, w, order, by, exclusions, breakdown, labels)
    finally:
        lv.release()


def _funnel_table(con: BaseBackend, lv: _Levels, steps: Sequence[Step], w: int | None, order: str, by: str,
                  exclusions: Sequence[Exclusion], breakdown: str | None,
                  names: Sequence[str] | None = None) -> ibis.Table:
    labels = (list(names) if names else [_label(x) for x in steps]) if order != "unordered" else [f"{k} of {len(steps)} steps" for k in range(1, len(steps) + 1)]
    if lv.counts is not None:  # counted straight from the arrays
        return _shape(lv.counts, [], lv.steps, labels, None)
    attempts = _attempts(lv, _exclusion_steps(exclusions, lv.steps))
    excluded = _excluded(con, lv, attempts, exclusions, w, by)
    groups = _breakdown(con, lv, breakdown, by) if breakdown else None
    # One query for every step: entered, and the median time from the step before (whose
    # 'converted' is this step's 'entered').
    keys = ["b"] if groups is not None else []
    parts = []
    for k, att in enumerate(attempts, start=1):
        a = att if excluded is None else att.anti_join(excluded, "u")
        if k == 1:
            gap = ibis.null("float64")
        elif order == "unordered":
            gap = (a.us_first - a.t1).cast("float64") / 1e6
        else:
            gap = (a[f"t{k}"] - a[f"t{k - 1}"]).cast("float64") / 1e6
        a = a.mutate(gap=gap)
        if groups is not None:
            a = a.join(groups, "u")
        g = a.group_by(keys) if keys else a
        parts.append(g.aggregate(entered=a.count().cast("int64"), median=a.gap.median().cast("float64"))
                     .mutate(step_index=ibis.literal(k, "int64")))
    stats = ibis.union(*parts) if len(parts) > 1 else parts[0]
    return _shape(stats.to_pandas(), keys, lv.steps, labels, breakdown)


def _shape(raw: pd.DataFrame, keys: list[str], steps: int, labels: Sequence[str],
           breakdown: str | Sequence[str] | None) -> ibis.Table:
    """The funnel table from per-step ``entered`` and ``median`` (and breakdown value ``b``)."""
    nxt = raw.assign(step_index=raw.step_index - 1).rename(columns={"entered": "converted", "median": "median_next"})
    df = raw.merge(nxt, on=[*keys, "step_index"], how="left").drop(columns=["median"]).rename(
        columns={"median_next": "median"})
    if keys:  # every breakdown value gets every step, with zeros where nobody got there
        grid = pd.MultiIndex.from_product([sorted(df["b"].dropna().unique()), range(1, steps + 1)],
                                          names=["b", "step_index"])
        df = df.set_index(["b", "step_index"]).reindex(grid).reset_index()
        df["entered"] = df["entered"].fillna(0).astype("int64")
    df["step"] = df["step_index"].map(lambda k: labels[k - 1])
    first = df[df.step_index == 1].set_index(keys)["entered"] if keys else df.loc[df.step_index == 1, "entered"].iloc[0]
    if keys:
        df["overall_conversion"] = df["entered"] / df["b"].map(first).where(lambda x: x > 0)
    else:
        df["overall_conversion"] = df["entered"] / first if first else float("nan")
    last = df.step_index == steps
    df.loc[~last, "converted"] = df.loc[~last, "converted"].fillna(0)
    df["converted"] = pd.to_numeric(df["converted"], errors="coerce").astype("float64")
    df["median"] = pd.to_numeric(df["median"], errors="coerce").astype("float64")
    df["conversion"] = df["converted"] / df["entered"].where(df["entered"] > 0)
    df["dropped"] = df["entered"] - df["converted"]
    if breakdown is not None and not isinstance(breakdown, str):
        breakdown = "+".join(breakdown)
    df = df.rename(columns={"median": "median_seconds_to_convert", "b": breakdown or "b"})
    cols = ([breakdown] if breakdown else []) + ["step_index", "step", "entered", "converted", "conversion",
                                                 "dropped", "overall_conversion", "median_seconds_to_convert"]
    df = df.sort_values(([breakdown] if breakdown else []) + ["step_index"], kind="stable")[cols]
    schema = {"step_index": pa.int64(), "step": pa.string(), "entered": pa.int64(), "converted": pa.int64(),
              "conversion": pa.float64(), "dropped": pa.int64(), "overall_conversion": pa.float64(),
              "median_seconds_to_convert": pa.float64()}
    if breakdown:
        df[breakdown] = df[breakdown].astype(object)
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    table = table.cast(pa.schema([pa.field(c, schema.get(c, pa.string())) for c in table.column_names]))
    return ibis.memtable(table)


#: Joins the values of a breakdown by several dimensions ("app · gold").
SEP = " · "


def _breakdown(con: BaseBackend, lv: _Levels, breakdown: str | Sequence[str], by: str) -> ibis.Table:
    """Unit → breakdown value ``b``: the channel of its first step-1 event, or a customers column.

    Several dimensions (``channel+segment``) give their values joined by :data:`SEP`.
    """
    dims = _dims(breakdown)
    if len(dims) > 1:
        parts = [_breakdown(con, lv, d, by) for d in dims]
        out = parts[0]
        for i, p in enumerate(parts[1:], start=1):
            p = p.rename(**{f"b{i}": "b"})
            out = out.join(p, "u")
        return out.select("u", b=ibis.literal(SEP).join([out.b, *[out[f"b{i}"] for i in range(1, len(parts))]]))
    breakdown = dims[0]
    step1 = lv.reached[0]
    if breakdown == "channel":
        index = sequence_index(con)
        rows, _unit, pos, _nc, _nu = units(index, by)
        first = step1.group_by("u").aggregate(pos=step1.pos.min())
        r = rows.select(u=rows[unit_keys(by)[0]], pos=rows[pos].cast("int64"), b=rows.channel.fill_null(NONE))
        return first.join(r, ["u", "pos"]).select("u", "b")
    cust = con.table("customers")
    if breakdown not in cust.columns or breakdown in ("customer_id",):
        raise FunnelError(f"breakdown {breakdown!r}: use 'channel' or a column of customers "
                          f"({', '.join(c for c in cust.columns if c != 'customer_id')})")
    if by == "case":
        raise FunnelError("a breakdown by a customers column needs by='customer' or 'session'")
    names = unit_names(con, by)
    units_ = step1.select("u").distinct()
    units_ = units_.mutate(owner=units_.u // SPAN if by == "session" else units_.u)
    units_ = units_.join(names, units_.owner == names.uid)
    j = units_.left_join(cust, units_.customer_id == cust.customer_id)
    return j.select(u=units_.u, b=cust[breakdown].cast("string").fill_null(NONE))


def _dims(breakdown: str | Sequence[str]) -> list[str]:
    return [d.strip() for d in breakdown.split("+")] if isinstance(breakdown, str) else list(breakdown)


def funnel_customers(con: BaseBackend, steps: Sequence[Step], step: int, *, status: str = "dropped",
                     window: str | timedelta | int | None = "14d", order: str = "ordered", by: str = "customer",
                     exclusions: Sequence[Exclusion] = ()) -> ibis.Table:
    """The customers (or cases) who ``entered``, ``converted`` after, or ``dropped`` at step ``step`` (1-based).

    A table (``customer_id`` or ``case_id``, and ``reached_at``: when they reached the step),
    computed at once and ordered by customer.
    """
    w = window_us(window)
    if not 1 <= step <= len(steps):
        raise FunnelError(f"step must be between 1 and {len(steps)}")
    lv = _levels(con, steps, w, order, by)
    try:
        return _customers_at(con, lv, step, status, w, by, exclusions)
    finally:
        lv.release()


def _customers_at(con: BaseBackend, lv: _Levels, step: int, status: str, w: int | None, by: str,
                  exclusions: Sequence[Exclusion]) -> ibis.Table:
    attempts = _attempts(lv, _exclusion_steps(exclusions, lv.steps))
    excluded = _excluded(con, lv, attempts, exclusions, w, by)
    a = attempts[step - 1]
    if excluded is not None:
        a = a.anti_join(excluded, "u")
    if status == "converted" or status == "dropped":
        if step == lv.steps:
            raise FunnelError("the last step has no next step to convert to or drop before")
        nxt = attempts[step].select("u")
        a = a.semi_join(nxt, "u") if status == "converted" else a.anti_join(nxt, "u")
    elif status != "entered":
        raise FunnelError("status must be entered, converted or dropped")
    ts_col = f"t{step}" if f"t{step}" in a.columns else "us_first"
    names = unit_names(con, by)
    if by == "session":  # a session id is the key of its first event: uid * SPAN + position
        a = a.mutate(u=a.u // SPAN)
    uid = "uid" if by == "session" else unit_keys(by)[0]
    j = a.join(names, a.u == names[uid])
    out = j.select(**{lv.unit: names[lv.unit]}, reached_at=from_epoch_us(con, j[ts_col])).order_by(lv.unit)
    return ibis.memtable(out.to_pyarrow())  # read now: the steps' scratch tables go away after


def journey_funnel(con: BaseBackend, journey: JourneyConfig, *, by: str = "customer", order: str = "ordered",
                   window: str | timedelta | int | None = None, breakdown: str | None = None) -> ibis.Table:
    """The funnel through a journey's stages, in its ideal order (each stage: any of its touchpoints).

    The window is the journey's ``conversion_window`` unless given; stages off the ideal path are
    left out.
    """
    stages = {s.name: s for s in journey.stages}
    path = journey.ideal_order or [s.name for s in journey.stages]
    steps = [list(stages[name].touchpoints) for name in path]
    return funnel(con, steps, window=window if window is not None else journey.conversion_window, order=order,
                  by=by, breakdown=breakdown, labels=path)
