"""`parcours voice score | train | metrics`, run as a user runs them (subprocesses)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from tests.conftest import write
from tests.test_cli import run

REVIEWS = ["id;avis;etoiles", "1;Livraison en retard, colis abîmé;1", "2;Vendeur adorable, merci !;5",
           '3;"<script>alert(1)</script> [bold]nul[/bold]";2', "4;;3", "5;Vendeur adorable, merci !;5"]


def test_score_writes_columns_and_uses_the_cache(tmp_path):
    src = write(tmp_path / "avis.csv", "\n".join(REVIEWS) + "\n")
    out = tmp_path / "scored.parquet"
    p = run("voice", "score", str(src), "--text-column", "avis", "--out", str(out), cwd=tmp_path)
    assert "4 analyzed now" in p.stdout and "[bold]" in p.stdout  # markup shown as text, not applied
    t = pq.read_table(out)
    assert t.column_names[:3] == ["id", "avis", "etoiles"]
    assert {"language", "sentiment", "sentiment_label", "joy", "anger", "aspects"} <= set(t.column_names)
    assert t.column("sentiment_label").to_pylist()[:2] == ["negative", "positive"]
    first = t.column("aspects").to_pylist()[0]
    assert {"aspect": "delivery", "polarity": "negative"}.items() <= first[0].items()
    p = run("voice", "score", str(src), "--text-column", "avis", "--out", str(tmp_path / "s.csv"), cwd=tmp_path)
    assert "4 from the cache, 0 analyzed now" in p.stdout
    assert "delivery:negative" in (tmp_path / "s.csv").read_text()


def test_score_errors_name_the_file_and_column(tmp_path):
    src = write(tmp_path / "avis.csv", "\n".join(REVIEWS) + "\n")
    p = run("voice", "score", str(src), "--text-column", "comment", ok=False, cwd=tmp_path)
    assert p.returncode == 1 and "avis.csv" in p.stderr and "'comment'" in p.stderr and "etoiles" in p.stderr
    p = run("voice", "score", str(tmp_path / "none.csv"), "--text-column", "x", ok=False, cwd=tmp_path)
    assert "none.csv: no such file" in p.stderr
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    p = run("voice", "score", str(bad), "--text-column", "x", ok=False, cwd=tmp_path)
    assert "bad.parquet: cannot be read" in p.stderr
    p = run("voice", "score", str(src), "--text-column", "avis", "--analyzer", "vader", ok=False, cwd=tmp_path)
    assert "unknown analyzer" in p.stderr


@pytest.mark.slow
def test_train_then_score_with_the_trained_model(tmp_path):
    pos = ["la glisse est incroyable", "glisse parfaite", "quelle glisse", "glisse au top", "super glisse"]
    neg = ["fixations lâché", "les fixations ont cassé", "fixations nulles", "encore les fixations", "fixations HS"]
    rows = ["texte,note"] + [f"{t},5" for t in pos * 3] + [f"{t},1" for t in neg * 3] + ["bof,3"]
    src = write(tmp_path / "train.csv", "\n".join(rows) + "\n")
    model = tmp_path / "m.joblib"
    p = run("voice", "train", str(src), "--text-column", "texte", "--label-column", "note", "--out", str(model))
    assert "trained on 30 texts (negative, positive; 1 left out" in p.stdout
    assert "held-out balanced accuracy" in p.stdout and model.exists()
    new = write(tmp_path / "new.csv", "t\nquelle glisse ce matin\nfixations lâché encore\n")
    run("voice", "score", str(new), "--text-column", "t", "--analyzer", f"trained:{model}",
        "--out", str(tmp_path / "o.parquet"), "--no-cache")
    assert pq.read_table(tmp_path / "o.parquet").column("sentiment_label").to_pylist() == ["positive", "negative"]
    p = run("voice", "train", str(src), "--text-column", "texte", "--label-column", "nope", "--out", str(model),
            ok=False)
    assert "'nope'" in p.stderr and "train.csv" in p.stderr


def test_metrics_table(ws, tmp_path):
    rows = ["email,timestamp,kind,score,channel"]
    rows += [f"c{i}@x.fr,2024-01-0{1 + i % 9}T10:00:00Z,nps,{10 if i % 3 else 4},{'web' if i % 2 else 'app'}"
             for i in range(40)]
    src = write(tmp_path / "fb.csv", "\n".join(rows) + "\n")
    ws.ingest("feedback", src)
    ws.close()
    p = run("voice", "metrics", "--workspace", str(tmp_path / "ws"), "--by", "channel", "--out",
            str(tmp_path / "m.csv"))
    assert "too few answers" in p.stdout and "adjusted Wald" in p.stdout
    text = (tmp_path / "m.csv").read_text()
    assert text.startswith('"channel","metric"') and text.count("nps") == 2


def test_help_has_examples():
    for cmd in ("score", "train", "metrics"):
        assert "Example: parcours voice" in run("voice", cmd, "--help").stdout
