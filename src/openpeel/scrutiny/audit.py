"""The audit log: every change to a review, sample, meeting, response or user is one row."""

from __future__ import annotations

import json
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpeel.scrutiny.models import AuditEntry


def record(
    session: Session,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any] | None = None,
    meeting_id: int | None = None,
) -> AuditEntry:
    """Add one audit entry to the session (committed with the change it describes)."""
    entry = AuditEntry(
        user_id=user_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        meeting_id=meeting_id,
        detail_json=json.dumps(detail or {}, default=str, sort_keys=True),
    )
    session.add(entry)
    return entry


class _Keyed(Protocol):
    @property
    def id(self) -> int: ...


Row = TypeVar("Row", bound=_Keyed)


def created(
    session: Session,
    actor_id: int | None,
    entity: str,
    row: Row,
    detail: dict[str, Any],
) -> Row:
    """Add a new row, flush it for its id, and audit its creation (``create`` of ``entity``)."""
    session.add(row)
    session.flush()
    record(session, actor_id, "create", entity, row.id, detail)
    return row


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs: ``{field: [before, after]}``."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def entries(
    session: Session, meeting_id: int | None = None, entity: str | None = None
) -> list[dict[str, Any]]:
    """Audit entries, oldest first, optionally for one meeting or one kind of entity."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if meeting_id is not None:
        query = query.where(AuditEntry.meeting_id == meeting_id)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    return [
        {
            "id": e.id,
            "at": e.at,
            "user_id": e.user_id,
            "action": e.action,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "meeting_id": e.meeting_id,
            "detail": json.loads(e.detail_json),
        }
        for e in session.scalars(query)
    ]
