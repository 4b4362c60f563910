"""Leaks ("fuites"): the step × channel × segment cells of a funnel where customers are lost.

For each step of a funnel (a journey's stages, or explicit steps) and each cell of the
breakdown (the channel of the unit's first step, a customers column such as ``segment``, or
both), the cell's customers (or sessions) who reached the step and did not reach the next one.
Cells are ranked by **loss to the goal**: the customers lost beyond what the step's overall
conversion would lose in a cell of that size (``excess_lost = dropped - entered × (1 - overall
conversion)``), weighted by how many of them would have gone on to the funnel's goal, so the
first row is where acting recovers most. Each cell's conversion has a 95 % Wilson interval, and a cell
whose interval lies below the step's overall conversion is flagged ``significant``. Where the goal's
events carry a ``value`` (orders, payments), ``lost_value`` prices the loss: ``lost_to_goal`` × the
mean value of an event of the last valued step up to the goal (:func:`goal_value`); ``rank="value"``
ranks on it.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> rows = ["email,timestamp,activity,channel"]
>>> rows += [f"w{i}@x.fr,2024-01-01T10:00:00Z,cart,web" for i in range(20)]
>>> rows += [f"w{i}@x.fr,2024-01-01T10:05:00Z,pay,web" for i in range(18)]
>>> rows += [f"a{i}@x.fr,2024-01-01T10:00:00Z,cart,app" for i in range(20)]
>>> rows += [f"a{i}@x.fr,2024-01-01T10:05:00Z,pay,app" for i in range(8)]
>>> _ = (d / "ev.csv").write_text("\\n".join(rows) + "\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "ev.csv")
>>> top = leaks(ws.con, ["cart", "pay"], window="1d", min_entered=10).to_pandas().iloc[0]
>>> top.step, top.channel, int(top.dropped), float(round(top.excess_lost, 1))
('cart', 'app', 12, 5.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import ibis
from ibis.backends import BaseBackend

from parcours.config import JourneyConfig
from parcours.journeys.funnels import SEP, Step, funnel
from parcours.stats import Z95, wilson  # noqa: F401 - Z95 and wilson stay importable from here


def goal_value(con: BaseBackend, steps: Sequence[Step], goal: int) -> float:
    """The mean ``value`` of the events of the last step, at or before ``goal``, whose events carry one.

    Orders and payments carry values, later steps (delivery, use) usually not: a customer lost
    before the goal is priced at what the funnel's valued step is worth. NaN when no step has values.
    """
    import pandas as pd

    from parcours.journeys.funnels import _step_matcher
    from parcours.journeys.index import activity_codes

    codes = activity_codes(con)
    ev = con.table("events")
    j = ev.filter(ev.value.notnull()).join(codes, "activity")
    per = j.group_by([codes.code, ev.channel]).aggregate(total=j.value.sum(), n=j.count()).to_pandas()
    if per.empty:
        return float("nan")
    names = codes.to_pyarrow()
    for step in reversed(list(steps)[:goal]):
        alts = _step_matcher(con, names, step).alternatives
        hit = pd.Series(False, index=per.index)
        for cds, chans in alts:
            hit |= per.code.isin(cds) & (per.channel.isin(chans) if chans is not None else True)
        if hit.any():
            return float(per.total[hit].sum() / per.n[hit].sum())
    return float("nan")


def leaks(con: BaseBackend, steps: Sequence[Step] | JourneyConfig, *, by: str = "customer",
          dims: Sequence[str] = ("channel",), window: str | timedelta | int | None = "14d",
          order: str = "ordered", min_entered: int = 30, goal: int | None = None,
          rank: str = "customers") -> ibis.Table:
    """Where a funnel loses customers, cell by cell, the biggest excess loss first.

    ``steps``: funnel steps, or a journey (its stages in ideal order, its conversion window).
    ``dims``: breakdown dimensions (``channel`` and/or customers columns); each cell is one value
    of each. Cells with fewer than ``min_entered`` units are left out (too small to read).
    ``goal``: the step (1-based, default the last) that counts as success: each excess loss is
    weighted by the share of units that reach the goal once past the next step
    (``lost_to_goal``), so that losing browsers early weighs less than losing buyers at payment;
    cells are ranked on it.
    ``rank``: ``customers`` (on ``lost_to_goal``) or ``value`` (on ``lost_value``).
    Columns: ``step``, ``next_step``, one per dimension, ``entered``, ``converted``, ``dropped``,
    ``conversion``, ``conversion_low``, ``conversion_high``, ``step_conversion``, ``excess_lost``,
    ``lost_to_goal``, ``lost_value`` (null when goal events carry no value), ``significant``.
    """
    if rank not in ("customers", "value"):
        raise ValueError(f"rank must be 'customers' or 'value', not {rank!r}")
    labels = None
    if isinstance(steps, JourneyConfig):
        journey = steps
        stages = {s.name: s for s in journey.stages}
        labels = journey.ideal_order or [s.name for s in journey.stages]
        steps = [list(stages[name].touchpoints) for name in labels]
        window = journey.conversion_window if window == "14d" else window
    dims = list(dims)
    if not dims:
        raise ValueError("leaks need at least one dimension (e.g. channel)")
    overall = funnel(con, steps, window=window, order=order, by=by, labels=labels).to_pandas()
    base = overall.set_index("step_index")["conversion"]
    f = funnel(con, steps, window=window, order=order, by=by, labels=labels, breakdown=dims).to_pandas()
    key = "+".join(dims)
    cells = f[["step_index", key, "entered", "converted"]].copy()
    if len(dims) > 1:
        split = cells[key].str.split(SEP, n=len(dims) - 1, expand=True)
        for i, d in enumerate(dims):
            cells[d] = split[i]
        cells = cells.drop(columns=key)
    cells = cells[cells.step_index < len(overall)]  # the last step has no next step to lose customers to
    names = overall.set_index("step_index")["step"]
    cells["step"] = cells.step_index.map(names)
    cells["next_step"] = (cells.step_index + 1).map(names)
    cells["step_conversion"] = cells.step_index.map(base)
    cells["converted"] = cells["converted"].fillna(0)
    cells["dropped"] = cells["entered"] - cells["converted"]
    cells["conversion"] = cells["converted"] / cells["entered"].where(cells["entered"] > 0)
    lo, hi = wilson(cells["converted"].to_numpy(), cells["entered"].to_numpy())
    cells["conversion_low"], cells["conversion_high"] = lo, hi
    cells["excess_lost"] = cells["dropped"] - cells["entered"] * (1 - cells["step_conversion"])
    cells["significant"] = cells["conversion_high"] < cells["step_conversion"]
    reached = overall.set_index("step_index")["entered"].astype("float64")
    g = goal or len(overall)
    if not 1 <= g <= len(overall):
        raise ValueError(f"goal must be a step between 1 and {len(overall)}")
    onward = (reached[g] / reached).where(reached > 0).where(reached.index <= g, 0.0)  # P(goal | reached step)
    cells["lost_to_goal"] = cells["excess_lost"] * (cells.step_index + 1).map(onward).fillna(0.0)
    cells["lost_value"] = cells["lost_to_goal"] * goal_value(con, steps, g)
    cells = cells[cells["entered"] >= min_entered]
    cols = ["step", "next_step", *dims, "entered", "converted", "dropped", "conversion", "conversion_low",
            "conversion_high", "step_conversion", "excess_lost", "lost_to_goal", "lost_value", "significant"]
    first = "lost_value" if rank == "value" else "lost_to_goal"
    out = cells.sort_values([first, "lost_to_goal", "excess_lost", "step_index", *dims],
                            ascending=[False, False, False, True, *[True] * len(dims)], na_position="last",
                            kind="stable")[cols].reset_index(drop=True)
    out[["entered", "converted", "dropped"]] = out[["entered", "converted", "dropped"]].astype("int64")
    return ibis.memtable(out)
