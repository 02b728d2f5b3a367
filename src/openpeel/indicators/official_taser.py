"""Taser (conducted energy device, CED) use for every force from the Home Office use of force
statistics (Treating the public fairly): uses by type per 1,000 residents, the share that were
discharges, and uses by the officer-perceived ethnicity of the person as rates per 1,000 residents
of each group with the ratio to White (the statistics of stop and search, reused).

Table 13 counts CED uses by type and force (each edition repeats earlier years, so the row of the
edition's own year is taken); table 16 (from 2018/19) counts them by perceived ethnicity.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import (
    OfficialQuery,
    force_figures,
    period_figures,
    yearly_counts,
)
from openpeel.indicators.official_peers import comparison
from openpeel.indicators.official_use_of_force import (
    CED_TACTICS,
    PUBLICATION,
    residents_by_force,
    use_of_force,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.rates import annual_rate_per_1000, person_years

CED_SHEET = "Table_13"
TOTAL = "Total"
DISCHARGE = "Total discharge"
CAVEATS = [
    "A CED use is each time an officer used a Taser in an incident: drawn, aimed, red-dot, arced "
    "(non-discharge) or fired, drive-stun (discharge). One person can be the subject of several "
    "uses, by several officers.",
    "Forces issue Tasers to different shares of their officers; a rate partly reflects how many "
    "officers carry one.",
]


def _ced_rows(df: pd.DataFrame, period: str) -> pd.DataFrame:
    """The table 13 rows of the edition's own financial year (editions repeat earlier years)."""
    rows = df[(df["table_id"] == "ced_by_force") & (df["source_sheet"].str.strip() == CED_SHEET)]
    rows = rows.assign(dims=rows["dimensions"].map(json.loads))
    year = rows["dims"].map(lambda d: d.get("Financial year", period))
    rows = rows[year == period]
    return rows.assign(use_type=rows["dims"].map(lambda d: d.get("ced_use_type", "")))


def ced_by_force(figures: pa.Table, period: str, population: pa.Table | None) -> pd.DataFrame:
    """All CED uses (table 13 total) and resident person-years of every force in the year."""
    mine = period_figures(figures, PUBLICATION, period)
    rows = _ced_rows(mine[mine["force_id"].notna()], period)
    rows = rows[rows["use_type"] == TOTAL]
    if rows.empty:
        raise DataUnavailableError(
            f"the CED table (13) of the {period} use of force tables is not loaded"
        )
    return yearly_counts(rows, residents_by_force(population))


def taser_use(query: OfficialQuery) -> IndicatorResult:
    """CED uses of one force in a financial year by type, per 1,000 residents, share discharged.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded, or the force is not in table 13.
    """
    force_id, period = query.force_id, query.period
    population, confidence = query.population, query.confidence
    df = force_figures(query, PUBLICATION, "use of force statistics")
    rows = _ced_rows(df, period)
    rows = rows[rows["use_type"] != ""]
    if rows.empty:
        raise DataUnavailableError(
            f"{force_id} is not in the CED table (13) of the {period} tables"
        )
    residents = residents_by_force(population).get(force_id) if population is not None else None
    by_type = rows.groupby("use_type", sort=False)["value"].first()
    total = by_type.get(TOTAL)
    out = []
    for use_type, uses in by_type.items():
        known = pd.notna(uses)
        share_low = share_high = share = np.nan
        if known and total and pd.notna(total):
            share = uses / total
            share_low, share_high = wilson_interval(min(uses, total), total, confidence)
        rate = low = high = np.nan
        if known and residents:
            r = annual_rate_per_1000(uses, person_years(residents, 12), confidence)
            rate, low, high = r.rate, r.low, r.high
        out.append(
            {
                "ced_use_type": use_type,
                "uses": uses,
                "share": share,
                "share_low": share_low,
                "share_high": share_high,
                "population": residents,
                "rate_per_1000": rate,
                "rate_per_1000_low": low,
                "rate_per_1000_high": high,
            }
        )
    caveats = list(CAVEATS)
    if not residents:
        caveats.append("No Census population loaded: rates per 1,000 are not available.")
    return IndicatorResult(
        name="official.taser_use",
        title=f"Taser (CED) use, {forces()[force_id].name}, {period}",
        definition=(
            "Uses of a conducted energy device in the financial year by type (Home Office use of "
            "force statistics, table 13). share = uses of the type / all uses (Wilson "
            f"{confidence:.0%} interval; 'Total discharge' share = the share fired or drive-stun); "
            "rate per 1,000 residents (Census 2021) a year with an exact Poisson interval."
        ),
        table=pd.DataFrame(out),
        caveats=caveats,
        meta={"force_id": force_id, "period": period, "confidence": confidence},
    )


def taser_by_ethnicity(query: OfficialQuery) -> IndicatorResult:
    """CED uses by perceived ethnicity, rates per 1,000 residents of each group, ratio to White
    (table 16, from 2018/19): :func:`use_of_force` for the CED row."""
    force_id, period = query.force_id, query.period
    result = use_of_force(query, tactic=CED_TACTICS)
    return replace(
        result,
        name="official.taser_by_ethnicity",
        title=f"Taser (CED) use by perceived ethnicity, {forces()[force_id].name}, {period}",
        caveats=[*CAVEATS, *result.caveats],
    )


def taser_peers(query: OfficialQuery) -> IndicatorResult:
    """CED uses per 1,000 residents of every force against the query's force."""
    values = ced_by_force(query.figures, query.period, query.population)
    return comparison("taser").of(values, query, caveats=CAVEATS)
