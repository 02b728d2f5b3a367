"""Vocabularies of data.police.uk fields: every raw value seen in the wild, its code and group.

The maps are data (CSV files beside this module) so that a new raw value is one line to add.
A raw value not in its map is loaded with code ``unknown`` and counted in the ingest report.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

UNKNOWN = "unknown"

VOCABULARIES = (
    "stop_search_type",
    "gender",
    "age_range",
    "self_defined_ethnicity",
    "officer_defined_ethnicity",
    "legislation",
    "object_of_search",
    "stop_search_outcome",
    "crime_type",
    "crime_outcome",
)


@dataclass(frozen=True)
class Term:
    """One raw value as published, with its canonical code and broad group."""

    raw: str
    code: str
    group: str
    note: str


@cache
def vocabulary(name: str) -> dict[str, Term]:
    """The map of one vocabulary, keyed by raw value."""
    if name not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {name!r}")
    path = resources.files(__package__).joinpath("vocabularies", f"{name}.csv")
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return {r["raw"]: Term(r["raw"], r["code"], r["group"], r["note"]) for r in rows}


def vocabulary_rows(name: str) -> list[tuple[str, str, str]]:
    """(raw, code, group) rows of one vocabulary, for registering as a lookup table."""
    return [(t.raw, t.code, t.group) for t in vocabulary(name).values()]
