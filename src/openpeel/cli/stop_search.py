"""``openpeel stop-search ...``: the stop-and-search monitoring HMICFRS asks forces to do.

Every command takes the forces (``--force``, repeatable; default every force with data) and a
period (``--fy 2019/20`` or ``--from 2019-04 --to 2020-03``), and prints a table, CSV or JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openpeel.cli.lazy import library
from openpeel.cli.options import CONFIDENCE, PERIOD, choice_option, chosen_period, force_option
from openpeel.cli.output import FORMAT, Context, emit_result, user_errors
from openpeel.errors import SourceFormatError, UserInputError

if TYPE_CHECKING:
    from openpeel.indicators.result import IndicatorResult

#: The choices of options, written here so that ``--help`` imports no analytics library (a
#: test checks each against the library's own list).
CENSUS2021 = "census2021"  # indicators.stop_search.CENSUS2021
ALL = "all"  # indicators.stop_search_outcomes.ALL
METHODS = ("exact", "score", "wald_log")  # stats.rate_ratio.METHODS
POSITIVES = ("any_action", "arrest", "linked")  # indicators.stop_search_models.POSITIVES
CLOCKS = ("auto", "utc", "local")  # indicators.stop_search_models.CLOCKS


quality = library("indicators.stop_search_quality", "quality")
trend = library("indicators.stop_search_quality", "trend")
rates = library("indicators.stop_search", "rates")
ratios = library("indicators.stop_search", "ratios")
peers = library("indicators.stop_search", "peers")
reconcile = library("indicators.stop_search", "reconcile")
outcomes = library("indicators.stop_search_outcomes", "outcomes")
s60_strip = library("indicators.stop_search_outcomes", "s60_strip")
age_sex = library("indicators.stop_search_outcomes", "age_sex")
hit_rate = library("indicators.stop_search_models", "hit_rate")
darkness = library("indicators.stop_search_models", "darkness")
read_official = library("sources.official_stop_search", "read_official")
population_2011 = library("sources.official_stop_search", "population_2011")
connect = library("store.connection", "connect")


def _scope_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        (
            force_option(
                multiple=True,
                help="Force (data.police.uk id, repeatable); default: every force with data.",
            ),
            PERIOD,
            CONFIDENCE,
            FORMAT,
        )
    ):
        command = option(command)
    return command


POPULATION = click.option(
    "--population",
    default=CENSUS2021,
    show_default=True,
    metavar="census2021|FILE",
    help="Denominators: the loaded Census 2021 table, or a CSV of force_id,ethnic_group,"
    "population (e.g. 2011 figures).",
)


def _run(
    obj: Context,
    fmt: str,
    compute: Callable[..., IndicatorResult],
    start: str | None,
    end: str | None,
    fy: str | None,
    force_ids: tuple[str, ...],
    **kwargs: Any,
) -> IndicatorResult:
    with user_errors():
        con = _connect(obj)
        period = chosen_period(con, start, end, fy, list(force_ids) or None)
        result = compute(con, period, list(force_ids) or None, **kwargs)
    return result


def _show(result: IndicatorResult, fmt: str) -> None:
    """Print a result (the terminal table rounds numbers and names codes; CSV and JSON keep
    full precision and codes)."""
    emit_result(result, fmt)


def _connect(obj: Context) -> Any:
    con = connect(obj.workspace)
    if getattr(con, "name", "") == "duckdb":
        # DuckDB draws a progress bar on standard output during long queries: not in our CSV.
        con.raw_sql("SET enable_progress_bar = false")
    return con


def _population(value: str) -> str | Path:
    return value if value == CENSUS2021 else Path(value)


@click.group("stop-search")
def stop_search() -> None:
    """Stop and search monitoring: quality, rates, ratios, outcomes, models, peers."""


def _indicator_command(
    name: str,
    compute: str,
    help_text: str,
    *options: Callable[..., Any],
    with_confidence: bool = True,
) -> click.Command:
    """A command printing one indicator for the forces and period chosen.

    ``compute`` names the library function bound above (looked up when the command runs, so a
    test can replace it); every option's value is passed to it by name, ``--population`` read
    as the loaded census or a file; ``with_confidence``: whether it takes the confidence
    level.
    """

    def command(
        obj: Context,
        force_ids: tuple[str, ...],
        fy: str | None,
        start: str | None,
        end: str | None,
        confidence: float,
        fmt: str,
        **choices: Any,
    ) -> None:
        if "population" in choices:
            choices["population"] = _population(choices["population"])
        if with_confidence:
            choices["confidence"] = confidence
        _show(_run(obj, fmt, globals()[compute], start, end, fy, force_ids, **choices), fmt)

    command.__name__ = f"{compute}_command"
    command.__doc__ = help_text
    decorated = click.pass_obj(command)
    for option in reversed(options):
        decorated = option(decorated)
    return stop_search.command(name)(_scope_options(decorated))


quality_command = _indicator_command(
    "quality",
    "quality",
    "Data quality: months missing or partial, field completeness, the clock of times.",
)
rates_command = _indicator_command(
    "rates",
    "rates",
    """Searches per 1,000 residents per year by ethnic group, with exact Poisson intervals.

    Columns: group, searches, population, months, rate_per_1000, rate_low, rate_high.
    """,
    POPULATION,
    choice_option(
        "--ethnicity", ["self_defined", "officer_defined"], "Which recorded ethnicity to group by."
    ),
)
ratios_command = _indicator_command(
    "ratios",
    "ratios",
    """Disproportionality ratios against White and the whole population, with not-stated
    bounds (L, H, q*).

    Columns: group, reference, ratio, ratio_low, ratio_high, not_stated, ratio_bound_low,
    ratio_bound_high, q_star, ...
    """,
    POPULATION,
    choice_option(
        "--method",
        METHODS,
        "Interval for the ratios: exact conditional, score, or Wald on the log scale.",
    ),
)
s60_command = _indicator_command(
    "s60",
    "s60_strip",
    "Section 60 and strip searches: volumes, rates and ratios by group, children.",
    POPULATION,
)
age_sex_command = _indicator_command(
    "age-sex",
    "age_sex",
    "Person searches by age x sex x ethnicity; cells under 100 marked too small.",
)
trend_command = _indicator_command(
    "trend",
    "trend",
    "Monthly counts with Poisson control limits; unusual and partial months flagged.",
    with_confidence=False,
)
hit_rate_command = _indicator_command(
    "hit-rate",
    "hit_rate",
    "Outcome test: find rates and odds ratios against White (object-of-search fixed effects).",
    choice_option(
        "--positive",
        POSITIVES,
        "What counts as a positive outcome: any_action (not no further action), arrest, "
        "or linked (a find: a positive outcome linked to the object of search; refused with "
        "the reason when the force fills the link for some outcomes only).",
    ),
)
darkness_command = _indicator_command(
    "darkness",
    "darkness",
    "Veil of darkness: is a group a smaller share of searches after dark?",
    choice_option(
        "--clock", CLOCKS, "How to read published times: infer per force, UTC, or local clock time."
    ),
)
peers_command = _indicator_command(
    "peers",
    "peers",
    "Rates and ratios for every force with data, with funnel limits (--force marks focus).",
    POPULATION,
)


BREAKDOWNS = {
    "group": ("object_of_search", "legislation"),
    "group-object": ("legislation",),
    "group-legislation": ("object_of_search",),
    "all": (),
}


def outcomes_by(
    con: Any, period: Any, force_ids: list[str] | None, confidence: float, by: str
) -> IndicatorResult:
    """``outcomes`` keeping the rows of the breakdown ``by`` (a key of ``BREAKDOWNS``)."""
    result = outcomes(con, period, force_ids, confidence=confidence)
    for column in BREAKDOWNS[by]:
        result.table = result.table[result.table[column] == ALL].reset_index(drop=True)
    return result


outcomes_command = _indicator_command(
    "outcomes",
    "outcomes_by",
    """Arrest rates (over all searches, the Home Office convention, and over known outcomes),
    any-action rates and finds (positive outcomes linked to the object) by group, object and
    legislation.""",
    choice_option(
        "--by",
        BREAKDOWNS,
        "Which rows to print: by group; group x object; group x legislation; or every cell "
        "and margin.",
        default="group-object",
    ),
)


@stop_search.command("reconcile")
@click.argument("official", type=click.Path(path_type=Path))
@force_option(help="The force.")
@click.option("--fy", required=True, metavar="YYYY/YY", help="Financial year, e.g. 2017/18.")
@click.option(
    "--population",
    default=None,
    metavar="census2021|FILE",
    help="Denominators for the police.uk rates (default: the official file's own, when it has "
    "them).",
)
@FORMAT
@click.pass_obj
def reconcile_command(
    obj: Context, official: Path, force_id: str, fy: str, population: str | None, fmt: str
) -> None:
    """Police.uk person searches beside an official table (Ethnicity Facts and Figures, or the
    Home Office table by force), with % differences."""
    with user_errors():
        if not official.is_file():
            raise UserInputError(f"no such file: {official}")
        try:
            table = read_official(official)
        except SourceFormatError:  # the reader's own one-line reasons (OfficialFileError)
            raise
        except (UnicodeDecodeError, KeyError) as err:
            raise SourceFormatError(
                f"{official.name}: not an official stop-and-search table"
            ) from err
        con = _connect(obj)
        result = reconcile(
            con,
            table,
            force_id,
            fy,
            None if population is None else _population(population),
        )
    _show(result, fmt)


@stop_search.command("population-2011")
@click.argument("official", type=click.Path(path_type=Path))
@click.option("--fy", default=None, metavar="YYYY/YY", help="Which year's rows (same figures).")
def population_2011_command(official: Path, fy: str | None) -> None:
    """Print the 2011-Census denominators of the Ethnicity Facts and Figures file as CSV, ready
    for ``--population FILE`` (e.g. to reproduce the Home Office rates before 2018/19)."""
    with user_errors():
        if not official.is_file():
            raise UserInputError(f"no such file: {official}")
        table = population_2011(official, fy)
    click.echo(table[["force_id", "ethnic_group", "population"]].to_csv(index=False), nl=False)


COMMANDS = (stop_search,)
