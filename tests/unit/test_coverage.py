"""One Coverage for every indicator family: months supplied per table, snapshots, synthetic,
caveats; stop and search's Scope is one."""

from __future__ import annotations

from datetime import date

import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.coverage import Coverage, coverage, snapshot_caveats
from openpeel.indicators.stop_search import Scope, scope
from tests.unit.report_lake import END, FORCE, START, shared_lake


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> object:
    return openpeel.connect(shared_lake(tmp_path_factory))


def test_coverage_of_a_year_with_six_months_loaded(con: object) -> None:
    year = Period.financial_year("2021/22")
    cov = coverage(con, "crimes", year, FORCE)
    assert cov.force_ids == (FORCE,)
    assert cov.n_months(FORCE) == 6
    assert cov.months_missing(FORCE)[0] == date(2021, 4, 1)
    assert len(cov.months_missing(FORCE)) == 6
    assert cov.is_synthetic
    [caveat] = cov.caveats()
    assert "no street data" in caveat and "6 of 12 months" in caveat
    assert cov.meta()["months_supplied"] == {FORCE: 6}


def test_every_force_with_data_and_the_errors(con: object) -> None:
    period = Period.from_months(START, END)
    assert coverage(con, "outcomes", period).force_ids == ("west-mercia", FORCE)
    with pytest.raises(UserInputError, match="unknown force"):
        coverage(con, "crimes", period, "atlantis")
    with pytest.raises(DataUnavailableError, match="no street data for kent"):
        coverage(con, "crimes", period, "kent")
    with pytest.raises(DataUnavailableError, match="no stop-and-search data"):
        coverage(con, "stop_searches", Period.from_months("2019-01", "2019-03"))


def test_stop_search_scope_is_a_coverage(con: object) -> None:
    period = Period.from_months(START, END)
    sc = scope(con, period, FORCE)
    assert isinstance(sc, Scope) and isinstance(sc, Coverage)
    assert sc.months_supplied == coverage(con, "stop_searches", period, FORCE).months_supplied


def test_mixed_snapshots_are_a_caveat() -> None:
    assert snapshot_caveats(["a", "a"]) == []
    [caveat] = snapshot_caveats(["2024-03", "2024-06"], "street files")
    assert "2 downloads" in caveat
