"""Columns that several operational tables share, declared once as mixins.

A model lists the mixins beside ``Base`` (``class Evidence(Base, Keyed, FrameworkScoped)``)
and gets their columns with the same names, types, nullability and defaults in every table, so
an audit sample and a panel sample store a drawn unit the same way, and every assessment record
names its force and framework the same way. The key, force and framework columns come first in
their table, as the migrations wrote them; the others follow the model's own columns. The
migrations create these columns as written here: changing one is a schema change and needs a
new migration.

The functions declare the column conventions the tables share: a key into the row a row
belongs to and is deleted with (``part_of``), the user who did something (``by_user``), a yes/no
that is no until set (``flag``), free text empty unless written (``note``) and a value that may
be missing (``optional``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from openpeel.database.base import utcnow


def part_of(parent: str, **options: Any) -> MappedColumn[Any]:
    """The key of the row this row belongs to (``parent`` is its table), deleted with it."""
    return mapped_column(ForeignKey(f"{parent}.id", ondelete="CASCADE"), **options)


def by_user(*, nullable: bool = False) -> MappedColumn[Any]:
    """The user who did something (a key into ``users``): required unless ``nullable``."""
    return mapped_column(ForeignKey("users.id"), nullable=nullable)


def flag() -> MappedColumn[Any]:
    """A yes/no that is no until set (never NULL)."""
    return mapped_column(Boolean, default=False, nullable=False)


def note(default: str = "") -> MappedColumn[Any]:
    """Free text, empty unless written."""
    return mapped_column(Text, default=default)


def optional(type_: Any) -> MappedColumn[Any]:
    """A value that may be missing (NULL)."""
    return mapped_column(type_, nullable=True)


class Keyed:
    """A surrogate integer primary key ``id`` (the table's first column)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-3)


class Created:
    """When the row was added (UTC)."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Edited(Created):
    """When the row was added and last changed, and its version (1 when added, one more at
    each edit)."""

    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ForceScoped:
    """The force a record belongs to (its police.uk id), the column after the key."""

    force_id: Mapped[str] = mapped_column(String(64), sort_order=-2)


class FrameworkScoped(ForceScoped):
    """The force and the PEEL framework an assessment record belongs to."""

    framework_id: Mapped[str] = mapped_column(String(32), sort_order=-1)


class StoredFrame:
    """A sampling frame kept beside its draw so the draw can be repeated and checked: the design
    spec, the frame's ids (JSON) with their count and SHA-256, and who drew it."""

    spec_json: Mapped[str] = mapped_column(Text, default="[]")
    frame_size: Mapped[int] = mapped_column(Integer, default=0)
    frame_json: Mapped[str] = mapped_column(Text, default="[]")
    frame_sha256: Mapped[str] = mapped_column(String(64), default="")
    drawn_by: Mapped[int | None] = by_user(nullable=True)

    if TYPE_CHECKING:  # declared by each model, with its own nullability and default
        seed: int | None
        drawn_at: datetime | None

    def draw_facts(self, records: int) -> dict[str, Any]:
        """The stored facts of the draw, for status pages and reports: the seed, the design
        spec, the frame's size and its SHA-256, when it was drawn and how many units it drew."""
        return {
            "seed": self.seed,
            "spec": json.loads(self.spec_json),
            "frame_size": self.frame_size,
            "frame_sha256": self.frame_sha256,
            "drawn_at": self.drawn_at,
            "records": records,
        }


class DrawnUnit:
    """A unit drawn into a sample: its place in the draw, the size of its stratum, its inclusion
    probability and its design weight (the inverse of that probability)."""

    position: Mapped[int] = mapped_column(Integer)
    stratum_size: Mapped[int] = mapped_column(Integer)
    inclusion_probability: Mapped[float] = mapped_column(Float)
    design_weight: Mapped[float] = mapped_column(Float)


class PeriodOfWork:
    """A piece of work on the records of a period (a panel meeting, a crime audit): its title,
    the first and last day of the period, its status (``open`` when created) and when it was
    closed."""

    title: Mapped[str] = mapped_column(String(200))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    closed_at: Mapped[datetime | None] = optional(DateTime)
