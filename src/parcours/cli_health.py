"""``parcours health``: the at-risk list, health scores, and the churn model's cross-validated evaluation.

A thin face over :mod:`parcours.customers.health` and :mod:`parcours.customers.churn`.

    parcours health --workspace ws --out at_risk.csv       # customers at risk, by value at risk
    parcours health scores --workspace ws --out health.csv  # every customer's score, band, trend
    parcours health evaluate --table telco.csv --id customerID --label Churn --json scores.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

import parcours
from parcours.errors import ParcoursError

app = typer.Typer(
    help="Health scores and churn risk: the at-risk list (default), scores, and the model's evaluation.",
    invoke_without_command=True, no_args_is_help=False)

WorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder (holds parcours.yaml).")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Also write the table to FILE.csv or FILE.parquet.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Use only rows before this date (e.g. 2024-06-01).")]
LimitOpt = Annotated[int, typer.Option("--limit", help="Rows shown in the terminal (the file gets them all).")]
METRICS = (("roc_auc", "ROC AUC"), ("pr_auc", "PR-AUC"), ("brier", "Brier score"), ("lift_top10", "Lift at top 10 %"))


def _emit_frame(df: Any, title: str, out: Path | None, limit: int, show: list[str] | None = None) -> None:
    import ibis

    from parcours.cli_journeys import _emit

    _emit(ibis.memtable(df), title, out, limit, show=show)


@app.callback()
def at_risk(
    ctx: typer.Context,
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    out: OutOpt = None,
    limit: LimitOpt = 20,
) -> None:
    """Customers at risk of churning, sorted by value at risk (probability × yearly value), with reasons.

    Example: parcours health --workspace ws --out at_risk.csv
    """
    if ctx.invoked_subcommand is not None:
        return
    ws = parcours.open(workspace)
    r = ws.at_risk(as_of=as_of)
    a = r.attrs
    churn = ("churn: no purchase within the horizon" if a.get("definition") == "lapse"
             else "churn: a churn activity within the horizon")
    title = (f"At risk as of {a['as_of'][:10]} ({churn}; model: {a['model']}, trained on {a['training_rows']:,} "
             f"past snapshots, inner ROC AUC {a['inner_auc'][a['model']]:.3f})")
    _emit_frame(r, title, out, limit,
                show=["customer_id", "churn_probability", "value", "value_at_risk", "band", "reasons"])


@app.command()
def scores(
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    out: OutOpt = None,
    limit: LimitOpt = 20,
) -> None:
    """Every customer's health score (0-100), band, trend since the last period and the measures that moved it.

    Example: parcours health scores --workspace ws --out health.csv
    """
    from parcours.cli_journeys import console

    ws = parcours.open(workspace)
    h = ws.health(as_of=as_of)
    counts = h.band.value_counts()
    console.print("Bands: " + ", ".join(f"{b} {int(counts.get(b, 0)):,}" for b in ("red", "yellow", "green")))
    _emit_frame(h, f"Health as of {h.attrs['as_of'][:10]} (trend since {h.attrs['previous_as_of'][:10]})", out, limit,
                show=["customer_id", "health", "band", "trend", "movers", "missing"])


@app.command()
def evaluate(
    workspace: WorkspaceOpt = Path("."),
    table: Annotated[Path | None, typer.Option(
        "--table", help="A plain customer table (CSV or Parquet) instead of the workspace's history.")] = None,
    id: Annotated[str | None, typer.Option("--id", help="Id column of --table (dropped from the features).")] = None,
    label: Annotated[str | None, typer.Option("--label", help="Churn label column of --table (Yes/No, 1/0, …).")] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds (stratified).")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the folds and the model.")] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores to this JSON file.")] = None,
) -> None:
    """Cross-validated ROC AUC, PR-AUC, Brier score and lift at top 10 % of the churn model (mean ± sd).

    Example: parcours health evaluate --table telco.csv --id customerID --label Churn --folds 5 --json out.json
    """
    from rich.table import Table

    from parcours.cli_journeys import console
    from parcours.customers.churn import cross_validate, prepare_table, read_table

    if table is not None:
        if label is None:
            raise ParcoursError("--table needs --label: the column that says whether the customer churned")
        X, y, _ = prepare_table(read_table(table), id=id, label=label, source=str(table))
        ev = cross_validate(X, y, folds=folds, seed=seed)
        source = {"table": str(table), "id": id, "label": label, "features": len(X.columns)}
    else:
        if id is not None or label is not None:
            raise ParcoursError("--id and --label go with --table; without it the workspace's history is used")
        ws = parcours.open(workspace)
        ev, info = ws.evaluate_churn(folds=folds, seed=seed)
        source = {"workspace": str(workspace), **info}
    t = Table(title=f"Churn model, {folds}-fold stratified cross-validation ({ev.rows:,} rows, "
                    f"churn rate {ev.churn_rate:.1%}; chosen: {', '.join(sorted(set(ev.chosen)))})")
    t.add_column("metric")
    t.add_column("mean ± sd", justify="right")
    for key, name in METRICS:
        s = ev.summary[key]
        t.add_row(name, f"{s['mean']:.3f} ± {s['sd']:.3f}")
    console.print(t)
    if json_out is not None:
        json_out.write_text(json.dumps({"source": source, "seed": seed, **ev.to_dict()}, indent=1), encoding="utf-8")
        console.print(f"wrote {json_out}")


__all__ = ["app", "at_risk", "evaluate", "scores"]
