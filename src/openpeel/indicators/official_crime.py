"""Recorded crime for every force from the ONS police force area tables (Investigating crime,
Preventing crime): offences by offence group, rate per 1,000 residents with an exact interval.

Input: the tidy official figures (``openpeel.store.official.official_figures``); output: an
:class:`IndicatorResult`. A figure the ONS did not supply (``..``) stays "not available": it is
never counted as zero, and no rate is computed from it.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.official_figures import (
    OfficialQuery,
    known_force,
    period_figures,
    yearly_counts,
)
from openpeel.indicators.official_peers import comparison
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.stats.rates import annual_rate_per_1000, person_years

PUBLICATION = "ons-recorded-crime"
COUNTS_TABLE = "P1"
RATES_TABLE = "P3"
CHANGE_TABLE = "P2"
POPULATION_PREFIX = "Population figures"


def crime_periods(figures: pa.Table) -> list[str]:
    """The ONS periods loaded (``December 2019``, ``March 2019``…)."""
    df = figures.filter(pc.equal(figures["publication"], PUBLICATION))
    return sorted(set(df["period"].to_pylist()))


def recorded_crime(query: OfficialQuery) -> IndicatorResult:
    """Offences by offence group for one force and period, with rates per 1,000 residents.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded, or the force is not in its tables.
    """
    figures, force_id, period = query.figures, query.force_id, query.period
    confidence = query.confidence
    known_force(force_id)
    df = figures.filter(pc.equal(figures["publication"], PUBLICATION)).to_pandas()
    periods = sorted(df["period"].unique())
    if period not in periods:
        raise DataUnavailableError(
            f"ONS recorded crime for {period!r} is not loaded; loaded periods: "
            f"{', '.join(periods) or 'none'} (load with 'openpeel official load FILE')"
        )
    df = df[df["period"] == period]
    mine = df[df["force_id"] == force_id]
    counts = mine[mine["table_id"] == COUNTS_TABLE]
    if counts.empty:
        raise DataUnavailableError(f"{force_id} is not in table P1 for year ending {period}")
    rates = mine[mine["table_id"] == RATES_TABLE]
    change = mine[mine["table_id"] == CHANGE_TABLE]
    population_rows = rates[rates["measure"].str.startswith(POPULATION_PREFIX)]
    population = (
        float(population_rows["value"].iloc[0])
        if not population_rows.empty and pd.notna(population_rows["value"].iloc[0])
        else None
    )
    national = df[(df["area_id"] == "england-and-wales") & (df["table_id"] == RATES_TABLE)]
    rows = []
    for _, c in counts.iterrows():
        offences = c["value"] if pd.notna(c["value"]) else None
        low = high = rate = None
        if offences is not None and population:
            # The tables cover 12 months: the exposure is the population (person-years).
            r = annual_rate_per_1000(offences, person_years(population, 12), confidence)
            rate, low, high = r.rate, r.low, r.high
        published = rates[rates["measure"] == c["measure"]]["value"]
        pct = change[change["measure"] == c["measure"]]["value"]
        nat = national[national["measure"] == c["measure"]]["value"]
        rows.append(
            {
                "offence_group": c["measure"],
                "offences": offences,
                "status": c["value_status"],
                "population": population,
                "rate_per_1000": rate,
                "rate_per_1000_low": low,
                "rate_per_1000_high": high,
                "published_rate_per_1000": published.iloc[0] if not published.empty else None,
                "published_change_percent": pct.iloc[0] if not pct.empty else None,
                "england_and_wales_rate_per_1000": nat.iloc[0] if not nat.empty else None,
                "source": f"{c['source_file']} {c['source_sheet'].strip()} row {c['source_row']}",
            }
        )
    caveats = [
        "Police recorded crime is not designated National Statistics; fraud is excluded "
        "(recorded by Action Fraud, not by forces).",
        "Population: ONS mid-year estimates rounded to 100, as published beside the rates.",
    ]
    if any(r["offences"] is None for r in rows):
        caveats.append(
            "Figures marked not_available were not supplied to the ONS: they are missing, "
            "not zero, and no rate is computed from them."
        )
    if (df[df["table_id"] == COUNTS_TABLE]["value_status"] == "not_available").any():
        caveats.append(
            "A force did not supply figures for this period: the England and Wales figure "
            "excludes it."
        )
    if force_id == "city-of-london":
        caveats.append(
            "City of London's resident population is tiny beside its daytime population; "
            "the ONS suppresses its rates."
        )
    return IndicatorResult(
        name="official.recorded_crime",
        title=f"Police recorded crime, {forces()[force_id].name}, year ending {period}",
        definition=(
            "Offences recorded by the force in the 12 months (ONS police force area table P1), "
            "by offence group. Rate per 1,000 residents = offences / mid-year population × 1,000, "
            f"with an exact (Garwood) Poisson {confidence:.0%} interval; the ONS's own rate "
            "(table P3) and percentage change on the previous year (table P2) beside it."
        ),
        table=pd.DataFrame(rows),
        caveats=caveats,
        meta={"force_id": force_id, "period": period, "confidence": confidence},
    )


TOTAL_MEASURE = "Total recorded crime (excluding fraud)"


def offence_groups(figures: pa.Table, period: str) -> list[str]:
    """Offence groups of table P1 in a period, as published (``Victim-based crime | Robbery``)."""
    df = figures.filter(
        pc.and_(
            pc.equal(figures["publication"], PUBLICATION),
            pc.and_(
                pc.equal(figures["period"], period), pc.equal(figures["table_id"], COUNTS_TABLE)
            ),
        )
    )
    return sorted(set(df["measure"].to_pylist()))


def _offence_measure(groups: list[str], offence_group: str | None) -> str:
    if offence_group is None:
        return TOTAL_MEASURE
    wanted = offence_group.strip().lower()
    for measure in groups:
        if measure.lower() == wanted or measure.lower().endswith(f"| {wanted}"):
            return measure
    raise UserInputError(f"unknown offence group {offence_group!r}; one of: {'; '.join(groups)}")


def crime_by_force(
    figures: pa.Table, period: str, offence_group: str | None = None
) -> pd.DataFrame:
    """Offences (table P1) and person-years (table P3 population, 12 months) of every force.

    Returns one row per force: ``force_id``, ``count`` (NaN where not supplied), ``denominator``.

    Raises:
        DataUnavailableError: the period is not loaded.
        UserInputError: unknown offence group.
    """
    periods = crime_periods(figures)
    if period not in periods:
        raise DataUnavailableError(
            f"ONS recorded crime for {period!r} is not loaded; loaded periods: "
            f"{', '.join(periods) or 'none'} (load with 'openpeel official load FILE')"
        )
    measure = _offence_measure(offence_groups(figures, period), offence_group)
    df = period_figures(figures, PUBLICATION, period)
    df = df[df["force_id"].notna()]
    counts = df[(df["table_id"] == COUNTS_TABLE) & (df["measure"] == measure)]
    pops = df[(df["table_id"] == RATES_TABLE) & df["measure"].str.startswith(POPULATION_PREFIX)]
    return yearly_counts(counts, pops.groupby("force_id")["value"].first())


def recorded_crime_peers(query: OfficialQuery, offence_group: str | None = None) -> IndicatorResult:
    """Offences per 1,000 residents of every force against the query's force: funnel, rank,
    peers.

    Raises:
        UserInputError: unknown force or offence group.
        DataUnavailableError: the period is not loaded or the force is not in it.
    """
    figures, period = query.figures, query.period
    values = crime_by_force(figures, period, offence_group)
    measure = _offence_measure(offence_groups(figures, period), offence_group)
    return comparison("recorded-crime").of(
        values, query, meta={"offence_group": measure}, measure=measure
    )
