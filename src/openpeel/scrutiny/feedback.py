"""Public feedback: "was this page useful?" (1 to 3 stars, optional comment, optional name and
e-mail only with explicit consent), rate-limited per client, summarised for administrators.

The client key is a keyed hash of the address (never the address itself). Exports leave out the
contact details of anyone who did not consent; without consent they are not even stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpeel.errors import UserInputError
from openpeel.exports import csv_text
from openpeel.scrutiny.models import Feedback, utcnow

MAX_COMMENT_CHARS = 2000
#: At most this many ratings per client per window.
RATE_LIMIT = 10
RATE_WINDOW = timedelta(hours=1)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
EXPORT_COLUMNS = (
    "at",
    "page",
    "rating",
    "comment",
    "contact_consent",
    "contact_name",
    "contact_email",
)


class FeedbackError(UserInputError):
    """Feedback that cannot be stored (bad rating, too long): a user error."""


class FeedbackRateLimited(FeedbackError):
    """Too many ratings from one client: try later."""


def add_feedback(
    session: Session,
    page: str,
    rating: int | str,
    client_key: str,
    comment: str = "",
    consent: bool = False,
    name: str = "",
    email: str = "",
    now: datetime | None = None,
) -> Feedback:
    """Store one rating; raises FeedbackRateLimited past ``RATE_LIMIT`` per ``RATE_WINDOW``."""
    now = now or utcnow()
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        raise FeedbackError("the rating must be 1, 2 or 3 stars") from None
    if stars not in (1, 2, 3):
        raise FeedbackError("the rating must be 1, 2 or 3 stars")
    page = (page or "/").strip()
    if not page.startswith("/") or len(page) > 300:
        raise FeedbackError("feedback must name a page of this site")
    if len(comment) > MAX_COMMENT_CHARS:
        raise FeedbackError(f"comments are limited to {MAX_COMMENT_CHARS} characters")
    recent = session.scalar(
        select(func.count(Feedback.id)).where(
            Feedback.client_key == client_key, Feedback.at >= now - RATE_WINDOW
        )
    )
    if (recent or 0) >= RATE_LIMIT:
        raise FeedbackRateLimited("thank you: we already have your ratings for now, try later")
    name = name.strip()[:200]
    email = email.strip()[:320]
    if consent and email and not _EMAIL.match(email):
        raise FeedbackError("that e-mail address does not look right")
    row = Feedback(
        at=now,
        page=page,
        rating=stars,
        comment=comment.strip(),
        contact_consent=bool(consent and (name or email)),
        contact_name=(name or None) if consent else None,
        contact_email=(email or None) if consent else None,
        client_key=client_key,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class PageSummary:
    """Ratings of one page."""

    page: str
    ratings: int
    mean_stars: float
    one_star: int
    two_stars: int
    three_stars: int
    comments: int


def summarise(session: Session) -> list[PageSummary]:
    """Per page: how many ratings, the mean and the count of each star, most rated first."""
    by_page: dict[str, list[Feedback]] = {}
    for row in session.scalars(select(Feedback)):
        by_page.setdefault(row.page, []).append(row)
    out = []
    for page, rows in by_page.items():
        stars = [r.rating for r in rows]
        out.append(
            PageSummary(
                page,
                len(rows),
                round(sum(stars) / len(stars), 2),
                stars.count(1),
                stars.count(2),
                stars.count(3),
                sum(1 for r in rows if r.comment),
            )
        )
    return sorted(out, key=lambda s: (-s.ratings, s.page))


def export_rows(rows: Iterable[Feedback]) -> list[dict[str, Any]]:
    """Rows for export: contact details only where consent was given."""
    out = []
    for r in rows:
        out.append(
            {
                "at": r.at.isoformat(sep=" ", timespec="seconds"),
                "page": r.page,
                "rating": r.rating,
                "comment": r.comment,
                "contact_consent": r.contact_consent,
                "contact_name": r.contact_name if r.contact_consent else "",
                "contact_email": r.contact_email if r.contact_consent else "",
            }
        )
    return out


def export_csv(session: Session) -> str:
    """Every rating as CSV, oldest first, contact details only with consent (formulas made
    inert by the one CSV writer, ``openpeel.exports.csv_text``)."""
    rows = export_rows(session.scalars(select(Feedback).order_by(Feedback.id)))
    return csv_text(rows, columns=EXPORT_COLUMNS)
