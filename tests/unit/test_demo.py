"""The demo as a library function (``openpeel.demo.build_demo``), which the report and
public-page tests build their lake with."""

from __future__ import annotations

import pytest

import openpeel
from openpeel.demo import _period
from tests.unit.report_lake import END, FORCE, START, shared_lake


def test_demo_period_is_a_financial_year_when_the_months_are_one() -> None:
    assert _period("2021-04", "2022-03").label == "2021/22"
    assert _period(START, END).label == f"{START} to {END}"


def test_the_demo_lake_is_loaded_and_labelled_synthetic(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    con = openpeel.connect(shared_lake(tmp_path_factory))
    parts = con.table("lake_partitions").execute()
    assert set(parts["force_id"]) == {FORCE, "west-mercia"}
    assert all(str(s).startswith("synthetic") for s in parts["snapshot"])
    population = con.table("population").execute()
    assert population["source"].str.upper().str.contains("SYNTHETIC").all()
    for table in ("calls_999_monthly", "call_log", "incidents"):
        assert con.table(table).count().execute() > 0, table
