"""The overview's data twins give the numbers counted by hand on the tiny workspace (see conftest)."""

from __future__ import annotations

import pandas as pd

from parcours.report import overview as ov


def test_volumes_per_channel_and_month_counted_by_hand(tiny):
    df = ov.volumes_by_channel_month(tiny)
    got = {(m.strftime("%Y-%m"), c): n for m, c, n in df.itertuples(index=False)}
    assert got == {
        ("2025-01", "store"): 1, ("2025-01", "web"): 2,
        ("2025-02", "web"): 2,
        ("2025-03", "email"): 1, ("2025-03", "phone"): 1, ("2025-03", "store"): 1, ("2025-03", "web"): 1,
    }
    assert df["events"].sum() == 9 and str(df["events"].dtype) == "int64"


def test_key_figures(tiny):
    f = ov.key_figures(tiny)
    assert (f["customers"], f["events"], f["channels"], f["months"]) == (2, 9, 4, 3)
    assert f["first_event"] == pd.Timestamp("2025-01-05 10:00") and f["last_event"] == pd.Timestamp("2025-03-15 10:00")
    assert (f["feedback"], f["cases"], f["quarantined"]) == (2, 1, 2)
    assert f["rows_read"] == 7 + 3 + 1 + 2 + 1
    assert f["last_month"] == pd.Timestamp("2025-03-01")


def test_new_customers_per_month_match_the_customers_table(tiny):
    df = ov.new_customers_by_month(tiny)
    cust = tiny.table("customers").to_pandas()
    expected = cust["created_at"].dt.to_period("M").value_counts().sort_index()
    assert df["customers"].sum() == len(cust) == 2
    assert [m.strftime("%Y-%m") for m in df["month"]] == [str(p) for p in expected.index]
    assert df["customers"].tolist() == expected.tolist()


def test_identities_stitched(tiny):
    kinds = ov.identities_by_kind(tiny)
    assert kinds.to_dict("records") == [{"kind": "cookie", "identifiers": 3, "customers": 2},
                                        {"kind": "email", "identifiers": 2, "customers": 2}]
    # ck9 was a customer of its own until link.csv tied it to a@x.fr: one merge.
    assert ov.identity_summary(tiny) == {"identifiers": 5, "kinds": 2, "customers": 2,
                                         "multi_kind_customers": 2, "merges": 1}


def test_quarantine_summary_and_examples(tiny):
    assert ov.quarantine_by_reason(tiny).to_dict("records") == [
        {"reason": "bad_timestamp", "rows": 1}, {"reason": "missing_identifier", "rows": 1}]
    files = ov.quarantine_by_file(tiny)
    assert files[["table", "source", "file", "rows"]].to_dict("records") == [
        {"table": "events", "source": "web", "file": "web.csv", "rows": 2}]
    ex = ov.quarantine_examples(tiny)
    assert list(ex.columns) == ["file", "row", "column", "value", "reason", "detail"]
    assert sorted(ex["reason"]) == ["bad_timestamp", "missing_identifier"]
    bad = ex[ex["reason"] == "bad_timestamp"].iloc[0]
    assert bad["file"] == "web.csv" and bad["value"] == "not a date" and bad["column"] == "hit_time"


def test_quarantine_examples_show_every_reason_first(tmp_path):
    import parcours

    ws = parcours.init(tmp_path / "ws")
    lines = ["hit_time;visitor;event"] + [f"bad{i};c{i};page_view" for i in range(8)] + ["2025-01-01 10:00;;page_view"]
    (tmp_path / "w.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws.ingest("events", tmp_path / "w.csv", mapping={
        "table": "events", "csv": {"delimiter": ";"}, "columns": {"timestamp": "hit_time", "activity": "event"},
        "identifiers": {"cookie": "visitor"}})
    ex = ov.quarantine_examples(ws)
    assert len(ex) == 5 and set(ex["reason"]) == {"bad_timestamp", "missing_identifier"}
    ws.close()


def test_feedback_and_cases(tiny):
    fb = ov.feedback_by_kind(tiny)
    assert fb.set_index("kind")[["count", "mean_score", "with_text"]].to_dict("index") == {
        "nps": {"count": 1, "mean_score": 9.0, "with_text": 1},
        "review": {"count": 1, "mean_score": 2.0, "with_text": 1}}
    assert ov.cases_by_kind_status(tiny).to_dict("records") == [{"kind": "complaint", "status": "open", "cases": 1}]


def test_example_customer_is_multichannel_with_feedback_and_deterministic(tiny):
    # a@x.fr has 3 channels but no feedback; b@x.fr has web + phone, feedback and a case.
    pick = ov.pick_example_customer(tiny)
    assert pick == tiny.customer("b@x.fr").customer_id
    assert all(ov.pick_example_customer(tiny) == pick for _ in range(3))


def test_example_customer_falls_back(empty, tmp_path):
    assert ov.pick_example_customer(empty) is None
    (tmp_path / "fb.csv").write_text("t,k,s,e\n2025-01-01 10:00,nps,3,z@x.fr\n", encoding="utf-8")
    empty.ingest("feedback", tmp_path / "fb.csv", mapping={
        "table": "feedback", "columns": {"timestamp": "t", "kind": "k", "score": "s"}, "identifiers": {"email": "e"}})
    assert ov.pick_example_customer(empty) == empty.customer("z@x.fr").customer_id


def test_empty_workspace_gives_empty_twins(empty):
    o = ov.overview(empty)
    assert o.figures["events"] == 0 and o.figures["first_event"] is None and o.figures["months"] == 0
    for df in (o.volumes, o.new_customers, o.identities, o.quarantine_reasons, o.quarantine_files,
               o.quarantine_examples, o.feedback, o.cases):
        assert isinstance(df, pd.DataFrame) and df.empty
    assert o.identity == {"identifiers": 0, "kinds": 0, "customers": 0, "multi_kind_customers": 0, "merges": 0}
    assert o.example_customer is None


def test_twins_are_aggregated_in_the_engine(tiny, monkeypatch):
    """Only aggregates come back: the events table is never materialised whole."""
    import ibis.expr.types as ir

    seen = []
    original = ir.Table.to_pandas

    def spy(self, *a, **k):
        out = original(self, *a, **k)
        seen.append(len(out))
        return out

    monkeypatch.setattr(ir.Table, "to_pandas", spy)
    ov.volumes_by_channel_month(tiny)
    assert seen == [7]  # 7 (month, channel) groups, not 9 events


def test_example_customer_avoids_huge_accounts(empty, tmp_path):
    rows = [f"2025-01-01 {i // 60 % 24:02d}:{i % 60:02d},visit,{'web' if i % 2 else 'app'},bot@x.fr" for i in range(301)]
    rows += ["2025-01-02 10:00,visit,web,z@x.fr", "2025-01-03 10:00,visit,store,z@x.fr"]
    (tmp_path / "e.csv").write_text("t,a,c,e\n" + "\n".join(rows) + "\n", encoding="utf-8")
    empty.ingest("events", tmp_path / "e.csv", mapping={
        "table": "events", "columns": {"timestamp": "t", "activity": "a", "channel": "c"}, "identifiers": {"email": "e"}})
    assert ov.pick_example_customer(empty) == empty.customer("z@x.fr").customer_id
