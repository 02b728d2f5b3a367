"""Official statistics published for every force (ONS, Home Office, HMICFRS):
``openpeel official load FILE...`` (thin face over ``openpeel.store.official``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from openpeel.cli.lazy import library
from openpeel.cli.options import choice_option, force_option
from openpeel.cli.output import (
    FORMAT,
    Context,
    console,
    emit,
    emit_result,
    progress_bar,
    user_errors,
)
from openpeel.cli.pages import prepare_pages
from openpeel.errors import DataUnavailableError

load_official = library("store.official", "load_official")


#: ``--year`` of the publications by financial year (use of force, crime outcomes).
FINANCIAL_YEAR = click.option(
    "--year", "period", metavar="YYYY/YY", help="Financial year as loaded; default: the latest."
)
#: ``--year`` of the HMICFRS value for money profiles (demand, money).
VFM_YEAR = click.option(
    "--year",
    "period",
    metavar="YEAR",
    help="The value for money profiles year as loaded (e.g. 2017); default: the latest.",
)


def _figures_of(obj: Context, publication: str, period: str | None) -> tuple[Any, str]:
    """The loaded figures of a publication by financial year and the period asked for (the
    latest loaded when None)."""
    from openpeel.store.official import official_figures

    figures = official_figures(obj.data_dir, publication)
    return figures, period or max(set(figures["period"].to_pylist()))


def compare_options(func: Any) -> Any:
    """``--compare`` and ``--peers FILE``: every force against this one instead of its own table."""
    func = click.option(
        "--chart",
        "chart_file",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        metavar="FILE.svg",
        help="With --compare: also write the funnel plot (ranked dot plot for money) as SVG.",
    )(func)
    func = click.option(
        "--peers",
        "peers_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="FILE",
        help="CSV of a peer group (column force_id, optionally group, e.g. HMICFRS most similar "
        "groups): adds the force's rank in it. Implies --compare.",
    )(func)
    return click.option(
        "--compare",
        is_flag=True,
        help="Every force against this one: funnel limits, rank with interval, region.",
    )(func)


def _emit(result: Any, fmt: str, chart_file: Path | None) -> None:
    """Print the result; with ``--chart`` and a peers result, write its chart as SVG."""
    if chart_file is not None:
        if "forces_compared" not in result.meta or "kind" not in result.meta:
            raise click.UsageError("--chart needs --compare (the chart shows every force)")
        from openpeel.provenance import SYNTHETIC_MARK
        from openpeel.report.charts import mark_synthetic, peer_chart, to_svg

        what = str(result.title).split(", all forces")[0]
        chart = peer_chart(result.table, result.meta["kind"], what, "denominator")
        svg = to_svg(chart, result.title)
        if result.is_synthetic:
            svg = mark_synthetic(svg, SYNTHETIC_MARK)
        try:
            chart_file.write_text(svg, encoding="utf-8")
        except OSError as err:
            raise click.ClickException(f"cannot write {chart_file}: {err}") from None
    emit_result(result, fmt)


def _peer_group(peers_file: Path | None, force_id: str) -> Any:
    from openpeel.reference.peer_groups import read_peer_group

    return read_peer_group(peers_file, force_id) if peers_file else None


@click.group("official")
def official_group() -> None:
    """Official statistics for every force: recorded crime, outcomes, use of force, workforce,
    value for money."""


@dataclass(frozen=True)
class Versus:
    """``--compare`` and ``--peers``: whether every force is compared with this one, and the
    peer group the force is also ranked in (read when asked for)."""

    wanted: bool
    peers_file: Path | None
    force_id: str

    def group(self) -> Any:
        """The peer group read from ``--peers`` (None without it)."""
        return _peer_group(self.peers_file, self.force_id)


def comparison_command(name: str, year: Any, *options: Any) -> Callable[..., click.Command]:
    """An ``official`` command about one force that can compare it with every force: ``--force``,
    ``year``, the command's own ``options``, ``--compare``/``--peers``/``--chart`` and
    ``--format``. The decorated function gets ``(obj, force_id, period, versus, **options)``
    and returns the result; errors the user caused are one line, the result is printed (and
    its chart written with ``--chart``)."""

    def decorate(compute: Callable[..., Any]) -> click.Command:
        def command(
            obj: Context,
            force_id: str,
            period: str | None,
            compare: bool,
            peers_file: Path | None,
            chart_file: Path | None,
            fmt: str,
            **chosen: Any,
        ) -> None:
            with user_errors():
                versus = Versus(compare or peers_file is not None, peers_file, force_id)
                result = compute(obj, force_id, period, versus, **chosen)
            _emit(result, fmt, chart_file)

        command.__doc__ = compute.__doc__
        decorated: Any = click.pass_obj(command)
        for option in (FORMAT, compare_options, *reversed(options), year, force_option()):
            decorated = option(decorated)
        return official_group.command(name)(decorated)

    return decorate


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
    with user_errors(), bar:
        report = load_official(files, obj.data_dir, publication, progress=update)
    prepare_pages(obj.workspace)
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


@comparison_command(
    "crime",
    click.option(
        "--year",
        "period",
        metavar="PERIOD",
        help="The ONS period as loaded, e.g. 'December 2019' (year ending); default: the latest.",
    ),
    click.option(
        "--offence-group",
        metavar="GROUP",
        help="With --compare: the offence group (default: total recorded crime excluding fraud).",
    ),
)
def official_crime(
    obj: Context, force_id: str, period: str | None, versus: Versus, offence_group: str | None
) -> Any:
    """Police recorded crime by offence group for one force (ONS police force area tables)."""
    from openpeel.indicators.official_crime import (
        PUBLICATION,
        crime_periods,
        recorded_crime,
        recorded_crime_peers,
    )
    from openpeel.indicators.official_figures import OfficialQuery
    from openpeel.store.official import official_figures

    figures = official_figures(obj.data_dir, PUBLICATION)
    chosen = period or _latest(crime_periods(figures))
    if versus.wanted:
        return recorded_crime_peers(
            OfficialQuery(figures, force_id, chosen, peers=versus.group()),
            offence_group=offence_group,
        )
    return recorded_crime(OfficialQuery(figures, force_id, chosen))


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

    with user_errors():
        rows = select_figures(obj.data_dir, publication, force_id, period, table_id, measure)
    emit(rows, fmt, title=f"{publication}: figures as published")
    if not rows:
        raise click.ClickException("no figures match; try fewer filters")


@comparison_command("use-of-force", FINANCIAL_YEAR)
def official_use_of_force(obj: Context, force_id: str, period: str | None, versus: Versus) -> Any:
    """Use of force incidents and tactics by perceived ethnicity, with rates per 1,000."""
    from openpeel.indicators.official_figures import OfficialQuery
    from openpeel.indicators.official_use_of_force import (
        PUBLICATION,
        use_of_force,
        use_of_force_peers,
    )

    figures, chosen = _figures_of(obj, PUBLICATION, period)
    residents = _residents(obj)
    if versus.wanted:
        return use_of_force_peers(
            OfficialQuery(figures, force_id, chosen, population=residents, peers=versus.group())
        )
    return use_of_force(OfficialQuery(figures, force_id, chosen, population=residents))


@comparison_command(
    "outcomes",
    FINANCIAL_YEAR,
    click.option("--offence-group", metavar="GROUP", help="e.g. 'Violence against the person'."),
    click.option(
        "--outcome-group",
        metavar="GROUP",
        default="Charged/Summonsed",
        show_default=True,
        help="With --compare: the outcome group compared.",
    ),
)
def official_outcomes(
    obj: Context,
    force_id: str,
    period: str | None,
    versus: Versus,
    offence_group: str | None,
    outcome_group: str,
) -> Any:
    """Share of recorded crimes with each outcome group, against every force."""
    from openpeel.indicators.official_figures import OfficialQuery
    from openpeel.indicators.official_outcomes import PUBLICATION, outcome_peers, outcome_shares

    figures, chosen = _figures_of(obj, PUBLICATION, period)
    if versus.wanted:
        return outcome_peers(
            OfficialQuery(figures, force_id, chosen, peers=versus.group()),
            outcome_group=outcome_group,
            offence_group=offence_group,
        )
    return outcome_shares(OfficialQuery(figures, force_id, chosen), offence_group=offence_group)


@comparison_command(
    "workforce",
    click.option(
        "--year", "period", metavar="DATE", help="As loaded, e.g. '31 March 2017'; default: latest."
    ),
    choice_option(
        "--view",
        ["representation", "groups", "outlook", "resources", "strength"],
        "representation: ethnic-minority share of officers, joiners, leavers; groups: each "
        "ethnic group against Census 2021 residents; outlook: years at the year's joining and "
        "leaving until officers reflect residents; resources: officers, staff and PCSOs per 1,000 "
        "residents and their change, sickness, joining and leaving (HMICFRS value for money "
        "profiles); strength: officers by sex, rank and ethnicity, frontline share.",
    ),
    click.option(
        "--base-year",
        type=int,
        metavar="YYYY",
        help="With --view resources: the 31 March to measure change from (default: the earliest).",
    ),
    choice_option(
        "--measure",
        ["fte", "headcount"],
        "With --view resources: fte = full-time equivalents (HMICFRS value for money "
        "profiles); headcount = people employed, beside FTE, per 1,000 residents with an interval "
        "(Home Office police workforce tables; --year is then a date such as '31 March 2017'). "
        "With --compare: the measure compared.",
    ),
    choice_option(
        "--worker",
        ["officers", "police_staff", "pcsos", "special_constables"],
        "With --view resources --compare: who is compared per 1,000 residents.",
    ),
)
def official_workforce(
    obj: Context,
    force_id: str,
    period: str | None,
    versus: Versus,
    view: str,
    base_year: int | None,
    measure: str,
    worker: str,
) -> Any:
    """Ethnic-minority share of officers, joiners and leavers against the population; with
    --view resources, officers, staff, PCSOs and specials per 1,000 residents."""
    from openpeel.indicators.official_figures import OfficialQuery
    from openpeel.indicators.official_workforce import (
        PUBLICATION,
        representation_by_group,
        representation_outlook,
        representation_peers,
        workforce_representation,
    )
    from openpeel.store.official import official_figures

    if measure == "headcount" and view != "resources":
        raise click.UsageError(
            "--measure headcount needs --view resources (the other views are FTE, as the "
            "tables publish them)"
        )
    if view == "resources":
        return _resources(obj, force_id, period, base_year, measure, worker, versus)
    figures = official_figures(obj.data_dir, PUBLICATION)
    chosen = period or max(set(figures["period"].to_pylist()), key=lambda p: p[-4:])
    if versus.wanted:
        return representation_peers(OfficialQuery(figures, force_id, chosen, peers=versus.group()))
    if view == "groups":
        return representation_by_group(
            OfficialQuery(figures, force_id, chosen, population=_residents(obj))
        )
    if view == "outlook":
        return representation_outlook(OfficialQuery(figures, force_id, chosen))
    if view == "strength":
        from openpeel.indicators.official_strength import officer_strength

        return officer_strength(OfficialQuery(figures, force_id, chosen))
    return workforce_representation(OfficialQuery(figures, force_id, chosen))


@comparison_command(
    "taser",
    FINANCIAL_YEAR,
    click.option(
        "--by-ethnicity",
        is_flag=True,
        help="Uses by perceived ethnicity: rates per 1,000 residents and ratios to White "
        "(2018/19 on).",
    ),
)
def official_taser(
    obj: Context, force_id: str, period: str | None, versus: Versus, by_ethnicity: bool
) -> Any:
    """Taser (CED) uses by type, per 1,000 residents, and by perceived ethnicity."""
    from openpeel.indicators.official_figures import OfficialQuery
    from openpeel.indicators.official_taser import taser_by_ethnicity, taser_peers, taser_use
    from openpeel.indicators.official_use_of_force import PUBLICATION

    figures, chosen = _figures_of(obj, PUBLICATION, period)
    residents = _residents(obj)
    if versus.wanted:
        return taser_peers(
            OfficialQuery(figures, force_id, chosen, population=residents, peers=versus.group())
        )
    if by_ethnicity:
        return taser_by_ethnicity(OfficialQuery(figures, force_id, chosen, population=residents))
    return taser_use(OfficialQuery(figures, force_id, chosen, population=residents))


@official_group.command("injuries")
@FINANCIAL_YEAR
@FORMAT
@click.pass_obj
def official_injuries(obj: Context, period: str | None, fmt: str) -> None:
    """Injuries to people and officers in use of force incidents (England and Wales only)."""
    from openpeel.indicators.official_injuries import use_of_force_injuries
    from openpeel.indicators.official_use_of_force import PUBLICATION

    with user_errors():
        figures, chosen = _figures_of(obj, PUBLICATION, period)
        result = use_of_force_injuries(figures, chosen)
    emit_result(result, fmt)


@official_group.command("reconcile")
@force_option()
@click.option("--year", "period", required=True, metavar="YYYY/YY", help="Financial year.")
@FORMAT
@click.pass_obj
def official_reconcile(obj: Context, force_id: str, period: str, fmt: str) -> None:
    """police.uk street-level outcomes against the Home Office's for the same force and year."""
    import openpeel
    from openpeel.indicators.official_outcomes import PUBLICATION
    from openpeel.indicators.official_reconciliation import reconcile_outcomes
    from openpeel.store.official import official_figures

    with user_errors():
        figures = official_figures(obj.data_dir, PUBLICATION)
        result = reconcile_outcomes(openpeel.connect(obj.data_dir), figures, force_id, period)
    emit_result(result, fmt)


@comparison_command(
    "demand",
    VFM_YEAR,
    choice_option(
        "--measure",
        ["calls_999", "emergency", "priority", "scheduled", "resolved_without_deployment"],
        "With --compare: the demand measure compared.",
    ),
)
def official_demand(
    obj: Context, force_id: str, period: str | None, versus: Versus, measure: str
) -> Any:
    """999 calls received and incidents by grade per 1,000 residents (HMICFRS ADR)."""
    from openpeel.indicators.official_demand import demand, demand_peers
    from openpeel.indicators.official_figures import OfficialQuery
    from openpeel.store.official import official_figures

    figures = official_figures(obj.data_dir, "hmicfrs-vfm-adr")
    chosen = _vfm_period(figures, period)
    if versus.wanted:
        return demand_peers(
            OfficialQuery(figures, force_id, chosen, peers=versus.group()), measure=measure
        )
    return demand(OfficialQuery(figures, force_id, chosen))


@comparison_command(
    "money",
    VFM_YEAR,
    choice_option(
        "--section",
        ["funding", "spending", "officers", "staff"],
        "With --compare: what is compared.",
        default="spending",
    ),
    click.option(
        "--item",
        default="TOTAL",
        show_default=True,
        metavar="ITEM",
        help="With --compare: the item of the section, e.g. 'Total funding', "
        "'TOTAL LOCAL POLICING'.",
    ),
)
def official_money(
    obj: Context, force_id: str, period: str | None, versus: Versus, section: str, item: str
) -> Any:
    """Funding, spending, officers and staff by function per resident (HMICFRS POA)."""
    from openpeel.indicators.official_figures import OfficialQuery
    from openpeel.indicators.official_money import money, money_peers
    from openpeel.store.official import official_figures

    figures = official_figures(obj.data_dir)
    chosen = _vfm_period(figures, period)
    if versus.wanted:
        return money_peers(
            OfficialQuery(figures, force_id, chosen, peers=versus.group()),
            section=section,
            item=item,
        )
    return money(OfficialQuery(figures, force_id, chosen))


def _resources(
    obj: Context,
    force_id: str,
    period: str | None,
    base_year: int | None,
    measure: str,
    worker: str,
    versus: Versus,
) -> Any:
    """Workforce per 1,000 residents: FTE from the value for money profiles; headcount (and
    every comparison of forces) from the Home Office police workforce tables."""
    from openpeel.indicators.official_figures import OfficialQuery
    from openpeel.store.official import official_figures

    if versus.wanted:
        from openpeel.indicators.official_headcount import workforce_peers

        return workforce_peers(
            official_figures(obj.data_dir),
            force_id,
            period,
            worker,
            measure,
            versus.group(),
        )
    if measure == "headcount":
        from openpeel.indicators.official_headcount import workforce_per_1000

        if base_year is not None:
            raise click.UsageError(
                "--base-year is for FTE; by headcount the change is since the earliest date loaded"
            )
        return workforce_per_1000(official_figures(obj.data_dir), force_id, period, measure)
    from openpeel.indicators.official_resources import workforce_resources

    vfm = official_figures(obj.data_dir, "hmicfrs-vfm-adr")
    return workforce_resources(
        OfficialQuery(vfm, force_id, _vfm_period(vfm, period)), base_year=base_year
    )


def _vfm_period(figures: Any, period: str | None) -> str:
    """A value for money period label from what the user typed ('2017', '31 March 2017',
    'VFM profiles 2017'); the latest loaded when None."""
    import re

    from openpeel.indicators.official_vfm import vfm_periods

    loaded = vfm_periods(figures)
    if period is None:
        if not loaded:
            raise DataUnavailableError(
                "no HMICFRS value for money figures loaded (openpeel official load FILE)"
            )
        return max(loaded, key=lambda p: p[-4:])
    if period in loaded:
        return period
    year = re.search(r"(\d{4})\s*$", period.strip())
    return f"VFM profiles {year.group(1)}" if year else period


def _residents(obj: Context) -> Any:
    """The Census population if loaded (rates need it; counts and shares do not)."""
    from openpeel.store.population import PopulationMissingError, population

    try:
        return population(obj.data_dir)
    except PopulationMissingError:
        return None


COMMANDS = (official_group,)
