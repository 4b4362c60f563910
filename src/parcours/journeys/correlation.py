"""Why they leak: what sets apart the customers who dropped at a funnel step from those who went on.

Among the customers (or sessions, or cases) who reached step *k* of a funnel, each candidate
trait splits them in two: the channel of their step-1 event and of their step-*k* event, a column of
``customers`` (segment, region, …), and every activity they did before reaching step *k* ("called
support", "searched"). For each trait: a 2 × 2 table (dropped or converted, with or without it),
the **odds ratio** with its 95 % interval (Woolf's log method, 0.5 added to every cell), as
PostHog's correlation analysis gives it, and the **drop ratio** (how many times more often those
with the trait drop), which reads in plain words. Traits are ranked by how far their interval
lies from 1 (the most certain over-representation first).

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> rows = ["email,timestamp,activity,channel"]
>>> rows += [f"w{i}@x.fr,2024-01-01T10:00:00Z,cart,web" for i in range(40)]
>>> rows += [f"w{i}@x.fr,2024-01-01T10:05:00Z,pay,web" for i in range(36)]
>>> rows += [f"a{i}@x.fr,2024-01-01T10:00:00Z,cart,app" for i in range(40)]
>>> rows += [f"a{i}@x.fr,2024-01-01T10:05:00Z,pay,app" for i in range(12)]
>>> _ = (d / "ev.csv").write_text("\\n".join(rows) + "\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "ev.csv")
>>> top = drop_correlates(ws.con, ["cart", "pay"], step=1, window="1d").to_pandas().iloc[0]
>>> top.trait, top.value, round(float(top.drop_ratio), 1)
('channel at step 1', 'app', 7.0)
>>> top.sentence
'Customers with channel at step 1 = app drop 7.0× as often (70 % vs 10 %).'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from parcours.journeys.funnels import (
    SPAN,
    FunnelError,
    Step,
    _attempts,
    _label,
    _levels,
    sequence_index,
    unit_keys,
    units,
    window_us,
)
from parcours.journeys.index import activity_codes, unit_names
from parcours.journeys.leaks import Z95
from parcours.warehouse import temp_name

_UNIT_WORD = {"customer": "Customers", "session": "Sessions", "case": "Cases"}


def drop_correlates(con: BaseBackend, steps: Sequence[Step], step: int, *, by: str = "customer",
                    window: str | timedelta | int | None = "14d", order: str = "ordered",
                    columns: Sequence[str] = ("segment", "region"), min_count: int = 5,
                    top: int | None = 20) -> ibis.Table:
    """Traits over-represented among the units that dropped after ``step`` (1-based), strongest first.

    Columns: ``trait``, ``value``, ``dropped_with``, ``converted_with``, ``dropped_without``,
    ``converted_without``, ``drop_rate_with``, ``drop_rate_without``, ``drop_ratio``,
    ``odds_ratio``, ``odds_low``, ``odds_high``, ``sentence``. Traits seen fewer than ``min_count``
    times are left out. ``columns``: customers columns to test (those missing are skipped).
    """
    w = window_us(window)
    if not 1 <= step < len(steps):
        raise FunnelError(f"step must be between 1 and {len(steps) - 1} (a step with a next one)")
    lv = _levels(con, steps, w, order, by)
    try:
        frame = _traits(con, lv, step, by, columns)
    finally:
        lv.release()
    out = _score(frame, min_count, by, _label(steps[step - 1]), step)
    if top is not None:
        out = out.head(top)
    return ibis.memtable(pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False))


def _traits(con: BaseBackend, lv, step: int, by: str, columns: Sequence[str]) -> pd.DataFrame:
    """Per trait value: units with it that dropped and that converted, plus the totals (trait None)."""
    attempts = _attempts(lv)
    reached = lv.reached[step - 1]
    first = reached.group_by("u").aggregate(pos=reached.pos.min(), p1=reached.p1.argmin(reached.pos))
    conv = attempts[step].select("u").mutate(ok=ibis.literal(1))
    outcome = first.left_join(conv, "u").select(first.u, first.pos, first.p1, ok=conv.ok.fill_null(0))
    scratch = None
    if lv.chains is not None:  # built from in-memory levels: materialise it in this engine, not Ibis's default
        scratch = temp_name("correlation_outcome")
        con.create_table(scratch, con.to_pyarrow(outcome), temp=True)
        outcome = con.table(scratch)
    else:
        outcome = outcome.cache()
    try:
        index = sequence_index(con)
        rows, _unit, pos, _nc, _nu = units(index, by)
        uid = unit_keys(by)[0]
        r = rows.select(u=rows[uid], pos=rows[pos].cast("int64"), code=rows.code, channel=rows.channel)
        parts = []
        # The channel where the unit started the funnel, and where it stood at this step.
        places = [("channel at step 1", "p1")] + ([(f"channel at step {step}", "pos")] if step > 1 else [])
        for name, col in places:
            j = outcome.join(r, [outcome.u == r.u, outcome[col] == r.pos])
            parts.append(j.group_by(value=j.channel.fill_null("(none)"), ok=j.ok)
                         .aggregate(n=j.count()).mutate(trait=ibis.literal(name)))
        # Activities done before reaching the step (within the unit: customer, session or case).
        j = outcome.join(r, [outcome.u == r.u, r.pos < outcome.pos])
        did = j.select(u=outcome.u, ok=outcome.ok, code=r.code).distinct()
        codes = activity_codes(con)
        did = did.join(codes, "code")
        parts.append(did.group_by(value=did.activity, ok=did.ok).aggregate(n=did.count())
                     .mutate(trait=ibis.literal("did before")))
        cust = con.table("customers")
        if by != "case":
            names = unit_names(con, by)
            owners = outcome.mutate(owner=outcome.u // SPAN if by == "session" else outcome.u)
            owners = owners.join(names, owners.owner == names.uid)
            for c in columns:
                if c in cust.columns and c != "customer_id":
                    jc = owners.join(cust, owners.customer_id == cust.customer_id)
                    parts.append(jc.group_by(value=jc[c].cast("string").fill_null("(none)"), ok=jc.ok)
                                 .aggregate(n=jc.count()).mutate(trait=ibis.literal(c)))
        totals = outcome.group_by("ok").aggregate(n=outcome.count())
        parts.append(totals.mutate(value=ibis.null("string"), trait=ibis.literal("(all)"))
                     .select("value", "ok", "n", "trait"))
        stats = ibis.union(*[p.select("trait", "value", ok=p.ok.cast("int64"), n=p.n.cast("int64")) for p in parts])
        return stats.to_pandas()
    finally:
        if scratch is not None:
            con.drop_table(scratch, force=True)
        else:
            outcome.release()


def _score(df: pd.DataFrame, min_count: int, by: str, step_name: str, step: int) -> pd.DataFrame:
    tot = df[df.trait == "(all)"].set_index("ok")["n"]
    n_conv, n_drop = float(tot.get(1, 0)), float(tot.get(0, 0))
    cells = df[df.trait != "(all)"].pivot_table(index=["trait", "value"], columns="ok", values="n",
                                                aggfunc="sum", fill_value=0)
    cells = cells.reindex(columns=[0, 1], fill_value=0).rename(columns={0: "dropped_with", 1: "converted_with"})
    cells = cells.reset_index()
    cells["dropped_without"] = n_drop - cells["dropped_with"]
    cells["converted_without"] = n_conv - cells["converted_with"]
    cells = cells[(cells.dropped_with + cells.converted_with) >= min_count]
    cells = cells[(cells.dropped_without + cells.converted_without) > 0]
    a, b = cells.dropped_with + 0.5, cells.converted_with + 0.5
    c, d = cells.dropped_without + 0.5, cells.converted_without + 0.5
    log_or = np.log(a * d / (b * c))
    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    cells["odds_ratio"] = np.exp(log_or)
    cells["odds_low"], cells["odds_high"] = np.exp(log_or - Z95 * se), np.exp(log_or + Z95 * se)
    cells["drop_rate_with"] = cells.dropped_with / (cells.dropped_with + cells.converted_with)
    cells["drop_rate_without"] = cells.dropped_without / (cells.dropped_without + cells.converted_without)
    cells["drop_ratio"] = cells.drop_rate_with / cells.drop_rate_without.where(cells.drop_rate_without > 0)
    cells["z"] = log_or / se
    cells = cells[cells.odds_low > 1].sort_values(["z", "trait", "value"], ascending=[False, True, True],
                                                  kind="stable")
    who = _UNIT_WORD.get(by, "Customers")
    cells["sentence"] = [
        (f"{who} who did {v} before {step_name} drop {r:.1f}× as often ({p:.0%} vs {q:.0%})." if t == "did before"
         else f"{who} with no {t} on file drop {r:.1f}× as often ({p:.0%} vs {q:.0%})." if v == "(none)"
         else f"{who} with {t} = {v} drop {r:.1f}× as often ({p:.0%} vs {q:.0%}).")
        .replace("%", " %")
        for t, v, r, p, q in zip(cells.trait, cells.value, cells.drop_ratio.fillna(np.inf), cells.drop_rate_with,
                                 cells.drop_rate_without, strict=True)]
    cols = ["trait", "value", "dropped_with", "converted_with", "dropped_without", "converted_without",
            "drop_rate_with", "drop_rate_without", "drop_ratio", "odds_ratio", "odds_low", "odds_high", "sentence"]
    out = cells[cols].copy()
    for col in ("dropped_with", "converted_with", "dropped_without", "converted_without"):
        out[col] = out[col].astype("int64")
    return out
