"""The analyzer trained on a company's own labelled text: labels, fit, the shared interface, save and load."""

from __future__ import annotations

import numpy as np
import pytest

from parcours.voice import BuiltinAnalyzer, analysis_schema
from parcours.voice.text.trained import TrainedAnalyzer, labels_from_ratings

# A tiny "company" vocabulary: its customers praise the "glisse" (ride) and curse the "fixations"
# (bindings), words no general lexicon reads as opinions.
POS = ["la glisse est incroyable", "glisse parfaite sur la piste", "quelle glisse, du velours",
       "smooth ride, the glisse is unreal", "glisse au top cet hiver", "the glisse made my week"]
NEG = ["les fixations ont lâché", "fixations en plastique, lâché au bout de deux jours",
       "bindings snapped, fixations junk", "encore les fixations qui lâchent", "fixations lâché en pleine piste",
       "the fixations broke on day one"]
TEXTS = POS * 3 + NEG * 3 + ["bof, moyen"] * 4
STARS = [5] * 18 + [1] * 18 + [3] * 4


@pytest.fixture(scope="module")
def model() -> TrainedAnalyzer:
    return TrainedAnalyzer(cv=2, min_df=1).fit(TEXTS, STARS)


def test_labels_from_ratings():
    assert labels_from_ratings([0.5, 2.5, 3, 4.5]).tolist() == ["negative", None, None, "positive"]
    assert labels_from_ratings([1, 3, 5], keep_neutral=True).tolist() == ["negative", "neutral", "positive"]
    assert labels_from_ratings([0, 1, 1, None]).tolist() == ["negative", "positive", "positive", None]
    assert labels_from_ratings([6, 9, 10], negative_max=6, positive_min=9).tolist() == [
        "negative", "positive", "positive"]
    assert labels_from_ratings(["NEU", " positive ", ""]).tolist() == ["neutral", "positive", None]
    with pytest.raises(ValueError, match="'great'"):
        labels_from_ratings(["positive", "great"])


def test_fit_leaves_three_stars_out_and_learns_the_company_words(model):
    assert model.n_train_ == 36 and model.classes_.tolist() == ["negative", "positive"]
    assert 0 < model.threshold_ < 1
    out = model.analyze(["Franchement la glisse, rien à dire", "Fixations lâché, remboursez-moi"])
    assert out.schema.equals(analysis_schema())
    assert out.column("sentiment_label").to_pylist() == ["positive", "negative"]
    s = out.column("sentiment").to_pylist()
    assert s[0] > 0 > s[1] and all(-1 <= v <= 1 for v in s)


def test_same_interface_as_builtin(model):
    texts = ["La livraison était en retard mais le vendeur adorable", "", None, "<script>x</script>" * 1000]
    mine, builtin = model.analyze(texts), BuiltinAnalyzer().analyze(texts)
    for col in ("language", "joy", "anger", "aspects"):
        assert mine.column(col).equals(builtin.column(col)), col
    assert mine.column("sentiment").to_pylist()[1:3] == [0.0, 0.0]
    assert mine.column("sentiment_label").to_pylist()[1:3] == ["neutral", "neutral"]
    assert model.analyze([]).num_rows == 0
    assert model.version.startswith("trained-1+") and model.version.endswith(BuiltinAnalyzer().version)


def test_three_classes_when_neutral_is_kept():
    m = TrainedAnalyzer(cv=2, min_df=1).fit(TEXTS, STARS, keep_neutral=True)
    assert m.classes_.tolist() == ["negative", "neutral", "positive"]
    labels = m.analyze(["bof, moyen", "glisse parfaite", "fixations lâché"]).column("sentiment_label").to_pylist()
    assert labels == ["neutral", "positive", "negative"]


def test_without_builtin_features():
    m = TrainedAnalyzer(builtin_features=False, cv=2, min_df=1).fit(TEXTS, STARS)
    s = m.predict_sentiment(["quelle glisse", "fixations lâché"])
    assert s[0] > 0 > s[1]


def test_save_and_load_round_trip(model, tmp_path):
    path = model.save(tmp_path / "models" / "avis.joblib")
    again = TrainedAnalyzer.load(path)
    texts = ["glisse au top", "fixations junk", "rien"]
    assert np.allclose(again.predict_sentiment(texts), model.predict_sentiment(texts))
    assert again.version == model.version and again.get_params() == model.get_params()


def test_errors_say_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="not fitted"):
        TrainedAnalyzer().analyze(["x"])
    with pytest.raises(ValueError, match="two classes"):
        TrainedAnalyzer().fit(["a", "b", "c"], [5, 5, 4])
    with pytest.raises(ValueError, match="3 texts but 2 labels"):
        TrainedAnalyzer().fit(["a", "b", "c"], [5, 1])
    with pytest.raises(FileNotFoundError, match="parcours voice train"):
        TrainedAnalyzer.load(tmp_path / "missing.joblib")
    bad = tmp_path / "bad.joblib"
    bad.write_text("not a model")
    with pytest.raises(ValueError, match="not a parcours trained model"):
        TrainedAnalyzer.load(bad)
    with pytest.raises(ValueError, match="no parameter 'alpha'"):
        TrainedAnalyzer().set_params(alpha=1)


def test_docstring_examples_run():
    import doctest

    import parcours.voice.text.trained as mod

    assert doctest.testmod(mod, optionflags=doctest.ELLIPSIS).failed == 0
