"""Service standards as data (``reference/charter_standards.csv``): the national 999 answering
standard and a force's Citizens' Charter promises, each with the table that measures it, the
rows it covers, the threshold and any target share."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

UNIT_SECONDS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0}


@dataclass(frozen=True)
class Standard:
    """One Charter standard, as declared in ``charter_standards.csv``."""

    standard_id: str
    title: str
    source_table: str
    filter_column: str
    filter_values: tuple[str, ...]
    measure: str
    threshold: float
    threshold_unit: str
    target_share: float | None
    denominator: str
    reference: str

    @property
    def threshold_seconds(self) -> float | None:
        """The threshold in seconds (None for working days)."""
        factor = UNIT_SECONDS.get(self.threshold_unit)
        return None if factor is None else self.threshold * factor


@cache
def standards() -> tuple[Standard, ...]:
    """The Charter standards shipped with openpeel."""
    text = (
        resources.files("openpeel.reference")
        .joinpath("charter_standards.csv")
        .read_text(encoding="utf-8")
    )
    out = []
    for row in csv.DictReader(text.splitlines()):
        out.append(
            Standard(
                standard_id=row["standard_id"],
                title=row["title"],
                source_table=row["source_table"],
                filter_column=row["filter_column"],
                filter_values=tuple(v for v in row["filter_values"].split("|") if v),
                measure=row["measure"],
                threshold=float(row["threshold"]),
                threshold_unit=row["threshold_unit"],
                target_share=float(row["target_share"]) if row["target_share"] else None,
                denominator=row["denominator"],
                reference=row["reference"],
            )
        )
    return tuple(out)


def standard(standard_id: str) -> Standard:
    """One standard by id (KeyError naming the known ids)."""
    known = {s.standard_id: s for s in standards()}
    if standard_id not in known:
        raise KeyError(f"unknown standard {standard_id!r}; known: {', '.join(known)}")
    return known[standard_id]


def national_999_standard() -> tuple[float, float]:
    """The national 999 standard: (target share, seconds), 0.9 within 10 s (method.md §2)."""
    row = standard("999_answer")
    seconds = row.threshold_seconds
    if row.target_share is None or seconds is None:
        raise ValueError("charter_standards.csv: 999_answer needs a target share and seconds")
    return row.target_share, seconds
