"""Scrutiny panels, their meetings and samples: the panel list, a panel's page and trends,
creating panels, members and meetings, drawing and closing a meeting's sample."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from openpeel.reference.forces import forces
from openpeel.scrutiny import queries, report, reviews, sampling, users
from openpeel.scrutiny.models import User
from openpeel.web.inputs import RecordId
from openpeel.web.rendering import render
from openpeel.web.scrutiny_access import (
    ADMIN,
    ANY_STAFF,
    COORDINATOR,
    DB,
    REPORT_READERS,
    bad_request,
    change_or_explain,
    form_date,
    meeting_for,
    panel_for,
)
from openpeel.web.security import protected_router

router = protected_router()


@router.get("/scrutiny", response_class=HTMLResponse)
def scrutiny_home(request: Request, db: DB, user: User = ANY_STAFF) -> HTMLResponse:
    """The panels this user may see."""
    return render(
        request,
        "scrutiny/home.html",
        {
            "panels": queries.visible_panels(db, user),
            "forces": sorted(forces()),
            "changed": "changed" in request.query_params,
        },
    )


@router.post("/scrutiny/panels", response_model=None)
def create_panel(
    request: Request,
    db: DB,
    user: User = ADMIN,
    name: Annotated[str, Form(max_length=200)] = "",
    force_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Create a panel (administrator)."""
    return change_or_explain(
        request,
        db,
        lambda: users.add_panel(db, name, force_id, user.id),
        users.UserError,
        "/scrutiny",
        lambda panel: f"/scrutiny/panels/{panel.id}",
    )


@router.get("/scrutiny/panels/{panel_id}", response_class=HTMLResponse)
def panel_page(
    request: Request, panel_id: RecordId, db: DB, user: User = ANY_STAFF
) -> HTMLResponse:
    """A panel: its meetings and members."""
    panel = panel_for(db, user, panel_id)
    candidates = queries.member_candidates(db) if user.role == "administrator" else []
    return render(
        request,
        "scrutiny/panel.html",
        {
            "panel": panel,
            "meetings": queries.panel_meetings(db, panel_id),
            "members": queries.panel_members(db, panel_id),
            "candidates": candidates,
        },
    )


@router.post("/scrutiny/panels/{panel_id}/members", response_model=None)
def add_panel_member(
    request: Request,
    panel_id: RecordId,
    db: DB,
    user: User = ADMIN,
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Attach a user to a panel (administrator)."""
    panel = panel_for(db, user, panel_id)
    back = f"/scrutiny/panels/{panel_id}"
    return change_or_explain(
        request,
        db,
        lambda: users.add_member(db, panel, users.get_user(db, username), user.id),
        users.UserError,
        back,
        back,
    )


@router.get("/scrutiny/panels/{panel_id}/trends", response_class=HTMLResponse)
def panel_trends(
    request: Request, panel_id: RecordId, db: DB, user: User = ANY_STAFF
) -> HTMLResponse:
    """Shares across the panel's meetings (aggregates only)."""
    panel = panel_for(db, user, panel_id)
    return render(
        request,
        "scrutiny/trends.html",
        {"panel": panel, "rows": report.trends(db, panel_id), "measures": report.MEASURES},
    )


@router.post("/scrutiny/panels/{panel_id}/meetings", response_model=None)
def create_meeting(
    request: Request,
    panel_id: RecordId,
    db: DB,
    user: User = COORDINATOR,
    title: Annotated[str, Form(max_length=200)] = "",
    meeting_date: Annotated[str, Form(max_length=10)] = "",
    period_from: Annotated[str, Form(max_length=10)] = "",
    period_to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Create a meeting of a panel (its coordinator)."""
    panel = panel_for(db, user, panel_id)
    return change_or_explain(
        request,
        db,
        lambda: sampling.add_meeting(
            db,
            panel,
            title,
            form_date(meeting_date, "meeting date"),
            form_date(period_from, "period start"),
            form_date(period_to, "period end"),
            user.id,
        ),
        sampling.SamplingError,
        f"/scrutiny/panels/{panel_id}",
        lambda meeting: f"/scrutiny/meetings/{meeting.id}",
    )


@router.get("/scrutiny/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(
    request: Request, meeting_id: RecordId, db: DB, user: User = ANY_STAFF
) -> HTMLResponse:
    """A meeting: its sample, each record's review progress, and the coordinator's actions."""
    meeting = meeting_for(db, user, meeting_id)
    sample = sampling.sample_of(db, meeting_id)
    return render(
        request,
        "scrutiny/meeting.html",
        {
            "meeting": meeting,
            "sample": sample,
            "sample_info": sampling.sample_info(sample) if sample else None,
            "strata_summary": sampling.summarise_sample(sample) if sample else [],
            "items": queries.review_progress(db, sample, user.id) if sample is not None else [],
            "strata_help": sampling.STRATA_HELP,
            "can_read_report": user.role in REPORT_READERS,
        },
    )


@router.post("/scrutiny/meetings/{meeting_id}/sample", response_model=None)
def draw(
    request: Request,
    meeting_id: RecordId,
    db: DB,
    user: User = COORDINATOR,
    design: Annotated[str, Form(max_length=16)] = "simple",
    size: Annotated[str, Form(max_length=6)] = "",
    strata: Annotated[str, Form(max_length=500)] = "",
    seed: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Draw the meeting's sample (its coordinator)."""
    meeting = meeting_for(db, user, meeting_id)
    try:
        n = int(size) if size.strip() else None
        chosen_seed = int(seed) if seed.strip() else None
    except ValueError:
        return bad_request(
            request, "size and seed must be whole numbers", f"/scrutiny/meetings/{meeting_id}"
        )

    def draw_it() -> None:
        spec = sampling.parse_strata(strata) if design == "stratified" else None
        sampling.draw_sample(db, meeting, design, n, spec, chosen_seed, user.id)

    back = f"/scrutiny/meetings/{meeting_id}"
    return change_or_explain(request, db, draw_it, sampling.SamplingError, back, back)


@router.post("/scrutiny/meetings/{meeting_id}/close", response_model=None)
def close(request: Request, meeting_id: RecordId, db: DB, user: User = COORDINATOR) -> Response:
    """Close the meeting: reviews are frozen (its coordinator)."""
    meeting = meeting_for(db, user, meeting_id)
    back = f"/scrutiny/meetings/{meeting_id}"

    def close_it() -> None:
        reviews.close_meeting(db, meeting, user.id)

    return change_or_explain(request, db, close_it, reviews.ReviewError, back, back)
