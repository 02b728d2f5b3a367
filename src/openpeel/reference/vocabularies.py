"""Vocabularies of data.police.uk fields: every raw value seen in the wild, its code and group.

The maps are data (CSV files beside this module) so that a new raw value is one line to add.
A raw value is looked up after :func:`normalise` (surrounding and repeated whitespace, case), so
``"Vehicle search "`` and ``"VEHICLE SEARCH"`` find ``Vehicle search``; the raw value itself is
kept as published. A value still not in its map is loaded with code ``unknown`` and counted in
the ingest report.
"""

from __future__ import annotations

import csv
import re
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


def normalise(raw: str) -> str:
    """The lookup form of a raw value: trimmed, inner whitespace runs as one space, lower case.

    ``normalise_sql`` is the same rule in DuckDB SQL.
    """
    return re.sub(r"[ \t\n\r\f\v]+", " ", raw).strip(" ").lower()


def normalise_sql(expr: str) -> str:
    """:func:`normalise` as a DuckDB expression over ``expr`` (NULL stays NULL)."""
    return rf"lower(trim(regexp_replace({expr}, '\s+', ' ', 'g')))"


@cache
def lookup(name: str) -> dict[str, Term]:
    """The map of one vocabulary, keyed by the normalised raw value.

    Raises:
        ValueError: two raw values normalise alike but map to different codes or groups.
    """
    out: dict[str, Term] = {}
    for term in vocabulary(name).values():
        key = normalise(term.raw)
        seen = out.get(key)
        if seen is not None and (seen.code, seen.group) != (term.code, term.group):
            raise ValueError(
                f"{name}: {seen.raw!r} and {term.raw!r} differ only in spacing or case"
            )
        out.setdefault(key, term)
    return out


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


def code_name(name: str, code: str | None) -> str:
    """A code as people read it: the first published wording mapped to it (``mda_s23`` ->
    ``Misuse of Drugs Act 1971 (section 23)``), else the code in words (``not_recorded`` ->
    ``Not recorded``). Codes stay in CSV, JSON and the API; pages show this."""
    if code is None or code == "":
        return "Not recorded"
    for term in vocabulary(name).values():
        if term.code == code:
            return term.raw.strip()
    if code == UNKNOWN:
        return "Not in the published list (unknown)"
    words = str(code).replace("_", " ").strip()
    return words[:1].upper() + words[1:]
