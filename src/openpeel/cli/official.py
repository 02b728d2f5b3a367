"""Official statistics published for every force (ONS, Home Office, HMICFRS):
``openpeel official load FILE...`` (thin face over ``openpeel.store.official``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from openpeel.cli.output import FORMAT, Context, console, emit, progress_bar
from openpeel.errors import OpenpeelError
from openpeel.store.official import load_official


@click.group("official")
def official_group() -> None:
    """Official statistics for every force: recorded crime, outcomes, use of force, workforce,
    value for money."""


@official_group.command("load")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--publication",
    metavar="NAME",
    help="Read every file as this publication instead of recognising it by sheets and headers.",
)
@FORMAT
@click.pass_obj
def official_load(obj: Context, files: tuple[Path, ...], publication: str | None, fmt: str) -> None:
    """Load published spreadsheets (ODS, XLSX, CSV, CSV.GZ) into the lake.

    A later load of the same publication and period replaces the earlier one; loading the same
    file again changes nothing. Rows read = rows loaded + rows rejected, per file.
    """
    bar, update = progress_bar("Reading published files")
    try:
        with bar:
            report = load_official(files, obj.data_dir, publication, progress=update)
    except OpenpeelError as err:
        raise click.ClickException(str(err).splitlines()[0]) from None
    if fmt == "json":
        click.echo(json.dumps([asdict(f) for f in report.files], default=str, indent=2))
        return
    rows = [
        {
            "file": f.source_file,
            "publication": f.publication,
            "period": ", ".join(f.periods)
            if len(f.periods) < 4
            else f"{f.periods[0]}..{f.periods[-1]}",
            "status": f.status,
            "read": f.rows_read,
            "loaded": f.rows_loaded,
            "rejected": f.rows_rejected,
            "figures": f.figures,
        }
        for f in report.files
    ]
    emit(rows, fmt, title=f"Official statistics load {report.ingest_id} into {obj.data_dir}")
    if fmt == "table":
        for f in report.files:
            for replaced in f.replaced:
                console.print(f"[yellow]replaced[/] {f.publication} {replaced}")


COMMANDS = (official_group,)
