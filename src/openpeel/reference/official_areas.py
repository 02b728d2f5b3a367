"""Recognise the areas a published statistical table lists: forces, regions, countries, the nation.

Official tables interleave police force areas with English regions, Wales, England and England and
Wales, spell force names several ways (``Avon & Somerset``, ``London, City of``, ``Metropolitan``)
and glue footnote digits to names (``Greater Manchester8,9``). Every spelling seen in a published
table maps here to one area: a force (its project force id) or an aggregate, which is never
counted as a force. ``West Midlands`` is both a region (E12000005) and a force (E23000014): its
code settles it; without a code the caller decides from the table's layout
(:func:`ambiguous_names`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from openpeel.reference.forces import forces

#: Footnote markers glued to a name: ``Greater Manchester8,9``, ``ENGLAND AND WALES7,8``.
_FOOTNOTE = re.compile(r"(?<=[A-Za-z\)\]])\d{1,2}(?:\s*,\s*\d{1,2})*\s*$")
#: A footnote number after a space (``London 10``): stripped from area names only, since a
#: category label may end in a number (``Aged 18 to 24``).
_SPACED_FOOTNOTE = re.compile(r"(?<=[A-Za-z])\s\d{1,2}(?:,\d{1,2})*\s*$")
#: Footnote digits inside a closing bracket: ``Total recorded crime (excluding fraud3)``.
_INNER_FOOTNOTE = re.compile(r"(?<=[a-z])\d{1,2}(?:,\d{1,2})*(?=\))|(?<=[a-z\)])\d{1,2}(?=\s)")
#: An ONS area code, perhaps with a footnote digit glued on (``E230000118``).
_CODE = re.compile(r"^([EWKNS]\d{8})\d{0,2}$")
_TOTAL = re.compile(r"^\*?\s*total\s+(?:of\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """One area a table row (or column) stands for."""

    area_type: str  # force | region | country | national
    area_id: str
    area_code: str | None

    @property
    def is_force(self) -> bool:
        """Whether the area is a police force (never true of a region or national total)."""
        return self.area_type == "force"

    @property
    def force_id(self) -> str | None:
        """The project force id when the area is a force."""
        return self.area_id if self.is_force else None


def strip_footnotes(text: str, spaced: bool = False) -> str:
    """A published label without its glued footnote digits and padding.

    With ``spaced``, a number after a space at the end goes too (for area names).
    """
    text = _INNER_FOOTNOTE.sub("", " ".join(str(text).split()))
    text = _FOOTNOTE.sub("", text).strip()
    return _SPACED_FOOTNOTE.sub("", text).strip() if spaced else text


def normalise_name(text: str) -> str:
    """A comparable form of an area name: no footnotes, case, padding, '*' or '&' spelling."""
    # "(R)" marks a revised figure (Home Office use of force, Hampshire 2017/18).
    name = re.sub(
        r"\s*\(r\)\s*$", "", strip_footnotes(text, spaced=True).lower().lstrip("*").strip()
    )
    name = name.replace("&", " & ").replace(" and ", " & ")
    name = re.sub(r"[,\-]", " ", name)
    return " ".join(name.replace(" & ", " and ").replace("&", " and ").split())


@cache
def _aliases() -> dict[str, Area]:
    out: dict[str, Area] = {}
    for f in forces().values():
        area = Area("force", f.force_id, f.pfa_code)
        for name in (f.name, f.pfa_name, f.force_id.replace("-", " ")):
            if name:
                out[normalise_name(name)] = area
    text = resources.files(__package__).joinpath("official_areas.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["area_type"] == "force":
            code = forces()[row["area_id"]].pfa_code
        else:
            code = row["area_code"] or None
        area = Area(row["area_type"], row["area_id"], code)
        key = normalise_name(row["alias"])
        if key in out and out[key] != area:
            continue  # a force name that is also a region (West Midlands): both kept below
        out[key] = area
    return out


@cache
def _regions_by_name() -> dict[str, Area]:
    text = resources.files(__package__).joinpath("official_areas.csv").read_text("utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        if row["area_type"] != "force":
            out[normalise_name(row["alias"])] = Area(
                row["area_type"], row["area_id"], row["area_code"] or None
            )
    return out


@cache
def _by_code() -> dict[str, Area]:
    out = {a.area_code: a for a in _regions_by_name().values() if a.area_code}
    for f in forces().values():
        if f.pfa_code:
            out[f.pfa_code] = Area("force", f.force_id, f.pfa_code)
    return out


def ambiguous_names() -> frozenset[str]:
    """Normalised names that are both a force and an aggregate (``west midlands``)."""
    regions = _regions_by_name()
    return frozenset(name for name, area in _aliases().items() if area.is_force and name in regions)


def recognise_area(name: object, code: object = None, prefer: str = "force") -> Area | None:
    """The area a published row label (and ONS code, when given) stands for, or None.

    A code decides on its own (``E23000014`` is the force, ``E12000005`` the region). A label
    starting with ``Total`` (``*Total North East``) is an aggregate. A name that is both a force
    and a region is read as ``prefer`` (``force`` or ``region``).
    """
    code_text = str(code).strip() if code not in (None, "") else ""
    if code_text:
        match = _CODE.match(code_text)
        return _by_code().get(match.group(1)) if match else None
    raw = str(name or "").strip()
    if not raw:
        return None
    if _TOTAL.match(raw):
        key = normalise_name(_TOTAL.sub("", raw))
        regions = _regions_by_name()
        return regions.get(key)
    key = normalise_name(raw)
    if key in ambiguous_names() and prefer != "force":
        return _regions_by_name()[key]
    return _aliases().get(key) or _regions_by_name().get(key)
