"""How much of the French book reviews' sentiment a careful reader can see: the human ceiling.

The French corpus (``french_books_reviews``, see ``../shared/datasets/README.md``) holds excerpts of
reader reviews, often only the opening sentence or paragraph: plot summaries, thanks to the
publisher, a series title. To know what balanced accuracy is reachable on it at all, 200 reviews
(100 rated 1-2 stars, 100 rated 4-5, drawn at random, shuffled) were read blind by a separate
agent session, with no rating, no model and no lexicon: for each text, liked (1) or disliked (0),
and whether an opinion is stated ("clear") or the label is a guess. Those labels are
``results/voice_blind_labels.json`` (row numbers and labels only; the texts stay in the dataset).

This script scores the reader's labels, and on the same 200 texts the built-in analyzer and
TextBlob-fr (if installed), with the rule of ``voice_accuracy.py`` (positive iff score > 0).

    python benchmarks/voice_ceiling.py      # writes benchmarks/results/voice_ceiling.json
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
DATASETS = Path(os.environ.get("PARCOURS_DATASETS", HERE.parent.parent / "shared" / "datasets"))


def balanced_accuracy(y: np.ndarray, pred: np.ndarray) -> dict:
    """Mean of the recalls on negatives and positives, with each recall."""
    neg, pos = float((pred[y == 0] == 0).mean()), float((pred[y == 1] == 1).mean())
    return {"balanced_accuracy": round((neg + pos) / 2, 3), "recall_negative": round(neg, 3),
            "recall_positive": round(pos, 3)}


def main() -> dict:
    blind = json.loads((HERE / "results" / "voice_blind_labels.json").read_text())
    df = pd.read_csv(DATASETS / blind["corpus"])
    df = df[df.reader_review.notna()]
    rows = [r["row"] for r in blind["labels"]]
    texts = df.loc[rows, "reader_review"].astype(str).tolist()
    stars = df.loc[rows, "rating"].to_numpy()
    if not ((stars <= 2) | (stars >= 4)).all():
        raise SystemExit("the blind sample does not match the dataset (a row is rated 2.5-3.5)")
    y = (stars >= 4).astype(int)
    reader = np.array([r["label"] for r in blind["labels"]])
    clear = np.array([r["confidence"] == "clear" for r in blind["labels"]])
    out: dict = {"texts": len(rows), "negatives": int((y == 0).sum()), "positives": int((y == 1).sum()),
                 "clear": int(clear.sum()), "clear_negatives": int(clear[y == 0].sum()),
                 "clear_positives": int(clear[y == 1].sum()), "analyzers": {}}
    out["analyzers"]["blind reader"] = balanced_accuracy(y, reader)
    out["analyzers"]["blind reader, clear texts only"] = balanced_accuracy(y[clear], reader[clear])
    out["reader_accuracy_on_guesses"] = round(float((reader[~clear] == y[~clear]).mean()), 3)

    from voice_accuracy import run_builtin, run_textblob

    from parcours.voice.text.analyzer import BuiltinAnalyzer

    for name, res in (("parcours-builtin", run_builtin(texts)), ("textblob-fr", run_textblob(texts, "fr"))):
        if res is None:
            out["analyzers"][name] = "not installed"
            continue
        pred = (res[0] > 0).astype(int)
        out["analyzers"][name] = balanced_accuracy(y, pred)
        out["analyzers"][f"{name}, clear texts only"] = balanced_accuracy(y[clear], pred[clear])
    analyzer = BuiltinAnalyzer()
    out["meta"] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
                   "analyzer": analyzer.version, "sample": blind["sample"], "reader": blind["reader"]}
    path = HERE / "results" / "voice_ceiling.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    for name, v in out["analyzers"].items():
        print(f"{name}: {v if isinstance(v, str) else v['balanced_accuracy']}")
    print(f"wrote {path}")
    return out


if __name__ == "__main__":
    sys.exit(main() and 0)
