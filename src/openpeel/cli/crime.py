"""Commands about crime and what happens to it: ``openpeel crime ...`` and
``openpeel outcomes ...`` (thin faces over ``openpeel.indicators.crime`` and
``openpeel.indicators.investigations``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from openpeel.calendar import Period
from openpeel.cli.lazy import library
from openpeel.cli.options import FORCE_HELP, PERIOD, choice_option, chosen_period, force_option
from openpeel.cli.output import FORMAT, Context, console, emit_result, user_errors
from openpeel.errors import UserInputError
from openpeel.reference.outcome_classes import COMPLETE_AFTER_MONTHS, MEASURES
from openpeel.reference.vocabularies import vocabulary

if TYPE_CHECKING:
    from openpeel.indicators.result import IndicatorResult

connect = library("store.connection", "connect")

#: The choices and defaults of options come from reference data (the measures and follow-up in
#: ``reference.outcome_classes``), so that ``--help`` imports no analytics library (a test checks
#: each against the library's own).
CRIME_TYPES = ["all_crime", *dict.fromkeys(t.code for t in vocabulary("crime_type").values())]


def _period_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--from``, ``--to`` and ``--fy``, then ``--format``."""
    return PERIOD(FORMAT(func))


def _force_option(required: bool) -> Callable[..., Any]:
    return force_option(
        required=False,
        help=FORCE_HELP if required else "Mark this force (all forces are shown). " + FORCE_HELP,
    )


def _measure_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--measure",
        type=click.Choice(list(MEASURES)),
        default=None,
        help="Show one measure only (default: all).",
    )(func)


def _complete_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--complete-after",
        type=click.IntRange(min=0),
        default=COMPLETE_AFTER_MONTHS,
        show_default=True,
        metavar="MONTHS",
        help="Months of follow-up before a month's crimes count as complete.",
    )(func)


def _inputs(
    obj: Context,
    force_id: str | None,
    start: str | None,
    end: str | None,
    fy: str | None,
    force_required: bool = True,
) -> tuple[Any, Period]:
    """The connection and period, or a ValueError for the user (inside ``user_errors``)."""
    if force_required and not force_id:
        raise UserInputError(
            "give a force: --force FORCE (a data.police.uk id, e.g. west-midlands)"
        )
    con = connect(obj.workspace)
    return con, chosen_period(con, start, end, fy, [force_id] if force_id else None)


def _run(fmt: str, compute: Callable[[], IndicatorResult]) -> IndicatorResult:
    with user_errors():
        result = compute()
    emit_result(result, fmt)
    return result


@dataclass(frozen=True)
class _ForceIndicator:
    """A command printing one indicator of one force (or of every force) over a period: every
    option's value is passed by name to the library function ``openpeel.indicators.<compute>``
    (imported when the command runs); ``table_notes`` prints lines after the terminal table."""

    name: str
    compute: str
    help: str
    options: tuple[Callable[..., Any], ...] = ()
    table_notes: Callable[[IndicatorResult], None] | None = None
    #: Every force loaded, ``--force`` marking one: ``compute(con, period, force_id=...)``.
    every_force: bool = False


def _force_commands(group: click.Group, specs: tuple[_ForceIndicator, ...]) -> None:
    """Add one command to ``group`` for each of ``specs``."""
    for spec in specs:
        _add_force_command(group, spec)


def _add_force_command(group: click.Group, spec: _ForceIndicator) -> None:
    module, _, function = spec.compute.rpartition(".")
    compute = library(f"indicators.{module}", function)

    def command(
        obj: Context,
        force_id: str | None,
        start: str | None,
        end: str | None,
        fy: str | None,
        fmt: str,
        **choices: Any,
    ) -> None:
        def indicator() -> IndicatorResult:
            con, period = _inputs(obj, force_id, start, end, fy, not spec.every_force)
            if spec.every_force:
                return compute(con, period, force_id=force_id, **choices)
            return compute(con, str(force_id), period, **choices)

        result = _run(fmt, indicator)
        if fmt == "table" and spec.table_notes is not None:
            spec.table_notes(result)

    command.__doc__ = spec.help
    decorated = click.pass_obj(command)
    for option in reversed(spec.options):
        decorated = option(decorated)
    force = _force_option(required=not spec.every_force)
    group.command(spec.name)(force(_period_options(decorated)))


def _crime_type_option(help_text: str) -> Callable[..., Any]:
    return click.option(
        "--crime-type", type=click.Choice(CRIME_TYPES), default=None, help=help_text
    )


# --------------------------------------------------------------------------- crime


@click.group("crime")
def crime_group() -> None:
    """Crime volumes, rates per 1,000 residents and trends (police.uk street files)."""


def _trend_notes(result: IndicatorResult) -> None:
    for series, trend in result.meta["trend"].items():
        if trend is None:
            continue
        console.print(
            f"[bold]Trend[/] {series}: {trend['percent_change_per_year']:+.1f}% a year "
            f"(95% interval {trend['percent_change_per_year_low']:+.1f}% to "
            f"{trend['percent_change_per_year_high']:+.1f}%), "
            f"{trend['months_used']} months, dispersion {trend['dispersion']:.1f}"
        )


_force_commands(
    crime_group,
    (
        _ForceIndicator(
            "volumes",
            "crime.crime_volumes",
            """Street-file rows by month and crime type: force_id,month,crime_type,crimes.

            Anti-social behaviour is its own type; a month with no file has empty counts.
            """,
        ),
        _ForceIndicator(
            "rates",
            "crime.crime_rates",
            """Crimes per 1,000 residents a year by crime type, with exact Poisson intervals.

            Needs population denominators ('openpeel population load').
            """,
            (
                choice_option(
                    "--by",
                    ["period", "month"],
                    "One rate per crime type over the period, or one per month.",
                ),
            ),
        ),
        _ForceIndicator(
            "trend",
            "crime.crime_trend",
            "Monthly counts with Poisson control limits, partial-month flags and a trend line.",
            (_crime_type_option("One series (default: all_crime and anti_social_behaviour)."),),
            _trend_notes,
        ),
    ),
)


# --------------------------------------------------------------------------- outcomes


@click.group("outcomes")
def outcomes_group() -> None:
    """What happens to reported crime: outcome rates, time to outcome, peers, data quality."""


def _event_notes(result: IndicatorResult) -> None:
    for event, facts in result.meta["events"].items():
        median = facts.get("median_months")
        console.print(
            f"[bold]{event}[/]: {facts['crimes_with_event']} crimes; median "
            + ("not reached" if median is None else f"{median:g} months")
        )


_force_commands(
    outcomes_group,
    (
        _ForceIndicator(
            "summary",
            "investigations.outcome_summary",
            "Outcome rates by month of the crime, with Wilson intervals; recent months flagged.",
            (_measure_option, _complete_option),
        ),
        _ForceIndicator(
            "by-type",
            "investigations.outcomes_by_type",
            "Outcome rates by crime type over the period, with Wilson intervals.",
            (_measure_option, _complete_option),
        ),
        _ForceIndicator(
            "time-to-outcome",
            "investigations.time_to_outcome",
            """Months from crime to first outcome of each class (Kaplan–Meier; open cases censored).

            Needs the outcomes files of the months after the crimes.
            """,
            (_crime_type_option("Only crimes of this type (default: all crime)."),),
            _event_notes,
        ),
        _ForceIndicator(
            "history",
            "investigations.outcome_history",
            "Every outcome row of the crimes recorded in the period, linked by Crime ID.",
            (click.option("--crime-id", default=None, help="Only this crime (64-hex Crime ID)."),),
        ),
        _ForceIndicator(
            "quality",
            "investigations.outcome_quality",
            "Orphan outcomes, crimes without location or Crime ID, months missing.",
        ),
        _ForceIndicator(
            "peers",
            "investigations.outcome_peers",
            "Outcome rates of every force loaded, with funnel-plot limits around the pooled rate.",
            (_measure_option, _complete_option),
            every_force=True,
        ),
    ),
)


COMMANDS = (crime_group, outcomes_group)
