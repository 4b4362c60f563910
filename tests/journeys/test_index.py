"""The sequence index: positions by (timestamp, seq), rebuilt when events change, same on Spark."""

from __future__ import annotations

import pandas as pd
import pytest

import parcours
from parcours.journeys.durations import stage_durations
from parcours.journeys.flows import flows, funnel_flows
from parcours.journeys.funnels import Exclusion, funnel
from parcours.journeys.index import sequence_index
from parcours.journeys.leaks import leaks
from parcours.journeys.transitions import transitions
from parcours.journeys.variants import variants
from tests.journeys.conftest import ingest_log, make_log, reference_order


def test_positions_follow_time_then_source_order(log_ws):
    ws, df = log_ws
    idx = sequence_index(ws.con).to_pandas()
    codes = ws.con.table("activity_codes").to_pandas().set_index("code").activity
    idx["activity"] = idx.code.map(codes)
    ours = idx.sort_values(["case_id", "pos"]).groupby("case_id").activity.agg(list)
    ref = reference_order(df).groupby("case:concept:name")["concept:name"].agg(list)
    assert ours.to_dict() == ref.to_dict()
    assert (idx.groupby("customer_id").pos.agg(lambda p: sorted(p) == list(range(len(p))))).all()
    nxt = idx.sort_values(["customer_id", "pos"]).groupby("customer_id").code.shift(-1)
    assert nxt.fillna(-1).astype(int).tolist() == idx.sort_values(["customer_id", "pos"]).next_code.fillna(-1).astype(int).tolist()


def test_index_is_reused_until_an_ingestion_changes_the_events(log_ws, tmp_path):
    ws, _ = log_ws
    sequence_index(ws.con)
    state = ws.con.table("journey_index_state").to_pandas().stamp.tolist()
    sequence_index(ws.con)
    assert ws.con.table("journey_index_state").to_pandas().stamp.tolist() == state
    ingest_log(ws, make_log(cases=3, seed=99), tmp_path / "more.csv")
    n = sequence_index(ws.con).count().execute()
    assert n == ws.events.count().execute()
    assert ws.con.table("journey_index_state").to_pandas().stamp.tolist() != state


def _analyses(ws) -> dict[str, pd.DataFrame]:
    steps = ["visite", "panier", "paiement"]
    return {
        "transitions": transitions(ws.con).to_pandas(),
        "transitions_case": transitions(ws.con, by="case", times=False).to_pandas(),
        "variants": variants(ws.con, top=15).to_pandas().assign(variant=lambda d: d.variant.map(tuple)),
        "variants_collapsed": variants(ws.con, collapse_repeats=True).to_pandas().assign(
            variant=lambda d: d.variant.map(tuple)),
        "funnel": funnel(ws.con, steps, window="2d").to_pandas(),
        "funnel_strict": funnel(ws.con, steps, window=None, order="strict").to_pandas(),
        "funnel_unordered": funnel(ws.con, steps, window="1d", order="unordered").to_pandas(),
        "funnel_excl": funnel(ws.con, steps, window="3d", exclusions=[Exclusion("réclamation")]).to_pandas(),
        "funnel_channel": funnel(ws.con, steps, window="3d", breakdown="channel").to_pandas(),  # nulls: "(none)"
        "funnel_session": funnel(ws.con, steps, window="1d", by="session").to_pandas(),
        "leaks": leaks(ws.con, steps, window="2d", min_entered=1).to_pandas(),
        "flows": flows(ws.con, start="panier", depth=3, min_share=0.05).links,
        "flows_before": flows(ws.con, end="paiement", depth=2, by="case", collapse_repeats=True).nodes,
        "funnel_flows": funnel_flows(ws.con, steps, 2, window="2d").paths.assign(path=lambda d: d.path.map(tuple)),
        "durations": stage_durations(ws.events, parcours.JourneyConfig(name="j", stages=[
            {"name": "a", "touchpoints": ["visite"], "target_duration": "1d"},
            {"name": "b", "touchpoints": ["panier", "réclamation"]}, {"name": "c", "touchpoints": ["paiement"]}]),
            by="case").to_pandas(),
        "session_flows": flows(ws.con, by="session", depth=2).paths.assign(path=lambda d: d.path.map(tuple)),
    }


@pytest.mark.spark
@pytest.mark.slow
def test_every_analysis_is_identical_on_spark(tmp_path, spark_session):
    df = make_log(cases=250, seed=4, tie_share=0.5)
    duck = parcours.init(tmp_path / "duck")
    ingest_log(duck, df, tmp_path / "log.csv")
    spark = parcours.init(tmp_path / "spark")
    cfg = tmp_path / "spark" / "parcours.yaml"
    cfg.write_text(cfg.read_text().replace("duckdb:///.parcours/warehouse.duckdb", "pyspark://journeys_test"))
    spark = parcours.open(tmp_path / "spark")
    assert spark.con.name == "pyspark"
    ingest_log(spark, df, tmp_path / "log.csv")
    a, b = _analyses(duck), _analyses(spark)
    for name in a:
        assert len(a[name]) > 0, name
        pd.testing.assert_frame_equal(a[name], b[name], obj=name, check_dtype=False)
