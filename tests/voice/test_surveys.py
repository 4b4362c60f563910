"""NPS, CSAT and CES against hand-computed cases (interval bounds worked out by hand from the formulas)."""

from __future__ import annotations

import math

import ibis
import pandas as pd
import pytest

from parcours.voice.surveys import SurveySettings, survey_metrics


def fb(kind: str | list[str], scores: list[float], **cols) -> ibis.Table:
    kinds = [kind] * len(scores) if isinstance(kind, str) else kind
    return ibis.memtable(pd.DataFrame({"kind": kinds, "score": pd.Series(scores, dtype="float64"), **cols}))


def one(table: ibis.Table, metric: str, **kw) -> dict:
    out = survey_metrics(table, **kw).to_pandas()
    rows = out[out.metric == metric].to_dict("records")
    assert len(rows) == 1, out
    return rows[0]


def test_nps_mixed_answers():
    # 4 promoters (10, 9, 10, 9), 2 passives (8, 7), 4 detractors (6, 0, 3, 5): NPS 0
    r = one(fb("nps", [10, 9, 8, 7, 6, 0, 10, 3, 9, 5]), "nps", min_responses=5)
    assert r["responses"] == 10 and r["value"] == 0.0
    assert (r["promoters"], r["passives"], r["detractors"]) == (40.0, 20.0, 40.0)
    # adjusted Wald: n' = 13, p' = d' = 4.75/13, se = sqrt((2 * 4.75/13) / 13) = 0.23709
    assert r["ci_low"] == pytest.approx(-46.4693, abs=1e-3) and r["ci_high"] == pytest.approx(46.4693, abs=1e-3)
    assert r["interval"].startswith("adjusted Wald") and not r["low_responses"]


def test_nps_all_promoters_keeps_an_interval():
    r = one(fb("nps", [9, 10] * 10), "nps", min_responses=30)
    assert r["value"] == 100.0 and r["detractors"] == 0.0
    # n' = 23, p' = 20.75/23, d' = 0.75/23: centre 0.8696, half-width 0.1727; the top is clipped at 100
    assert r["ci_low"] == pytest.approx(69.6833, abs=1e-3) and r["ci_high"] == 100.0
    assert r["low_responses"]  # 20 answers < 30


def test_one_response():
    t = fb(["nps", "csat", "ces"], [9, 5, 6])
    out = survey_metrics(t, min_responses=1).to_pandas().set_index("metric")
    assert out.loc["nps", "value"] == 100.0
    assert out.loc["nps", "ci_low"] == pytest.approx(-48.4986, abs=1e-3)
    assert out.loc["nps", "ci_high"] == pytest.approx(98.4986, abs=1e-3)
    assert out.loc["csat", "value"] == 100.0
    assert out.loc["csat", "ci_low"] == pytest.approx(20.6549, abs=1e-3) and out.loc["csat", "ci_high"] == 100.0
    assert out.loc["ces", "value"] == 6.0 and math.isnan(out.loc["ces", "ci_low"])  # no spread from one answer
    assert out["responses"].tolist() == [1, 1, 1, 1]


def test_no_responses():
    empty = fb("nps", [])
    out = survey_metrics(empty).to_pandas()
    assert out.metric.tolist() == ["nps", "csat", "ces", "ces_easy"]
    assert (out.responses == 0).all() and out.value.isna().all() and out.ci_low.isna().all()
    assert out.low_responses.all()
    # grouped: no group, no row
    assert survey_metrics(fb("nps", [], channel=pd.Series([], dtype=str)), by="channel").to_pandas().empty
    # answers of other kinds only: the overall NPS row says 0 responses
    r = one(fb("review", [5, 4]), "nps")
    assert r["responses"] == 0 and math.isnan(r["value"])


def test_csat_share_and_threshold():
    t = fb("csat", [5, 4, 3, 2, 1, 4, 5, 5])
    r = one(t, "csat", min_responses=1)
    assert r["value"] == 62.5 and r["responses"] == 8
    assert r["ci_low"] == pytest.approx(30.5742, abs=1e-3) and r["ci_high"] == pytest.approx(86.3156, abs=1e-3)
    assert r["interval"] == "Wilson"
    assert one(t, "csat", settings=SurveySettings(csat_threshold=5))["value"] == 37.5
    # a 10-point CSAT: 8 and above counts
    ten = fb("csat", [10, 8, 7, 9])
    assert one(ten, "csat", settings=SurveySettings(csat_scale=10, csat_threshold=8))["value"] == 75.0


def test_ces_mean_t_interval_and_easy_share():
    t = fb("ces", [7, 6, 5, 2, 1])
    out = survey_metrics(t, min_responses=1).to_pandas().set_index("metric")
    # mean 4.2, sample variance 26.8 / 4 = 6.7, t(4, 0.975) = 2.776445
    assert out.loc["ces", "value"] == pytest.approx(4.2)
    assert out.loc["ces", "ci_low"] == pytest.approx(0.98603, abs=1e-4)
    assert out.loc["ces", "ci_high"] == pytest.approx(7.41397, abs=1e-4)
    assert out.loc["ces_easy", "value"] == 60.0
    assert out.loc["ces_easy", "ci_low"] == pytest.approx(23.0724, abs=1e-3)
    # a survey where 1 means "very easy": easy is 1-3
    low = SurveySettings(ces_higher_is_easier=False, ces_easy_threshold=3)
    assert one(t, "ces_easy", settings=low)["value"] == 40.0


def test_out_of_range_scores_are_counted_not_used():
    t = fb(["nps", "nps", "nps", "csat", "csat", "csat", "ces"], [10, 11, -1, 5, 0, 4.5, 9])
    out = survey_metrics(t, min_responses=1).to_pandas().set_index("metric")
    assert out.loc["nps", "responses"] == 1 and out.loc["nps", "out_of_range"] == 2
    assert out.loc["csat", "responses"] == 1 and out.loc["csat", "out_of_range"] == 2
    assert out.loc["ces", "responses"] == 0 and out.loc["ces", "out_of_range"] == 1


def test_by_dimensions_and_low_response_flag():
    scores = [10, 10, 10, 2, 9, 3, 1, 0]
    chans = ["web"] * 4 + ["app"] * 4
    out = survey_metrics(fb("nps", scores, channel=chans), by="channel", metrics=["nps"],
                         min_responses=4).to_pandas().set_index("channel")
    assert out.loc["web", "value"] == 50.0 and out.loc["app", "value"] == -50.0
    assert not out["low_responses"].any()
    out = survey_metrics(fb("nps", scores, channel=chans), by="channel", metrics=["nps"],
                         min_responses=5).to_pandas()
    assert out["low_responses"].all()


def _months(nps_by_month: dict[str, list[int]], kind: str = "nps") -> ibis.Table:
    rows = [(pd.Timestamp(m) + pd.Timedelta(hours=i), s) for m, scores in nps_by_month.items()
            for i, s in enumerate(scores)]
    return fb(kind, [s for _, s in rows], timestamp=[t for t, _ in rows])


def test_significant_change_between_periods():
    jan = [10] * 20 + [8] * 10 + [3] * 10      # NPS 25
    feb = [10] * 5 + [7] * 10 + [2] * 25       # NPS -50
    mar = [10] * 5 + [7] * 10 + [2] * 25       # same as February
    out = survey_metrics(_months({"2024-01-01": jan, "2024-02-01": feb, "2024-03-01": mar}),
                         period="month", metrics=["nps"]).to_pandas()
    assert out["value"].tolist() == [25.0, -50.0, -50.0]
    first, second, third = out.to_dict("records")
    assert math.isnan(first["change"]) and not first["significant"]
    assert second["change"] == -75.0 and second["test"] == "two-sample z-test (trinomial variance)"
    # z = -75 / sqrt(6875/40 + 5000/40) = -4.353, two-sided p = 1.34e-5
    assert second["p_value"] == pytest.approx(1.34e-5, rel=0.02) and second["significant"]
    assert third["change"] == 0.0 and not third["significant"] and third["p_value"] == 1.0
    assert str(second["previous_period"])[:7] == "2024-01"


def test_change_not_flagged_when_few_answers():
    out = survey_metrics(_months({"2024-01-01": [10] * 6, "2024-02-01": [0] * 6}), period="month",
                         metrics=["nps"], min_responses=10).to_pandas()
    second = out.iloc[1]
    assert second.p_value < 0.05 and not second.significant and second.low_responses


def test_csat_change_uses_two_proportion_test():
    out = survey_metrics(_months({"2024-01-01": [5] * 40 + [2] * 10, "2024-02-01": [5] * 25 + [2] * 25},
                                 kind="csat"), period="month", metrics=["csat"]).to_pandas()
    r = out.iloc[1]
    # 80 % -> 50 %: pooled p = 0.65, se = sqrt(0.65 * 0.35 * 2/50) = 0.09539, z = -3.145, p = 0.00166
    assert r.change == pytest.approx(-30.0) and r.test == "two-proportion z-test"
    assert r.p_value == pytest.approx(0.00166, rel=0.02) and r.significant


def test_bad_arguments_name_what_is_wrong():
    with pytest.raises(KeyError, match="'channel'"):
        survey_metrics(fb("nps", [1]), by="channel")
    with pytest.raises(KeyError, match="'timestamp'"):
        survey_metrics(fb("nps", [1]), period="month")
    with pytest.raises(ValueError, match="period"):
        survey_metrics(fb("nps", [1], timestamp=[pd.Timestamp("2024-01-01")]), period="fortnight")
    with pytest.raises(ValueError, match="metric"):
        survey_metrics(fb("nps", [1]), metrics=["nss"])
    with pytest.raises(ValueError, match="csat_threshold"):
        SurveySettings(csat_threshold=6)


def test_workspace_survey_metrics_by_joined_dimensions(ws, tmp_path):
    from tests.conftest import write

    fb_rows = ["email,timestamp,kind,score,channel,case_id"]
    fb_rows += [f"c{i}@x.fr,2024-01-{1 + i % 28:02d}T10:00:00Z,nps,{10 if i < 6 else 2},email,T{i % 2}"
                for i in range(10)]
    fb_rows += ["c0@x.fr,2024-02-01T10:00:00Z,csat,5,web,", "c7@x.fr,2024-02-02T10:00:00Z,csat,1,web,"]
    cust = ["email,segment"] + [f"c{i}@x.fr,{'pro' if i < 5 else 'particulier'}" for i in range(10)]
    cases = ["case_id,email,opened_at,team", "T0,c0@x.fr,2024-01-01T09:00:00Z,Lyon",
             "T1,c1@x.fr,2024-01-01T09:00:00Z,Lille"]
    ws.ingest("customers", write(tmp_path / "c.csv", "\n".join(cust) + "\n"))
    ws.ingest("cases", write(tmp_path / "k.csv", "\n".join(cases) + "\n"))
    ws.ingest("feedback", write(tmp_path / "f.csv", "\n".join(fb_rows) + "\n"))
    overall = ws.survey_metrics(min_responses=1).to_pandas().set_index("metric")
    assert overall.loc["nps", "responses"] == 10 and overall.loc["nps", "value"] == 20.0
    assert overall.loc["csat", "value"] == 50.0
    seg = ws.survey_metrics("segment", metrics=["nps"], min_responses=1).to_pandas().set_index("segment")
    assert seg.loc["pro", "value"] == 100.0 and seg.loc["particulier", "value"] == -60.0
    # promoters c0, c2, c4 on T0 (Lyon), c1, c3, c5 on T1 (Lille); detractors c6, c8 / c7, c9
    team = ws.survey_metrics("team", metrics=["nps"], min_responses=1).to_pandas().set_index("team")
    assert team.loc["Lyon", "value"] == 20.0 and team.loc["Lille", "value"] == 20.0
    assert team["responses"].sum() == 10
    monthly = ws.survey_metrics(["channel"], period="month", min_responses=1).to_pandas()
    assert set(monthly["channel"]) == {"email", "web"} and "p_value" in monthly.columns
    with pytest.raises(KeyError, match="persona"):
        ws.survey_metrics("persona")


def test_docstring_examples_run():
    import doctest

    import parcours.voice.surveys as mod

    failures, _ = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_exported():
    import parcours
    from parcours import voice

    assert parcours.survey_metrics is survey_metrics and voice.SurveySettings is SurveySettings


@pytest.mark.spark
@pytest.mark.slow
def test_same_metrics_on_spark(tmp_path, spark_session):
    import parcours
    from tests.conftest import write

    rows = ["email,timestamp,kind,score,channel"]
    rows += [f"c{i}@x.fr,2024-0{1 + i % 3}-1{i % 9}T10:00:00Z,{('nps', 'csat', 'ces')[i % 3]},"
             f"{(i * 7) % 11 if i % 3 == 0 else 1 + (i * 5) % (5 if i % 3 == 1 else 7)},{'web' if i % 2 else 'app'}"
             for i in range(120)]
    src = write(tmp_path / "fb.csv", "\n".join(rows) + "\n")
    duck = parcours.init(tmp_path / "duck")
    duck.ingest("feedback", src)
    parcours.init(tmp_path / "spark")
    cfg = tmp_path / "spark" / "parcours.yaml"
    cfg.write_text(cfg.read_text().replace("duckdb:///.parcours/warehouse.duckdb", "pyspark://surveys_test"))
    spark = parcours.open(tmp_path / "spark")
    assert spark.con.name == "pyspark"
    spark.ingest("feedback", src)
    for kw in ({"by": "channel"}, {"by": "channel", "period": "month"}):
        a = duck.survey_metrics(min_responses=5, **kw).to_pandas()
        b = spark.survey_metrics(min_responses=5, **kw).to_pandas()
        assert len(a) > 4
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_workspace_survey_metrics_by_journey_stage(ws, tmp_path):
    import parcours
    from tests.conftest import write

    ev = ["email,timestamp,activity,channel"]
    ev += [f"c{i}@x.fr,2024-03-01T10:00:00Z,{'achat' if i < 4 else 'livraison'},web" for i in range(10)]
    fb = ["email,timestamp,kind,score"]
    fb += [f"c{i}@x.fr,2024-03-02T10:00:00Z,nps,{10 if i < 4 else (2 if i < 9 else 9)}" for i in range(10)]
    fb += ["c99@x.fr,2024-03-02T10:00:00Z,nps,10"]  # no event before it: unlinked, kept with no stage
    ws.ingest("events", write(tmp_path / "ev.csv", "\n".join(ev) + "\n"))
    ws.ingest("feedback", write(tmp_path / "fb.csv", "\n".join(fb) + "\n"))
    ws.config.journeys = [parcours.JourneyConfig(name="achat", stages=[
        {"name": "purchase", "touchpoints": ["achat"]}, {"name": "delivery", "touchpoints": ["livraison"]}])]
    out = ws.survey_metrics("stage", metrics=["nps"], min_responses=1).to_pandas()
    got = {(None if pd.isna(s) else s): v for s, v in zip(out.stage, out.value)}
    # delivery: 5 detractors, 1 promoter of 6 -> -66.7; purchase: 4 promoters -> 100; unlinked: 100
    assert got == {"purchase": 100.0, "delivery": pytest.approx(-200 / 3), None: 100.0}
    assert out.responses.sum() == 11
    by_activity = ws.survey_metrics("event_activity", metrics=["nps"], min_responses=1).to_pandas()
    assert set(by_activity.event_activity.dropna()) == {"achat", "livraison"}


def test_accepts_a_pandas_frame():
    df = pd.DataFrame({"kind": ["nps", "nps"], "score": [10.0, 0.0]})
    assert survey_metrics(df, metrics=["nps"]).to_pandas().value.tolist() == [0.0]
