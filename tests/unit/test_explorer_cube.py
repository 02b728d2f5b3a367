"""The explorer's cube gives the same figures as a query over the lake, for many random filter
sets: the groups (both ethnicity bases), each breakdown, the section 60 and strip searches, and
the filters' choices."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators import stop_search as ss
from openpeel.indicators.explorer import explore_cube, filter_options
from openpeel.indicators.explorer_breakdowns import (
    BREAKDOWNS,
    breakdown_cube,
    thorough_searches_cube,
)
from openpeel.indicators.explorer_cube import explorer_cube
from openpeel.indicators.explorer_filters import (
    ETHNICITY_BASES,
    FILTER_COLUMNS,
    ExplorerFilters,
    matching,
)
from openpeel.indicators.stop_search_outcomes import SECTION_60
from tests.unit.report_lake import END, FORCE, START, shared_lake

PERIOD = Period.from_months(START, END)
COMBINATIONS = 25


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def con(lake: Path) -> Any:
    return openpeel.connect(lake)


@pytest.fixture(scope="module")
def persons(con: Any) -> Any:
    """The force's person searches of the period as a query over the lake."""
    sc = ss.scope(con, PERIOD, FORCE)
    return ss.person_searches_expr(ss.stop_searches_table(con, sc), sc)


def random_filters(options: dict[str, list[str]], seed: int) -> ExplorerFilters:
    """A filter set drawing each filter as 'all' or one of its values (often 'all', so that
    combinations of two or three filters keep some searches)."""
    rng = random.Random(seed)
    chosen = {
        name: rng.choice(values) if rng.random() < 0.4 else "" for name, values in options.items()
    }
    return ExplorerFilters(rng.choice(list(ETHNICITY_BASES)), **chosen)


def lake_counts(persons: Any, column: str) -> dict[str, int]:
    """Searches per value of ``column`` (blank as not_recorded), queried over the lake."""
    counts = persons.group_by(persons[column].name("value")).agg(n=persons.count()).execute()
    values = counts["value"].astype(object)
    counts["value"] = values.where(values.notna(), "not_recorded").astype(str)
    return {str(v): int(n) for v, n in counts.groupby("value")["n"].sum().items() if n}


def test_options_are_the_lakes(con: Any, persons: Any) -> None:
    options = filter_options(con, FORCE, PERIOD)
    for name, column in FILTER_COLUMNS.items():
        assert options[name] == sorted(lake_counts(persons, column))


def test_random_filter_sets_match_the_lake(con: Any, persons: Any) -> None:
    cube = explorer_cube(con, FORCE, PERIOD)
    options = filter_options(con, FORCE, PERIOD)
    nonempty = 0
    for seed in range(COMBINATIONS):
        filters = random_filters(options, seed)
        matched = matching(persons, filters)
        key = ETHNICITY_BASES[filters.ethnicity]
        expected = lake_counts(matched, key)
        table = explore_cube(cube, filters).table.set_index("group")["searches"]
        got = {g: int(n) for g, n in table.drop("all").items() if pd.notna(n) and n}
        assert got == expected, filters
        assert int(table["all"]) == sum(expected.values())
        nonempty += bool(expected)
        for dimension in BREAKDOWNS:
            column = FILTER_COLUMNS[dimension]
            own = lake_counts(matching(persons, filters, skip=dimension), column)
            result = breakdown_cube(cube, dimension, filters).table
            assert dict(zip(result.category, result.searches, strict=True)) == own, filters
        thorough = thorough_searches_cube(cube, filters).table
        by_group = thorough.set_index(["measure", "group"])["searches"]
        s60 = lake_counts(matched.filter(matched.legislation_code == SECTION_60), key)
        strip = matched.filter(matched.is_removal_of_more_than_outer_clothing.fill_null(False))
        for group in (*ss.GROUPS, ss.NOT_STATED):
            assert by_group["section_60", group] == s60.get(group, 0), filters
            assert by_group["strip_search", group] == lake_counts(strip, key).get(group, 0)
    assert nonempty > COMBINATIONS // 2  # the draws test real counts, not empty sets
