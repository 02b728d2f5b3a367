"""``openpeel report``: the PEEL report of one force and period, as HTML (and PDF)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from openpeel.cli.lazy import library
from openpeel.cli.options import PERIOD, chosen_period, force_option
from openpeel.cli.output import Context, console, stages, user_errors
from openpeel.errors import UserInputError
from openpeel.provenance import SYNTHETIC_MARK

connect = library("store.connection", "connect")


@click.command("report")
@force_option()
@PERIOD
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The HTML file to write (self-contained: opens with no network).",
)
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path), help="Also write this PDF.")
@click.option(
    "--charts",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write each chart as a PNG image and a standalone HTML page into this folder "
    "(the report links to them).",
)
@click.option(
    "--quiet",
    is_flag=True,
    help="No progress display (there is none either when standard error is not a terminal).",
)
@click.pass_obj
def report_command(
    obj: Context,
    force_id: str,
    fy: str | None,
    start: str | None,
    end: str | None,
    out: Path,
    pdf: Path | None,
    charts: Path | None,
    quiet: bool,
) -> None:
    """Write the PEEL report of a force: one section per PEEL area, charts with tables."""
    from openpeel.report import build_report, write_html, write_pdf

    if out.suffix.lower() == ".pdf":  # --out writes HTML: a PDF named here would be HTML
        raise click.BadParameter(
            f"{out.name} is the HTML file; to write a PDF give --out report.html --pdf {out.name}",
            param_hint="--out",
        )
    began = time.perf_counter()
    with user_errors():
        period = chosen_period(connect(obj.workspace), start, end, fy, [force_id])
    with stages(quiet) as stage:
        with user_errors():
            report = build_report(obj.workspace, force_id, period, progress=stage)
        folder = None
        if charts is not None:
            from openpeel.report.chart_export import write_report_charts

            stage("Writing the charts", None, None)
            with user_errors(), _writing(charts):
                files = write_report_charts(report, charts)
            folder = Path(os.path.relpath(charts.resolve(), out.resolve().parent)).as_posix()
            stage.done(f"Charts (PNG and HTML): {len(files) // 2} in {charts.resolve()}")
        stage("Writing the HTML", None, None)
        with user_errors(), _writing(out):
            html = write_html(report, out, chart_folder=folder)
        stage.done(f"Report (HTML): {html.resolve()} ({html.stat().st_size / 1024:,.0f} KiB)")
        if pdf is not None:
            with user_errors(), _writing(pdf):
                written = write_pdf(report, pdf, progress=lambda what: stage(what, None, None))
            stage.done(
                f"Report (PDF): {written.resolve()} ({written.stat().st_size / 1024:,.0f} KiB)"
            )
    if report.is_synthetic:
        click.echo(f"{SYNTHETIC_MARK}: every page of the report says so.")
    if not quiet:
        console.print(f"[dim]{time.perf_counter() - began:.1f} s[/dim]")


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A file the user named that cannot be written is their mistake (one line, exit 1)."""
    try:
        yield
    except (PermissionError, IsADirectoryError, NotADirectoryError, FileExistsError) as err:
        raise UserInputError(f"cannot write {path}: {err.strerror or err}") from None


COMMANDS = (report_command,)
