"""Synthetic force-internal stop and search records in the scrutiny CSV schema.

Every row is labelled ``is_synthetic=true``; officer ids are opaque tokens, grounds are stock
phrases and locations are generic street descriptions, so no real person appears. The output is
reproducible from the seed.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from openpeel.errors import UserInputError
from openpeel.reference.forces import force as lookup_force
from openpeel.scrutiny.records import KNOWN

_LEGISLATION = (("pace_s1", 0.55), ("mda_s23", 0.33), ("cjpoa_s60", 0.06), ("firearms_s47", 0.06))
_OBJECT_BY_LEGISLATION = {
    "pace_s1": (
        "offensive_weapons",
        "stolen_goods",
        "article_for_theft",
        "article_for_criminal_damage",
    ),
    "mda_s23": ("controlled_drugs",),
    "cjpoa_s60": ("offensive_weapons",),
    "firearms_s47": ("firearms",),
}
_OUTCOMES = (
    ("no_further_action", 0.70),
    ("arrest", 0.14),
    ("community_resolution", 0.08),
    ("drugs_warning", 0.05),
    ("summons", 0.03),
)
_ETHNICITY = (
    ("W1", 0.52),
    ("B1", 0.10),
    ("B2", 0.06),
    ("A1", 0.08),
    ("A2", 0.07),
    ("M1", 0.04),
    ("O9", 0.03),
    ("NS", 0.10),
)
_ODE = {"W": "white", "B": "black", "A": "asian", "M": "mixed", "O": "other", "N": "white"}
_AGES = (("10_17", 0.16), ("18_24", 0.36), ("25_34", 0.27), ("over_34", 0.21))
_GROUNDS = (
    "Smell of cannabis coming from the person; person seen passing an item to another.",
    "Matched description given in a call about a person carrying a knife.",
    "Seen leaving a shop with unpaid goods in a bag, staff alerted officers.",
    "Tried to discard an item when officers approached; nervous behaviour noted.",
    "Section 60 authorisation in force after a stabbing; person in the authorised area.",
    "Intelligence from a briefing about supply of drugs at this location.",
    "Bulge consistent with a weapon seen in waistband.",
)
_STREETS = (
    "High Street",
    "Station Road",
    "Park Lane",
    "Church Street",
    "Market Square",
    "Mill Lane",
)


def _pick(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> list[str]:
    values = [v for v, _ in table]
    weights = np.array([w for _, w in table])
    return [str(v) for v in rng.choice(values, size=n, p=weights / weights.sum())]


def write_search_records(
    path: Path,
    force_id: str = "west-midlands",
    start: date = date(2024, 1, 1),
    end: date = date(2024, 3, 31),
    rows: int = 500,
    seed: int = 20240101,
) -> Path:
    """Write ``rows`` synthetic records for one force between two dates to ``path``."""
    lookup_force(force_id)
    if end < start:
        raise UserInputError("the end date is before the start date")
    if rows < 0:
        raise UserInputError("rows must not be negative")
    rng = np.random.default_rng(seed)
    span_seconds = int((end - start).days + 1) * 86400
    seconds = np.sort(rng.integers(0, span_seconds, size=rows))
    legislation = _pick(rng, _LEGISLATION, rows)
    outcomes = _pick(rng, _OUTCOMES, rows)
    ethnicity = _pick(rng, _ETHNICITY, rows)
    ages = _pick(rng, _AGES, rows)
    officers = [
        "OFF-" + hashlib.sha256(f"{seed}-{force_id}-{i}".encode()).hexdigest()[:10]
        for i in range(max(1, rows // 12))
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(KNOWN), lineterminator="\n")
        writer.writeheader()
        for i in range(rows):
            when = datetime.combine(start, datetime.min.time()) + timedelta(seconds=int(seconds[i]))
            leg = legislation[i]
            objects = _OBJECT_BY_LEGISLATION[leg]
            outcome = outcomes[i]
            has_bwv = bool(rng.random() < 0.85)
            strip = bool(rng.random() < 0.04)
            writer.writerow(
                {
                    "search_id": f"SYN-{force_id}-{seed % 100000:05d}-{i + 1:06d}",
                    "force_id": force_id,
                    "officer_pseudonym": officers[int(rng.integers(0, len(officers)))],
                    "datetime": when.isoformat(timespec="seconds"),
                    "latitude": f"{52.48 + rng.normal(0, 0.03):.5f}",
                    "longitude": f"{-1.89 + rng.normal(0, 0.05):.5f}",
                    "location": f"On or near {_STREETS[int(rng.integers(0, len(_STREETS)))]}",
                    "type": "person",
                    "gender": "male" if rng.random() < 0.88 else "female",
                    "age_range": ages[i],
                    "self_defined_ethnicity": ethnicity[i],
                    "officer_defined_ethnicity": _ODE[ethnicity[i][0]],
                    "legislation": leg,
                    "object_of_search": objects[int(rng.integers(0, len(objects)))],
                    "grounds": _GROUNDS[int(rng.integers(0, len(_GROUNDS)))],
                    "outcome": outcome,
                    "outcome_linked_to_object": (
                        ""
                        if outcome == "no_further_action"
                        else str(bool(rng.random() < 0.7)).lower()
                    ),
                    "removal_of_more_than_outer_clothing": str(strip).lower(),
                    "bwv_available": str(has_bwv).lower(),
                    "bwv_reference": f"BWV-{seed % 1000:03d}-{i + 1:06d}" if has_bwv else "",
                    "is_synthetic": "true",
                }
            )
    return path
