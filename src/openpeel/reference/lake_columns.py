"""The catalogue of the lake's columns: every table's columns declared once, as data.

``reference/lake_columns.csv`` holds one row per column of each table the lake stores or logs
(police.uk tables, call-handling tables, official statistics, the rejects table, the load log,
the manifest) and of each file of a force-internal extract: ``table, column, type, definition``,
and for an extract file's columns also ``required`` (yes or no), ``codes`` (the allowed values:
the name of a vocabulary the source module holds, in capitals, or the values separated by
spaces), ``minimum``/``maximum`` and ``options`` (``normalise``, ``lenient``). ``type`` is the
column's SQL type, or for an extract file the kind of value (``pseudonym``, ``code``, ``date``,
...) from which the reader derives its type.

``reference/extract_files.csv`` holds one row per file of a force-internal extract: the table it
loads into, its file name, what one row is, its key (column names separated by spaces),
whether the file must be present and whether its headers are matched loosely.

A row whose column is ``*<group>`` stands for every column of the group ``<group>`` (written in
the same file as a table of its own): the lineage every police.uk row carries is declared once
and included where it is used.

:func:`columns` gives a table's columns (sources and store build their tables from them),
:func:`catalogue_rows` the raw rows (the extract reader builds its declared columns from them),
and :func:`arrow_schema` the Arrow schema of a table; :func:`markdown_table` writes a table's
columns as the documentation shows them (``docs/data.md``, checked by a test).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

#: The SQL types a lake column may have.
SQL_TYPES = (
    "VARCHAR",
    "DOUBLE",
    "BOOLEAN",
    "TIMESTAMP",
    "TIMESTAMPTZ",
    "BIGINT",
    "DATE",
    "SMALLINT",
    "INTEGER",
)


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    type: str
    definition: str


@cache
def catalogue_rows() -> dict[str, tuple[dict[str, str], ...]]:
    """Every table's rows as written, by table, in file order (groups not expanded)."""
    text = resources.files("openpeel.reference").joinpath("lake_columns.csv").read_text("utf-8")
    out: dict[str, list[dict[str, str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        out.setdefault(row["table"], []).append(row)
    return {table: tuple(rows) for table, rows in out.items()}


@cache
def extract_file_row(table: str) -> dict[str, str]:
    """The catalogued file of a force-internal extract that loads into ``table``."""
    text = resources.files("openpeel.reference").joinpath("extract_files.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["table"] == table:
            return row
    raise KeyError(f"extract_files.csv declares no file of table {table!r}")


def table_rows(table: str) -> tuple[dict[str, str], ...]:
    """A table's rows with every ``*<group>`` row replaced by the group's rows."""
    try:
        rows = catalogue_rows()[table]
    except KeyError:
        raise KeyError(f"lake_columns.csv declares no table {table!r}") from None
    out: list[dict[str, str]] = []
    for row in rows:
        if row["column"].startswith("*"):
            out += table_rows(row["column"][1:])
        else:
            out.append(row)
    return tuple(out)


@cache
def columns(table: str) -> tuple[Column, ...]:
    """A table's columns, in storage order (ValueError on a column of an unknown SQL type)."""
    out = []
    for row in table_rows(table):
        if row["type"] not in SQL_TYPES:
            raise ValueError(f"lake_columns.csv: {table}.{row['column']} has type {row['type']!r}")
        out.append(Column(row["column"], row["type"], row["definition"]))
    return tuple(out)


@cache
def arrow_types() -> dict[str, pa.DataType]:
    """The Arrow type of each SQL type (a ``TIMESTAMPTZ`` is in UTC)."""
    import pyarrow as pa  # here: reading the catalogue needs no pyarrow

    return {
        "VARCHAR": pa.string(),
        "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(),
        "TIMESTAMP": pa.timestamp("us"),
        "BIGINT": pa.int64(),
        "DATE": pa.date32(),
        "SMALLINT": pa.int16(),
        "INTEGER": pa.int32(),
        "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    }


def arrow_schema(
    table: str | Iterable[Column], *, without: Iterable[str] = (), nullable: bool = True
) -> pa.Schema:
    """Arrow schema of a catalogued table (or of some columns), leaving out ``without``
    (``nullable=False``: every column is required)."""
    import pyarrow as pa  # here: reading the catalogue needs no pyarrow

    left_out = set(without)
    declared = columns(table) if isinstance(table, str) else tuple(table)
    types = arrow_types()
    return pa.schema(
        [
            pa.field(c.name, types[c.type], nullable=nullable)
            for c in declared
            if c.name not in left_out
        ]
    )


def markdown_table(declared: str | Iterable[Column]) -> str:
    """A table's columns (a catalogued table, or some columns) as a Markdown table: column,
    type, definition."""
    listed = columns(declared) if isinstance(declared, str) else tuple(declared)
    lines = ["| column | type | definition |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {c.definition} |" for c in listed]
    return "\n".join(lines)
