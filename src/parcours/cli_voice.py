"""``parcours voice …``: score texts, train an analyzer on labelled text, survey metrics (a thin face)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

import parcours
from parcours.errors import ParcoursError

app = typer.Typer(help="Voice of the customer: survey metrics (NPS, CSAT, CES) and text analysis in French "
                       "and English.", no_args_is_help=True)
console = Console()

WorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder (holds parcours.yaml).")]
AnalyzerOpt = Annotated[str, typer.Option(
    "--analyzer", "-a", help="builtin, trained:MODEL (from 'parcours voice train') or transformers:NAME_OR_PATH.")]


def _printable(value: object, width: int = 70) -> Text:
    """Customer text made safe for the terminal: control characters removed, no Rich markup, cut short."""
    s = "" if value is None else str(value)
    s = "".join(ch if ch.isprintable() else " " for ch in s[: width * 4])
    s = " ".join(s.split())
    return Text(s if len(s) <= width else s[: width - 1] + "…")


def _cache_dir(cache: Path | None, no_cache: bool, workspace: Path | None) -> Path | None:
    from parcours.voice.cache import DEFAULT_CACHE_DIR

    if no_cache:
        return None
    if cache is not None:
        return cache
    return (workspace or Path(".")) / DEFAULT_CACHE_DIR


@app.command()
def score(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or Parquet file of texts.")],
    text_column: Annotated[str, typer.Option("--text-column", "-t", help="Column holding the texts.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the scored table to FILE.parquet (or .csv).")] = None,
    analyzer: AnalyzerOpt = "builtin",
    cache: Annotated[Path | None, typer.Option(help="Cache folder (default: .parcours/voice_cache here).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Analyze every text again, cache nothing.")] = False,
    limit: Annotated[int, typer.Option(help="Rows shown in the terminal.")] = 10,
) -> None:
    """Add language, sentiment, sentiment_label, one column per emotion and aspects to a table of texts.

    Example: parcours voice score reviews.csv --text-column comment --out scored.parquet
    """
    from parcours.voice.cache import AnalysisCache
    from parcours.voice.scoring import read_table, score_table, write_table

    table = read_table(file)
    store = None if (d := _cache_dir(cache, no_cache, None)) is None else AnalysisCache(d)
    scored = score_table(table, text_column, analyzer, cache=store, source=str(file))
    if out is not None:
        write_table(scored, out)
        console.print(f"wrote {scored.num_rows:,} scored rows to {out}")
    if store is not None:
        st = store.last_stats
        console.print(f"{st['texts']:,} texts, {st['unique']:,} distinct: {st['cached']:,} from the cache, "
                      f"{st['analyzed']:,} analyzed now")
    labels = scored.column("sentiment_label").to_pylist()
    counts = {k: labels.count(k) for k in ("negative", "neutral", "positive")}
    console.print("sentiment: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    if limit <= 0:
        return
    from parcours.voice.text.base import EMOTIONS

    t = Table(title=f"{file.name} (first {min(limit, scored.num_rows)} of {scored.num_rows:,})")
    for col in ("text", "lang", "sentiment", "label", "emotion", "aspects"):
        t.add_column(col, justify="right" if col == "sentiment" else "left", overflow="fold")
    for row in scored.slice(0, limit).to_pylist():
        emo = max(EMOTIONS, key=lambda e: row[e] or 0.0)
        aspects = ", ".join(f"{a['aspect']} {a['polarity'][:3]}" for a in row["aspects"] or [])
        t.add_row(_printable(row[text_column]), row["language"], f"{row['sentiment']:+.2f}", row["sentiment_label"],
                  emo if (row[emo] or 0) > 0 else "", Text(aspects))
    console.print(t)


@app.command()
def train(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or Parquet file of labelled texts.")],
    text_column: Annotated[str, typer.Option("--text-column", "-t", help="Column holding the texts.")],
    label_column: Annotated[str, typer.Option("--label-column", "-l", help="Stars, scores, 0/1 or negative/neutral/positive.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model file to write (e.g. model.joblib).")],
    negative_max: Annotated[float, typer.Option(help="Numeric labels up to this are negative.")] = 2.0,
    positive_min: Annotated[float, typer.Option(help="Numeric labels from this are positive.")] = 4.0,
    keep_neutral: Annotated[bool, typer.Option("--keep-neutral", help="Learn the labels in between as neutral (else left out).")] = False,
    evaluate: Annotated[bool, typer.Option("--evaluate/--no-evaluate", help="Also report balanced accuracy on a held-out fifth.")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the held-out split and the inner cross-validation.")] = 0,
) -> None:
    """Train a sentiment analyzer on your own labelled text (e.g. reviews and their stars).

    Example: parcours voice train reviews.csv --text-column comment --label-column stars --out avis.joblib
    """
    import numpy as np

    from parcours.voice.scoring import read_table
    from parcours.voice.text.trained import TrainedAnalyzer, labels_from_ratings

    table = read_table(file)
    for col in (text_column, label_column):
        if col not in table.column_names:
            raise ParcoursError(f"{file}: no column {col!r}; columns: {', '.join(table.column_names)}")
    texts = table.column(text_column).cast("string").to_pylist()
    rules = {"negative_max": negative_max, "positive_min": positive_min, "keep_neutral": keep_neutral}
    try:
        y = labels_from_ratings(table.column(label_column).to_pylist(), **rules)
    except ValueError as exc:
        raise ParcoursError(f"{file}, column {label_column!r}: {exc}") from None
    keep = np.flatnonzero(np.not_equal(y, None))
    if evaluate and keep.size >= 20:
        from sklearn.metrics import balanced_accuracy_score
        from sklearn.model_selection import train_test_split

        tr, te = train_test_split(keep, test_size=0.2, stratify=y[keep].astype(str), random_state=seed)
        probe = TrainedAnalyzer(random_state=seed).fit([texts[i] for i in tr], y[tr].astype(str))
        got = probe.analyze([texts[i] for i in te]).column("sentiment_label").to_pylist()
        if len(probe.classes_) == 2:
            s = probe.predict_sentiment([texts[i] for i in te])
            got = np.where(s > 0, "positive", "negative").tolist()
        ba = balanced_accuracy_score(y[te].astype(str), got)
        console.print(f"held-out balanced accuracy: {ba:.3f} on {te.size:,} texts (trained on {tr.size:,})")
    model = TrainedAnalyzer(random_state=seed).fit([texts[i] for i in keep], y[keep].astype(str))
    model.save(out)
    left = len(texts) - keep.size
    console.print(f"trained on {model.n_train_:,} texts ({', '.join(model.classes_)}"
                  + (f"; {left:,} left out, between the classes or unlabelled" if left else "")
                  + f"); model written to {out}. Use it: parcours voice score FILE --text-column COL "
                    f"--analyzer trained:{out}")


def _fmt(v: object, metric: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.2f}" if metric == "ces" else f"{v:.1f}"
    return str(v)


@app.command()
def metrics(
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[list[str] | None, typer.Option("--by", help="Dimension(s): channel, touchpoint, segment, region, team, stage… (repeatable).")] = None,
    journey: Annotated[str | None, typer.Option(help="Journey whose stages --by stage uses (default: the first declared).")] = None,
    period: Annotated[str | None, typer.Option(help="day, week, month, quarter or year: a row per period, changes tested.")] = None,
    min_responses: Annotated[int, typer.Option(help="Fewer answers than this: flagged as too few to read.")] = 30,
    csat_threshold: Annotated[int, typer.Option(help="CSAT answers at or above this count as satisfied (1-5 scale).")] = 4,
    ces_easy: Annotated[int, typer.Option(help="CES answers at or above this count as easy (1-7 scale).")] = 5,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the table to FILE.csv or FILE.parquet.")] = None,
) -> None:
    """NPS, CSAT and CES with 95 % intervals and response counts, by any dimension and period.

    Example: parcours voice metrics --workspace ws --by channel --period month --out nps.csv
    """
    from parcours.voice.scoring import write_table
    from parcours.voice.surveys import SurveySettings

    ws = parcours.open(workspace)
    settings = SurveySettings(csat_threshold=csat_threshold, ces_easy_threshold=ces_easy)
    table = ws.survey_metrics(by or None, period=period, settings=settings, min_responses=min_responses,
                              journey=journey).to_pyarrow()
    if out is not None:
        write_table(table, out)
        console.print(f"wrote {table.num_rows:,} rows to {out}")
    keys = list(by or []) + (["period"] if period else [])
    t = Table(title="Survey metrics (NPS in points, CSAT and CES easy in %, CES mean on 1-7)")
    for col in (*keys, "metric", "value", "95 % interval", "answers", ""):
        t.add_column(col, justify="right" if col in ("value", "answers") else "left",
                     no_wrap=col in ("period", "95 % interval"))
    for r in table.to_pylist():
        flags = []
        if r["low_responses"]:
            flags.append("[yellow]too few answers[/]")
        if period and r.get("significant"):
            flags.append(f"[bold]{'▲' if r['change'] > 0 else '▼'} {r['change']:+.1f} (p={r['p_value']:.3f}, {r['test']})[/]")
        interval = "" if r["ci_low"] is None or math.isnan(r["ci_low"]) else (
            f"[{_fmt(r['ci_low'], r['metric'])}, {_fmt(r['ci_high'], r['metric'])}]")
        t.add_row(*(_printable("(none)" if r[k] is None else str(r[k])[:10] if k == "period" else r[k], 30)
                    for k in keys), r["metric"], _fmt(r["value"], r["metric"]), interval,
                  f"{r['responses']:,}", " ".join(flags))
    console.print(t)
    methods = dict(zip(table.column("metric").to_pylist(), table.column("interval").to_pylist()))
    if methods:
        console.print("intervals: " + ", ".join(f"{m} {k}" for m, k in methods.items()))


def _curve_frame(stages):
    """The curve's table with list columns joined (CSV cannot hold lists)."""
    df = stages.copy()
    for col in ("dominant_emotions", "top_irritants", "top_wows"):
        df[col] = df[col].map(lambda v: "; ".join(v))
    return df


@app.command()
def curve(
    workspace: WorkspaceOpt = Path("."),
    journey: Annotated[str | None, typer.Option("--journey", "-j", help="A journey declared in parcours.yaml (default: the first).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Breakdown: channel, event_channel, kind, segment, region, loyalty, value_tier, persona.")] = None,
    window: Annotated[str, typer.Option(help="How far back a feedback looks for the customer's last event (e.g. 7d).")] = "7d",
    analyzer: AnalyzerOpt = "builtin",
    touchpoint: Annotated[list[str] | None, typer.Option("--touchpoint", help="Declared touchpoint NAME=ACTIVITY, e.g. livraison=order_delivered (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the per-stage table to FILE.csv or FILE.parquet.")] = None,
) -> None:
    """The emotion curve of a journey: per stage, mean sentiment with its 95 % interval, emotions, irritants, wows.

    Feedback is tied to a touchpoint (by case, declared touchpoint, or the customer's last event within
    --window), then to that touchpoint's stage; unlinked feedback is counted, not dropped.

    Example: parcours voice curve --workspace ws --journey purchase --by segment --out curve.csv
    """
    import pyarrow as pa

    from parcours.voice.linking import link_summary
    from parcours.voice.scoring import get_analyzer, write_table

    bad = [x for x in touchpoint or [] if x.count("=") != 1 or not all(x.split("="))]
    if bad:
        raise ParcoursError(f"--touchpoint {bad[0]!r}: write NAME=ACTIVITY, e.g. --touchpoint livraison=order_delivered")
    tps = dict(x.split("=") for x in touchpoint or []) or None
    ws = parcours.open(workspace)
    c = ws.emotion_curve(journey, by=by, window=window, analyzer=get_analyzer(analyzer), touchpoints=tps)
    frame = _curve_frame(c.stages)
    if out is not None:
        write_table(pa.Table.from_pandas(frame, preserve_index=False), out)
        console.print(f"wrote {len(frame):,} rows to {out}")
    groups = list(frame.groupby("group", sort=False)) if by else [(None, frame)]
    for group, rows in groups:
        title = f"Emotion curve of '{c.journey}'" + (f" - {by} = {group}" if by else "")
        t = Table(title=_printable(title, 90).plain)
        for col in ("stage", "texts", "sentiment", "95 % interval", "", "emotions", "irritants", "wows", "NPS", "CSAT"):
            t.add_column(col, justify="right" if col in ("texts", "sentiment", "NPS", "CSAT") else "left",
                         no_wrap=col in ("stage", "sentiment", "95 % interval"))
        for r in rows.to_dict("records"):
            m = r["mean_sentiment"]
            known = not (m is None or math.isnan(m))
            bar = "" if not known else ("[red]" + "█" * round(-m * 10) + "[/]" if m < 0 else "[green]" + "█" * round(m * 10) + "[/]")
            interval = "" if not known or math.isnan(r["ci_low"]) else f"[{r['ci_low']:+.2f}, {r['ci_high']:+.2f}]"
            t.add_row(_printable(r["stage"], 30), f"{r['texts']:,}" + (" [yellow]![/]" if r["low_texts"] else ""),
                      f"{m:+.2f}" if known else "", interval, bar, _printable(r["dominant_emotions"], 30),
                      _printable(r["top_irritants"], 40), _printable(r["top_wows"], 40),
                      _fmt(r["nps"], "nps"), _fmt(r["csat"], "csat"))
        console.print(t)
    s = link_summary(ws.link_feedback(window=window, touchpoints=tps))
    parts = [f"{r.rule_or_reason} {r.feedback:,}" for r in s.itertuples()]
    console.print(f"feedback linked / unlinked: {', '.join(parts)}; outside the journey or unlinked: "
                  f"{c.outside_journey:,}. [yellow]![/] fewer than 5 texts.")
