"""Scrutiny panels, their meetings and samples: the panel list, a panel's page and trends,
creating panels, members and meetings, drawing and closing a meeting's sample."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from openpeel.reference.forces import forces
from openpeel.scrutiny import queries, report, reviews, sampling, users
from openpeel.scrutiny.models import Meeting, Panel, User
from openpeel.web.forms import MeetingForm, MemberForm, PanelForm, SampleForm
from openpeel.web.rendering import render
from openpeel.web.scrutiny_access import (
    ADMIN,
    ADMIN_PANEL,
    ANY_STAFF,
    COORDINATOR,
    COORDINATOR_MEETING,
    COORDINATOR_PANEL,
    DB,
    REPORT_READERS,
    STAFF_MEETING,
    STAFF_PANEL,
    bad_request,
    change_or_explain,
    form_date,
    router,
)


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
    request: Request, db: DB, form: Annotated[PanelForm, Form()], user: User = ADMIN
) -> Response:
    """Create a panel (administrator)."""
    return change_or_explain(
        request,
        db,
        lambda: users.add_panel(db, form.name, form.force_id, user.id),
        users.UserError,
        "/scrutiny",
        lambda panel: f"/scrutiny/panels/{panel.id}",
    )


@router.get("/scrutiny/panels/{panel_id}", response_class=HTMLResponse)
def panel_page(
    request: Request, db: DB, user: User = ANY_STAFF, panel: Panel = STAFF_PANEL
) -> HTMLResponse:
    """A panel: its meetings and members."""
    candidates = queries.member_candidates(db) if user.role == "administrator" else []
    return render(
        request,
        "scrutiny/panel.html",
        {
            "panel": panel,
            "meetings": queries.panel_meetings(db, panel.id),
            "members": queries.panel_members(db, panel.id),
            "candidates": candidates,
        },
    )


@router.post("/scrutiny/panels/{panel_id}/members", response_model=None)
def add_panel_member(
    request: Request,
    db: DB,
    form: Annotated[MemberForm, Form()],
    user: User = ADMIN,
    panel: Panel = ADMIN_PANEL,
) -> Response:
    """Attach a user to a panel (administrator)."""
    back = f"/scrutiny/panels/{panel.id}"
    return change_or_explain(
        request,
        db,
        lambda: users.add_member(db, panel, users.get_user(db, form.username), user.id),
        users.UserError,
        back,
        back,
    )


@router.get("/scrutiny/panels/{panel_id}/trends", response_class=HTMLResponse)
def panel_trends(request: Request, db: DB, panel: Panel = STAFF_PANEL) -> HTMLResponse:
    """Shares across the panel's meetings (aggregates only)."""
    rows = report.trends(db, panel.id)
    context = {"panel": panel, "rows": rows, "measures": report.MEASURES}
    return render(request, "scrutiny/trends.html", context)


@router.post("/scrutiny/panels/{panel_id}/meetings", response_model=None)
def create_meeting(
    request: Request,
    db: DB,
    form: Annotated[MeetingForm, Form()],
    user: User = COORDINATOR,
    panel: Panel = COORDINATOR_PANEL,
) -> Response:
    """Create a meeting of a panel (its coordinator)."""
    return change_or_explain(
        request,
        db,
        lambda: sampling.add_meeting(
            db,
            panel,
            form.title,
            form_date(form.meeting_date, "meeting date"),
            form_date(form.period_from, "period start"),
            form_date(form.period_to, "period end"),
            user.id,
        ),
        sampling.SamplingError,
        f"/scrutiny/panels/{panel.id}",
        lambda meeting: f"/scrutiny/meetings/{meeting.id}",
    )


@router.get("/scrutiny/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(
    request: Request, db: DB, user: User = ANY_STAFF, meeting: Meeting = STAFF_MEETING
) -> HTMLResponse:
    """A meeting: its sample, each record's review progress, and the coordinator's actions."""
    sample = sampling.sample_of(db, meeting.id)
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
    db: DB,
    form: Annotated[SampleForm, Form()],
    user: User = COORDINATOR,
    meeting: Meeting = COORDINATOR_MEETING,
) -> Response:
    """Draw the meeting's sample (its coordinator)."""
    back = f"/scrutiny/meetings/{meeting.id}"
    try:
        n = int(form.size) if form.size.strip() else None
        chosen_seed = int(form.seed) if form.seed.strip() else None
    except ValueError:
        return bad_request(request, "size and seed must be whole numbers", back)

    def draw_it() -> None:
        spec = sampling.parse_strata(form.strata) if form.design == "stratified" else None
        sampling.draw_sample(db, meeting, form.design, n, spec, chosen_seed, user.id)

    return change_or_explain(request, db, draw_it, sampling.SamplingError, back, back)


@router.post("/scrutiny/meetings/{meeting_id}/close", response_model=None)
def close(
    request: Request,
    db: DB,
    user: User = COORDINATOR,
    meeting: Meeting = COORDINATOR_MEETING,
) -> Response:
    """Close the meeting: reviews are frozen (its coordinator)."""
    back = f"/scrutiny/meetings/{meeting.id}"

    def close_it() -> None:
        reviews.close_meeting(db, meeting, user.id)

    return change_or_explain(request, db, close_it, reviews.ReviewError, back, back)
