"""Success criteria from the customer's side: did each customer do, in time, what makes them succeed?

A journey may declare ``success``: a time ``within`` which, from the customer's entry into the
journey (their first event in any of its stages), every criterion must be met, e.g. "within 30 days:
half the licences used, 3 key features adopted, 10 logins" (CX seed 001). A criterion counts
matching events, distinct values of a property (features adopted) or matching events over the seats
bought (users activated); it is met on the date of the event that reaches the threshold. Each
customer is then:

- ``met``, on the date the last criterion was met (within the window);
- ``at_risk`` while the window is still open and some criterion is not met yet (dated by its deadline);
- ``missed`` once the window closed with some criterion unmet (dated by the deadline).

Everything runs in the engine, one aggregate per criterion; point in time with ``as_of`` (rows
strictly before it).

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp(), scenario="saas")
>>> success_status(ws).columns[:6]
('customer_id', 'journey', 'started_at', 'deadline', 'status', 'status_date')
"""

from __future__ import annotations

import fnmatch
import math
from typing import TYPE_CHECKING, Any

import ibis

from parcours.config import FeaturesConfig, JourneyConfig, SuccessCriterion, parse_duration
from parcours.customers.features import FeatureError, _connection, _settings, _slug, property_text, reference_time, seats

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from parcours.workspace import Workspace

STATUSES = ("met", "at_risk", "missed")


def success_journey(journeys: list[JourneyConfig], name: str | None = None) -> JourneyConfig:
    """The journey whose success criteria are wanted: by name, or the only one that declares some."""
    with_success = [j for j in journeys if j.success is not None]
    if name is not None:
        found = next((j for j in journeys if j.name == name), None)
        if found is None:
            raise FeatureError(f"no journey {name!r}; journeys: {', '.join(j.name for j in journeys) or 'none'}")
        if found.success is None:
            raise FeatureError(f"journey {name!r} declares no success criteria (add `success:` to it in parcours.yaml)")
        return found
    if not with_success:
        raise FeatureError("no journey declares success criteria: add `success: {within: 30d, criteria: [...]}` "
                           "to a journey in parcours.yaml")
    if len(with_success) > 1:
        raise FeatureError("several journeys declare success criteria; choose one: "
                           + ", ".join(j.name for j in with_success))
    return with_success[0]


def criterion_slug(c: SuccessCriterion) -> str:
    """The column name of a criterion's progress (``logins`` for 'Logins')."""
    return _slug(c.name)


def success_status(con: BaseBackend | Workspace, journey: str | JourneyConfig | None = None, *,
                   as_of: Any = None, config: FeaturesConfig | None = None) -> ibis.Table:
    """Per customer who entered the journey: ``customer_id, journey, started_at, deadline, status,
    status_date``, then per criterion its progress (``<name>``: events, distinct values or share of
    seats within the window) and ``<name>_met_at`` (NULL while unmet).

    ``journey``: a name or a :class:`~parcours.config.JourneyConfig` (default: the workspace's only
    journey with success criteria). ``config``: the features settings (the seats key).
    """
    backend, ws_cfg, journeys = _connection(con)
    j = journey if isinstance(journey, JourneyConfig) else success_journey(journeys, journey)
    if j.success is None:
        raise FeatureError(f"journey {j.name!r} declares no success criteria")
    settings = _settings(config, ws_cfg)
    now = reference_time(backend, as_of)
    now_lit = ibis.literal(now.to_pydatetime(), type="timestamp")
    ev = backend.table("events")
    ev = ev.filter(ev.customer_id.notnull())
    cu = backend.table("customers")
    if as_of is not None:
        ev = ev.filter(ev.timestamp < now_lit)
        cu = cu.filter(cu.created_at.isnull() | (cu.created_at < now_lit))

    from parcours.journeys.definitions import stage_events

    st = stage_events(ev, j)
    within = parse_duration(j.success.within)
    starts = st.group_by("customer_id").aggregate(started_at=st.timestamp.min())
    starts = starts.mutate(deadline=starts.started_at + ibis.interval(seconds=int(within.total_seconds())))
    names = [a for a in ev.select("activity").distinct().activity.to_pyarrow().to_pylist() if a is not None]
    engine = getattr(backend, "name", None)
    seat_t = None
    t = starts
    met_cols = []
    for c in j.success.criteria:
        slug = criterion_slug(c)
        acts = sorted({a for a in names for p in c.activities if fnmatch.fnmatchcase(a, p)})
        m = ev.filter(ev.activity.isin(acts or [""])).join(starts, "customer_id")
        m = m.filter((m.timestamp >= m.started_at) & (m.timestamp < m.deadline))
        if c.count == "distinct":
            m = m.mutate(v=property_text(m.properties, c.property or "", engine=engine))
            m = m.filter(m.v.notnull())
            m = m.group_by(["customer_id", "v"]).aggregate(t=m.timestamp.min())
        else:
            m = m.select("customer_id", t=m.timestamp)
        done = m.group_by("customer_id").aggregate(n=m.count())
        ranked = m.mutate(rn=ibis.row_number().over(group_by=m.customer_id, order_by=m.t))
        if c.count == "share_of_seats":
            if seat_t is None:  # licences bought, joined once for every such criterion
                seat_t = seats(ev, cu, settings, engine).rename(seats_bought="seats")
                t = t.left_join(seat_t, "customer_id").drop("customer_id_right")
            need = seat_t.mutate(need=(seat_t.seats_bought * c.at_least).ceil().cast("int64"))
            ranked = ranked.join(need.select("customer_id", "need"), "customer_id")
            hit = ranked.filter(ranked.rn == ranked.need - 1)
        else:
            hit = ranked.filter(ranked.rn == max(math.ceil(c.at_least), 1) - 1)
        met = hit.group_by("customer_id").aggregate(**{f"{slug}_met_at": hit.t.min()})
        t = t.left_join(done.rename(**{f"{slug}_n": "n"}), "customer_id").drop("customer_id_right")
        t = t.left_join(met, "customer_id").drop("customer_id_right")
        count = t[f"{slug}_n"].fill_null(0).cast("float64")
        t = t.mutate(**{slug: count / t.seats_bought.nullif(0) if c.count == "share_of_seats" else count})
        t = t.drop(f"{slug}_n")
        met_cols.append(f"{slug}_met_at")
    all_met = ibis.and_(*[t[col].notnull() for col in met_cols])
    met_on = ibis.greatest(*[t[col] for col in met_cols]) if len(met_cols) > 1 else t[met_cols[0]]
    status = ibis.cases((all_met, "met"), (t.deadline <= now_lit, "missed"), else_="at_risk")
    date = ibis.ifelse(all_met, met_on, t.deadline)
    rest = [col for col in t.columns if col not in ("customer_id", "started_at", "deadline", "seats_bought")]
    head = [t.customer_id, ibis.literal(j.name).name("journey"), t.started_at, t.deadline,
            status.name("status"), date.name("status_date")]
    return t.select(*head, *[t[col] for col in sorted(rest, key=lambda col: (col.replace("_met_at", ""), col))])


def success_summary(status: Any, journey: JourneyConfig) -> list[dict[str, Any]]:
    """Counts per status and, per criterion, the share of customers who met it (from a status table)."""
    df = status.to_pandas() if hasattr(status, "to_pandas") else status
    n = len(df)
    rows: list[dict[str, Any]] = [{"what": s, "customers": int((df.status == s).sum()),
                                   "share": float((df.status == s).mean()) if n else float("nan")} for s in STATUSES]
    assert journey.success is not None
    for c in journey.success.criteria:
        col = f"{criterion_slug(c)}_met_at"
        rows.append({"what": f"criterion: {c.name}", "customers": int(df[col].notna().sum()),
                     "share": float(df[col].notna().mean()) if n else float("nan")})
    return rows


__all__ = ["STATUSES", "criterion_slug", "success_journey", "success_status", "success_summary"]
