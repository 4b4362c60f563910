"""Sentiment accuracy and speed of the built-in text analyzer on real reviews, against its peers.

Corpora (``../shared/datasets/``, see its README): French book reviews (``french_books_reviews``,
``reader_review``, 0.5-5 stars) and English Amazon Alexa reviews (``amazon_alexa_reviews``,
``verified_reviews``, 1-5 stars). Gold: 1-2 stars negative, 4-5 positive, the rest left out
(2.5-3.5 in the half-star French corpus). Blank reviews stay in, for every analyzer alike.

Decision rule, the same for every analyzer: a review is predicted positive when its score is > 0,
negative otherwise (a text with no opinion at all counts as negative). This rule reproduces the
issue author's reference figures for the peers (VADER 0.74, TextBlob-fr 0.60). The score is
balanced accuracy: the mean of the recall on negatives and the recall on positives. The figures
with each analyzer's own three-way labels (neutral counted as a miss) are reported beside.

Peers in the same run, on the same texts: VADER (``vaderSentiment``, English) and TextBlob
(``textblob``: its pattern analyzer for English; ``textblob-fr`` for French). They are
benchmark-only dependencies (``pip install vaderSentiment textblob textblob-fr``); a missing peer is
reported as such. Speed is measured on all the reviews of both corpora (review-length text),
best of three runs, as wall-clock time (what a user waits; it depends on what else the machine
runs) and as CPU time of the process (one core's throughput, stable under load). Aspect accuracy
is measured on ``tests/data/aspects_*.jsonl``.

The trained analyzer (``parcours.voice.text.trained.TrainedAnalyzer``, what ``parcours voice train``
builds) is scored by stratified 5-fold cross-validation on each corpus (seed 0): each fold's model is
trained on the other four folds and scores only texts it never saw, so every review is scored once,
out of fold. Reported: balanced accuracy per fold, their mean and standard deviation, the pooled
out-of-fold figure, and the same with TF-IDF features only (no built-in scores). ``--no-trained``
skips it (it takes several minutes). Across domains: the trained analyzer fitted on all the French
book reviews scores the French customer verbatims of ``tests/data/sentiment_fr_heldout.jsonl``
(restaurants, delivery, telecoms, hotels…, written for parcours), beside the built-in analyzer:
what a model fitted to one corpus keeps elsewhere. ``--only trained`` re-measures just these two
parts and merges them into the existing results file.

External labelled corpora (other sources, never used to write the lexicons) can be added with
``--extra NAME=LANG:PATH``: a tab-separated file of ``label<TAB>text`` or ``text<TAB>label`` lines,
label 1 positive and 0 negative.

    python benchmarks/voice_accuracy.py        # writes benchmarks/results/voice_accuracy.json
    python benchmarks/voice_accuracy.py --extra allocine=fr:allocine_test.tsv --extra yelp=en:yelp_labelled.txt
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
DATASETS = Path(os.environ.get("PARCOURS_DATASETS", HERE.parent.parent / "shared" / "datasets"))
TESTS_DATA = HERE.parent / "tests" / "data"


def load_corpora() -> dict[str, pd.DataFrame]:
    """``{"fr": frame, "en": frame}`` with columns ``text`` and ``y`` (1 positive, 0 negative)."""
    fr = pd.read_csv(DATASETS / "french_books_reviews.csv.gz")
    fr = fr.assign(text=fr["reader_review"].fillna("").astype(str))
    fr = fr[(fr["rating"] <= 2) | (fr["rating"] >= 4)]
    fr = fr.assign(y=(fr["rating"] >= 4).astype(int))
    en = pd.read_csv(DATASETS / "amazon_alexa_reviews.tsv.gz", sep="\t")
    en = en.assign(text=en["verified_reviews"].fillna("").astype(str))
    en = en[en["rating"] != 3]
    en = en.assign(y=(en["rating"] >= 4).astype(int))
    return {"fr": fr[["text", "y"]].reset_index(drop=True), "en": en[["text", "y"]].reset_index(drop=True)}


def scores_table(y: np.ndarray, score: np.ndarray, label: np.ndarray | None = None) -> dict:
    """Balanced accuracy and per-class recall under the > 0 rule (and three-way labels if given)."""
    pos = score > 0
    rec_neg = float((~pos[y == 0]).mean())
    rec_pos = float(pos[y == 1].mean())
    out = {"balanced_accuracy": round((rec_neg + rec_pos) / 2, 4), "recall_negative": round(rec_neg, 4),
           "recall_positive": round(rec_pos, 4)}
    if label is not None:
        rn = float((label[y == 0] == "negative").mean())
        rp = float((label[y == 1] == "positive").mean())
        out["three_way"] = {"balanced_accuracy": round((rn + rp) / 2, 4), "recall_negative": round(rn, 4),
                            "recall_positive": round(rp, 4),
                            "neutral_share": round(float((label == "neutral").mean()), 4)}
    return out


def load_extra(spec: str) -> tuple[str, str, pd.DataFrame]:
    """``NAME=LANG:PATH`` -> (name, lang, frame with ``text`` and ``y``)."""
    name, _, rest = spec.partition("=")
    lang, _, path = rest.partition(":")
    rows = []
    for line in Path(path).read_text("utf-8").splitlines():
        if not line.strip():
            continue
        first, _, last = line.partition("\t")
        if first.strip() in ("0", "1"):
            label, text = first, last
        else:
            text, _, label = line.rpartition("\t")
        rows.append((text.strip().strip('"').replace('""', '"'), int(label)))
    return name, lang, pd.DataFrame(rows, columns=["text", "y"])


def run_builtin(texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[str], float, float]:
    from parcours.voice.text.analyzer import BuiltinAnalyzer

    a = BuiltinAnalyzer()
    t0, c0 = time.perf_counter(), time.process_time()
    table = a.analyze(texts)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return (np.asarray(table.column("sentiment").to_pylist()),
            np.asarray(table.column("sentiment_label").to_pylist()),
            table.column("language").to_pylist(), seconds, cpu)


def run_vader(texts: list[str]) -> tuple[np.ndarray, np.ndarray, float] | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    sia = SentimentIntensityAnalyzer()
    t0 = time.perf_counter()
    c = np.asarray([sia.polarity_scores(t)["compound"] for t in texts])
    seconds = time.perf_counter() - t0
    label = np.where(c >= 0.05, "positive", np.where(c <= -0.05, "negative", "neutral"))
    return c, label, seconds


def run_textblob(texts: list[str], language: str) -> tuple[np.ndarray, np.ndarray, float] | None:
    try:
        if language == "fr":
            from textblob_fr import PatternAnalyzer

            analyzer = PatternAnalyzer()
            polarity = lambda t: analyzer.analyze(t)[0]
        else:
            from textblob.en.sentiments import PatternAnalyzer

            analyzer = PatternAnalyzer()
            polarity = lambda t: analyzer.analyze(t).polarity
    except ImportError:
        return None
    t0 = time.perf_counter()
    p = np.asarray([polarity(t) for t in texts], dtype=float)
    seconds = time.perf_counter() - t0
    label = np.where(p > 0, "positive", np.where(p < 0, "negative", "neutral"))
    return p, label, seconds


def aspect_accuracy() -> dict:
    from parcours.voice.text.analyzer import BuiltinAnalyzer

    out = {}
    total = correct = 0
    for lang in ("fr", "en"):
        rows = [json.loads(line) for line in (TESTS_DATA / f"aspects_{lang}.jsonl").read_text("utf-8").splitlines()
                if line.strip()]
        res = BuiltinAnalyzer().analyze_rows([r["text"] for r in rows])
        n = ok = 0
        for r, got in zip(rows, res):
            pred = {a["aspect"]: a["polarity"] for a in got["aspects"]}
            for aspect, polarity in r["aspects"].items():
                n += 1
                ok += pred.get(aspect) == polarity
        out[lang] = {"sentences": len(rows), "aspects": n, "accuracy": round(ok / n, 4)}
        total, correct = total + n, correct + ok
    out["all"] = {"aspects": total, "accuracy": round(correct / total, 4)}
    return out


def trained_cv(df: pd.DataFrame, folds: int = 5, seed: int = 0, builtin_features: bool = True) -> dict:
    """Out-of-fold balanced accuracy of the trained analyzer: train on k-1 folds, score the held-out one."""
    from sklearn.model_selection import StratifiedKFold

    from parcours.voice.text.trained import TrainedAnalyzer

    texts, y = df["text"].tolist(), df["y"].to_numpy()
    score = np.zeros(len(texts))
    per_fold, t0 = [], time.perf_counter()
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        model = TrainedAnalyzer(builtin_features=builtin_features, random_state=seed).fit(
            [texts[i] for i in train], y[train])
        score[test] = model.predict_sentiment([texts[i] for i in test])
        per_fold.append(scores_table(y[test], score[test])["balanced_accuracy"])
    pooled = scores_table(y, score)
    return {"folds": folds, "seed": seed, "builtin_features": builtin_features,
            "balanced_accuracy_per_fold": per_fold, "balanced_accuracy_mean": round(float(np.mean(per_fold)), 4),
            "balanced_accuracy_sd": round(float(np.std(per_fold, ddof=1)), 4), "pooled_out_of_fold": pooled,
            "seconds": round(time.perf_counter() - t0, 1)}


def cross_domain(corpora: dict[str, pd.DataFrame]) -> dict:
    """Trained on all of a corpus, scored on the held-out verbatims of another domain (French only)."""
    from parcours.voice.text.trained import TrainedAnalyzer

    path = TESTS_DATA / "sentiment_fr_heldout.jsonl"
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    y = np.array([r["label"] == "positive" for r in rows], dtype=int)
    score, label, _, _, _ = run_builtin(texts)
    entry = {"train": f"french_books_reviews ({len(corpora['fr']):,} reviews)", "test": str(path.relative_to(HERE.parent)),
             "texts": len(texts), "negatives": int((y == 0).sum()), "positives": int((y == 1).sum()),
             "analyzers": {"parcours-builtin": scores_table(y, score, label)}}
    for name, bf in (("trained-hybrid", True), ("trained-tfidf-only", False)):
        model = TrainedAnalyzer(builtin_features=bf).fit(corpora["fr"]["text"].tolist(), corpora["fr"]["y"].to_numpy())
        entry["analyzers"][name] = scores_table(y, model.predict_sentiment(texts))
    return {"fr": entry}


def run_trained(corpora: dict[str, pd.DataFrame]) -> dict:
    """The trained analyzer: cross-validation on each corpus, then across domains."""
    out: dict = {"trained": {}}
    for lang, df in corpora.items():
        entry = {"hybrid": trained_cv(df), "tfidf_only": trained_cv(df, builtin_features=False)}
        out["trained"][lang] = entry
        print(f"trained analyzer, {lang}: balanced accuracy {entry['hybrid']['balanced_accuracy_mean']} "
              f"± {entry['hybrid']['balanced_accuracy_sd']} over {entry['hybrid']['folds']} folds "
              f"(TF-IDF only {entry['tfidf_only']['balanced_accuracy_mean']})", flush=True)
    out["cross_domain"] = cross_domain(corpora)
    for lang, entry in out["cross_domain"].items():
        print(f"across domains, {lang}: " + ", ".join(f"{k} {v['balanced_accuracy']}"
                                                      for k, v in entry["analyzers"].items()), flush=True)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(HERE / "results" / "voice_accuracy.json"))
    ap.add_argument("--no-peers", action="store_true", help="skip VADER and TextBlob")
    ap.add_argument("--no-trained", action="store_true", help="skip the trained analyzer's cross-validation")
    ap.add_argument("--only", choices=["trained"], help="re-measure only the trained analyzer (merged into --out)")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=LANG:PATH",
                    help="an external labelled corpus (see the module docstring); repeatable")
    args = ap.parse_args(argv)

    corpora = load_corpora()
    if args.only == "trained":
        from parcours.voice.text.analyzer import BuiltinAnalyzer

        out = json.loads(Path(args.out).read_text()) if Path(args.out).exists() else {"meta": {}}
        out.update(run_trained(corpora))
        out["meta"]["trained_date"] = datetime.now(UTC).isoformat(timespec="seconds")
        out["meta"]["trained_builtin_features"] = BuiltinAnalyzer().version
        Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {args.out}")
        return out
    results: dict = {"corpora": {}, "speed": {}}
    jobs = [(lang, lang, df, "") for lang, df in corpora.items()]
    jobs += [(name, lang, df, path) for name, lang, df, path in
             ((*load_extra(spec), spec.partition(":")[2]) for spec in args.extra)]
    for key, lang, df, source in jobs:
        texts, y = df["text"].tolist(), df["y"].to_numpy()
        score, label, detected, _, _ = run_builtin(texts)
        entry = {
            "language": lang, **({"source": source} if source else {}),
            "texts": len(texts), "negatives": int((y == 0).sum()), "positives": int((y == 1).sum()),
            "language_detected": {k: int(v) for k, v in pd.Series(detected).value_counts().items()},
            "analyzers": {"parcours-builtin": scores_table(y, score, label)},
        }
        if not args.no_peers:
            peers = {"vader": run_vader(texts) if lang == "en" else None,
                     "textblob-fr" if lang == "fr" else "textblob": run_textblob(texts, lang)}
            for name, res in peers.items():
                if res is None:
                    if name != "vader" or lang == "en":
                        entry["analyzers"][name] = "not installed"
                    continue
                entry["analyzers"][name] = scores_table(y, res[0], res[1])
                entry["analyzers"][name]["texts_per_s"] = round(len(texts) / res[2])
        results["corpora"][key] = entry
        print(f"{key}: " + ", ".join(
            f"{k} {v['balanced_accuracy'] if isinstance(v, dict) else v}" for k, v in entry["analyzers"].items()))

    all_texts = [t for df in corpora.values() for t in df["text"]]
    runs = [run_builtin(all_texts)[3:] for _ in range(3)]
    wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    results["speed"] = {"texts": len(all_texts), "mean_chars": round(float(np.mean([len(t) for t in all_texts])), 1),
                        "wall_seconds_best_of_3": round(wall, 3), "texts_per_s": round(len(all_texts) / wall),
                        "cpu_seconds_best_of_3": round(cpu, 3), "texts_per_cpu_s": round(len(all_texts) / cpu),
                        "load_average_1min": round(os.getloadavg()[0], 2)}
    print(f"speed: {results['speed']['texts_per_s']} texts/s wall-clock, "
          f"{results['speed']['texts_per_cpu_s']} texts per CPU-second, on {len(all_texts)} reviews "
          f"(load average {results['speed']['load_average_1min']})")
    if not args.no_trained:
        results.update(run_trained(corpora))
    results["aspects"] = aspect_accuracy()
    print(f"aspects: {results['aspects']['all']['accuracy']} on {results['aspects']['all']['aspects']} labels")

    from parcours.voice.text.analyzer import BuiltinAnalyzer

    meta = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "analyzer": BuiltinAnalyzer().version,
            "rule": "positive iff score > 0; gold 1-2 stars negative, 4-5 positive"}
    out = {"meta": meta, **results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return out


if __name__ == "__main__":
    sys.exit(main() and 0)
