"""Reviews of sampled records: one per member per record, editable until the meeting closes,
every change written to the audit log; closing meetings; the force liaison's responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from openpeel.errors import UserInputError
from openpeel.scrutiny import audit
from openpeel.scrutiny.models import (
    ANSWERS,
    GOWISELY,
    RAG_GRADES,
    LiaisonResponse,
    Meeting,
    Review,
    Sample,
    SampleItem,
    User,
    utcnow,
)

MAX_COMMENT_CHARS = 5000
#: How many times a submission re-reads a review another submission changed meanwhile.
UPDATE_ATTEMPTS = 5
#: Choice fields of the review form and their allowed values.
CHOICES: dict[str, tuple[str, ...]] = {**ANSWERS, "rag": RAG_GRADES}
FLAGS = tuple(name for name, _ in GOWISELY)
FIELDS = (*CHOICES, *FLAGS, "comments")


class ReviewError(UserInputError):
    """A review that cannot be stored as asked (closed meeting, bad value): a user error."""


def parse_review(form: Mapping[str, Any]) -> dict[str, Any]:
    """The review fields from a submitted form; checkboxes absent mean False."""
    out: dict[str, Any] = {}
    for name, allowed in CHOICES.items():
        value = str(form.get(name) or "").strip()
        if value not in allowed:
            raise ReviewError(f"{name} must be one of {', '.join(allowed)}")
        out[name] = value
    for name in FLAGS:
        out[name] = str(form.get(name) or "").strip().lower() in {"on", "true", "yes", "1"}
    comments = str(form.get("comments") or "")
    if len(comments) > MAX_COMMENT_CHARS:
        raise ReviewError(f"comments are limited to {MAX_COMMENT_CHARS} characters")
    out["comments"] = comments
    if out["force_used"] == "no" and out["force_justified"] != "not_applicable":
        out["force_justified"] = "not_applicable"
    return out


def meeting_of_item(session: Session, item: SampleItem) -> Meeting:
    """The meeting whose sample holds this item."""
    sample = session.get(Sample, item.sample_id)
    assert sample is not None
    meeting = session.get(Meeting, sample.meeting_id)
    assert meeting is not None
    return meeting


def review_values(review: Review) -> dict[str, Any]:
    """The reviewed fields of a review, as a dict."""
    return {name: getattr(review, name) for name in FIELDS}


def submit_review(
    session: Session, item: SampleItem, reviewer: User, form: Mapping[str, Any]
) -> Review:
    """Store or update the reviewer's review of one item (audited); the caller commits."""
    meeting = meeting_of_item(session, item)
    if meeting.status != "open":
        raise ReviewError("the meeting is closed: reviews can no longer be changed")
    if reviewer.role != "panel_member":
        raise ReviewError("only panel members review records")
    values = parse_review(form)
    existing = session.scalar(
        select(Review).where(Review.item_id == item.id, Review.reviewer_id == reviewer.id)
    )
    if existing is None:
        review = Review(item_id=item.id, reviewer_id=reviewer.id, **values)
        try:
            with session.begin_nested():
                session.add(review)
                session.flush()
        except IntegrityError:
            # Two submissions of the same member raced: the other one inserted; update it.
            existing = session.scalar(
                select(Review).where(Review.item_id == item.id, Review.reviewer_id == reviewer.id)
            )
            if existing is None:
                raise
        else:
            audit.record(
                session, reviewer.id, "create", "review", review.id, values, meeting_id=meeting.id
            )
            return review
    return _update(session, existing, reviewer, values, meeting.id)


def _update(
    session: Session, review: Review, reviewer: User, values: dict[str, Any], meeting_id: int
) -> Review:
    """Apply a submission to a stored review: written at once under optimistic locking (the
    version it read), and when another submission changed the review meanwhile, re-read and
    applied to what that one left, so no version is lost and the audit entry's "before" values
    are the ones replaced."""
    for _attempt in range(UPDATE_ATTEMPTS):
        diff = audit.changes(review_values(review), values)
        if not diff:
            return review
        try:
            # The change and its audit entry are written together, while the row is held.
            with session.begin_nested():
                for name, value in values.items():
                    setattr(review, name, value)
                review.updated_at = utcnow()
                session.flush()
                audit.record(
                    session, reviewer.id, "update", "review", review.id, diff, meeting_id=meeting_id
                )
                session.flush()
        except StaleDataError:
            # Read what the other submission stored, holding the row this time (PostgreSQL;
            # SQLite writes one transaction at a time anyway).
            session.refresh(review, with_for_update=True)
            continue
        return review
    raise ReviewError("the review kept changing while it was saved: try again")


def reviews_of_item(session: Session, item_id: int) -> list[Review]:
    """All reviews of one item."""
    return list(
        session.scalars(select(Review).where(Review.item_id == item_id).order_by(Review.id))
    )


def close_meeting(session: Session, meeting: Meeting, actor_id: int | None) -> None:
    """Close a meeting: its reviews are frozen from now on."""
    if meeting.status == "closed":
        raise ReviewError("the meeting is already closed")
    meeting.status = "closed"
    meeting.closed_at = utcnow()
    audit.record(session, actor_id, "close", "meeting", meeting.id, {}, meeting_id=meeting.id)


def is_red(session: Session, item_id: int) -> bool:
    """Whether any reviewer graded the record red (it then goes to the force liaison)."""
    return (
        session.scalar(
            select(Review.id).where(Review.item_id == item_id, Review.rag == "red").limit(1)
        )
        is not None
    )


def respond(session: Session, item: SampleItem, responder: User, text: str) -> LiaisonResponse:
    """Record (or change) the force liaison's response to a record graded red (audited)."""
    if responder.role != "force_liaison":
        raise ReviewError("only the force liaison responds to findings")
    text = text.strip()
    if not text:
        raise ReviewError("the response is empty")
    if len(text) > MAX_COMMENT_CHARS:
        raise ReviewError(f"responses are limited to {MAX_COMMENT_CHARS} characters")
    if not is_red(session, item.id):
        raise ReviewError("only records graded red need a response")
    meeting = meeting_of_item(session, item)
    existing = session.scalar(select(LiaisonResponse).where(LiaisonResponse.item_id == item.id))
    if existing is None:
        existing = LiaisonResponse(item_id=item.id, responder_id=responder.id, response=text)
        session.add(existing)
        session.flush()
        action = "create"
        detail: dict[str, Any] = {"response": text}
    else:
        detail = audit.changes({"response": existing.response}, {"response": text})
        existing.response = text
        existing.responder_id = responder.id
        existing.responded_at = utcnow()
        action = "update"
    audit.record(
        session,
        responder.id,
        action,
        "liaison_response",
        existing.id,
        detail,
        meeting_id=meeting.id,
    )
    return existing
