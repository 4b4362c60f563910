"""Linking feedback to touchpoints: each rule on hand-made rows, the unlinked counted by reason, the stage."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from parcours.journeys.definitions import scenario_journeys
from parcours.voice.linking import (
    LINK_RULES,
    UNLINKED_REASONS,
    LinkError,
    link_feedback,
    link_summary,
)

PURCHASE = scenario_journeys("retail")[0]

EVENTS = [  # customer, activity, channel, timestamp, case
    ("c1", "order_placed", "web", "2024-01-01 10:00", None),
    ("c1", "order_delivered", "web", "2024-01-03 10:00", None),
    ("c1", "page_view", "web", "2024-01-05 09:00", None),
    ("c2", "ticket_created", "phone", "2024-01-10 09:00", "K1"),
    ("c2", "resolved", "phone", "2024-01-11 09:00", "K1"),
    ("c2", "page_view", "app", "2024-01-12 00:00", None),
    ("c3", "page_view", "web", "2024-01-01 00:00", None),
    ("c5", "page_view", "web", "2024-03-01 00:00", None),
    ("c6", "search", "web", "2024-04-01 08:00", None),
]

FEEDBACK = [  # id, customer, timestamp, touchpoint, case
    ("f01", "c1", "2024-01-05 12:00", "livraison", None),      # touchpoint via the map -> order_delivered
    ("f02", "c1", "2024-01-04 00:00", None, None),             # last event -> order_delivered, 14 h after
    ("f03", "c2", "2024-01-12 10:00", None, "K1"),             # case -> resolved (not the later page_view)
    ("f04", "c2", "2024-01-09 00:00", None, "K1"),             # before the case's events -> its first one
    ("f05", "c3", "2024-02-01 00:00", None, None),             # 31 days after the last event
    ("f06", None, "2024-01-05 00:00", None, None),             # anonymous
    ("f07", "c5", "2024-02-01 00:00", None, None),             # the customer's events all come later
    ("f08", None, "2024-01-05 00:00", None, "K9"),             # a case with no events
    ("f09", "c6", "2024-04-01 08:00", None, None),             # same instant as the event: counts as before
    ("f10", "c1", "2024-01-05 12:00", "order_placed", None),   # declared activity, too old for 3 days
    ("f11", "c4", "2024-01-05 00:00", "order_placed", None),   # a customer with no events at all
]


def _events() -> ibis.Table:
    df = pd.DataFrame(EVENTS, columns=["customer_id", "activity", "channel", "timestamp", "case_id"])
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    df["event_id"] = [f"e{i}" for i in range(len(df))]
    df["seq"] = range(len(df))
    return ibis.memtable(df)


def _feedback() -> ibis.Table:
    df = pd.DataFrame(FEEDBACK, columns=["feedback_id", "customer_id", "timestamp", "touchpoint", "case_id"])
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    df["seq"] = range(len(df))
    df["kind"] = "csat"
    df["score"] = 3.0
    return ibis.memtable(df)


def _link(**kw) -> pd.DataFrame:
    kw.setdefault("touchpoints", {"livraison": "order_delivered"})
    kw.setdefault("touchpoint_window", "3d")
    out = link_feedback(_feedback(), _events(), **kw).to_pandas()
    return out.set_index("feedback_id")


@pytest.fixture(scope="module")
def linked() -> pd.DataFrame:
    return _link(journey=PURCHASE)


def test_one_row_per_feedback_in_order(linked):
    assert list(linked.index) == [f[0] for f in sorted(FEEDBACK, key=lambda f: (f[2], f[0]))]  # time order
    assert {"linked_by", "unlinked_reason", "event_activity", "event_channel", "event_timestamp", "stage",
            "stage_index", "seconds_after_event"} <= set(linked.columns)


def test_declared_touchpoint_wins_over_the_last_event(linked):
    r = linked.loc["f01"]
    assert (r.linked_by, r.event_activity, r.stage) == ("touchpoint", "order_delivered", "use")
    assert r.seconds_after_event == 2 * 86400 + 2 * 3600


def test_without_the_map_the_last_event_is_taken():
    r = _link(touchpoints=None).loc["f01"]
    assert (r.linked_by, r.event_activity) == ("last_event", "page_view")
    assert r.seconds_after_event == 3 * 3600


def test_last_event_rule(linked):
    r = linked.loc["f02"]
    assert (r.linked_by, r.event_activity, r.event_channel, r.stage) == ("last_event", "order_delivered", "web", "use")
    assert r.seconds_after_event == 14 * 3600
    assert pd.isna(r.unlinked_reason)


def test_case_rule_takes_the_case_event_before_the_feedback(linked):
    r = linked.loc["f03"]
    assert (r.linked_by, r.event_activity) == ("case", "resolved")
    assert pd.isna(r.stage)  # a support touchpoint is in no stage of the purchase journey
    first = linked.loc["f04"]
    assert (first.linked_by, first.event_activity) == ("case", "ticket_created")


def test_case_rule_gives_the_support_stage():
    support = scenario_journeys("retail")[1]
    out = _link(journey=support)
    assert out.loc["f03", "stage"] == "resolution" and out.loc["f04", "stage"] == "contact"


def test_declared_touchpoint_outside_its_window_falls_back(linked):
    r = linked.loc["f10"]
    assert (r.linked_by, r.event_activity) == ("last_event", "page_view")
    wide = _link(touchpoint_window="10d").loc["f10"]
    assert (wide.linked_by, wide.event_activity) == ("touchpoint", "order_placed")


def test_event_at_the_same_instant_counts_as_before(linked):
    r = linked.loc["f09"]
    assert (r.linked_by, r.event_activity, r.seconds_after_event, r.stage) == ("last_event", "search", 0, "discovery")


def test_unlinked_rows_are_kept_with_their_reason(linked):
    reasons = linked["unlinked_reason"].dropna().to_dict()
    assert reasons == {"f05": "outside_window", "f06": "no_customer", "f07": "no_event_before",
                       "f08": "case_without_events", "f11": "no_event_before"}
    assert set(reasons.values()) <= set(UNLINKED_REASONS)
    assert linked.loc[list(reasons), "linked_by"].isna().all()
    assert linked.loc[list(reasons), "event_id"].isna().all()


def test_window_is_configurable():
    assert _link(window="40d").loc["f05", "linked_by"] == "last_event"


def test_rules_can_be_switched_off():
    out = _link(rules=("last_event",))
    assert out.loc["f03", "linked_by"] == "last_event" and out.loc["f03", "event_activity"] == "page_view"
    assert out.loc["f01", "linked_by"] == "last_event"
    with pytest.raises(LinkError, match="unknown rule"):
        _link(rules=("nearest",))


def test_summary_counts_every_row(linked):
    t = ibis.memtable(linked.reset_index()[["linked_by", "unlinked_reason"]])
    s = link_summary(t)
    assert s["feedback"].sum() == len(FEEDBACK)
    got = dict(zip(s["rule_or_reason"], s["feedback"]))
    assert got == {"case": 2, "touchpoint": 1, "last_event": 3, "outside_window": 1, "no_customer": 1,
                   "no_event_before": 2, "case_without_events": 1}
    assert s["share"].sum() == pytest.approx(1.0)
    assert list(s["status"]).index("unlinked") == 3 and set(LINK_RULES) == {"case", "touchpoint", "last_event"}


def test_bad_input_names_the_column_and_the_option():
    with pytest.raises(LinkError, match="feedback table has no column.*timestamp"):
        link_feedback(_feedback().drop("timestamp"), _events())
    with pytest.raises(LinkError, match="events table has no column.*activity"):
        link_feedback(_feedback(), _events().drop("activity"))
    with pytest.raises(LinkError, match="window"):
        link_feedback(_feedback(), _events(), window="soon")


@pytest.mark.spark
@pytest.mark.slow
def test_same_links_on_spark(spark_session):
    con = ibis.pyspark.connect(spark_session)

    def nulls(df: pd.DataFrame) -> pd.DataFrame:  # missing strings as None, not NaN (Spark would read "NaN")
        text = [c for c in df.columns if df[c].dtype != "datetime64[ns]" and c not in ("seq", "score")]
        return df.astype({c: object for c in text}).where(df.notna(), None)

    ev = con.create_table("link_events", nulls(_events().to_pandas()), overwrite=True)
    fb = con.create_table("link_feedback", nulls(_feedback().to_pandas()), overwrite=True)
    kw = {"journey": PURCHASE, "touchpoints": {"livraison": "order_delivered"}, "touchpoint_window": "3d"}
    spark = link_feedback(fb, ev, **kw).to_pandas().set_index("feedback_id")
    duck = _link(**kw)
    cols = ["linked_by", "unlinked_reason", "event_id", "event_activity", "seconds_after_event", "stage"]
    pd.testing.assert_frame_equal(spark[cols].astype(object).where(spark[cols].notna(), None),
                                  duck[cols].astype(object).where(duck[cols].notna(), None), check_dtype=False)


def test_docstring_examples_run():
    import doctest

    import parcours.voice.linking as mod

    failures, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert failures == 0 and tried > 0


def test_fractional_seconds_read_back():
    """Timestamps with milliseconds: the gap is a float (an integer type broke reading the result back)."""
    ev = ibis.memtable(pd.DataFrame({"event_id": ["e"], "customer_id": ["c"], "seq": [0], "activity": ["a"],
                                     "channel": ["web"], "case_id": [None],
                                     "timestamp": pd.to_datetime(["2024-01-01 10:00:00.250"])}))
    fb = ibis.memtable(pd.DataFrame({"feedback_id": ["f"], "customer_id": ["c"], "seq": [0],
                                     "timestamp": pd.to_datetime(["2024-01-01 10:00:01.000"])}))
    out = link_feedback(fb, ev).to_pandas()
    assert out.loc[0, "linked_by"] == "last_event" and out.loc[0, "seconds_after_event"] == pytest.approx(0.75)
