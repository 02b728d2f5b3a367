"""Operational records of scrutiny panels, as SQLAlchemy tables.

Users, panels, force-internal search records, meetings and their samples, reviews, the force
liaison's responses, the audit log, public feedback, login attempts and web sessions. The schema
is created by the Alembic migrations in ``openpeel/migrations``; see ``docs/scrutiny.md``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from openpeel.database import columns
from openpeel.database.base import Base, utcnow
from openpeel.database.columns import Created, DrawnUnit, Edited, Keyed, PeriodOfWork, StoredFrame
from openpeel.scrutiny.roles import ROLES as ROLES  # the models' users hold one of these

RAG_GRADES = ("red", "amber", "green")
YES_NO_UNCLEAR = ("yes", "no", "unclear")
YES_NO_NA = ("yes", "no", "not_applicable")
#: GOWISELY: the information an officer must give before a search (PACE Code A, 3.8).
GOWISELY = (
    ("gowisely_grounds", "Grounds for the search"),
    ("gowisely_object", "Object of the search"),
    ("gowisely_warrant_card", "Warrant card shown (if not in uniform)"),
    ("gowisely_identity", "Identity of the officer"),
    ("gowisely_station", "Station the officer is attached to"),
    ("gowisely_entitlement", "Entitlement to a copy of the record"),
    ("gowisely_legal_power", "Legal power used"),
    ("gowisely_detained", "You are detained for the purpose of a search"),
)


#: The review's questions answered from a list: each question's column and its allowed answers.
ANSWERS: dict[str, tuple[str, ...]] = {
    "grounds_recorded": YES_NO_UNCLEAR,
    "grounds_reasonable": YES_NO_UNCLEAR,
    "bwv_available": ("yes", "no"),
    "bwv_whole_encounter": YES_NO_NA,
    "respectful": YES_NO_UNCLEAR,
    "force_used": ("yes", "no"),
    "force_justified": YES_NO_NA,
}


class ReviewQuestions:
    """A review's answers, one column per question: a text column per question of ``ANSWERS``
    (one of its allowed answers) and a yes/no column per item of ``GOWISELY`` (whether the
    officer gave it; no until the reviewer ticks it)."""

    def answer(self, question: str) -> str:
        """The answer given to one question of ``ANSWERS``."""
        if question not in ANSWERS:
            raise KeyError(question)
        return str(getattr(self, question))


for _question in ANSWERS:
    setattr(ReviewQuestions, _question, mapped_column(String(16), nullable=False))
for _item, _title in GOWISELY:
    setattr(ReviewQuestions, _item, columns.flag())


class User(Base, Keyed):
    """A person who logs in; ``role`` is one of ``ROLES``."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Panel(Base, Keyed):
    """A scrutiny panel that examines one force's searches."""

    __tablename__ = "panels"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    force_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    memberships: Mapped[list[PanelMembership]] = relationship(back_populates="panel")


class PanelMembership(Base, Keyed):
    """A user attached to a panel (its coordinators, members and force liaisons)."""

    __tablename__ = "panel_memberships"
    __table_args__ = (UniqueConstraint("panel_id", "user_id", name="uq_membership"),)

    panel_id: Mapped[int] = columns.part_of("panels")
    user_id: Mapped[int] = columns.part_of("users")
    panel: Mapped[Panel] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class SearchRecord(Base, Keyed):
    """One force-internal stop and search record (a superset of the police.uk fields)."""

    __tablename__ = "search_records"
    __table_args__ = (Index("ix_search_records_force_time", "force_id", "occurred_at"),)

    search_id: Mapped[str] = mapped_column(String(64), unique=True)
    force_id: Mapped[str] = mapped_column(String(64))
    officer_pseudonym: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    latitude: Mapped[float | None] = columns.optional(Float)
    longitude: Mapped[float | None] = columns.optional(Float)
    location: Mapped[str] = mapped_column(String(200), default="")
    type_code: Mapped[str] = mapped_column(String(32))
    gender_code: Mapped[str] = mapped_column(String(32))
    age_range_code: Mapped[str] = mapped_column(String(32))
    age_group: Mapped[str] = mapped_column(String(32))
    self_defined_ethnicity_code: Mapped[str] = mapped_column(String(32))
    ethnic_group: Mapped[str] = mapped_column(String(32))
    officer_defined_ethnicity_code: Mapped[str] = mapped_column(String(32))
    legislation_code: Mapped[str] = mapped_column(String(32))
    legislation_group: Mapped[str] = mapped_column(String(32))
    object_of_search_code: Mapped[str] = mapped_column(String(64))
    grounds_text: Mapped[str] = columns.note()
    outcome_code: Mapped[str] = mapped_column(String(64))
    outcome_group: Mapped[str] = mapped_column(String(64))
    outcome_linked: Mapped[bool | None] = columns.optional(Boolean)
    is_strip_search: Mapped[bool] = columns.flag()
    has_bwv: Mapped[bool] = columns.flag()
    bwv_reference: Mapped[str | None] = columns.optional(String(100))
    is_synthetic: Mapped[bool] = columns.flag()
    source_file: Mapped[str] = mapped_column(String(500))
    source_row: Mapped[int] = mapped_column(Integer)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), nullable=True)


class ImportRun(Base, Keyed):
    """One import of a force-internal CSV: rows read = rows loaded + rows rejected."""

    __tablename__ = "import_runs"

    source_file: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_already_present: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    is_synthetic: Mapped[bool] = columns.flag()


class ImportReject(Base, Keyed):
    """A row that could not be loaded, with its row number, reason and raw text."""

    __tablename__ = "import_rejects"

    import_run_id: Mapped[int] = columns.part_of("import_runs")
    source_row: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    raw: Mapped[str] = mapped_column(Text)


class Meeting(Base, Keyed, PeriodOfWork, Created):
    """One panel meeting: the period its sample is drawn from; open until the coordinator
    closes it (reviews are editable while open)."""

    __tablename__ = "meetings"

    panel_id: Mapped[int] = columns.part_of("panels")
    meeting_date: Mapped[date] = mapped_column(Date)
    panel: Mapped[Panel] = relationship()


class Sample(Base, Keyed, StoredFrame):
    """The draw for a meeting: design, seed and frame stored so it can be reproduced."""

    __tablename__ = "samples"

    meeting_id: Mapped[int] = columns.part_of("meetings", unique=True)
    design: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(Integer)
    drawn_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    items: Mapped[list[SampleItem]] = relationship(
        back_populates="sample", order_by="SampleItem.position"
    )


class SampleItem(Base, Keyed, DrawnUnit):
    """A record drawn into a sample, with its stratum, inclusion probability and design weight."""

    __tablename__ = "sample_items"
    __table_args__ = (UniqueConstraint("sample_id", "record_id", name="uq_sample_record"),)

    sample_id: Mapped[int] = columns.part_of("samples")
    record_id: Mapped[int] = mapped_column(ForeignKey("search_records.id"))
    stratum: Mapped[str] = mapped_column(String(64))
    sample: Mapped[Sample] = relationship(back_populates="items")
    record: Mapped[SearchRecord] = relationship()


class Review(Base, Keyed, ReviewQuestions, Edited):
    """One member's review of one sampled record (one per member per record)."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("item_id", "reviewer_id", name="uq_review_item_reviewer"),)

    item_id: Mapped[int] = columns.part_of("sample_items")
    reviewer_id: Mapped[int] = columns.by_user()
    rag: Mapped[str] = mapped_column(String(8))
    comments: Mapped[str] = columns.note()

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        """Optimistic locking: every UPDATE names the version it read and sets the next one; an
        UPDATE of a row another transaction changed meanwhile matches nothing (StaleDataError)."""
        return {"version_id_col": cls.__table__.c.version}


class LiaisonResponse(Base, Keyed):
    """The force's answer to a record the panel graded red."""

    __tablename__ = "liaison_responses"

    item_id: Mapped[int] = columns.part_of("sample_items", unique=True)
    responder_id: Mapped[int] = columns.by_user()
    response: Mapped[str] = mapped_column(Text)
    responded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base, Keyed):
    """Who did what, when: every change to a review, sample, meeting, response or user."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = columns.by_user(nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None] = columns.optional(Integer)
    meeting_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail_json: Mapped[str] = columns.note("{}")


class Feedback(Base, Keyed):
    """A "was this page useful?" rating; name and e-mail only kept with consent."""

    __tablename__ = "feedback"

    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    page: Mapped[str] = mapped_column(String(300))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = columns.note()
    contact_consent: Mapped[bool] = columns.flag()
    contact_name: Mapped[str | None] = columns.optional(String(200))
    contact_email: Mapped[str | None] = columns.optional(String(320))
    client_key: Mapped[str] = mapped_column(String(64), index=True)


class LoginAttempt(Base, Keyed):
    """A login attempt, for rate limiting (client key is a keyed hash, not the address)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_at", "at"),)

    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_key: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = columns.flag()


class WebSession(Base, Keyed):
    """A logged-in browser session; the cookie holds a token, the table its SHA-256."""

    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = columns.part_of("users")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[User] = relationship()


class AppSecret(Base):
    """Secrets generated on first use (the key that signs CSRF tokens and hashes clients)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
