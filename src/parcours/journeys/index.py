"""The sequence index: every event's place in its customer's (and case's) sequence, computed once.

Sequence analyses (transitions, variants, funnels) all need each customer's events in order. The
naive way sorts every event at every query; the index sorts once, when the events change, and
stores per event: its activity as a small integer code, its position ``pos`` in the customer's
sequence ordered by ``(timestamp, seq)`` (``seq`` breaks ties, so no engine reorders them), the
next event's code and time, whether this is the customer's first passage along that arc, and the
same within its case. Analyses then group and join on
integers, without a global sort.

The index is a derived table in the warehouse (``journey_index``, with ``activity_codes``),
rebuilt when an ingestion or an identity merge has changed the events since it was built.

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp())
>>> sequence_index(ws.con).columns[:4]
('customer_id', 'case_id', 'pos', 'code')
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa
from ibis import _
from ibis.backends import BaseBackend

INDEX = "journey_index"
CODES = "activity_codes"
STATE = "journey_index_state"
CUSTOMERS = "journey_customers"
CASES = "journey_cases"

#: Columns of the index, in order (``us``: the event time in microseconds since 1970, UTC).
INDEX_SCHEMA = ibis.schema({
    "customer_id": dt.string, "case_id": dt.string, "pos": dt.int64, "code": dt.int32,
    "channel": dt.string, "ts": dt.timestamp, "us": dt.int64, "seq": dt.int64,
    "next_code": dt.int32, "next_us": dt.int64, "prev_us": dt.int64,
    "cpos": dt.int64, "cnext_code": dt.int32, "cnext_us": dt.int64,
    "uid": dt.int64, "g": dt.int64, "cuid": dt.int64, "cg": dt.int64,
    "first_arc": dt.boolean, "cfirst_arc": dt.boolean,
})
#: Bumped when the index's columns change, so a warehouse built by an older release rebuilds it.
INDEX_VERSION = 2
#: ``g = uid * SPAN + pos``: one integer orders every event by customer, then position, so that
#: as-of joins and sorts run on a single integer key instead of a string and a position.
SPAN = 1 << 32


@ibis.udf.scalar.builtin(name="epoch_us")
def _epoch_us_duckdb(ts: dt.timestamp) -> dt.int64:  # type: ignore[empty-body]
    """DuckDB's microseconds since the epoch."""


@ibis.udf.scalar.builtin(name="unix_micros")
def _epoch_us_spark(ts: dt.timestamp) -> dt.int64:  # type: ignore[empty-body]
    """Spark's microseconds since the epoch."""


def epoch_us(con: BaseBackend, ts: ibis.Value) -> ibis.Value:
    """Microseconds since 1970 of a naive UTC timestamp, exact, on the connection's engine."""
    if con.name == "pyspark":
        return _epoch_us_spark(ts)
    if con.name == "duckdb":
        return _epoch_us_duckdb(ts)
    return ts.epoch_seconds().cast("int64") * 1_000_000 + ts.microsecond().cast("int64")


@ibis.udf.scalar.builtin(name="make_timestamp")
def _from_us_duckdb(us: dt.int64) -> dt.timestamp:  # type: ignore[empty-body]
    """DuckDB's timestamp from microseconds since the epoch."""


@ibis.udf.scalar.builtin(name="timestamp_micros")
def _from_us_spark(us: dt.int64) -> dt.timestamp:  # type: ignore[empty-body]
    """Spark's timestamp from microseconds since the epoch."""


def from_epoch_us(con: BaseBackend, us: ibis.Value) -> ibis.Value:
    """The naive UTC timestamp of microseconds since 1970 (the inverse of :func:`epoch_us`)."""
    if con.name == "pyspark":
        return _from_us_spark(us)
    if con.name == "duckdb":
        return _from_us_duckdb(us)
    return (us // 1000).as_timestamp("ms")


def _stamp(con: BaseBackend) -> str:
    """What the index depends on: the ingestions, merges and events it was built from (one query)."""
    ing = con.table("ingestions")
    parts = ing.aggregate(n=ing.count(), last=ing.ingestion_id.max()).cross_join(
        con.table("identity_merges").aggregate(m=_.count())).cross_join(con.table("events").aggregate(e=_.count()))
    row = parts.to_pyarrow().to_pylist()[0]
    return _stamp_text(row["n"], row["last"], row["m"], row["e"])


def _stamp_text(ingestions: int, last: str | None, merges: int, events: int) -> str:
    """The stamp of an index built from these counts (its version first)."""
    return f"v{INDEX_VERSION}:{ingestions}:{last or ''}:{merges}:{events}"


def _fresh_duckdb(con: BaseBackend) -> bool:
    """On DuckDB, whether the index is there and current, in a few plain queries (every analysis asks)."""
    import duckdb

    raw = con.con
    try:  # plain queries, each answered from the tables' metadata (one combined query is slower)
        n, last = raw.execute("SELECT count(*), max(ingestion_id) FROM ingestions").fetchone()
        m = raw.execute("SELECT count(*) FROM identity_merges").fetchone()[0]
        e = raw.execute("SELECT count(*) FROM events").fetchone()[0]
        known = raw.execute(f"SELECT list(stamp) FROM {STATE}").fetchone()[0]
        for table in (CODES, CUSTOMERS, CASES, INDEX):
            raw.execute(f"SELECT 1 FROM {table} LIMIT 0")
    except duckdb.CatalogException:  # not built yet
        return False
    return known == [_stamp_text(n, last, m, e)]


def sequence_index(con: BaseBackend, *, refresh: bool = False) -> ibis.Table:
    """The index table, built or rebuilt first if the events changed since (or ``refresh``)."""
    if not refresh and con.name == "duckdb" and _fresh_duckdb(con):
        return con.table(INDEX)
    stamp = _stamp(con)
    tables = set(con.list_tables())
    if not refresh and {INDEX, CODES, STATE, CUSTOMERS, CASES} <= tables:
        known = con.table(STATE).stamp.to_pyarrow().to_pylist()
        if known == [stamp]:
            return con.table(INDEX)
    build_index(con)
    con.create_table(STATE, pa.table({"stamp": [stamp]}), overwrite=True)
    return con.table(INDEX)


def activity_codes(con: BaseBackend) -> ibis.Table:
    """``code`` → ``activity`` of the index (codes follow the activities' sorted order).

    Call :func:`sequence_index` first (every analysis does): this does not check freshness again.
    """
    if CODES not in con.list_tables():
        sequence_index(con)
    return con.table(CODES)


def build_index(con: BaseBackend) -> None:
    """(Re)build ``activity_codes`` and ``journey_index`` from the events, in the engine."""
    ev = con.table("events")
    acts = ev.select("activity").distinct()
    codes = acts.mutate(code=(ibis.row_number().over(order_by=acts.activity)).cast("int32"))
    con.create_table(CODES, codes.select("code", "activity"), overwrite=True)
    codes = con.table(CODES)
    e = ev.join(codes, "activity").select(
        customer_id=ev.customer_id, case_id=ev.case_id, code=codes.code, channel=ev.channel,
        ts=ev.timestamp, us=epoch_us(con, ev.timestamp), seq=ev.seq)
    # Dense integer ids for customers and cases (in sorted order: the same on every engine).
    cust = ev.select(customer_id=ev.customer_id).distinct()
    cust = cust.mutate(uid=ibis.row_number().over(order_by=cust.customer_id).cast("int64"))
    cases = ev.filter(ev.case_id.notnull()).select(case_id=ev.case_id).distinct()
    cases = cases.mutate(cuid=ibis.row_number().over(order_by=cases.case_id).cast("int64"))
    j = e.join(cust, "customer_id")
    j = j.left_join(cases, j.case_id == cases.case_id)
    e = j.select(*[j[c] for c in e.columns], j.uid, j.cuid)
    w = ibis.window(group_by=e.customer_id, order_by=[e.us, e.seq])
    wc = ibis.window(group_by=e.case_id, order_by=[e.us, e.seq])
    has_case = e.case_id.notnull()
    e = e.mutate(
        pos=ibis.row_number().over(w).cast("int64"),
        next_code=e.code.lead().over(w), next_us=e.us.lead().over(w), prev_us=e.us.lag().over(w),
        cpos=ibis.ifelse(has_case, ibis.row_number().over(wc).cast("int64"), ibis.null("int64")),
        cnext_code=ibis.ifelse(has_case, e.code.lead().over(wc), ibis.null("int32")),
        cnext_us=ibis.ifelse(has_case, e.us.lead().over(wc), ibis.null("int64")),
    )
    e = e.mutate(g=e.uid * SPAN + e.pos, cg=e.cuid * SPAN + e.cpos)
    # The customer's (case's) first passage along this arc: distinct customers per arc become a
    # plain sum, with no distinct over millions of (customer, arc) pairs at query time.
    arc = ibis.window(group_by=[e.uid, e.code, e.next_code], order_by=e.pos)
    carc = ibis.window(group_by=[e.cuid, e.code, e.cnext_code], order_by=e.cpos)
    e = e.mutate(first_arc=e.next_code.notnull() & (ibis.row_number().over(arc) == 0),
                 cfirst_arc=e.cnext_code.notnull() & (ibis.row_number().over(carc) == 0))
    out = e.select(*INDEX_SCHEMA.names).cast(INDEX_SCHEMA)
    if con.name == "duckdb":  # stored in customer order: each customer's rows sit together
        out = out.order_by("g")
    con.create_table(INDEX, out, overwrite=True)
    index = con.table(INDEX)
    con.create_table(CUSTOMERS, index.select("uid", "customer_id").distinct(), overwrite=True)
    con.create_table(CASES, index.filter(index.cuid.notnull()).select("cuid", "case_id").distinct(),
                     overwrite=True)


def unit_names(con: BaseBackend, by: str) -> ibis.Table:
    """Integer id → customer (``uid``, ``customer_id``) or case (``cuid``, ``case_id``) of the index."""
    name = CASES if by == "case" else CUSTOMERS
    if name not in con.list_tables():
        sequence_index(con)
    return con.table(name)


def units(index: ibis.Table, by: str) -> tuple[ibis.Table, str, str, str, str]:
    """The index seen per ``customer`` or per ``case``: (rows, unit column, pos, next code, next us).

    Per case, events without a case are left out.
    """
    if by == "customer":
        return index, "customer_id", "pos", "next_code", "next_us"
    if by == "case":
        return index.filter(index.case_id.notnull()), "case_id", "cpos", "cnext_code", "cnext_us"
    if by == "session":
        return with_sessions(index, session_timeout_us()), "customer_id", "pos", "next_code", "next_us"
    raise ValueError(f"by must be 'customer', 'session' or 'case', not {by!r}")


def session_timeout_us() -> int:
    """The session timeout in microseconds."""
    from parcours.journeys.funnels import window_us

    value = window_us(SESSION_TIMEOUT)
    assert value is not None
    return value


def unit_keys(by: str) -> tuple[str, str]:
    """The integer id and the ordering key (id * SPAN + position) of a customer, session or case."""
    return {"customer": ("uid", "g"), "session": ("sid", "g")}.get(by, ("cuid", "cg"))


#: A customer's session ends after this much inactivity (the web analytics convention).
SESSION_TIMEOUT = "30m"


def with_sessions(index: ibis.Table, timeout_us: int) -> ibis.Table:
    """The index with ``sid``: the ordering key ``g`` of the first event of the event's session.

    A session is a run of one customer's events with no gap longer than ``timeout_us``; the id
    is an integer that orders sessions like their events, so session sequences reuse ``g``.
    """
    starts = index.prev_us.isnull() | (index.us - index.prev_us > timeout_us)
    marked = index.mutate(start_g=ibis.ifelse(starts, index.g, ibis.null("int64")))
    w = ibis.cumulative_window(group_by=marked.uid, order_by=marked.pos)
    return marked.mutate(sid=marked.start_g.max().over(w)).drop("start_g")
