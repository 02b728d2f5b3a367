"""What the scrutiny pages show, read from the operational database: a user's panels, a panel's
meetings and members, a meeting's review progress, a record's reviews and response, published
meetings and recent record imports.

Each function is one query with its access rule stated; the web routes only check the user's
role and render what these return.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpeel.scrutiny import users
from openpeel.scrutiny.models import (
    ImportRun,
    LiaisonResponse,
    Meeting,
    Panel,
    PanelMembership,
    Review,
    Sample,
    SampleItem,
    User,
)

#: Roles that can be made members of a panel.
MEMBER_ROLES = ("panel_coordinator", "panel_member", "force_liaison")


def visible_panels(session: Session, user: User) -> Sequence[Panel]:
    """The panels the user may see, by name (every panel for roles not tied to panels)."""
    ids = users.visible_panel_ids(session, user)
    query = select(Panel).order_by(Panel.name)
    if ids is not None:
        query = query.where(Panel.id.in_(ids))
    return session.scalars(query).all()


def panel_meetings(session: Session, panel_id: int) -> Sequence[Meeting]:
    """A panel's meetings, newest first."""
    return session.scalars(
        select(Meeting).where(Meeting.panel_id == panel_id).order_by(Meeting.meeting_date.desc())
    ).all()


def panel_members(session: Session, panel_id: int) -> Sequence[User]:
    """A panel's members, by role then user name."""
    return session.scalars(
        select(User)
        .join(PanelMembership, PanelMembership.user_id == User.id)
        .where(PanelMembership.panel_id == panel_id)
        .order_by(User.role, User.username)
    ).all()


def member_candidates(session: Session) -> Sequence[User]:
    """Users who can be made members of a panel, by user name."""
    return session.scalars(
        select(User).where(User.role.in_(MEMBER_ROLES)).order_by(User.username)
    ).all()


def review_progress(session: Session, sample: Sample, reviewer_id: int) -> list[dict[str, Any]]:
    """Per sampled record: the item, its record, how many reviews it has and the grade the
    given reviewer gave it (None before they review it)."""
    counts = dict(
        session.execute(
            select(Review.item_id, func.count(Review.id))
            .join(SampleItem, SampleItem.id == Review.item_id)
            .where(SampleItem.sample_id == sample.id)
            .group_by(Review.item_id)
        ).all()
    )
    mine = {
        r.item_id: r.rag
        for r in session.scalars(
            select(Review)
            .join(SampleItem, SampleItem.id == Review.item_id)
            .where(SampleItem.sample_id == sample.id, Review.reviewer_id == reviewer_id)
        )
    }
    return [
        {
            "item": item,
            "record": item.record,
            "reviews": counts.get(item.id, 0),
            "my_grade": mine.get(item.id),
        }
        for item in sample.items
    ]


def review_by(session: Session, item_id: int, reviewer_id: int) -> Review | None:
    """One reviewer's review of a sampled record."""
    return session.scalar(
        select(Review).where(Review.item_id == item_id, Review.reviewer_id == reviewer_id)
    )


def display_names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Display names of the given users, by id."""
    ids = list(user_ids)
    return {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(ids)))}


def usernames(session: Session) -> dict[int, str]:
    """Every user's user name, by id (for the audit log)."""
    return {u.id: u.username for u in session.scalars(select(User))}


def liaison_response(session: Session, item_id: int) -> LiaisonResponse | None:
    """The force's response to a sampled record, if any."""
    return session.scalar(select(LiaisonResponse).where(LiaisonResponse.item_id == item_id))


def closed_meetings(session: Session) -> Sequence[Meeting]:
    """Meetings whose summaries are published (closed), newest first."""
    return session.scalars(
        select(Meeting).where(Meeting.status == "closed").order_by(Meeting.meeting_date.desc())
    ).all()


def closed_meeting(session: Session, meeting_id: int) -> Meeting | None:
    """A meeting when its summary is published (closed), else None."""
    meeting = session.get(Meeting, meeting_id)
    return meeting if meeting is not None and meeting.status == "closed" else None


def recent_imports(session: Session, limit: int = 50) -> Sequence[ImportRun]:
    """The latest imports of force-internal records, newest first."""
    return session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)).all()
