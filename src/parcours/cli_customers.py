"""``parcours personas``, ``tiers``, ``retention``, ``success``: customer intelligence in the terminal or files.

A thin face over :mod:`parcours.customers`; each command prints a table and, with ``--out``,
writes it whole to a CSV or Parquet file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import parcours

WorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder (holds parcours.yaml).")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Also write the table to FILE.csv or FILE.parquet.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Use only rows before this date (e.g. 2024-06-01).")]
LimitOpt = Annotated[int, typer.Option("--limit", help="Rows shown in the terminal (the file gets them all).")]


def personas(
    workspace: WorkspaceOpt = Path("."),
    k: Annotated[int | None, typer.Option("--k", help="Number of personas (default: chosen by silhouette).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default: customers.personas.seed).")] = None,
    as_of: AsOfOpt = None,
    assignments: Annotated[Path | None, typer.Option(
        "--assignments", help="Also write each customer's persona to FILE.csv or FILE.parquet.")] = None,
    out: OutOpt = None,
) -> None:
    """Personas from clustering the customers' features: one card each (size, value share, name, channels).

    Example: parcours personas --workspace ws --out personas.csv
    """
    import ibis

    from parcours.cli_journeys import _emit

    ws = parcours.open(workspace)
    p = ws.personas(as_of=as_of, k=k, seed=seed)
    cards = p.cards.copy()
    cards["channels"] = cards.channels.map(lambda d: ", ".join(f"{c} {v:.0%}" for c, v in d.items()))
    cards["furthest_stages"] = cards.furthest_stages.map(lambda d: ", ".join(f"{j}: {s}" for j, s in d.items() if s))
    cards["traits"] = cards.traits.map("; ".join)
    if cards.churn_risk.isna().all():
        cards = cards.drop(columns="churn_risk")
    how = (f"k={p.k} chosen by silhouette x stability (" + ", ".join(f"{k}: {v:.3f}" for k, v in p.scores.items())
           + f"); learned from {p.model.fitted_on_:,} customers with enough history"
           if p.criterion != "given" else f"k={p.k} given")
    _emit(ibis.memtable(cards), f"Personas: {how}", out, 50,
          show=["persona", "name", "customers", "share", "value_share", "channels", "furthest_stages"])
    if assignments is not None:
        _emit(ibis.memtable(p.assignments), "Persona of each customer", assignments, 0)


def tiers(
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Also show movements between tiers from this date to --as-of (or the end).")] = None,
    kind: Annotated[str, typer.Option("--kind", help="'loyalty' (by frequency) or 'value' (by spend).")] = "loyalty",
    customers: Annotated[bool, typer.Option("--customers", help="List every customer's tiers instead of the distribution.")] = False,
    out: OutOpt = None,
    limit: LimitOpt = 30,
) -> None:
    """Loyalty levels and value tiers from the rules in parcours.yaml: distribution, or movements since a date.

    Example: parcours tiers --workspace ws --since 2024-06-01 --as-of 2024-12-01 --out moves.csv
    """
    from parcours.cli_journeys import _emit
    from parcours.customers.tiers import tier_distribution

    ws = parcours.open(workspace)
    if since is not None:
        from parcours.customers.features import reference_time

        end = as_of if as_of is not None else reference_time(ws)
        _emit(ws.tier_movements(since, end, kind=kind), f"Moves between {kind} tiers from {since} to {end}", out, limit,
              show=["from_tier", "to_tier", "movement", "customers"])
        return
    t = ws.tiers(as_of=as_of)
    if customers:
        _emit(t, "Tiers of each customer", out, limit)
        return
    _emit(tier_distribution(t, kind=kind), f"Customers per {kind} tier", out, limit)


def retention(
    workspace: WorkspaceOpt = Path("."),
    period: Annotated[str, typer.Option("--period", help="'day', 'week' or 'month'.")] = "week",
    horizon: Annotated[int, typer.Option("--horizon", help="Periods followed after the start.")] = 12,
    kind: Annotated[str, typer.Option("--kind", help="'first_time' or 'recurring' cohorts.")] = "first_time",
    activity: Annotated[str | None, typer.Option(
        "--activity", help="Activity that counts as coming back ('purchase' for purchases; default: any).")] = None,
    breakdown: Annotated[str | None, typer.Option(
        "--breakdown", help="Split by a customers column, 'channel' or 'first_journey'.")] = None,
    curve: Annotated[bool, typer.Option("--curve", help="Pool the cohorts into one curve (per breakdown).")] = False,
    lifecycle: Annotated[bool, typer.Option("--lifecycle", help="New, returning, resurrecting, dormant per period.")] = False,
    out: OutOpt = None,
    limit: LimitOpt = 40,
) -> None:
    """Cohort retention with a 95 % Wilson band, or the lifecycle states per period.

    Example: parcours retention --workspace ws --period month --horizon 6 --curve --out retention.csv
    """
    from parcours.cli_journeys import _emit
    from parcours.customers.retention import retention_curve

    ws = parcours.open(workspace)
    if lifecycle:
        _emit(ws.lifecycle(period=period, activity=activity), f"Lifecycle per {period}", out, limit)
        return
    r = ws.retention(period=period, horizon=horizon, kind=kind, activity=activity, breakdown=breakdown)
    if curve:
        r = retention_curve(r)
    _emit(r, f"Retention per {period} ({kind.replace('_', '-')} cohorts)", out, limit)


def success(
    workspace: WorkspaceOpt = Path("."),
    journey: Annotated[str | None, typer.Option(
        "--journey", help="Journey whose success criteria to check (default: the one that declares some).")] = None,
    as_of: AsOfOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="List only customers with this status: met, at_risk or missed.")] = None,
    limit: LimitOpt = 20,
    out: OutOpt = None,
) -> None:
    """Success criteria from the customer's side: who met them in time, who is at risk, who missed them.

    Example: parcours success --workspace ws --status at_risk --out at_risk.csv
    """
    import ibis
    import pandas as pd

    from parcours.cli_journeys import _emit
    from parcours.customers.success import STATUSES, success_journey, success_summary

    ws = parcours.open(workspace)
    j = success_journey(list(ws.config.journeys), journey)
    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"--status must be one of {', '.join(STATUSES)}, not {status!r}")
    df = ws.success(j.name, as_of=as_of).to_pandas()
    assert j.success is not None
    summary = pd.DataFrame(success_summary(df, j))
    _emit(ibis.memtable(summary), f"Success of '{j.name}': every criterion within {j.success.within} of entering it",
          None, len(summary))
    rows = (df if status is None else df[df.status == status]).sort_values(["status", "status_date"], kind="stable")
    progress = [c for c in df.columns[6:] if not c.endswith("_met_at")]
    _emit(ibis.memtable(rows), "Customers" + (f" ({status})" if status else ""), out, limit,
          show=["customer_id", "status", "status_date", *progress])


def register(app: typer.Typer) -> None:
    """Add the customer commands to the ``parcours`` app (top-level commands)."""
    for fn in (personas, tiers, retention, success):
        app.command(name=fn.__name__)(fn)


__all__ = ["personas", "register", "retention", "success", "tiers"]
