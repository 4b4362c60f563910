"""The emotion curve: hand-made stages (means, intervals, irritants, surveys, breakdowns) and retail's planted irritant."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from parcours.config import JourneyConfig
from parcours.voice.curve import CurveError, emotion_curve, score_feedback
from parcours.voice.text.base import EMOTIONS, TextAnalyzer, analysis_schema
from tests.conftest import synth_workspace

JOURNEY = JourneyConfig(name="buy", stages=[{"name": "order", "touchpoints": ["order_placed"]},
                                             {"name": "delivery", "touchpoints": ["order_delivered"]},
                                             {"name": "support", "touchpoints": ["ticket_created"]}])


class Keyed(TextAnalyzer):
    """A stand-in analyzer: the sentiment is written in the text ("+0.5 delivery"), aspects named after it."""

    version = "keyed-1"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def analyze(self, texts):
        self.calls.append(len(texts))
        parts = [str(t).split() for t in texts]
        s = [float(p[0]) for p in parts]
        aspects = [[{"aspect": a, "polarity": "negative" if v < 0 else "positive", "score": v} for a in p[1:]]
                   for p, v in zip(parts, s)]
        emo = {e: [max(0.0, -v) if e == "anger" else max(0.0, v) if e == "joy" else 0.0 for v in s] for e in EMOTIONS}
        return pa.table({"language": ["en"] * len(s), "sentiment": s,
                         "sentiment_label": ["negative" if v < -0.05 else "positive" if v > 0.05 else "neutral"
                                             for v in s], **emo, "aspects": aspects}, schema=analysis_schema())


def _linked() -> pd.DataFrame:
    rows = [  # stage, text, kind, score, channel
        ("order", "0.6 website", "csat", 5, "web"),
        ("order", "0.4 price", "csat", 4, "web"),
        ("order", "0.2", "csat", 4, "app"),
        ("delivery", "-0.9 delivery", "nps", 2, "web"),
        ("delivery", "-0.7 delivery staff", "nps", 3, "web"),
        ("delivery", "0.8 staff", "nps", 10, "app"),
        ("delivery", "-0.9 delivery", "nps", 9, "app"),
        ("delivery", "-0.9 delivery", "review", 1, "app"),
        ("delivery", None, "nps", 10, "web"),
        (None, "-1.0 billing", "csat", 1, "web"),  # unlinked: out of the curve, counted
    ]
    return pd.DataFrame(rows, columns=["stage", "text", "kind", "score", "channel"])


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    return score_feedback(_linked(), Keyed())


def test_scoring_is_one_call_for_distinct_texts():
    a = Keyed()
    out = score_feedback(_linked(), a)
    assert a.calls == [7]  # 9 texts (one thrice), one missing: each distinct text once, in one call
    assert out["sentiment"].isna().sum() == 1 and out.loc[8, "aspects"] == []
    assert out.loc[3, "sentiment"] == out.loc[6, "sentiment"] == -0.9
    assert list(out.columns[:5]) == ["stage", "text", "kind", "score", "channel"]


def test_scoring_uses_the_cache(tmp_path):
    a = Keyed()
    score_feedback(_linked(), a, cache=tmp_path / "cache")
    again = score_feedback(_linked(), a, cache=tmp_path / "cache")
    assert a.calls == [7]  # the second run read everything back
    assert again.loc[4, "sentiment"] == -0.7


def test_stage_means_intervals_and_counts(scored):
    c = emotion_curve(scored, JOURNEY, min_texts=4)
    st = c.stages.set_index("stage")
    assert list(st.index) == ["order", "delivery", "support"]  # every stage, in the journey's order
    assert st.loc["order", "texts"] == 3 and st.loc["delivery", "texts"] == 5 and st.loc["delivery", "feedback"] == 6
    d = np.array([-0.9, -0.7, 0.8, -0.9, -0.9])
    assert st.loc["delivery", "mean_sentiment"] == pytest.approx(d.mean())
    from scipy import stats
    half = stats.t.ppf(0.975, 4) * d.std(ddof=1) / np.sqrt(5)
    assert st.loc["delivery", "ci_low"] == pytest.approx(max(-1.0, d.mean() - half))
    assert st.loc["delivery", "ci_high"] == pytest.approx(d.mean() + half)
    assert st.loc["delivery", "negative_share"] == pytest.approx(0.8)
    assert st.loc["support", "texts"] == 0 and np.isnan(st.loc["support", "mean_sentiment"])
    assert bool(st.loc["order", "low_texts"]) and not bool(st.loc["delivery", "low_texts"])
    assert c.outside_journey == 1
    assert st.loc["delivery", "dominant_emotions"][0] == "anger" and st.loc["order", "dominant_emotions"] == ["joy"]


def test_irritants_wows_and_examples(scored):
    c = emotion_curve(scored, JOURNEY)
    st = c.stages.set_index("stage")
    assert st.loc["delivery", "top_irritant"] == "delivery" and st.loc["delivery", "top_wows"] == ["staff"]
    assert st.loc["order", "top_irritants"] == [] and st.loc["order", "top_wows"][0] == "website"
    a = c.aspects.set_index(["stage", "aspect"])
    assert a.loc[("delivery", "delivery"), "irritants"] == 4
    # drag: the stage mean (-2.6 / 5) minus its mean without the four delivery complaints (0.8 left)
    assert a.loc[("delivery", "delivery"), "drag"] == pytest.approx(-0.52 - 0.8)
    assert a.loc[("delivery", "delivery"), "example"] == a.loc[("delivery", "delivery"), "irritant_example"] == "-0.9 delivery"
    assert a.loc[("delivery", "staff"), "wow_example"] == "0.8 staff"
    assert a.loc[("delivery", "staff"), "irritant_example"] == "-0.7 delivery staff"


def test_survey_scores_per_stage(scored):
    st = emotion_curve(scored, JOURNEY).stages.set_index("stage")
    # delivery NPS answers 2, 3, 10, 9, 10: 3 promoters, 2 detractors of 5 -> +20
    assert st.loc["delivery", "nps"] == pytest.approx(20.0) and st.loc["delivery", "nps_responses"] == 5
    assert st.loc["order", "csat"] == pytest.approx(100.0) and st.loc["order", "csat_responses"] == 3
    assert np.isnan(st.loc["support", "nps"]) and st.loc["support", "nps_responses"] == 0


def test_breakdown_by_channel(scored):
    c = emotion_curve(scored, JOURNEY, by="channel")
    st = c.stages.set_index(["group", "stage"])
    assert set(c.stages["group"]) == {"web", "app"} and len(c.stages) == 6
    assert st.loc[("web", "delivery"), "mean_sentiment"] == pytest.approx(-0.8)
    assert st.loc[("app", "delivery"), "mean_sentiment"] == pytest.approx((0.8 - 0.9 - 0.9) / 3)
    assert st.loc[("app", "order"), "texts"] == 1


def test_clear_errors(scored):
    with pytest.raises(CurveError, match="by='persona'"):
        emotion_curve(scored, JOURNEY, by="persona")
    with pytest.raises(CurveError, match="stage"):
        emotion_curve(scored.drop(columns="stage"), JOURNEY)
    with pytest.raises(CurveError, match="no column 'comment'"):
        score_feedback(_linked(), Keyed(), text_column="comment")


# --------------------------------------------------------------------------- retail


@pytest.fixture(scope="module")
def retail(tmp_path_factory):
    base = tmp_path_factory.mktemp("retail_voice")
    ws = synth_workspace(base, "retail", 40_000, 11)
    yield ws, json.loads((base / "raw" / "truth.json").read_text())
    ws.close()


@pytest.mark.slow
def test_retail_planted_irritant_tops_its_stage_and_pulls_it_down(retail):
    """Late delivery (truth: moment_of_truth at order_delivered) is the top irritant of the stage holding
    that touchpoint, and drags that stage's mean sentiment down more than any other aspect does there."""
    ws, truth = retail
    touchpoint = truth["moment_of_truth"]["touchpoint"]
    assert "delivery" in truth["moment_of_truth"]["description"]
    journey = ws.journey("purchase")
    stage = next(s.name for s in journey.stages if any(tp.activity == touchpoint for tp in s.touchpoints))
    # the survey tool calls the delivery touchpoint "livraison" (its own export, not the truth): declared here
    c = ws.emotion_curve("purchase", touchpoints={"livraison": "order_delivered"})
    st = c.stages.set_index("stage")
    assert st.loc[stage, "top_irritant"] == "delivery"
    asp = c.aspects[c.aspects.stage == stage].set_index("aspect")
    drag = asp["drag"].dropna()
    assert drag.idxmin() == "delivery" and drag["delivery"] < -0.08
    assert drag["delivery"] < 1.5 * drag.drop("delivery").min()  # well ahead of the next irritant
    # without the delivery complaints the stage would read clearly higher
    assert st.loc[stage, "mean_sentiment"] - drag["delivery"] > st.loc[stage, "mean_sentiment"] + 0.08
    assert truth["moment_of_truth"]["observed"]["mean_nps_after_delivery"]["late"] < 5
    # without the declared touchpoint (surveys tied to the customer's last event) it still comes first
    plain = ws.emotion_curve("purchase").stages.set_index("stage")
    assert plain.loc[stage, "top_irritant"] == "delivery"
    # every feedback row is accounted for: linked to a stage, outside the journey, or unlinked
    assert int(st["feedback"].sum()) + c.outside_journey == ws.table("feedback").count().to_pyarrow().as_py()


@pytest.mark.slow
def test_retail_breakdown_by_loyalty_and_segment(retail):
    ws, _ = retail
    by_tier = ws.emotion_curve("purchase", by="loyalty").stages
    assert by_tier["group"].nunique() >= 2
    by_seg = ws.emotion_curve("purchase", by="segment").stages
    assert by_seg.groupby("stage")["feedback"].sum().sum() == ws.emotion_curve("purchase").stages["feedback"].sum()


@pytest.mark.slow
def test_cli_voice_curve(retail, tmp_path):
    from typer.testing import CliRunner

    from parcours.cli import app

    ws, _ = retail
    out = tmp_path / "curve.csv"
    res = CliRunner().invoke(app, ["voice", "curve", "-w", str(ws.root), "--journey", "purchase", "--by", "channel",
                                   "--out", str(out)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "Emotion curve of 'purchase'" in res.output and "channel = email" in res.output
    assert "outside_window" in res.output  # unlinked feedback is reported by reason
    df = pd.read_csv(out)
    assert set(df["stage"]) == {"discovery", "decision", "purchase", "use"}
    assert df.loc[(df.group == "email") & (df.stage == "use"), "top_irritants"].iloc[0].startswith("delivery")
    mapped = CliRunner().invoke(app, ["voice", "curve", "-w", str(ws.root), "--touchpoint", "livraison=order_delivered"],
                                env={"COLUMNS": "200"})
    assert mapped.exit_code == 0, mapped.output
    assert re.search(r"touchpoint [1-9]", mapped.output)  # delivery surveys now tied by their declared touchpoint
    bad = CliRunner().invoke(app, ["voice", "curve", "-w", str(ws.root), "--by", "nonsense"])
    # the entry point (parcours.cli.main) prints a ParcoursError as one line; here it is the exception
    assert bad.exit_code != 0 and isinstance(bad.exception, CurveError) and "nonsense" in str(bad.exception)


def test_docstring_examples_run():
    import doctest

    import parcours.voice.curve as mod

    failures, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert failures == 0 and tried > 0
