"""Workforce resources of every force from the HMICFRS value for money annual data return
(Building, supporting and protecting the workforce): officers, police staff and PCSOs per 1,000
residents and their change since a base year (the "-25% since 2010" kind of claim, computed,
with the years named), officer sickness and the joining and leaving rates of the year.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_vfm import (
    by_force,
    force_adr,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.stats.intervals import wilson_interval

#: Historic workforce series of the ADR: label start, row name.
HISTORIC = (
    ("Officers - ", "officers"),
    ("Police staff (inc. S38, exc. S39 & traffic) - ", "police_staff"),
    ("PCSOs - ", "pcsos"),
)
#: Shares of officers: label start, row name, words.
OFFICER_SHARES = (
    (
        "Short-medium term sick - Officers",
        "officers_short_term_sick",
        "on short or medium-term sick",
    ),
    ("Long term sick - Officers", "officers_long_term_sick", "on long-term certified sick leave"),
    ("Joiners - Officers (FTE)", "officer_joiners", "joiners in the year"),
    ("Leavers - Officers (FTE)", "officer_leavers", "leavers in the year"),
    (
        "Leavers - Officers (excl transfers)",
        "officer_leavers_excluding_transfers",
        "leavers in the year, transfers to other forces excluded",
    ),
)
_YEAR = re.compile(r" - (\d{4})/(\d{2}) \(FTE\)")


def _series(rows: pd.DataFrame, start: str) -> dict[int, pd.Series]:
    """Year (31 March of) -> FTE by force, for one historic series."""
    labels = rows[rows["measure"].str.startswith(start)]["measure"].drop_duplicates()
    out = {}
    for label in labels:
        match = _YEAR.search(label)
        if match:
            out[int(match.group(1)) + 1] = by_force(rows, label)
    return out


#: The ADR's special constables (volunteer officers), FTE at 31 March of the year it names.
SPECIALS = "Officers by rank - Special (FTE)"
_AS_AT = re.compile(r"31 March (\d{4})")


def _specials(rows: pd.DataFrame, force_id: str, population: pd.Series) -> dict | None:
    """Special constables per 1,000 residents at the ADR's 31 March, ranked among forces (the
    ADR gives no earlier years of them, so no change is computed)."""
    values = by_force(rows, SPECIALS)
    count = values.get(force_id, np.nan)
    if pd.isna(count):
        return None
    label = rows[rows["measure"].str.startswith(SPECIALS)]["measure"].iloc[0]
    year = _AS_AT.search(label)
    per = (values / population.reindex(values.index) * 1000).dropna()
    people = float(population[force_id])
    return {
        "measure": "special_constables_per_1000",
        "as_at_31_march": int(year.group(1)) if year else None,
        "workforce_fte": count,
        "population": people,
        "value": 1000 * count / people,
        "value_low": np.nan,
        "value_high": np.nan,
        "england_and_wales_value": 1000 * values.sum() / population.reindex(values.index).sum(),
        "base_year": None,
        "base_fte": np.nan,
        "change_fte": np.nan,
        "change_percent": np.nan,
        "rank": int((per > per.get(force_id, np.inf)).sum()) + 1,
        "forces_compared": int(per.size),
    }


def workforce_resources(query: OfficialQuery, base_year: int | None = None) -> IndicatorResult:
    """Officers, staff, PCSOs and special constables per 1,000 residents with change since
    ``base_year`` (31 March; default: the earliest the ADR gives), and officer sickness,
    joining and leaving as shares.

    Raises:
        UserInputError: unknown force, or a base year the ADR does not give.
        DataUnavailableError: the period is not loaded or the force has no figures in it.
    """
    force_id, period, confidence = query.force_id, query.period, query.confidence
    rows, population = force_adr(query)
    people = float(population[force_id])
    out = []
    officers_now: float | None = None
    officers_before: float | None = None
    for start, name in HISTORIC:
        series = _series(rows, start)
        if not series:
            continue
        latest = max(series)
        base = base_year if base_year is not None else min(series)
        if base not in series:
            raise UserInputError(
                f"the {period} ADR gives {name} at 31 March {min(series)}-{latest}, not {base}"
            )
        now, then = series[latest].get(force_id, np.nan), series[base].get(force_id, np.nan)
        if name == "officers":
            officers_now = float(now) if pd.notna(now) else None
            before = series.get(latest - 1, pd.Series(dtype=float)).get(force_id, np.nan)
            officers_before = float(before) if pd.notna(before) else None
        per = (series[latest] / population.reindex(series[latest].index) * 1000).dropna()
        national = 1000 * series[latest].sum() / population.reindex(series[latest].index).sum()
        out.append(
            {
                "measure": f"{name}_per_1000",
                "as_at_31_march": latest,
                "workforce_fte": now,
                "population": people,
                "value": 1000 * now / people,
                "value_low": np.nan,
                "value_high": np.nan,
                "england_and_wales_value": national,
                "base_year": base,
                "base_fte": then,
                "change_fte": now - then,
                "change_percent": 100 * (now - then) / then if then else np.nan,
                "rank": int((per > per.get(force_id, np.inf)).sum()) + 1 if pd.notna(now) else None,
                "forces_compared": int(per.size),
            }
        )
    if officers_now is None:
        raise DataUnavailableError(f"{force_id} has no officer numbers in the {period} ADR")
    specials = _specials(rows, force_id, population)
    if specials is not None:
        out.append(specials)
    for start, name, _ in OFFICER_SHARES:
        values = by_force(rows, start)
        count = values.get(force_id, np.nan)
        # As the Home Office's rates: joiners over officers at the end of the year, leavers
        # over officers at its start.
        of = officers_before if name.startswith("officer_leavers") else officers_now
        if pd.isna(count) or of is None:
            continue
        low, high = wilson_interval(round(count), round(of), confidence)
        out.append(
            {
                "measure": f"{name}_share",
                "as_at_31_march": None,
                "workforce_fte": count,
                "population": people,
                "value": count / of,
                "value_low": low,
                "value_high": high,
                "england_and_wales_value": np.nan,
                "base_year": None,
                "base_fte": of,
                "change_fte": np.nan,
                "change_percent": np.nan,
                "rank": None,
                "forces_compared": None,
            }
        )
    return IndicatorResult(
        name="official.workforce_resources",
        title=f"Officers, staff and PCSOs, {forces()[force_id].name}, {period}",
        definition=(
            "From the HMICFRS value for money annual data return. *_per_1000: full-time "
            "equivalents at 31 March (as_at_31_march) per 1,000 residents (ONS mid-year "
            "estimate); change_fte and change_percent: since 31 March of base_year (base_fte); "
            "workforce_fte: the FTE counted. "
            "*_share: FTE sick or joining / officer FTE at the latest 31 March, FTE leaving / "
            "officer FTE a year before (as the Home Office's joiner and wastage rates; base_fte "
            f"is the denominator), with a Wilson {confidence:.0%} interval on whole officers. "
            "England and Wales: all forces listed; rank 1 = the most per resident."
        ),
        table=pd.DataFrame(out).astype(
            {"as_at_31_march": "Int64", "base_year": "Int64", "rank": "Int64"}
        ),
        caveats=[
            "A count of the whole workforce, not a sample: per-1,000 figures have no sampling "
            "interval; they differ between forces also because forces buy services from others "
            "or share them (collaboration), which moves staff between forces' books.",
            "Sickness: FTE absent at 31 March (short or medium term: 28 days or less; long "
            "term: certified, more than 28 days), a snapshot, not the year's days lost.",
            "Joiners include transfers from other forces; leavers are shown with and without "
            "transfers out.",
            "Special constables (volunteers): FTE as the force returned it; some forces return "
            "0 or leave it blank, so a very low figure may be a gap in the return.",
        ],
        meta={"force_id": force_id, "period": period, "confidence": confidence},
    )
