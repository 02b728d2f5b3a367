"""The stop and search explorer's cube: a force's person searches of a period counted once per
combination of the explorer's fields (both ethnicity bases and every filter's field), with what
its figures need beside the searches (the months supplied, the population, provenance).

Every explorer figure (the groups, the breakdowns, the section 60 and strip searches, the
filters' choices) is then a small group-by over this table instead of a query over the lake:
the loads prepare it with the other stored views (``openpeel.report.stored_views``), and a
filter change reads it. The counts are those of the lake's person searches
(``stop_search.person_searches_expr``), so the explorer counts exactly what the indicators do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError
from openpeel.indicators import stop_search as ss
from openpeel.indicators.explorer_filters import ETHNICITY_BASES, FILTER_COLUMNS, NOT_RECORDED
from openpeel.provenance import any_synthetic

#: The fields a cell is one combination of.
DIMENSIONS: tuple[str, ...] = (*ETHNICITY_BASES.values(), *FILTER_COLUMNS.values())
#: What each cell counts: person searches, those recorded as removing more than outer clothing,
#: and those whose strip-search field is blank.
MEASURES = ("searches", "strip_search", "strip_unknown")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class ExplorerCube:
    """A force-period's person searches by every combination of the explorer's fields.

    Attributes:
        force_id: the force.
        period: the months.
        cells: one row per combination seen: ``DIMENSIONS`` (blank fields as ``not_recorded``)
            and ``MEASURES``.
        months: months of the period with the force's stop and search data supplied.
        is_synthetic: the searches are synthetic.
        population: the force's residents per broad group and ``total`` (None: none loaded).
        population_synthetic: the population is synthetic.
        no_population: why there is no population (empty when there is one).
    """

    force_id: str
    period: Period
    cells: pd.DataFrame
    months: int
    is_synthetic: bool
    population: dict[str, float] | None
    population_synthetic: bool = False
    no_population: str = ""


def explorer_cube(con: Any, force_id: str, period: Period) -> ExplorerCube:
    """Count the force's person searches of the period by every combination of the explorer's
    fields (one query over the lake).

    Raises:
        DataUnavailableError: no stop and search data is loaded for the force in the period.
    """
    sc = ss.scope(con, period, force_id)
    persons = ss.person_searches_expr(ss.stop_searches_table(con, sc), sc)
    strip = persons.is_removal_of_more_than_outer_clothing
    cells = (
        persons.group_by(list(DIMENSIONS))
        .agg(
            searches=persons.count(),
            strip_search=strip.fill_null(False).cast("int64").sum(),
            strip_unknown=strip.isnull().cast("int64").sum(),
        )
        .execute()
    )
    for column in DIMENSIONS:
        values = cells[column].astype(object)
        cells[column] = values.where(values.notna(), NOT_RECORDED).astype(str).astype("category")
    for column in MEASURES:
        cells[column] = cells[column].fillna(0).astype("int64")
    population: dict[str, float] | None = None
    synthetic_population = False
    missing = ""
    try:
        frame = ss.population_frame(con)
        mine = frame[frame.force_id == force_id]
        population = {
            str(g): float(n) for g, n in zip(mine.ethnic_group, mine.population, strict=True)
        }
        synthetic_population = any_synthetic(con.table("population").source.execute().unique())
    except DataUnavailableError as error:  # no population loaded: shares only
        missing = str(error).splitlines()[0]
    return ExplorerCube(
        force_id,
        period,
        cells.reset_index(drop=True),
        len(sc.months_supplied.get(force_id, ())),
        sc.is_synthetic,
        population,
        synthetic_population,
        missing,
    )


def reads_lake(
    over_cube: Callable[Concatenate[ExplorerCube, P], R],
) -> Callable[Concatenate[Any, str, Period, P], R]:
    """A figure written over a cube (``over_cube(cube, ...)``) made to read the lake: called
    with a connection, a force and a period in place of the cube, it counts the cube
    (:func:`explorer_cube`, one query) and passes the other arguments on."""

    def from_lake(
        con: Any, force_id: str, period: Period, /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        return over_cube(explorer_cube(con, force_id, period), *args, **kwargs)

    from_lake.__name__ = from_lake.__qualname__ = over_cube.__name__.removesuffix("_cube")
    from_lake.__doc__ = (
        f":func:`{over_cube.__name__}` over the cube of the force's person searches of the "
        f"period (``explorer_cube(con, force_id, period)``).\n\n{over_cube.__doc__ or ''}"
    )
    return from_lake


def cube_options(cube: ExplorerCube) -> dict[str, list[str]]:
    """The values each filter can take in the cube's searches."""
    return {
        name: sorted({str(v) for v in cube.cells[column].unique()})
        for name, column in FILTER_COLUMNS.items()
    }


def counts_by(cells: pd.DataFrame, column: str, measures: tuple[str, ...] = ("searches",)) -> Any:
    """The cells' measures summed per value of ``column`` (only values the cells hold)."""
    return cells.groupby(column, observed=True, sort=False)[list(measures)].sum()
