"""Police forces of England and Wales (plus BTP and PSNI) as published by data.police.uk."""

from __future__ import annotations

import csv
import difflib
import re
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
    """Look up one force; raises :class:`UnknownIdError` naming the nearest id when unknown."""
    known = forces()
    if force_id not in known:
        raise UnknownIdError(unknown_force_message(force_id))
    return known[force_id]


def nearest_force_ids(text: str, limit: int = 3) -> list[str]:
    """The known force ids nearest to ``text`` (a mistyped id or a force's name), best first.

    ``westyorkshire``, ``West Yorkshire Police`` and ``west yorks`` all find ``west-yorkshire``:
    the text, lower-cased with its spaces as hyphens, is scored (:class:`difflib.SequenceMatcher`
    ratio) against every id and every force's name and police force area name written the same
    way; a spelling that starts with the text (an abbreviation) scores as a near match. Forces
    scoring 0.6 or more and within 0.1 of the best are returned, so a clear winner comes alone.
    """
    wanted = _slug(text)
    if not wanted:
        return []
    scores: dict[str, float] = {}
    for f in forces().values():
        for spelling in (f.force_id, f.name, f.pfa_name or "", f.force_id.replace("-", "")):
            slug = _slug(spelling)
            if not slug:
                continue
            score = difflib.SequenceMatcher(None, wanted, slug).ratio()
            if len(wanted) >= 3 and slug.startswith(wanted):
                score = max(score, 0.9)
            scores[f.force_id] = max(scores.get(f.force_id, 0.0), score)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    best = ranked[0][1]
    return [fid for fid, score in ranked if score >= 0.6 and score >= best - 0.1][:limit]


def unknown_force_message(text: str) -> str:
    """One line for a force id no list knows: the nearest ids, else where the ids are listed."""
    near = nearest_force_ids(text)
    if near:
        return f"unknown force {text!r}: did you mean {' or '.join(near)}?"
    return (
        f"unknown force {text!r}: use a data.police.uk force id such as west-midlands "
        "(`openpeel status` lists the forces loaded)"
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


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
