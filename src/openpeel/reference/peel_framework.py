"""The HMICFRS PEEL assessment framework as data: frameworks, areas, questions, the grade scale.

The CSV files in ``reference/peel/`` hold HMICFRS's published wording where it is known
(``text_status`` ``verbatim``), area titles as used in inspection reports (``as_reported``: exact
wording unverified), paraphrases (``paraphrase``) and, where the wording was not available to the
project, an empty text with ``not_available``: no characteristic is ever written in HMICFRS's
name. ``sections.csv`` (which openpeel measures speak to which area) is the project's own.

Attribution for verbatim text: "HMICFRS, PEEL Assessment Framework" with the year (Open
Government Licence).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from openpeel.calendar import parse_month
from openpeel.errors import UnknownIdError, known_id

TEXT_STATUSES = ("verbatim", "as_reported", "paraphrase", "not_available", "project")
NOT_AVAILABLE = "Text not available to this project."
SECTIONS = (
    "calls",
    "stop_search",
    "crime",
    "investigations",
    "offenders",
    "vulnerability",
    "official_crime",
    "official_outcome",
    "official_use_of_force",
    "official_workforce",
    "crime_recording",
    "official_money",
    "official_demand",
)


@dataclass(frozen=True)
class Grade:
    """One point of the five-point scale (since 2021/22)."""

    order: int
    grade: str
    descriptor: str
    text_status: str


@dataclass(frozen=True)
class Item:
    """A question, sub-question or characteristic of good performance."""

    item_id: str
    parent_id: str
    level: str
    text: str
    text_status: str

    @property
    def shown_text(self) -> str:
        """The text, or a plain statement that it is not available."""
        return self.text if self.text else NOT_AVAILABLE


@dataclass(frozen=True)
class Section:
    """A group of openpeel measures (project-defined)."""

    section: str
    title: str
    what_it_measures: str


@dataclass(frozen=True)
class Area:
    """One PEEL area of a framework, with the openpeel sections that speak to it."""

    area_id: str
    order: int
    title: str
    title_status: str
    is_graded: bool
    sections: tuple[str, ...]
    items: tuple[Item, ...]

    @property
    def has_open_data(self) -> bool:
        """True when openpeel measures something for this area from published data."""
        return bool(self.sections)


@dataclass(frozen=True)
class Framework:
    """One version of the PEEL framework."""

    framework_id: str
    title: str
    published: date
    first_month: date
    last_month: date
    attribution: str
    note: str
    areas: tuple[Area, ...]

    def area(self, area_id: str) -> Area:
        """The area with this id (KeyError when there is none)."""
        for area in self.areas:
            if area.area_id == area_id:
                return area
        raise UnknownIdError(f"{self.framework_id} has no area {area_id!r}")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("openpeel.reference").joinpath("peel", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _month(value: str) -> date:
    return parse_month(value[:7])


@cache
def grades() -> tuple[Grade, ...]:
    """The five grades, best first, with HMICFRS's descriptors (verbatim)."""
    return tuple(
        Grade(int(r["grade_order"]), r["grade"], r["descriptor"], r["text_status"])
        for r in sorted(_rows("scale.csv"), key=lambda r: int(r["grade_order"]))
    )


@cache
def terms() -> dict[str, tuple[str, str]]:
    """Inspection terms: term -> (text, text_status)."""
    return {r["term"]: (r["text"], r["text_status"]) for r in _rows("terms.csv")}


@cache
def sections() -> dict[str, Section]:
    """openpeel's own groups of measures, by id."""
    return {
        r["section"]: Section(r["section"], r["title"], r["what_it_measures"])
        for r in _rows("sections.csv")
    }


@cache
def frameworks() -> dict[str, Framework]:
    """Every framework version, by id, oldest first."""
    items: dict[tuple[str, str], list[Item]] = {}
    for r in _rows("items.csv"):
        items.setdefault((r["framework_id"], r["area_id"]), []).append(
            Item(r["item_id"], r["parent_id"], r["level"], r["text"], r["text_status"])
        )
    areas: dict[str, list[Area]] = {}
    for r in _rows("areas.csv"):
        key = (r["framework_id"], r["area_id"])
        areas.setdefault(r["framework_id"], []).append(
            Area(
                area_id=r["area_id"],
                order=int(r["area_order"]),
                title=r["title"],
                title_status=r["title_status"],
                is_graded=r["is_graded"] == "true",
                sections=tuple(s for s in r["sections"].split(";") if s),
                items=tuple(items.get(key, ())),
            )
        )
    out: dict[str, Framework] = {}
    for r in sorted(_rows("frameworks.csv"), key=lambda r: r["published"]):
        out[r["framework_id"]] = Framework(
            framework_id=r["framework_id"],
            title=r["title"],
            published=date.fromisoformat(r["published"]),
            first_month=_month(r["first_month"]),
            last_month=_month(r["last_month"]),
            attribution=r["attribution"],
            note=r["note"],
            areas=tuple(sorted(areas.get(r["framework_id"], []), key=lambda a: a.order)),
        )
    return out


def framework(framework_id: str) -> Framework:
    """One framework by id (KeyError naming the known ids)."""
    return known_id(frameworks(), framework_id, "PEEL framework")


def framework_for(last_month: date) -> Framework:
    """The framework in force in a period's last month (the earliest one before 2021/22)."""
    chosen = next(iter(frameworks().values()))
    for fw in frameworks().values():
        if fw.first_month <= last_month:
            chosen = fw
    return chosen


@dataclass(frozen=True)
class PublishedGrade:
    """A grade the inspectorate published for one area of one force (``recorded-grades.csv``);
    ``note`` says when a grade was inferred rather than read."""

    force_id: str
    framework_id: str
    area_id: str
    grade: str
    note: str
    source: str


@dataclass(frozen=True)
class PublishedImprovement:
    """An area for improvement or cause of concern the inspectorate gave a force
    (``recorded-improvements.csv``), with the characteristic and indicators that measure it."""

    force_id: str
    framework_id: str
    area_id: str
    characteristic_id: str
    kind: str
    title: str
    linked_indicators: str
    source: str
    note: str


def published_improvements(force_id: str, framework_id: str) -> list[PublishedImprovement]:
    """The inspectorate's improvements for a force under a framework, in file order."""
    return [
        PublishedImprovement(**r)
        for r in _rows("recorded-improvements.csv")
        if r["force_id"] == force_id and r["framework_id"] == framework_id
    ]


def published_grades(force_id: str, framework_id: str) -> list[PublishedGrade]:
    """The inspectorate's published grades for a force under a framework, in file order."""
    return [
        PublishedGrade(**r)
        for r in _rows("recorded-grades.csv")
        if r["force_id"] == force_id and r["framework_id"] == framework_id
    ]
