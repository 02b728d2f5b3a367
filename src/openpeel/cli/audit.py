"""Commands for crime data integrity audits: ``openpeel audit load|create|sample|status|
estimate`` (and ``openpeel synth crime-recording``, the synthetic extract)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from openpeel.cli.options import force_option
from openpeel.cli.output import FORMAT, Context, console, emit, user_errors
from openpeel.errors import OpenpeelError


@contextmanager
def audit_errors() -> Iterator[None]:
    """One-line messages for user mistakes and missing data (exit code 1)."""
    with user_errors():
        try:
            yield
        except OpenpeelError as err:
            raise click.ClickException(str(err).splitlines()[0]) from None


@click.group("audit")
def audit_group() -> None:
    """Crime data integrity audits: sample incidents, decide, estimate the recording rate."""


@audit_group.command("load")
@click.argument("folder", type=click.Path(path_type=Path))
@force_option()
@click.option("--snapshot", help="Label the load (default: from the extract).")
@FORMAT
@click.pass_obj
def load(obj: Context, folder: Path, force_id: str, snapshot: str | None, fmt: str) -> None:
    """Load a crime recording extract (docs/crime_recording.md); reloading changes nothing."""
    from openpeel.store.crime_recording import load_crime_recording_extract

    with audit_errors():
        report = load_crime_recording_extract(folder, force_id, obj.data_dir, snapshot)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), default=str, indent=2))
        return
    rows = [
        {
            "file": f.source_file,
            "table": f.table_name,
            "rows_read": f.rows_read,
            "rows_loaded": f.rows_loaded,
            "rows_rejected": f.rows_rejected,
            "rows_replaced": report.rows_replaced.get(f.table_name, 0),
            "first_reasons": "; ".join(f.first_reasons),
        }
        for f in report.files
    ]
    emit(rows, fmt, title=f"Crime recording extract for {force_id} ({report.snapshot})")
    if report.is_synthetic and fmt == "table":
        console.print("[bold yellow]SYNTHETIC DATA[/]: this extract is not a real force's.")


@click.command("crime-recording")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", "force_id", default="west-midlands", show_default=True, metavar="FORCE")
@click.option("--from", "start", default="2021-04", show_default=True, metavar="YYYY-MM")
@click.option("--to", "end", default="2021-09", show_default=True, metavar="YYYY-MM")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**31 - 1))
@click.option(
    "--incidents", default=20_000, show_default=True, type=click.IntRange(10, 2_000_000),
    help="Incidents opened over the period.",
)  # fmt: skip
def synth_crime_recording(
    out: Path, force_id: str, start: str, end: str, seed: int, incidents: int
) -> None:
    """Write a SYNTHETIC crime recording extract (the format of docs/crime_recording.md)."""
    from openpeel.synth.crime_recording import write_crime_recording_extract

    with audit_errors():
        try:
            summary = write_crime_recording_extract(out, force_id, start, end, seed, incidents)
        except ValueError as err:
            raise click.ClickException(str(err)) from None
    click.echo(
        f"Wrote a SYNTHETIC crime recording extract to {summary.out_dir} "
        f"({', '.join(f'{k}: {v:,}' for k, v in summary.rows.items())}); snapshot "
        f"{summary.snapshot}. Load it with: openpeel audit load {summary.out_dir} "
        f"--force {force_id}"
    )


COMMANDS = (audit_group,)
