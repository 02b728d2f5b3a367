"""Recording what people decide: evidence that is not data, grades (the inspectorate's and an
assessor's, each with its reason) and improvements (areas for improvement, causes of concern,
recommendations) with their actions and a history of every change.

Every function takes a SQLAlchemy session and leaves the commit to the caller (the CLI and the
web app commit once per request). Bad input raises ``ValueError`` with a one-line reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpeel.assess.evidence import RecordedEvidence
from openpeel.assess.framework_rules import load_rules
from openpeel.assess.models import (
    ACTION_STATUSES,
    EVIDENCE_FINDINGS,
    GRADE_KINDS,
    IMPROVEMENT_KINDS,
    IMPROVEMENT_STATUSES,
    MONITORING_PHASES,
    AreaGrade,
    Evidence,
    Improvement,
    ImprovementAction,
    ImprovementChange,
)
from openpeel.database.base import utcnow
from openpeel.errors import UserInputError
from openpeel.reference.peel_framework import (
    framework,
    grades,
    published_grades,
    published_improvements,
)

Row = TypeVar("Row")

#: Fields of an improvement that ``update_improvement`` may change.
EDITABLE = (
    "title",
    "description",
    "owner",
    "status",
    "monitoring_phase",
    "due_date",
    "linked_indicators",
    "kind",
)


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a user id (None on the command line) and a name for the history."""

    name: str
    user_id: int | None = None


def _check(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise UserInputError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _required(text: str, message: str) -> str:
    """``text`` without its surrounding white space; ``message`` is the error when that is empty."""
    if not text.strip():
        raise UserInputError(message)
    return text.strip()


def _added(session: Session, row: Row) -> Row:
    """Add a new row and flush it (so it has its id)."""
    session.add(row)
    session.flush()
    return row


def _area(framework_id: str, area_id: str) -> None:
    fw = framework(framework_id)
    if area_id not in {a.area_id for a in fw.areas}:
        raise UserInputError(f"{framework_id} has no area {area_id!r}")


def _characteristic(framework_id: str, characteristic_id: str) -> Any:
    for rule in load_rules(framework_id):
        if rule.characteristic_id == characteristic_id:
            return rule
    raise UserInputError(f"{framework_id} has no characteristic {characteristic_id!r} in its rules")


def _oldest_first(session: Session, model: Any, *conditions: Any) -> list[Any]:
    """The rows of ``model`` meeting every condition, in the order they were added."""
    return list(session.scalars(select(model).where(*conditions).order_by(model.id)))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _log(
    session: Session,
    imp: Improvement,
    actor: Actor,
    action: str,
    field: str = "",
    before: Any = None,
    after: Any = None,
) -> None:
    session.add(
        ImprovementChange(
            improvement_id=imp.id,
            user_id=actor.user_id,
            user_name=actor.name,
            action=action,
            field=field,
            before=_text(before),
            after=_text(after),
            at=utcnow(),
        )
    )


# --------------------------------------------------------------------------- evidence


def add_evidence(
    session: Session,
    actor: Actor,
    force_id: str,
    framework_id: str,
    characteristic_id: str,
    finding: str,
    kind: str,
    source: str,
    evidence_date: date,
    summary: str = "",
) -> Evidence:
    """Record evidence that is not data for a characteristic (source and date required)."""
    _characteristic(framework_id, characteristic_id)
    _check(finding, EVIDENCE_FINDINGS, "finding")
    row = Evidence(
        force_id=force_id,
        framework_id=framework_id,
        characteristic_id=characteristic_id,
        finding=finding,
        kind=_required(kind, "evidence needs its kind and its source"),
        source=_required(source, "evidence needs its kind and its source"),
        evidence_date=evidence_date,
        summary=summary.strip(),
        added_by_id=actor.user_id,
        added_by_name=actor.name,
    )
    return _added(session, row)


def recorded_evidence(
    session: Session, force_id: str, framework_id: str, since: date | None = None
) -> list[RecordedEvidence]:
    """Evidence for a force, dated on or after ``since`` (evidence older than a period does
    not speak to it)."""
    query = select(Evidence).where(
        Evidence.force_id == force_id, Evidence.framework_id == framework_id
    )
    if since is not None:
        query = query.where(Evidence.evidence_date >= since)
    return [
        RecordedEvidence(
            e.id,
            e.characteristic_id,
            e.finding,
            e.kind,
            e.source,
            e.evidence_date,
            e.summary,
            e.added_by_name,
        )
        for e in session.scalars(query.order_by(Evidence.id))
    ]


# --------------------------------------------------------------------------- grades


def set_grade(
    session: Session,
    actor: Actor,
    force_id: str,
    framework_id: str,
    area_id: str,
    kind: str,
    grade: str,
    reason: str,
    source: str = "",
    suggested_grade: str = "",
) -> AreaGrade:
    """Record a grade: ``recorded`` (the inspectorate's) or ``assessor`` (a person's different
    judgment). A reason is required; earlier grades are kept (the latest is shown)."""
    _area(framework_id, area_id)
    _check(kind, GRADE_KINDS, "kind")
    _check(grade, [g.grade for g in grades()] + ["not graded"], "grade")
    row = AreaGrade(
        force_id=force_id,
        framework_id=framework_id,
        area_id=area_id,
        kind=kind,
        grade=grade,
        reason=_required(reason, "a grade needs its reason"),
        source=source.strip(),
        suggested_grade=suggested_grade,
        set_by_id=actor.user_id,
        set_by_name=actor.name,
    )
    return _added(session, row)


def latest_grades(
    session: Session, force_id: str, framework_id: str
) -> dict[tuple[str, str], AreaGrade]:
    """The latest grade per (area, kind)."""
    return {(g.area_id, g.kind): g for g in grade_history(session, force_id, framework_id)}


def grade_history(session: Session, force_id: str, framework_id: str) -> list[AreaGrade]:
    """Every grade set, oldest first."""
    return _oldest_first(
        session, AreaGrade, AreaGrade.force_id == force_id, AreaGrade.framework_id == framework_id
    )


def record_published_grades(
    session: Session, actor: Actor, force_id: str, framework_id: str
) -> list[AreaGrade]:
    """Enter the inspectorate's published grades of a force (``reference/peel/recorded-grades.csv``)
    as its recorded judgments."""
    out = []
    for row in published_grades(force_id, framework_id):
        reason = "As reported by HMICFRS" + (f" ({row.note})" if row.note else "")
        out.append(
            set_grade(
                session,
                actor,
                row.force_id,
                row.framework_id,
                row.area_id,
                "recorded",
                row.grade,
                reason,
                row.source,
            )
        )
    return out


def record_wmp_2021_22(session: Session, actor: Actor) -> list[AreaGrade]:
    """Enter West Midlands' 2021/22 grades as the inspectorate's recorded judgments."""
    return record_published_grades(session, actor, "west-midlands", "peel-2021-22")


def record_published_improvements(
    session: Session, actor: Actor, force_id: str, framework_id: str
) -> list[Improvement]:
    """Enter the inspectorate's areas for improvement and causes of concern of a force
    (``reference/peel/recorded-improvements.csv``), each linked to the characteristic and the
    indicators that measure it. Entering them again adds nothing: an improvement with the same
    force, framework and title is kept as it is."""
    existing = {i.title: i for i in improvements(session, force_id, framework_id=framework_id)}
    out = []
    for row in published_improvements(force_id, framework_id):
        if row.title in existing:
            out.append(existing[row.title])
            continue
        out.append(
            create_improvement(
                session,
                actor,
                row.force_id,
                row.framework_id,
                row.area_id,
                row.title,
                kind=row.kind,
                characteristic_id=row.characteristic_id,
                description=f"{row.note} Source: {row.source}.",
                linked_indicators=row.linked_indicators,
                origin="published",
            )
        )
    return out


# --------------------------------------------------------------------------- improvements


def create_improvement(
    session: Session,
    actor: Actor,
    force_id: str,
    framework_id: str,
    area_id: str,
    title: str,
    kind: str = "area_for_improvement",
    characteristic_id: str = "",
    description: str = "",
    owner: str = "",
    due_date: date | None = None,
    monitoring_phase: str = "scan",
    linked_indicators: str = "",
    parent_id: int | None = None,
    origin: str = "by_hand",
) -> Improvement:
    """Create an area for improvement, cause of concern or recommendation.

    A cause of concern is followed by recommendations (``parent_id``); a characteristic id
    links it to the evidence (and its indicator, whose monthly trend shows progress).
    """
    _area(framework_id, area_id)
    _check(kind, IMPROVEMENT_KINDS, "kind")
    _check(monitoring_phase, MONITORING_PHASES, "monitoring phase")
    if characteristic_id:
        rule = _characteristic(framework_id, characteristic_id)
        if rule.area_id != area_id:
            raise UserInputError(f"characteristic {characteristic_id} belongs to {rule.area_id}")
        if not linked_indicators and rule.indicator:
            linked_indicators = rule.indicator
    if not title.strip():
        raise UserInputError("an improvement needs a title")
    if parent_id is not None and session.get(Improvement, parent_id) is None:
        raise UserInputError(f"no improvement {parent_id}")
    imp = Improvement(
        force_id=force_id,
        framework_id=framework_id,
        area_id=area_id,
        characteristic_id=characteristic_id,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        owner=owner.strip(),
        due_date=due_date,
        monitoring_phase=monitoring_phase,
        linked_indicators=linked_indicators,
        parent_id=parent_id,
        origin=origin,
        status="open",
        created_by_name=actor.name,
        closure_evidence="",
    )
    _added(session, imp)
    _log(session, imp, actor, "created", "", None, f"{kind}: {imp.title}")
    return imp


def suggest_from_finding(
    session: Session,
    actor: Actor,
    force_id: str,
    framework_id: str,
    characteristic_id: str,
    reason: str = "",
) -> Improvement:
    """Create the suggested improvement for an unmet characteristic (its severity decides
    area for improvement or cause of concern)."""
    rule = _characteristic(framework_id, characteristic_id)
    return create_improvement(
        session,
        actor,
        force_id,
        framework_id,
        rule.area_id,
        title=f"Not met: {rule.text}",
        kind=rule.severity,
        characteristic_id=characteristic_id,
        description=reason,
        origin="suggested",
    )


def get_improvement(session: Session, improvement_id: int) -> Improvement:
    """One improvement (ValueError when there is none)."""
    imp = session.get(Improvement, improvement_id)
    if imp is None:
        raise UserInputError(f"no improvement {improvement_id}")
    return imp


def _improvement_in(
    session: Session, improvement_id: int, *, closed: bool, otherwise: str
) -> Improvement:
    """The improvement, which must be closed (``closed``) or not; ``otherwise`` ends the error."""
    imp = get_improvement(session, improvement_id)
    if (imp.status == "closed") != closed:
        raise UserInputError(f"improvement {improvement_id} {otherwise}")
    return imp


def update_improvement(
    session: Session, actor: Actor, improvement_id: int, **changes: Any
) -> Improvement:
    """Change fields of an open improvement; every changed field is one history row.

    Closing goes through ``close_improvement`` (it needs evidence).
    """
    imp = _improvement_in(
        session, improvement_id, closed=False, otherwise="is closed; reopen it first"
    )
    for field, value in changes.items():
        if field not in EDITABLE:
            raise UserInputError(f"cannot change {field!r}")
        if value is None:
            continue
        if field == "status":
            _check(value, ("open", "in_progress"), "status (close with `close`)")
        if field == "monitoring_phase":
            _check(value, MONITORING_PHASES, "monitoring phase")
        if field == "kind":
            _check(value, IMPROVEMENT_KINDS, "kind")
        if field == "title" and not str(value).strip():
            raise UserInputError("an improvement needs a title")
        before = getattr(imp, field)
        if before != value:
            setattr(imp, field, value)
            _log(session, imp, actor, "updated", field, before, value)
    session.flush()
    return imp


def close_improvement(
    session: Session, actor: Actor, improvement_id: int, evidence: str
) -> Improvement:
    """Close an improvement: the evidence that it is done is required and kept."""
    imp = _improvement_in(session, improvement_id, closed=False, otherwise="is already closed")
    evidence = _required(evidence, "closing needs evidence that the improvement is made")
    before = imp.status
    imp.status = "closed"
    imp.closure_evidence = evidence
    imp.closed_at = utcnow()
    _log(session, imp, actor, "closed", "status", before, "closed")
    _log(session, imp, actor, "closed", "closure_evidence", None, imp.closure_evidence)
    session.flush()
    return imp


def reopen_improvement(
    session: Session, actor: Actor, improvement_id: int, reason: str
) -> Improvement:
    """Reopen a closed improvement (the reason goes into the history)."""
    imp = _improvement_in(session, improvement_id, closed=True, otherwise="is not closed")
    reason = _required(reason, "reopening needs a reason")
    imp.status = "open"
    imp.closed_at = None
    _log(session, imp, actor, "reopened", "status", "closed", f"open ({reason})")
    session.flush()
    return imp


def add_action(
    session: Session,
    actor: Actor,
    improvement_id: int,
    description: str,
    owner: str = "",
    due_date: date | None = None,
) -> ImprovementAction:
    """Add an action to an open improvement."""
    imp = _improvement_in(session, improvement_id, closed=False, otherwise="is closed")
    description = _required(description, "an action needs a description")
    action = ImprovementAction(
        improvement_id=imp.id,
        description=description,
        owner=owner.strip(),
        due_date=due_date,
        status="planned",
    )
    _added(session, action)
    due = f" (due {due_date:%Y-%m-%d})" if due_date else ""
    _log(
        session,
        imp,
        actor,
        "action_added",
        f"action {action.id}",
        None,
        f"{action.description}{due}",
    )
    return action


def update_action(session: Session, actor: Actor, action_id: int, status: str) -> ImprovementAction:
    """Change an action's status (planned, in_progress, done)."""
    action = session.get(ImprovementAction, action_id)
    if action is None:
        raise UserInputError(f"no action {action_id}")
    _check(status, ACTION_STATUSES, "action status")
    imp = get_improvement(session, action.improvement_id)
    if action.status != status:
        _log(session, imp, actor, "action_updated", f"action {action.id}", action.status, status)
        action.status = status
    session.flush()
    return action


def improvements(
    session: Session,
    force_id: str | None = None,
    status: str | None = None,
    framework_id: str | None = None,
) -> list[Improvement]:
    """Improvements, newest first; ``status='active'`` means open or in progress."""
    query = select(Improvement).order_by(Improvement.id.desc())
    if force_id:
        query = query.where(Improvement.force_id == force_id)
    if framework_id:
        query = query.where(Improvement.framework_id == framework_id)
    if status == "active":
        query = query.where(Improvement.status != "closed")
    elif status:
        _check(status, IMPROVEMENT_STATUSES, "status")
        query = query.where(Improvement.status == status)
    return list(session.scalars(query))


def actions(session: Session, improvement_id: int) -> list[ImprovementAction]:
    """The actions of an improvement, oldest first."""
    return _oldest_first(
        session, ImprovementAction, ImprovementAction.improvement_id == improvement_id
    )


#: The columns of an improvement's actions as rows (:func:`action_rows`).
ACTION_COLUMNS = ("id", "description", "owner", "due_date", "status")


def action_rows(session: Session, improvement_id: int) -> list[dict[str, Any]]:
    """The actions of an improvement as flat rows (for the CLI and CSV), oldest first."""
    return [
        {name: getattr(a, name) for name in ACTION_COLUMNS}
        for a in actions(session, improvement_id)
    ]


def history(session: Session, improvement_id: int) -> list[ImprovementChange]:
    """Every change to an improvement, oldest first."""
    return _oldest_first(
        session, ImprovementChange, ImprovementChange.improvement_id == improvement_id
    )


def as_row(imp: Improvement) -> dict[str, Any]:
    """An improvement as a flat row (for the CLI and CSV)."""
    return {
        "id": imp.id,
        "force_id": imp.force_id,
        "framework_id": imp.framework_id,
        "area_id": imp.area_id,
        "characteristic_id": imp.characteristic_id,
        "kind": imp.kind,
        "title": imp.title,
        "owner": imp.owner,
        "status": imp.status,
        "monitoring_phase": imp.monitoring_phase,
        "due_date": imp.due_date.isoformat() if imp.due_date else None,
        "linked_indicators": imp.linked_indicators,
        "origin": imp.origin,
        "closure_evidence": imp.closure_evidence or None,
    }
