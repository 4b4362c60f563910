"""``parcours journeys …``: the journey analytics as tables in the terminal or files (a thin face)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

import parcours
from parcours.errors import ParcoursError

app = typer.Typer(help="Journey analytics: transitions, variants and funnels over the events.",
                  no_args_is_help=True)
console = Console()

WorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder (holds parcours.yaml).")]
ByOpt = Annotated[str, typer.Option("--by", help="Sequences per 'customer' or per 'case'.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Also write the table to FILE.csv or FILE.parquet.")]
LimitOpt = Annotated[int, typer.Option("--limit", help="Rows shown in the terminal (the file gets them all).")]


def _emit(expr, title: str, out: Path | None, limit: int, show: list[str] | None = None) -> None:
    """Print the table (first ``limit`` rows, ``show`` columns) and write it whole to ``out`` if given."""
    data = expr.to_pyarrow()
    if out is not None:
        suffix = out.suffix.lower()
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.write_table(data, out)
        elif suffix == ".csv":
            import pyarrow as pa
            import pyarrow.compute as pc
            import pyarrow.csv as pcsv

            cols = [pc.binary_join(c, " > ") if pa.types.is_list(c.type) else c for c in data.columns]
            pcsv.write_csv(pa.table(cols, names=data.column_names), out)
        else:
            raise ParcoursError(f"{out}: --out must end in .csv or .parquet")
        console.print(f"wrote {data.num_rows:,} rows to {out}")
    t = Table(title=f"{title} ({data.num_rows:,} rows)" if data.num_rows > limit else title)
    header = {c: c.removesuffix("_seconds") for c in data.column_names}
    if show:
        data = data.select([c for c in show if c in data.column_names])
    for name in data.column_names:
        t.add_column(header.get(name, name.removesuffix("_seconds")), justify="right" if data.schema.field(name).type.num_fields == 0
                     and str(data.schema.field(name).type)[:3] in ("int", "dou", "flo") else "left")
    for row in data.slice(0, limit).to_pylist():
        t.add_row(*(_duration(row[c]) if c.endswith("_seconds") else _fmt(row[c]) for c in data.column_names))
    console.print(t)


def _duration(v: object) -> str:
    """Seconds as a readable duration in the terminal (files keep the seconds): 45 s, 12 min, 3.5 h, 2.1 d."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    s = float(v)  # type: ignore[arg-type]
    for limit, unit, div in ((120, "s", 1), (7200, "min", 60), (172800, "h", 3600)):
        if abs(s) < limit:
            return f"{s / div:,.0f} {unit}" if div == 1 else f"{s / div:,.1f} {unit}"
    return f"{s / 86400:,.1f} d"


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    if isinstance(v, bool):
        return "yes" if v else ""
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, list):
        return " > ".join(map(str, v))
    return str(v)


@app.command()
def transitions(workspace: WorkspaceOpt = Path("."), by: ByOpt = "customer", out: OutOpt = None,
                limit: LimitOpt = 30,
                counts_only: Annotated[bool, typer.Option("--counts-only", help="Only source, target, count (fastest).")] = False,
                ) -> None:
    """Directly-follows graph: how often each activity directly follows another, by whom, how fast.

    Example: parcours journeys transitions --workspace ws --by case --out dfg.csv
    """
    ws = parcours.open(workspace)
    _emit(ws.transitions(by=by, times=not counts_only), "Transitions", out, limit)


@app.command()
def variants(workspace: WorkspaceOpt = Path("."), by: ByOpt = "customer", out: OutOpt = None,
             top: Annotated[int, typer.Option("--top", help="How many variants.")] = 20,
             collapse: Annotated[bool, typer.Option("--collapse-repeats", help="Count 'a a b' as 'a b'.")] = False,
             limit: LimitOpt = 30) -> None:
    """The most frequent full paths (sequences of activities), with counts and shares.

    Example: parcours journeys variants --workspace ws --top 10 --collapse-repeats
    """
    ws = parcours.open(workspace)
    _emit(ws.variants(by=by, top=top, collapse_repeats=collapse), "Variants", out, limit)


@app.command()
def stages(
    journey: Annotated[str | None, typer.Argument(help="A journey declared in parcours.yaml (default: the first).")] = None,
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[str, typer.Option("--by", help="Per 'customer' or per 'case'.")] = "customer",
    out: OutOpt = None,
    limit: LimitOpt = 30,
) -> None:
    """Each customer's visits to the journey's stages, in time order (back, skip, loop, late entry).

    Example: parcours journeys stages purchase --workspace ws --out visits.parquet
    """
    ws = parcours.open(workspace)
    _emit(ws.stage_sequences(journey, by=by), f"Stage visits: {ws.journey(journey).name}", out, limit)


@app.command()
def funnel(
    step: Annotated[list[str] | None, typer.Option(
        "--step", "-s", help="A step: activity name or glob (a|b: either); repeat in order.")] = None,
    journey: Annotated[str | None, typer.Option(
        "--journey", "-j", help="Instead of --step: the stages of a journey declared in parcours.yaml.")] = None,
    workspace: WorkspaceOpt = Path("."),
    window: Annotated[str, typer.Option("--window", help="Conversion window from step 1 (e.g. 7d, 12h, none).")] = "14d",
    order: Annotated[str, typer.Option("--order", help="ordered, strict or unordered.")] = "ordered",
    by: ByOpt = "customer",
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="ACTIVITY[:A-B]: leave out customers doing it between steps A and B (default: whole funnel).")] = None,
    breakdown: Annotated[str | None, typer.Option("--breakdown", help="channel, or a customers column (segment, region…).")] = None,
    dropped_at: Annotated[int | None, typer.Option("--dropped-at", help="List the customers who dropped after this step instead.")] = None,
    tolerance: Annotated[str | None, typer.Option("--tolerance", help="Events this close count as simultaneous (e.g. 5s): a step may be logged just before the one it follows.")] = None,
    out: OutOpt = None,
    limit: LimitOpt = 60,
) -> None:
    """Conversion through ordered steps within a window, drop-off per step, time to convert.

    Example: parcours journeys funnel --step product_view --step add_to_cart --step payment --window 7d
    Example: parcours journeys funnel --journey purchase --by session --breakdown channel
    """
    from parcours.journeys.funnels import Exclusion

    ws = parcours.open(workspace)
    exclusions = []
    for e in exclude or []:
        name, _, span = e.partition(":")
        a, _, b = span.partition("-")
        exclusions.append(Exclusion(name, int(a) if a else 1, int(b) if b else None))
    win = None if window.lower() in ("none", "0", "") else window
    if journey is not None:
        if step:
            raise ParcoursError("give either --journey or --step, not both")
        _emit(ws.journey_funnel(journey, by=by, order=order, window=window if window != "14d" else None,
                                breakdown=breakdown), f"Funnel: journey {journey}", out, limit)
        return
    if not step:
        raise ParcoursError("give the funnel's steps (--step A --step B …) or --journey NAME")
    step = [s.split("|") if "|" in s else s for s in step]
    if dropped_at is not None:
        _emit(ws.funnel_customers(step, dropped_at, status="dropped", window=win, order=order, by=by,
                                  exclusions=exclusions), f"Dropped after step {dropped_at}", out, limit)
        return
    _emit(ws.funnel(step, window=win, order=order, by=by, exclusions=exclusions, breakdown=breakdown,
                    tolerance=tolerance), "Funnel", out, limit)


@app.command()
def flows(
    start: Annotated[str | None, typer.Option("--start", help="Paths after each customer's first event of this activity (glob, a|b).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Instead: paths before each customer's last event of this activity.")] = None,
    step: Annotated[list[str] | None, typer.Option("--step", "-s", help="Instead: a funnel's steps (with --dropped-at or --converted-at).")] = None,
    dropped_at: Annotated[int | None, typer.Option("--dropped-at", help="Paths of the customers who dropped after this funnel step.")] = None,
    converted_at: Annotated[int | None, typer.Option("--converted-at", help="Paths of the customers who went on after this funnel step.")] = None,
    workspace: WorkspaceOpt = Path("."),
    depth: Annotated[int, typer.Option("--depth", help="Steps after (or before) the anchor.")] = 4,
    by: Annotated[str, typer.Option("--by", help="Per 'customer', 'session' (30 min inactivity) or 'case'.")] = "customer",
    window: Annotated[str | None, typer.Option("--window", help="Funnel window with --step (default 14d), else a limit after the anchor (default none).")] = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", help="Activities shown per depth; the rest fold into (other).")] = 8,
    min_share: Annotated[float, typer.Option("--min-share", help="Fold activities lived by fewer than this share of customers.")] = 0.01,
    links: Annotated[bool, typer.Option("--links", help="Print the Sankey's links instead of the paths.")] = False,
    out: OutOpt = None,
    limit: LimitOpt = 20,
) -> None:
    """Where customers go after a touchpoint (or come from before one): the paths and their shares.

    Folding rare branches into (other) never drops a customer: the totals match the funnel's.

    Example: parcours journeys flows --start add_to_cart --depth 3 --by session
    Example: parcours journeys flows -s product_view -s add_to_cart -s payment --dropped-at 2 --window 7d
    """
    import ibis

    ws = parcours.open(workspace)
    win = None if window is None or window.lower() in ("none", "0", "") else window
    split = (lambda s: s.split("|") if s and "|" in s else s)
    if step:
        at = dropped_at or converted_at
        if at is None or (dropped_at and converted_at):
            raise ParcoursError("with --step, give one of --dropped-at N or --converted-at N")
        f = ws.funnel_flows([split(s) for s in step], at, status="dropped" if dropped_at else "converted",
                            depth=depth, window="14d" if window is None else win, by=by,
                            max_nodes=max_nodes, min_share=min_share)
    else:
        f = ws.flows(start=split(start), end=split(end), depth=depth, by=by, window=win, max_nodes=max_nodes,
                     min_share=min_share)
    table = f.links if links else f.paths
    if step:
        title = f"Paths of the {f.total:,} {by}(s) who {f.anchor}"
    else:
        title = f"Paths {'before' if f.direction == 'before' else 'after'} {f.anchor}: {f.total:,} {by}(s)"
    _emit(ibis.memtable(table), title, out, limit)


@app.command()
def durations(
    journey: Annotated[str | None, typer.Option("--journey", "-j", help="A journey declared in parcours.yaml (default: the first).")] = None,
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[str, typer.Option("--by", help="Per 'customer' or per 'case'.")] = "customer",
    out: OutOpt = None,
    limit: LimitOpt = 40,
) -> None:
    """Time in each stage against its target, rework loops, and time to the next stage.

    Example: parcours journeys durations --journey problem_resolution --by case
    """
    ws = parcours.open(workspace)
    _emit(ws.stage_durations(journey, by=by), f"Durations: journey {journey or ws.journey().name}", out, limit,
          show=["stage", "units", "still_in_stage", "median_seconds", "p90_seconds", "target_seconds",
                "over_target_share", "rework_share", "next_stage", "to_next_median_seconds"])


@app.command()
def leaks(
    step: Annotated[list[str] | None, typer.Option("--step", "-s", help="A step (activity or glob, a|b: either); repeat in order.")] = None,
    journey: Annotated[str | None, typer.Option("--journey", "-j", help="Instead of --step: a journey declared in parcours.yaml.")] = None,
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[str, typer.Option("--by", help="Per 'customer', 'session' (30 min inactivity) or 'case'.")] = "customer",
    dim: Annotated[list[str] | None, typer.Option("--dim", "-d", help="Breakdown: channel, or a customers column; repeat to cross.")] = None,
    window: Annotated[str, typer.Option("--window", help="Conversion window from step 1 (e.g. 1d, 7d).")] = "14d",
    goal: Annotated[int | None, typer.Option("--goal", help="The step (1-based) that counts as success (default: the last).")] = None,
    min_entered: Annotated[int, typer.Option("--min-entered", help="Leave out cells smaller than this.")] = 30,
    rank: Annotated[str, typer.Option("--rank", help="Rank cells on lost 'customers' or lost 'value' (orders' value).")] = "customers",
    out: OutOpt = None,
    limit: LimitOpt = 20,
) -> None:
    """Where customers are lost: step x channel x segment cells, worst first, with 95 % intervals.

    Example: parcours journeys leaks --step product_view --step add_to_cart --step checkout_start --step payment --by session --window 1d
    """
    ws = parcours.open(workspace)
    if not step and not journey and not ws.config.journeys:
        raise ParcoursError("give the funnel's steps (--step A --step B …) or --journey NAME")
    steps = [s.split("|") if "|" in s else s for s in step] if step else None
    win = None if window.lower() in ("none", "0", "") else window
    dims = dim or ["channel"]
    _emit(ws.leaks(steps, journey=journey, by=by, dims=dims, window=win, goal=goal, min_entered=min_entered,
                   rank=rank),
          "Leaks", out, limit, show=["step", "next_step", *dims, "entered", "conversion", "step_conversion",
                                     "lost_to_goal", "lost_value", "significant"])


@app.command()
def why(
    step: Annotated[list[str], typer.Option("--step", "-s", help="A step (activity or glob, a|b: either); repeat in order.")],
    at: Annotated[int, typer.Option("--at", help="The step (1-based) whose drop-outs to explain.")],
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[str, typer.Option("--by", help="Per 'customer', 'session' (30 min inactivity) or 'case'.")] = "customer",
    window: Annotated[str, typer.Option("--window", help="Conversion window from step 1 (e.g. 1d, 7d).")] = "14d",
    out: OutOpt = None,
    limit: LimitOpt = 10,
) -> None:
    """Why customers drop after a step: the traits over-represented among them, in plain words.

    Example: parcours journeys why -s product_view -s add_to_cart -s checkout_start -s payment --at 3 --by session --window 1d
    """
    ws = parcours.open(workspace)
    steps = [s.split("|") if "|" in s else s for s in step]
    win = None if window.lower() in ("none", "0", "") else window
    _emit(ws.drop_correlates(steps, at, by=by, window=win), f"Why they drop after step {at}", out, limit,
          show=["sentence", "odds_ratio", "odds_low", "odds_high"])


@app.command()
def conformance(
    journey: Annotated[str | None, typer.Argument(help="A journey declared in parcours.yaml (default: the first).")] = None,
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[str, typer.Option("--by", help="Per 'customer' or per 'case'.")] = "customer",
    breakdown: Annotated[str | None, typer.Option("--breakdown", help="An events column: team, channel, agent…")] = None,
    moves: Annotated[bool, typer.Option("--moves", help="List every move between stages instead.")] = False,
    out: OutOpt = None,
    limit: LimitOpt = 30,
) -> None:
    """How lived journeys differ from the designed one: fit, late entry, skips, going back, loops.

    Example: parcours journeys conformance problem_resolution --by case --breakdown team
    """
    ws = parcours.open(workspace)
    _emit(ws.conformance(journey, by=by, breakdown=breakdown, moves=moves),
          f"Conformance: {ws.journey(journey).name}" + (" (moves)" if moves else ""), out, limit,
          show=None if moves else [c for c in ([breakdown] if breakdown else []) + [
              "units", "fitness", "late_entry", "with_skips", "with_backward", "with_loops", "off_path",
              "mean_visits"]])
