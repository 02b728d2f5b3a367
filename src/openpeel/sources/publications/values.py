"""One published cell as a figure: a number, or a declared marker for a missing value.

Publishers write missing and suppressed values as ``..``, ``-``, ``x``, ``*``, ``:`` or leave the
cell blank; each publication declares what its markers mean. A marker is never read as zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

#: Value status of a figure the publisher printed.
REPORTED = "reported"
#: A cell inside a table's figures left blank.
BLANK = "blank"

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


@dataclass(frozen=True)
class Cell:
    """A parsed cell: value (None unless a number), status and the text as published."""

    value: float | None
    status: str
    raw: str


def cell_text(cell: object) -> str:
    """The text of a cell as published (dates as ISO dates, whole floats without '.0')."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def parse_cell(cell: object, markers: dict[str, str]) -> Cell | None:
    """A figure from a cell; None when the cell is text that is neither a number nor a marker.

    Numbers may be padded or comma-grouped (``" 1,234 "``); markers are matched after trimming.
    """
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return Cell(float(cell), REPORTED, cell_text(cell))
    text = "" if cell is None else str(cell)
    trimmed = text.strip()
    if trimmed in markers:
        return Cell(None, markers[trimmed], text)
    if not trimmed:
        return Cell(None, markers.get("", BLANK), text)
    if _NUMBER.match(trimmed) and any(ch.isdigit() for ch in trimmed):
        return Cell(float(trimmed.replace(",", "")), REPORTED, text)
    return None


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
