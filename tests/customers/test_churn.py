"""The churn model: plain-table reading, model choice, calibration, exact contributions, reasons in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from parcours.customers.churn import (
    ChurnError,
    ChurnModel,
    binary_label,
    coerce_numeric_text,
    cross_validate,
    describe_value,
    lift_at,
    prepare_table,
    read_table,
)


def linear_data(n: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Churn driven by low seat use, many tickets and the 'basic' plan; a noise column; some gaps."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "seats_used_share": rng.random(n),
        "support_contacts": rng.poisson(2, n).astype(float),
        "plan": rng.choice(["basic", "pro", "enterprise"], n),
        "noise": rng.standard_normal(n),
    })
    logit = -0.5 - 4 * (X.seats_used_share - 0.5) + 0.6 * (X.support_contacts - 2) + 1.5 * (X.plan == "basic")
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int).to_numpy()
    X.loc[rng.random(n) < 0.05, "seats_used_share"] = np.nan
    X.loc[rng.random(n) < 0.05, "plan"] = None
    return X, y


@pytest.fixture(scope="module")
def data():
    return linear_data()


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return ChurnModel(random_state=0).fit(X.iloc[:1000], y[:1000])


def test_plain_table_is_read_and_prepared(tmp_path):
    p = tmp_path / "crm.csv"
    p.write_text("cust,TotalCharges,plan,Churn\na,10.5,pro,Yes\nb, ,basic,No\nc,3,pro,No\n", encoding="utf-8")
    X, y, ids = prepare_table(read_table(p), id="cust", label="Churn", source=str(p))
    assert list(X.columns) == ["TotalCharges", "plan"]
    assert X.TotalCharges.dtype == np.float64 and np.isnan(X.TotalCharges[1]) and X.TotalCharges[0] == 10.5
    assert y.tolist() == [1, 0, 0] and ids.tolist() == ["a", "b", "c"]


def test_plain_table_errors_name_the_file_and_column(tmp_path):
    p = tmp_path / "crm.csv"
    p.write_text("cust,x,Churn\na,1,Yes\na,2,maybe\n", encoding="utf-8")
    df = read_table(p)
    with pytest.raises(ChurnError, match=r"crm.csv: no column 'churned' \(--label\)"):
        prepare_table(df, id="cust", label="churned", source=str(p))
    with pytest.raises(ChurnError, match="repeats ids"):
        prepare_table(df, id="cust", label="Churn", source=str(p))
    with pytest.raises(ChurnError, match=r"column 'Churn'.*maybe"):
        prepare_table(df, label="Churn")
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(ChurnError, match=r"x.xlsx: not a .csv"):
        read_table(tmp_path / "x.xlsx")
    with pytest.raises(ChurnError, match=r"nope.csv: file not found"):
        read_table(tmp_path / "nope.csv")


def test_labels_and_numeric_text():
    assert binary_label(pd.Series([True, False])).tolist() == [1, 0]
    assert binary_label(pd.Series(["churned", "Active"])).tolist() == [1, 0]
    with pytest.raises(ChurnError, match="binary"):
        binary_label(pd.Series([0, 1, 2]), name="status")
    mixed = coerce_numeric_text(pd.DataFrame({"a": ["1", "x", "y"], "b": ["2", "", "4"]}))
    assert not pd.api.types.is_numeric_dtype(mixed.a) and mixed.b.tolist()[0] == 2.0


def test_probabilities_are_calibrated_on_held_out_rows(data, fitted):
    X, y = data
    p = fitted.predict_proba(X.iloc[1000:])[:, 1]
    assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all()
    yt = y[1000:]
    assert abs(p.mean() - yt.mean()) < 0.04
    # per decile of risk, the observed rate follows the predicted one
    bins = pd.qcut(p, 5, labels=False)
    obs = pd.Series(yt).groupby(bins).mean().to_numpy()
    pred = pd.Series(p).groupby(bins).mean().to_numpy()
    assert np.abs(obs - pred).max() < 0.12
    assert np.mean((p - yt) ** 2) < yt.mean() * (1 - yt.mean()) - 0.03  # Brier beats the base rate


@pytest.mark.parametrize("kind", ["linear", "boosting"])
def test_contributions_are_exact(data, kind):
    """Contributions add up to the score (up to a constant): exact for the linear model and LightGBM."""
    X, y = data
    m = ChurnModel(candidates=(kind,), random_state=0).fit(X.iloc[:800], y[:800])
    C = m.contributions(X.iloc[800:900]).sum(axis=1).to_numpy()
    s = m.decision_function(X.iloc[800:900]) * m.calibration_[0]
    assert np.allclose(C - C[0], s - s[0], atol=1e-6)
    assert list(m.contributions(X.head(2)).columns) == list(X.columns)  # one-hot mapped back to "plan"


def mediated_data(n: int = 3000, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """A failure raises churn and lowers the NPS, which churners also give lower: the NPS screens it off."""
    rng = np.random.default_rng(seed)
    failed = (rng.random(n) < 0.12).astype(float)
    use = rng.random(n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2.0 + 2.2 * failed - 3 * (use - 0.5))))).astype(int)
    nps = np.clip(np.round(rng.normal(7.5 - 3 * failed - 1.5 * y, 1.2)), 0, 10)
    return pd.DataFrame({"unresolved_failures": failed, "seats_used_share": use, "nps": nps}), y


@pytest.mark.parametrize("kind", ["linear", "boosting", "blend"])
def test_downstream_columns_are_credited_after_what_caused_them(kind):
    X, y = mediated_data()
    plain = ChurnModel(candidates=(kind,), random_state=0).fit(X, y)
    ordered = ChurnModel(candidates=(kind,), random_state=0, downstream=("nps", "sentiment")).fit(X, y)
    assert plain.upstream_ is None and ordered.upstream_["columns"] == ["unresolved_failures", "seats_used_share"]
    # the probabilities are the same model's
    assert np.array_equal(plain.predict_proba(X), ordered.predict_proba(X))
    failed = X[X.unresolved_failures == 1]
    share = {}
    for name, m in (("plain", plain), ("ordered", ordered)):
        r = m.reasons(failed, top=1)
        share[name] = (r.feature == "unresolved_failures").sum() / len(failed)
    # plain contributions give the failure's effect to the NPS it lowered; the causal order gives it back
    assert share["plain"] < 0.2 and share["ordered"] >= 0.7, share
    # still additive: the contributions add up to the calibrated log-odds, up to one constant
    C = ordered.contributions(X).sum(axis=1).to_numpy()
    p = ordered.predict_proba(X)[:, 1]
    logit = np.log(p / (1 - p))
    assert np.allclose(C - C[0], logit - logit[0], atol=1e-6)
    # the NPS keeps what it adds: among customers without a failure, a low NPS is still a reason
    low = X[(X.unresolved_failures == 0) & (X.nps <= 3)]
    assert (ordered.reasons(low, top=2).feature == "nps").sum() >= 0.5 * len(low)


def test_the_model_is_chosen_by_inner_cross_validation():
    rng = np.random.default_rng(3)
    n = 1200
    X = pd.DataFrame({"a": rng.standard_normal(n), "b": rng.standard_normal(n)})
    y = ((X.a * X.b > 0) ^ (rng.random(n) < 0.1)).astype(int).to_numpy()  # an interaction no linear model sees
    m = ChurnModel(random_state=0).fit(X, y)
    assert m.inner_scores_["boosting"] > m.inner_scores_["linear"] + 0.2
    assert m.chosen_ in ("boosting", "blend") and m.chosen_ == max(m.inner_scores_, key=m.inner_scores_.get)


def test_reasons_name_the_planted_drivers_in_words(data, fitted):
    X, _ = data
    risky = X[(X.seats_used_share < 0.1) & (X.plan == "basic")].head(20)
    r = fitted.reasons(risky, top=3)
    assert set(r.customer_id) == {str(i) for i in range(len(risky))}
    per = r.groupby("customer_id").feature.agg(set)
    assert per.map(lambda s: {"seats_used_share", "plan"} <= s).all()
    texts = r.text.tolist()
    assert any(t.startswith("few seats used (") and t.endswith(" %)") for t in texts)
    assert "plan: basic" in texts
    assert (r.contribution > 0).all() and "noise" not in set(r[r["rank"] == 1].feature)
    ex = fitted.explain(risky.head(3), ids=["x", "y", "z"])
    assert ex.customer_id.tolist() == ["x", "y", "z"] and ex.reasons.str.contains("few seats used").all()


def test_missing_values_and_unseen_categories_are_handled(fitted, data):
    X, _ = data
    odd = X.head(3).copy()
    odd.loc[:, "seats_used_share"] = np.nan
    odd.loc[:, "plan"] = ["brand-new plan", None, "pro"]
    assert np.isfinite(fitted.predict_proba(odd)).all()
    with pytest.raises(ChurnError, match="noise"):
        fitted.predict_proba(odd.drop(columns="noise"))


def test_estimator_contract(fitted):
    assert fitted.get_params()["inner_folds"] == 4
    c = clone(fitted).set_params(C=0.5)
    assert c.C == 0.5 and not hasattr(c, "chosen_")
    with pytest.raises(ChurnError, match="both churned"):
        ChurnModel().fit(pd.DataFrame({"x": [1.0, 2.0, 3.0]}), [0, 0, 0])
    with pytest.raises(ChurnError, match="unknown candidate"):
        ChurnModel(candidates=("forest",)).fit(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}), [0, 1, 0, 1])


def test_cross_validation_reports_every_metric_and_is_seeded(data):
    X, y = data
    a = cross_validate(X.iloc[:600], y[:600], folds=3, seed=1, model=ChurnModel(candidates=("linear",)))
    b = cross_validate(X.iloc[:600], y[:600], folds=3, seed=1, model=ChurnModel(candidates=("linear",)))
    assert len(a.folds) == 3 and a.folds.equals(b.folds)
    s = a.summary
    assert 0.7 < s["roc_auc"]["mean"] <= 1 and s["lift_top10"]["mean"] > 1.3 and 0 < s["brier"]["mean"] < 0.25
    assert s["roc_auc"]["sd"] >= 0 and a.to_dict()["metrics"] == s


def test_lift_and_words():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    assert lift_at(y, np.linspace(1, 0, 10), 0.2) == pytest.approx(5.0)
    assert describe_value("support_contacts", 3.0, 1.0) == "3 support contacts"
    assert describe_value("days_since_last_event", 45.2, 10.0) == "no activity for 45 days"
    assert describe_value("seats_used_share", float("nan"), 0.5) == "seats used unknown"
    assert describe_value("Contract", "Month-to-month") == "contract: Month-to-month"


def test_without_lightgbm_boosting_is_histgradientboosting(data, monkeypatch):
    import parcours.customers.churn as churn

    monkeypatch.setattr(churn, "has_lightgbm", lambda: False)
    X, y = data
    m = ChurnModel(candidates=("boosting",), random_state=0).fit(X.iloc[:800], y[:800])
    assert type(m.parts_[0].model_).__name__ == "HistGradientBoostingClassifier"
    p = m.predict_proba(X.iloc[800:])[:, 1]
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y[800:], p) > 0.75
    risky = X[(X.seats_used_share < 0.1) & (X.plan == "basic")].head(10)
    r = m.reasons(risky, top=3)
    assert r.groupby("customer_id").feature.agg(set).map(lambda s: "seats_used_share" in s).mean() >= 0.8


@pytest.mark.parametrize("module", ["parcours.customers.churn", "parcours.customers.health", "parcours.report.health"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert failures == 0 and tried > 3, module


def test_reason_texts_equal_one_by_one_wording():
    """Reasons are worded once per distinct (feature, value), the same as one call per cell."""
    from parcours.customers.churn import describe, describe_value, gather

    rng = np.random.default_rng(4)
    df = pd.DataFrame({"seats_used_share": rng.choice([0.1, 0.5, np.nan], 300),
                       "support_contacts": rng.integers(0, 5, 300),
                       "Contract": rng.choice(["Month-to-month", "Two year"], 300)})
    rows, cols = rng.integers(0, 300, 500), rng.integers(0, 3, 500)
    features = np.asarray(df.columns, dtype=object)[cols]
    profile = {"seats_used_share": 0.4, "support_contacts": 2.0}
    expected = [describe_value(f, df.iat[r, c], profile.get(f)) for f, r, c in zip(features, rows, cols)]
    assert describe(features, df, rows, cols, profile) == expected
    got = gather(df, rows, cols)
    assert [str(x) for x in got] == [str(df.iat[r, c]) for r, c in zip(rows, cols)]


# --------------------------------------------------------------------------- churn from a workspace's history

LAPSE_EVENTS = """customer_id,timestamp,activity,value
a,2024-01-01 10:00,order,100
a,2024-02-10 10:00,order,50
a,2024-03-20 10:00,order,20
a,2024-05-01 10:00,order,30
b,2024-01-05 10:00,order,80
b,2024-02-15 10:00,visit,
b,2024-03-10 10:00,refund,80
c,2024-01-10 10:00,order,40
c,2024-03-25 10:00,order,40
z,2024-05-01 10:00,visit,
"""
LAPSE_MAP = {"table": "events", "columns": {"timestamp": "timestamp", "activity": "activity", "value": "value"},
             "identifiers": {"crm_id": "customer_id"}}


def test_a_lapse_is_no_purchase_within_the_horizon(ws, tmp_path):
    """Without churn activities, a buyer who buys nothing within the horizon has churned (hand-computed)."""
    from parcours.customers.churn import churn_definition, churn_snapshots
    from tests.conftest import write

    ws.ingest("events", write(tmp_path / "ev.csv", LAPSE_EVENTS), mapping=LAPSE_MAP)
    assert churn_definition(ws, ["subscription.cancelled"]) == "lapse"
    snap = churn_snapshots(ws, activities=["subscription.cancelled"], horizon="30d", step="30d", snapshots=4,
                           active_within="365d")
    assert snap.attrs["definition"] == "lapse"
    ids = {r.customer_id: r.identifier for r in ws.table("identities").to_pandas().itertuples()}
    got = {(str(r.as_of)[:10], ids[r.customer_id]): r.churned for r in snap.itertuples()}
    # the last event is 2024-05-01 10:00: snapshots on 04-01, 03-02 and 02-01 (a third step back, 01-02, is
    # too close to the start); z never bought (not eligible); b's refund is not a purchase; a's 05-01 order
    # is on the horizon's edge (counted)
    assert got == {("2024-02-01", "a"): 0, ("2024-02-01", "b"): 1, ("2024-02-01", "c"): 1,
                   ("2024-03-02", "a"): 0, ("2024-03-02", "b"): 1, ("2024-03-02", "c"): 0,
                   ("2024-04-01", "a"): 0, ("2024-04-01", "b"): 1, ("2024-04-01", "c"): 1}
    with pytest.raises(ChurnError, match=r"no churn event \(subscription.cancelled\).*definition"):
        churn_snapshots(ws, activities=["subscription.cancelled"], horizon="30d", step="30d", definition="activity")
    with pytest.raises(ChurnError, match="unknown churn definition 'gone'"):
        churn_definition(ws, ["x"], "gone")
    # a churn activity in the history: "auto" reads churn from it
    ws.ingest("events", write(tmp_path / "cancel.csv", "customer_id,timestamp,activity,value\n"
                              "c,2024-04-10 10:00,subscription.cancelled,\n"), mapping=LAPSE_MAP)
    assert churn_definition(ws, ["subscription.cancelled"]) == "activity"
    act = churn_snapshots(ws, activities=["subscription.cancelled"], horizon="30d", step="30d", snapshots=4,
                          active_within="365d")
    assert act.attrs["definition"] == "activity"
    assert {(str(r.as_of)[:10], ids[r.customer_id]): r.churned for r in act.itertuples()} == {
        ("2024-02-01", "a"): 0, ("2024-02-01", "b"): 0, ("2024-02-01", "c"): 0,
        ("2024-03-02", "a"): 0, ("2024-03-02", "b"): 0, ("2024-03-02", "c"): 0,
        ("2024-04-01", "a"): 0, ("2024-04-01", "b"): 0, ("2024-04-01", "c"): 1}
