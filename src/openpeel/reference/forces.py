"""Police forces of England and Wales (plus BTP and PSNI) as published by data.police.uk."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from openpeel.errors import UnknownIdError


@dataclass(frozen=True)
class Force:
    """One police force: its data.police.uk id, names and police force area."""

    force_id: str
    name: str
    reported_by: str
    pfa_code: str | None
    pfa_name: str | None
    has_resident_population: bool
    note: str


@cache
def forces() -> dict[str, Force]:
    """All known forces keyed by data.police.uk force id."""
    text = resources.files(__package__).joinpath("forces.csv").read_text(encoding="utf-8")
    out: dict[str, Force] = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["force_id"]] = Force(
            force_id=row["force_id"],
            name=row["name"],
            reported_by=row["reported_by"],
            pfa_code=row["pfa_code"] or None,
            pfa_name=row["pfa_name"] or None,
            has_resident_population=row["has_resident_population"] == "true",
            note=row["note"],
        )
    return out


def force(force_id: str) -> Force:
    """Look up one force; raises KeyError with the known ids listed when unknown."""
    known = forces()
    if force_id not in known:
        raise UnknownIdError(
            f"unknown force id {force_id!r}; known ids: {', '.join(sorted(known))}"
        )
    return known[force_id]


def force_id_for_pfa_code(pfa_code: str) -> str | None:
    """The force whose police force area has this ONS code (E23000014 -> west-midlands)."""
    for f in forces().values():
        if f.pfa_code == pfa_code:
            return f.force_id
    return None


def force_label(force_id: str) -> str:
    """A force's name for people ("West Midlands Police"); the id itself when unknown."""
    known = forces().get(force_id)
    return known.name if known is not None else force_id
