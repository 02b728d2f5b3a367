"""The catalogue of indicator output columns: name, unit and definition, as data.

``reference/columns.csv`` holds one row per column name an indicator can return (as PUDL keeps
its field metadata): a face can show a column's unit and meaning beside it, and a test checks
that every column the indicators return is in the catalogue, so a new column cannot appear
without its definition.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: The units a column may have.
UNITS = (
    "count",
    "share",
    "rate per 1000 per year",
    "ratio",
    "seconds",
    "days",
    "hours",
    "months",
    "fte",
    "offenders per fte",
    "items per month",
    "items per fte per month",
    "per 100 offenders",
    "people",
    "number",
    "date",
    "year",
    "code",
    "text",
    "boolean",
)


@dataclass(frozen=True)
class OutputColumn:
    """One column of indicator output."""

    name: str
    unit: str
    definition: str


@cache
def output_columns() -> dict[str, OutputColumn]:
    """Every catalogued column by name (ValueError on a row with an unknown unit)."""
    text = resources.files("openpeel.reference").joinpath("columns.csv").read_text("utf-8")
    out: dict[str, OutputColumn] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["unit"] not in UNITS:
            raise ValueError(f"columns.csv: {row['name']} has unknown unit {row['unit']!r}")
        out[row["name"]] = OutputColumn(row["name"], row["unit"], row["definition"])
    return out
