"""Commands for managing offenders: ``openpeel offenders load|caseload|overdue|forecast|
time-to-first|wanted-missing|orders|further-offending|per-100k|synth`` (and ``openpeel synth
offenders``, the same generator)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from openpeel.cli.options import (
    CONFIDENCE,
    DEFAULT_FORCE,
    choice_option,
    force_option,
    setting_option,
)
from openpeel.cli.output import (
    FORMAT,
    Context,
    console,
    emit_extract_load,
    emit_result,
    plain_text,
    user_errors,
)
from openpeel.cli.pages import prepare_pages
from openpeel.cli.synth import synth_offenders

FORCE = force_option(default=DEFAULT_FORCE, help="Force id (see docs/forces or 'openpeel status').")
AS_AT = click.option(
    "--as-at",
    "as_at",
    metavar="YYYY-MM-DD",
    help="Extract date to measure at (default: the latest loaded extract's).",
)
START = click.option(
    "--from", "start", metavar="YYYY-MM", help="First month shown (default: first activity)."
)


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"{name}: not a date (YYYY-MM-DD): {value!r}") from None


def _month(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise click.ClickException(f"--from: not a month (YYYY-MM): {value!r}") from None


def _connect(obj: Context) -> Any:
    import openpeel

    return openpeel.connect(obj.data_dir)


@click.group("offenders")
def offenders_group() -> None:
    """Managing registered sex offenders from a force's own (pseudonymised) extract."""


@offenders_group.command("load")
@click.argument("folder", type=click.Path(path_type=Path))
@FORCE
@AS_AT
@click.option("--snapshot", help="Label the load (default: from the extract).")
@FORMAT
@click.pass_obj
def load(
    obj: Context, folder: Path, force_id: str, as_at: str | None, snapshot: str | None, fmt: str
) -> None:
    """Load an extract folder (docs/offenders.md); reloading the same extract changes nothing."""
    from openpeel.store.offenders import load_offender_extract

    with user_errors():
        report = load_offender_extract(
            folder, force_id, obj.data_dir, _day(as_at, "--as-at"), snapshot
        )
    prepare_pages(obj.workspace)
    emit_extract_load(report, fmt, f"Offender extract for {force_id} as at {report.as_at}")
    if fmt == "table":
        for f in report.files:
            for reason in f.first_reasons:
                console.print(
                    plain_text("rejected", "red"), plain_text(f"{f.source_file} {reason}")
                )
        for name in report.files_absent:
            console.print(f"[dim]not in the extract:[/] {name}")
        if report.is_synthetic:
            console.print("[bold yellow]SYNTHETIC DATA[/]: not a real force's offenders.")


@offenders_group.command("caseload")
@FORCE
@AS_AT
@START
@click.option(
    "--guide",
    default=None,
    type=click.FloatRange(1, 1000),
    help="Guide caseload per FTE (default: the project's assumption, 50).",
)
@FORMAT
@click.pass_obj
def caseload_command(
    obj: Context, force_id: str, as_at: str | None, start: str | None, guide: float | None,
    fmt: str,
) -> None:  # fmt: skip
    """Registered offenders per offender manager FTE, month by month."""
    from openpeel.indicators.offenders import CASELOAD_GUIDE_PER_FTE, caseload

    with user_errors():
        result = caseload(
            _connect(obj),
            force_id,
            _day(as_at, "--as-at"),
            _month(start),
            guide or CASELOAD_GUIDE_PER_FTE,
        )
    emit_result(result, fmt)


@offenders_group.command("overdue")
@FORCE
@AS_AT
@START
@choice_option(
    "--risk",
    ["all", "very_high", "high", "medium", "low", "each"],
    "Risk level to show ('each': every level and all).",
)
@CONFIDENCE
@FORMAT
@click.pass_obj
def overdue_command(
    obj: Context, force_id: str, as_at: str | None, start: str | None, risk: str,
    confidence: float, fmt: str,
) -> None:  # fmt: skip
    """Overdue ARMS assessments and home visits by month (the backlog curve)."""
    from openpeel.indicators.offenders import overdue

    with user_errors():
        result = overdue(
            _connect(obj), force_id, _day(as_at, "--as-at"), _month(start), confidence=confidence
        )
    if risk != "each":
        result.table = result.table[result.table["risk_level"] == risk].reset_index(drop=True)
    emit_result(result, fmt)


@offenders_group.command("forecast")
@FORCE
@AS_AT
@click.option("--target", metavar="YYYY-MM-DD", help="Clear the backlog by (default: +6 months).")
@setting_option(
    "--window",
    click.IntRange(3, 36),
    6,
    "Recent months the clearance and capacity are measured over.",
)
@CONFIDENCE
@FORMAT
@click.pass_obj
def forecast_command(
    obj: Context, force_id: str, as_at: str | None, target: str | None, window: int,
    confidence: float, fmt: str,
) -> None:  # fmt: skip
    """When the backlog clears, and the FTE needed to clear it by a target date."""
    from openpeel.indicators.offender_forecast import backlog_forecast

    with user_errors():
        result = backlog_forecast(
            _connect(obj),
            force_id,
            _day(as_at, "--as-at"),
            _day(target, "--target"),
            window,
            confidence,
        )
    emit_result(result, fmt)
    if fmt == "table":
        for line in result.meta["assumptions"]:
            console.print(f"[cyan]Assumption:[/] {line}")


def _simple(name: str, function: str, doc: str, with_confidence: bool = True) -> click.Command:
    """A command that prints one indicator of ``openpeel.indicators.offenders``."""

    @FORCE
    @AS_AT
    @FORMAT
    @click.pass_obj
    def command(obj: Context, force_id: str, as_at: str | None, fmt: str, **options: Any) -> None:
        from openpeel.indicators import offenders

        with user_errors():
            result = getattr(offenders, function)(
                _connect(obj), force_id, _day(as_at, "--as-at"), **options
            )
        emit_result(result, fmt)

    command.__doc__ = doc
    if with_confidence:
        command = CONFIDENCE(command)
    return offenders_group.command(name)(command)


_simple("time-to-first", "time_to_first", "Days from registration to the first ARMS and visit.")
_simple("wanted-missing", "wanted_missing", "Offenders wanted or missing, with days since.", False)
_simple("orders", "orders_and_breaches", "Orders, breaches, device checks per 100 offenders.")
_simple("further-offending", "further_offending", "Further sexual offending (exact intervals).")
_simple("per-100k", "per_100k_residents", "Registered offenders per 100,000 residents.")


offenders_group.add_command(synth_offenders, "synth")  # also 'openpeel synth offenders'

COMMANDS = (offenders_group,)
