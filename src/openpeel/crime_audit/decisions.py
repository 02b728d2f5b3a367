"""Auditors' decisions on sampled incidents, the second auditor's check, and closing an audit.

For each sampled incident the auditor decides: should a crime have been recorded (and which
offence group)? If so, was it recorded? If it was, within 24 hours, and in the correct
classification? With notes. The first auditor decides every record; on the subsample marked for a
second check another auditor decides again, blind to nothing but expected to be independent, and
the agreement of the two is Cohen's kappa. Every decision and every change to one goes to the one
audit log with what changed (``scrutiny.audit``), and a decision carries its version. An audit
closes when every record has its first decision and every record of the subsample its second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openpeel.crime_audit.audits import AuditError
from openpeel.crime_audit.models import AuditDecision, AuditRecord, CrimeAudit
from openpeel.database.base import utcnow
from openpeel.scrutiny import audit as audit_log
from openpeel.scrutiny.models import User
from openpeel.sources.crime_recording import OFFENCE_GROUPS

#: Roles that decide records.
DECIDING_ROLES = ("auditor",)
#: Roles that create, sample and close audits.
MANAGING_ROLES = ("auditor", "administrator")
YES_NO = ("yes", "no")
FIELDS = (
    "should_record",
    "offence_group",
    "is_recorded",
    "is_within_24h",
    "is_correctly_classified",
    "notes",
)
MAX_NOTES_CHARS = 4000


def parse_decision(form: Mapping[str, Any]) -> dict[str, Any]:
    """A decision's fields from a form, checked; the questions that do not arise are None.

    Raises:
        AuditError: a required answer is missing or not one of the choices.
    """

    def answer(name: str, label: str) -> str:
        value = str(form.get(name) or "").strip()
        if value not in YES_NO:
            raise AuditError(f"answer {label}: yes or no")
        return value

    out: dict[str, Any] = dict.fromkeys(FIELDS)
    out["should_record"] = answer("should_record", "'should a crime have been recorded?'")
    if out["should_record"] == "yes":
        group = str(form.get("offence_group") or "").strip()
        if group not in OFFENCE_GROUPS:
            raise AuditError("choose the offence group of the crime that should be recorded")
        out["offence_group"] = group
        out["is_recorded"] = answer("is_recorded", "'was it recorded?'")
        if out["is_recorded"] == "yes":
            out["is_within_24h"] = answer("is_within_24h", "'recorded within 24 hours?'")
            out["is_correctly_classified"] = answer(
                "is_correctly_classified", "'correctly classified?'"
            )
    notes = str(form.get("notes") or "").strip()
    if len(notes) > MAX_NOTES_CHARS:
        raise AuditError(f"notes are limited to {MAX_NOTES_CHARS} characters")
    out["notes"] = notes
    return out


def outcome(decision: AuditDecision) -> str:
    """The decision in one word, for agreement: not_a_crime, recorded or not_recorded."""
    if decision.should_record != "yes":
        return "not_a_crime"
    return "recorded" if decision.is_recorded == "yes" else "not_recorded"


def decision_of(record: AuditRecord, role: str) -> AuditDecision | None:
    """The record's decision by the first or second auditor, if made."""
    return next((d for d in record.decisions if d.role == role), None)


def _role_for(record: AuditRecord, auditor: User) -> str:
    first = decision_of(record, "first")
    second = decision_of(record, "second")
    if first is None or first.auditor_id == auditor.id:
        if second is not None and second.auditor_id == auditor.id:
            raise AuditError("you made the second decision on this record")
        return "first"
    if not record.is_second_check:
        raise AuditError("another auditor has decided this record (it is not a second check)")
    if second is not None and second.auditor_id != auditor.id:
        raise AuditError("two auditors have already decided this record")
    return "second"


def decide(
    session: Session, record: AuditRecord, auditor: User, form: Mapping[str, Any]
) -> AuditDecision:
    """Store or change an auditor's decision on one record (audited); the caller commits.

    The first auditor to decide a record makes its first decision; on a record marked for a
    second check, another auditor's decision is the second. Changing a decision raises its
    version and logs what changed.
    """
    audit = session.get(CrimeAudit, record.audit_id)
    assert audit is not None
    if audit.status != "reviewing":
        raise AuditError(f"the audit is {audit.status}: decisions can no longer be changed")
    if auditor.role not in DECIDING_ROLES:
        raise AuditError("only auditors decide records")
    values = parse_decision(form)
    role = _role_for(record, auditor)
    existing = decision_of(record, role)

    def log(action: str, decision_id: int, detail: dict[str, Any]) -> None:
        about = {"audit_id": audit.id, "incident_id": record.incident_id, "role": role}
        audit_log.record(
            session, auditor.id, action, "crime_audit_decision", decision_id, about | detail
        )

    if existing is None:
        decision = AuditDecision(record_id=record.id, role=role, auditor_id=auditor.id, **values)
        try:
            with session.begin_nested():
                session.add(decision)
                session.flush()
        except IntegrityError:
            raise AuditError("another auditor decided this record at the same time") from None
        session.refresh(record)
        log("create", decision.id, values)
        return decision
    before = {name: getattr(existing, name) for name in FIELDS}
    diff = audit_log.changes(before, values)
    if diff:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.version += 1
        existing.updated_at = utcnow()
        log("update", existing.id, diff)
    return existing


@dataclass(frozen=True)
class AuditProgress:
    """How far an audit's decisions have got."""

    records: int
    decided: int
    second_check_records: int
    second_decided: int
    by_stratum: dict[str, tuple[int, int]]

    @property
    def can_close(self) -> bool:
        """Every record decided, and every second check made."""
        return self.decided == self.records and self.second_decided == self.second_check_records

    @property
    def undecided(self) -> int:
        """Decisions still to make (first and second)."""
        return self.records - self.decided + self.second_check_records - self.second_decided


def progress(audit: CrimeAudit) -> AuditProgress:
    """Records, decisions made, second checks made, and per stratum (decided, records)."""
    by_stratum: dict[str, tuple[int, int]] = {}
    decided = second = second_decided = 0
    for r in audit.records:
        roles = {d.role for d in r.decisions}
        done, total = by_stratum.get(r.stratum, (0, 0))
        by_stratum[r.stratum] = (done + ("first" in roles), total + 1)
        decided += "first" in roles
        if r.is_second_check:
            second += 1
            second_decided += "second" in roles
    return AuditProgress(len(audit.records), decided, second, second_decided, by_stratum)


def close_audit(session: Session, audit: CrimeAudit, actor_id: int | None = None) -> None:
    """Close an audit whose every record is decided: its decisions are frozen from now on."""
    if audit.status != "reviewing":
        raise AuditError(f"the audit is {audit.status}: only an audit under review closes")
    state = progress(audit)
    if not state.can_close:
        raise AuditError(
            f"{state.undecided} decision(s) still to make "
            f"({state.records - state.decided} first, "
            f"{state.second_check_records - state.second_decided} second)"
        )
    audit.status = "closed"
    audit.closed_at = utcnow()
    audit_log.record(
        session,
        actor_id,
        "close",
        "crime_audit",
        audit.id,
        {"records": state.records, "second_checks": state.second_check_records},
    )


def records_to_decide(session: Session, audit: CrimeAudit, auditor: User) -> list[AuditRecord]:
    """Records this auditor can still decide: undecided ones, and second checks of others'."""
    out = []
    for r in session.scalars(
        select(AuditRecord).where(AuditRecord.audit_id == audit.id).order_by(AuditRecord.position)
    ):
        first = decision_of(r, "first")
        if first is None or (
            r.is_second_check
            and first.auditor_id != auditor.id
            and decision_of(r, "second") is None
        ):
            out.append(r)
    return out
