"""Customer features: one row per customer, computed in the engine, point-in-time.

Recency, frequency and spend (RFM), tenure, channel mix, support contacts and repeat contacts,
feedback scores and sentiment, product use (logins, features adopted, seats used) and the furthest
stage reached in each declared journey. Personas, tiers, health scores and the churn model all
start from this table. With ``as_of`` only rows strictly before that instant are read, and
recency and tenure are measured to it, so a model trained on features "as of" a date never sees
the future.

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp())
>>> customer_features(ws).columns[:5]
('customer_id', 'recency_days', 'frequency', 'monetary', 'avg_basket')
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from parcours.config import CustomersConfig, FeaturesConfig, JourneyConfig
from parcours.errors import ParcoursError

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from parcours.workspace import Workspace

DAY = 86_400.0
#: Words in an activity name that say a valued event is not a purchase (unless purchases are listed).
NOT_PURCHASE = ("fail", "refund", "cancel", "return", "chargeback", "void")
#: Feedback kinds and how their score maps to 0..1 (feedback_score is the mean over a customer's answers).
SCORE_SCALES = {"nps": (0.0, 10.0), "csat": (1.0, 5.0), "review": (1.0, 5.0), "ces": (1.0, 7.0)}


class FeatureError(ParcoursError, ValueError):
    """Features cannot be built (a bad date, a missing table or column)."""


def to_timestamp(value: Any, *, name: str = "as_of") -> pd.Timestamp:
    """A date or instant given by the user as a naive UTC ``pd.Timestamp`` (how the warehouse stores time).

    >>> to_timestamp("2024-03-01")
    Timestamp('2024-03-01 00:00:00')
    >>> to_timestamp("2024-03-01T10:00:00+01:00")
    Timestamp('2024-03-01 09:00:00')
    """
    if isinstance(value, pd.Timestamp | datetime | date | str):
        try:
            ts = pd.Timestamp(value)
        except (ValueError, TypeError):
            raise FeatureError(f"{name}={value!r} is not a date; write e.g. '2024-03-01' or '2024-03-01T10:00'") from None
    else:
        raise FeatureError(f"{name}={value!r} is not a date; write e.g. '2024-03-01' or '2024-03-01T10:00'")
    if ts is pd.NaT:
        raise FeatureError(f"{name} is empty; write a date such as '2024-03-01'")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


def _connection(con: BaseBackend | Workspace) -> tuple[BaseBackend, CustomersConfig | None, list[JourneyConfig]]:
    from parcours.workspace import Workspace

    if isinstance(con, Workspace):
        return con.con, con.config.customers, list(con.config.journeys)
    return con, None, []


def _settings(config: Any, ws_config: CustomersConfig | None) -> FeaturesConfig:
    if config is None:
        return ws_config.features if ws_config is not None else FeaturesConfig()
    if isinstance(config, CustomersConfig):
        return config.features
    if isinstance(config, FeaturesConfig):
        return config
    if isinstance(config, dict):
        return FeaturesConfig.model_validate(config)
    raise FeatureError(f"config must be a FeaturesConfig, a CustomersConfig or a dict, not {type(config).__name__}")


def property_text(col: ir.StringValue, key: str, *, engine: str | None = None) -> ir.StringValue:
    """The value of ``key`` in a flat JSON object stored as text (string or number), NULL if absent or null.

    On DuckDB its JSON reader does it (``json_extract_string``, five times faster than a regular
    expression over a hundred million events); elsewhere a regular expression, which every engine runs.
    """
    if engine == "duckdb":
        return _json_extract_string(col, '$."' + key.replace('"', '\\"') + '"').nullif("")
    pattern = '"' + re.escape(key) + r'"\s*:\s*"?([^",}]*)'
    return col.re_extract(pattern, 1).nullif("").nullif("null")


@ibis.udf.scalar.builtin(name="json_extract_string")
def _json_extract_string(js: str, path: str) -> str:  # DuckDB's own function
    ...


def purchases(events: ibis.Table, settings: FeaturesConfig) -> ibis.Table:
    """The events counted as purchases: listed activities, or positive values not failed/refunded/…"""
    if settings.purchase_activities is not None:
        return events.filter(events.activity.isin(settings.purchase_activities))
    low = events.activity.lower()
    cond = events.value.notnull() & (events.value > 0)
    for word in NOT_PURCHASE:
        cond = cond & ~low.contains(word)
    return events.filter(cond)


def failure_families(activities: list[str], words: list[str]) -> pd.DataFrame:
    """Each activity that says a step failed or completed it: ``activity, family, failure``.

    The family is the words before the failure word (``data_import_failed`` → ``data_import``);
    an activity without a failure word whose words start with a family's is that family's success
    (``data_import_completed``). Other activities are left out. Runs over the distinct activity
    names (a few hundred at most), not over events.

    >>> failure_families(["data_import_failed", "data_import_completed", "login"], ["fail"]).values.tolist()
    [['data_import_failed', 'data_import', True], ['data_import_completed', 'data_import', False]]
    """
    low = [w.lower() for w in words if w]
    tokens = {a: [t for t in re.split(r"[^0-9a-z]+", str(a).lower()) if t] for a in activities}
    rows, families = [], set()
    for a, tok in tokens.items():
        at = next((i for i, t in enumerate(tok) if any(t.startswith(w) for w in low)), None)
        if at is not None:
            fam = tuple(tok[:at])
            rows.append((a, "_".join(fam), True))
            if fam:
                families.add(fam)
    for a, tok in tokens.items():
        if any(t.startswith(w) for t in tok for w in low):
            continue
        match = max((f for f in families if tuple(tok[:len(f)]) == f), key=len, default=None)
        if match is not None:
            rows.append((a, "_".join(match), False))
    return pd.DataFrame(rows, columns=["activity", "family", "failure"])


def with_key(events: ibis.Table, key: str) -> ibis.Table:
    """The events whose properties may hold ``key``: a substring test, much cheaper than parsing JSON.

    Keys that JSON would escape (quotes, backslashes, control characters) are not pre-filtered.
    """
    if any(c in key for c in '"\\') or any(ord(c) < 32 for c in key):
        return events
    return events.filter(events.properties.contains('"' + key + '"'))


def seats(events: ibis.Table, customers: ibis.Table, settings: FeaturesConfig, engine: str | None) -> ibis.Table:
    """Licences bought per customer (``customer_id, seats``): the latest value in the events'
    properties, else the largest in the customers' attributes (key ``settings.seats_key``)."""
    # a plain substring test first: parsing JSON is the costly part, and few events carry the key
    se = with_key(events, settings.seats_key)
    se = se.mutate(s=property_text(se.properties, settings.seats_key, engine=engine).try_cast("float64"))
    se = se.filter(se.s.notnull())
    by_ev = se.group_by("customer_id").aggregate(seats_ev=se.s.argmax(se.timestamp))
    ca = customers.mutate(s=property_text(customers.attributes, settings.seats_key, engine=engine).try_cast("float64"))
    by_cu = ca.filter(ca.s.notnull()).group_by("customer_id").aggregate(seats_cu=ca.s.max())
    j = by_ev.outer_join(by_cu, "customer_id")
    return j.select(customer_id=ibis.coalesce(j.customer_id, j.customer_id_right),
                    seats=ibis.coalesce(j.seats_ev, j.seats_cu))


def _days(later: ir.Value, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return (later - earlier.epoch_seconds()).cast("float64") / DAY


def _slug(text: str) -> str:
    s = re.sub(r"[^0-9a-zA-Z]+", "_", str(text)).strip("_").lower()
    return s or "none"


def reference_time(con: BaseBackend | Workspace, as_of: Any = None) -> pd.Timestamp:
    """``as_of`` as a timestamp, or (when None) the instant just after the last event."""
    if as_of is not None:
        return to_timestamp(as_of)
    backend, _, _ = _connection(con)
    last = backend.table("events").timestamp.max().execute()
    if last is None or pd.isna(last):
        return pd.Timestamp("1970-01-01")
    return pd.Timestamp(last) + pd.Timedelta(microseconds=1)


def customer_features(con: BaseBackend | Workspace, *, as_of: Any = None, config: Any = None,
                      journeys: list[JourneyConfig] | None = None) -> ibis.Table:
    """One row per customer with numeric features, from rows strictly before ``as_of``.

    Columns: ``recency_days`` (since the last purchase, NULL if none), ``days_since_last_event``,
    ``frequency`` (purchases), ``monetary`` (their total value), ``avg_basket``, ``tenure_days``
    (since creation or first event), ``events``, ``active_days``, ``channel_<name>_share`` for the
    busiest channels, ``support_contacts`` (cases opened), ``repeat_contacts``, ``feedback_count``,
    ``feedback_score`` (mean of scores scaled to 0..1), ``nps`` and ``csat`` (means, NULL if never
    answered), ``sentiment`` (if the feedback table has such a column), ``logins``,
    ``features_adopted``, ``seats``, ``active_users``, ``seats_used_share`` (active users / seats),
    ``failures`` (events saying a step failed) and ``unresolved_failures`` (failed steps with no
    later success of the same step, for steps whose success the data records; see
    :func:`failure_families`), ``bad_outcomes`` (events whose outcome says it went wrong: a late
    delivery, a declined payment; ``bad_outcome_words``),
    and ``furthest_stage_<journey>`` (0-based index of the furthest stage reached, -1 for none) for
    every declared journey. Counts are 0, not NULL, for customers without such rows.

    ``con`` is a Workspace (its config and journeys are used) or an Ibis connection holding the
    canonical tables; ``as_of`` is a date or instant (UTC if naive); without it every row is used
    and durations run to just after the last event. ``config`` overrides the workspace's
    ``customers.features`` settings.

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> customer_features(ws, as_of="2024-01-01").count().execute()
    0
    """
    backend, ws_cfg, ws_journeys = _connection(con)
    settings = _settings(config, ws_cfg)
    journeys = ws_journeys if journeys is None else journeys
    tables = set(backend.list_tables())
    missing = [t for t in ("events", "customers", "feedback", "cases") if t not in tables]
    if missing:
        raise FeatureError(f"the warehouse has no table(s) {', '.join(missing)}; open a parcours workspace "
                           f"(parcours.open(DIR)) or ingest data first")
    ref = reference_time(backend, as_of)
    ref_lit = ibis.literal(ref.to_pydatetime(), type="timestamp")
    ref_s = ibis.literal(float(ref.timestamp()), type="float64")

    ev = backend.table("events")
    cu = backend.table("customers")
    fb = backend.table("feedback")
    cs = backend.table("cases")
    if as_of is not None:
        ev = ev.filter(ev.timestamp < ref_lit)
        fb = fb.filter(fb.timestamp < ref_lit)
        cs = cs.filter(cs.opened_at < ref_lit)
        cu = cu.filter(cu.created_at.isnull() | (cu.created_at < ref_lit))
    ev = ev.filter(ev.customer_id.notnull())

    # the customers: known to the CRM before as_of, or seen in an event before it
    ids = ibis.union(cu.select("customer_id"), ev.select("customer_id"), distinct=True)
    ids = ids.filter(ids.customer_id.notnull())

    # activity, recency, tenure
    act = ev.group_by("customer_id").aggregate(
        events=ev.count(), first_event=ev.timestamp.min(), last_event=ev.timestamp.max(),
        active_days=ev.timestamp.date().nunique(),
        logins=ev.activity.isin(settings.login_activities).sum(),
        repeat_contacts=ev.activity.isin(settings.repeat_contact_activities).sum(),
        active_users=ev.activity.isin(settings.user_activities).sum(),
    )
    pu = purchases(ev, settings)
    buy = pu.group_by("customer_id").aggregate(
        frequency=pu.count(), monetary=pu.value.fill_null(0).sum(), last_purchase=pu.timestamp.max())
    created = cu.group_by("customer_id").aggregate(created_at=cu.created_at.min())

    # channel mix over the busiest channels
    evc = ev.filter(ev.channel.notnull())
    top = (evc.group_by("channel").aggregate(n=evc.count())
           .order_by([ibis.desc("n"), "channel"]).limit(settings.max_channels).channel.to_pyarrow().to_pylist())
    chan_cols = {}
    used = set()
    for c in top:
        name = f"channel_{_slug(c)}_share"
        if name in used:
            continue
        used.add(name)
        chan_cols[name] = (ev.channel == c).cast("int64").sum()
    chans = ev.group_by("customer_id").aggregate(**chan_cols) if chan_cols else None

    # product use: features adopted (distinct named features), seats bought (latest value)
    fe = ev.filter(ev.activity.isin(settings.feature_activities))
    engine = getattr(backend, "name", None)
    feat = fe.mutate(f=property_text(fe.properties, settings.feature_property, engine=engine))
    feat = feat.filter(feat.f.notnull()).group_by("customer_id").aggregate(features_adopted=feat.f.nunique())
    seats_t = seats(ev, cu, settings, engine)

    # failures: events saying a step failed, and those not followed by a success of the same step
    names = ev.select("activity").distinct().activity.to_pyarrow().to_pylist()
    fam = failure_families([a for a in names if a is not None], settings.failure_words)
    fails = None
    if len(fam):
        fm = ev.join(ibis.memtable(fam), "activity")
        per = fm.group_by(["customer_id", "family"]).aggregate(
            n=fm.failure.cast("int64").sum(), last_fail=fm.timestamp.max(where=fm.failure),
            last_ok=fm.timestamp.max(where=~fm.failure))
        # only steps whose success the data can show (a family with a success activity) can stay open
        resolvable = sorted(set(fam.family[~fam.failure]))
        open_ = per.last_fail.notnull() & per.family.isin(resolvable) & (
            per.last_ok.isnull() | (per.last_ok < per.last_fail))
        fails = per.group_by("customer_id").aggregate(failures=per.n.sum(),
                                                       unresolved_failures=open_.cast("int64").sum())

    # outcomes that went wrong for the customer (a late delivery, a declined payment)
    words = [w.lower() for w in settings.bad_outcome_words if w]
    bad = None
    if words and "outcome" in ev.columns:
        low = ev.outcome.lower()
        went_wrong = ibis.or_(*[low.contains(w) for w in words])
        bo = ev.filter(ev.outcome.notnull() & went_wrong)
        bad = bo.group_by("customer_id").aggregate(bad_outcomes=bo.count())

    # support and voice
    csn = cs.filter(cs.customer_id.notnull())
    sup = csn.group_by("customer_id").aggregate(support_contacts=csn.count())
    fbk = fb.filter(fb.customer_id.notnull())
    scaled = ibis.cases(*[((fbk.kind == k) & fbk.score.notnull(), (fbk.score - lo) / (hi - lo))
                          for k, (lo, hi) in SCORE_SCALES.items()], else_=ibis.null("float64"))
    fagg: dict[str, Any] = {
        "feedback_count": fbk.count(),
        "feedback_score": scaled.mean(),
        "nps": fbk.score.mean(where=fbk.kind == "nps"),
        "csat": fbk.score.mean(where=fbk.kind == "csat"),
    }
    if "sentiment" in fbk.columns:
        fagg["sentiment"] = fbk.sentiment.cast("float64").mean()
    voice = fbk.group_by("customer_id").aggregate(**fagg)

    # journeys: furthest stage reached
    stage_tabs = []
    if journeys:
        from parcours.journeys.definitions import stage_events

        for j in journeys:
            st = stage_events(ev, j)
            stage_tabs.append(st.group_by("customer_id").aggregate(
                **{f"furthest_stage_{_slug(j.name)}": st.stage_index.max()}))

    t = ids
    for part in [act, buy, created, chans, feat, seats_t, fails, bad, sup, voice, *stage_tabs]:
        if part is None:
            continue
        t = t.left_join(part, "customer_id").drop("customer_id_right")

    zero = lambda c: t[c].fill_null(0)
    start = ibis.least(t.created_at, t.first_event)
    start = ibis.coalesce(start, t.created_at, t.first_event)
    seats_ = t.seats
    events = zero("events")
    cols: dict[str, Any] = {
        "customer_id": t.customer_id,
        "recency_days": _days(ref_s, t.last_purchase),
        "frequency": zero("frequency").cast("int64"),
        "monetary": zero("monetary").cast("float64"),
        "avg_basket": (t.monetary / t.frequency.nullif(0)).cast("float64"),
        "days_since_last_event": _days(ref_s, t.last_event),
        "tenure_days": _days(ref_s, start),
        "events": events.cast("int64"),
        "active_days": zero("active_days").cast("int64"),
    }
    for name in chan_cols:
        cols[name] = (zero(name) / events.nullif(0)).fill_null(0.0).cast("float64")
    no_fail = ibis.literal(0, "int64")
    cols.update({
        "failures": zero("failures").cast("int64") if fails is not None else no_fail,
        "unresolved_failures": zero("unresolved_failures").cast("int64") if fails is not None else no_fail,
        "bad_outcomes": zero("bad_outcomes").cast("int64") if bad is not None else no_fail,
        "support_contacts": zero("support_contacts").cast("int64"),
        "repeat_contacts": zero("repeat_contacts").cast("int64"),
        "feedback_count": zero("feedback_count").cast("int64"),
        "feedback_score": t.feedback_score.cast("float64"),
        "nps": t.nps.cast("float64"),
        "csat": t.csat.cast("float64"),
    })
    if "sentiment" in fagg:
        cols["sentiment"] = t.sentiment.cast("float64")
    cols.update({
        "logins": zero("logins").cast("int64"),
        "features_adopted": zero("features_adopted").cast("int64"),
        "seats": seats_.cast("float64"),
        "active_users": zero("active_users").cast("int64"),
        "seats_used_share": (t.active_users.fill_null(0) / seats_.nullif(0)).cast("float64"),
    })
    for tab in stage_tabs:
        name = next(c for c in tab.columns if c != "customer_id")
        cols[name] = t[name].fill_null(-1).cast("int64")
    return t.select(**cols)


#: Feature columns that are identifiers or bookkeeping, never model inputs.
NON_FEATURES = ("customer_id",)


def feature_columns(table: ibis.Table | pd.DataFrame) -> list[str]:
    """The numeric feature columns of a features table (everything but the id).

    >>> feature_columns(pd.DataFrame({"customer_id": ["a"], "frequency": [1]}))
    ['frequency']
    """
    return [c for c in table.columns if c not in NON_FEATURES]


__all__ = ["FeatureError", "customer_features", "failure_families", "feature_columns", "property_text", "purchases",
           "reference_time", "seats", "to_timestamp", "with_key"]
