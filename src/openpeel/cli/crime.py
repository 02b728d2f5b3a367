"""Commands about crime and what happens to it: ``openpeel crime ...`` and
``openpeel outcomes ...`` (thin faces over ``openpeel.indicators.crime`` and
``openpeel.indicators.investigations``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from openpeel.calendar import Period
from openpeel.cli.lazy import library
from openpeel.cli.options import FORCE_HELP, PERIOD, chosen_period, force_option
from openpeel.cli.output import FORMAT, Context, console, emit_result, user_errors
from openpeel.errors import UserInputError
from openpeel.reference.vocabularies import vocabulary

if TYPE_CHECKING:
    from openpeel.indicators.result import IndicatorResult

crime_rates = library("indicators.crime", "crime_rates")
crime_trend = library("indicators.crime", "crime_trend")
crime_volumes = library("indicators.crime", "crime_volumes")
outcome_history = library("indicators.investigations", "outcome_history")
outcome_peers = library("indicators.investigations", "outcome_peers")
outcome_quality = library("indicators.investigations", "outcome_quality")
outcome_summary = library("indicators.investigations", "outcome_summary")
outcomes_by_type = library("indicators.investigations", "outcomes_by_type")
time_to_outcome = library("indicators.investigations", "time_to_outcome")
connect = library("store.connection", "connect")

#: The choices and defaults of options, written here so that ``--help`` imports no analytics
#: library (a test checks each against the library's own).
CRIME_TYPES = ["all_crime", *dict.fromkeys(t.code for t in vocabulary("crime_type").values())]
MEASURES = (  # indicators.investigations.MEASURES
    "charged_summonsed",
    "out_of_court",
    "evidential_difficulties",
    "no_suspect_identified",
    "other_closed",
    "under_investigation",
    "no_status",
    "unknown",
    "awaiting_court",
    "under_investigation_or_awaiting_court",
)
COMPLETE_AFTER_MONTHS = 12  # indicators.investigations.COMPLETE_AFTER_MONTHS


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


# --------------------------------------------------------------------------- crime


@click.group("crime")
def crime_group() -> None:
    """Crime volumes, rates per 1,000 residents and trends (police.uk street files)."""


@crime_group.command("volumes")
@_force_option(required=True)
@_period_options
@click.pass_obj
def crime_volumes_command(
    obj: Context,
    force_id: str | None,
    start: str | None,
    end: str | None,
    fy: str | None,
    fmt: str,
) -> None:
    """Street-file rows by month and crime type: force_id,month,crime_type,crimes.

    Anti-social behaviour is its own type; a month with no file has empty counts.
    """

    def compute() -> IndicatorResult:
        con, period = _inputs(obj, force_id, start, end, fy)
        return crime_volumes(con, str(force_id), period)

    _run(fmt, compute)


@crime_group.command("rates")
@_force_option(required=True)
@_period_options
@click.option(
    "--by",
    type=click.Choice(["period", "month"]),
    default="period",
    show_default=True,
    help="One rate per crime type over the period, or one per month.",
)
@click.pass_obj
def crime_rates_command(
    obj: Context,
    force_id: str | None,
    start: str | None,
    end: str | None,
    fy: str | None,
    fmt: str,
    by: str,
) -> None:
    """Crimes per 1,000 residents a year by crime type, with exact Poisson intervals.

    Needs population denominators ('openpeel population load').
    """

    def compute() -> IndicatorResult:
        con, period = _inputs(obj, force_id, start, end, fy)
        return crime_rates(con, str(force_id), period, by=by)

    _run(fmt, compute)


@crime_group.command("trend")
@_force_option(required=True)
@_period_options
@click.option(
    "--crime-type",
    type=click.Choice(CRIME_TYPES),
    default=None,
    help="One series (default: all_crime and anti_social_behaviour).",
)
@click.pass_obj
def crime_trend_command(
    obj: Context,
    force_id: str | None,
    start: str | None,
    end: str | None,
    fy: str | None,
    fmt: str,
    crime_type: str | None,
) -> None:
    """Monthly counts with Poisson control limits, partial-month flags and a trend line."""

    def compute() -> IndicatorResult:
        con, period = _inputs(obj, force_id, start, end, fy)
        return crime_trend(con, str(force_id), period, crime_type=crime_type)

    result = _run(fmt, compute)
    if fmt == "table":
        for series, trend in result.meta["trend"].items():
            if trend is None:
                continue
            console.print(
                f"[bold]Trend[/] {series}: {trend['percent_change_per_year']:+.1f}% a year "
                f"(95% interval {trend['percent_change_per_year_low']:+.1f}% to "
                f"{trend['percent_change_per_year_high']:+.1f}%), "
                f"{trend['months_used']} months, dispersion {trend['dispersion']:.1f}"
            )


# --------------------------------------------------------------------------- outcomes


@click.group("outcomes")
def outcomes_group() -> None:
    """What happens to reported crime: outcome rates, time to outcome, peers, data quality."""


def _outcome_rates_command(
    name: str, rates: Callable[..., IndicatorResult], doc: str
) -> click.Command:
    """``outcomes summary`` and ``outcomes by-type``: the same options over two indicators."""

    @_force_option(required=True)
    @_period_options
    @_measure_option
    @_complete_option
    @click.pass_obj
    def command(
        obj: Context,
        force_id: str | None,
        start: str | None,
        end: str | None,
        fy: str | None,
        fmt: str,
        measure: str | None,
        complete_after: int,
    ) -> None:
        def compute() -> IndicatorResult:
            con, period = _inputs(obj, force_id, start, end, fy)
            return rates(con, str(force_id), period, measure=measure, complete_after=complete_after)

        _run(fmt, compute)

    command.__doc__ = doc
    return outcomes_group.command(name)(command)


outcomes_summary_command = _outcome_rates_command(
    "summary",
    outcome_summary,
    "Outcome rates by month of the crime, with Wilson intervals; recent months flagged.",
)
outcomes_by_type_command = _outcome_rates_command(
    "by-type",
    outcomes_by_type,
    "Outcome rates by crime type over the period, with Wilson intervals.",
)


@outcomes_group.command("time-to-outcome")
@_force_option(required=True)
@_period_options
@click.option(
    "--crime-type",
    type=click.Choice(CRIME_TYPES),
    default=None,
    help="Only crimes of this type (default: all crime).",
)
@click.pass_obj
def outcomes_time_command(
    obj: Context,
    force_id: str | None,
    start: str | None,
    end: str | None,
    fy: str | None,
    fmt: str,
    crime_type: str | None,
) -> None:
    """Months from crime to first outcome of each class (Kaplan–Meier; open cases censored).

    Needs the outcomes files of the months after the crimes.
    """

    def compute() -> IndicatorResult:
        con, period = _inputs(obj, force_id, start, end, fy)
        return time_to_outcome(con, str(force_id), period, crime_type=crime_type)

    result = _run(fmt, compute)
    if fmt == "table":
        for event, facts in result.meta["events"].items():
            median = facts.get("median_months")
            console.print(
                f"[bold]{event}[/]: {facts['crimes_with_event']} crimes; median "
                + ("not reached" if median is None else f"{median:g} months")
            )


@outcomes_group.command("peers")
@_force_option(required=False)
@_period_options
@_measure_option
@_complete_option
@click.pass_obj
def outcomes_peers_command(
    obj: Context,
    force_id: str | None,
    start: str | None,
    end: str | None,
    fy: str | None,
    fmt: str,
    measure: str | None,
    complete_after: int,
) -> None:
    """Outcome rates of every force loaded, with funnel-plot limits around the pooled rate."""

    def compute() -> IndicatorResult:
        con, period = _inputs(obj, force_id, start, end, fy, force_required=False)
        return outcome_peers(
            con, period, force_id=force_id, measure=measure, complete_after=complete_after
        )

    _run(fmt, compute)


@outcomes_group.command("history")
@_force_option(required=True)
@_period_options
@click.option("--crime-id", default=None, help="Only this crime (64-hex Crime ID).")
@click.pass_obj
def outcomes_history_command(
    obj: Context,
    force_id: str | None,
    start: str | None,
    end: str | None,
    fy: str | None,
    fmt: str,
    crime_id: str | None,
) -> None:
    """Every outcome row of the crimes recorded in the period, linked by Crime ID."""

    def compute() -> IndicatorResult:
        con, period = _inputs(obj, force_id, start, end, fy)
        return outcome_history(con, str(force_id), period, crime_id=crime_id)

    _run(fmt, compute)


@outcomes_group.command("quality")
@_force_option(required=True)
@_period_options
@click.pass_obj
def outcomes_quality_command(
    obj: Context,
    force_id: str | None,
    start: str | None,
    end: str | None,
    fy: str | None,
    fmt: str,
) -> None:
    """Orphan outcomes, crimes without location or Crime ID, months missing."""

    def compute() -> IndicatorResult:
        con, period = _inputs(obj, force_id, start, end, fy)
        return outcome_quality(con, str(force_id), period)

    _run(fmt, compute)


COMMANDS = (crime_group, outcomes_group)
