"""The table a person reads in the terminal, made once for every command from rows of results.

CSV and JSON keep every column, every code and full precision; the terminal shows what a person
reads:

- the columns declared for the result in ``terminal_columns.csv`` (:data:`TERMINAL_COLUMNS`;
  the rest with ``--wide``, or in ``--format csv|json``; a line under the table says how many
  were left out);
- an interval beside its value in one column, ``13.7% (10.2%–18.1%)``: a ``X_low``/``X_high``
  pair goes with the nearest column before it named ``X`` or ``X_...``;
- a code column whose value is the same in every row once above the table ("In every row");
- a long reason (why a number is withheld, a refusal) once under the table as a numbered
  note, and ``[n]`` in its cells;
- codes as names (:func:`openpeel.reference.labels.code_name`), shares as percentages, counts
  with thousands separators, other numbers rounded to what can be read, ``yes``/``no`` for
  booleans (:mod:`openpeel.formatting`); the synthetic-data column is the table's title.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from openpeel.formatting import is_missing, percent_text, plain_number_text
from openpeel.reference.columns import output_columns
from openpeel.reference.labels import COLUMN_VOCABULARY, FORCE_COLUMNS, code_name


def _declared_columns() -> dict[str, tuple[str, ...]]:
    """``terminal_columns.csv`` (beside this module): one row per indicator, its columns in
    order, separated by spaces."""
    text = resources.files(__package__).joinpath("terminal_columns.csv").read_text("utf-8")
    return {
        row["indicator"]: tuple(row["columns"].split()) for row in csv.DictReader(text.splitlines())
    }


#: Indicator name -> the columns its terminal table shows, in order (an interval comes with its
#: value), declared in ``terminal_columns.csv``. Results not named there show every column.
TERMINAL_COLUMNS: dict[str, tuple[str, ...]] = _declared_columns()

#: Columns never shown in the terminal: the synthetic marking is the table's title and caption.
HIDDEN = frozenset({"synthetic_data"})
#: Text longer than this goes under the table as a numbered note.
NOTE_AFTER = 24
#: Code columns that are not in the column catalogue.
CODE_COLUMNS = frozenset(
    {"group", "ethnic_group", "reference", "basis", "measure", "status", "section", "item"}
)
_NO_SEPARATORS = ("year", "seed", "port", "revision")


@dataclass
class TerminalTable:
    """What :func:`terminal_table` made: headers, rows of text, and the lines around them."""

    headers: list[str]
    rows: list[list[str]]
    every_row: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    left_out: int = 0


@dataclass(frozen=True)
class _Column:
    name: str
    low: str | None = None
    high: str | None = None


def terminal_table(
    rows: Sequence[dict[str, Any]], indicator: str | None = None, wide: bool = False
) -> TerminalTable:
    """Rows of results as the terminal shows them (see the module's docstring).

    Args:
        rows: the result rows (every column, codes, full precision).
        indicator: the result's name, for its declared columns (:data:`TERMINAL_COLUMNS`).
        wide: show every column (still with intervals beside their values).
    """
    names = [c for c in (rows[0] if rows else {}) if c not in HIDDEN]
    columns = _paired(names)
    declared = TERMINAL_COLUMNS.get(indicator or "")
    if declared and not wide:
        kept = [c for c in columns if c.name in declared or c.low in declared]
        kept.sort(key=lambda c: declared.index(c.name if c.name in declared else str(c.low)))
        left_out = sum(1 + (c.low is not None) + (c.high is not None) for c in columns) - sum(
            1 + (c.low is not None) + (c.high is not None) for c in kept
        )
        columns = kept
    else:
        left_out = 0
    every_row: list[str] = []
    if len(rows) > 1 and not wide:
        for column in list(columns):
            values = {str(r.get(column.name)) for r in rows}
            if column.low is None and _is_code(column.name) and len(values) == 1:
                value = rows[0].get(column.name)
                if not is_missing(value):
                    every_row.append(f"{_header(column.name)}: {_cell(column.name, value)}")
                columns.remove(column)
    if not wide:  # a column empty in every row says nothing
        columns = [c for c in columns if any(_text(c, r) for r in rows)]
    notes: list[str] = []
    text_rows = []
    for row in rows:
        cells = []
        for column in columns:
            text = _text(column, row)
            if len(text) > NOTE_AFTER and _is_text(column.name, row.get(column.name)):
                if text not in notes:
                    notes.append(text)
                text = f"[{notes.index(text) + 1}]"
            cells.append(text)
        text_rows.append(cells)
    return TerminalTable(
        headers=[_header(c.name, interval=c.low is not None) for c in columns],
        rows=text_rows,
        every_row=every_row,
        notes=[f"[{i}] {text}" for i, text in enumerate(notes, 1)],
        left_out=left_out,
    )


def _paired(names: list[str]) -> list[_Column]:
    """The columns with each ``X_low``/``X_high`` pair attached to its value column."""
    lows = {n for n in names if n.endswith("_low") and f"{n[:-4]}_high" in names}
    attached: dict[str, tuple[str, str]] = {}
    for low in [n for n in names if n in lows]:
        stem = low[:-4]
        before = [
            n
            for n in names[: names.index(low)]
            if (n == stem or n.startswith(f"{stem}_"))
            and not n.endswith(("_low", "_high"))
            and n not in attached
        ]
        if before:
            attached[before[-1]] = (low, f"{stem}_high")
    out: list[_Column] = []
    used = {part for pair in attached.values() for part in pair}
    for name in names:
        if name in attached:
            out.append(_Column(name, *attached[name]))
        elif name in lows and name not in used:  # a range with no value: "bound: low–high"
            out.append(_Column(name, name, f"{name[:-4]}_high"))
            used.add(f"{name[:-4]}_high")
        elif name not in used:
            out.append(_Column(name))
    return out


def _text(column: _Column, row: dict[str, Any]) -> str:
    if column.low is not None and column.name == column.low:  # a range only
        low = _cell(column.low, row.get(column.low))
        high = _cell(str(column.high), row.get(str(column.high)))
        return f"{low}–{high}" if low or high else ""
    value = _cell(column.name, row.get(column.name))
    if column.low is None or not value:
        return value
    low = _cell(column.low, row.get(column.low))
    high = _cell(str(column.high), row.get(str(column.high)))
    return f"{value} ({low}–{high})" if low or high else value


def _cell(column: str, value: Any) -> str:
    """One value as the terminal shows it."""
    if is_missing(value):
        return ""
    if isinstance(value, date):
        return value.isoformat()[:7] if value.day == 1 else value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(_cell(column, v) for v in value)
    if isinstance(value, str):
        return str(code_name(column, value)) if _is_code(column) else value
    unit = _unit(column)
    if unit == "share" and not isinstance(value, bool):
        return percent_text(value)
    is_whole = (
        not isinstance(value, bool) and math.isfinite(float(value)) and float(value).is_integer()
    )
    if is_whole and (unit == "year" or column.endswith(_NO_SEPARATORS)):
        return str(int(value))  # a year, seed or port: never '2,017'
    return plain_number_text(value)


def _unit(column: str) -> str | None:
    catalogued = output_columns().get(column)
    if catalogued is not None:
        return catalogued.unit
    if column == "share" or column.endswith(("_share", "_share_low", "_share_high")):
        return "share"
    return None


def _is_code(column: str) -> bool:
    return (
        column in CODE_COLUMNS
        or column in FORCE_COLUMNS
        or column in COLUMN_VOCABULARY
        or _unit(column) == "code"
    )


def _is_text(column: str, value: Any) -> bool:
    """A reason, refusal or other sentence that goes under the table (a column the table is
    about, such as a setting's description, stays in its cells)."""
    named = column in ("reason", "note", "caveat") or column.endswith("_reason")
    return isinstance(value, str) and (named or _unit(column) == "text")


def _header(column: str, interval: bool = False) -> str:
    words = column.replace("_per_1000", " per 1,000").replace("_", " ")
    if column.endswith("_low") and interval:
        return f"{words[:-4]} (low–high)"
    return f"{words} (interval)" if interval else words
