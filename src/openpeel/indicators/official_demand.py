"""Demand on every force from the HMICFRS value for money annual data return (Strategic
planning, organisational management and value for money): 999 calls received per 1,000
residents, and incidents by grade (emergency, priority, scheduled, resolved without deployment)
per 1,000 residents and as shares of all graded incidents, against every force.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_peers import comparison
from openpeel.indicators.official_vfm import (
    ADR,
    by_force,
    force_adr,
    population_by_force,
    vfm_rows,
    year_of,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.rates import annual_rate_per_1000, person_years

CALLS = "999 calls"
#: Incident grades of the National Standard for Incident Recording, as the ADR labels them.
GRADES = (
    ("emergency", "NSIR incidents - Emergency"),
    ("priority", "NSIR incidents - Priority"),
    ("scheduled", "NSIR incidents - Scheduled"),
    ("resolved_without_deployment", "NSIR incidents - Resolved (w/o deployment)"),
)
MEASURES = ("calls_999", *(g for g, _ in GRADES))
CAVEATS = [
    "999 calls received include calls that were abandoned, duplicated or not for the police; "
    "they measure demand arriving, not crimes.",
    "Incident grades follow each force's own grading policy within the national standard: "
    "forces grade differently, so compare shares with care.",
    "Residents: the ONS mid-year estimate printed in the value for money profiles; daytime "
    "population, visitors and the road network bring demand the residents do not.",
]


def _latest_grade_labels(rows: pd.DataFrame) -> tuple[int | None, dict[str, str]]:
    """The latest year the grades are published for, and each grade's label prefix."""
    labels = rows["measure"].drop_duplicates()
    years = [y for y in (year_of(label) for label in labels if "NSIR incidents -" in label) if y]
    if not years:
        return None, {}
    latest = max(years)
    out = {}
    for grade, prefix in GRADES:
        match = [label for label in labels if label.startswith(prefix) and year_of(label) == latest]
        if match:
            out[grade] = match[0]
    return latest, out


def demand_by_force(figures: pa.Table, period: str, measure: str = "calls_999") -> pd.DataFrame:
    """``count`` of one demand measure and resident person-years (``denominator``) by force."""
    if measure not in MEASURES:
        raise UserInputError(f"unknown demand measure {measure!r}; one of: {', '.join(MEASURES)}")
    rows = vfm_rows(figures, ADR, period)
    if measure == "calls_999":
        counts = by_force(rows, CALLS)
    else:
        _, labels = _latest_grade_labels(rows)
        if measure not in labels:
            raise DataUnavailableError(f"no {measure} incidents in the {period} ADR")
        counts = by_force(rows, labels[measure])
    population = population_by_force(rows)
    return pd.DataFrame(
        {
            "force_id": counts.index,
            "count": counts.to_numpy(dtype=float),
            "denominator": person_years(population.reindex(counts.index).to_numpy(float), 12),
        }
    )


def demand(query: OfficialQuery) -> IndicatorResult:
    """999 calls and incidents by grade for one force, per 1,000 residents, against all forces.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded or the force has no figures in it.
    """
    force_id, period, confidence = query.force_id, query.period, query.confidence
    rows, population = force_adr(query)
    year, labels = _latest_grade_labels(rows)
    calls_label = rows[rows["measure"].str.startswith(CALLS)]["measure"]
    calls_year = year_of(calls_label.iloc[0]) if not calls_label.empty else None
    series = {"calls_999": (by_force(rows, CALLS), calls_year)}
    for grade, label in labels.items():
        series[grade] = (by_force(rows, label), year)
    graded = {g: s for g, (s, _) in series.items() if g != "calls_999"}
    all_graded: pd.Series | None = (
        pd.concat(list(graded.values()), axis=1).sum(axis=1, min_count=len(graded))
        if graded
        else None
    )
    out = []
    for measure, (values, measure_year) in series.items():
        count = values.get(force_id, np.nan)
        known = values.dropna()
        people = float(population[force_id])
        r = annual_rate_per_1000(count, person_years(people, 12), confidence)
        national = 1000 * known.sum() / population.reindex(known.index).sum()
        share = share_low = share_high = national_share = np.nan
        if measure in graded and all_graded is not None and pd.notna(all_graded.get(force_id)):
            total = float(all_graded[force_id])
            if pd.notna(count) and total > 0:
                share = count / total
                share_low, share_high = wilson_interval(count, total, confidence)
            national_share = known.sum() / all_graded.dropna().sum()
        per_resident = (known / population.reindex(known.index)).dropna()
        out.append(
            {
                "measure": measure,
                "year_to_31_march": measure_year,
                "count": count,
                "population": people,
                "rate_per_1000": r.rate,
                "rate_per_1000_low": r.low,
                "rate_per_1000_high": r.high,
                "england_and_wales_rate_per_1000": national,
                "share": share,
                "share_low": share_low,
                "share_high": share_high,
                "england_and_wales_share": national_share,
                "rank": int((per_resident > per_resident.get(force_id, np.inf)).sum()) + 1
                if pd.notna(count)
                else None,
                "forces_compared": int(per_resident.size),
            }
        )
    return IndicatorResult(
        name="official.demand",
        title=f"Demand: 999 calls and incidents by grade, {forces()[force_id].name}, {period}",
        definition=(
            "From the HMICFRS value for money annual data return: 999 calls received in the year "
            "(ADR 441) and incidents by grade (ADR 342, the latest year published) per 1,000 "
            f"residents a year, with an exact Poisson {confidence:.0%} interval; share = the "
            "grade's incidents / all graded incidents (Wilson interval); England and Wales = the "
            "same over every force listed; rank 1 = the highest rate per resident."
        ),
        table=pd.DataFrame(out),
        caveats=list(CAVEATS),
        meta={"force_id": force_id, "period": period, "confidence": confidence},
    )


def demand_peers(query: OfficialQuery, measure: str = "calls_999") -> IndicatorResult:
    """One demand measure per 1,000 residents of every force against the query's force."""
    words = "999 calls received (ADR 441)" if measure == "calls_999" else f"{measure} incidents"
    values = demand_by_force(query.figures, query.period, measure)
    return comparison("demand").of(
        values, query, caveats=CAVEATS, meta={"measure": measure}, words=words
    )
