"""Operational records of crime data integrity audits, as SQLAlchemy tables.

An audit (one force, one period of incidents) holds its draw (design, seed, frame ids with their
strata and the frame's SHA-256, so the draw can be verified), the incidents sampled (each with its
stratum, design weight and the record as the auditor saw it), and the auditors' decisions: one by
the first auditor on every record and, on a subsample, one by a second auditor who must be
someone else. Every decision is audited in the one audit log (``scrutiny.audit``). The schema is
created by the Alembic migrations in ``openpeel/migrations``; see ``docs/crime_recording.md``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Float,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openpeel.database import columns
from openpeel.database.base import Base
from openpeel.database.columns import (
    Created,
    DrawnUnit,
    Edited,
    ForceScoped,
    Keyed,
    PeriodOfWork,
    StoredFrame,
)

#: An audit is open (no sample yet), reviewing (sample drawn, decisions being made) or closed.
AUDIT_STATUSES = ("open", "reviewing", "closed")
#: Who made a decision: the first auditor (every record) or the second (the subsample).
DECISION_ROLES = ("first", "second")


class CrimeAudit(Base, Keyed, ForceScoped, PeriodOfWork, StoredFrame, Created):
    """One crime data integrity audit of one force's incidents over a period."""

    __tablename__ = "crime_audits"
    __table_args__ = (Index("ix_crime_audits_force", "force_id", "period_to"),)

    recorded_crimes_year: Mapped[float | None] = columns.optional(Float)
    snapshot: Mapped[str] = mapped_column(String(200), default="")
    is_synthetic: Mapped[bool] = columns.flag()
    seed: Mapped[int | None] = columns.optional(Integer)
    second_seed: Mapped[int | None] = columns.optional(Integer)
    drawn_at: Mapped[datetime | None] = columns.optional(DateTime)
    created_by: Mapped[int | None] = columns.by_user(nullable=True)
    records: Mapped[list[AuditRecord]] = relationship(
        back_populates="audit", order_by="AuditRecord.position"
    )


class AuditRecord(Base, Keyed, DrawnUnit):
    """An incident drawn into an audit, with its stratum, design weight and the record shown."""

    __tablename__ = "crime_audit_records"
    __table_args__ = (UniqueConstraint("audit_id", "incident_id", name="uq_audit_incident"),)

    audit_id: Mapped[int] = columns.part_of("crime_audits")
    incident_id: Mapped[str] = mapped_column(String(64))
    stratum: Mapped[str] = mapped_column(String(32))
    incident_json: Mapped[str] = columns.note("{}")
    is_second_check: Mapped[bool] = columns.flag()
    audit: Mapped[CrimeAudit] = relationship(back_populates="records")
    decisions: Mapped[list[AuditDecision]] = relationship(
        back_populates="record", order_by="AuditDecision.id"
    )


class AuditDecision(Base, Keyed, Edited):
    """An auditor's decision on one sampled incident (one per record per role)."""

    __tablename__ = "crime_audit_decisions"
    __table_args__ = (UniqueConstraint("record_id", "role", name="uq_decision_record_role"),)

    record_id: Mapped[int] = columns.part_of("crime_audit_records")
    role: Mapped[str] = mapped_column(String(16))
    auditor_id: Mapped[int] = columns.by_user()
    should_record: Mapped[str] = mapped_column(String(8))
    offence_group: Mapped[str | None] = columns.optional(String(64))
    is_recorded: Mapped[str | None] = columns.optional(String(8))
    is_within_24h: Mapped[str | None] = columns.optional(String(8))
    is_correctly_classified: Mapped[str | None] = columns.optional(String(8))
    notes: Mapped[str] = columns.note()
    record: Mapped[AuditRecord] = relationship(back_populates="decisions")
