"""The stop and search explorer: person searches by ethnic group under any mix of filters.

Counted from the explorer's cube (``explorer_cube``: the person searches of the stop and search
module's ``person_searches_expr`` by every combination of the explorer's fields), so the explorer
counts exactly the searches the indicators count, and a filter change is a small group-by.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from openpeel.indicators import stop_search as ss
from openpeel.indicators.explorer_cube import (
    ExplorerCube,
    counts_by,
    cube_options,
    reads_lake,
)
from openpeel.indicators.explorer_filters import (
    ETHNICITY_BASES,
    FILTER_COLUMNS,
    NOT_RECORDED,
    ExplorerFilters,
    matching_cells,
)
from openpeel.indicators.result import IndicatorResult, force_period_result
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.rates import annual_rate_per_1000, person_years

__all__ = [
    "ETHNICITY_BASES",
    "FILTER_COLUMNS",
    "NOT_RECORDED",
    "ExplorerFilters",
    "explore",
    "explore_cube",
    "filter_options",
]


#: The values each filter can take in the force's searches of the period.
filter_options = reads_lake(cube_options)


def explore_cube(
    cube: ExplorerCube, filters: ExplorerFilters | None = None, confidence: float = 0.95
) -> IndicatorResult:
    """Person searches by ethnic group with the filters applied, with shares and rates.

    Args:
        cube: the force-period's cube (``explorer_cube``); :func:`explore` counts it.
        filters: ethnicity basis and filter values ('' = all; ``not_recorded`` = blank).
        confidence: level of the intervals.

    Returns:
        One row per group (and ``all``): ``group, searches, share, share_low, share_high,
        population, rate_per_1000, rate_low, rate_high``.
    """
    filters = filters or ExplorerFilters()
    key = ETHNICITY_BASES[filters.ethnicity]
    not_recorded = _not_recorded(cube, key, filters.ethnicity)
    counts = counts_by(matching_cells(cube.cells, filters), key).reset_index()
    counts = counts.rename(columns={key: "group"}).astype({"group": str})
    groups = [*ss.GROUPS, ss.NOT_STATED]
    table = pd.DataFrame({"group": groups}).merge(counts, on="group", how="left")
    table["searches"] = table["searches"].fillna(0).astype("int64")
    total = int(table["searches"].sum())
    table = pd.concat(
        [table, pd.DataFrame({"group": ["all"], "searches": [total]})], ignore_index=True
    )
    low, high = wilson_interval(table["searches"], total, confidence)
    table["share"] = table["searches"] / total if total else float("nan")
    table["share_low"], table["share_high"] = low, high
    caveats: list[str] = [
        "Person searches only (vehicle-only searches excluded), as in the stop and search rates.",
    ]
    if cube.population is not None:
        mine = cube.population
        table["population"] = table["group"].map(
            lambda g: float(mine.get("total" if g == "all" else g, float("nan")))
        )
        table.loc[table.group == ss.NOT_STATED, "population"] = float("nan")
        exposure = person_years(table["population"], cube.months)
        r = annual_rate_per_1000(table["searches"], exposure, confidence)
        table["rate_per_1000"], table["rate_low"], table["rate_high"] = r.rate, r.low, r.high
        if cube.population_synthetic:
            caveats.append("The population denominators are SYNTHETIC: rates are not real.")
    else:
        caveats.append(f"No rates: {cube.no_population}")
    if not_recorded:
        table = _mark_not_recorded(table, not_recorded)
        caveats.append(
            "Groups the force does not record on this basis ("
            + ", ".join(sorted(not_recorded))
            + ") are empty with the reason, never zero."
        )
    if filters.ethnicity == "officer_defined":
        caveats.append(
            "Officer-defined ethnicity is the officer's perception of the person, not what the "
            "person said; blank values are counted as not_stated."
        )
    if total < 100:
        caveats.append(f"Only {total} searches match: intervals are wide.")
    active = filters.active()
    described = ", ".join(f"{k} = {v}" for k, v in active.items()) or "no filters"
    return force_period_result(
        "stop_search.explorer",
        f"Person searches by {filters.ethnicity.replace('_', '-')} ethnic group ({described})",
        cube.force_id,
        cube.period,
        (
            "searches: person searches (vehicle-only excluded) matching the filters, by broad "
            "ethnic group ('not_stated' for not stated or blank). share = searches / all "
            f"matching searches, Wilson {confidence:.0%} interval. rate_per_1000 = 1000 x "
            "searches / (population x months / 12), exact Poisson interval; population from the "
            "loaded denominators (none for not_stated)."
        ),
        table,
        caveats,
        is_synthetic=cube.is_synthetic,
        filters=asdict(filters),
    )


#: :func:`explore_cube` reading the lake: ``explore(con, force_id, period, filters, confidence)``.
explore = reads_lake(explore_cube)


def _not_recorded(cube: ExplorerCube, key: str, basis: str) -> dict[str, str]:
    """Groups the force does not record on ``basis`` over all its person searches in the
    period (before any filter: a filtered zero is a real zero, a category never used is not)."""
    counts = counts_by(cube.cells, key).reset_index()
    counts = counts.rename(columns={key: "group"}).astype({"group": str})
    table = pd.DataFrame({"group": list(ss.GROUPS)}).merge(counts, on="group", how="left")
    table = pd.concat(
        [table, pd.DataFrame({"group": [ss.ALL], "searches": [counts["searches"].sum()]})],
        ignore_index=True,
    )
    table["searches"] = table["searches"].fillna(0).astype("int64")
    return ss.not_recorded_groups(table, basis)


def _mark_not_recorded(table: pd.DataFrame, not_recorded: dict[str, str]) -> pd.DataFrame:
    """The explorer table with the not-recorded groups' numbers emptied and ``reason`` filled."""
    out = table.copy()
    out["reason"] = out["group"].map(lambda g: not_recorded.get(g, ""))
    rows = out["group"].isin(list(not_recorded))
    out["searches"] = out["searches"].astype("Int64")
    out.loc[rows, "searches"] = pd.NA
    numbers = ["share", "share_low", "share_high", "rate_per_1000", "rate_low", "rate_high"]
    out.loc[rows, [c for c in numbers if c in out]] = np.nan
    return out
