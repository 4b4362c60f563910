"""Journey definitions: config validation, templates, glob touchpoints, and stage sequences that go
back, skip, loop and enter late, ordered by (timestamp, seq)."""

from __future__ import annotations

import fnmatch
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml

import parcours
from parcours.config import WorkspaceConfig, load_config, render_config
from parcours.errors import ConfigError, NotFoundError
from parcours.journeys.definitions import (
    TEMPLATES,
    JourneyConfig,
    JourneyError,
    StageConfig,
    find_journey,
    parse_duration,
    scenario_journeys,
    stage_events,
    stage_sequences,
    template,
)
from tests.conftest import write

# --------------------------------------------------------------------------- config


def _load(tmp_path: Path, journeys: list) -> WorkspaceConfig:
    path = tmp_path / "parcours.yaml"
    path.write_text(yaml.safe_dump({"journeys": journeys}, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def _error(tmp_path: Path, journeys: list) -> str:
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, journeys)
    assert str(tmp_path / "parcours.yaml") in str(e.value)
    return str(e.value)


STAGES = [{"name": "discovery", "touchpoints": ["page_view", {"activity": "search*", "channel": "web"}]},
          {"name": "purchase", "touchpoints": ["payment"], "target_duration": "2d"}]


def test_journeys_load_with_string_and_mapping_touchpoints(tmp_path):
    cfg = _load(tmp_path, [{"name": "achat", "stages": STAGES, "conversion_window": "30d"}])
    [j] = cfg.journeys
    assert [s.name for s in j.stages] == ["discovery", "purchase"] == j.order
    assert [(t.activity, t.channel) for t in j.stages[0].touchpoints] == [("page_view", None), ("search*", "web")]
    assert j.window == timedelta(days=30) and j.stages[1].target == timedelta(days=2) and j.stages[0].target is None


def test_rendered_journeys_round_trip(tmp_path):
    cfg = WorkspaceConfig(journeys=[*TEMPLATES.values(), *scenario_journeys("retail")[:1]])
    text = render_config(cfg)
    assert "      - page_view\n" in text and "channel: store" in text  # the string shorthand is written back
    path = tmp_path / "parcours.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path) == cfg


def test_unknown_key_names_the_key_path_and_allowed_keys(tmp_path):
    msg = _error(tmp_path, [{"name": "j", "stages": [{"name": "a", "touchpoints": [{"activty": "x"}]}]}])
    assert "journeys.0.stages.0.touchpoints.0.activty: unknown key; allowed here: activity, channel" in msg
    msg = _error(tmp_path, [{"name": "j", "stages": STAGES, "window": "3d"}])
    assert "journeys.0.window: unknown key" in msg and "conversion_window" in msg and "ideal_order" in msg


@pytest.mark.parametrize("value", ["3 days", "3x", "d", "-1d", 30, "0h"])
def test_bad_durations_name_the_key(tmp_path, value):
    msg = _error(tmp_path, [{"name": "j", "stages": STAGES, "conversion_window": value}])
    assert "journeys.0.conversion_window:" in msg
    assert ("s, m, h, d or w" in msg) or (value == "0h" and "longer than zero" in msg)
    bad_stage = [STAGES[0], {**STAGES[1], "target_duration": value}]
    assert "journeys.0.stages.1.target_duration:" in _error(tmp_path, [{"name": "j", "stages": bad_stage}])


def test_ideal_order_must_name_existing_stages_once(tmp_path):
    msg = _error(tmp_path, [{"name": "j", "stages": STAGES, "ideal_order": ["purchase", "renewal"]}])
    assert "journeys.0.ideal_order: unknown stage 'renewal'; the journey's stages: discovery, purchase" in msg
    msg = _error(tmp_path, [{"name": "j", "stages": STAGES, "ideal_order": ["purchase", "purchase"]}])
    assert "journeys.0.ideal_order" in msg and "more than once: purchase" in msg
    assert "journeys.0.ideal_order: empty" in _error(tmp_path, [{"name": "j", "stages": STAGES, "ideal_order": []}])


def test_names_unique_stages_not_empty_no_character_classes(tmp_path):
    msg = _error(tmp_path, [{"name": "j", "stages": [STAGES[0], {**STAGES[1], "name": "discovery"}]}])
    assert "journeys.0.stages: stage names must be unique; listed more than once: discovery" in msg
    msg = _error(tmp_path, [{"name": "j", "stages": STAGES}, {"name": "j", "stages": STAGES}])
    assert "journeys: journey names must be unique; listed more than once: j" in msg
    assert "journeys.0.stages.0.touchpoints" in _error(tmp_path, [{"name": "j", "stages": [{"name": "a",
                                                                                             "touchpoints": []}]}])
    assert "journeys.0.stages" in _error(tmp_path, [{"name": "j", "stages": []}])
    msg = _error(tmp_path, [{"name": "j", "stages": [{"name": "a", "touchpoints": ["checkout_[sp]*"]}]}])
    assert "journeys.0.stages.0.touchpoints.0.activity: character classes" in msg
    msg = _error(tmp_path, [{"name": "j", "stages": [{"name": "a", "touchpoints": [{"channel": ""}]}]}])
    assert "journeys.0.stages.0.touchpoints.0.channel: empty pattern" in msg


def test_ideal_order_sets_stage_index_and_stages_left_out_come_after():
    j = JourneyConfig(name="j", stages=[{"name": n, "touchpoints": [n]} for n in ("a", "b", "c", "d")],
                      ideal_order=["c", "a"])
    assert j.order == ["c", "a", "b", "d"]


@pytest.mark.parametrize(("text", "expected"), [
    ("45s", timedelta(seconds=45)), ("90m", timedelta(minutes=90)), ("12h", timedelta(hours=12)),
    ("30d", timedelta(days=30)), ("2w", timedelta(days=14)), (" 1.5h ", timedelta(minutes=90)),
    ("0d", timedelta(0)),
])
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "7 days", "7D", "1d12h", "-3d", "d7"])
def test_parse_duration_errors_say_how_to_write_one(text):
    with pytest.raises(ConfigError, match=r"is not a duration: write a number and a unit, s, m, h, d or w"):
        parse_duration(text)


# --------------------------------------------------------------------------- templates


def test_templates_cover_the_typical_journeys_and_are_copies():
    assert set(TEMPLATES) == {"purchase_lifecycle", "onboarding", "problem_resolution", "upgrade", "relocation"}
    assert template("purchase_lifecycle").order == ["discovery", "decision", "purchase", "use", "renewal"]
    for name, j in TEMPLATES.items():
        assert j.name == name and j.description and len(j.stages) >= 3
        assert all(s.touchpoints for s in j.stages)
    mine = template("onboarding", name="onboarding_mobile", conversion_window="14d")
    mine.stages[0].name = "inscription"
    assert (mine.name, mine.window) == ("onboarding_mobile", timedelta(days=14))
    assert TEMPLATES["onboarding"].stages[0].name == "signup" and TEMPLATES["onboarding"].window.days == 30


def test_template_errors():
    with pytest.raises(NotFoundError, match="no journey template 'achat'; templates: purchase_lifecycle"):
        template("achat")
    with pytest.raises(ConfigError, match=r"template\('upgrade'\): conversion_window: not a duration"):
        template("upgrade", conversion_window="soon")
    with pytest.raises(ConfigError, match=r"ideal_order: unknown stage 'nope'"):
        template("upgrade", ideal_order=["nope"])
    with pytest.raises(ConfigError, match="colour: unknown key"):
        template("upgrade", colour="blue")
    with pytest.raises(NotFoundError, match="no journey 'x' in parcours.yaml \\(journeys: upgrade\\)"):
        find_journey([template("upgrade")], "x")


# --------------------------------------------------------------------------- glob matching

ACTIVITIES = ["page_view", "pageXview", "page_views", "50%_off", "50%Xoff", "50XXoff", "50%off", "a_b", "a_c",
              "aXb", "ab", "x", "C:\\dir", "CX\\dir", "réclamation ☎", "checkout_start", "checkout_done"]


@pytest.fixture(scope="module")
def glob_ws(tmp_path_factory):
    """One event per activity, on channel web, app, none (empty), and 'w_b' in turn (read-only)."""
    tmp = tmp_path_factory.mktemp("glob")
    channels = ["web", "app", "", "w_b"]
    rows = [{"customer_id": f"c{i}", "activity": a, "channel": channels[i % 4],
             "timestamp": f"2024-01-01T10:{i:02d}:00Z"} for i, a in enumerate(ACTIVITIES)]
    pd.DataFrame(rows).to_csv(tmp / "glob.csv", index=False)
    ws = parcours.init(tmp / "ws")
    ws.ingest("events", tmp / "glob.csv")
    yield ws, {r["activity"]: r["channel"] or None for r in rows}
    ws.close()


def _matched(ws, touchpoint) -> set[str]:
    j = JourneyConfig(name="j", stages=[{"name": "s", "touchpoints": [touchpoint]}])
    out = stage_events(ws.events, j).to_pandas()
    assert set(out.stage) <= {"s"} and set(out.stage_index) <= {0}
    return set(out.activity)


@pytest.mark.parametrize(("pattern", "expected"), [
    ("page_view", {"page_view"}),  # exact: '_' is not a wildcard
    ("page*", {"page_view", "pageXview", "page_views"}),
    ("page_*", {"page_view", "page_views"}),
    ("*view", {"page_view", "pageXview"}),
    ("page?view", {"page_view", "pageXview"}),
    ("*_*", {"page_view", "page_views", "50%_off", "a_b", "a_c", "checkout_start", "checkout_done"}),
    ("50%?off", {"50%_off", "50%Xoff"}),  # '%' is literal, so not 50XXoff
    ("50%*", {"50%_off", "50%Xoff", "50%off"}),
    ("a_?", {"a_b", "a_c"}),
    ("a?", {"ab"}),
    ("?", {"x"}),
    ("C:\\*", {"C:\\dir"}),
    ("?:\\dir", {"C:\\dir"}),
    ("r?clamation *", {"réclamation ☎"}),
    ("checkout_*t", {"checkout_start"}),
    ("*", set(ACTIVITIES)),
    ("nothing*", set()),
])
def test_activity_globs_match_like_fnmatch(glob_ws, pattern, expected):
    ws, _ = glob_ws
    assert _matched(ws, pattern) == expected
    assert expected == {a for a in ACTIVITIES if fnmatch.fnmatchcase(a, pattern)}


@pytest.mark.parametrize("channel", ["web", "w?b", "*", "w*", "w_b", "a*"])
def test_channel_filter(glob_ws, channel):
    ws, chans = glob_ws
    expected = {a for a, c in chans.items() if c is not None and fnmatch.fnmatchcase(c, channel)}
    assert expected  # the case means something
    assert _matched(ws, {"activity": "*", "channel": channel}) == expected
    both = {a for a in expected if a.startswith("page")}
    assert _matched(ws, {"activity": "page*", "channel": channel}) == both


def test_no_channel_means_any_channel_even_none(glob_ws):
    ws, chans = glob_ws
    assert any(c is None for c in chans.values())
    assert _matched(ws, {"activity": "*"}) == set(ACTIVITIES)
    assert _matched(ws, {"activity": "*", "channel": "*"}) == {a for a, c in chans.items() if c is not None}


def test_first_listed_stage_wins_and_index_follows_ideal_order(glob_ws):
    ws, _ = glob_ws
    j = JourneyConfig(name="j", ideal_order=["second", "first"], stages=[
        {"name": "first", "touchpoints": ["page_*", "a_b"]},
        {"name": "second", "touchpoints": ["page*", "a?b", {"activity": "x", "channel": "nowhere"}]},
    ])
    got = stage_events(ws.events, j).to_pandas().set_index("activity")
    assert got.stage.to_dict() == {"page_view": "first", "page_views": "first", "a_b": "first",
                                   "pageXview": "second", "aXb": "second"}
    assert got.stage_index.to_dict() == {"page_view": 1, "page_views": 1, "a_b": 1, "pageXview": 0, "aXb": 0}
    assert set(got.columns) >= {"event_id", "customer_id", "timestamp", "seq", "channel", "stage", "stage_index"}


# --------------------------------------------------------------------------- stage sequences

JOURNEY = JourneyConfig(name="achat", stages=[
    StageConfig(name="discovery", touchpoints=["view", "search"]),
    StageConfig(name="decision", touchpoints=["cart"]),
    StageConfig(name="purchase", touchpoints=["pay"]),
    StageConfig(name="use", touchpoints=["deliver", {"activity": "visit", "channel": "store"}]),
])

LOG = """customer_id,activity,channel,timestamp,case_id
back,view,web,2024-01-01T10:00:00Z,
back,cart,web,2024-01-01T10:05:00Z,
back,view,app,2024-01-01T11:00:00Z,
back,cart,app,2024-01-01T11:05:00Z,
back,pay,app,2024-01-01T11:06:00Z,
skip,view,web,2024-01-02T09:00:00Z,
skip,pay,phone,2024-01-02T09:30:00Z,
skip,deliver,post,2024-01-05T14:00:00Z,
loop,view,web,2024-01-03T08:00:00Z,
loop,login,web,2024-01-03T08:01:00Z,
loop,search,web,2024-01-03T08:02:00Z,
loop,cart,web,2024-01-03T08:10:00Z,
loop,cart,web,2024-01-03T08:11:00Z,
loop,cart,app,2024-01-03T09:00:00Z,
loop,pay,app,2024-01-03T09:01:00Z,
loop,view,web,2024-02-01T08:00:00Z,
loop,visit,web,2024-02-02T08:00:00Z,
loop,visit,store,2024-02-03T08:00:00Z,
late,pay,store,2024-01-04T12:00:00Z,
late,deliver,post,2024-01-06T12:00:00Z,
tie,view,web,2024-01-08T10:00:00Z,
tie,pay,web,2024-01-07T10:00:00Z,
tie,cart,web,2024-01-07T10:00:00Z,
tie,login,web,2024-01-07T10:00:00Z,
none,login,web,2024-01-01T00:00:00Z,
"""


@pytest.fixture
def seq_ws(ws, tmp_path):
    ws.ingest("events", write(tmp_path / "log.csv", LOG))
    ids = ws.table("identities").to_pandas()
    names = dict(zip(ids.customer_id, ids.identifier, strict=True))
    return ws, names


def _sequences(ws, names) -> dict[str, list[tuple]]:
    out = stage_sequences(ws.events, JOURNEY).to_pandas()
    assert list(out.columns) == ["customer_id", "visit", "stage", "stage_index", "entered_at", "left_at", "events"]
    out["who"] = out.customer_id.map(names)
    got = {}
    for who, g in out.groupby("who"):
        assert g.visit.tolist() == list(range(len(g)))  # 0-based, no gaps, in order
        got[who] = [(s, i, n) for s, i, n in zip(g.stage, g.stage_index, g.events, strict=True)]
    return got


def test_going_back_skipping_looping_and_entering_late(seq_ws):
    ws, names = seq_ws
    got = _sequences(ws, names)
    assert got["back"] == [("discovery", 0, 1), ("decision", 1, 1), ("discovery", 0, 1), ("decision", 1, 1),
                           ("purchase", 2, 1)]
    assert got["skip"] == [("discovery", 0, 1), ("purchase", 2, 1), ("use", 3, 1)]
    # repeated stages collapse into one visit; 'login' (no stage) does not break a run; 'visit' on the
    # web is not the store touchpoint
    assert got["loop"] == [("discovery", 0, 2), ("decision", 1, 3), ("purchase", 2, 1), ("discovery", 0, 1),
                           ("use", 3, 1)]
    assert got["late"] == [("purchase", 2, 1), ("use", 3, 1)]
    assert "none" not in got  # no journey event: no sequence


def test_ties_in_time_follow_source_order(seq_ws):
    ws, names = seq_ws
    # pay and cart share a timestamp: source order (seq) decides, not the activity name nor the row
    # order alone (view comes first in the file but a day later)
    assert _sequences(ws, names)["tie"] == [("purchase", 2, 1), ("decision", 1, 1), ("discovery", 0, 1)]


def test_visit_times_are_first_and_last_event(seq_ws):
    ws, names = seq_ws
    out = stage_sequences(ws.events, JOURNEY).to_pandas()
    loop = out[out.customer_id.map(names) == "loop"].set_index("visit")
    assert loop.loc[1, "entered_at"] == pd.Timestamp("2024-01-03 08:10:00")
    assert loop.loc[1, "left_at"] == pd.Timestamp("2024-01-03 09:00:00")
    assert loop.loc[0, "left_at"] == pd.Timestamp("2024-01-03 08:02:00")
    assert (out.left_at >= out.entered_at).all()


def test_sequences_per_case(ws, tmp_path):
    log = ("customer_id,case_id,activity,channel,timestamp\n"
           "u1,t1,cart,web,2024-01-01T10:00:00Z\nu1,t2,view,web,2024-01-01T10:01:00Z\n"
           "u1,t1,pay,web,2024-01-01T10:02:00Z\nu1,,view,web,2024-01-01T10:03:00Z\n"
           "u1,t2,view,app,2024-01-01T10:04:00Z\n")
    ws.ingest("events", write(tmp_path / "cases.csv", log))
    out = stage_sequences(ws.events, JOURNEY, by="case").to_pandas()
    assert list(out.columns[:2]) == ["case_id", "visit"]
    got = {c: list(zip(g.stage, g.events, strict=True)) for c, g in out.groupby("case_id")}
    assert got == {"t1": [("decision", 1), ("purchase", 1)], "t2": [("discovery", 2)]}
    per_customer = stage_sequences(ws.events, JOURNEY).to_pandas()
    assert per_customer.stage.tolist() == ["decision", "discovery", "purchase", "discovery"]


def test_bad_by_and_missing_columns(ws):
    with pytest.raises(JourneyError, match="by must be 'customer' or 'case', not 'session'"):
        stage_sequences(ws.events, JOURNEY, by="session")
    with pytest.raises(JourneyError, match=r"no column\(s\) channel; available: customer_id, activity"):
        stage_events(ws.events.select("customer_id", "activity"), JOURNEY)


# --------------------------------------------------------------------------- demo companies


@pytest.mark.slow
@pytest.mark.parametrize(("scenario", "journeys"), [
    ("retail", {"purchase": "customer", "problem_resolution": "case"}),
    ("saas", {"onboarding": "customer", "renewal": "customer", "problem_resolution": "case"}),
])
def test_init_scenario_journeys_fit_the_demo_company(tmp_path, scenario, journeys):
    from parcours.synth import generate

    generate(scenario, tmp_path / "raw", events=4_000, seed=5)
    parcours.init(tmp_path / "ws", scenario=scenario, data=tmp_path / "raw")
    ws = parcours.open(tmp_path / "ws")  # the written parcours.yaml loads
    assert [j.name for j in ws.config.journeys] == list(journeys)
    ws.ingest_sources()
    for name, by in journeys.items():
        j = find_journey(ws.config.journeys, name)
        seen = stage_events(ws.events, j).stage.value_counts().to_pandas().set_index("stage")["stage_count"]
        assert set(seen.index) == {s.name for s in j.stages}, name  # every stage matches real events
        seq = stage_sequences(ws.events, j, by=by).to_pandas()
        assert len(seq) > 0 and set(seq.stage) == set(seen.index)
        assert seq.events.sum() == seen.sum()
    purchase = ws.config.journeys[0]
    if scenario == "retail":
        assert purchase.order == ["discovery", "decision", "purchase", "use"]
    ws.close()


def test_empty_scenario_declares_no_journeys(tmp_path):
    assert parcours.init(tmp_path / "w").config.journeys == []
    assert parcours.open(tmp_path / "w").config.journeys == []


# --------------------------------------------------------------------------- Spark

SPARK_PATTERNS = JourneyConfig(name="j", stages=[
    {"name": "a", "touchpoints": ["page_view", "50%?off", "C:\\*", "?:\\dir"]},
    {"name": "b", "touchpoints": ["a_?", {"activity": "*", "channel": "w?b"}]},
    {"name": "c", "touchpoints": ["r?clamation *", "page*"]},
])


@pytest.mark.spark
@pytest.mark.slow
def test_same_stages_and_sequences_on_spark(tmp_path, spark_session):
    rows = [{"customer_id": f"c{i % 3}", "activity": a, "channel": ["web", "app", "wxb"][i % 3],
             "timestamp": f"2024-01-01T10:{i // 2:02d}:00Z"} for i, a in enumerate(ACTIVITIES * 2)]
    path = tmp_path / "log.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    duck = parcours.init(tmp_path / "duck")
    duck.ingest("events", path)
    parcours.init(tmp_path / "spark")
    cfg = tmp_path / "spark" / "parcours.yaml"
    cfg.write_text(cfg.read_text().replace("duckdb:///.parcours/warehouse.duckdb", "pyspark://definitions_test"))
    spark = parcours.open(tmp_path / "spark")
    assert spark.con.name == "pyspark"
    spark.ingest("events", path)

    def frames(w):
        ev = stage_events(w.events, SPARK_PATTERNS).select("seq", "activity", "stage", "stage_index")
        return ev.order_by("seq").to_pandas(), stage_sequences(w.events, SPARK_PATTERNS).to_pandas()

    (ev_d, seq_d), (ev_s, seq_s) = frames(duck), frames(spark)
    expected = [(r["activity"], _first_stage(SPARK_PATTERNS, r["activity"], r["channel"])) for r in rows]
    assert list(zip(ev_d.activity, ev_d.stage, strict=True)) == [(a, s) for a, s in expected if s is not None]
    assert len(ev_d) > 10 and len(seq_d) > 5
    pd.testing.assert_frame_equal(ev_d, ev_s, check_dtype=False)
    pd.testing.assert_frame_equal(seq_d, seq_s, check_dtype=False)


def _first_stage(journey: JourneyConfig, activity: str, channel: str | None) -> str | None:
    """The reference: the first listed stage with a touchpoint matching (fnmatch), in Python."""
    for stage in journey.stages:
        for tp in stage.touchpoints:
            if fnmatch.fnmatchcase(activity, tp.activity) and (
                    tp.channel is None or (channel is not None and fnmatch.fnmatchcase(channel, tp.channel))):
                return stage.name
    return None
