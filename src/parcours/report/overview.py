"""The data twins of the overview: small pandas aggregates of the warehouse, computed by the engine.

Each function is one Ibis query grouped in the engine; only the aggregate (a few hundred rows at
most) comes back as a DataFrame. The report and the dashboard draw their charts and tables from
these same twins, so a number shown in one is the number shown in the other.

>>> import parcours, tempfile
>>> ov = overview(parcours.init(tempfile.mkdtemp()))
>>> ov.figures["events"], ov.volumes.empty, ov.example_customer is None
(0, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

if TYPE_CHECKING:
    from parcours.workspace import Workspace

#: Label of events without a channel in every twin.
NO_CHANNEL = "(none)"

#: How many events make a customer "rich enough" for the customer-360 example; customers beyond
#: this count are not preferred (an outlier with thousands of events is not a typical customer).
EXAMPLE_EVENTS_CAP = 60
#: Customers with more events than this come last (a bot or a shared account makes a poor example).
EXAMPLE_EVENTS_MAX = 300


def volumes_by_channel_month(ws: Workspace) -> pd.DataFrame:
    """Events per channel and calendar month (UTC): columns ``month`` (first day), ``channel``, ``events``.

    >>> import parcours, tempfile
    >>> list(volumes_by_channel_month(parcours.init(tempfile.mkdtemp())).columns)
    ['month', 'channel', 'events']
    """
    ev = ws.table("events")
    df = (ev.group_by(month=ev.timestamp.truncate("M"), channel=ev.channel.fill_null(NO_CHANNEL))
          .aggregate(events=ev.count()).order_by(["month", "channel"]).to_pandas())
    return _typed(df, month="datetime64[us]", channel=str, events="int64")


def new_customers_by_month(ws: Workspace) -> pd.DataFrame:
    """New customers per calendar month of ``created_at`` (UTC): columns ``month``, ``customers``.

    >>> import parcours, tempfile
    >>> new_customers_by_month(parcours.init(tempfile.mkdtemp())).empty
    True
    """
    c = ws.table("customers")
    c = c.filter(c.created_at.notnull())
    df = (c.group_by(month=c.created_at.truncate("M")).aggregate(customers=c.count())
          .order_by("month").to_pandas())
    return _typed(df, month="datetime64[us]", customers="int64")


def identities_by_kind(ws: Workspace) -> pd.DataFrame:
    """Stitched identifiers per kind: columns ``kind``, ``identifiers``, ``customers`` (distinct
    customers holding at least one identifier of that kind), most frequent kind first.

    >>> import parcours, tempfile
    >>> list(identities_by_kind(parcours.init(tempfile.mkdtemp())).columns)
    ['kind', 'identifiers', 'customers']
    """
    ids = ws.table("identities")
    df = (ids.group_by("kind").aggregate(identifiers=ids.count(), customers=ids.customer_id.nunique())
          .order_by([ibis.desc("identifiers"), "kind"]).to_pandas())
    return _typed(df, kind=str, identifiers="int64", customers="int64")


def identity_summary(ws: Workspace) -> dict[str, int]:
    """Identity-graph totals: ``identifiers``, ``kinds``, ``customers`` (with an identifier),
    ``multi_kind_customers`` (known under ≥ 2 kinds of identifier) and ``merges``.

    >>> import parcours, tempfile
    >>> identity_summary(parcours.init(tempfile.mkdtemp()))["merges"]
    0
    """
    ids = ws.table("identities")
    per = ids.group_by("customer_id").aggregate(kinds=ids.kind.nunique())
    row = ids.aggregate(identifiers=ids.count(), kinds=ids.kind.nunique(),
                        customers=ids.customer_id.nunique()).to_pyarrow().to_pylist()[0]
    multi = per.filter(per.kinds >= 2).count().execute()
    merges = ws.table("identity_merges").count().execute()
    return {"identifiers": int(row["identifiers"] or 0), "kinds": int(row["kinds"] or 0),
            "customers": int(row["customers"] or 0), "multi_kind_customers": int(multi),
            "merges": int(merges)}


def quarantine_by_reason(ws: Workspace) -> pd.DataFrame:
    """Quarantined rows per reason code: columns ``reason``, ``rows``, most frequent first.

    >>> import parcours, tempfile
    >>> quarantine_by_reason(parcours.init(tempfile.mkdtemp())).empty
    True
    """
    q = ws.table("quarantine")
    df = q.group_by("reason").aggregate(rows=q.count()).order_by([ibis.desc("rows"), "reason"]).to_pandas()
    return _typed(df, reason=str, rows="int64")


def quarantine_by_file(ws: Workspace) -> pd.DataFrame:
    """Quarantined rows per source file: columns ``table``, ``source``, ``path``, ``file`` (its
    name), ``rows``, most affected file first.

    >>> import parcours, tempfile
    >>> list(quarantine_by_file(parcours.init(tempfile.mkdtemp())).columns)
    ['table', 'source', 'path', 'file', 'rows']
    """
    q = ws.table("quarantine")
    df = (q.group_by(table=q.table_name, source=q.source, path=q.path).aggregate(rows=q.count())
          .order_by([ibis.desc("rows"), "path"]).to_pandas())
    df.insert(3, "file", [_file_name(p) for p in df["path"]])
    return _typed(df, table=str, source=str, path=str, file=str, rows="int64")


def quarantine_examples(ws: Workspace, n: int = 5) -> pd.DataFrame:
    """``n`` quarantined rows to show, one per reason first (the earliest of each file and row),
    then the next ones: columns ``file``, ``row``, ``column``, ``value``, ``reason``, ``detail``.

    >>> import parcours, tempfile
    >>> list(quarantine_examples(parcours.init(tempfile.mkdtemp())).columns)
    ['file', 'row', 'column', 'value', 'reason', 'detail']
    """
    q = ws.table("quarantine")
    w = ibis.window(group_by=q.reason, order_by=[q.path, q.row, q.column])
    ranked = q.mutate(rank=ibis.row_number().over(w))
    df = (ranked.order_by(["rank", "reason", "path", "row"]).limit(n)
          .select("path", "row", "column", "value", "reason", "detail").to_pandas())
    df.insert(0, "file", [_file_name(p) for p in df.pop("path")])
    return df.reset_index(drop=True)


def feedback_by_kind(ws: Workspace) -> pd.DataFrame:
    """Feedback per kind (nps, csat, review…): columns ``kind``, ``count``, ``mean_score``
    (None without scores), ``with_text``.

    >>> import parcours, tempfile
    >>> feedback_by_kind(parcours.init(tempfile.mkdtemp())).empty
    True
    """
    fb = ws.table("feedback")
    df = (fb.group_by("kind").aggregate(count=fb.count(), mean_score=fb.score.mean(),
                                        with_text=fb.text.notnull().sum())
          .order_by([ibis.desc("count"), "kind"]).to_pandas())
    return _typed(df, kind=str, count="int64", mean_score="float64", with_text="int64")


def cases_by_kind_status(ws: Workspace) -> pd.DataFrame:
    """Cases per kind and status: columns ``kind``, ``status``, ``cases``.

    >>> import parcours, tempfile
    >>> list(cases_by_kind_status(parcours.init(tempfile.mkdtemp())).columns)
    ['kind', 'status', 'cases']
    """
    cs = ws.table("cases")
    df = (cs.group_by(kind=cs.kind.fill_null("(none)"), status=cs.status.fill_null("(none)"))
          .aggregate(cases=cs.count()).order_by(["kind", ibis.desc("cases"), "status"]).to_pandas())
    return _typed(df, kind=str, status=str, cases="int64")


def pick_example_customer(ws: Workspace) -> str | None:
    """A customer worth showing whole, chosen deterministically: events in ≥ 2 channels first,
    then with both feedback and a case, then either, then more channels (up to 4), then not
    huge (≤ 300 events), then more events (up to 60), then the smallest id; falls back to any
    customer with feedback or cases, then any customer.

    >>> import parcours, tempfile
    >>> pick_example_customer(parcours.init(tempfile.mkdtemp())) is None
    True
    """
    ev = ws.table("events")
    ev = ev.filter(ev.customer_id.notnull())
    fb, cs = ws.table("feedback"), ws.table("cases")
    per = ev.group_by("customer_id").aggregate(channels=ev.channel.nunique(), events=ev.count())
    extra = (ibis.union(fb.filter(fb.customer_id.notnull()).select("customer_id", what=ibis.literal(1)),
                        cs.filter(cs.customer_id.notnull()).select("customer_id", what=ibis.literal(2)),
                        distinct=True)
             .group_by("customer_id").aggregate(extra=ibis._.what.nunique()))
    j = per.left_join(extra, per.customer_id == extra.customer_id).select(per, extra=extra.extra.fill_null(0))
    best = j.order_by([ibis.desc((j.channels >= 2).cast("int8")), ibis.desc("extra"),
                       ibis.desc(ibis.least(j.channels, 4)), (j.events > EXAMPLE_EVENTS_MAX).cast("int8"),
                       ibis.desc(ibis.least(j.events, EXAMPLE_EVENTS_CAP)), "customer_id"]).limit(1)
    rows = best.customer_id.to_pyarrow().to_pylist()
    if rows:
        return rows[0]
    rows = extra.order_by("customer_id").limit(1).customer_id.to_pyarrow().to_pylist()
    if rows:
        return rows[0]
    cust = ws.table("customers")
    rows = cust.order_by("customer_id").limit(1).customer_id.to_pyarrow().to_pylist()
    return rows[0] if rows else None


def key_figures(ws: Workspace) -> dict[str, Any]:
    """The headline numbers: ``customers``, ``events``, ``channels``, ``first_event``,
    ``last_event``, ``months`` (calendar months spanned), ``feedback``, ``cases``,
    ``quarantined``, ``rows_read``, ``last_month`` (first day of the last event's month, else of
    the last customer's) and ``new_customers_last_month`` (customers created since then).

    >>> import parcours, tempfile
    >>> key_figures(parcours.init(tempfile.mkdtemp()))["channels"]
    0
    """
    ev = ws.table("events")
    e = ev.aggregate(events=ev.count(), channels=ev.channel.nunique(), first=ev.timestamp.min(),
                     last=ev.timestamp.max()).to_pyarrow().to_pylist()[0]
    cust = ws.table("customers")
    c = cust.aggregate(n=cust.count(), last=cust.created_at.max()).to_pyarrow().to_pylist()[0]
    ing = ws.table("ingestions")
    rows_read = ing.rows_read.sum().execute()
    first, last = e["first"], e["last"]
    months = (last.year - first.year) * 12 + last.month - first.month + 1 if first and last else 0
    ref = last or c["last"]
    new_last, start = 0, None
    if ref is not None:
        start = pd.Timestamp(ref).to_period("M").start_time.to_pydatetime()
        new_last = int(cust.filter(cust.created_at >= start).count().execute())
    return {
        "customers": int(c["n"]), "events": int(e["events"]), "channels": int(e["channels"] or 0),
        "first_event": first, "last_event": last, "months": months,
        "feedback": int(ws.table("feedback").count().execute()),
        "cases": int(ws.table("cases").count().execute()),
        "quarantined": int(ws.table("quarantine").count().execute()),
        "rows_read": int(rows_read or 0), "last_month": start, "new_customers_last_month": new_last,
    }


@dataclass
class Overview:
    """Every twin of the overview, computed once and shared by the report's sections."""

    figures: dict[str, Any]
    volumes: pd.DataFrame
    new_customers: pd.DataFrame
    identities: pd.DataFrame
    identity: dict[str, int]
    quarantine_reasons: pd.DataFrame
    quarantine_files: pd.DataFrame
    quarantine_examples: pd.DataFrame
    feedback: pd.DataFrame
    cases: pd.DataFrame
    example_customer: str | None


def overview(ws: Workspace) -> Overview:
    """All the overview twins of a workspace (about fifteen small engine queries).

    >>> import parcours, tempfile
    >>> overview(parcours.init(tempfile.mkdtemp())).identity["identifiers"]
    0
    """
    return Overview(
        figures=key_figures(ws), volumes=volumes_by_channel_month(ws), new_customers=new_customers_by_month(ws),
        identities=identities_by_kind(ws), identity=identity_summary(ws),
        quarantine_reasons=quarantine_by_reason(ws), quarantine_files=quarantine_by_file(ws),
        quarantine_examples=quarantine_examples(ws), feedback=feedback_by_kind(ws),
        cases=cases_by_kind_status(ws), example_customer=pick_example_customer(ws),
    )


def _file_name(path: str | None) -> str:
    return PurePath(path).name if path else ""


def _typed(df: pd.DataFrame, **types: Any) -> pd.DataFrame:
    """Stable column types whatever the engine returned (and for empty results)."""
    out = df.copy()
    for col, typ in types.items():
        if typ is str:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        else:
            out[col] = out[col].astype(typ)
    return out.reset_index(drop=True)


__all__ = [
    "NO_CHANNEL", "Overview", "cases_by_kind_status", "feedback_by_kind", "identities_by_kind",
    "identity_summary", "key_figures", "new_customers_by_month", "overview", "pick_example_customer",
    "quarantine_by_file", "quarantine_by_reason", "quarantine_examples", "volumes_by_channel_month",
]
