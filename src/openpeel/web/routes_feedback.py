"""Public feedback ("was this page useful?") and its summary for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from openpeel.scrutiny import feedback
from openpeel.scrutiny.models import Feedback, User
from openpeel.web.downloads import CSV, download
from openpeel.web.forms import FeedbackForm
from openpeel.web.rendering import render
from openpeel.web.security import client_key, get_db, protected_router, require, safe_next

router = protected_router()
DB = Annotated[Session, Depends(get_db)]
ADMIN = Depends(require("administrator"))


@router.post("/feedback", response_model=None)
def give_feedback(request: Request, db: DB, form: Annotated[FeedbackForm, Form()]) -> Response:
    """Store a rating; htmx gets the thank-you fragment, plain forms a redirect back."""
    status, message = 200, "Thank you for your feedback."
    try:
        feedback.add_feedback(
            db,
            form.page,
            form.rating,
            client_key(request),
            comment=form.comment,
            consent=form.consent in ("on", "yes", "true", "1"),
            name=form.name,
            email=form.email,
        )
        db.commit()
    except feedback.FeedbackRateLimited as err:
        db.rollback()
        status, message = 429, str(err).capitalize() + "."
    except feedback.FeedbackError as err:
        db.rollback()
        status, message = 400, str(err).capitalize() + "."
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers: the message itself says whether it worked.
        return render(request, "_feedback_done.html", {"message": message, "ok": status == 200})
    if status != 200:
        return render(
            request,
            "feedback_result.html",
            {"message": message, "back": safe_next(form.page)},
            status,
        )
    return RedirectResponse(safe_next(form.page) + "?feedback=thanks", status_code=303)


@router.get("/admin/feedback", response_class=HTMLResponse)
def feedback_summary(request: Request, db: DB, user: User = ADMIN) -> HTMLResponse:
    """Ratings per page and the latest comments (contact details only with consent)."""
    latest = db.scalars(select(Feedback).order_by(Feedback.id.desc()).limit(50)).all()
    return render(
        request,
        "admin_feedback.html",
        {"pages": feedback.summarise(db), "latest": feedback.export_rows(latest)},
    )


@router.get("/admin/feedback.csv")
def feedback_csv(db: DB, user: User = ADMIN) -> Response:
    """Every rating as CSV (contact details only where consent was given)."""
    return download(feedback.export_csv(db), CSV, "feedback.csv")
