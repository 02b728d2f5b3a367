"""A sampled record: the member's review form, every review (for report readers) and the force
liaison's response to a record graded red."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from openpeel.scrutiny import queries, reviews
from openpeel.scrutiny.models import GOWISELY, Meeting, SampleItem, User
from openpeel.web.forms import ResponseForm, text_fields
from openpeel.web.inputs import RecordId
from openpeel.web.rendering import render
from openpeel.web.scrutiny_access import (
    ANY_STAFF,
    DB,
    LIAISON,
    LIAISON_ITEM,
    MEMBER,
    REPORT_READERS,
    STAFF_ITEM,
    bad_request,
    change_or_explain,
    item_for,
    router,
)


@router.get("/scrutiny/items/{item_id}", response_class=HTMLResponse)
def item_page(
    request: Request,
    db: DB,
    user: User = ANY_STAFF,
    found: tuple[SampleItem, Meeting] = STAFF_ITEM,
) -> HTMLResponse:
    """A sampled record with the member's review form (or the liaison's response form)."""
    item, meeting = found
    all_reviews = reviews.reviews_of_item(db, item.id) if user.role in REPORT_READERS else []
    return render(
        request,
        "scrutiny/item.html",
        {
            "item": item,
            "record": item.record,
            "meeting": meeting,
            "review": queries.review_by(db, item.id, user.id),
            "all_reviews": all_reviews,
            "reviewer_names": queries.display_names(db, (r.reviewer_id for r in all_reviews)),
            "gowisely": GOWISELY,
            "choices": reviews.CHOICES,
            "is_red": reviews.is_red(db, item.id),
            "response": queries.liaison_response(db, item.id),
            "saved": "saved" in request.query_params,
        },
    )


@router.post("/scrutiny/items/{item_id}/review", response_model=None)
async def submit_review(request: Request, item_id: RecordId, user: User = MEMBER) -> Response:
    """Store the member's review (one per member per record; audited)."""
    values = await text_fields(request)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_save_review, request, item_id, user, values)


def _save_review(request: Request, item_id: int, user: User, form: dict[str, str]) -> Response:
    with request.app.state.sessions() as db:
        item, _meeting = item_for(db, user, item_id)
        try:
            review = reviews.submit_review(db, item, user, form)
            db.commit()
        except reviews.ReviewError as err:
            db.rollback()
            if request.headers.get("HX-Request"):
                return render(request, "scrutiny/_saved.html", {"error": str(err)})
            return bad_request(request, str(err), f"/scrutiny/items/{item_id}")
        if request.headers.get("HX-Request"):
            return render(request, "scrutiny/_saved.html", {"review": review})
        return RedirectResponse(f"/scrutiny/items/{item_id}?saved=1", status_code=303)


@router.post("/scrutiny/items/{item_id}/response", response_model=None)
def liaison_response(
    request: Request,
    db: DB,
    form: Annotated[ResponseForm, Form()],
    user: User = LIAISON,
    found: tuple[SampleItem, Meeting] = LIAISON_ITEM,
) -> Response:
    """Record the force's response to a record graded red (force liaison of the panel)."""
    item, _meeting = found
    back = f"/scrutiny/items/{item.id}"
    return change_or_explain(
        request,
        db,
        lambda: reviews.respond(db, item, user, form.response),
        reviews.ReviewError,
        back,
        f"{back}?saved=1",
    )
