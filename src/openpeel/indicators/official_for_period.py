"""The official indicators for a force and a period of analysis, with the comparisons a PEEL
area is judged on: the report, the web pages and the assessment call these (one place).

Each function picks the published edition that speaks to the period
(:func:`openpeel.indicators.official_period.edition_for`), runs the indicator of that
publication (recorded crime, crime outcomes, use of force, workforce representation, and from
the HMICFRS value for money profiles money, workforce resources and demand) and adds
the force's position against England and Wales and against every force: the ratio of the
force's figure to the national one (its interval is the force's interval divided by the national
figure, which is a total over millions and is taken as fixed) and the force's rank. It names its
source publication and edition, and says when the edition is an earlier year than the period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.calendar import Period, last_day
from openpeel.errors import DataUnavailableError
from openpeel.indicators import (
    official_crime,
    official_demand,
    official_headcount,
    official_money,
    official_outcomes,
    official_resources,
    official_use_of_force,
    official_vfm,
    official_workforce,
)
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_period import (
    Edition,
    edition_for,
    period_end,
    publication_figures,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import any_synthetic

#: The outcome group the Home Office calls a charge or summons.
CHARGED = "Charged/Summonsed"
#: The ONS headline offence group (fraud is recorded by Action Fraud, not by forces).
TOTAL_CRIME_PREFIX = "Total recorded crime"
NATIONAL = "england-and-wales"
#: The value for money profiles' gross revenue expenditure without the national functions some
#: forces host (counter terrorism, ...): the spending figure forces are compared on.
SPENDING_HEADLINE = "TOTAL excl NATIONAL POLICING"


def _edition(con: Any, publication: str, period: Period) -> tuple[pa.Table, Edition]:
    figures = publication_figures(con, publication)
    return figures, edition_for(figures, publication, period)


def _finish(result: IndicatorResult, edition: Edition, period: Period) -> IndicatorResult:
    """The result with its source, edition, lag and synthetic marking."""
    caveats = [*result.caveats, edition.source_text()]
    lag = edition.lag_caveat(period)
    if lag:
        caveats.insert(0, lag)
    is_synthetic = result.is_synthetic or any_synthetic(edition.source_files)
    if is_synthetic:
        caveats.insert(0, "The published files loaded are SYNTHETIC (made up for the demo).")
    return replace(
        result,
        caveats=caveats,
        is_synthetic=is_synthetic,
        meta={
            **result.meta,
            "publication": edition.publication,
            "edition": edition.label,
            "edition_words": edition.words,
            "period_asked": period.label,
        },
    )


def _of_edition(
    con: Any,
    publication: str,
    period: Period,
    compute: Callable[[pa.Table, str], IndicatorResult],
) -> IndicatorResult:
    """``compute(figures, edition label)`` on the edition of ``publication`` for the period,
    finished with its source, edition, lag and synthetic marking."""
    figures, edition = _edition(con, publication, period)
    return _finish(compute(figures, edition.label), edition, period)


def _ratio(value: Any, reference: Any) -> float | None:
    if value is None or reference is None or pd.isna(value) or pd.isna(reference):
        return None
    return float(value) / float(reference) if float(reference) else None


#: The ends of an estimate's columns: the value, its interval's low and high.
BOUNDS = ("", "_low", "_high")


def _add_ratios(t: pd.DataFrame, reference: str, columns: dict[str, str]) -> None:
    """Add to ``t`` each column of ``columns`` (new name -> source column): the source over the
    ``reference`` column row by row (missing where either is, or where the reference is 0)."""
    for new, source in columns.items():
        t[new] = [_ratio(v, n) for v, n in zip(t[source], t[reference], strict=True)]


def _with_ratios(
    result: IndicatorResult, reference: str, columns: dict[str, str], words: str
) -> IndicatorResult:
    """The result with the ratios of ``_add_ratios`` and ``words`` defining them added to its
    definition."""
    t = result.table.copy()
    _add_ratios(t, reference, columns)
    return replace(result, table=t, definition=result.definition + words)


def _force_rank(values: pd.Series, own: Any, highest_first: bool = True) -> int | None:
    """1 + the number of forces with a larger value (a smaller one when not highest_first)."""
    values = values.dropna()
    if own is None or pd.isna(own) or values.empty:
        return None
    better = values > own if highest_first else values < own
    return int(better.sum()) + 1


@computed_once
def recorded_crime_for(
    con: Any, force_id: str, period: Period, confidence: float = 0.95
) -> IndicatorResult:
    """Recorded crime (ONS) of the edition for the period, with the force's rate against England
    and Wales, its change against the national change, and its rank among forces.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            is not in the tables.
        UserInputError: unknown force.
    """
    figures, edition = _edition(con, official_crime.PUBLICATION, period)
    result = official_crime.recorded_crime(
        OfficialQuery(figures, force_id, edition.label, confidence=confidence)
    )
    df = figures.filter(pc.equal(figures["period"], edition.label)).to_pandas()
    rates = df[df["table_id"] == official_crime.RATES_TABLE]
    change = df[df["table_id"] == official_crime.CHANGE_TABLE]
    national_change = change[change["area_id"] == NATIONAL].set_index("measure")["value"]
    force_rates = rates[rates["force_id"].notna()]
    t = result.table.copy()
    t["is_total"] = t["offence_group"].str.startswith(TOTAL_CRIME_PREFIX)
    _add_ratios(
        t,
        "england_and_wales_rate_per_1000",
        {f"rate_to_england_and_wales{end}": f"rate_per_1000{end}" for end in BOUNDS},
    )
    t["england_and_wales_change_percent"] = t["offence_group"].map(national_change)
    t["change_minus_england_and_wales_points"] = (
        t["published_change_percent"] - t["england_and_wales_change_percent"]
    )
    ranks, compared = [], []
    for group, own in zip(t["offence_group"], t["published_rate_per_1000"], strict=True):
        peers = force_rates[force_rates["measure"] == group]["value"]
        ranks.append(_force_rank(peers, own))
        compared.append(int(peers.notna().sum()))
    t["rank_among_forces"] = ranks
    t["forces_compared"] = compared
    result = replace(
        result,
        table=t,
        definition=result.definition
        + " Ratio to England and Wales: the force's rate / the England and Wales rate (its "
        "interval: the force's interval over the national rate). Change against England and "
        "Wales: the force's percentage change minus the national one, in percentage points. "
        "Rank 1 = the highest published rate among the forces listed.",
    )
    return _finish(result, edition, period)


@computed_once
def crime_outcomes_for(
    con: Any, force_id: str, period: Period, confidence: float = 0.95
) -> IndicatorResult:
    """Crime outcomes (Home Office) of the edition for the period, with each outcome's share
    against the England and Wales share.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            has no outcomes.
        UserInputError: unknown force.
    """
    return _of_edition(
        con,
        official_outcomes.PUBLICATION,
        period,
        lambda figures, label: _with_ratios(
            official_outcomes.outcome_shares(
                OfficialQuery(figures, force_id, label, confidence=confidence)
            ),
            "england_and_wales_share",
            {f"share_to_england_and_wales{end}": f"share{end}" for end in BOUNDS},
            " Ratio to England and Wales: the force's share / the England and Wales share (its "
            "interval: the force's interval over the national share).",
        ),
    )


def _population(con: Any) -> pa.Table | None:
    """The Census population loaded, or None."""
    return con.table("population").to_pyarrow() if "population" in con.list_tables() else None


def _marked_by(result: IndicatorResult, population: pa.Table | None) -> IndicatorResult:
    """The result, marked synthetic when the population it divides by is."""
    if population is not None and any_synthetic(population["source"].to_pylist()):
        return replace(result, is_synthetic=True)
    return result


@computed_once
def use_of_force_for(
    con: Any, force_id: str, period: Period, confidence: float = 0.95
) -> IndicatorResult:
    """Use of force (Home Office) of the edition for the period, by perceived ethnicity, with
    rates per 1,000 residents when Census population is loaded.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            is not in the tables.
        UserInputError: unknown force.
    """
    figures, edition = _edition(con, official_use_of_force.PUBLICATION, period)
    population = _population(con)
    result = _marked_by(
        official_use_of_force.use_of_force(
            OfficialQuery(
                figures, force_id, edition.label, population=population, confidence=confidence
            )
        ),
        population,
    )
    t = result.table
    groups = official_use_of_force.GROUPS
    result = replace(
        result,
        table=t.assign(
            is_compared_with_white=t["perceived_ethnicity"].isin(
                [g for g in groups if g != "white"]
            )
        ),
    )
    return _finish(result, edition, period)


@computed_once
def workforce_representation_for(
    con: Any, force_id: str, period: Period, confidence: float = 0.95
) -> IndicatorResult:
    """Workforce representation (Home Office police workforce tables) of the edition for the
    period, with an interval on the ratio of representation.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            is not in the tables.
        UserInputError: unknown force.
    """
    return _of_edition(
        con,
        official_workforce.PUBLICATION,
        period,
        lambda figures, label: _with_ratios(
            official_workforce.workforce_representation(
                OfficialQuery(figures, force_id, label, confidence=confidence)
            ),
            "residents_ethnic_minority_share",
            {f"representation_ratio{end}": f"share{end}" for end in ("_low", "_high")},
            " The interval of the ratio is the share's interval over the residents' share.",
        ),
    )


def _value_to_national(result: IndicatorResult) -> IndicatorResult:
    """The result with ``value_to_england_and_wales`` = value / England and Wales value."""
    return _with_ratios(
        result,
        "england_and_wales_value",
        {"value_to_england_and_wales": "value"},
        " Ratio to England and Wales: the force's value / the England and Wales value.",
    )


def _value_for_money(con: Any, period: Period) -> tuple[pa.Table, Edition]:
    """Both workbooks of the HMICFRS value for money profiles (the annual data return gives the
    residents every per-head figure divides by), the edition chosen on the ADR."""
    adr = publication_figures(con, official_vfm.ADR)
    edition = edition_for(adr, official_vfm.ADR, period)
    try:
        poa = publication_figures(con, official_vfm.POA)
    except DataUnavailableError:
        return adr, edition
    return pa.concat_tables([adr, poa]), edition


@computed_once
def money_for(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Funding, spending and staff by function per resident (HMICFRS value for money profiles)
    of the edition for the period, each against England and Wales. The row of gross revenue
    expenditure excluding national policing is marked ``is_headline``.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            is not in the workbooks.
        UserInputError: unknown force.
    """
    figures, edition = _value_for_money(con, period)
    result = _value_to_national(
        official_money.money(OfficialQuery(figures, force_id, edition.label))
    )
    t = result.table
    result = replace(
        result,
        table=t.assign(
            is_headline=(t["section"] == "spending")
            & (t["item"].str.upper() == SPENDING_HEADLINE.upper())
        ),
    )
    return _finish(result, edition, period)


@computed_once
def workforce_resources_for(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Officers, staff and PCSOs per 1,000 residents and their change since the earliest year
    the value for money profiles give, of the edition for the period.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            is not in the workbook.
        UserInputError: unknown force.
    """
    figures, edition = _value_for_money(con, period)
    result = official_resources.workforce_resources(OfficialQuery(figures, force_id, edition.label))
    return _finish(_value_to_national(result), edition, period)


@computed_once
def demand_for(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """999 calls received and incidents by grade per 1,000 residents (HMICFRS value for money
    annual data return) of the edition for the period.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            is not in the workbook.
        UserInputError: unknown force.
    """
    figures, edition = _value_for_money(con, period)
    result = official_demand.demand(OfficialQuery(figures, force_id, edition.label))
    return _finish(result, edition, period)


def _loaded(con: Any, publications: tuple[str, ...]) -> list[pa.Table]:
    out = []
    for publication in publications:
        try:
            out.append(publication_figures(con, publication))
        except DataUnavailableError:
            continue
    return out


def _headcount_figures(con: Any, period: Period) -> tuple[pa.Table, Edition, str]:
    """The police workforce tables published by the end of the period (with the open data
    table and the publications that print residents), their edition, and the latest date with
    a headcount in or before the period."""
    tables = _loaded(con, (official_headcount.BULLETIN, official_headcount.QUARTERLY))
    if not tables:
        raise DataUnavailableError(
            "the Home Office police workforce tables are not loaded (load the published file "
            "with 'openpeel official load FILE')"
        )
    editions = pa.concat_tables(tables, promote_options="default")
    edition = edition_for(editions, str(editions["publication"][0]), period)
    # Never a later edition than the period's (its 31 March may fall in the period, but the
    # figures shown are those published by then, as for every official panel).
    published = [str(p) for p in editions["period"].to_pylist()]
    editions = editions.filter(
        pa.array([(period_end(p) or period.end) <= period.end for p in published])
    )
    extra = _loaded(con, (official_headcount.OPEN_DATA, official_vfm.ADR, "ons-recorded-crime"))
    figures = pa.concat_tables([editions, *extra], promote_options="default")
    dates = [d for d in official_headcount.headcount_dates(figures) if d <= last_day(period.end)]
    if not dates:
        raise DataUnavailableError(
            f"no police workforce headcount at or before the end of {period.label}"
        )
    return figures, edition, official_headcount.as_at_words(dates[-1])


def workforce_headcount_for(
    con: Any, force_id: str, period: Period, confidence: float = 0.95
) -> IndicatorResult:
    """Officers, staff, PCSOs and specials per 1,000 residents by headcount beside FTE (Home
    Office police workforce tables) at the latest date with a headcount in or before the
    period, residents from the ONS estimate printed in the loaded publications.

    Raises:
        DataUnavailableError: no police workforce tables loaded, no headcount in or before the
            period, or the force has none.
        UserInputError: unknown force.
    """
    figures, edition, as_at = _headcount_figures(con, period)
    result = official_headcount.workforce_per_1000(
        figures, force_id, as_at, "headcount", confidence
    )
    return _finish(result, edition, period)


def workforce_peers_for(
    con: Any, force_id: str, period: Period, worker: str = "officers"
) -> IndicatorResult:
    """Every force's ``worker`` per 1,000 residents by headcount (exact Poisson intervals,
    funnel limits, rank with its interval) at the date :func:`workforce_headcount_for` shows.

    Raises:
        DataUnavailableError: as :func:`workforce_headcount_for`, or no residents near the date.
        UserInputError: unknown force.
    """
    figures, edition, as_at = _headcount_figures(con, period)
    result = official_headcount.workforce_peers(figures, force_id, as_at, worker, "headcount")
    return _finish(result, edition, period)


def recorded_crime_peers_for(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Every force's recorded crime per 1,000 residents (the ONS headline group, fraud
    excluded) in the edition for the period, with funnel limits and ranks.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            is not in it.
        UserInputError: unknown force.
    """
    return _of_edition(
        con,
        official_crime.PUBLICATION,
        period,
        lambda figures, label: official_crime.recorded_crime_peers(
            OfficialQuery(figures, force_id, label)
        ),
    )


def outcome_peers_for(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Every force's share of crimes charged or summonsed in the edition for the period.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, or the force
            has no crimes in it.
        UserInputError: unknown force.
    """
    return _of_edition(
        con,
        official_outcomes.PUBLICATION,
        period,
        lambda figures, label: official_outcomes.outcome_peers(
            OfficialQuery(figures, force_id, label), outcome_group=CHARGED
        ),
    )


def use_of_force_peers_for(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Every force's use of force incidents per 1,000 residents (Census population) in the
    edition for the period.

    Raises:
        DataUnavailableError: nothing loaded, no edition in or before the period, no Census
            population, or the force has no row.
        UserInputError: unknown force.
    """
    figures, edition = _edition(con, official_use_of_force.PUBLICATION, period)
    population = _population(con)
    if population is None:
        raise DataUnavailableError(
            "use of force per 1,000 residents needs the Census population "
            "('openpeel population load')"
        )
    result = official_use_of_force.use_of_force_peers(
        OfficialQuery(figures, force_id, edition.label, population=population)
    )
    return _finish(_marked_by(result, population), edition, period)
