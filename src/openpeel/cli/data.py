"""Commands that get data into the lake and say what it holds: ingest, status, fetch,
synth, population, demo."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openpeel.cli.lazy import library
from openpeel.cli.options import force_option, setting_option
from openpeel.cli.output import (
    FORMAT,
    Context,
    as_rows,
    console,
    emit,
    plain_text,
    progress_bar,
    user_errors,
)
from openpeel.cli.pages import prepare_pages

if TYPE_CHECKING:
    from openpeel.config import Where
    from openpeel.store.ingest import IngestReport

ingest = library("store.ingest", "ingest")
# The archive reader loads the force list and every vocabulary: not for --help.
month_date = library("sources.policeuk_archive", "month_date")
force = library("reference.forces", "force")
official_status = library("store.official", "official_status")
load_population = library("store.population", "load_population")
describe_months = library("store.status", "describe_months")
lake_coverage = library("store.status", "lake_coverage")
lake_months = library("store.status", "lake_months")


def _month(value: str | None) -> date | None:
    return month_date(value) if value else None


def run_ingest(
    sources: Sequence[Path],
    data_dir: Where,
    force_ids: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    snapshot: str | None = None,
) -> IngestReport:
    """Ingest with a progress bar on the terminal."""
    bar, update = progress_bar("Loading police.uk files")
    with bar:
        return ingest(
            sources,
            data_dir,
            force_ids=list(force_ids) or None,
            start=start,
            end=end,
            snapshot=snapshot,
            progress=update,
        )


def kind_rows(report: IngestReport, fmt: str) -> list[dict[str, Any]]:
    """One row per kind of file; short column names for the terminal table."""
    rows = [{"kind": k, **v} for k, v in sorted(report.by_kind().items())]
    if fmt != "table":
        return rows
    return [
        {
            k.removeprefix("files_").removeprefix("rows_").replace("unknown_values", "unknown"): v
            for k, v in r.items()
        }
        for r in rows
    ]


@click.command("ingest")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@force_option(multiple=True, help="Load only this force (repeatable).")
@click.option("--from", "start", metavar="YYYY-MM", help="First month to load.")
@click.option("--to", "end", metavar="YYYY-MM", help="Last month to load.")
@click.option("--snapshot", help="Label the load with this vintage (YYYY-MM) instead of guessing.")
@FORMAT
@click.pass_obj
def ingest_command(
    obj: Context,
    sources: tuple[Path, ...],
    force_ids: tuple[str, ...],
    start: str | None,
    end: str | None,
    snapshot: str | None,
    fmt: str,
) -> None:
    """Load police.uk archive zips, folders or CSV files into the lake.

    Re-loading a force-month replaces it; a newer snapshot supersedes an older one.
    """
    with user_errors():
        report = run_ingest(sources, obj.workspace, force_ids, _month(start), _month(end), snapshot)
    if report.files:
        prepare_pages(obj.workspace)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), default=str, indent=2))
    else:
        emit(kind_rows(report, fmt), fmt, title=f"Ingest {report.ingest_id} into {obj.data_dir}")
        if fmt == "table":
            for u in report.unknown:
                console.print(
                    f"[yellow]unknown value[/] {u.field} = {u.raw_value!r}: "
                    f"{u.rows} rows in {u.source_file} (loaded as 'unknown')"
                )
    for f in report.refused:
        console.print(plain_text("refused", "red"), plain_text(f"{f.source_file}: {f.reason}"))
    if report.refused:
        first = report.refused[0]
        more = f" (and {len(report.refused) - 1} more files)" if len(report.refused) > 1 else ""
        raise click.ClickException(f"{first.source_file}: {first.reason}{more}")
    if not report.files:
        raise click.ClickException("no police.uk files found in the sources given")


@click.command("status")
@click.option("--months", is_flag=True, help="One line per force-month instead of per force.")
@FORMAT
@click.pass_obj
def status_command(obj: Context, months: bool, fmt: str) -> None:
    """What is loaded: forces × months per table, gaps marked, the snapshot of each."""
    if months or fmt != "table":
        emit(as_rows(lake_months(obj.workspace)), fmt, title="Force-months loaded")
        return
    coverage = lake_coverage(obj.workspace)
    official = official_status(obj.data_dir)
    if official:
        emit(official, fmt, title="Official statistics (openpeel official load)")
    if not coverage and official:
        return
    if not coverage:
        console.print(
            f"Nothing loaded in {obj.data_dir}. Try 'openpeel demo' or 'openpeel ingest'."
        )
        return
    rows = [
        {
            "table": c.table_name,
            "force": c.force_id,
            "months": describe_months([c.first_month, c.last_month]).replace(", ", ".."),
            "loaded": c.months_loaded,
            "missing": describe_months(c.missing_months) or "-",
            "rows": c.rows,
            "rejected": c.rows_rejected,
            "snapshot": " ".join(c.snapshots),
        }
        for c in coverage
    ]
    emit(rows, fmt, title=f"Lake at {obj.data_dir}")
    if any(c.is_synthetic for c in coverage):
        console.print("[bold yellow]SYNTHETIC DATA[/]: snapshots named synthetic-* are not real.")


@click.group("population")
def population_group() -> None:
    """Population denominators (Census 2021)."""


@population_group.command("load")
@click.argument("ts021_file", type=click.Path(path_type=Path))
@click.argument("lookup_file", type=click.Path(path_type=Path))
@FORMAT
@click.pass_obj
def population_load(obj: Context, ts021_file: Path, lookup_file: Path, fmt: str) -> None:
    """Build force-area denominators from ONS TS021 and the LAD->PFA lookup."""
    with user_errors():
        table = load_population(ts021_file, lookup_file, obj.workspace)
    prepare_pages(obj.workspace)
    rows = table.to_pylist()
    wide: dict[str, dict[str, Any]] = {}
    for r in rows:
        wide.setdefault(r["force_id"], {"force_id": r["force_id"]})[r["ethnic_group"]] = r[
            "population"
        ]
    emit(list(wide.values()), fmt, title="Population (Census 2021)")


@click.command("fetch")
@click.option("--month", required=True, metavar="YYYY-MM", help="Month to download.")
@click.option("--api", is_flag=True, help="Pull stop and search from the API instead.")
@force_option(required=False, help="Force id (with --api).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write (default: <data dir>/downloads).",
)
@click.pass_obj
def fetch_command(
    obj: Context, month: str, api: bool, force_id: str | None, out: Path | None
) -> None:
    """Download a police.uk bulk archive zip, or one force-month of stop and search (--api)."""
    from rich.progress import BarColumn, Progress, TextColumn

    from openpeel.sources.policeuk_api import download_archive, fetch_stops

    target = out or obj.data_dir / "downloads"
    target.mkdir(parents=True, exist_ok=True)
    with user_errors():
        if api:
            if not force_id:
                raise click.UsageError("--api needs --force")
            path = fetch_stops(force_id, month, target)
        else:
            bar = Progress(
                TextColumn("Downloading {task.fields[month]}.zip"),
                BarColumn(),
                TextColumn("{task.completed:,.0f} bytes"),
                console=console,
                transient=True,
            )
            task = bar.add_task("download", total=None, month=month)
            with bar:
                path = download_archive(
                    month,
                    target,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    click.echo(f"Wrote {path}. Load it with: openpeel ingest {path}")


@click.command("demo")
@setting_option("--seed", int, 1)
@setting_option("--scale", float, 1.0)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Build the demo again even when the data directory holds a finished one.",
)
@click.pass_context
def demo_command(ctx: click.Context, seed: int, scale: float, rebuild: bool) -> None:
    """Synthesise a West Midlands-sized force-year, load it, and show what was loaded.

    Uses ./demo-data unless --data-dir or OPENPEEL_DATA_DIR is given, so a real lake is never
    mixed with synthetic data by accident. A data directory that already holds the demo this
    openpeel finished with the same seed and scale is left as it is (--rebuild builds it again).
    """
    from openpeel.demo import (
        DEMO_END,
        DEMO_START,
        build_demo,
        demo_fingerprint,
        finished_demo,
        forget_finished,
        mark_finished,
        write_demo_report,
    )

    explicit = ctx.parent is not None and ctx.parent.params.get("data_dir")
    where = ctx.obj.workspace
    if not (explicit or _env_data_dir()):
        from openpeel.config import workspace

        where = workspace(Path("demo-data").resolve(), engine=ctx.obj.workspace.engine)
    data_dir = where.data_dir
    fingerprint = demo_fingerprint(seed=seed, scale=scale, start=DEMO_START, end=DEMO_END)
    done = None if rebuild else finished_demo(data_dir, fingerprint)
    if done:
        click.echo(
            f"{data_dir} already holds the finished SYNTHETIC demo (openpeel "
            f"{fingerprint['version']}, seed {seed}, scale {scale:g}): nothing to redo. "
            "To build it again: openpeel demo --rebuild (make demo DEMO_ARGS=--rebuild)."
        )
        click.echo(f"\nReport (HTML, opens offline): {done['html']}")
        click.echo(f"Report (PDF): {done['pdf']}")
        click.echo("\nTry next (the README shows the same commands):")
        for line in demo_next_commands(data_dir):
            click.echo(f"  {line}")
        return
    forget_finished(data_dir)
    console.print(
        f"Writing a SYNTHETIC West Midlands force-year (seed {seed}) to "
        f"{data_dir / 'synthetic-archive'}"
    )
    bar, update = progress_bar("Loading police.uk files")
    with bar:
        demo = build_demo(where, start=DEMO_START, end=DEMO_END, seed=seed, scale=scale,
                          progress=update)  # fmt: skip
    emit(kind_rows(demo.ingest, "table"), "table", title="Ingest of the synthetic archive")
    click.echo("Population: a SYNTHETIC demo table (not Census 2021) written to the lake.")
    click.echo(
        f"Calls: SYNTHETIC call log ({demo.call_rows['call_log']:,} calls), incidents and 999 "
        "figures loaded."
    )
    click.echo(
        f"Offenders: SYNTHETIC extract ({demo.offender_rows['offenders']:,} registered sex "
        f"offenders, as at {demo.offenders_as_at}) loaded; see 'openpeel offenders overdue'."
    )
    click.echo(
        f"Vulnerability: SYNTHETIC extract ({demo.vulnerability_rows['cases']:,} cases, "
        f"{demo.vulnerability_rows['investigations']:,} investigations) loaded; see 'openpeel "
        "vulnerability capacity'."
    )
    click.echo(
        f"Official statistics: {len(demo.official_files)} SYNTHETIC published files (ONS "
        "recorded crime, Home Office outcomes, use of force and workforce, HMICFRS value for "
        "money) loaded; see 'openpeel official crime'."
    )
    ctx.obj = Context(data_dir, engine=where.engine)
    ctx.invoke(status_command, months=False, fmt="table")
    click.echo(f"\nSYNTHETIC data ({demo.archive.snapshot}): not a real force's figures.")
    click.echo(f"Lake: {data_dir / 'lake'}")
    click.echo(
        "In Python: import openpeel; con = openpeel.connect("
        f"{str(data_dir)!r}); con.table('stop_searches')"
    )
    prepare_pages(where)
    with console.status("Writing the PEEL report"):
        reports = write_demo_report(demo, where)
    mark_finished(demo, fingerprint)
    click.echo(f"\nReport (HTML, opens offline): {reports['html']}")
    click.echo(f"Report (PDF): {reports['pdf']}")
    click.echo("\nTry next (the README shows the same commands):")
    for line in demo_next_commands(data_dir):
        click.echo(f"  {line}")


#: What to run after ``openpeel demo`` (the README shows these lines, and a test runs them
#: against a demo lake): one command of each kind a first-time user asks for.
DEMO_NEXT_COMMANDS = (
    "status",
    "stop-search rates --force west-midlands --fy 2021/22",
    "stop-search outcomes --force west-midlands --fy 2021/22",
    "crime volumes --force west-midlands --fy 2021/22",
    "outcomes summary --force west-midlands --fy 2021/22",
    "assess --force west-midlands --fy 2021/22",
    "report --force west-midlands --fy 2021/22 --out demo-report.html",
    "serve",
)
#: What ``serve`` prints after the command, for a person to open.
SERVE_HINT = "# then open http://127.0.0.1:8000/overview"


def demo_next_commands(data_dir: Path) -> list[str]:
    """The lines of :data:`DEMO_NEXT_COMMANDS` for the demo lake at ``data_dir``, to copy as
    they are: ``--data-dir demo-data`` when the lake is ``./demo-data`` of the current folder
    (the ``make demo`` default), else its full path."""
    shown = "demo-data" if data_dir == Path("demo-data").resolve() else shlex.quote(str(data_dir))
    lines = [f".venv/bin/openpeel --data-dir {shown} {command}" for command in DEMO_NEXT_COMMANDS]
    lines[-1] = f"{lines[-1]}   {SERVE_HINT}"
    return lines


def _env_data_dir() -> bool:
    return bool(os.environ.get("OPENPEEL_DATA_DIR"))


COMMANDS = (
    ingest_command,
    status_command,
    population_group,
    fetch_command,
    demo_command,
)
