"""Crime volumes and rates per 1,000 residents by crime type and month, with trends.

The counts are rows of the police.uk street files (method.md §1): one row per crime or
anti-social behaviour (ASB) incident, in the month it was recorded. ASB is not a crime: it is
counted as its own type and never in ``all_crime``. A force-month with no street file is
missing, not zero: it gets empty counts, it is left out of exposures and control limits, and it
is named in the caveats. The months supplied come from the lake's manifest
(``lake_partitions``), so a month whose file was supplied but held no row of some type is a
true zero for that type.

The Ibis functions (``street_counts``, ``supplied_months``) are pure: tables in, tables out.
The public functions execute them and return an :class:`IndicatorResult`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from ibis.expr.types import Table
from numpy.typing import ArrayLike

from openpeel.calendar import Period, months_between
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.coverage import missing_months, supplied_coverage
from openpeel.indicators.coverage import snapshot_caveats as coverage_snapshot_caveats
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import force as lookup_force
from openpeel.reference.vocabularies import vocabulary
from openpeel.stats.control_chart import (
    OUTSIDE_MEANING,
    overdispersed_control_limits,
    suspected_partial,
)
from openpeel.stats.rates import annual_rate_per_1000, person_years
from openpeel.store.population import HOW_TO_GET, PopulationMissingError
from openpeel.store.status import describe_months

ALL_CRIME = "all_crime"
ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour"
#: Fewer supplied months than this and no trend line is fitted.
MIN_TREND_MONTHS = 6

VOLUMES_DEFINITION = (
    "crimes: the number of rows of the police.uk street file of that force and month with that "
    "crime type (crime_type: canonical code of 'Crime type'; anti_social_behaviour is ASB, "
    "not a crime). A complete count of the published rows, so it carries no sampling interval; "
    "the uncertainty of a rate built on it is given by 'openpeel crime rates'. Empty (null) "
    "for a month with no street file: missing, not zero."
)
RATES_DEFINITION = (
    "rate_per_1000_per_year = 1000 * crimes / (population * months_supplied / 12): crimes per "
    "1,000 residents a year, annualised over the months supplied (a missing month counts "
    "neither crimes nor exposure). population: Census 2021 usual residents of the police force "
    "area (ONS TS021 aggregated to force areas). Interval: exact (Garwood) Poisson interval of "
    "the count divided by the same exposure, at the stated confidence. all_crime is every crime "
    "type except anti-social behaviour."
)
TREND_DEFINITION = (
    "crimes: street-file rows a month (all_crime excludes anti-social behaviour). centre: the "
    "mean of the supplied months that are not suspected partial submissions; lower_limit and "
    "upper_limit: control limits that allow for months varying more than Poisson chance "
    "(Laney c' chart: centre +/- 3 * sqrt(centre) * sigma_z, sigma_z = mean moving range of "
    "(crimes - centre) / sqrt(centre) over consecutive baseline months / 1.128; never narrower "
    "than the exact Poisson quantiles at two-sided alpha = 0.0027); is_outside_limits: the count "
    "is below the lower or above the upper limit (a prompt to ask what happened that month, "
    "not a finding); sigma_z: 1 for a Poisson process, larger when months vary more. "
    "is_suspected_partial: the count is under 20% of the median of the previous 12 "
    "supplied months (method.md §4). Trend (meta): log-linear Poisson regression of monthly "
    "counts on time, the standard error widened by the Pearson dispersion when above 1 "
    "(quasi-Poisson), reported as percent change a year with its 95% interval."
)


# --------------------------------------------------------------------------- shared helpers


def require_force(force_id: str) -> str:
    """The force id, checked against the reference list (ValueError when unknown)."""
    fid = force_id.strip().lower()
    try:
        lookup_force(fid)
    except KeyError as err:
        raise UserInputError(str(err)) from None
    return fid


def current_partitions(con: Any) -> Table:
    """The manifest rows that queries read (``status = 'current'``)."""
    if "lake_partitions" not in con.list_tables():
        raise DataUnavailableError(
            "nothing is loaded yet: run 'openpeel ingest' with police.uk files first"
        )
    parts = con.table("lake_partitions")
    return parts.filter(parts.status == "current")


def supplied_months(
    partitions: Table, table_name: str, period: Period, force_ids: Sequence[str] | None = None
) -> Table:
    """Force-months of one table supplied in a period, with their snapshot and vintage."""
    p = partitions.filter(
        (partitions.table_name == table_name)
        & (partitions.month >= period.start)
        & (partitions.month <= period.end)
    )
    if force_ids is not None:
        p = p.filter(p.force_id.isin(list(force_ids)))
    return p.select("force_id", "month", "snapshot", "vintage", "rows_loaded")


def frame(expr: Table) -> pd.DataFrame:
    """Run an Ibis table into pandas through Arrow: dates arrive as ``datetime.date``, and a
    large result converts about twice as fast as with ``execute()``."""
    return expr.to_pyarrow().to_pandas()


def month_coverage(
    con: Any, table_name: str, period: Period, force_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Executed :func:`supplied_months`, months as ``datetime.date``."""
    df = frame(supplied_months(current_partitions(con), table_name, period, force_ids))
    return df.sort_values(["force_id", "month"]).reset_index(drop=True)


def loaded_range(con: Any, table_name: str, force_id: str) -> str:
    """The months of one table loaded for a force, as short ranges (for error messages)."""
    parts = current_partitions(con)
    months = frame(
        parts.filter((parts.table_name == table_name) & (parts.force_id == force_id)).select(
            "month"
        )
    )["month"]
    return describe_months(list(months)) or "none"


def require_months(con: Any, table_name: str, force_id: str, period: Period) -> pd.DataFrame:
    """The supplied months of a force, or a ValueError saying what is loaded instead."""
    coverage = month_coverage(con, table_name, period, [force_id])
    if coverage.empty:
        kind = {"crimes": "street", "outcomes": "outcomes"}.get(table_name, table_name)
        raise DataUnavailableError(
            f"no {kind} files loaded for {force_id} in {period.start:%Y-%m}..{period.end:%Y-%m} "
            f"(loaded: {loaded_range(con, table_name, force_id)})"
        )
    return coverage


def snapshot_caveats(coverage: pd.DataFrame, what: str = "street files") -> list[str]:
    """Caveats about mixed vintages in the months used (the coverage rule)."""
    return coverage_snapshot_caveats(coverage["snapshot"], what)


def crime_type_codes() -> list[str]:
    """Every canonical crime type code, plus ``all_crime``."""
    return [ALL_CRIME, *dict.fromkeys(t.code for t in vocabulary("crime_type").values())]


# --------------------------------------------------------------------------- Ibis


def street_counts(crimes: Table) -> Table:
    """Rows per force, month and crime type (``crimes``), ASB included as its own type."""
    return crimes.group_by(
        "force_id", "month", crime_type=crimes.crime_type_code.fill_null("unknown")
    ).agg(crimes=crimes.count())


def street_rows(con: Any, force_ids: Sequence[str], period: Period) -> Table:
    """The crimes table of some forces within a period."""
    c = con.table("crimes")
    return c.filter(
        c.force_id.isin(list(force_ids)) & (c.month >= period.start) & (c.month <= period.end)
    )


def _counts(con: Any, force_id: str, period: Period) -> pd.DataFrame:
    return frame(street_counts(street_rows(con, [force_id], period)))


def _type_order(types: Iterable[str]) -> list[str]:
    """Crime types alphabetically, anti-social behaviour and unknown last."""
    rest = sorted(t for t in set(types) if t not in (ANTI_SOCIAL_BEHAVIOUR, "unknown"))
    tail = [t for t in (ANTI_SOCIAL_BEHAVIOUR, "unknown") if t in set(types)]
    return rest + tail


def _common_caveats(
    force_id: str, period: Period, coverage: pd.DataFrame, counts: pd.DataFrame
) -> list[str]:
    caveats: list[str] = []
    missing = missing_months(period, coverage["month"])
    if missing:
        caveats.append(
            f"{len(missing)} of {period.n_months} months have no street file for {force_id} "
            f"({describe_months(missing)}): they are missing, not zero."
        )
    caveats += snapshot_caveats(coverage)
    unknown = int(counts.loc[counts["crime_type"] == "unknown", "crimes"].sum())
    if unknown:
        caveats.append(f"{unknown} rows have a crime type no vocabulary knows (type 'unknown').")
    caveats.append("Anti-social behaviour is not a crime: it is never counted in all_crime.")
    return caveats


# --------------------------------------------------------------------------- volumes


def crime_volumes(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Street-file rows by force, month and crime type (ASB as its own type).

    Every type seen in the period gets a row for every month: 0 in a supplied month without
    such rows, null in a month with no file.

    Returns:
        ``force_id, month, crime_type, crimes``.
    """
    force_id = require_force(force_id)
    coverage = require_months(con, "crimes", force_id, period)
    counts = _counts(con, force_id, period)
    supplied = set(coverage["month"])
    types = _type_order(counts["crime_type"])
    grid = pd.MultiIndex.from_product([period.months, types], names=["month", "crime_type"])
    table = (
        counts.set_index(["month", "crime_type"])["crimes"]
        .reindex(grid)
        .reset_index()
        .assign(force_id=force_id)
    )
    table["crimes"] = table["crimes"].astype("Int64")
    in_supplied = table["month"].isin(supplied)
    table.loc[in_supplied, "crimes"] = table.loc[in_supplied, "crimes"].fillna(0)
    table = table[["force_id", "month", "crime_type", "crimes"]]
    return supplied_coverage(coverage, period, "crimes").force_result(
        "crime.volumes",
        "Crimes and anti-social behaviour by type and month",
        VOLUMES_DEFINITION,
        table.reset_index(drop=True),
        _common_caveats(force_id, period, coverage, counts),
        months_supplied=len(supplied),
        months_missing=[m.isoformat()[:7] for m in missing_months(period, supplied)],
        snapshots=sorted(set(coverage["snapshot"])),
    )


# --------------------------------------------------------------------------- rates


def resident_population(con: Any, force_id: str) -> int | None:
    """Census 2021 residents of a force area, None when the force has no row (BTP, PSNI)."""
    if "population" not in con.list_tables():
        raise PopulationMissingError(HOW_TO_GET)
    pop = con.table("population")
    rows = frame(
        pop.filter((pop.force_id == force_id) & (pop.ethnic_group == "total")).select("population")
    )["population"].tolist()
    return int(rows[0]) if rows else None


def _population_caveats(force_id: str, population: int | None) -> list[str]:
    caveats = [
        "The denominator is the Census 2021 resident population for every month, whatever the "
        "year; crimes against visitors, commuters and travellers count against residents."
    ]
    if population is None:
        caveats.append(
            f"{force_id} has no resident population in the loaded denominators (British "
            "Transport Police polices the railways; Northern Ireland is outside the England and "
            "Wales census tables): rates are left empty."
        )
    elif force_id == "city-of-london":
        caveats.append(
            "The City of London has under 10,000 residents but hundreds of thousands of daily "
            "workers and visitors: rates per resident are very high and are not comparable "
            "with other forces."
        )
    return caveats


def _rate_columns(
    df: pd.DataFrame, population: int | None, months: pd.Series, confidence: float
) -> pd.DataFrame:
    """Annualised rate per 1,000 residents with exact Poisson limits."""
    crimes = df["crimes"].astype(float).to_numpy()
    exposure = (
        np.full(len(df), np.nan)
        if population is None
        else person_years(population, months.astype(float).to_numpy())
    )
    r = annual_rate_per_1000(crimes, exposure, confidence)
    df["population"] = pd.array([population] * len(df), dtype="Int64")
    df["rate_per_1000_per_year"] = r.rate
    df["rate_per_1000_per_year_low"] = r.low
    df["rate_per_1000_per_year_high"] = r.high
    return df


@computed_once
def crime_rates(
    con: Any, force_id: str, period: Period, by: str = "period", confidence: float = 0.95
) -> IndicatorResult:
    """Crimes per 1,000 residents a year by crime type, over the period or by month.

    Args:
        con: connection from ``openpeel.connect``.
        force_id: data.police.uk force id.
        period: months to cover.
        by: ``"period"`` (one row per type, annualised over the supplied months) or
            ``"month"`` (one row per month and type, each month annualised).
        confidence: level of the exact Poisson interval.

    Returns:
        ``force_id, [month,] crime_type, crimes, months_supplied, population,
        rate_per_1000_per_year, rate_per_1000_per_year_low, rate_per_1000_per_year_high``.
    """
    if by not in ("period", "month"):
        raise UserInputError(f"by must be 'period' or 'month', not {by!r}")
    force_id = require_force(force_id)
    coverage = require_months(con, "crimes", force_id, period)
    population = resident_population(con, force_id)
    counts = _counts(con, force_id, period)
    supplied = sorted(set(coverage["month"]))
    types = _type_order(counts["crime_type"])
    grid = pd.MultiIndex.from_product([supplied, types], names=["month", "crime_type"])
    by_cell = counts.set_index(["month", "crime_type"])["crimes"].reindex(grid, fill_value=0)
    full = by_cell.reset_index()
    crime_only = full[full["crime_type"] != ANTI_SOCIAL_BEHAVIOUR]
    total = crime_only.groupby("month", as_index=False)["crimes"].sum()
    full = pd.concat([total.assign(crime_type=ALL_CRIME), full], ignore_index=True)
    order = {t: i for i, t in enumerate([ALL_CRIME, *types])}

    if by == "period":
        table = full.groupby("crime_type", as_index=False)["crimes"].sum()
        table["months_supplied"] = len(supplied)
        table = table.sort_values("crime_type", key=lambda s: s.map(order))
        keys = ["force_id", "crime_type"]
    else:
        table = full.copy()
        table["months_supplied"] = 1
        table = table.sort_values(
            ["month", "crime_type"], key=lambda s: s.map(order) if s.name == "crime_type" else s
        )
        keys = ["force_id", "month", "crime_type"]
    table = table.assign(force_id=force_id).reset_index(drop=True)
    table = _rate_columns(table, population, table["months_supplied"], confidence)
    columns = [
        *keys,
        "crimes",
        "months_supplied",
        "population",
        "rate_per_1000_per_year",
        "rate_per_1000_per_year_low",
        "rate_per_1000_per_year_high",
    ]
    caveats = _common_caveats(force_id, period, coverage, counts)
    caveats += _population_caveats(force_id, population)
    return supplied_coverage(coverage, period, "crimes").force_result(
        "crime.rates",
        "Crimes per 1,000 residents a year",
        RATES_DEFINITION,
        table[columns],
        caveats,
        by=by,
        confidence=confidence,
        population=population,
        months_supplied=len(supplied),
    )


# --------------------------------------------------------------------------- trend


def trend_estimate(months: Sequence[date], counts: ArrayLike) -> dict[str, Any] | None:
    """Percent change a year from a log-linear quasi-Poisson regression on monthly counts.

    The slope's standard error is multiplied by the square root of the Pearson dispersion
    (chi-squared / residual degrees of freedom) when that is above 1.

    Returns None with fewer than :data:`MIN_TREND_MONTHS` months or no crimes at all.
    """
    y = np.asarray(counts, dtype=float)
    if len(y) < MIN_TREND_MONTHS or y.sum() == 0:
        return None
    t = np.array([months_between(months[0], m) for m in months])
    # Imported here: statsmodels takes seconds to import, and every command loads this module.
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    design = np.column_stack([np.ones(len(t)), t.astype(float)])
    with warnings.catch_warnings():
        # A perfectly flat series "separates"; its slope (0) and standard error are still fine.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        fit = GLM(y, design, family=Poisson()).fit()
    dispersion = float(fit.pearson_chi2 / fit.df_resid) if fit.df_resid > 0 else 1.0
    # Quasi-Poisson: widen the standard error by the Pearson dispersion, never narrow it.
    slope, se = float(fit.params[1]), float(fit.bse[1]) * np.sqrt(max(dispersion, 1.0))
    z = 1.959963984540054
    return {
        "percent_change_per_year": 100 * (np.exp(12 * slope) - 1),
        "percent_change_per_year_low": 100 * (np.exp(12 * (slope - z * se)) - 1),
        "percent_change_per_year_high": 100 * (np.exp(12 * (slope + z * se)) - 1),
        "dispersion": dispersion,
        "months_used": len(y),
    }


def _series(counts: pd.DataFrame, series: str) -> pd.Series:
    """Monthly counts of one series (a crime type or all_crime)."""
    if series == ALL_CRIME:
        rows = counts[counts["crime_type"] != ANTI_SOCIAL_BEHAVIOUR]
    else:
        rows = counts[counts["crime_type"] == series]
    return rows.groupby("month")["crimes"].sum()


@computed_once
def crime_trend(
    con: Any, force_id: str, period: Period, crime_type: str | None = None
) -> IndicatorResult:
    """Monthly counts with control limits, partial-month flags and a trend line.

    Args:
        con: connection from ``openpeel.connect``.
        force_id: data.police.uk force id.
        period: months to cover.
        crime_type: a crime type code or ``all_crime``; None gives two series, ``all_crime``
            and ``anti_social_behaviour``.

    Returns:
        ``force_id, series, month, is_supplied, crimes, centre, lower_limit, upper_limit,
        sigma_z, is_outside_limits, is_suspected_partial``; ``meta["trend"]`` holds the trend
        per series.
    """
    force_id = require_force(force_id)
    if crime_type is not None and crime_type not in crime_type_codes():
        raise UserInputError(
            f"unknown crime type {crime_type!r}; use one of: {', '.join(crime_type_codes())}"
        )
    coverage = require_months(con, "crimes", force_id, period)
    counts = _counts(con, force_id, period)
    supplied = sorted(set(coverage["month"]))
    names = [ALL_CRIME, ANTI_SOCIAL_BEHAVIOUR] if crime_type is None else [crime_type]
    frames: list[pd.DataFrame] = []
    trends: dict[str, Any] = {}
    caveats = _common_caveats(force_id, period, coverage, counts)
    for name in names:
        values = _series(counts, name).reindex(supplied, fill_value=0).astype(float)
        partial = suspected_partial(values.to_numpy())
        limits = overdispersed_control_limits(values.to_numpy(), baseline=~partial)
        centre = float(limits["centre"].iloc[0]) if len(limits) else 0.0
        part = pd.DataFrame(
            {
                "month": supplied,
                "crimes": values.to_numpy(),
                "centre": round(centre, 2),
                "lower_limit": limits["lower"].to_numpy(),
                "upper_limit": limits["upper"].to_numpy(),
                "sigma_z": limits["sigma_z"].to_numpy(),
                "is_outside_limits": limits["is_outside"].to_numpy(),
                "is_suspected_partial": partial,
            }
        ).set_index("month")
        part = part.reindex(period.months).reset_index()
        part.insert(0, "series", name)
        part.insert(2, "is_supplied", part["month"].isin(supplied))
        frames.append(part)
        kept = [m for m, p in zip(supplied, partial, strict=True) if not p]
        estimate = trend_estimate(kept, values[~partial].to_numpy())
        trends[name] = estimate
        if estimate is None:
            caveats.append(
                f"{name}: fewer than {MIN_TREND_MONTHS} usable months, so no trend is fitted."
            )
        sigma_z = float(limits["sigma_z"].iloc[0]) if len(limits) else float("nan")
        if sigma_z > 1:
            caveats.append(
                f"{name}: the month-to-month spread is {sigma_z:.1f} times what Poisson chance "
                "alone would give (seasons, operations, real change); the control limits are "
                "widened by that factor (Laney c' chart), so only a month unusual for this "
                "force is flagged."
            )
        outside = [m for m, o in zip(supplied, limits["is_outside"], strict=True) if o]
        if outside:
            caveats.append(
                f"{name}: {len(outside)} month(s) outside the control limits "
                f"({describe_months(outside)}). {OUTSIDE_MEANING}"
            )
        if partial.any():
            flagged = [m for m, p in zip(supplied, partial, strict=True) if p]
            caveats.append(
                f"{name}: suspected partial submissions ({describe_months(flagged)}) are left "
                "out of the centre line and the trend."
            )
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "force_id", force_id)
    table["crimes"] = table["crimes"].astype("Int64")
    for flag in ("is_outside_limits", "is_suspected_partial"):
        table[flag] = table[flag].astype("boolean")
    return supplied_coverage(coverage, period, "crimes").force_result(
        "crime.trend",
        "Monthly crime with control limits",
        TREND_DEFINITION,
        table,
        caveats,
        trend=trends,
    )


__all__ = [
    "ALL_CRIME",
    "ANTI_SOCIAL_BEHAVIOUR",
    "crime_rates",
    "crime_trend",
    "crime_volumes",
    "street_counts",
    "supplied_months",
    "trend_estimate",
]
