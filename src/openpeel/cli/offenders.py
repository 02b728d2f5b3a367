"""Commands for managing offenders: ``openpeel offenders load|caseload|overdue|forecast|
time-to-first|wanted-missing|orders|further-offending|per-100k|synth`` (and ``openpeel synth
offenders``, the same generator)."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
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


def _indicator(
    name: str,
    function: str,
    doc: str,
    *options: Callable[[Any], Any],
    confidence: str = "last",
    shown_by: Callable[..., None] | None = None,
) -> click.Command:
    """A command printing one indicator of a force's extract as at a day: ``--force``,
    ``--as-at``, ``options``, ``--confidence`` (``confidence``: "first", "last" or "none") and
    ``--format``.

    The options' values go by name to ``openpeel.indicators.<function>`` (``--from`` as a month,
    ``--target`` as a day, one left unset to the function's default); ``shown_by(result, fmt,
    **values)`` prints the result instead of the plain table, and its keyword-only parameters
    are options it takes for itself rather than the function's.
    """
    own = set(inspect.signature(shown_by).parameters) - {"result", "fmt"} if shown_by else set()

    def command(obj: Context, force_id: str, as_at: str | None, fmt: str, **values: Any) -> None:
        module, _, name_in = function.rpartition(".")
        compute = getattr(importlib.import_module(f"openpeel.indicators.{module}"), name_in)
        with user_errors():
            result = compute(
                _connect(obj),
                force_id,
                _day(as_at, "--as-at"),
                **_passed({k: v for k, v in values.items() if k not in own}),
            )
        if shown_by is None:
            emit_result(result, fmt)
        else:
            shown_by(result, fmt, **{k: values[k] for k in own})

    command.__doc__ = doc
    decorated: Any = click.pass_obj(command)
    chosen = (CONFIDENCE,) if confidence == "last" else ()
    for option in reversed((FORCE, AS_AT, *options, *chosen, FORMAT)):
        decorated = option(decorated)
    if confidence == "first":
        decorated = CONFIDENCE(decorated)
    return offenders_group.command(name)(decorated)


def _passed(values: dict[str, Any]) -> dict[str, Any]:
    """The options' values the indicator function gets: converted, unset ones left out."""
    converted = {k: _CONVERT[k](v) if k in _CONVERT else v for k, v in values.items()}
    return {k: v for k, v in converted.items() if v is not None}


#: Option values converted before they reach the indicator function.
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "start": _month,
    "target": lambda value: _day(value, "--target"),
}


def _risk_rows(result: Any, fmt: str, *, risk: str) -> None:
    if risk != "each":
        result.table = result.table[result.table["risk_level"] == risk].reset_index(drop=True)
    emit_result(result, fmt)


def _with_assumptions(result: Any, fmt: str) -> None:
    emit_result(result, fmt)
    if fmt == "table":
        for line in result.meta["assumptions"]:
            console.print(f"[cyan]Assumption:[/] {line}")


_indicator(
    "caseload",
    "offenders.caseload",
    "Registered offenders per offender manager FTE, month by month.",
    START,
    click.option(
        "--guide",
        "guide_per_fte",
        default=None,
        type=click.FloatRange(1, 1000),
        help="Guide caseload per FTE (default: the project's assumption, 50).",
    ),
    confidence="none",
)
_indicator(
    "overdue",
    "offenders.overdue",
    "Overdue ARMS assessments and home visits by month (the backlog curve).",
    START,
    choice_option(
        "--risk",
        ["all", "very_high", "high", "medium", "low", "each"],
        "Risk level to show ('each': every level and all).",
    ),
    shown_by=_risk_rows,
)
_indicator(
    "forecast",
    "offender_forecast.backlog_forecast",
    "When the backlog clears, and the FTE needed to clear it by a target date.",
    click.option(
        "--target", metavar="YYYY-MM-DD", help="Clear the backlog by (default: +6 months)."
    ),
    setting_option(
        "--window",
        click.IntRange(3, 36),
        6,
        "Recent months the clearance and capacity are measured over.",
        dest="window_months",
    ),
    shown_by=_with_assumptions,
)
_indicator(
    "time-to-first",
    "offenders.time_to_first",
    "Days from registration to the first ARMS and visit.",
    confidence="first",
)
_indicator(
    "wanted-missing",
    "offenders.wanted_missing",
    "Offenders wanted or missing, with days since.",
    confidence="none",
)
_indicator(
    "orders",
    "offenders.orders_and_breaches",
    "Orders, breaches, device checks per 100 offenders.",
    confidence="first",
)
_indicator(
    "further-offending",
    "offenders.further_offending",
    "Further sexual offending (exact intervals).",
    confidence="first",
)
_indicator(
    "per-100k",
    "offenders.per_100k_residents",
    "Registered offenders per 100,000 residents.",
    confidence="first",
)


offenders_group.add_command(synth_offenders, "synth")  # also 'openpeel synth offenders'

COMMANDS = (offenders_group,)
