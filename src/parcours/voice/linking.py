"""Linking feedback to the journey: each survey answer, review or verbatim tied to the touchpoint it is about.

A feedback row is tied to one event (its *touchpoint*) by the first rule that finds one, in order:

1. ``case``: the row names a ``case_id`` that has events: the case's last event at or before the
   feedback (or its first event, when the feedback came before any of them);
2. ``touchpoint``: the row's declared ``touchpoint`` is an activity (written as the activity name, or
   translated by ``touchpoints={"livraison": "order_delivered"}``): the customer's last event of that
   activity at or before the feedback, within ``touchpoint_window``;
3. ``last_event``: the customer's last event at or before the feedback, within ``window`` (7 days).

Nothing is dropped: a row no rule links keeps ``linked_by`` NULL and says why in
``unlinked_reason`` (see :data:`UNLINKED_REASONS`); :func:`link_summary` counts both.

Everything runs in the engine with portable window functions (events are numbered per customer
or case; a running maximum over events and feedback merged in time order finds the last event
before each feedback; an equi-join fetches it), so the same expression runs on DuckDB and Spark.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "ev.csv").write_text("customer_id,activity,channel,timestamp\\n"
...     "c1,order_placed,web,2024-01-01T10:00:00Z\\nc1,order_delivered,web,2024-01-03T10:00:00Z\\n")
>>> _ = (d / "fb.csv").write_text("customer_id,timestamp,kind,score,text\\n"
...     "c1,2024-01-04T09:00:00Z,csat,2,Livraison en retard\\nc1,2024-02-20T09:00:00Z,csat,5,Super\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "ev.csv"); _ = ws.ingest("feedback", d / "fb.csv")
>>> out = link_feedback(ws.table("feedback"), ws.events).to_pandas()
>>> out[["score", "linked_by", "event_activity", "unlinked_reason"]].fillna("-").to_dict("records")
[{'score': 2.0, 'linked_by': 'last_event', 'event_activity': 'order_delivered', 'unlinked_reason': '-'}, \
{'score': 5.0, 'linked_by': '-', 'event_activity': '-', 'unlinked_reason': 'outside_window'}]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import ibis

from parcours.config import JourneyConfig, parse_duration
from parcours.errors import ConfigError, ParcoursError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

__all__ = ["LINK_RULES", "UNLINKED_REASONS", "LinkError", "link_feedback", "link_summary"]

#: The rules, in the order they are tried.
LINK_RULES = ("case", "touchpoint", "last_event")

#: Why a feedback row stays unlinked (the first that applies).
UNLINKED_REASONS = {
    "no_customer": "the feedback names neither a customer nor a case with events",
    "case_without_events": "the feedback's case_id has no events, and no other rule found a touchpoint",
    "no_event_before": "the customer has no event at or before the feedback",
    "outside_window": "the customer's last event before the feedback is older than the window",
}

#: Columns added to the feedback rows.
LINK_COLUMNS = ("linked_by", "unlinked_reason", "event_id", "event_activity", "event_channel",
                "event_timestamp", "seconds_after_event")

_FEEDBACK_NEEDS = ("feedback_id", "customer_id", "timestamp")
_EVENTS_NEEDS = ("event_id", "customer_id", "timestamp", "seq", "activity", "channel")


class LinkError(ParcoursError, ValueError):
    """Feedback that cannot be linked as asked (a missing column, an unknown rule, a bad window)."""


def _check(table: ir.Table, needed: Sequence[str], name: str) -> None:
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise LinkError(f"the {name} table has no column(s) {', '.join(missing)}; available: "
                        f"{', '.join(table.columns)}. Pass the workspace's tables (ws.table('{name}'))")


def _seconds(value: str | timedelta | None, what: str) -> int | None:
    if value is None:
        return None
    try:
        seconds = parse_duration(value).total_seconds()
    except ConfigError as exc:  # say which argument
        raise LinkError(f"link_feedback({what}=...): {exc}") from None
    if seconds <= 0:
        raise LinkError(f"link_feedback({what}=...) must be a positive duration, got {value!r}")
    return int(seconds)


def _gap(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    """Seconds from ``earlier`` to ``later``, as a float: engines return fractional epochs (DuckDB's
    ``epoch`` is a double), so an integer type would be a lie that breaks reading the result back."""
    return later.epoch_seconds().cast("float64") - earlier.epoch_seconds().cast("float64")


def _last_before(ev: ir.Table, fb: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Per feedback row (``fid``), the rank ``r`` of the last event with the same ``keys`` at or before it.

    ``ev`` has ``keys``, ``ts``, ``seq`` and ``r`` (a number that grows with time within ``keys``);
    ``fb`` has ``keys``, ``fid``, ``ts``, ``seq``. Events at the feedback's very time count as before.
    """
    e = ev.select(*keys, ts=ev.ts, pri=ibis.literal(0), seq=ev.seq, fid=ibis.null("int64"), r=ev.r)
    f = fb.select(*keys, ts=fb.ts, pri=ibis.literal(1), seq=fb.seq, fid=fb.fid, r=ibis.null("int64"))
    u = e.union(f)
    w = ibis.cumulative_window(group_by=[u[k] for k in keys], order_by=[u.ts, u.pri, u.seq])
    u = u.mutate(last_r=u.r.max().over(w))
    u = u.filter(u.pri == 1)
    return u.select("fid", last_r=u.last_r)


def link_feedback(feedback: ibis.Table, events: ibis.Table, *, journey: JourneyConfig | None = None,
                  window: str | timedelta = "7d", touchpoints: Mapping[str, str] | None = None,
                  touchpoint_window: str | timedelta | None = "90d",
                  rules: Sequence[str] = LINK_RULES) -> ibis.Table:
    """Every feedback row with the touchpoint (event) it is about, and that touchpoint's journey stage.

    Parameters
    ----------
    feedback, events : ibis.Table
        The workspace's ``feedback`` and ``events`` tables (``ws.table("feedback")``, ``ws.events``).
    journey : JourneyConfig, optional
        Adds ``stage`` and ``stage_index``: the stage of the linked event in this journey (NULL when
        the event is not one of the journey's touchpoints, or the row is unlinked).
    window : duration, default="7d"
        How far back the ``last_event`` rule looks.
    touchpoints : mapping, optional
        Declared touchpoint values (the feedback's ``touchpoint`` column) to activity names, for
        companies whose survey tool names touchpoints its own way. Unmapped values are taken as
        activity names.
    touchpoint_window : duration or None, default="90d"
        How far back the ``touchpoint`` rule looks (None: no limit).
    rules : sequence of str
        The rules to try, a subset of :data:`LINK_RULES` (always tried in that order).

    Returns
    -------
    ibis.Table
        The feedback columns, then ``linked_by`` (case | touchpoint | last_event | NULL),
        ``unlinked_reason``, ``event_id``, ``event_activity``, ``event_channel``,
        ``event_timestamp``, ``seconds_after_event`` (float) and, with a journey, ``stage``, ``stage_index``.
        One row per feedback row, never fewer.
    """
    _check(feedback, _FEEDBACK_NEEDS, "feedback")
    _check(events, _EVENTS_NEEDS, "events")
    unknown = [r for r in rules if r not in LINK_RULES]
    if unknown or not rules:
        raise LinkError(f"link_feedback(rules=...): unknown rule(s) {unknown or rules!r}; "
                        f"choose among {', '.join(LINK_RULES)}")
    win = _seconds(window, "window")
    tp_win = _seconds(touchpoint_window, "touchpoint_window")
    if touchpoints is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in touchpoints.items()):
        raise LinkError("link_feedback(touchpoints=...) maps declared touchpoint names to activity names (strings)")

    fb_cols = list(feedback.columns)
    fb = feedback.mutate(
        _fid=ibis.row_number().over(ibis.window(order_by=[feedback.timestamp, feedback.feedback_id])).cast("int64"))
    fb_seq = fb.seq if "seq" in fb.columns else ibis.literal(0, "int64")
    fb = fb.mutate(_fseq=fb_seq.cast("int64"))
    # Only the events of customers (and cases) that gave feedback take part.
    ev_all = events.select("event_id", "customer_id", "case_id" if "case_id" in events.columns
                           else ibis.null("string").name("case_id"), "timestamp", "seq", "activity", "channel")
    has_case = "case_id" in fb.columns

    links: dict[str, ir.Table] = {}

    def fetch(last: ir.Table, ev_r: ir.Table, keys: Sequence[str], fkeys: ir.Table) -> ir.Table:
        """The linked event's columns for each fid (inner join: fids without an event drop out here)."""
        j = last.join(fkeys, "fid")
        j = j.join(ev_r, [j[k] == ev_r[k] for k in keys] + [j.last_r == ev_r.r])
        return j.select("fid", event_id=ev_r.event_id, event_activity=ev_r.activity, event_channel=ev_r.channel,
                        event_timestamp=ev_r.timestamp, f_ts=j.f_ts)

    if "case" in rules and has_case:
        fc = fb.filter(fb.case_id.notnull())
        ev = ev_all.filter(ev_all.case_id.notnull())
        ev = ev.filter(ev.case_id.isin(fc.case_id))
        ev = ev.mutate(r=ibis.row_number().over(
            ibis.window(group_by=ev.case_id, order_by=[ev.timestamp, ev.seq])).cast("int64") + 1)
        last = _last_before(ev.mutate(ts=ev.timestamp),
                            fc.select("case_id", fid=fc._fid, ts=fc.timestamp, seq=fc._fseq), ["case_id"])
        # feedback before any of the case's events: the case's first event (r = 1)
        last = last.mutate(last_r=ibis.coalesce(last.last_r, 1))
        links["case"] = fetch(last, ev, ["case_id"], fc.select(fid=fc._fid, case_id=fc.case_id, f_ts=fc.timestamp))

    known = fb.filter(fb.customer_id.notnull())
    ev = ev_all.filter(ev_all.customer_id.isin(known.customer_id))
    ev = ev.mutate(r=ibis.row_number().over(
        ibis.window(group_by=ev.customer_id, order_by=[ev.timestamp, ev.seq])).cast("int64") + 1)
    ev = ev.mutate(ts=ev.timestamp)

    if "touchpoint" in rules and "touchpoint" in fb.columns:
        ft = known.filter(known.touchpoint.notnull())
        act = ft.touchpoint.substitute(dict(touchpoints)) if touchpoints else ft.touchpoint
        ft = ft.mutate(activity=act.cast("string"))
        last = _last_before(ev, ft.select("customer_id", "activity", fid=ft._fid, ts=ft.timestamp, seq=ft._fseq),
                            ["customer_id", "activity"])
        got = fetch(last, ev, ["customer_id"], ft.select("customer_id", fid=ft._fid, f_ts=ft.timestamp))
        if tp_win is not None:
            got = got.filter(_gap(got.f_ts, got.event_timestamp) <= tp_win)
        links["touchpoint"] = got

    last_any = _last_before(ev, known.select("customer_id", fid=known._fid, ts=known.timestamp, seq=known._fseq),
                            ["customer_id"])
    got = fetch(last_any, ev, ["customer_id"], known.select("customer_id", fid=known._fid, f_ts=known.timestamp))
    prior = got.select("fid", _prior=ibis.literal(True))
    if "last_event" in rules:
        links["last_event"] = got.filter(
            _gap(got.f_ts, got.event_timestamp) <= win)

    out = fb
    ev_cols = ("event_id", "event_activity", "event_channel", "event_timestamp")
    for rule in LINK_RULES:
        if rule not in links:
            continue
        lk = links[rule]
        lk = lk.select(_k=lk.fid, **{f"{c}__{rule}": lk[c] for c in ev_cols})
        out = out.left_join(lk, out._fid == lk._k).drop("_k")
    present = [r for r in LINK_RULES if r in links]
    out = out.left_join(prior.rename(_kp="fid"), out._fid == prior.rename(_kp="fid")._kp).drop("_kp")
    linked_by = ibis.cases(*[(out[f"event_id__{r}"].notnull(), r) for r in present],
                           else_=ibis.null("string")) if present else ibis.null("string")
    merged = {c: (ibis.coalesce(*[out[f"{c}__{r}"] for r in present]) if present else ibis.null(
        "timestamp" if c == "event_timestamp" else "string")) for c in ev_cols}
    case_given = out.case_id.notnull() if has_case else ibis.literal(False)
    reason = ibis.cases(
        (linked_by.notnull(), ibis.null("string")),
        (out.customer_id.isnull() & ~case_given, "no_customer"),
        (case_given & ibis.literal("case" in links), "case_without_events"),
        (out.customer_id.isnull(), "no_customer"),
        (out._prior.isnull(), "no_event_before"),
        else_="outside_window",
    )
    out = out.mutate(linked_by=linked_by, unlinked_reason=reason, **merged)
    out = out.mutate(seconds_after_event=_gap(out.timestamp, out.event_timestamp).round(3))
    out = out.select(*fb_cols, *LINK_COLUMNS, _fid=out._fid)
    if journey is not None:
        from parcours.journeys.definitions import stage_events

        staged = stage_events(ev_all.filter(ev_all.event_id.isin(out.event_id)), journey)
        staged = staged.select(_eid=staged.event_id, stage=staged.stage, stage_index=staged.stage_index)
        out = out.left_join(staged, out.event_id == staged._eid).drop("_eid")
    return out.order_by("_fid").drop("_fid")


def link_summary(linked: ibis.Table) -> pd.DataFrame:
    """How many feedback rows each rule linked, and how many stayed unlinked, by reason.

    Columns ``status`` ("linked" or "unlinked"), ``rule_or_reason``, ``feedback``, ``share``;
    reasons are explained in :data:`UNLINKED_REASONS`.

    >>> import ibis
    >>> t = ibis.memtable({"linked_by": ["case", "last_event", None], "unlinked_reason": [None, None, "no_customer"]})
    >>> link_summary(t)[["status", "rule_or_reason", "feedback"]].to_dict("records")[0]
    {'status': 'linked', 'rule_or_reason': 'case', 'feedback': 1}
    """
    t = linked.mutate(status=ibis.ifelse(linked.linked_by.notnull(), "linked", "unlinked"),
                      rule_or_reason=ibis.coalesce(linked.linked_by, linked.unlinked_reason))
    df = t.group_by(["status", "rule_or_reason"]).agg(feedback=t.count()).to_pandas()
    order = {name: i for i, name in enumerate((*LINK_RULES, *UNLINKED_REASONS))}
    df["_o"] = df["rule_or_reason"].map(order)
    df = df.sort_values(["status", "_o"]).drop(columns="_o").reset_index(drop=True)
    df["feedback"] = df["feedback"].astype("int64")
    total = int(df["feedback"].sum())
    df["share"] = df["feedback"] / total if total else 0.0
    return df
