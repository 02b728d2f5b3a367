"""Read one published file into tidy rows and rejects, as its publication declares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from openpeel.errors import SourceFormatError
from openpeel.reference.lake_columns import arrow_schema
from openpeel.sources.publications.grid import COLUMNS, SheetResult, read_sheet
from openpeel.sources.publications.long_table import read_long
from openpeel.sources.publications.spec import Publication, detect_publication, publication
from openpeel.sources.publications.workbook import read_sheets

#: A tidy published cell, and a cell that could not be read (``reference/lake_columns.csv``,
#: tables ``official`` and ``official_rejects``).
TIDY_SCHEMA = arrow_schema("official")
REJECTS_SCHEMA = arrow_schema("official_rejects")


@dataclass(frozen=True)
class TableCount:
    """Rows of one table (sheet, or the whole CSV): read = loaded + rejected; notes apart."""

    sheet: str
    table_id: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    notes: int
    figures: int
    skipped_reason: str | None = None


@dataclass
class PublicationRead:
    """One file read: its publication, headline period, tidy rows, rejects and counts."""

    publication: Publication
    source_file: str
    period: str
    tidy: pa.Table
    rejects: pa.Table
    tables: list[TableCount] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Rows with figures read over every table."""
        return sum(t.rows_read for t in self.tables)

    @property
    def rows_loaded(self) -> int:
        """Rows loaded over every table."""
        return sum(t.rows_loaded for t in self.tables)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected over every table."""
        return sum(t.rows_rejected for t in self.tables)


def read_publication(path: Path | str, publication_name: str | None = None) -> PublicationRead:
    """Read one published file (ODS, XLSX, CSV or CSV.GZ) as its publication declares.

    Raises:
        SourceFormatError: the file is not readable, or not in its publication's format.
        UserInputError: ``publication_name`` is not a declared publication.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(f"{path}: no such file")
    pub = publication(publication_name) if publication_name else detect_publication(path)
    if pub.kind == "long_csv":
        return _read_long(path, pub)
    return _read_workbook(path, pub)


def _with_columns(table: pa.Table, values: dict[str, str], schema: pa.Schema) -> pa.Table:
    n = table.num_rows
    for name, value in values.items():
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(name, pa.array([value] * n, pa.string()))
    return table.select(schema.names).cast(schema)


def _read_long(path: Path, pub: Publication) -> PublicationRead:
    assert pub.long is not None
    tidy, rejects, rows_read = read_long(path, pub.long, pub.markers)
    period_raw = tidy.column("period_raw")
    tidy = tidy.drop_columns(["period_raw"]).append_column("period", period_raw)
    tidy = _with_columns(tidy, {"publication": pub.name, "source_file": path.name}, TIDY_SCHEMA)
    rejects = _with_columns(
        rejects, {"publication": pub.name, "source_file": path.name}, REJECTS_SCHEMA
    )
    rejected = len(
        {
            r
            for r, reason in zip(
                rejects["source_row"].to_pylist(), rejects["reason"].to_pylist(), strict=True
            )
            if "force" in reason or "empty row" in reason
        }
    )
    periods = sorted(set(period_raw.to_pylist()))
    period = periods[0] if len(periods) == 1 else f"{periods[0]}..{periods[-1]}" if periods else ""
    count = TableCount("", "csv", rows_read, rows_read - rejected, rejected, 0, tidy.num_rows)
    return PublicationRead(pub, path.name, period, tidy, rejects, [count])


def _period(pub: Publication, sheets: dict[str, list[list[object]]], path: Path) -> str:
    if not pub.period_pattern:
        return ""
    texts = [path.name]
    for name, grid in sheets.items():
        if pub.table_for(name, _title(grid)):
            texts.extend(str(c) for row in grid[:3] for c in row[:2] if str(c).strip())
    for text in texts:
        match = re.search(pub.period_pattern, " ".join(text.split()), re.IGNORECASE)
        if match:
            return pub.period_format.format(*(" ".join(g.split()) for g in match.groups()))
    raise SourceFormatError(
        f"{path.name}: no period found in its titles (declared pattern {pub.period_pattern!r})"
    )


def _title(grid: list[list[object]]) -> str:
    for row in grid[:5]:
        for cell in row:
            if str(cell).strip():
                return str(cell)
    return ""


def _read_workbook(path: Path, pub: Publication) -> PublicationRead:
    sheets = read_sheets(path)
    period = _period(pub, sheets, path)
    results: list[SheetResult] = []
    counts: list[TableCount] = []
    for name, grid in sheets.items():
        reason = pub.skip_reason(name)
        spec = pub.table_for(name, _title(grid)) if reason is None else None
        if spec is None:
            if reason is None:
                reason = "sheet not declared in the publication"
                result = SheetResult(name, name.strip())
                result.rows_read = result.rows_rejected = sum(
                    any(isinstance(c, int | float) for c in row) for row in grid
                )
                result.reject(None, None, reason)
                results.append(result)
                counts.append(
                    TableCount(
                        name, name.strip(), result.rows_read, 0, result.rows_rejected, 0, 0, reason
                    )
                )
                continue
            counts.append(TableCount(name, name.strip(), 0, 0, 0, len(grid), 0, reason))
            continue
        result = read_sheet(grid, spec, name, pub.markers)
        results.append(result)
        counts.append(
            TableCount(
                name,
                result.table_id,
                result.rows_read,
                result.rows_loaded,
                result.rows_rejected,
                result.notes,
                len(result.rows["value"]),
            )
        )
    tidy = pa.concat_tables(
        [
            pa.table({c: pa.array(r.rows[c]) if r.rows[c] else pa.nulls(0) for c in COLUMNS}).cast(
                pa.schema([TIDY_SCHEMA.field(c) for c in COLUMNS])
            )
            for r in results
        ]
        or [
            pa.table({c: pa.nulls(0) for c in COLUMNS}).cast(
                pa.schema([TIDY_SCHEMA.field(c) for c in COLUMNS])
            )
        ]
    )
    tidy = _with_columns(
        tidy, {"publication": pub.name, "period": period, "source_file": path.name}, TIDY_SCHEMA
    )
    rejects = pa.Table.from_pylist(
        [
            {"publication": pub.name, "source_file": path.name, **rej}
            for r in results
            for rej in r.rejects
        ],
        schema=REJECTS_SCHEMA,
    )
    return PublicationRead(pub, path.name, period, tidy, rejects, counts)
