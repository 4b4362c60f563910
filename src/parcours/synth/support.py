"""Support tickets as a ticketing tool records them: one case per ticket, one audit row per step.

Given when tickets open, on which channel and for which need, :func:`simulate` draws the team and
agent, the first response, the customer's re-contacts, escalations, resolution, re-opening and
closure, all vectorised. Teams differ (one is planted weaker: slower, more re-contacts and
re-openings); a need can force its resolution time (e.g. a late parcel is solved only when it
arrives, whatever the first answer said), which plants the "SLA met, customer still suffering".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parcours.synth.common import DAY_MS, HOUR_MS, MINUTE_MS

ACTIONS = ("ticket_created", "first_response", "customer_recontact", "agent_reply", "escalated",
           "resolved", "reopened", "closed")
STATUS_AFTER = ("new", "pending", "open", "pending", "open", "solved", "open", "closed")
CHANNELS = ("phone", "email", "chat")
SLA_HOURS = 48


@dataclass
class Team:
    """A support team and how it performs (medians in hours; rates per ticket)."""

    name: str
    agents: tuple[str, ...]
    weight: float
    first_response_h: float
    resolution_h: float
    reopen: float
    recontacts: float


@dataclass
class Tickets:
    """Simulated tickets (per-ticket arrays) and their audit steps (per-step arrays)."""

    team: np.ndarray
    owner: np.ndarray  # global agent index
    first_response: np.ndarray  # ms, first agent answer
    resolved: np.ndarray  # ms of the final resolution (may be after the window end)
    closed: np.ndarray
    recontacts: np.ndarray
    reopened: np.ndarray
    sla_met: np.ndarray
    status: np.ndarray  # str
    step_ticket: np.ndarray
    step_time: np.ndarray
    step_action: np.ndarray
    step_channel: np.ndarray
    step_agent: np.ndarray  # -1 for customer steps
    agents: tuple[str, ...]


def simulate(rng: np.random.Generator, opened: np.ndarray, channel: np.ndarray, teams: list[Team],
             end_ms: int, *, can_call: np.ndarray, forced_resolution: np.ndarray | None = None,
             first_response_scale: np.ndarray | None = None, resolution_scale: np.ndarray | None = None,
             extra_recontacts: np.ndarray | None = None, escalate: np.ndarray | None = None) -> Tickets:
    """Simulate the life of each ticket opened at ``opened`` (ms) on ``channel`` (index in CHANNELS)."""
    n = len(opened)
    opened = np.asarray(opened, dtype=np.int64)
    w = np.array([t.weight for t in teams], dtype=float)
    team = rng.choice(len(teams), size=n, p=w / w.sum())
    agent_base = np.cumsum([0] + [len(t.agents) for t in teams])
    n_agents = np.array([len(t.agents) for t in teams])
    owner = agent_base[team] + (rng.random(n) * n_agents[team]).astype(np.int64)
    agents = tuple(a for t in teams for a in t.agents)

    frt_med = np.array([t.first_response_h for t in teams])[team]
    if first_response_scale is not None:
        frt_med = frt_med * first_response_scale
    frt_h = np.exp(np.log(frt_med) + 0.8 * rng.standard_normal(n))
    frt_h = np.clip(frt_h, 0.05, 24 * 10)
    first = opened + (frt_h * HOUR_MS).astype(np.int64)
    res_med = np.array([t.resolution_h for t in teams])[team]
    if resolution_scale is not None:
        res_med = res_med * resolution_scale
    res = opened + (np.exp(np.log(res_med) + 0.6 * rng.standard_normal(n)) * HOUR_MS).astype(np.int64)
    if forced_resolution is not None:
        forced = np.asarray(forced_resolution, dtype=np.int64)
        res = np.where(forced > 0, forced, res)
    res = np.maximum(res, first + HOUR_MS)

    lam = np.array([t.recontacts for t in teams])[team]
    if extra_recontacts is not None:
        lam = lam + extra_recontacts
    k = rng.poisson(lam)
    rt = np.repeat(np.arange(n), k)
    r_time = first[rt] + (rng.random(rt.size) * (res[rt] - first[rt])).astype(np.int64)
    r_chan = np.where(rng.random(rt.size) < 0.6, 0, np.where(rng.random(rt.size) < 0.6, 2, 1))
    r_chan = np.where(can_call[rt] | (r_chan != 0), r_chan, 2)
    reply = rng.random(rt.size) < 0.75
    a_time = r_time + ((res[rt] - r_time) * rng.uniform(0.1, 0.6, rt.size)).astype(np.int64)

    esc_p = np.full(n, 0.08) if escalate is None else escalate
    esc = rng.random(n) < esc_p
    e_time = first + ((res - first) * rng.uniform(0.2, 0.5, n)).astype(np.int64)

    reopen = rng.random(n) < np.array([t.reopen for t in teams])[team]
    ro_time = res + (rng.uniform(1, 5, n) * DAY_MS).astype(np.int64)
    res2 = ro_time + (np.exp(np.log(res_med) + 0.6 * rng.standard_normal(n)) * HOUR_MS).astype(np.int64)
    final = np.where(reopen, res2, res)
    closed = final + 4 * DAY_MS + (rng.random(n) * 6 * HOUR_MS).astype(np.int64)

    def agent_of(t: np.ndarray) -> np.ndarray:
        return owner[t]

    idx = np.arange(n)
    parts = [  # ticket, time, action, channel, agent
        (idx, opened, 0, channel, np.full(n, -1)),
        (idx, first, 1, channel, owner),
        (rt, r_time, 2, r_chan, np.full(rt.size, -1)),
        (rt[reply], a_time[reply], 3, channel[rt[reply]], agent_of(rt[reply])),
        (idx[esc], e_time[esc], 4, channel[esc], owner[esc]),
        (idx, res, 5, channel, owner),
        (idx[reopen], ro_time[reopen], 6, np.where(can_call[reopen], 0, 1), np.full(int(reopen.sum()), -1)),
        (idx[reopen], res2[reopen] - MINUTE_MS, 3, channel[reopen], owner[reopen]),
        (idx[reopen], res2[reopen], 5, channel[reopen], owner[reopen]),
        (idx, closed, 7, channel, np.full(n, -1)),
    ]
    st = np.concatenate([p[0] for p in parts])
    tm = np.concatenate([p[1] for p in parts]).astype(np.int64)
    ac = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    ch = np.concatenate([p[3] for p in parts])
    ag = np.concatenate([p[4] for p in parts])
    keep = tm < end_ms
    st, tm, ac, ch, ag = st[keep], tm[keep], ac[keep], ch[keep], ag[keep]
    # steps of one ticket never share a millisecond: order by (ticket, time, action) and spread
    order = np.lexsort((ac, tm, st))
    st, tm, ac, ch, ag = st[order], tm[order], ac[order], ch[order], ag[order]
    tm = _strictly_increasing(st, tm)

    status = np.where(closed < end_ms, "closed", np.where(final < end_ms, "solved",
                      np.where(first < end_ms, "pending", "open")))
    return Tickets(team, owner, first, final, closed, k + reopen.astype(np.int64), reopen,
                   frt_h <= SLA_HOURS, status, st, tm, ac, ch, ag, agents)


def _strictly_increasing(group: np.ndarray, t: np.ndarray, gap: int = 1000) -> np.ndarray:
    """Times made strictly increasing (by ``gap`` ms at least) within each group of a sorted array.

    ``t'_i = max(t_i, t'_(i-1) + gap)`` within a group is a running maximum of ``t_i - i gap``; the
    groups are kept apart by a large offset so that one pass does every group.
    """
    if t.size == 0:
        return t
    i = np.arange(t.size, dtype=np.int64) * gap
    base = int(t.min())
    offset = np.asarray(group, dtype=np.int64) << 38
    return np.maximum.accumulate(offset + (t - base) - i) - offset + base + i
