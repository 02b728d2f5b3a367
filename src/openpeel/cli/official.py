"""Official statistics published for every force (ONS, Home Office, HMICFRS):
``openpeel official load FILE...`` (thin face over ``openpeel.store.official``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from openpeel.cli.lazy import library
from openpeel.cli.options import force_option
from openpeel.cli.output import FORMAT, Context, console, emit, emit_result, progress_bar
from openpeel.errors import OpenpeelError

load_official = library("store.official", "load_official")


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


@official_group.command("crime")
@force_option()
@click.option(
    "--year",
    "period",
    metavar="PERIOD",
    help="The ONS period as loaded, e.g. 'December 2019' (year ending); default: the latest.",
)
@FORMAT
@click.pass_obj
def official_crime(obj: Context, force_id: str, period: str | None, fmt: str) -> None:
    """Police recorded crime by offence group for one force (ONS police force area tables)."""
    from openpeel.indicators.official_crime import PUBLICATION, crime_periods, recorded_crime
    from openpeel.store.official import official_figures

    try:
        figures = official_figures(obj.data_dir, PUBLICATION)
        chosen = period or _latest(crime_periods(figures))
        result = recorded_crime(figures, force_id, chosen)
    except OpenpeelError as err:
        raise click.ClickException(str(err).splitlines()[0]) from None
    emit_result(result, fmt)


def _latest(periods: list[str]) -> str:
    from datetime import datetime

    return max(periods, key=lambda p: datetime.strptime(p, "%B %Y"))


@official_group.command("figures")
@click.option("--publication", required=True, metavar="NAME", help="e.g. home-office-use-of-force.")
@force_option(required=False, help="Only this force (default: every area).")
@click.option("--period", metavar="PERIOD", help="Only this period, as loaded (e.g. 2019/20).")
@click.option("--table", "table_id", metavar="ID", help="Only this table (e.g. 12, P1, H1).")
@click.option("--measure", metavar="TEXT", help="Only measures containing this text.")
@FORMAT
@click.pass_obj
def official_figures_command(
    obj: Context,
    publication: str,
    force_id: str | None,
    period: str | None,
    table_id: str | None,
    measure: str | None,
    fmt: str,
) -> None:
    """Figures as published (no computation), with their status and source cell."""
    from openpeel.store.official import select_figures

    try:
        rows = select_figures(obj.data_dir, publication, force_id, period, table_id, measure)
    except OpenpeelError as err:
        raise click.ClickException(str(err).splitlines()[0]) from None
    emit(rows, fmt, title=f"{publication}: figures as published")
    if not rows:
        raise click.ClickException("no figures match; try fewer filters")


@official_group.command("use-of-force")
@force_option()
@click.option(
    "--year", "period", metavar="YYYY/YY", help="Financial year as loaded; default: the latest."
)
@FORMAT
@click.pass_obj
def official_use_of_force(obj: Context, force_id: str, period: str | None, fmt: str) -> None:
    """Use of force incidents and tactics by perceived ethnicity, with rates per 1,000."""
    from openpeel.indicators.official_use_of_force import PUBLICATION, use_of_force
    from openpeel.store.official import official_figures
    from openpeel.store.population import PopulationMissingError, population

    try:
        figures = official_figures(obj.data_dir, PUBLICATION)
        chosen = period or max(set(figures["period"].to_pylist()))
        try:
            residents = population(obj.data_dir)
        except PopulationMissingError:
            residents = None
        result = use_of_force(figures, force_id, chosen, residents)
    except OpenpeelError as err:
        raise click.ClickException(str(err).splitlines()[0]) from None
    emit_result(result, fmt)


@official_group.command("outcomes")
@force_option()
@click.option(
    "--year", "period", metavar="YYYY/YY", help="Financial year as loaded; default: the latest."
)
@click.option("--offence-group", metavar="GROUP", help="e.g. 'Violence against the person'.")
@FORMAT
@click.pass_obj
def official_outcomes(
    obj: Context, force_id: str, period: str | None, offence_group: str | None, fmt: str
) -> None:
    """Share of recorded crimes with each outcome group, against every force."""
    from openpeel.indicators.official_outcomes import PUBLICATION, outcome_shares
    from openpeel.store.official import official_figures

    try:
        figures = official_figures(obj.data_dir, PUBLICATION)
        chosen = period or max(set(figures["period"].to_pylist()))
        result = outcome_shares(figures, force_id, chosen, offence_group)
    except OpenpeelError as err:
        raise click.ClickException(str(err).splitlines()[0]) from None
    emit_result(result, fmt)


@official_group.command("workforce")
@force_option()
@click.option(
    "--year", "period", metavar="DATE", help="As loaded, e.g. '31 March 2017'; default: latest."
)
@FORMAT
@click.pass_obj
def official_workforce(obj: Context, force_id: str, period: str | None, fmt: str) -> None:
    """Ethnic-minority share of officers, joiners and leavers against the population."""
    from openpeel.indicators.official_workforce import PUBLICATION, workforce_representation
    from openpeel.store.official import official_figures

    try:
        figures = official_figures(obj.data_dir, PUBLICATION)
        chosen = period or max(set(figures["period"].to_pylist()), key=lambda p: p[-4:])
        result = workforce_representation(figures, force_id, chosen)
    except OpenpeelError as err:
        raise click.ClickException(str(err).splitlines()[0]) from None
    emit_result(result, fmt)


COMMANDS = (official_group,)
