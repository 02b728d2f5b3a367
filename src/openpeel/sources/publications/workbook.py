"""Open published files: workbooks (ODS, XLSX, XLS) with python-calamine, CSV headers."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

from openpeel.errors import SourceFormatError

Grid = list[list[Any]]


def _workbook(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as err:  # calamine raises its own types for every unreadable file
        raise SourceFormatError(f"{path.name}: not a readable spreadsheet ({err})") from None


def sheet_names_of(path: Path) -> list[str]:
    """The sheet names of a workbook, in order."""
    return list(_workbook(path).sheet_names)


def read_sheets(path: Path) -> dict[str, Grid]:
    """Every sheet of a workbook as a grid of cells (rows from the top, columns from A)."""
    book = _workbook(path)
    out: dict[str, Grid] = {}
    for name in book.sheet_names:
        out[name] = [list(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
    return out


def first_cell(path: Path, sheet: str) -> str:
    """The text of a sheet's first non-empty cell (its title)."""
    rows = _workbook(path).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    for row in rows[:5]:
        for cell in row:
            if str(cell).strip():
                return str(cell)
    return ""


def open_text(path: Path) -> io.TextIOBase:
    """A CSV file as text (gzip-compressed or not), BOM removed."""
    if path.name.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV file."""
    with open_text(path) as fh:
        return next(csv.reader(fh), [])
