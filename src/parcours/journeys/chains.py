"""Funnel chains on the embedded engine: every step's as-of join done as array operations.

The funnel's ordered and strict levels (see :mod:`parcours.journeys.funnels`) only ever ask, for
each event of step *k*, "which is the latest event before it, in the same unit, that reached step
*k - 1*?". With the events that match any step read once, in the sequence index's order (``g``),
each level-(k-1) event answers it for the step-k events between it and the next one of its unit:
a range read off a running count of the step's events, so each step costs a few vectorised NumPy
kernels over the previous level (not over every event), with no sort, no join and no scratch
table. The chain of an attempt (its events at steps 1…k) is kept as back-pointers and followed
only for what a caller reads: one attempt per unit, or the rows of one level (:func:`build`).

A funnel that only wants its counts (no breakdown, no exclusions) needs less:
:func:`level_counts` keeps one event per run of events sharing a start, so its deep levels cost
a few passes over a few hundred thousand runs rather than over millions of events.

The results are the same as the Ibis formulation's (the Spark test compares them on every change).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa


@dataclass
class Chains:
    """Matched events (sorted by ``g``) and, per level, the events that reach it with back-pointers."""

    u: np.ndarray
    pos: np.ndarray
    g: np.ndarray
    us: np.ndarray
    idx: list[np.ndarray] = field(default_factory=list)  # level k: indices (into the events) reaching it
    t1: list[np.ndarray] = field(default_factory=list)  # level k: the attempt's start time
    back: list[np.ndarray] = field(default_factory=list)  # level k: index into level k-1's arrays

    def follow(self, level: int, rows: np.ndarray, to: int) -> np.ndarray:
        """Event indices at level ``to`` (1-based) of the chains of level ``level``'s ``rows``."""
        r = rows
        for k in range(level, to, -1):
            r = self.back[k - 1][r]
        return self.idx[to - 1][r]

    def attempts(self, level: int, positions: Sequence[int]) -> pa.Table:
        """One row per unit: its first event reaching ``level`` with its chain's times and positions."""
        idx = self.idx[level - 1]
        uu = self.u[idx]
        first = np.flatnonzero(np.r_[True, uu[1:] != uu[:-1]]) if len(uu) else np.zeros(0, dtype=np.int64)
        cols = {"u": uu[first], "pos": self.pos[idx[first]], "us_first": self.us[idx[first]],
                "t1": self.t1[level - 1][first], f"t{level}": self.us[idx[first]]}
        if level > 1:
            cols[f"t{level - 1}"] = self.us[self.follow(level, first, level - 1)]
        for j in positions:
            if j <= level:
                cols[f"p{j}"] = self.pos[self.follow(level, first, j)]
        return pa.table({k: pa.array(v, pa.int64()) for k, v in cols.items()})

    def step_gaps(self) -> list[tuple[int, np.ndarray]]:
        """Per level: units reaching it and, for each, the seconds from the step before (its attempt).

        What a funnel without breakdown or exclusions reads (``entered`` and the median time),
        straight from the arrays, without a round trip through the engine.
        """
        out = []
        for level in range(1, len(self.idx) + 1):
            uu = self.u[self.idx[level - 1]]
            first = np.flatnonzero(np.r_[True, uu[1:] != uu[:-1]]) if len(uu) else np.zeros(0, dtype=np.int64)
            gap = np.zeros(0)
            if level > 1:
                gap = (self.us[self.idx[level - 1][first]] - self.us[self.follow(level, first, level - 1)]) / 1e6
            out.append((len(first), gap))
        return out

    def level_rows(self, level: int) -> pa.Table:
        """Every event reaching ``level``: u, pos, g, us, p1, t1 (what breakdowns and correlations read)."""
        idx = self.idx[level - 1]
        rows = np.arange(len(idx))
        return pa.table({"u": self.u[idx], "pos": self.pos[idx], "g": self.g[idx], "us": self.us[idx],
                         "p1": self.pos[self.follow(level, rows, 1)], "t1": self.t1[level - 1]})


class LazyLevels(Sequence):
    """``reached[k]`` as an Ibis table, built from the chains only when a caller reads it."""

    def __init__(self, chains: Chains) -> None:
        self.chains = chains
        self._made: dict[int, ibis.Table] = {}

    def __len__(self) -> int:
        return len(self.chains.idx)

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = k + len(self) if k < 0 else k
        if k not in self._made:
            self._made[k] = ibis.memtable(self.chains.level_rows(k + 1))
        return self._made[k]

    def __iter__(self) -> Iterator[ibis.Table]:
        return (self[i] for i in range(len(self)))


def build(events: Mapping[str, np.ndarray], masks: list[np.ndarray], window: int | None, order: str,
          tolerance: int | None = None) -> Chains:
    """The levels of an ordered or strict funnel over ``events`` (u, pos, g, us; sorted by g).

    ``masks[k]``: which events match step k+1. Level 1 is every step-1 event (its own start);
    level k keeps the step-k events whose latest earlier level-(k-1) event in the same unit
    (for ``strict``: the unit's event just before it) starts within ``window`` of them.
    ``tolerance`` (microseconds, ordered only): an event up to that long *after* a step-k event
    may still serve as its step k-1 (the two count as simultaneous); see :func:`_tolerant_level`.
    """
    u = events["u"]
    c = Chains(u=u, pos=events["pos"], g=events["g"], us=events["us"])
    n = len(u)
    us = c.us
    small = np.int32 if n < 2**31 - 1 else np.int64  # half the memory traffic
    # units are contiguous: the end (exclusive) of each event's unit
    bounds = np.r_[0, np.flatnonzero(u[1:] != u[:-1]) + 1, n] if n else np.zeros(1, np.int64)
    unit_end = np.repeat(bounds[1:].astype(small), np.diff(bounds))
    counted: dict[int, np.ndarray] = {}

    def ranks(k: int) -> np.ndarray:
        """For step k's candidates: how many come before each event index (0…n), one cumulative sum."""
        if id(masks[k]) not in counted:
            counted[id(masks[k])] = np.r_[np.zeros(1, small), np.cumsum(masks[k], dtype=small)]
        return counted[id(masks[k])]

    first = np.flatnonzero(masks[0]).astype(small)
    c.idx.append(first)
    c.t1.append(c.us[first])
    c.back.append(np.zeros(0, dtype=np.int64))
    cands: dict[int, np.ndarray] = {}  # steps repeat: same mask, same work
    scratch: np.ndarray | None = None
    for k in range(1, len(masks)):
        prev = c.idx[-1]
        if id(masks[k]) not in cands:
            cands[id(masks[k])] = np.flatnonzero(masks[k]).astype(small)
        cand = cands[id(masks[k])]
        if tolerance is not None:
            u_cand, us_cand = u[cand], us[cand]
            keep, start, j = _tolerant_level(c, prev, cand, u_cand, us_cand, tolerance)
            if window is not None:
                ok = us_cand[keep] - start <= window
                keep, start, j = keep[ok], start[ok], j[ok]
            c.idx.append(cand[keep])
            c.t1.append(start)
            c.back.append(j)
            continue
        t1_prev = c.t1[-1]
        if order == "strict":
            # the unit's very next event after each level-(k-1) event, if it is a step-k candidate
            nxt = prev + 1
            at = ranks(k)[nxt]  # the first candidate at or after nxt
            hit = at < len(cand)
            hit[hit] = cand[at[hit]] == nxt[hit]
            j = np.flatnonzero(hit)
            ci = at[j]
            same = (u[cand[ci]] == u[prev[j]]) & (c.pos[cand[ci]] == c.pos[prev[j]] + 1)
            j, ci = j[same], ci[same]
        elif len(prev) > len(cand):
            # more events at the previous level than candidates: count, for each candidate, the
            # level-(k-1) events before it (one running count), the last of which is its own
            if scratch is None:  # one buffer for every level: no fresh pages to fault in each time
                scratch = np.empty(n + 1, dtype=small)
            before = scratch
            before.fill(0)
            before[prev + 1] = 1
            np.cumsum(before, out=before)
            j = before[cand].astype(np.int64) - 1
            ok = j >= 0
            ok[ok] = u[prev[j[ok]]] == u[cand[ok]]
            ci = np.flatnonzero(ok)
            j = j[ci]
        else:
            # each level-(k-1) event is the latest one before the candidates that follow it up to
            # (and including) the next level-(k-1) event, within its unit: a range of the sorted
            # candidates read off a running count, so the work follows the level's size (small
            # after a few steps), not the number of candidates
            below = ranks(k)  # below[i]: how many candidates come before event i
            stop = unit_end[prev]
            np.minimum(stop[:-1], prev[1:] + 1, out=stop[:-1])
            lo = below[prev + 1]
            cnt = stop  # reused: the number of candidates in each range
            cnt[:] = below[stop]
            cnt -= lo
            np.maximum(cnt, 0, out=cnt)
            j = np.repeat(np.arange(len(prev), dtype=small), cnt)
            lo -= np.cumsum(cnt, dtype=small) - cnt
            ci = np.repeat(lo, cnt)
            ci += np.arange(len(j), dtype=small)
        start = t1_prev[j]
        hit = cand[ci]
        if window is not None:
            ok = np.flatnonzero(us[hit] - start <= window)
            j, hit, start = j[ok], hit[ok], start[ok]
        c.idx.append(hit)
        c.t1.append(start)
        c.back.append(j)
    return c


def level_counts(u: np.ndarray, us: np.ndarray, masks: list[np.ndarray], window: int | None,
                 from_candidates: bool | None = None) -> list[tuple[int, np.ndarray]]:
    """What :meth:`Chains.step_gaps` returns for an ordered funnel, without building every chain.

    ``u``, ``us``: the matched events' units and times, sorted by ``g``; ``masks[k]``: which
    match step k+1. Along a unit, the starts of the events reaching a level never decrease, so
    the level splits into runs of events sharing a start, and a later step only ever asks which
    run it follows: the first event of each run stands for the run. From such a first event,
    the next level's run is simply the first step candidate after it (before the unit's next
    run), if it is within the window of the start. Each level thus costs a few passes over its
    runs (a few hundred thousand at depth), not over its events (millions), or over the step's
    candidates when they are fewer (``from_candidates``; None: whichever is smaller; both give
    the same levels). The one time a count needs that is not a run's (the counted attempt's gap
    from its exact predecessor, the latest level-(k-1) event before it) is read off the step's
    candidates, for one event per unit.
    """
    n = len(u)
    small = np.int32 if n < 2**31 - 1 else np.int64
    ranks: dict[int, np.ndarray] = {}
    cands: dict[int, np.ndarray] = {}

    def cand_of(k: int) -> np.ndarray:
        """Step k's candidates (event indices), then a last index that never passes for one."""
        if id(masks[k]) not in cands:
            cands[id(masks[k])] = np.r_[np.flatnonzero(masks[k]).astype(small), small(max(n - 1, 0))]
        return cands[id(masks[k])]

    def rank_of(k: int, at: np.ndarray) -> np.ndarray:
        """How many of step k's candidates come before each event index in ``at``."""
        key = id(masks[k])
        if key not in ranks:
            if len(at) * 16 < n:  # a few lookups: a binary search each, rather than a running count
                return np.searchsorted(cand_of(k)[:-1], at)
            ranks[key] = np.r_[np.zeros(1, small), np.cumsum(masks[k], dtype=small)]
        return ranks[key][at]

    def firsts(uu: np.ndarray) -> np.ndarray:
        return np.flatnonzero(np.r_[True, uu[1:] != uu[:-1]]) if len(uu) else np.zeros(0, np.int64)

    # Level 1: every step-1 event, its own start (read off the events when asked: at the first
    # level, often the largest, a later step may need only a few). Runs need not be maximal (ties
    # on time stay apart): any split of a run into pieces, each standing for its events, counts
    # the same.
    prev = cand_of(0)[:-1]
    start: np.ndarray | None = None
    uprev = u[prev]
    out = [(len(firsts(uprev)), np.zeros(0))]
    for k in range(1, len(masks)):
        if not len(prev):  # nobody left
            out.append((0, np.zeros(0)))
            continue
        cand = cand_of(k)
        if from_candidates if from_candidates is not None else (len(cand) - 1) * 4 < len(prev):
            # each candidate's latest run before it; the first candidate of each run that is in
            # the run's unit and within the window of its start
            cand = cand[:-1]
            i = np.searchsorted(prev, cand) - 1
            ok = i >= 0
            i[~ok] = 0
            ok &= uprev[i] == u[cand]
            if window is not None:
                ok &= us[cand] - (us[prev[i]] if start is None else start[i]) <= window
            sel = np.flatnonzero(ok)
            i = i[sel]
            head = np.flatnonzero(np.r_[True, i[1:] != i[:-1]]) if len(i) else np.zeros(0, np.int64)
            j, hit = i[head], cand[sel[head]]
            start = us[prev[j]] if start is None else start[j]
            prev, uprev = hit, uprev[j]
        else:
            # each run's first candidate after it, if in its unit, no later than the unit's next
            # run (included: it cannot follow itself) and within the window of the start
            if start is None:
                start = us[prev]
            after = rank_of(k, prev + 1)
            hit = cand[after]
            uhit = u[hit]
            ok = uhit == uprev
            ok &= after < len(cand) - 1  # past the last candidate: the stand-in index
            ok[:-1] &= hit[:-1] <= prev[1:]
            if window is not None:
                ok &= us[hit] - start <= window
            j = np.flatnonzero(ok)
            prev, start, uprev = hit[j], start[j], uhit[j]
        f = firsts(uprev)
        # the counted attempt's exact predecessor: the step's last candidate before it, which is
        # in the run it follows (a later run would start between) and within the window (times
        # never decrease along a unit, and the attempt itself is within it)
        at = prev[f]
        pred = cand_of(k - 1)[rank_of(k - 1, at) - 1]
        out.append((len(f), (us[at] - us[pred]) / 1e6))
    return out


def _tolerant_level(c: Chains, prev: np.ndarray, cand: np.ndarray, u_cand: np.ndarray, us_cand: np.ndarray,
                    tolerance: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One ordered level with a simultaneity tolerance: (kept candidates, their starts, back-pointers).

    A candidate's eligible predecessors are the level-(k-1) events of its unit that come before it,
    or after it by at most ``tolerance``, other than itself; it takes the one with the latest start
    (the most room in the window). Starts are no longer ordered along the sequence, so the best is a
    running maximum of starts (not of positions), read at the last eligible position; the few
    events just after a candidate (those within the tolerance) are scanned offset by offset.
    """
    n = len(c.u)
    t1 = np.full(n, -1, dtype=np.int64)  # start of the level-(k-1) event at each position, -1 if none
    t1[prev] = c.t1[-1]
    rank = np.full(n, -1, dtype=np.int64)
    rank[prev] = np.arange(len(prev))
    # running maxima restarted at each unit (events are grouped by unit): a grouped cumulative max
    best = pd.Series(t1).groupby(c.u, sort=False).cummax().to_numpy()  # best start at or before
    record = np.where((t1 >= 0) & (t1 == best), np.arange(n), -1)
    at = pd.Series(record).groupby(c.u, sort=False).cummax().to_numpy()  # where that best start is
    # best among the unit's positions before the candidate (never the candidate itself)
    before = np.maximum(cand - 1, 0)
    same = (cand > 0) & (c.u[before] == u_cand)
    b_start = np.where(same, best[before], -1)
    b_pos = np.where(same & (b_start >= 0), at[before], -1)
    b_start = np.where(b_pos >= 0, b_start, -1)
    # positions just after the candidate, same unit, within the tolerance
    live = np.arange(len(cand))
    d = 1
    while live.size:
        nxt = cand[live] + d
        inside = nxt < n
        live, nxt = live[inside], nxt[inside]
        near = (c.u[nxt] == u_cand[live]) & (c.us[nxt] <= us_cand[live] + tolerance)
        live, nxt = live[near], nxt[near]
        better = t1[nxt] > b_start[live]
        b_start[live[better]] = t1[nxt[better]]
        b_pos[live[better]] = nxt[better]
        d += 1
    keep = np.flatnonzero(b_start >= 0)
    return keep, b_start[keep], rank[b_pos[keep]]
