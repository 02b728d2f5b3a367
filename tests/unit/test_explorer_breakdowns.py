"""The explorer's breakdowns (age, sex, object, outcome; section 60 and strip searches) on the
synthetic report lake, counted independently with pandas from the lake's rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import binomtest

import openpeel
from openpeel.calendar import Period
from openpeel.errors import UserInputError
from openpeel.indicators.explorer import ExplorerFilters, explore
from openpeel.indicators.explorer_breakdowns import breakdown, thorough_searches
from tests.unit.report_lake import END, FORCE, START, shared_lake

PERIOD = Period.from_months(START, END)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def persons(lake: Path) -> pd.DataFrame:
    """The force's person searches of the period, read straight from the lake."""
    con = openpeel.connect(lake)
    rows = con.table("stop_searches").execute()
    rows = rows[(rows.force_id == FORCE) & ~rows.is_vehicle_only.fillna(False).astype(bool)]
    month = pd.to_datetime(rows.month).dt.date
    return rows[(month >= PERIOD.start) & (month <= PERIOD.end)]


@pytest.mark.parametrize(
    ("dimension", "column"),
    [
        ("age", "age_range_code"),
        ("sex", "gender_code"),
        ("object", "object_of_search_code"),
        ("outcome", "outcome_group"),
    ],
)
def test_breakdown_counts_the_lake(
    lake: Path, persons: pd.DataFrame, dimension: str, column: str
) -> None:
    con = openpeel.connect(lake)
    result = breakdown(con, FORCE, PERIOD, dimension)
    expected = persons[column].fillna("not_recorded").value_counts()
    got = result.table.set_index("category")["searches"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    assert result.table["share"].sum() == pytest.approx(1.0)
    # Same searches as the explorer's ethnic-group table.
    total = explore(con, FORCE, PERIOD).table.set_index("group").loc["all", "searches"]
    assert got.sum() == total
    # Wilson interval against scipy.
    row = result.table.iloc[0]
    ci = binomtest(int(row.searches), int(got.sum())).proportion_ci(method="wilson")
    assert (row.share_low, row.share_high) == pytest.approx((ci.low, ci.high))


def test_age_bands_read_youngest_first(lake: Path) -> None:
    table = breakdown(openpeel.connect(lake), FORCE, PERIOD, "age").table
    order = ["under_10", "10_17", "18_24", "25_34", "over_34"]
    seen = [c for c in table.category if c in order]
    assert seen == [c for c in order if c in seen]


def test_breakdown_applies_the_other_filters_not_its_own(lake: Path, persons: pd.DataFrame) -> None:
    con = openpeel.connect(lake)
    filters = ExplorerFilters(sex="female", age="18_24")
    by_age = breakdown(con, FORCE, PERIOD, "age", filters)
    women = persons[persons.gender_code == "female"]
    expected = women.age_range_code.fillna("not_recorded").value_counts()
    assert by_age.table.set_index("category")["searches"].to_dict() == expected.to_dict()
    assert any("not applied" in c for c in by_age.caveats)


def test_unknown_breakdown_is_a_user_error(lake: Path) -> None:
    with pytest.raises(UserInputError):
        breakdown(openpeel.connect(lake), FORCE, PERIOD, "colour")


def test_thorough_searches_count_the_lake(lake: Path, persons: pd.DataFrame) -> None:
    result = thorough_searches(openpeel.connect(lake), FORCE, PERIOD)
    t = result.table.set_index(["measure", "group"])
    strip = persons.is_removal_of_more_than_outer_clothing.fillna(False).astype(bool)
    s60 = persons.legislation_code == "cjpoa_s60"
    assert t.loc[("strip_search", "all"), "searches"] == int(strip.sum())
    assert t.loc[("section_60", "all"), "searches"] == int(s60.sum())
    assert t.loc[("strip_search", "all"), "of_searches"] == len(persons)
    white = persons.ethnic_group == "white"
    assert t.loc[("strip_search", "white"), "searches"] == int((strip & white).sum())
    assert t.loc[("strip_search", "white"), "of_searches"] == int(white.sum())
    share = t.loc[("strip_search", "all"), "share"]
    assert share == pytest.approx(strip.sum() / len(persons))
