"""What every scrutiny route shares: the one router they are added to (CSRF-checked, inputs
checked), the database session, the roles each kind of page admits, and the lookups that answer
404 when the user may not see a panel, meeting or record (so ids cannot be probed)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from openpeel.scrutiny import reviews, sampling, users
from openpeel.scrutiny.models import Meeting, Panel, SampleItem, User
from openpeel.web.inputs import RecordId
from openpeel.web.rendering import render
from openpeel.web.security import get_db, protected_router, require

#: The scrutiny area's router: every scrutiny route module adds its routes to this one.
router = protected_router()

DB = Annotated[Session, Depends(get_db)]

STAFF = ("administrator", "panel_coordinator", "panel_member", "force_liaison", "analyst")
REPORT_READERS = ("administrator", "panel_coordinator", "force_liaison", "analyst")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

ANY_STAFF = Depends(require(*STAFF))
ADMIN = Depends(require("administrator"))
COORDINATOR = Depends(require("panel_coordinator"))
MEMBER = Depends(require("panel_member"))
LIAISON = Depends(require("force_liaison"))
READERS = Depends(require(*REPORT_READERS))
AUDITORS = Depends(require("administrator", "panel_coordinator"))
RECORD_VIEWERS = Depends(require("administrator", "analyst"))


def not_found() -> HTTPException:
    """The one answer for anything missing or not the user's to see."""
    return HTTPException(status_code=404, detail="Not found.")


def panel_for(db: Session, user: User, panel_id: int) -> Panel:
    """A panel the user may see, else 404."""
    panel = db.get(Panel, panel_id)
    if panel is None or not users.can_see_panel(db, user, panel_id):
        raise not_found()
    return panel


def meeting_for(db: Session, user: User, meeting_id: int) -> Meeting:
    """A meeting of a panel the user may see, else 404."""
    meeting = db.get(Meeting, meeting_id)
    if meeting is None or not users.can_see_panel(db, user, meeting.panel_id):
        raise not_found()
    return meeting


def item_for(db: Session, user: User, item_id: int) -> tuple[SampleItem, Meeting]:
    """A sampled record of a panel the user may see, with its meeting, else 404."""
    item = db.get(SampleItem, item_id)
    if item is None:
        raise not_found()
    meeting = reviews.meeting_of_item(db, item)
    if not users.can_see_panel(db, user, meeting.panel_id):
        raise not_found()
    return item, meeting


T = TypeVar("T")


def _seen(lookup: Callable[[Session, User, int], T], id_name: str, role: Any) -> Any:
    """A dependency: what ``lookup`` finds for the path's ``id_name`` when the user let through
    by ``role`` may see it, else 404. The route declares ``role`` for its user too: FastAPI
    runs the check once a request."""

    def dependency(**given: Any) -> T:
        return lookup(given["db"], given["user"], given[id_name])

    keyword = inspect.Parameter.KEYWORD_ONLY
    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(id_name, keyword, annotation=RecordId),
            inspect.Parameter("db", keyword, annotation=DB),
            inspect.Parameter("user", keyword, annotation=User, default=role),
        ]
    )
    return Depends(dependency)


def seen_panel(role: Any) -> Any:
    """The path's panel (``panel_id``), seen by a user ``role`` lets through."""
    return _seen(panel_for, "panel_id", role)


def seen_meeting(role: Any) -> Any:
    """The path's meeting (``meeting_id``), seen by a user ``role`` lets through."""
    return _seen(meeting_for, "meeting_id", role)


def seen_item(role: Any) -> Any:
    """The path's sampled record and its meeting (``item_id``), seen by a user ``role`` lets
    through."""
    return _seen(item_for, "item_id", role)


#: The path's panel, meeting or sampled record as each kind of route admits it.
STAFF_PANEL = seen_panel(ANY_STAFF)
ADMIN_PANEL = seen_panel(ADMIN)
COORDINATOR_PANEL = seen_panel(COORDINATOR)
STAFF_MEETING = seen_meeting(ANY_STAFF)
COORDINATOR_MEETING = seen_meeting(COORDINATOR)
READER_MEETING = seen_meeting(READERS)
AUDITOR_MEETING = seen_meeting(AUDITORS)
STAFF_ITEM = seen_item(ANY_STAFF)
LIAISON_ITEM = seen_item(LIAISON)


def bad_request(request: Request, message: str, back: str) -> HTMLResponse:
    """The error page for a form the user can correct (400, with a way back)."""
    return render(
        request, "error.html", {"status": 400, "message": message, "back": back}, status_code=400
    )


def change_or_explain(
    request: Request,
    db: Session,
    change: Callable[[], T],
    refused: type[Exception],
    back: str,
    then: str | Callable[[T], str],
) -> Response:
    """Make a change a form asked for: when the library refuses it (``refused``), roll back and
    show why with a way back to ``back``; otherwise commit and go to ``then`` (303), or to the
    address ``then`` gives for what the change made."""
    try:
        made = change()
    except refused as err:
        db.rollback()
        return bad_request(request, str(err), back)
    db.commit()
    return RedirectResponse(then if isinstance(then, str) else then(made), status_code=303)


def form_date(value: str, name: str) -> date:
    """A form's ``YYYY-MM-DD`` field, or a SamplingError naming it."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise sampling.SamplingError(f"{name} is not a date (YYYY-MM-DD)") from None
