"""Journey definitions: stages of touchpoints declared in ``parcours.yaml``, shipped templates, and
each customer's real sequence of stages.

A journey ("parcours") is a list of stages ("étapes"); a stage is a set of touchpoints, each an
activity and optionally a channel, written as exact names or glob patterns (``*`` any text, ``?``
one character; ``%``, ``_`` and every other character stand for themselves). The models live in
:mod:`parcours.config` (so that reading the config never loads the engine) and are re-exported here.

Customers do not walk a journey in line: they go back, skip stages, loop and enter late. So the
stages a customer went through are read from their events: :func:`stage_events` tags every event
with its stage (the first listed stage whose touchpoints match it), and :func:`stage_sequences`
turns each customer's tagged events, in ``(timestamp, seq)`` order, into visits: runs of consecutive
events in one stage. Both are Ibis expressions, the same on DuckDB and Spark.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "log.csv").write_text("customer_id,activity,channel,timestamp\\n"
...     "c1,product_view,web,2024-01-01T10:00:00Z\\nc1,add_to_cart,web,2024-01-01T10:02:00Z\\n"
...     "c1,product_view,app,2024-01-01T18:00:00Z\\nc1,payment,app,2024-01-01T18:05:00Z\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "log.csv")
>>> seq = stage_sequences(ws.events, template("purchase_lifecycle")).to_pandas()
>>> seq[["visit", "stage", "stage_index", "events"]]
   visit      stage  stage_index  events
0      0  discovery            0       1
1      1   decision            1       1
2      2  discovery            0       1
3      3   purchase            2       1
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from parcours.config import (
    JourneyConfig,
    StageConfig,
    SuccessConfig,
    SuccessCriterion,
    TouchpointConfig,
    _format_errors,
    parse_duration,
)
from parcours.errors import ConfigError, NotFoundError, ParcoursError

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir


class JourneyError(ParcoursError, ValueError):
    """Journey stages that cannot be computed as asked (a missing column, a bad option)."""


# --------------------------------------------------------------------------- templates


def _journey(name: str, description: str, stages: Iterable[tuple[str, list[Any], str | None]],
             window: str | None = None, ideal_order: list[str] | None = None) -> JourneyConfig:
    return JourneyConfig(
        name=name, description=description, conversion_window=window, ideal_order=ideal_order,
        stages=[StageConfig(name=s, touchpoints=tps, target_duration=target) for s, tps, target in stages])


#: The typical journeys ("parcours types") of the CX literature, with touchpoint patterns that fit
#: common event names. Take a copy with :func:`template` (and adapt its patterns to your data).
TEMPLATES: dict[str, JourneyConfig] = {
    "purchase_lifecycle": _journey(
        "purchase_lifecycle",
        "The customer life cycle: discovering the company, deciding, buying, using the product or "
        "service, and deciding to renew (buy again) or not.",
        [
            ("discovery", ["page_view", "screen_view", "product_view", "view_item*", "search*", "*browse*",
                           "ad_click", "campaign_*", "newsletter_*", "store_locator", "app_open"], None),
            ("decision", ["*cart*", "wishlist*", "compare*", "quote*", "checkout_start*", "begin_checkout",
                          "*fitting*", "demo*", "trial*"], "7d"),
            ("purchase", ["payment*", "purchase*", "order_placed", "order_created", "order_completed",
                          "checkout_complete*", "subscription.created", "subscription_created",
                          "contract_signed"], None),
            ("use", ["order_shipped", "*deliver*", "*install*", "login", "feature_used", "*servicing*",
                     "return*"], None),
            ("renewal", ["*renew*", "repurchase*", "reorder*", "loyalty_*"], None),
        ]),
    "onboarding": _journey(
        "onboarding",
        "A new customer's first weeks: signing up, setting up, reaching first value, adopting the "
        "product; success measured from the customer's side within the first 30 days.",
        [
            ("signup", ["signup", "sign_up", "register*", "registration*", "account_created", "trial.started",
                        "trial_started"], "1d"),
            ("setup", ["*setup*", "workspace_*", "profile_*", "settings_*", "*import*", "integration*",
                       "*_connected", "*configured"], "7d"),
            ("activation", ["*invite*", "*activated", "first_*", "tutorial_complete*", "onboarding_complete*"],
             "14d"),
            ("adoption", ["feature_used", "*_used", "login", "session_start"], None),
        ],
        window="30d"),
    "problem_resolution": _journey(
        "problem_resolution",
        "Solving a customer's problem: the first contact, the back and forth until it is solved "
        "(re-contacts, escalations, re-openings), and the resolution.",
        [
            ("contact", ["ticket_created", "case_opened", "case_created", "*complaint*", "contact_*",
                         "call_received", "chat_started"], "1d"),
            ("handling", ["first_response", "*reply*", "*recontact*", "escalat*", "reopen*", "callback*",
                          "assigned", "call_*", "chat_*"], "2d"),
            ("resolution", ["resolved", "*_resolved", "solved", "closed", "*_closed"], None),
        ],
        window="7d"),
    "upgrade": _journey(
        "upgrade",
        "Moving a customer to a better product or plan: considering it, asking for it, the change "
        "itself, and using what was added.",
        [
            ("consideration", ["*pricing*", "plan_compar*", "upgrade_view*", "*upsell*", "offer_view*"], "14d"),
            ("request", ["upgrade_request*", "plan_change_request*", "quote*", "trade_in*"], "3d"),
            ("change", ["upgrade*", "*upgraded", "plan_change*", "subscription.updated", "subscription_updated",
                        "seats_added", "*add_on*"], None),
            ("adoption", ["feature_used", "*_used", "login"], None),
        ],
        window="30d"),
    "relocation": _journey(
        "relocation",
        "Helping a customer who moves keep their service: the request, planning the move, the "
        "transfer (cut-off, installation), and the service running at the new address.",
        [
            ("request", ["relocation*", "move_request*", "moving*", "address_change*", "change_of_address*"],
             "2d"),
            ("planning", ["*appointment*", "*schedul*", "quote*"], "7d"),
            ("transfer", ["*transfer*", "*disconnect*", "*install*", "*meter_read*", "*technician*"], "3d"),
            ("settled", ["service_activated", "*activated", "*active", "welcome*", "first_invoice*",
                         "first_bill*"], None),
        ],
        window="60d"),
}


def template(name: str, /, **overrides: Any) -> JourneyConfig:
    """A copy of a shipped journey template, with any field replaced (and validated).

    >>> template("onboarding").order
    ['signup', 'setup', 'activation', 'adoption']
    >>> template("problem_resolution", name="support", conversion_window="3d").window.days
    3
    """
    if name not in TEMPLATES:
        raise NotFoundError(f"no journey template {name!r}; templates: {', '.join(TEMPLATES)}")
    data = TEMPLATES[name].model_dump()
    data.update(overrides)
    try:
        return JourneyConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, f"template({name!r})", JourneyConfig)) from None


def find_journey(journeys: Sequence[JourneyConfig], name: str) -> JourneyConfig:
    """The journey called ``name`` among those of a workspace's config.

    >>> find_journey([template("upgrade")], "upgrade").name
    'upgrade'
    """
    for j in journeys:
        if j.name == name:
            return j
    have = ", ".join(j.name for j in journeys) or "none"
    raise NotFoundError(f"no journey {name!r} in parcours.yaml (journeys: {have}); add one under 'journeys', "
                        f"e.g. from a template: {', '.join(TEMPLATES)}")


def _tp(activity: str, channel: str) -> dict[str, str]:
    return {"activity": activity, "channel": channel}


def scenario_journeys(scenario: str) -> list[JourneyConfig]:
    """The journeys ``parcours init --scenario`` writes: the demo companies' own activity names.

    >>> [j.name for j in scenario_journeys("saas")]
    ['onboarding', 'renewal', 'problem_resolution']
    """
    support = template(
        "problem_resolution",
        description=("A support ticket from creation to closure, with its re-contacts, escalations and "
                     "re-openings; best read per ticket (by case)."),
        stages=[
            StageConfig(name="contact", touchpoints=["ticket_created"], target_duration="2d"),
            StageConfig(name="handling", touchpoints=["first_response", "agent_reply", "customer_recontact",
                                                      "escalated", "reopened"], target_duration="2d"),
            StageConfig(name="resolution", touchpoints=["resolved", "closed"]),
        ])
    if scenario == "retail":
        purchase = template(
            "purchase_lifecycle", name="purchase",
            description=("Glisse & Co's purchase journey across web, app, stores and phone. A repurchase "
                         "shows as a later return to the purchase stage; the purchase stage lasts until "
                         "delivery (promised within 4 days)."),
            conversion_window="30d",
            stages=[
                StageConfig(name="discovery", touchpoints=["page_view", "product_view", "search", "store_locator",
                                                           "app_open"]),
                StageConfig(name="decision", touchpoints=["add_to_cart", "checkout_start", "wishlist_add",
                                                          _tp("store_visit", "store"), _tp("boot_fitting", "store")],
                            target_duration="7d"),
                StageConfig(name="purchase", touchpoints=["payment", "order_placed", "order_shipped"],
                            target_duration="4d"),
                StageConfig(name="use", touchpoints=["order_delivered", "return_requested",
                                                     _tp("ski_servicing", "store")]),
            ])
        return [purchase, support]
    if scenario == "saas":
        onboarding = template(
            "onboarding",
            description=("Planeo's onboarding: from signup to the first project, within the first 30 days "
                         "(the trial lasts 14)."),
            stages=[
                StageConfig(name="signup", touchpoints=["signup", "trial.started"], target_duration="1h"),
                StageConfig(name="workspace", touchpoints=["workspace_created"], target_duration="1d"),
                StageConfig(name="team", touchpoints=["users_invited"], target_duration="2d"),
                StageConfig(name="integration", touchpoints=["integration_connected"], target_duration="3d"),
                StageConfig(name="first_project", touchpoints=["first_project_created"]),
                # Imports happen along the way, in any order: a stage, off the ideal path.
                StageConfig(name="data_import", touchpoints=["data_import_*"]),
            ],
            ideal_order=["signup", "workspace", "team", "integration", "first_project"],
            # what success means for the customer (CX seed 001): in the first 30 days, half the
            # licences used, three key features adopted, three logins
            success=SuccessConfig(within="30d", criteria=[
                SuccessCriterion(name="Seats used", activities=["user_activated"], at_least=0.5,
                                 count="share_of_seats"),
                SuccessCriterion(name="Features adopted", activities=["feature_used"], at_least=3,
                                 count="distinct", property="feature"),
                SuccessCriterion(name="Logins", activities=["login"], at_least=3),
            ]))
        renewal = _journey(
            "renewal",
            "From trial to subscription, adoption by the team and renewal at the end of each annual term; "
            "a cancellation is off the ideal path.",
            [
                ("trial", ["trial.started", "trial.expired"], "14d"),
                ("subscription", ["subscription.created"], None),
                ("adoption", ["user_activated", "feature_used"], None),
                ("renewal", ["subscription.renewed"], None),
                ("cancellation", ["subscription.cancelled"], None),
            ],
            window="400d", ideal_order=["trial", "subscription", "adoption", "renewal"])
        return [onboarding, renewal, support]
    return []


# --------------------------------------------------------------------------- matching

#: Stand-ins for the characters LIKE treats specially, so that they match only themselves: both
#: the column and the pattern get them (no ESCAPE clause, which engines spell differently).
_LIKE_LITERALS = {"%": "\ue000", "_": "\ue001", "\\": "\ue002"}


def _simple(pattern: str) -> bool:
    """Matched without LIKE: an exact name, or one literal run with stars around it (``a*``, ``*a``, ``*a*``)."""
    inner = pattern.strip("*")
    return "?" not in inner and "*" not in inner


def _needs_mask(pattern: str) -> bool:
    """Matched with LIKE on the masked column: a LIKE pattern holding a literal ``%``, ``_`` or backslash."""
    return not _simple(pattern) and any(ch in pattern for ch in _LIKE_LITERALS)


def _like_pattern(glob: str) -> str:
    """A glob as a LIKE pattern, its literal ``%``, ``_`` and backslash replaced by stand-ins."""
    return "".join("%" if ch == "*" else "_" if ch == "?" else _LIKE_LITERALS.get(ch, ch) for ch in glob)


def _masked(col: ir.StringValue) -> ir.StringValue:
    for ch, stand_in in _LIKE_LITERALS.items():
        col = col.replace(ch, stand_in)
    return col


def _glob_match(col: ir.StringValue, masked: ir.StringValue | None, pattern: str) -> ir.BooleanValue:
    """``col`` matches ``pattern``: equality, prefix, suffix, substring, or LIKE (on the masked column)."""
    if "*" not in pattern and "?" not in pattern:
        return col == pattern
    inner = pattern.strip("*")
    if not inner:
        return col.notnull()
    if _simple(pattern):
        if pattern.startswith("*") and pattern.endswith("*"):
            return col.contains(inner)
        return col.endswith(inner) if pattern.startswith("*") else col.startswith(inner)
    if not _needs_mask(pattern):
        return col.like(_like_pattern(pattern))
    assert masked is not None, "_stage_index masks the column for such patterns"
    return masked.like(_like_pattern(pattern))


def _stage_index(t: ir.Table, journey: JourneyConfig) -> ir.IntegerValue:
    """Per event, the ``stage_index`` of the first listed stage it matches (NULL: none)."""
    import ibis

    patterns = [(tp.activity, tp.channel) for s in journey.stages for tp in s.touchpoints]
    act_mask = _masked(t.activity) if any(_needs_mask(a) for a, _ in patterns) else None
    chan_mask = _masked(t.channel) if any(c is not None and _needs_mask(c) for _, c in patterns) else None
    order = journey.order
    branches = []
    for stage in journey.stages:
        exact: dict[str | None, list[str]] = {}  # channel pattern -> exact activity names
        conds = []
        for tp in stage.touchpoints:
            if "*" not in tp.activity and "?" not in tp.activity:
                exact.setdefault(tp.channel, []).append(tp.activity)
                continue
            act = _glob_match(t.activity, act_mask, tp.activity)
            conds.append(act if tp.channel is None else act & _glob_match(t.channel, chan_mask, tp.channel))
        for channel, names in exact.items():
            act = t.activity == names[0] if len(names) == 1 else t.activity.isin(names)
            conds.append(act if channel is None else act & _glob_match(t.channel, chan_mask, channel))
        cond = conds[0]
        for c in conds[1:]:
            cond = cond | c
        branches.append((cond, order.index(stage.name)))
    return ibis.cases(*branches, else_=ibis.null("int64")).cast("int64")


def _check_columns(events: ir.Table, needed: Iterable[str]) -> None:
    missing = [c for c in needed if c not in events.columns]
    if missing:
        raise JourneyError(f"the events table has no column(s) {', '.join(missing)}; "
                           f"available: {', '.join(events.columns)}. Pass the workspace's events (ws.events)")


def stage_events(events: ibis.Table, journey: JourneyConfig) -> ibis.Table:
    """The events that belong to a journey, with their ``stage`` name and ``stage_index``.

    An event matching touchpoints of several stages takes the first stage listed; ``stage_index``
    is the stage's position in the journey's order (the ideal order, then stages off it). The
    events' own ``stage`` column, if any, is replaced.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> stage_events(ws.events, template("onboarding")).columns[-2:]
    ('stage', 'stage_index')
    """
    import ibis

    _check_columns(events, ("activity", "channel"))
    t = events.mutate(stage_index=_stage_index(events, journey))
    t = t.filter(t.stage_index.notnull())
    names = journey.order
    stage = ibis.cases(*[(t.stage_index == i, name) for i, name in enumerate(names)])
    cols = [c for c in events.columns if c not in ("stage", "stage_index")]
    return t.select(*cols, stage=stage, stage_index=t.stage_index)


def stage_sequences(events: ibis.Table, journey: JourneyConfig, *, by: str = "customer") -> ibis.Table:
    """Each customer's (or case's) visits to the journey's stages, in order, repeats collapsed.

    A visit is a run of consecutive journey events in one stage, events ordered by
    ``(timestamp, seq)``; events outside the journey are left out and do not break a run. Going
    back, skipping, looping and entering late all show as they happened. Columns: ``customer_id``
    (or ``case_id``: events without a case are left out), ``visit`` (0-based), ``stage``,
    ``stage_index``, ``entered_at`` and ``left_at`` (times of the visit's first and last events),
    ``events`` (how many).

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> stage_sequences(ws.events, template("onboarding"), by="case").columns
    ('case_id', 'visit', 'stage', 'stage_index', 'entered_at', 'left_at', 'events')
    """
    import ibis

    units = {"customer": "customer_id", "case": "case_id"}
    if by not in units:
        raise JourneyError(f"by must be 'customer' or 'case', not {by!r}")
    unit = units[by]
    _check_columns(events, (unit, "timestamp", "seq", "activity", "channel"))
    ev = stage_events(events, journey)
    if by == "case":
        ev = ev.filter(ev.case_id.notnull())
    ev = ev.select(unit, "timestamp", "seq", "stage_index")
    order = [ev.timestamp, ev.seq]
    prev = ev.stage_index.lag().over(ibis.window(group_by=ev[unit], order_by=order))
    ev = ev.mutate(_new=ibis.ifelse(ibis.coalesce(prev, -1) != ev.stage_index, 1, 0))  # index >= 0
    run = ev._new.sum().over(ibis.cumulative_window(group_by=ev[unit], order_by=[ev.timestamp, ev.seq]))
    ev = ev.mutate(visit=(run - 1).cast("int64"))
    visits = ev.group_by([unit, "visit", "stage_index"]).agg(
        entered_at=ev.timestamp.min(), left_at=ev.timestamp.max(), events=ev.count().cast("int64"))
    stage = ibis.cases(*[(visits.stage_index == i, name) for i, name in enumerate(journey.order)])
    out = visits.select(unit, "visit", stage=stage, stage_index=visits.stage_index, entered_at=visits.entered_at,
                        left_at=visits.left_at, events=visits.events)
    return out.order_by([unit, "visit"])


__all__ = [
    "TEMPLATES",
    "JourneyConfig",
    "JourneyError",
    "StageConfig",
    "TouchpointConfig",
    "find_journey",
    "parse_duration",
    "scenario_journeys",
    "stage_events",
    "stage_sequences",
    "template",
]
