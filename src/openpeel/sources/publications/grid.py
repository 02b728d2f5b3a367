"""One sheet of a published workbook as tidy rows: find the areas, the headers and the figures.

Three layouts are declared (see :mod:`spec`):

- ``areas_in_rows``: one row per area (ONS, Home Office bulletin tables). The area column is
  the one naming the most forces (an ONS code column beside it settles ambiguous names); the
  header is the band of rows above the first area row with figures; columns between the area
  and the figures (``Type of force``, ``Tactic``) become dimensions.
- ``areas_in_columns``: one column per force (HMICFRS value for money): the header row is the
  first naming at least three forces; heading rows with no figures name a section.
- ``national``: England and Wales tables with categories in rows.

Rows read = rows loaded + rows rejected, counted over rows that carry at least one figure; rows
with none (headings, notes, blank rows) are counted apart as notes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpeel.reference.official_areas import (
    Area,
    ambiguous_names,
    normalise_name,
    recognise_area,
    strip_footnotes,
)
from openpeel.sources.publications.spec import TableSpec
from openpeel.sources.publications.values import BLANK, cell_text, column_letter, parse_cell

#: A sheet as rows of cells.
Grid = list[list[Any]]

_CODE = re.compile(r"^[EWKNS]\d{8}\d{0,2}$")
NATIONAL = Area("national", "england-and-wales", "K04000001")
#: Tidy columns a grid produces (the reader adds publication, period and file).
COLUMNS = (
    "table_id",
    "area_type",
    "area_id",
    "area_code",
    "area_name_raw",
    "force_id",
    "measure",
    "dimensions",
    "value",
    "value_status",
    "value_raw",
    "unit",
    "source_sheet",
    "source_row",
    "source_column",
)


@dataclass
class SheetResult:
    """What one sheet gave: tidy rows (column lists), rejects and counts."""

    sheet: str
    table_id: str
    rows: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    rejects: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    notes: int = 0

    def reject(self, row: int | None, column: str | None, reason: str, raw: str = "") -> None:
        """Record a rejected row (or cell, or column) with its reason."""
        self.rejects.append(
            {
                "source_sheet": self.sheet,
                "source_row": row,
                "source_column": column,
                "reason": reason,
                "raw": raw[:200],
            }
        )


def _text(cell: Any) -> str:
    return cell_text(cell).strip()


def _is_figure(cell: Any, markers: dict[str, str]) -> bool:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return False
    return parse_cell(cell, markers) is not None


def _label(parts: Sequence[str]) -> str:
    out: list[str] = []
    for p in parts:
        p = strip_footnotes(p)
        if p and (not out or out[-1] != p):
            out.append(p)
    return " | ".join(out)


def _header_labels(
    grid: list[list[Any]], header_rows: Sequence[int], columns: Sequence[int]
) -> dict[int, str]:
    """Each column's label: its header cells top to bottom, upper rows carried rightwards
    across merged spans."""
    labels: dict[int, list[str]] = {c: [] for c in columns}
    for position, r in enumerate(header_rows):
        row = grid[r] if r < len(grid) else []
        carry = ""
        last = position == len(header_rows) - 1
        for c in range(min(columns, default=0), max(columns, default=-1) + 1):
            text = _text(row[c]) if c < len(row) else ""
            if text:
                carry = text
            if c in labels:
                labels[c].append(text if last else (text or carry))
    return {c: _label(parts) for c, parts in labels.items()}


def _auto_header_rows(grid: list[list[Any]], first_data: int) -> list[int]:
    rows = []
    for r in range(max(1, first_data - 3), first_data):
        if any(_text(c) for c in grid[r]):
            rows.append(r)
    return rows


def _emit(
    out: SheetResult,
    spec: TableSpec,
    area: Area,
    area_raw: str,
    label: str,
    dims: dict[str, str],
    cell: Any,
    r: int,
    c: int,
    markers: dict[str, str],
) -> None:
    parsed = parse_cell(cell, markers)
    column = column_letter(c)
    if parsed is None:
        out.reject(r + 1, column, "not a number or a declared missing-value marker", _text(cell))
        return
    measure = spec.measure or label
    dimensions = dict(dims)
    if spec.column_dimension:
        dimensions[spec.column_dimension] = label.split(" | ")[-1]
        if not spec.measure:
            measure = " | ".join(label.split(" | ")[:-1]) or label
    rows = out.rows
    rows["table_id"].append(out.table_id)
    rows["area_type"].append(area.area_type)
    rows["area_id"].append(area.area_id)
    rows["area_code"].append(area.area_code)
    rows["area_name_raw"].append(area_raw)
    rows["force_id"].append(area.force_id)
    rows["measure"].append(measure)
    rows["dimensions"].append(json.dumps(dimensions, sort_keys=True, ensure_ascii=False))
    rows["value"].append(parsed.value)
    rows["value_status"].append(parsed.status)
    rows["value_raw"].append(parsed.raw)
    rows["unit"].append(spec.unit)
    rows["source_sheet"].append(out.sheet)
    rows["source_row"].append(r + 1)
    rows["source_column"].append(column)


def _refused(
    out: SheetResult, grid: list[list[Any]], markers: dict[str, str], reason: str
) -> SheetResult:
    """The sheet refused whole: every row with a figure is read and rejected, for ``reason``."""
    out.rows_read = out.rows_rejected = sum(any(_is_figure(c, markers) for c in r) for r in grid)
    out.reject(None, None, reason)
    return out


def _skipped(label: str, patterns: Sequence[str]) -> bool:
    return any(re.search(p, label, re.IGNORECASE) for p in patterns)


def _areas_in_rows(
    out: SheetResult, grid: Grid, width: int, spec: TableSpec, markers: dict[str, str]
) -> SheetResult:
    """A table with one row per area (see the module docstring)."""
    code_col = next(
        (c for c in range(min(4, width)) if sum(bool(_CODE.match(_text(r[c]))) for r in grid) >= 3),
        None,
    )
    best: tuple[int, int, int] | None = None
    for c in range(min(5, width)):
        if c == code_col:
            continue
        areas = [recognise_area(_text(r[c])) for r in grid[1:]]
        score = (
            sum(a is not None and a.is_force for a in areas),
            sum(a is not None for a in areas),
        )
        if score[0] >= 3 and (best is None or score > best[:2]):
            best = (*score, c)
    if best is None:
        return _refused(out, grid, markers, "no column of police force names found in this sheet")
    area_col = best[2]
    first_label_end = max(area_col, code_col if code_col is not None else -1)

    def area_of(r: list[Any], prefer: str = "force") -> Area | None:
        code = _text(r[code_col]) if code_col is not None else ""
        return recognise_area(_text(r[area_col]), code or None, prefer)

    first_data = next(
        (
            i
            for i, r in enumerate(grid)
            if i > 0
            and area_of(r) is not None
            and any(_is_figure(c, markers) for c in r[first_label_end + 1 :])
        ),
        None,
    )
    if first_data is None:
        out.reject(None, None, "no row of figures for a recognised area")
        return out
    data_rows = [r for r in grid[first_data:] if area_of(r) is not None]
    label_cols = list(range(first_label_end + 1))
    for c in range(first_label_end + 1, width):
        cells = [r[c] for r in data_rows if _text(r[c])]
        if cells and sum(not _is_figure(x, markers) for x in cells) > len(cells) / 2:
            label_cols.append(c)
        else:
            break
    value_cols = [
        c for c in range(max(label_cols) + 1, width) if any(_text(r[c]) for r in grid[first_data:])
    ]
    header_rows = list(spec.header_rows or _auto_header_rows(grid, first_data))
    labels = _header_labels(grid, header_rows, value_cols)
    value_cols = [c for c in value_cols if not _skipped(labels[c], spec.skip_columns)]
    dim_names = {
        c: (
            _label([_text(grid[r][c]) for r in header_rows][-1:])
            or _label([_text(grid[r][c]) for r in header_rows])
            or f"column_{column_letter(c)}"
        )
        for c in label_cols
        if c not in (area_col, code_col)
    }
    # West Midlands is a region and a force: with no code, a table listing plain region names
    # lists the region first and the force after it.
    plain_regions = any(
        (a := recognise_area(_text(r[area_col]))) is not None
        and a.area_type == "region"
        and not _text(r[area_col]).lstrip("*").lower().startswith("total")
        for r in grid[first_data:]
    )
    seen_ambiguous: dict[str, int] = {}
    ambiguous_counts: dict[str, int] = {}
    if code_col is None:
        for r in grid[first_data:]:
            key = normalise_name(_text(r[area_col]))
            if key in ambiguous_names():
                ambiguous_counts[key] = ambiguous_counts.get(key, 0) + 1
    for i in range(first_data, len(grid)):
        r = grid[i]
        label_raw = _text(r[area_col])
        has_figure = any(_is_figure(r[c], markers) for c in value_cols)
        if not has_figure:
            if any(_text(x) for x in r):
                out.notes += 1
            continue
        out.rows_read += 1
        area = area_of(r)
        key = normalise_name(label_raw)
        if area is not None and code_col is None and key in ambiguous_names() and plain_regions:
            seen_ambiguous[key] = seen_ambiguous.get(key, 0) + 1
            if ambiguous_counts.get(key, 0) == 2:
                area = area_of(r, "region" if seen_ambiguous[key] == 1 else "force")
            else:
                area = None
                label_raw = f"{label_raw} (a region and a force, and the table does not say which)"
        if area is None:
            out.rows_rejected += 1
            code = _text(r[code_col]) if code_col is not None else ""
            out.reject(
                i + 1,
                column_letter(area_col),
                "not a recognised force, region or national total"
                if label_raw or code
                else "figures without an area name",
                " ".join(x for x in (code, label_raw) if x),
            )
            continue
        out.rows_loaded += 1
        dims = {name: strip_footnotes(_text(r[c])).lstrip("*") for c, name in dim_names.items()}
        for c in value_cols:
            if _text(r[c]) or parse_cell(r[c], markers) is not None:
                _emit(out, spec, area, label_raw, labels[c], dims, r[c], i, c, markers)
    return out


def _areas_in_columns(
    out: SheetResult, grid: Grid, width: int, spec: TableSpec, markers: dict[str, str]
) -> SheetResult:
    """A table with one column per force (HMICFRS value for money)."""
    header = next(
        (
            i
            for i, r in enumerate(grid)
            if sum((a := recognise_area(_text(c))) is not None and a.is_force for c in r[1:]) >= 3
        ),
        None,
    )
    if header is None:
        return _refused(
            out, grid, markers, "no header row naming police forces found in this sheet"
        )
    areas: dict[int, Area] = {}
    for c in range(1, width):
        name = _text(grid[header][c])
        area = recognise_area(name)
        has_data = any(_text(r[c]) for r in grid[header + 1 :])
        if area is not None:
            areas[c] = area
        elif name or has_data:
            out.reject(header + 1, column_letter(c), "column is not a recognised force", name)
    section = ""
    for i in range(header + 1, len(grid)):
        r = grid[i]
        label = _text(r[0])
        if not any(_is_figure(r[c], markers) for c in areas):
            if label:
                out.notes += 1
                section = strip_footnotes(label)
            continue
        out.rows_read += 1
        if not label:
            out.rows_rejected += 1
            out.reject(i + 1, "A", "figures without a measure name")
            continue
        out.rows_loaded += 1
        dims = {"section": section} if section else {}
        for c, area in areas.items():
            _emit(out, spec, area, _text(grid[header][c]), label, dims, r[c], i, c, markers)
    return out


def _national(
    out: SheetResult, grid: Grid, width: int, spec: TableSpec, markers: dict[str, str]
) -> SheetResult:
    """An England and Wales table: categories in rows, figures in columns."""
    first_data = next(
        (i for i, r in enumerate(grid) if i > 0 and any(isinstance(c, int | float) for c in r)),
        None,
    )
    if first_data is None:
        out.reject(None, None, "no figures found in this sheet")
        return out
    first_value = min(c for c, x in enumerate(grid[first_data]) if isinstance(x, int | float))
    label_cols = list(range(first_value))
    value_cols = [c for c in range(first_value, width) if any(_text(r[c]) for r in grid[1:])]
    header_rows = list(spec.header_rows or _auto_header_rows(grid, first_data))
    labels = _header_labels(grid, header_rows, value_cols)
    value_cols = [c for c in value_cols if not _skipped(labels[c], spec.skip_columns)]
    carried = {c: "" for c in label_cols}
    for i in range(first_data, len(grid)):
        r = grid[i]
        if not any(_is_figure(r[c], markers) and _text(r[c]) for c in value_cols):
            if any(_text(x) for x in r):
                out.notes += 1
            continue
        out.rows_read += 1
        out.rows_loaded += 1
        for c in label_cols:
            if _text(r[c]):
                carried[c] = strip_footnotes(_text(r[c])).lstrip("*")
        dims = {f"row_{n}" if n else "row": carried[c] for n, c in enumerate(label_cols)}
        for c in value_cols:
            if _text(r[c]):
                _emit(out, spec, NATIONAL, "", labels[c], dims, r[c], i, c, markers)
    return out


#: The reader of each layout: it gets the sheet's empty result, its grid with every row padded
#: to the widest, and that width.
READERS = {
    "areas_in_rows": _areas_in_rows,
    "areas_in_columns": _areas_in_columns,
    "national": _national,
}


def read_sheet(
    grid: list[list[Any]], spec: TableSpec, sheet: str, markers: dict[str, str]
) -> SheetResult:
    """One sheet read as its table's layout declares (see the module docstring)."""
    width = max((len(r) for r in grid), default=0)
    padded = [list(r) + [""] * (width - len(r)) for r in grid]
    out = SheetResult(sheet, spec.table_id or sheet.strip())
    return READERS[spec.layout](out, padded, width, spec, markers)


__all__ = ["BLANK", "COLUMNS", "READERS", "SheetResult", "read_sheet"]
