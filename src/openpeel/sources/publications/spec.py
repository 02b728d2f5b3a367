"""Publications declared as data: one TOML file per publication in ``reference/publications``.

A declaration says how to recognise the publication's files, where its period is written, what
its missing-value markers mean, and, for each sheet, the table's layout, unit and measure. A new
edition with a moved row or a renamed sheet is a change to the declaration, not to code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from openpeel.errors import SourceFormatError, known_id

LAYOUTS = ("areas_in_rows", "areas_in_columns", "national")


@dataclass(frozen=True)
class TableSpec:
    """How to read the sheets whose names match ``sheet``."""

    sheet: str
    title: str | None = None
    layout: str = "areas_in_rows"
    table_id: str | None = None
    unit: str = "count"
    measure: str | None = None
    column_dimension: str | None = None
    header_rows: tuple[int, ...] | None = None
    skip_columns: tuple[str, ...] = ()

    def matches(self, sheet_name: str, title: str = "") -> bool:
        """Whether a sheet (name trimmed, case ignored; title searched) is this table."""
        if re.fullmatch(self.sheet, sheet_name.strip(), re.IGNORECASE) is None:
            return False
        return self.title is None or re.search(self.title, title, re.IGNORECASE) is not None


@dataclass(frozen=True)
class LongSpec:
    """A long table (one row per force and category): which columns play which part."""

    period: tuple[str, ...]
    code: tuple[str, ...]
    name: tuple[str, ...]
    measures: dict[str, tuple[str, ...]]
    units: dict[str, str]
    empty_values: tuple[str, ...] = ("", "NA")


@dataclass(frozen=True)
class Publication:
    """One publication as declared."""

    name: str
    title: str
    publisher: str
    kind: str  # workbook | long_csv
    detect_sheets: tuple[str, ...] = ()
    detect_title: str | None = None
    detect_columns: tuple[str, ...] = ()
    period_pattern: str | None = None
    period_format: str = "{0}"
    markers: dict[str, str] = field(default_factory=dict)
    skip_sheets: dict[str, str] = field(default_factory=dict)
    tables: tuple[TableSpec, ...] = ()
    long: LongSpec | None = None

    def table_for(self, sheet_name: str, title: str = "") -> TableSpec | None:
        """The declared table a sheet holds, if any (first match wins)."""
        return next((t for t in self.tables if t.matches(sheet_name, title)), None)

    def skip_reason(self, sheet_name: str) -> str | None:
        """Why a sheet holds no figures to read (notes, contents, ...), if declared so."""
        for pattern, reason in self.skip_sheets.items():
            if re.fullmatch(pattern, sheet_name.strip(), re.IGNORECASE):
                return reason
        return None


def header_key(text: str) -> str:
    """A loose form of a column header: case, spaces, punctuation and padding ignored."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else ((value,) if value else ())


def parse_publication(data: dict[str, Any]) -> Publication:
    """A publication from its parsed TOML declaration."""
    detect = data.get("detect", {})
    tables = tuple(
        TableSpec(
            sheet=t["sheet"],
            title=t.get("title"),
            layout=t.get("layout", "areas_in_rows"),
            table_id=t.get("id"),
            unit=t.get("unit", "count"),
            measure=t.get("measure"),
            column_dimension=t.get("column_dimension"),
            header_rows=tuple(t["header_rows"]) if "header_rows" in t else None,
            skip_columns=_tuple(t.get("skip_columns")),
        )
        for t in data.get("tables", [])
    )
    for t in tables:
        if t.layout not in LAYOUTS:
            raise ValueError(f"{data['name']}: table {t.sheet!r} has unknown layout {t.layout!r}")
    long = None
    if "long" in data:
        spec = data["long"]
        long = LongSpec(
            period=_tuple(spec["period"]),
            code=_tuple(spec.get("code")),
            name=_tuple(spec["name"]),
            measures={k: _tuple(v) for k, v in spec["measures"].items()},
            units=dict(spec.get("units", {})),
            empty_values=_tuple(spec.get("empty_values", ["", "NA"])),
        )
    return Publication(
        name=data["name"],
        title=data["title"],
        publisher=data["publisher"],
        kind=data.get("kind", "workbook"),
        detect_sheets=_tuple(detect.get("sheets")),
        detect_title=detect.get("title"),
        detect_columns=_tuple(detect.get("columns")),
        period_pattern=data.get("period", {}).get("pattern"),
        period_format=data.get("period", {}).get("format", "{0}"),
        markers=dict(data.get("markers", {})),
        skip_sheets=dict(data.get("skip_sheets", {})),
        tables=tables,
        long=long,
    )


@cache
def publications() -> dict[str, Publication]:
    """Every declared publication, by name."""
    folder = resources.files("openpeel.reference").joinpath("publications")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            pub = parse_publication(tomllib.loads(entry.read_text("utf-8")))
            out[pub.name] = pub
    return out


def publication(name: str) -> Publication:
    """One declared publication; a clear error naming the known ones when unknown."""
    return known_id(publications(), name, "publication")


def detect_publication(path: Path, sheet_names: list[str] | None = None) -> Publication:
    """The publication a file belongs to, from its sheet names (workbooks) or header (CSV)."""
    from openpeel.sources.publications.workbook import csv_header, first_cell, sheet_names_of

    is_csv = path.name.lower().endswith((".csv", ".csv.gz"))
    if is_csv:
        header = {header_key(h) for h in csv_header(path)}
    else:
        names = sheet_names if sheet_names is not None else sheet_names_of(path)
        present = {n.strip().lower(): n for n in names}
    for pub in publications().values():
        if is_csv and pub.kind == "long_csv":
            if all(any(header_key(c) == h for h in header) for c in pub.detect_columns):
                return pub
        elif not is_csv and pub.kind == "workbook":
            if not all(s.lower() in present for s in pub.detect_sheets):
                continue
            if pub.detect_title:
                title = first_cell(path, present[pub.detect_sheets[0].lower()])
                if re.search(pub.detect_title, title, re.IGNORECASE) is None:
                    continue
            return pub
    raise SourceFormatError(
        f"{path.name}: not a known publication (its sheets or header match none of "
        f"{', '.join(sorted(publications()))}); name one with --publication"
    )
