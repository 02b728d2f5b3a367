"""The report's control-limit panels say in words what a flag means (never a bare True/False)."""

from __future__ import annotations

import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.report.panels import crime_panels, limits_text, stop_search_panels
from openpeel.stats.control_chart import OUTSIDE_MEANING
from tests.unit.report_lake import END, FORCE, START, shared_lake


def test_limits_text() -> None:
    assert limits_text(True) == "Outside: unusual month"
    assert limits_text(False) == "Within"
    assert limits_text(None) == "" and limits_text(float("nan")) == ""


def test_control_limit_panels_explain_the_flag(tmp_path_factory: pytest.TempPathFactory) -> None:
    con = openpeel.connect(shared_lake(tmp_path_factory))
    period = Period.from_months(START, END)
    panels = {
        p.panel_id: p
        for p in [*stop_search_panels(con, FORCE, period), *crime_panels(con, FORCE, period)]
    }
    for panel_id in ("stop-search-trend", "crime-trend"):
        panel = panels[panel_id]
        assert not panel.unavailable, panel.unavailable
        column = panel.table["Against the limits"]
        assert set(column) <= {"Within", "Outside: unusual month", ""}
        assert not panel.table.isin(["True", "False"]).any().any()
        assert any(OUTSIDE_MEANING in s for s in panel.comparison)
