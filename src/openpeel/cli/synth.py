"""The ``openpeel synth ...`` commands: SYNTHETIC data in the formats of the real sources,
police.uk archives (``openpeel synth OUT``, the default) and the force-internal extracts
(``openpeel synth offenders|vulnerability|crime-recording OUT``); thin faces over
``openpeel.synth``. Every command takes ``OUT``, ``--force`` and the months written
(``options.synthetic_extract``); an extract's command says what it wrote in one sentence."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openpeel.calendar import Period
from openpeel.cli.lazy import library
from openpeel.cli.options import setting_option, synthetic_extract
from openpeel.cli.output import Context, user_errors
from openpeel.errors import UserInputError

if TYPE_CHECKING:
    from openpeel.synth.extract import ExtractSummary

# The archive reader loads the force list and every vocabulary: not for --help.
month_date = library("sources.policeuk_archive", "month_date")
force = library("reference.forces", "force")


def _wrote(summary: ExtractSummary, what: str, after_folder: str = "") -> str:
    """What an extract's command wrote: 'Wrote a SYNTHETIC <what> extract to <folder> (<rows
    per table>); snapshot <label>'."""
    rows = ", ".join(f"{k}: {v:,}" for k, v in summary.rows.items())
    return (
        f"Wrote a SYNTHETIC {what} extract to {summary.out_dir}{after_folder} ({rows}); "
        f"snapshot {summary.snapshot}"
    )


def _load_it(summary: ExtractSummary, group: str) -> str:
    """How to load what was written: 'openpeel <group> load <folder> --force <force>'."""
    return f". Load it with: openpeel {group} load {summary.out_dir} --force {summary.force_id}"


class SynthGroup(click.Group):
    """``openpeel synth OUT`` writes police.uk files; ``openpeel synth offenders OUT`` (and any
    other subcommand) writes another source's SYNTHETIC files."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["police-uk", *args]
        return super().parse_args(ctx, args)


@click.group("synth", cls=SynthGroup)
def synth_group() -> None:
    """Write SYNTHETIC data: police.uk files (the default: openpeel synth OUT ...) or another
    source's extract (openpeel synth offenders|vulnerability|crime-recording OUT ...)."""


@synth_group.command("police-uk")
@synthetic_extract("2021-04", "2022-03", multiple_forces=True)
@setting_option("--seed", int, 1)
@setting_option("--scale", float, 1.0, "Multiply volumes.")
@click.option(
    "--missing-month",
    "missing_months",
    multiple=True,
    metavar="YYYY-MM",
    help="Leave a month out.",
)
@click.option("--legacy-vocabulary", is_flag=True, help="Use the pre-2020 PACE-coded labels.")
def synth_command(out: Path, force_ids: tuple[str, ...], **archive: Any) -> None:
    """Write SYNTHETIC police.uk files (street, outcomes, stop-and-search) in archive layout."""
    from openpeel.synth import write_archive

    # The options (--from/--to, --seed, --scale, --missing-month, --legacy-vocabulary) are named
    # by write_archive's parameters and passed to it whole, once checked.
    with user_errors():
        for m in (archive["start"], archive["end"], *archive["missing_months"]):
            month_date(m)
        Period.from_months(archive["start"], archive["end"])  # the period runs forwards
        for force_id in force_ids:
            force(force_id)
        if archive["scale"] < 0 or archive["seed"] < 0:
            raise UserInputError("--scale and --seed must not be negative")
        summary = write_archive(out, force_id=force_ids[0], forces=list(force_ids), **archive)
    click.echo(
        f"Wrote {len(summary.files)} synthetic files to {summary.out_dir} "
        f"({', '.join(f'{k}: {v:,} rows' for k, v in summary.rows.items())}); "
        f"snapshot {summary.snapshot}"
    )


@click.command("offenders")
@synthetic_extract("2021-04", "2024-03")
@setting_option("--seed", int, 1)
@click.option(
    "--offenders", "size", default=1500, show_default=True, type=click.IntRange(10, 100_000),
    help="Registered offenders at the start.",
)  # fmt: skip
def synth_offenders(out: Path, force_id: str, start: str, end: str, seed: int, size: int) -> None:
    """Write a SYNTHETIC offender management extract (the format of docs/offenders.md)."""
    from openpeel.synth.offenders import write_offender_extract

    with user_errors():
        summary = write_offender_extract(out, force_id, start, end, seed, size)
    click.echo(
        _wrote(summary, "offender", f" as at {summary.as_at}") + _load_it(summary, "offenders")
    )


@click.command("vulnerability")
@synthetic_extract("2022-04")
@setting_option("--months", click.IntRange(1, 120), 24)
@setting_option("--seed", int, 1)
@setting_option("--scale", click.FloatRange(0.001, 10), 1.0)
@click.option("--load", "load_it", is_flag=True, help="Load the files into the data directory.")
@click.pass_obj
def synth_vulnerability(
    obj: Context, out: Path, force_id: str, start: str, months: int, seed: int, scale: float,
    load_it: bool,
) -> None:  # fmt: skip
    """Write a SYNTHETIC vulnerability extract (a large force, two years, a growing backlog)."""
    from openpeel.store.vulnerability import load_folder
    from openpeel.synth.vulnerability import write_vulnerability_extract

    with user_errors():
        summary = write_vulnerability_extract(out, force_id, start, months, seed, scale)
        if load_it:
            load_folder(out, force_id, obj.data_dir)
    click.echo(_wrote(summary, "vulnerability") + ("; loaded" if load_it else ""))


@click.command("crime-recording")
@synthetic_extract("2021-04", "2021-09")
@setting_option("--seed", click.IntRange(0, 2**31 - 1), 1)
@click.option(
    "--incidents", default=20_000, show_default=True, type=click.IntRange(10, 2_000_000),
    help="Incidents opened over the period.",
)  # fmt: skip
def synth_crime_recording(
    out: Path, force_id: str, start: str, end: str, seed: int, incidents: int
) -> None:
    """Write a SYNTHETIC crime recording extract (the format of docs/crime_recording.md)."""
    from openpeel.synth.crime_recording import write_crime_recording_extract

    with user_errors():
        try:
            summary = write_crime_recording_extract(out, force_id, start, end, seed, incidents)
        except ValueError as err:
            raise click.ClickException(str(err)) from None
    click.echo(_wrote(summary, "crime recording") + _load_it(summary, "audit"))


synth_group.add_command(synth_offenders, "offenders")
synth_group.add_command(synth_vulnerability, "vulnerability")
synth_group.add_command(synth_crime_recording, "crime-recording")

COMMANDS = (synth_group,)
