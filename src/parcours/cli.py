"""The ``parcours`` command: a thin face over the Python API (nothing is computed here).

Every command takes ``--workspace`` (default: the current folder) and exits non-zero with a
one-line reason on error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import os
import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

import parcours  # light: names load on first use
from parcours.errors import IngestError, ParcoursError

app = typer.Typer(
    name="parcours",
    help="Customer journeys, leaks, emotions, health and actions from every channel's traces.\n\n"
         "Example: parcours synth retail --out raw && parcours init ws --scenario retail --data raw "
         "&& parcours ingest --workspace ws && parcours report --workspace ws",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

WorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder (holds parcours.yaml).")]


def _journeys_app() -> typer.Typer:
    from parcours.cli_journeys import app as journeys

    return journeys


app.add_typer(_journeys_app(), name="journeys")


def _voice_app() -> typer.Typer:
    from parcours.cli_voice import app as voice

    return voice


app.add_typer(_voice_app(), name="voice")  # parcours voice [score | train | metrics]


def _customers_commands() -> None:
    from parcours.cli_customers import register

    register(app)  # parcours personas, parcours tiers, parcours retention


_customers_commands()


def _health_app() -> typer.Typer:
    from parcours.cli_health import app as health

    return health


app.add_typer(_health_app(), name="health")  # parcours health [scores | evaluate]


@contextmanager
def _progress(total: int | None = None) -> Iterator[tuple[Progress, int]]:
    with Progress(SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("starting", total=total)
        yield bar, task


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new workspace (created if missing).")],
    scenario: Annotated[str, typer.Option(help="retail, saas or empty: presets for the demo companies.")] = "empty",
    data: Annotated[Optional[Path], typer.Option(help="Folder written by `parcours synth`: declare its exports as sources.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing parcours.yaml.")] = False,
) -> None:
    """Create a workspace with a documented parcours.yaml.

    Example: parcours init ws --scenario retail --data raw
    """
    ws = parcours.init(directory, scenario=scenario, data=data, overwrite=force)
    console.print(f"Workspace created in [bold]{ws.root}[/]: edit {ws.root / 'parcours.yaml'}"
                  + (f" ({len(ws.config.sources)} sources declared)" if ws.config.sources else ""))


@app.command()
def ingest(
    table: Annotated[Optional[str], typer.Argument(help="Canonical table: events, customers, feedback or cases.")] = None,
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files to ingest (CSV, Parquet, JSON Lines, XES).")] = None,
    mapping: Annotated[Optional[Path], typer.Option("--map", help="Mapping YAML: source columns → canonical columns.")] = None,
    workspace: WorkspaceOpt = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Re-read files already ingested (duplicates are still skipped).")] = False,
) -> None:
    """Ingest files, or with no argument every source declared in parcours.yaml.

    Example: parcours ingest events web.csv --map web.yaml --workspace ws
    Example: parcours ingest customers --map crm_table.yaml   (a mapping with format: sql reads a database table)
    """
    ws = parcours.open(workspace)
    if table is not None and not paths and mapping is None:
        raise IngestError(f"give the file(s) to ingest into {table!r}, e.g. parcours ingest {table} FILE.csv "
                          f"(or --map MAPPING.yaml reading a database table)")
    with _progress(len(paths) if paths else len(ws.config.sources)) as (bar, task):
        def say(msg: str) -> None:
            bar.update(task, description=msg)
            if msg.startswith("reading"):
                bar.advance(task, 0)

        if table is None:
            results = ws.ingest_sources(force=force, progress=say)
        else:
            results = ws.ingest(table, *(paths or []), mapping=mapping, force=force, progress=say)
    _print_results(results)


def _print_results(results: list) -> None:
    t = Table(title="Ingestion", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("file", no_wrap=True, overflow="ellipsis", max_width=26)
    t.add_column("table", no_wrap=True)
    for col in ("read", "added", "dupl.", "upd.", "quar."):
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("s", justify="right", no_wrap=True, min_width=4)
    for r in results:
        if r.skipped:
            t.add_row(Path(r.path).name, r.table, "skipped", "", "", "", "", "")
            continue
        t.add_row(Path(r.path).name, r.table, f"{r.rows_read:,}", f"{r.added:,}", f"{r.duplicates:,}",
                  f"{r.updated:,}", f"{r.quarantined:,}", f"{r.seconds:.1f}")
    console.print(t)
    if any(r.skipped for r in results):
        console.print("skipped: already ingested with the same mapping (--force re-reads; duplicates are still skipped)")
    reasons: dict[str, int] = {}
    for r in results:
        for k, v in r.reasons.items():
            reasons[k] = reasons.get(k, 0) + v
    if reasons:
        why = ", ".join(f"{v} {k}" for k, v in sorted(reasons.items(), key=lambda x: -x[1]))
        console.print(f"[yellow]Quarantined rows[/]: {why} (see `parcours status`)")
    merges = sum(r.merges for r in results)
    if merges:
        console.print(f"{merges} customers merged by identity stitching (table identity_merges)")


@app.command()
def status(
    workspace: WorkspaceOpt = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Row counts of every table, ingestions, and quarantined rows by reason.

    Example: parcours status --workspace ws --json
    """
    info = parcours.open(workspace).status()
    if as_json:
        print(json.dumps(info, indent=2, default=str))
        return
    print_status(info)


def print_status(info: dict) -> None:
    t = Table(title=f"Workspace {info['workspace']}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in info["tables"].items():
        t.add_row(name, f"{n:,}")
    console.print(t)
    if info["first_event"]:
        console.print(f"Events from {info['first_event'][:10]} to {info['last_event'][:10]}")
    if info["events_by_channel"]:
        c = Table(title="Events per channel")
        c.add_column("channel")
        c.add_column("events", justify="right")
        for ch, n in info["events_by_channel"].items():
            c.add_row(ch, f"{n:,}")
        console.print(c)
    if info["identities_by_kind"]:
        console.print("Identifiers stitched: " + ", ".join(f"{n:,} {k}" for k, n in info["identities_by_kind"].items()))
    if info["quarantine_by_reason"]:
        q = Table(title="Quarantined rows by reason")
        q.add_column("reason")
        q.add_column("rows", justify="right")
        for r, n in info["quarantine_by_reason"].items():
            q.add_row(r, f"{n:,}")
        console.print(q)
    else:
        console.print("No quarantined rows.")


@app.command()
def forget(
    key: Annotated[str, typer.Argument(help="Customer id or any identifier (e-mail, phone, cookie, CRM id…).")],
    workspace: WorkspaceOpt = Path("."),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be erased; change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a customer everywhere (events, feedback, cases, identities, quarantine) and keep them erased.

    Only a SHA-256 of each of their identifiers is kept, so that a later export cannot bring them back.

    Example: parcours forget jeanne.martin@example.fr --workspace ws
    """
    ws = parcours.open(workspace)
    preview = ws.forget(key, dry_run=True)
    if dry_run:
        _print_forget(preview)
        return
    if not yes and not typer.confirm(f"Erase customer {preview.customer_id} ({preview.total:,} rows)?"):
        raise typer.Abort()
    _print_forget(ws.forget(key))


def _print_forget(r) -> None:
    t = Table(title=f"{'Would erase' if r.dry_run else 'Erased'} customer {r.customer_id}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in r.rows.items():
        if n:
            t.add_row(name, f"{n:,}")
    console.print(t)
    if not r.dry_run:
        console.print(f"{r.identifiers} identifier(s) remembered as SHA-256 digests, so they stay forgotten.")


@app.command()
def customer(
    key: Annotated[str, typer.Argument(help="Customer id or any identifier (e-mail, phone, cookie, CRM id…).")],
    workspace: WorkspaceOpt = Path("."),
    limit: Annotated[int, typer.Option(help="Show at most this many timeline rows (0: all).")] = 50,
) -> None:
    """Customer 360: profile, identities and the cross-channel timeline.

    Example: parcours customer alice@example.com --workspace ws
    """
    c = parcours.open(workspace).customer(key)
    console.print(f"[bold]Customer {c.customer_id}[/]")
    for k, v in c.profile.items():
        if k not in ("customer_id", "ingestion_id") and v not in (None, ""):
            console.print(f"  {k}: {v}")
    ids = Table(title="Identities")
    for col in ("kind", "identifier", "source"):
        ids.add_column(col)
    for row in c.identities.itertuples():
        ids.add_row(row.kind, row.identifier, row.source)
    console.print(ids)
    tl = Table(title=f"Timeline ({len(c.timeline)} entries)")
    for col in ("time (UTC)", "kind", "what", "channel", "detail", "value", "case"):
        tl.add_column(col)
    shown = c.timeline if limit <= 0 else c.timeline.head(limit)
    for row in shown.itertuples():
        tl.add_row(str(row.timestamp)[:19], row.kind, str(row.what), _s(row.channel), _s(row.detail)[:60],
                   _s(row.value), _s(row.case_id))
    console.print(tl)


def _s(v: object) -> str:
    return "" if v is None or v != v else str(v)


@app.command()
def synth(
    scenario: Annotated[str, typer.Argument(help="retail or saas.")],
    out: Annotated[Path, typer.Option(help="Folder for the raw exports, mappings and truth.json.")] = Path("raw"),
    events: Annotated[int, typer.Option(help="Total number of events across sources.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="native (each source as a real tool exports it), csv or parquet.")] = "native",
) -> None:
    """Generate a synthetic company's raw exports with planted truths.

    Example: parcours synth retail --events 100000 --seed 1 --out raw
    """
    from parcours.synth import generate

    with _progress(100) as (bar, task):
        def say(msg: str, frac: float) -> None:
            bar.update(task, description=msg, completed=int(frac * 100))

        res = generate(scenario, out, events=events, seed=seed, format=fmt, progress=say)
    t = Table(title=f"{scenario} exports in {out}")
    t.add_column("file")
    t.add_column("rows", justify="right")
    for f, n in res.counts.items():
        t.add_row(str(f), f"{n:,}")
    console.print(t)


@app.command()
def report(
    workspace: WorkspaceOpt = Path("."),
    out: Annotated[Optional[Path], typer.Option(help="HTML file to write (default: WORKSPACE/report.html).")] = None,
    lang: Annotated[Optional[str], typer.Option(help="en or fr (default: the workspace's report.lang).")] = None,
) -> None:
    """Write the self-contained HTML report (opens offline).

    Example: parcours report --workspace ws --out report.html --lang fr
    """
    from parcours.report import write_report

    ws = parcours.open(workspace)
    with _progress() as (bar, task):
        path = write_report(ws, out or ws.root / "report.html", lang=lang,
                            progress=lambda m: bar.update(task, description=m))
    console.print(f"Report written to [bold]{path}[/]")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo (raw exports, workspace, report.html).")] = Path("demo"),
    events: Annotated[int, typer.Option(help="Events to generate.")] = 200_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    lang: Annotated[str, typer.Option(help="Report language: en or fr.")] = "en",
) -> None:
    """Generate the retail company, ingest it, analyse it and write OUT/report.html.

    Example: parcours demo --out demo --events 200000
    """
    from parcours.report import write_report
    from parcours.synth import generate

    raw, wsdir = out / "raw", out / "workspace"
    with _progress(100) as (bar, task):
        generate("retail", raw, events=events, seed=seed,
                 progress=lambda m, f: bar.update(task, description=f"generating: {m}", completed=int(f * 100)))
    ws = parcours.init(wsdir, scenario="retail", data=raw, overwrite=True)
    with _progress(len(ws.config.sources)) as (bar, task):
        results = ws.ingest_sources(progress=lambda m: bar.update(task, description=m))
    _print_results(results)
    print_status(ws.status())
    with _progress() as (bar, task):
        path = write_report(ws, out / "report.html", lang=lang, progress=lambda m: bar.update(task, description=m))
    console.print(f"[bold green]Report written to {path}[/]")


@app.command()
def export(
    fmt: Annotated[str, typer.Argument(help="xes, or pm4py (the pm4py dataframe layout as CSV or Parquet).")],
    out: Annotated[Path, typer.Argument(help="Output file: .xes/.xes.gz for xes, .csv/.parquet for pm4py.")],
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[str, typer.Option("--by", help="Traces per 'case' (events without a case left out) or 'customer'.")] = "case",
    properties: Annotated[bool, typer.Option("--properties", help="Also write each event's extra source columns.")] = False,
) -> None:
    """Export the events to a process-mining tool: an XES log, or pm4py's dataframe layout.

    Example: parcours export xes log.xes.gz --workspace ws --by customer
    """
    from parcours.journeys.interop import export_xes, to_pm4py

    ws = parcours.open(workspace)
    if fmt == "xes":
        n = export_xes(ws.events, out, by=by, properties=properties)
    elif fmt == "pm4py":
        df = to_pm4py(ws.events, by=by, properties=properties)
        if out.suffix.lower() == ".parquet":
            df.to_parquet(out, index=False)
        elif out.suffix.lower() == ".csv":
            df.to_csv(out, index=False)
        else:
            raise ParcoursError(f"{out}: the pm4py layout is written as .csv or .parquet")
        n = len(df)
    else:
        raise ParcoursError(f"unknown export format {fmt!r}: use xes or pm4py")
    console.print(f"wrote {n:,} events to {out}")


@app.command(name="config")
def config_cmd(
    reference: Annotated[bool, typer.Option("--reference", help="Print the reference of every setting (Markdown).")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Check a workspace's parcours.yaml, or print the reference of every setting.

    Example: parcours config --workspace ws
    """
    from parcours.config import config_reference

    if reference:
        print(config_reference())
        return
    ws = parcours.open(workspace)
    console.print(f"{ws.root / 'parcours.yaml'}: valid ({len(ws.config.sources)} sources, "
                  f"warehouse {ws.config.warehouse.url})")


def main() -> None:
    """Entry point: run the app; any error becomes one line on stderr and exit code 1.

    Set PARCOURS_DEBUG=1 to see the full traceback of an unexpected error.
    """
    try:
        app()
    except ParcoursError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True, markup=True)
        sys.exit(1)
    except Exception as exc:  # an unexpected failure still gets one readable line
        if os.environ.get("PARCOURS_DEBUG"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        err.print(f"[red]error:[/] {type(exc).__name__}: {first} (PARCOURS_DEBUG=1 shows the traceback)",
                  highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
