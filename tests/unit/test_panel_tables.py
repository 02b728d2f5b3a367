"""The catalogue of panel tables (report/panels/tables.csv) and its one loader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import openpeel
from openpeel.report.panels import format as panel_format
from openpeel.report.panels.format import KINDS, panel_columns

SRC = Path(openpeel.__file__).parent


def test_a_table_is_its_declared_columns_in_order() -> None:
    assert panel_columns("offenders-orders") == {
        "measure": ("Measure", "text"),
        "count": ("Count", "text"),
        "per_100_offenders": ("Per 100 offenders", "num"),
        "per_100_low": ("Low", "num"),
        "per_100_high": ("High", "num"),
    }
    assert next(iter(panel_columns("crime-rates"))) == "crime_type"


def test_fields_fill_column_names_and_titles() -> None:
    columns = panel_columns("vulnerability-timeliness", hours="24")
    assert columns["share_within_24h"] == ("Within 24h", "share")
    assert panel_columns("peers-official", value_title="Per 1,000")["rate"] == (
        "Per 1,000",
        "text",
    )
    with pytest.raises(KeyError):
        panel_columns("vulnerability-timeliness")  # the field it names is not given


def test_an_undeclared_table_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        panel_columns("no-such-table")


def test_every_kind_is_one_display_formats() -> None:
    for columns in panel_format._tables().values():
        assert {kind for _column, _title, kind in columns} <= set(KINDS)


def test_every_table_the_code_names_is_declared_and_every_declared_one_is_used() -> None:
    code = "\n".join(path.read_text("utf-8") for path in SRC.rglob("*.py"))
    named = set(re.findall(r'panel_columns\(\s*"([^"]+)"', code))
    assert named <= set(panel_format._tables())
    # A hand-built panel's table is named by the panel's id (``tabled``).
    assert [t for t in panel_format._tables() if f'"{t}"' not in code] == []
