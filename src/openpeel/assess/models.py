"""Operational records of the assessment, as SQLAlchemy tables on the operational ``Base``.

- ``assess_evidence``: evidence that is not data (an inspector's finding, a file review, a
  document) for one characteristic of one force, with its source and date;
- ``assess_grades``: grades given to an area by a person: the inspectorate's recorded grade
  (``kind`` ``recorded``) or an assessor's grade that differs from the suggestion (``assessor``),
  each with its reason; the suggested grade at the time is kept beside it;
- ``improvements``: areas for improvement, causes of concern and recommendations, with owner,
  status, monitoring phase, due date, the characteristic and indicators they are linked to;
- ``improvement_actions``: the actions of an improvement, with owner, due date and status;
- ``improvement_history``: every change to an improvement or its actions (who, when, field,
  before and after).

Created by the migration ``0002_assessment``; see ``docs/assess.md``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openpeel.database import columns
from openpeel.database.base import Base, utcnow
from openpeel.database.columns import Created, FrameworkScoped, Keyed

EVIDENCE_FINDINGS = ("met", "not_met", "uncertain")
GRADE_KINDS = ("recorded", "assessor")
IMPROVEMENT_KINDS = ("area_for_improvement", "cause_of_concern", "recommendation")
IMPROVEMENT_STATUSES = ("open", "in_progress", "closed")
ACTION_STATUSES = ("planned", "in_progress", "done")
MONITORING_PHASES = ("scan", "engage")
#: Roles that record evidence and manage improvements; grades are the administrator's.
ASSESSORS = ("administrator", "analyst")
GRADERS = ("administrator",)
#: Roles that read assessments and improvements.
ASSESS_READERS = ("administrator", "analyst", "panel_coordinator", "force_liaison")


class Evidence(Base, Keyed, FrameworkScoped):
    """Evidence that is not data, for one characteristic of one force."""

    __tablename__ = "assess_evidence"
    __table_args__ = (Index("ix_assess_evidence_force", "force_id", "framework_id"),)

    characteristic_id: Mapped[str] = mapped_column(String(32))
    finding: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(500))
    evidence_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = columns.note()
    added_by_id: Mapped[int | None] = columns.by_user(nullable=True)
    added_by_name: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AreaGrade(Base, Keyed, FrameworkScoped):
    """A grade given by a person: recorded (the inspectorate's) or an assessor's."""

    __tablename__ = "assess_grades"
    __table_args__ = (Index("ix_assess_grades_force", "force_id", "framework_id", "area_id"),)

    area_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    grade: Mapped[str] = mapped_column(String(32))
    suggested_grade: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500), default="")
    set_by_id: Mapped[int | None] = columns.by_user(nullable=True)
    set_by_name: Mapped[str] = mapped_column(String(200), default="")
    set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Improvement(Base, Keyed, FrameworkScoped, Created):
    """An area for improvement, cause of concern or recommendation, tracked to closure."""

    __tablename__ = "improvements"
    __table_args__ = (Index("ix_improvements_force", "force_id", "status"),)

    area_id: Mapped[str] = mapped_column(String(64))
    characteristic_id: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = columns.note()
    owner: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    monitoring_phase: Mapped[str] = mapped_column(String(16), default="scan")
    due_date: Mapped[date | None] = columns.optional(Date)
    linked_indicators: Mapped[str] = mapped_column(String(500), default="")
    origin: Mapped[str] = mapped_column(String(16), default="by_hand")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("improvements.id"), nullable=True)
    closure_evidence: Mapped[str] = columns.note()
    closed_at: Mapped[datetime | None] = columns.optional(DateTime)
    created_by_name: Mapped[str] = mapped_column(String(200), default="")


class ImprovementAction(Base, Keyed, Created):
    """One action of an improvement."""

    __tablename__ = "improvement_actions"

    improvement_id: Mapped[int] = columns.part_of("improvements", index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = columns.optional(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")


class ImprovementChange(Base, Keyed):
    """One change to an improvement or one of its actions: who, when, field, before, after."""

    __tablename__ = "improvement_history"

    improvement_id: Mapped[int] = columns.part_of("improvements", index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = columns.by_user(nullable=True)
    user_name: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(64), default="")
    before: Mapped[str | None] = columns.optional(Text)
    after: Mapped[str | None] = columns.optional(Text)
