"""The groups a force is compared with: all forces, its region, and a named peer group.

Every force of England and Wales belongs to one English region or to Wales
(``force_regions.csv``, as the ONS lists police force areas under regions). A named peer group,
such as HMICFRS's most similar groups, comes from a CSV the user supplies, in one of two shapes:

- one column ``force_id``: the forces of the group (the force being looked at need not be listed);
- ``force_id`` and ``group``: several groups; the force's peers are the forces sharing its group;
- ``force_id`` and further columns (``peer_1``, ``peer_2``, ... as HMICFRS lists each force's most
  similar forces): one row per force; the force's peers are the forces named on its row.

Forces may be written as project ids (``west-midlands``) or as names as published
(``West Midlands Police``, ``Avon & Somerset``); anything unrecognised is an error naming the
line, never silently dropped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from openpeel.errors import UserInputError
from openpeel.reference.forces import forces
from openpeel.reference.official_areas import recognise_area

FORCE_COLUMNS = ("force_id", "force", "force_name", "force name")
GROUP_COLUMNS = ("group", "peer_group", "most_similar_group", "msg")


@dataclass(frozen=True)
class PeerGroup:
    """A named set of forces to compare a force with."""

    name: str
    force_ids: tuple[str, ...]
    source: str


@cache
def force_regions() -> dict[str, tuple[str, str]]:
    """Force id -> (region id, region name) for the 43 territorial forces."""
    text = resources.files("openpeel.reference").joinpath("force_regions.csv").read_text("utf-8")
    return {
        r["force_id"]: (r["region_id"], r["region_name"]) for r in csv.DictReader(text.splitlines())
    }


def region_of(force_id: str) -> tuple[str, str] | None:
    """The (region id, region name) of a force; None for BTP and forces outside England, Wales."""
    return force_regions().get(force_id)


def region_group(force_id: str) -> PeerGroup | None:
    """The forces of the force's region (the force included)."""
    region = region_of(force_id)
    if region is None:
        return None
    members = tuple(sorted(f for f, (r, _) in force_regions().items() if r == region[0]))
    return PeerGroup(region[1], members, "region")


def _force_id(text: str, where: str) -> str:
    value = text.strip()
    if value in forces():
        return value
    area = recognise_area(value)
    if area is None or area.force_id is None:
        raise UserInputError(f"{where}: {value!r} is not a force id or force name")
    return area.force_id


def read_peer_group(path: Path | str, force_id: str) -> PeerGroup:
    """The peer group of ``force_id`` from a user's CSV (see the module docstring).

    Raises:
        UserInputError: the file cannot be read, has no force column, names an unknown force,
            or (grouped shape) does not list ``force_id``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise UserInputError(f"cannot read peer group file {path}: {err}") from None
    reader = csv.DictReader(text.splitlines())
    header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    force_col = next((header[c] for c in FORCE_COLUMNS if c in header), None)
    if force_col is None:
        raise UserInputError(
            f"{path.name}: no force column; the first line must name one of "
            f"{', '.join(FORCE_COLUMNS[:2])} (and optionally 'group')"
        )
    group_col = next((header[c] for c in GROUP_COLUMNS if c in header), None)
    others = [h for h in reader.fieldnames or [] if h not in (force_col, group_col) and h]
    if group_col is None and others:
        return _row_shape(reader, path, force_col, others, force_id)
    members: list[tuple[str, str]] = []
    for line, row in enumerate(reader, start=2):
        raw = (row.get(force_col) or "").strip()
        if not raw:
            continue
        group = (row.get(group_col) or "").strip() if group_col else ""
        members.append((_force_id(raw, f"{path.name} line {line}"), group))
    if not members:
        raise UserInputError(f"{path.name}: no forces listed")
    if group_col is None:
        ids = sorted({f for f, _ in members} | {force_id})
        return PeerGroup(path.stem, tuple(ids), path.name)
    groups = {g for f, g in members if f == force_id}
    if not groups:
        raise UserInputError(f"{path.name}: {force_id} is in no group of the file")
    ids = sorted({f for f, g in members if g in groups})
    return PeerGroup(", ".join(sorted(groups)), tuple(ids), path.name)


def _row_shape(
    reader: csv.DictReader[str], path: Path, force_col: str, others: list[str], force_id: str
) -> PeerGroup:
    for line, row in enumerate(reader, start=2):
        raw = (row.get(force_col) or "").strip()
        if raw and _force_id(raw, f"{path.name} line {line}") == force_id:
            peers = {
                _force_id(cell, f"{path.name} line {line}")
                for cell in (row.get(c) or "" for c in others)
                if cell.strip()
            }
            return PeerGroup(
                f"{force_id} and its peers", tuple(sorted(peers | {force_id})), path.name
            )
    raise UserInputError(f"{path.name}: no row for {force_id}")
