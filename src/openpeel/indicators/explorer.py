"""The stop and search explorer: person searches by ethnic group under any mix of filters.

Built on the stop and search module's public expressions (``scope``, ``person_searches_expr``)
so the explorer counts exactly the searches the indicators count.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators import stop_search as ss
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import any_synthetic
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.rates import annual_rate_per_1000, person_years

#: Filter name -> column of the person-search rows it filters.
FILTER_COLUMNS = {
    "legislation": "legislation_code",
    "object": "object_of_search_code",
    "outcome": "outcome_group",
    "age": "age_range_code",
    "sex": "gender_code",
}
ETHNICITY_BASES = {"self_defined": "group", "officer_defined": "officer_group"}
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class ExplorerFilters:
    """What the explorer shows: the ethnicity basis and one value (or all) per filter."""

    ethnicity: str = "self_defined"
    legislation: str = ""
    object: str = ""
    outcome: str = ""
    age: str = ""
    sex: str = ""

    def __post_init__(self) -> None:
        if self.ethnicity not in ETHNICITY_BASES:
            raise UserInputError(f"ethnicity must be one of {', '.join(ETHNICITY_BASES)}")

    def active(self) -> dict[str, str]:
        """The filters set (name -> value)."""
        return {k: v for k, v in asdict(self).items() if k in FILTER_COLUMNS and v}


def filter_options(con: Any, force_id: str, period: Period) -> dict[str, list[str]]:
    """The values each filter can take in the force's searches of the period."""
    sc = ss.scope(con, period, force_id)
    persons = ss.person_searches_expr(ss.stop_searches_table(con, sc), sc)
    out: dict[str, list[str]] = {}
    for name, column in FILTER_COLUMNS.items():
        values = persons.select(column).distinct().execute()[column]
        out[name] = sorted({NOT_RECORDED if pd.isna(v) else str(v) for v in values})
    return out


def explore(
    con: Any,
    force_id: str,
    period: Period,
    filters: ExplorerFilters | None = None,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Person searches by ethnic group with the filters applied, with shares and rates.

    Args:
        con: an ``openpeel.connect()`` connection.
        force_id: the force.
        period: the months.
        filters: ethnicity basis and filter values ('' = all; ``not_recorded`` = blank).
        confidence: level of the intervals.

    Returns:
        One row per group (and ``all``): ``group, searches, share, share_low, share_high,
        population, rate_per_1000, rate_low, rate_high``.
    """
    filters = filters or ExplorerFilters()
    sc = ss.scope(con, period, force_id)
    persons = ss.person_searches_expr(ss.stop_searches_table(con, sc), sc)
    key = ETHNICITY_BASES[filters.ethnicity]
    not_recorded = _not_recorded(persons, key, filters.ethnicity)
    for name, value in filters.active().items():
        column = persons[FILTER_COLUMNS[name]]
        persons = persons.filter(column.isnull() if value == NOT_RECORDED else column == value)
    counts = persons.group_by(key).agg(searches=persons.count()).execute()
    counts = counts.rename(columns={key: "group"})
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
    try:
        pop = ss.population_frame(con)
        mine = pop[pop.force_id == force_id].set_index("ethnic_group")["population"]
        table["population"] = table["group"].map(
            lambda g: float(mine.get("total" if g == "all" else g, float("nan")))
        )
        table.loc[table.group == ss.NOT_STATED, "population"] = float("nan")
        exposure = person_years(table["population"], len(sc.months_supplied.get(force_id, ())))
        r = annual_rate_per_1000(table["searches"], exposure, confidence)
        table["rate_per_1000"], table["rate_low"], table["rate_high"] = r.rate, r.low, r.high
        sources = con.table("population").source.execute().unique()
        if any_synthetic(sources):
            caveats.append("The population denominators are SYNTHETIC: rates are not real.")
    except DataUnavailableError as error:  # no population loaded: shares only
        caveats.append(f"No rates: {str(error).splitlines()[0]}")
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
    return IndicatorResult(
        name="stop_search.explorer",
        title=f"Person searches by {filters.ethnicity.replace('_', '-')} ethnic group "
        f"({described}): {force_id}, {period.label}",
        definition=(
            "searches: person searches (vehicle-only excluded) matching the filters, by broad "
            "ethnic group ('not_stated' for not stated or blank). share = searches / all "
            f"matching searches, Wilson {confidence:.0%} interval. rate_per_1000 = 1000 x "
            "searches / (population x months / 12), exact Poisson interval; population from the "
            "loaded denominators (none for not_stated)."
        ),
        table=table,
        caveats=caveats,
        is_synthetic=sc.is_synthetic,
        meta={"force_id": force_id, "period": period.label, "filters": asdict(filters)},
    )


def _not_recorded(persons: Any, key: str, basis: str) -> dict[str, str]:
    """Groups the force does not record on ``basis`` over all its person searches in the
    period (before any filter: a filtered zero is a real zero, a category never used is not)."""
    counts = persons.group_by(key).agg(searches=persons.count()).execute()
    counts = counts.rename(columns={key: "group"})
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
