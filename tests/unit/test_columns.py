"""The catalogue of output columns (reference/columns.csv): every column an indicator returns
has a unit and a definition there."""

from __future__ import annotations

import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.reference.columns import UNITS, output_columns
from openpeel.report.panels import BUILDERS
from tests.unit.report_lake import END, FORCE, START, shared_lake


def test_catalogue_rows_are_complete() -> None:
    columns = output_columns()
    assert len(columns) >= 100
    for column in columns.values():
        assert column.unit in UNITS
        assert len(column.definition) > 15, column.name


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Every column every indicator of the report and public pages returns, by indicator."""
    con = openpeel.connect(shared_lake(tmp_path_factory))
    period = Period.from_months(START, END)
    out: dict[str, set[str]] = {}
    for builder in BUILDERS.values():
        for panel in builder(con, FORCE, period):
            if panel.result is not None:
                out.setdefault(panel.result.name, set()).update(map(str, panel.result.table))
    return out


def test_every_indicator_output_column_is_catalogued(returned: dict[str, set[str]]) -> None:
    assert len(returned) >= 8, "the builders returned too few indicators to check"
    catalogued = set(output_columns())
    missing = {name: sorted(cols - catalogued) for name, cols in returned.items()}
    assert not any(missing.values()), f"add to reference/columns.csv: {missing}"
