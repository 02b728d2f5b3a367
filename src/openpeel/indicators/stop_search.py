"""Stop and search: scope, denominators, rates per 1,000 and disproportionality ratios.

The analysis HMICFRS asks every force to do (method.md §4), in pure functions over the
connection's tables: Ibis expressions select and count (``searches_expr``,
``group_counts_expr``, ``months_supplied_expr``), and the statistics run in Python on the small
aggregates. Every public indicator returns an ``IndicatorResult`` whose ``definition`` says how
each number is made and whose ``caveats`` say what to be careful of.

Definitions shared by every stop-and-search indicator:

- **Person search**: a row whose type is not "Vehicle search" (vehicle-only searches have no
  person, so no ethnicity, and are left out of every rate per head).
- **Group**: the self-defined broad ethnic group (Asian, Black, Mixed, White, Other), mapped
  from the published 16+1 or 18+1 category. A search whose self-defined ethnicity is "Not
  stated", blank or unmapped counts in the totals but in no group (``not_stated``).
- **Months supplied**: the months of the period for which the force published a
  stop-and-search file (a current partition in the lake). A missing month is missing data, not
  zero searches, and adds nothing to the exposure.
- **Exposure**: ``population x months supplied / 12`` person-years, summed over forces.
- **Rate per 1,000**: ``1000 x searches / exposure``: searches per 1,000 residents per year.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

import ibis
import numpy as np
import pandas as pd
from ibis import _

from openpeel.calendar import Period, add_months
from openpeel.errors import DataUnavailableError, SourceFormatError, UserInputError
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.coverage import Coverage, coverage
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import is_synthetic_label
from openpeel.reference.forces import forces
from openpeel.stats.funnel import MIN_FUNNEL_UNITS, funnel_position, rate_funnel
from openpeel.stats.rate_ratio import (
    not_stated_bounds,
    not_stated_bounds_vs_total,
    rate_ratio,
)
from openpeel.stats.rates import annual_rate_per_1000, person_years
from openpeel.store.population import HOW_TO_GET, PopulationMissingError

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

GROUPS: tuple[str, ...] = ("asian", "black", "mixed", "white", "other")
"""The five broad ethnic groups, in the order rows are shown."""
NOT_STATED = "not_stated"
ALL = "all"
REFERENCE = "white"
POPULATION_REFERENCE = "population"
CENSUS2021 = "census2021"
ETHNICITY_COLUMNS = {
    "self_defined": "ethnic_group",
    "officer_defined": "officer_defined_ethnic_group",
}

RATE_DEFINITION = (
    "basis = {basis} ethnicity ({basis_text}). rate_per_1000 = 1000 x searches / (population x "
    "months / 12): person searches (vehicle-only excluded) per 1,000 residents per year, by "
    "{basis_words} broad ethnic group; months = months of the period for which the force "
    "supplied stop-and-search data (summed over forces when several are pooled; a missing month "
    "adds no exposure); rate_low/rate_high = exact (Garwood) Poisson interval for the count, "
    "divided by the exposure. not_stated = searches with {basis_words} ethnicity {not_stated}: "
    "in the total, in no group's rate. A group the force does not record (no searches at all "
    "among {min_searches:,} or more, or officer-defined Mixed, a category officers rarely use) is "
    "empty, with the reason, never a zero."
)
BASIS_TEXT = {
    "self_defined": "what the person searched said",
    "officer_defined": "the officer's perception of the person, in four or five groups",
}
BASIS_NOT_STATED = {
    "self_defined": "'Not stated', blank or unmapped",
    "officer_defined": "blank or unmapped",
}
NOT_RECORDED_MIN_SEARCHES = 1000
"""A group with no searches at all among this many person searches is a category the force does
not use (its people are counted in other groups or not stated): not recorded, not zero."""


def rate_definition(basis: str) -> str:
    """``RATE_DEFINITION`` for one ethnicity basis."""
    return RATE_DEFINITION.format(
        basis=basis,
        basis_text=BASIS_TEXT[basis],
        basis_words=basis.replace("_", "-"),
        not_stated=BASIS_NOT_STATED[basis],
        min_searches=NOT_RECORDED_MIN_SEARCHES,
    )


def not_recorded_groups(table: pd.DataFrame, basis: str) -> dict[str, str]:
    """Groups of a ``rate_table`` the force does not record on this basis, with the reason.

    Officer-defined Mixed with no searches is a category officers rarely use; any group with no
    searches at all among ``NOT_RECORDED_MIN_SEARCHES`` or more person searches is a category the
    force does not use. Either way the group's rate and ratios are empty, never zero.
    """
    t = table.set_index("group")
    total = int(_value(t, ALL, "searches"))
    out: dict[str, str] = {}
    for g in GROUPS:
        n = int(_value(t, g, "searches"))
        if n:
            continue
        if basis == "officer_defined" and g == "mixed":
            out[g] = (
                "not recorded: officer-defined ethnicity has no Mixed category in practice "
                "(officers record four groups)"
            )
        elif total >= NOT_RECORDED_MIN_SEARCHES:
            out[g] = (
                f"not recorded: no {basis.replace('_', '-')} {g.title()} searches at all among "
                f"{total:,}; the force does not use that category"
            )
    return out


def mark_not_recorded(table: pd.DataFrame, not_recorded: dict[str, str]) -> pd.DataFrame:
    """A rate table with the not-recorded groups' numbers emptied and ``reason`` filled."""
    out = table.copy()
    out["searches"] = out["searches"].astype("Int64")
    out["reason"] = out["group"].map(lambda g: not_recorded.get(g, ""))
    rows = out["group"].isin(list(not_recorded))
    out.loc[rows, "searches"] = pd.NA
    out.loc[rows, ["rate_per_1000", "rate_low", "rate_high"]] = np.nan
    return out


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope(Coverage):
    """The coverage of a stop and search analysis (``stop_searches``), and its cached rows.

    Attributes (beyond :class:`~openpeel.indicators.coverage.Coverage`'s):
        table: the stop_searches table to read (an Ibis table); None reads the lake's view.
            ``cached_scope`` fills it with the scope's rows held in memory, so that running
            every indicator reads the Parquet files once.
        memo: small results shared by indicators of the same scope (the monthly trend, the
            clock evidence, the midnight shares), so ``suite`` computes each once.
        unknown_codes: per published field, rows whose value no vocabulary recognises.
    """

    table: Any = field(default=None, compare=False, repr=False)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def months_supplied_expr(partitions: ibis.Table, period: Period) -> ibis.Table:
    """Current stop-and-search partitions of the period: ``force_id, month, snapshot``."""
    return partitions.filter(
        (_.table_name == "stop_searches")
        & (_.status == "current")
        & _.month.between(period.start, period.end)
    ).select("force_id", "month", "snapshot")


def scope(con: Any, period: Period, force_ids: Sequence[str] | str | None = None) -> Scope:
    """The forces and months to analyse, checked against what the lake holds
    (:func:`~openpeel.indicators.coverage.coverage` of ``stop_searches``).

    Args:
        con: an ``openpeel.connect()`` connection.
        period: the months to analyse.
        force_ids: one force, several, or None for every force with data in the period.

    Raises:
        UserInputError: an unknown force id.
        DataUnavailableError: no stop-and-search data is loaded for the forces in the period.
    """
    cov = coverage(con, "stop_searches", period, force_ids)
    return Scope(
        cov.period,
        cov.force_ids,
        cov.months_supplied,
        cov.snapshots,
        cov.table_name,
        cov.unknown_codes,
    )


def resolve_scope(
    con: Any, period: Period | Scope, force_ids: Sequence[str] | str | None = None
) -> Scope:
    """``period`` itself when it is already a Scope, else ``scope(con, period, force_ids)``."""
    return period if isinstance(period, Scope) else scope(con, period, force_ids)


class ScopedIndicator(Protocol[P, R_co]):
    """How a stop-and-search indicator is called: ``(con, period or scope, force_ids, ...)``."""

    def __call__(
        self,
        con: Any,
        period: Period | Scope,
        force_ids: Sequence[str] | str | None = None,
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R_co: ...


def scoped(fn: Callable[Concatenate[Any, Scope, P], R]) -> ScopedIndicator[P, R]:
    """An indicator written over a :class:`Scope` (``fn(con, sc, ...)``), called with a period
    and forces or with a scope already made (``resolve_scope``), as every stop-and-search
    indicator is: a suite passes one scope to all of them."""

    @functools.wraps(fn)
    def indicator(
        con: Any,
        period: Period | Scope,
        force_ids: Sequence[str] | str | None = None,
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        return fn(con, resolve_scope(con, period, force_ids), *args, **kwargs)

    return indicator


CACHED_COLUMNS = (
    "force_id",
    "month",
    "search_type_code",
    "is_vehicle_only",
    "occurred_at",
    "latitude",
    "gender_code",
    "age_range_code",
    "self_defined_ethnicity_code",
    "ethnic_group",
    "officer_defined_ethnic_group",
    "legislation_code",
    "object_of_search_code",
    "outcome_code",
    "outcome_group",
    "is_outcome_linked_to_object",
    "is_removal_of_more_than_outer_clothing",
)
CACHED_BLANK_FLAGS = (
    "self_defined_ethnicity_raw",
    "officer_defined_ethnicity_raw",
    "gender_raw",
    "age_range_raw",
    "legislation_raw",
    "object_of_search_raw",
    "outcome_raw",
)


@computed_once(shared=True)
def cached_scope(
    con: Any,
    period: Period,
    force_ids: Sequence[str] | str | None = None,
    lookback_months: int = 12,
) -> Scope:
    """A scope whose rows (and ``lookback_months`` before it, for the trend's partial-month
    rule) are read from the lake once and held in a DuckDB temporary table.

    Only the columns the indicators read are kept (``CACHED_COLUMNS``); the ``*_raw`` columns
    the quality checks test for blanks are kept as NULL (blank) or "" (``CACHED_BLANK_FLAGS``).
    """
    sc = scope(con, period, force_ids)
    if getattr(con, "name", "") != "duckdb":
        return sc  # other engines read the lake each time (their caching differs)
    first = add_months(period.start, -lookback_months)
    lake = con.table("stop_searches")
    rows = lake.filter(
        _.force_id.isin(list(sc.force_ids)) & _.month.between(first, period.end)
    ).select(
        *CACHED_COLUMNS,
        # The indicators ask of these only whether they were blank: keep NULL or "".
        **{c: lake[c].substr(0, 0) for c in CACHED_BLANK_FLAGS},
    )
    # A plain temporary table (gone with the connection), not Table.cache(): ibis drops cached
    # tables from a finaliser, which fails noisily once the connection has closed.
    name = f"stop_searches_scope_{uuid.uuid4().hex[:12]}"
    return replace(sc, table=con.create_table(name, rows, temp=True), memo={})


def stop_searches_table(con: Any, sc: Scope) -> ibis.Table:
    """The scope's cached rows when it has them, else the lake's ``stop_searches`` view."""
    return sc.table if sc.table is not None else con.table("stop_searches")


def _value(frame: pd.DataFrame, row: Any, column: str) -> float:
    """One cell as a float (pandas-stubs cannot know a cell's type)."""
    return float(cast(Any, frame.at[row, column]))


def _as_list(force_ids: Sequence[str] | str | None) -> list[str]:
    return [force_ids] if isinstance(force_ids, str) else list(force_ids or [])


def _as_date(value: Any) -> date:
    return pd.Timestamp(value).date()


def searches_expr(stop_searches: ibis.Table, sc: Scope) -> ibis.Table:
    """Every search (vehicle-only included) of the scope's forces and period."""
    return stop_searches.filter(
        _.force_id.isin(list(sc.force_ids)) & _.month.between(sc.period.start, sc.period.end)
    )


def person_searches_expr(stop_searches: ibis.Table, sc: Scope) -> ibis.Table:
    """Person searches (vehicle-only excluded) of the scope, with ``group`` for the broad group
    (``not_stated`` for Not stated, blank or unmapped) and ``officer_group`` likewise."""
    t = searches_expr(stop_searches, sc).filter(~_.is_vehicle_only.fill_null(False))
    return t.mutate(
        group=_.ethnic_group.isin(list(GROUPS)).ifelse(_.ethnic_group, NOT_STATED),
        officer_group=_.officer_defined_ethnic_group.isin(list(GROUPS)).ifelse(
            _.officer_defined_ethnic_group, NOT_STATED
        ),
    )


def group_counts_expr(persons: ibis.Table, column: str = "group") -> ibis.Table:
    """Searches per force and group: ``force_id, group, searches``."""
    return persons.group_by(["force_id", persons[column].name("group")]).agg(searches=_.count())


# --------------------------------------------------------------------------- population


def population_frame(con: Any, population: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Denominators as ``force_id, ethnic_group, population`` (groups and ``total``).

    Args:
        con: the connection (for the Census 2021 table loaded into the lake).
        population: ``"census2021"`` or None for the loaded Census 2021 table; a path to a CSV
            with columns ``force_id, ethnic_group, population`` (such as the 2011 figures for
            reconciliation; ``total`` is the sum of the groups when absent); or a DataFrame.

    Raises:
        PopulationMissingError: Census 2021 figures are asked for but were never loaded.
        ValueError: the file or frame is not a population table.
    """
    if population is None or (isinstance(population, str) and population == CENSUS2021):
        if "population" not in con.list_tables():
            raise PopulationMissingError(HOW_TO_GET)
        df = con.table("population").execute()
        labels = df["source"].dropna().unique() if "source" in df.columns else []
        synthetic = sorted(str(label) for label in labels if is_synthetic_label(label))
        source = synthetic[0] if synthetic else "ONS Census 2021 TS021"
    elif isinstance(population, pd.DataFrame):
        df, source = population.copy(), population.attrs.get("source", "population table given")
    else:
        path = Path(population)
        if not path.is_file():
            raise UserInputError(
                f"population: {population} is neither 'census2021' nor a readable CSV file"
            )
        try:
            df = pd.read_csv(path, dtype={"force_id": str, "ethnic_group": str})
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
            raise SourceFormatError(
                f"population file {path.name}: not a CSV file ({err})"
            ) from None
        source = f"population file {path.name}"
    return _checked_population(df, source)


def population_provenance(pop: pd.DataFrame) -> dict[str, Any]:
    """What a result over a ``population_frame`` says of it: whether the population is
    synthetic and its source (``Coverage.result``'s ``is_synthetic`` and a meta item)."""
    return {
        "is_synthetic": bool(pop.attrs.get("is_synthetic")),
        "population_source": pop.attrs.get("source"),
    }


def _checked_population(df: pd.DataFrame, source: str) -> pd.DataFrame:
    needed = {"force_id", "ethnic_group", "population"}
    if not needed <= set(df.columns):
        raise SourceFormatError(
            f"{source}: needs the columns force_id, ethnic_group, population "
            f"(found {', '.join(map(str, df.columns))})"
        )
    out = df[["force_id", "ethnic_group", "population"]].copy()
    out["force_id"] = out["force_id"].astype(str).str.strip()
    out["ethnic_group"] = out["ethnic_group"].astype(str).str.strip().str.lower()
    unknown = sorted(set(out["ethnic_group"]) - {*GROUPS, "total"})
    if unknown:
        raise SourceFormatError(
            f"{source}: unknown ethnic_group {', '.join(unknown)} "
            f"(expected {', '.join(GROUPS)}, total)"
        )
    values = pd.to_numeric(out["population"], errors="coerce")
    if values.isna().any() or (values < 0).any():
        raise SourceFormatError(f"{source}: population must be a non-negative number in every row")
    out["population"] = values.astype(float)
    out = out.groupby(["force_id", "ethnic_group"], as_index=False).agg(
        population=("population", "sum")
    )
    has_total = set(out.loc[out["ethnic_group"] == "total", "force_id"])
    sums = out[out["ethnic_group"].isin(GROUPS) & ~out["force_id"].isin(has_total)]
    totals = sums.groupby("force_id", as_index=False).agg(population=("population", "sum"))
    totals["ethnic_group"] = "total"
    out = pd.concat([out, totals], ignore_index=True)
    out.attrs["source"] = source
    out.attrs["is_synthetic"] = is_synthetic_label(source)
    return out


def population_forces(sc: Scope, pop: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The scope's forces that have a population, and a caveat naming those left out.

    A force with no resident population (British Transport Police) cannot have a rate per head:
    its searches are left out of pooled rates, with a caveat. A scope of only such forces is an
    error.
    """
    have = set(pop["force_id"])
    counting = [f for f in sc.force_ids if f in have]
    left = [f for f in sc.force_ids if f not in have]
    if not counting:
        exposures(sc, pop, left[:1])  # raises, naming the force
    caveats = (
        [f"Left out (no resident population in the table, so no rate per head): {', '.join(left)}."]
        if left
        else []
    )
    return counting, caveats


def exposures(sc: Scope, pop: pd.DataFrame, force_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Person-years per force and group: ``force_id, group, population, months, person_years``.

    Group ``all`` carries the total population.

    Raises:
        ValueError: a force has no population in the table (e.g. British Transport Police).
    """
    ids = list(force_ids) if force_ids is not None else list(sc.force_ids)
    rows = []
    for f in ids:
        p = pop[pop["force_id"] == f].set_index("ethnic_group")["population"]
        if p.empty:
            name = forces()[f].name if f in forces() else f
            raise DataUnavailableError(
                f"no population for {f} ({name}) in {pop.attrs.get('source', 'the table')}"
            )
        months = sc.n_months(f)
        for g in (*GROUPS, "total"):
            value = float(p.get(g, np.nan))
            rows.append(
                {
                    "force_id": f,
                    "group": ALL if g == "total" else g,
                    "population": value,
                    "months": months,
                    "person_years": person_years(value, months),
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- rates


def _counts(persons: ibis.Table, column: str) -> pd.DataFrame:
    df = group_counts_expr(persons, column).execute()
    return df.astype({"searches": "int64"})


def rate_table(counts: pd.DataFrame, expo: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Rates per 1,000 from per-force counts and exposures, pooled over forces.

    Returns one row per group (``asian`` ... ``other``, ``not_stated``, ``all``):
    ``group, searches, population, months, rate_per_1000, rate_low, rate_high`` and
    ``person_years`` (dropped by ``rates`` for display).
    """
    by_group = counts.groupby("group")["searches"].sum()
    total_searches = int(by_group.sum())
    e = expo.groupby("group").agg(
        population=("population", "sum"), person_years=("person_years", "sum")
    )
    months = int(expo.drop_duplicates("force_id")["months"].sum())
    rows = []
    for g in (*GROUPS, NOT_STATED, ALL):
        s = total_searches if g == ALL else int(by_group.get(g, 0))
        if g == NOT_STATED:
            rows.append(
                {
                    "group": g,
                    "searches": s,
                    "population": np.nan,
                    "months": months,
                    "person_years": np.nan,
                }
            )
            continue
        rows.append(
            {
                "group": g,
                "searches": s,
                "population": _value(e, g, "population"),
                "months": months,
                "person_years": _value(e, g, "person_years"),
            }
        )
    out = pd.DataFrame(rows)
    r = annual_rate_per_1000(out["searches"], out["person_years"], confidence)
    out["rate_per_1000"], out["rate_low"], out["rate_high"] = r.rate, r.low, r.high
    return out


@computed_once
@scoped
def rates(
    con: Any,
    sc: Scope,
    population: str | Path | pd.DataFrame | None = CENSUS2021,
    confidence: float = 0.95,
    ethnicity: str = "self_defined",
) -> IndicatorResult:
    """Search rates per 1,000 residents per year by broad ethnic group, and overall.

    Args:
        con: an ``openpeel.connect()`` connection.
        period: the months to analyse.
        force_ids: one force, several (pooled), or None for all forces with data.
        population: ``census2021`` (default), a CSV path or a DataFrame (see
            ``population_frame``).
        confidence: level of the exact Poisson intervals.
        ethnicity: ``self_defined`` (default) or ``officer_defined``.

    Returns:
        One row per group: ``group, searches, population, months, rate_per_1000, rate_low,
        rate_high``.
    """
    column = _ethnicity_column(ethnicity)
    pop = population_frame(con, population)
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    counting, left_out = population_forces(sc, pop)
    counts = _counts(persons, column)
    counts = counts[counts["force_id"].isin(counting)]
    table = rate_table(counts, exposures(sc, pop, counting), confidence)
    caveats = [*sc.caveats(), *left_out, *_not_stated_caveat(table, ethnicity)]
    if ethnicity == "officer_defined":
        caveats.append(OFFICER_CAVEAT)
    not_recorded = not_recorded_groups(table, ethnicity)
    table = mark_not_recorded(table, not_recorded)
    table.insert(0, "basis", ethnicity)
    return sc.result(
        "stop_search.rates",
        f"Stop and search rates per 1,000 by {ethnicity.replace('_', '-')} ethnic group, "
        f"{_who(sc)} {sc.period.label}",
        rate_definition(ethnicity),
        table.drop(columns="person_years").reset_index(drop=True),
        caveats,
        confidence=confidence,
        ethnicity=ethnicity,
        **population_provenance(pop),
    )


SMALL_RESIDENT_POPULATION = 100_000
"""Peers: a force area with fewer residents than this (the City of London) gets a caveat."""
OFFICER_MAX_BLANK = 0.5
"""Officer-defined ratios are withheld when officer-defined ethnicity is blank this often."""
OFFICER_CAVEAT = (
    "Officer-defined ethnicity is the officer's perception in four or five groups; officers "
    "rarely record Mixed, so people who would self-define as Mixed are counted in other groups, "
    "and officer-defined rates are not strictly comparable with Census (self-defined) "
    "populations."
)


def _ethnicity_column(ethnicity: str) -> str:
    if ethnicity not in ETHNICITY_COLUMNS:
        raise UserInputError(
            f"unknown ethnicity basis {ethnicity!r}; choose self_defined or officer_defined"
        )
    return "group" if ethnicity == "self_defined" else "officer_group"


def _not_stated_caveat(
    table: pd.DataFrame, basis: str = "self_defined", blank_share: bool = True
) -> list[str]:
    total = int(table.loc[table["group"] == ALL, "searches"].iloc[0])
    u = int(table.loc[table["group"] == NOT_STATED, "searches"].iloc[0])
    if total == 0:
        return ["No person searches in the period."]
    out = []
    share = u / total
    words = basis.replace("_", "-")
    if blank_share and share >= 0.005:
        out.append(
            f"{u:,} of {total:,} person searches ({share:.1%}) have no {words} ethnicity: they "
            "are in the total but in no group's rate, so every group rate is a lower bound; see "
            "the not-stated bounds of the ratios."
        )
    not_recorded = not_recorded_groups(table, basis)
    if not_recorded:
        out.append(
            f"Not recorded ({words}): {', '.join(g.title() for g in not_recorded)}: no searches "
            "at all in that category, which the force does not use; shown empty, not as a zero "
            "rate."
        )
    return out


def _who(sc: Scope) -> str:
    if len(sc.force_ids) == 1:
        return sc.force_ids[0] + ","
    return f"{len(sc.force_ids)} forces,"


# --------------------------------------------------------------------------- ratios

RATIO_DEFINITION = (
    "ratio = rate_group / rate_reference (disproportionality ratio), rates as in "
    "stop_search.rates; reference 'white' = the White group's rate, 'population' = the rate of "
    "all person searches over the whole population. ratio_low/ratio_high = {method} interval "
    "at {confidence:.0%} (exact: conditional binomial / Clopper-Pearson on a/(a+c), mapped to the "
    "ratio; score: inverted Poisson score test; wald_log: exp(log ratio +- z sqrt(1/a+1/c))). "
    "not_stated = searches with no stated ethnicity on that basis; ratio_bound_low (L) and "
    "ratio_bound_high (H) = the ratio if every not-stated search belonged to the reference side "
    "or to the group (assumption bounds, not confidence intervals); q_star = the share of "
    "not-stated searches that, given to the group and the rest to the reference, would make the "
    "ratio exactly 1 (is_q_star_feasible when 0 <= q_star <= 1). basis = self_defined (what the "
    "person said) or officer_defined (the officer's perception). reason = why a ratio is empty: "
    "a group the force does not record on that basis, or an undefined ratio (no searches or no "
    "population in the reference)."
)


def ratio_table(
    table: pd.DataFrame,
    method: str = "exact",
    confidence: float = 0.95,
    not_recorded: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Disproportionality ratios from a ``rate_table`` (with ``person_years``).

    One row per group against White (White itself omitted) and per group (and White) against
    the whole population. A group in ``not_recorded`` (and any group when White is not
    recorded), or a ratio with no searches or no population in its reference, is a row with an
    empty ratio and the ``reason``.
    """
    not_recorded = not_recorded or {}
    t = table.set_index("group")
    u = _value(t, NOT_STATED, "searches")
    ref_n, ref_e = _value(t, REFERENCE, "searches"), _value(t, REFERENCE, "person_years")
    all_n, all_e = _value(t, ALL, "searches"), _value(t, ALL, "person_years")
    rows = []
    for reference in (REFERENCE, POPULATION_REFERENCE):
        for g in GROUPS:
            if reference == REFERENCE and g == REFERENCE:
                continue
            n, e = _value(t, g, "searches"), _value(t, g, "person_years")
            reason = not_recorded.get(g, "")
            if not reason and reference == REFERENCE and REFERENCE in not_recorded:
                reason = f"undefined: White (the reference) {not_recorded[REFERENCE]}"
            elif not reason and reference == REFERENCE and ref_n == 0:
                reason = "undefined: no searches of White people (the reference) in the period"
            elif not reason and not (e > 0 and (ref_e if reference == REFERENCE else all_e) > 0):
                reason = "undefined: no resident population for the group or its reference"
            elif not reason and reference == POPULATION_REFERENCE and all_n == 0:
                reason = "undefined: no person searches in the period"
            if reason:
                rows.append(
                    {
                        "group": g,
                        "reference": reference,
                        "searches": pd.NA if g in not_recorded else n,
                        "reason": reason,
                    }
                )
                continue
            if reference == REFERENCE:
                rr = rate_ratio(n, e, ref_n, ref_e, method, confidence)
                b = not_stated_bounds(n, e, ref_n, ref_e, u)
                ref_searches = ref_n
            else:
                # The whole population contains the group, so the two counts are not
                # independent: see _ratio_vs_total.
                rr = _ratio_vs_total(n, e, all_n, all_e, method, confidence)
                b = not_stated_bounds_vs_total(n, e, all_n, all_e, u)
                ref_searches = all_n
            rows.append(
                {
                    "group": g,
                    "reference": reference,
                    "ratio": rr.ratio,
                    "ratio_low": rr.low,
                    "ratio_high": rr.high,
                    "not_stated": u,
                    "ratio_bound_low": b.low,
                    "ratio_bound_high": b.high,
                    "q_star": b.q_star,
                    "is_q_star_feasible": bool(b.is_q_star_feasible),
                    "searches": n,
                    "reference_searches": ref_searches,
                    "reason": "",
                }
            )
    out = pd.DataFrame(rows, columns=[c for c in RATIO_COLUMNS if c not in ("basis", "method")])
    for column in ("not_stated", "searches", "reference_searches"):
        out[column] = out[column].astype("Int64")
    out["method"] = method
    return out


RATIO_COLUMNS = (
    "basis",
    "reference",
    "group",
    "ratio",
    "ratio_low",
    "ratio_high",
    "not_stated",
    "ratio_bound_low",
    "ratio_bound_high",
    "q_star",
    "is_q_star_feasible",
    "searches",
    "reference_searches",
    "method",
    "reason",
)


def _ratio_vs_total(
    n: float, e: float, all_n: float, all_e: float, method: str, confidence: float
) -> Any:
    """Ratio of a group's rate to the whole population's, with an interval.

    The two counts are not independent (the total contains the group), so the interval is
    computed for the ratio ``rho`` of the group's rate to everyone else's (independent counts)
    and mapped through ``R = rho / (w rho + 1 - w)`` with ``w = e / all_e`` (the group's share of
    the exposure): the whole population's rate is ``w rate_g + (1 - w) rate_rest``, and the map
    increases with rho, so the interval's ends map to the ends of R's interval.
    """
    rest_n, rest_e = all_n - n, all_e - e
    ratio = (n / e) / (all_n / all_e) if all_n > 0 else np.nan
    if rest_e <= 0:
        return _Ratio(ratio, np.nan, np.nan)
    rr = rate_ratio(n, e, rest_n, rest_e, method, confidence)
    w = e / all_e

    def to_total(rho: float) -> float:
        if np.isnan(rho):
            return float("nan")
        if np.isinf(rho):
            return 1 / w
        return rho / (w * rho + 1 - w)

    return _Ratio(ratio, to_total(rr.low), to_total(rr.high))


@dataclass(frozen=True)
class _Ratio:
    ratio: float
    low: float
    high: float


@computed_once
@scoped
def ratios(
    con: Any,
    sc: Scope,
    population: str | Path | pd.DataFrame | None = CENSUS2021,
    method: str = "exact",
    confidence: float = 0.95,
) -> IndicatorResult:
    """Disproportionality ratios against White and against the whole population.

    Self-defined ethnicity first; officer-defined beside it when the period has any
    officer-defined ethnicity recorded.

    Returns:
        ``basis, reference, group, ratio, ratio_low, ratio_high, not_stated, ratio_bound_low,
        ratio_bound_high, q_star, is_q_star_feasible, searches, reference_searches, method,
        reason``.
    """
    pop = population_frame(con, population)
    counting, left_out = population_forces(sc, pop)
    expo = exposures(sc, pop, counting)
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    counts = persons.group_by(["force_id", "group", "officer_group"]).agg(searches=_.count())
    df = counts.execute()
    df = df[df["force_id"].isin(counting)]
    parts, caveats = [], [*sc.caveats(), *left_out]
    for basis, column in (("self_defined", "group"), ("officer_defined", "officer_group")):
        c = df.groupby(["force_id", column], as_index=False)["searches"].sum()
        c = c.rename(columns={column: "group"})
        if basis == "officer_defined":
            recorded = int(c.loc[c["group"] != NOT_STATED, "searches"].sum())
            if recorded == 0:
                caveats.append("No officer-defined ethnicity recorded in the period.")
                continue
            total = int(c["searches"].sum())
            blank = (total - recorded) / total
            white = int(c.loc[c["group"] == REFERENCE, "searches"].sum())
            recorded_groups = sorted(set(c.loc[c["group"] != NOT_STATED, "group"]))
            if blank >= OFFICER_MAX_BLANK or white == 0:
                caveats.append(
                    f"Officer-defined ratios not shown: officer-defined ethnicity is blank for "
                    f"{blank:.1%} of person searches and recorded only as "
                    f"{', '.join(recorded_groups)}; ratios built on the few recorded searches "
                    "would compare recording practice, not searching."
                )
                continue
            caveats.append(
                f"Officer-defined ethnicity is blank for {total - recorded:,} of {total:,} "
                f"person searches ({blank:.1%}). {OFFICER_CAVEAT}"
            )
        table = rate_table(c, expo, confidence)
        caveats += _not_stated_caveat(table, basis, blank_share=basis == "self_defined")
        r = ratio_table(table, method, confidence, not_recorded_groups(table, basis))
        r["basis"] = basis
        parts.append(r)
    out = pd.concat(parts, ignore_index=True)[list(RATIO_COLUMNS)]
    caveats.append(
        "A ratio above 1 says the group is searched more often per head than the reference; it "
        "does not by itself show why (residential population is not the population available "
        "to be searched, and the Census population is from 2021)."
    )
    return sc.result(
        "stop_search.ratios",
        f"Disproportionality ratios, {_who(sc)} {sc.period.label}",
        RATIO_DEFINITION.format(method=method, confidence=confidence),
        out,
        caveats,
        confidence=confidence,
        method=method,
        **population_provenance(pop),
    )


# --------------------------------------------------------------------------- peers

PEERS_DEFINITION = (
    "For every force with stop-and-search data in the period (and a resident population): "
    "rate_per_1000 by self-defined group as in stop_search.rates (months = that force's months "
    "supplied), target_per_1000 = the pooled rate of all these forces for the group; "
    "lower_95/upper_95 and lower_99_8/upper_99_8 = exact Poisson funnel limits around the target "
    "for the force's exposure (Spiegelhalter 2005); funnel_position = above_99_8, above_95, "
    "within_95, below_95 or below_99_8 (withheld when fewer than {min_forces} forces are "
    "compared: the target would be little more than the force itself); forces_compared = how "
    "many forces the target pools; ratio_to_white with its exact conditional interval; reason = "
    "why a row is empty (a group the force does not record); is_focus marks the forces asked for."
)


@computed_once
def peers(
    con: Any,
    period: Period | Scope,
    force_ids: Sequence[str] | str | None = None,
    population: str | Path | pd.DataFrame | None = CENSUS2021,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Rates and ratios for every force with data in the period, with funnel limits.

    Args:
        force_ids: the forces to mark as the focus (all forces are shown).
    """
    if isinstance(period, Scope):
        focus = list(period.force_ids) if force_ids is None else _as_list(force_ids)
        period = period.period
    else:
        focus = _as_list(force_ids)
        if focus:
            scope(con, period, focus)  # checks the focus forces have data
    sc = scope(con, period, None)
    pop = population_frame(con, population)
    with_pop = [f for f in sc.force_ids if (pop["force_id"] == f).any()]
    skipped = [f for f in sc.force_ids if f not in with_pop]
    if not with_pop:
        raise DataUnavailableError("no force with data in the period has a population")
    expo = exposures(sc, pop, with_pop)
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    counts = _counts(persons, "group")
    parts = []
    for f in with_pop:
        t = rate_table(counts[counts["force_id"] == f], expo[expo["force_id"] == f], confidence)
        ref = t.set_index("group").loc[REFERENCE]
        valid = t["person_years"].to_numpy(dtype=float) > 0
        ref_ok = ref["person_years"] > 0
        rr = rate_ratio(
            t["searches"].to_numpy(dtype=float),
            np.where(valid, t["person_years"].to_numpy(dtype=float), 1.0),
            float(cast(Any, ref["searches"])),
            float(cast(Any, ref["person_years"])) if ref_ok else 1.0,
            "exact",
            confidence,
        )
        # White against itself, and everyone against White (not independent), are not ratios.
        shown = valid & ref_ok & t["group"].isin([g for g in GROUPS if g != REFERENCE]).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            shown &= np.isfinite(np.asarray(rr.ratio, dtype=float))
        t["ratio_to_white"] = np.where(shown, rr.ratio, np.nan)
        t["ratio_low"] = np.where(shown, rr.low, np.nan)
        t["ratio_high"] = np.where(shown, rr.high, np.nan)
        not_recorded = not_recorded_groups(t, "self_defined")
        t = mark_not_recorded(t, not_recorded)
        t.loc[
            t["group"].isin(list(not_recorded)), ["ratio_to_white", "ratio_low", "ratio_high"]
        ] = np.nan
        t.insert(0, "force_id", f)
        parts.append(t)
    table = pd.concat(parts, ignore_index=True)
    table = table[table["group"] != NOT_STATED].reset_index(drop=True)
    # A force that does not record a group adds nothing to that group's target.
    recorded = table[table["reason"] == ""]
    pooled = recorded.groupby("group").agg(s=("searches", "sum"), e=("person_years", "sum"))
    target = (pooled["s"].astype(float) / pooled["e"]).to_dict()
    table["target_per_1000"] = table["group"].map(lambda g: 1000 * target.get(g, np.nan))
    n_forces = len(with_pop)
    limit_columns = ("lower_95", "upper_95", "lower_99_8", "upper_99_8")
    for column in limit_columns:
        table[column] = np.nan
    if n_forces >= MIN_FUNNEL_UNITS:
        for g, idx in table.groupby("group").groups.items():
            limits = rate_funnel(target.get(g, np.nan), table.loc[idx, "person_years"].to_numpy())
            rows = table.index.get_indexer(idx)
            for column in limit_columns:
                table.loc[table.index[rows], column] = 1000 * limits[column].to_numpy()
        table["funnel_position"] = funnel_position(
            table["rate_per_1000"],
            table["lower_95"],
            table["upper_95"],
            table["lower_99_8"],
            table["upper_99_8"],
        )
    else:
        table["funnel_position"] = "withheld"
    table["forces_compared"] = n_forces
    table["is_focus"] = table["force_id"].isin(focus)
    table = table.drop(columns="person_years")
    caveats = [*sc.caveats()]
    if n_forces < MIN_FUNNEL_UNITS:
        caveats.append(
            f"Only {n_forces} force{'s' if n_forces != 1 else ''} with stop-and-search data and a "
            f"population in the period: no funnel limits (at least {MIN_FUNNEL_UNITS} forces are "
            "needed for the pooled rate to say anything about peers). Load other forces' files "
            "(openpeel ingest) to compare."
        )
    if skipped:
        caveats.append(f"Left out (no resident population in the table): {', '.join(skipped)}.")
    totals = table[table["group"] == ALL]
    small = totals[totals["population"] < SMALL_RESIDENT_POPULATION]["force_id"].tolist()
    if small:
        caveats.append(
            f"{', '.join(small)}: fewer than {SMALL_RESIDENT_POPULATION:,} residents but many more "
            "people by day (workers, visitors); rates per resident overstate how often people "
            "there are searched and are not comparable with other forces."
        )
    caveats.append(
        "Funnel limits show where a force would fall by chance alone if every force had the "
        "pooled rate; real forces differ for many reasons (urban areas, policing priorities), so "
        "a force outside them is worth a question, not a conclusion."
    )
    return sc.result(
        "stop_search.peers",
        f"Stop and search rates and ratios, {n_forces} force"
        f"{'s' if n_forces != 1 else ''} compared, {sc.period.label}",
        PEERS_DEFINITION.format(min_forces=MIN_FUNNEL_UNITS),
        table,
        caveats,
        focus=focus,
        forces_compared=n_forces,
        min_funnel_forces=MIN_FUNNEL_UNITS,
        confidence=confidence,
        **population_provenance(pop),
    )


# --------------------------------------------------------------------------- reconcile

RECONCILE_DEFINITION = (
    "searches = person searches (vehicle-only excluded) from police.uk files by self-defined "
    "broad group (not_stated = Not stated, blank or unmapped; total = all); official_searches = "
    "the published figure for the same force, financial year and group; searches_diff_pct = "
    "100 x (searches - official_searches) / official_searches; rate_per_1000 uses the given "
    "population (for reconciliation, the population the official table used) and "
    "official_rate_per_1000 is as published."
)


def reconcile(
    con: Any,
    official: pd.DataFrame,
    force_id: str,
    financial_year: str,
    population: str | Path | pd.DataFrame | None = None,
) -> IndicatorResult:
    """Police.uk person searches beside an official table for one force and financial year.

    Args:
        official: from ``openpeel.sources.official_stop_search.read_official``.
        population: denominators for the police.uk rates; None takes the official table's own
            population when it has one (the 2011 Census in Ethnicity Facts and Figures).
    """
    period = Period.financial_year(financial_year)
    off = official[
        (official["force_id"] == force_id) & (official["financial_year"] == period.label)
    ]
    if off.empty:
        raise DataUnavailableError(f"the official table has no {force_id} row for {period.label}")
    if population is None and off["population"].notna().any():
        p = off[off["population"].notna()][["ethnic_group", "population"]].copy()
        p.insert(0, "force_id", force_id)
        pop: str | Path | pd.DataFrame | None = p
    else:
        pop = population
    sc = scope(con, period, force_id)
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    counts = _counts(persons, "group")
    try:
        table = rate_table(counts, exposures(sc, population_frame(con, pop)))
    except (PopulationMissingError, ValueError):
        table = counts.groupby("group", as_index=False).agg(searches=("searches", "sum"))
        table = pd.concat(
            [table, pd.DataFrame([{"group": ALL, "searches": table["searches"].sum()}])]
        )
        table["rate_per_1000"] = np.nan
    table["group"] = table["group"].replace({ALL: "total"})
    o = off.set_index("ethnic_group")
    rows = []
    for g in (*GROUPS, NOT_STATED, "total"):
        mine = table[table["group"] == g]
        s = int(mine["searches"].iloc[0]) if not mine.empty else 0
        rate = float(mine["rate_per_1000"].iloc[0]) if not mine.empty else np.nan
        os_ = _value(o, g, "searches") if g in o.index else np.nan
        orate = _value(o, g, "rate_per_1000") if g in o.index else np.nan
        rows.append(
            {
                "group": g,
                "searches": s,
                "official_searches": os_,
                "searches_diff_pct": 100 * (s - os_) / os_ if os_ and os_ > 0 else np.nan,
                "rate_per_1000": rate,
                "official_rate_per_1000": orate,
                "rate_diff_pct": 100 * (rate - orate) / orate if orate and orate > 0 else np.nan,
            }
        )
    caveats = [*sc.caveats()]
    caveats.append(
        "Police.uk files and official statistics are compiled separately (different extraction "
        "dates, later corrections, forces' own definitions of a person search); differences of a "
        "few per cent are normal and are shown, not adjusted away."
    )
    return sc.result(
        "stop_search.reconcile",
        f"Police.uk vs official statistics, {force_id} {sc.period.label}",
        RECONCILE_DEFINITION,
        pd.DataFrame(rows),
        caveats,
        official_source=str(off["source"].iloc[0]),
    )
