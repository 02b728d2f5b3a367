"""The HMICFRS value for money figures every money, demand and resources indicator starts from:
one publication year's rows of the annual data return (ADR) or the police objective analysis
(POA), a measure found by the start of its published label, and the population the profiles
divide by (the ONS mid-year estimate printed in the ADR, in thousands)."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import OfficialQuery, known_force, period_figures

ADR = "hmicfrs-vfm-adr"
POA = "hmicfrs-vfm-poa"
POPULATION = "Population (1000s)"
#: ``[ADR 441 - 999 calls received by force year to 31 March 2017]`` -> 2017.
YEAR_TO = re.compile(r"(?:year to|year to end|as of|as at)\s+31 March (\d{4})", re.IGNORECASE)


def vfm_periods(figures: pa.Table, publication: str = ADR) -> list[str]:
    """The value for money periods loaded (``VFM profiles 2017``…)."""
    rows = figures.filter(pc.equal(figures["publication"], publication))
    return sorted(set(rows["period"].to_pylist()))


def vfm_rows(figures: pa.Table, publication: str, period: str) -> pd.DataFrame:
    """Rows of every force in one publication year (aggregates left out).

    Raises:
        DataUnavailableError: the period is not loaded (the message lists those that are).
    """
    periods = vfm_periods(figures, publication)
    if period not in periods:
        raise DataUnavailableError(
            f"HMICFRS value for money {publication.rsplit('-', 1)[-1].upper()} figures for "
            f"{period!r} are not loaded; loaded: {', '.join(periods) or 'none'} "
            "(load with 'openpeel official load FILE')"
        )
    df = period_figures(figures, publication, period)
    return df[df["force_id"].notna()]


def by_force(rows: pd.DataFrame, label_start: str, table_id: str | None = None) -> pd.Series:
    """One measure's value by force: the first measure whose label starts with ``label_start``
    (case ignored); NaN where a force's figure is missing."""
    keep = rows["measure"].str.lower().str.startswith(label_start.lower())
    if table_id is not None:
        keep &= rows["table_id"] == table_id
    return rows[keep].groupby("force_id")["value"].first()


def population_by_force(adr_rows: pd.DataFrame) -> pd.Series:
    """Residents by force: the ADR's ONS mid-year estimate (printed in thousands) x 1,000."""
    population = by_force(adr_rows, POPULATION) * 1000
    if population.dropna().empty:
        raise DataUnavailableError("the ADR population row is not in the loaded figures")
    return population


def force_residents(adr_rows: pd.DataFrame, force_id: str, period: str) -> pd.Series:
    """Residents by force (``population_by_force``), refused when ``force_id`` has none in the
    period's ADR: its figures per resident cannot be computed."""
    population = population_by_force(adr_rows)
    if pd.isna(population.get(force_id)):
        raise DataUnavailableError(f"{force_id} has no population in the {period} ADR")
    return population


def force_adr(query: OfficialQuery) -> tuple[pd.DataFrame, pd.Series]:
    """The ADR rows of every force in the query's period and their residents, for an indicator
    of the query's force: refused for an unknown force, a period not loaded, or a force with no
    residents in it (``force_residents``)."""
    known_force(query.force_id)
    rows = vfm_rows(query.figures, ADR, query.period)
    return rows, force_residents(rows, query.force_id, query.period)


def year_of(label: str) -> int | None:
    """The year a label's '... year to 31 March YYYY' note ends (None when it has none)."""
    match = YEAR_TO.search(label)
    return int(match.group(1)) if match else None
