"""A sentiment model trained on the company's own labelled text (scikit-learn), behind the usual interface.

Many companies hold texts that already carry a verdict: reviews with stars, survey verbatims with a
score, tickets tagged by agents. :class:`TrainedAnalyzer` learns the company's own vocabulary from
them: TF-IDF on words (1-2 grams) and on characters (2-5 grams within words, robust to typos and
missing accents), plus the built-in analyzer's sentiment and emotion scores as eight more features,
fed to a class-balanced logistic regression. With two classes, the decision threshold is tuned by
internal cross-validation for balanced accuracy (``sklearn.model_selection.TunedThresholdClassifierCV``),
and the probability is mapped onto [-1, 1] so that 0 is that threshold.

Language, emotions and aspects come from the built-in analyzer (a sentiment label does not teach
them); only ``sentiment`` and ``sentiment_label`` come from the model.

Models are saved with joblib (a pickle): load only files you or your team wrote.

>>> texts = ["super produit, je recommande", "livraison rapide, parfait", "très content, merci",
...          "produit cassé, nul", "jamais reçu, arnaque", "service client horrible"] * 5
>>> model = TrainedAnalyzer(cv=2).fit(texts, [5, 5, 4, 1, 1, 2] * 5)
>>> model.analyze(["parfait, je recommande", "arnaque, produit nul"]).column("sentiment_label").to_pylist()
['positive', 'negative']
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from parcours.voice.text.base import EMOTIONS, TextAnalyzer

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["TrainedAnalyzer", "labels_from_ratings"]

ALGORITHM = "1"
_FORMAT = "parcours-trained-analyzer"
_BUILTIN_COLUMNS = ("sentiment", *EMOTIONS)
_LABELS = {"negative": "negative", "neg": "negative", "-1": "negative", "0": "negative", "false": "negative",
           "neutral": "neutral", "neu": "neutral",
           "positive": "positive", "pos": "positive", "1": "positive", "true": "positive"}


def labels_from_ratings(values: Sequence[Any], *, negative_max: float = 2.0, positive_min: float = 4.0,
                        keep_neutral: bool = False) -> np.ndarray:
    """Sentiment labels from star ratings, scores or words (``None`` where a value is left out).

    Numbers: ``<= negative_max`` negative, ``>= positive_min`` positive, in between neutral if
    ``keep_neutral`` else left out (3 stars, by default); a column of only 0 and 1 reads as
    negative/positive. Words: negative/neutral/positive (or neg/neu/pos, true/false).

    >>> labels_from_ratings([1, 2, 3, 4, 5]).tolist()
    ['negative', 'negative', None, 'positive', 'positive']
    >>> labels_from_ratings(["pos", "Negative", None]).tolist()
    ['positive', 'negative', None]
    """
    import pandas as pd

    s = pd.Series(list(values), dtype="object")
    num = pd.to_numeric(s, errors="coerce")
    present = s.notna() & (s.astype(str).str.strip() != "")
    if present.any() and num[present].notna().all():
        vals = num.to_numpy("float64")
        finite = vals[~np.isnan(vals)]
        if finite.size and np.isin(finite, (0.0, 1.0)).all():
            out = np.where(vals == 1, "positive", np.where(vals == 0, "negative", None))
        else:
            mid = "neutral" if keep_neutral else None
            out = np.where(vals <= negative_max, "negative", np.where(vals >= positive_min, "positive", mid))
            out = np.where(np.isnan(vals), None, out)
        return out.astype(object)
    words = s.astype(str).str.strip().str.lower().map(_LABELS)
    bad = present & words.isna()
    if bad.any():
        raise ValueError(f"labels must be numbers (stars, scores) or negative/neutral/positive; "
                         f"got {s[bad].iloc[0]!r} (row {int(np.flatnonzero(bad.to_numpy())[0])})")
    out = words.where(present).to_numpy(object)
    return np.where(pd.isna(out), None, out)


class TrainedAnalyzer(TextAnalyzer):
    """Sentiment learned from labelled texts (TF-IDF + logistic regression); the rest from the built-in analyzer.

    Parameters
    ----------
    builtin_features : bool, default=True
        Add the built-in analyzer's sentiment and seven emotion scores to the text features.
    C : float, default=1.0
        Inverse regularisation strength of the logistic regression.
    min_df : int, default=2
        A word or character n-gram must appear in this many training texts to be used.
    tune_threshold : bool, default=True
        With two classes, choose the decision threshold by internal cross-validation for
        balanced accuracy (else 0.5).
    cv : int, default=3
        Folds of that internal cross-validation.
    neutral_margin : float, default=0.1
        With two classes, ``sentiment_label`` is "neutral" when ``|sentiment| < neutral_margin``.
    random_state : int, default=0
        Seed of the cross-validation splits.

    Attributes (after :meth:`fit`): ``model_`` (the scikit-learn pipeline), ``classes_``,
    ``threshold_``, ``n_train_``, ``fingerprint_`` (hash of the training data and parameters),
    ``base_version_`` (the built-in analyzer the features came from).
    """

    def __init__(self, *, builtin_features: bool = True, C: float = 1.0, min_df: int = 2,
                 tune_threshold: bool = True, cv: int = 3, neutral_margin: float = 0.1,
                 random_state: int = 0) -> None:
        self.builtin_features = builtin_features
        self.C = C
        self.min_df = min_df
        self.tune_threshold = tune_threshold
        self.cv = cv
        self.neutral_margin = neutral_margin
        self.random_state = random_state

    # ------------------------------------------------------------------ scikit-learn conventions
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (scikit-learn convention)."""
        return {k: getattr(self, k) for k in ("builtin_features", "C", "min_df", "tune_threshold", "cv",
                                              "neutral_margin", "random_state")}

    def set_params(self, **params: Any) -> TrainedAnalyzer:
        """Set constructor parameters (scikit-learn convention); refit afterwards."""
        for k, v in params.items():
            if k not in self.get_params():
                raise ValueError(f"TrainedAnalyzer has no parameter {k!r}; parameters: {', '.join(self.get_params())}")
            setattr(self, k, v)
        return self

    @property
    def base(self) -> TextAnalyzer:
        """The analyzer that gives language, emotions, aspects (and the extra features): the built-in one."""
        if getattr(self, "_base", None) is None:
            from parcours.voice.text.analyzer import BuiltinAnalyzer

            self._base = BuiltinAnalyzer()
        return self._base

    @property
    def version(self) -> str:  # type: ignore[override]
        """``trained-<algorithm>+<fingerprint>/<built-in version>``: changes whenever the output can."""
        self._check_fitted()
        return f"trained-{ALGORITHM}+{self.fingerprint_[:12]}/{self.base.version}"

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise ValueError("this TrainedAnalyzer is not fitted yet: call fit(texts, labels) or "
                             "TrainedAnalyzer.load(path)")

    # ------------------------------------------------------------------ features and model
    def _frame(self, texts: Sequence[str | None], base_table: pa.Table | None = None):
        import pandas as pd
        import pyarrow.compute as pc

        from parcours.voice.cache import as_text_array

        clean = pc.fill_null(as_text_array(texts), "").to_pylist()
        frame = pd.DataFrame({"text": clean})
        if self.builtin_features:
            table = base_table if base_table is not None else self.base.analyze(clean)
            for c in _BUILTIN_COLUMNS:
                frame[c] = np.nan_to_num(np.asarray(table.column(c).to_numpy(zero_copy_only=False), "float64"))
        return frame

    def _pipeline(self):
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        parts = [("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=self.min_df), "text"),
                 ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                           min_df=max(self.min_df, 2)), "text")]
        if self.builtin_features:
            parts.append(("builtin", StandardScaler(), list(_BUILTIN_COLUMNS)))
        return Pipeline([("features", ColumnTransformer(parts)),
                         ("model", LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000))])

    def fit(self, texts: Sequence[str | None], labels: Sequence[Any], **ratings: Any) -> TrainedAnalyzer:
        """Learn from ``texts`` and their ``labels`` (stars, scores or words; see :func:`labels_from_ratings`).

        ``ratings`` keywords (``negative_max``, ``positive_min``, ``keep_neutral``) go to
        :func:`labels_from_ratings`. Texts whose label is left out (3 stars) are not used.
        """
        texts = list(texts)
        y = labels_from_ratings(labels, **ratings)
        if len(y) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(y)} labels")
        keep = np.not_equal(y, None)
        texts = np.asarray(texts, dtype=object)[keep].tolist() if len(texts) else []
        y = y[keep].astype(str)
        classes, counts = np.unique(y, return_counts=True)
        if classes.size < 2:
            raise ValueError(f"training needs at least two classes of labels; got {classes.tolist()} "
                             f"({len(texts)} labelled texts)")
        if counts.min() < max(2, self.cv):
            raise ValueError(f"too few texts in class {classes[counts.argmin()]!r} ({counts.min()}) to train; "
                             f"need at least {max(2, self.cv)}")
        frame = self._frame(texts)
        pipe = self._pipeline()
        if classes.size == 2 and self.tune_threshold:
            from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

            tuned = TunedThresholdClassifierCV(
                pipe, scoring="balanced_accuracy", random_state=self.random_state,
                cv=StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state))
            tuned.fit(frame, y)
            self.model_ = tuned.estimator_
            self.threshold_ = float(tuned.best_threshold_)
        else:
            self.model_ = pipe.fit(frame, y)
            self.threshold_ = 0.5
        self.classes_ = np.asarray(self.model_.classes_)
        self.n_train_ = len(texts)
        self.base_version_ = self.base.version if self.builtin_features else None
        from parcours.voice.cache import text_hashes

        h = hashlib.sha256(repr(sorted(self.get_params().items())).encode())
        h.update(",".join(text_hashes(texts).to_pylist()).encode())  # MD5 of each text, computed in DuckDB
        h.update(",".join(y.tolist()).encode())
        self.fingerprint_ = h.hexdigest()
        return self

    def predict_sentiment(self, texts: Sequence[str | None]) -> np.ndarray:
        """Sentiment in [-1, 1] of each text (0 at the decision threshold; 0 for empty text).

        >>> m = TrainedAnalyzer(cv=2).fit(["bien", "top", "nul", "mal"] * 3, [5, 5, 1, 1] * 3)
        >>> m.predict_sentiment(["", None]).tolist()
        [0.0, 0.0]
        """
        return self._score(list(texts), None)[0]

    def _score(self, texts: list[str | None], base: pa.Table | None) -> tuple[np.ndarray, np.ndarray]:
        """(sentiment, label) of each text."""
        self._check_fitted()
        frame = self._frame(texts, base)
        if len(frame) == 0:
            return np.zeros(0), np.zeros(0, dtype=object)
        proba = self.model_.predict_proba(frame)
        cls = list(self.classes_)

        def col(name: str) -> np.ndarray:
            return proba[:, cls.index(name)] if name in cls else np.zeros(len(frame))

        if len(cls) == 2:
            p = col("positive") if "positive" in cls else 1 - col("negative")
            t = self.threshold_
            s = np.where(p >= t, (p - t) / max(1 - t, 1e-12), (p - t) / max(t, 1e-12))
            label = np.where(np.abs(s) < self.neutral_margin, "neutral", np.where(s > 0, "positive", "negative"))
        else:
            s = col("positive") - col("negative")
            label = np.asarray(cls, dtype=object)[proba.argmax(axis=1)]
        empty = frame["text"].str.strip().to_numpy() == ""
        return np.clip(np.where(empty, 0.0, s), -1.0, 1.0), np.where(empty, "neutral", label)

    def analyze(self, texts: Sequence[str | None]) -> pa.Table:
        """Language, emotions and aspects from the built-in analyzer; sentiment and its label from the model."""
        import pyarrow as pa

        self._check_fitted()
        texts = list(texts)
        base = self.base.analyze(texts)
        s, label = self._score(texts, base)
        base = base.set_column(base.schema.get_field_index("sentiment"), "sentiment", pa.array(s, pa.float64()))
        return base.set_column(base.schema.get_field_index("sentiment_label"), "sentiment_label",
                               pa.array([str(x) for x in label], pa.string()))

    # ------------------------------------------------------------------ persistence
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_base", None)  # the built-in analyzer is rebuilt from the installed package
        return state

    def save(self, path: str | Path) -> Path:
        """Write the fitted model to ``path`` (joblib; a pickle: share it only with people you trust)."""
        import joblib
        import sklearn

        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": _FORMAT, "algorithm": ALGORITHM, "sklearn": sklearn.__version__, "analyzer": self},
                    path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> TrainedAnalyzer:
        """Read a model written by :meth:`save` (only load files you trust: joblib runs pickled code)."""
        import joblib
        import sklearn

        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such model file; train one with `parcours voice train`")
        try:
            data = joblib.load(path)
        except Exception as exc:  # noqa: BLE001 - a foreign or damaged file can fail in any way
            raise ValueError(f"{path}: not a parcours trained model ({type(exc).__name__}: {exc})") from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ValueError(f"{path}: not a parcours trained model (written by `parcours voice train`)")
        if data.get("sklearn") != sklearn.__version__:
            warnings.warn(f"{path} was trained with scikit-learn {data.get('sklearn')}, this is "
                          f"{sklearn.__version__}: retrain if its scores look wrong", stacklevel=2)
        model = data["analyzer"]
        if model.builtin_features and model.base_version_ != model.base.version:
            warnings.warn(f"{path} was trained on features of {model.base_version_}; the installed built-in "
                          f"analyzer is {model.base.version}: retrain for best accuracy", stacklevel=2)
        return model
