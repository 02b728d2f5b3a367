"""Scrutiny pages under /scrutiny (panels, meetings, samples, reviews, reports), the record
import and user administration for administrators, and the public panel summaries.

Every route names the roles it admits (``require``); routes about a panel, meeting or record also
check that the user belongs to that panel, and answer 404 otherwise so ids cannot be probed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpeel.reference.forces import forces
from openpeel.scrutiny import audit, export, records, report, reviews, sampling, users
from openpeel.scrutiny.models import (
    GOWISELY,
    ROLES,
    ImportRun,
    LiaisonResponse,
    Meeting,
    Panel,
    PanelMembership,
    Review,
    SampleItem,
    User,
)
from openpeel.web.rendering import render
from openpeel.web.security import get_db, protected_router, require

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


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="Not found.")


def _panel(db: Session, user: User, panel_id: int) -> Panel:
    panel = db.get(Panel, panel_id)
    if panel is None or not users.can_see_panel(db, user, panel_id):
        raise _not_found()
    return panel


def _meeting(db: Session, user: User, meeting_id: int) -> Meeting:
    meeting = db.get(Meeting, meeting_id)
    if meeting is None or not users.can_see_panel(db, user, meeting.panel_id):
        raise _not_found()
    return meeting


def _item(db: Session, user: User, item_id: int) -> tuple[SampleItem, Meeting]:
    item = db.get(SampleItem, item_id)
    if item is None:
        raise _not_found()
    meeting = reviews.meeting_of_item(db, item)
    if not users.can_see_panel(db, user, meeting.panel_id):
        raise _not_found()
    return item, meeting


def _bad(request: Request, message: str, back: str) -> HTMLResponse:
    return render(
        request, "error.html", {"status": 400, "message": message, "back": back}, status_code=400
    )


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise sampling.SamplingError(f"{name} is not a date (YYYY-MM-DD)") from None


# ---- panels ---------------------------------------------------------------------------------


@router.get("/scrutiny", response_class=HTMLResponse)
def scrutiny_home(request: Request, db: DB, user: User = ANY_STAFF) -> HTMLResponse:
    """The panels this user may see."""
    ids = users.visible_panel_ids(db, user)
    query = select(Panel).order_by(Panel.name)
    if ids is not None:
        query = query.where(Panel.id.in_(ids))
    panels = db.scalars(query).all()
    return render(
        request,
        "scrutiny/home.html",
        {
            "panels": panels,
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
    try:
        panel = users.add_panel(db, name, force_id, user.id)
    except users.UserError as err:
        db.rollback()
        return _bad(request, str(err), "/scrutiny")
    db.commit()
    return RedirectResponse(f"/scrutiny/panels/{panel.id}", status_code=303)


@router.get("/scrutiny/panels/{panel_id}", response_class=HTMLResponse)
def panel_page(request: Request, panel_id: int, db: DB, user: User = ANY_STAFF) -> HTMLResponse:
    """A panel: its meetings and members."""
    panel = _panel(db, user, panel_id)
    meetings = db.scalars(
        select(Meeting).where(Meeting.panel_id == panel_id).order_by(Meeting.meeting_date.desc())
    ).all()
    members = db.scalars(
        select(User)
        .join(PanelMembership, PanelMembership.user_id == User.id)
        .where(PanelMembership.panel_id == panel_id)
        .order_by(User.role, User.username)
    ).all()
    candidates = (
        db.scalars(
            select(User)
            .where(User.role.in_(("panel_coordinator", "panel_member", "force_liaison")))
            .order_by(User.username)
        ).all()
        if user.role == "administrator"
        else []
    )
    return render(
        request,
        "scrutiny/panel.html",
        {"panel": panel, "meetings": meetings, "members": members, "candidates": candidates},
    )


@router.post("/scrutiny/panels/{panel_id}/members", response_model=None)
def add_panel_member(
    request: Request,
    panel_id: int,
    db: DB,
    user: User = ADMIN,
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Attach a user to a panel (administrator)."""
    panel = _panel(db, user, panel_id)
    try:
        users.add_member(db, panel, users.get_user(db, username), user.id)
    except users.UserError as err:
        db.rollback()
        return _bad(request, str(err), f"/scrutiny/panels/{panel_id}")
    db.commit()
    return RedirectResponse(f"/scrutiny/panels/{panel_id}", status_code=303)


@router.get("/scrutiny/panels/{panel_id}/trends", response_class=HTMLResponse)
def panel_trends(request: Request, panel_id: int, db: DB, user: User = ANY_STAFF) -> HTMLResponse:
    """Shares across the panel's meetings (aggregates only)."""
    panel = _panel(db, user, panel_id)
    return render(
        request,
        "scrutiny/trends.html",
        {"panel": panel, "rows": report.trends(db, panel_id), "measures": report.MEASURES},
    )


# ---- meetings and samples -------------------------------------------------------------------


@router.post("/scrutiny/panels/{panel_id}/meetings", response_model=None)
def create_meeting(
    request: Request,
    panel_id: int,
    db: DB,
    user: User = COORDINATOR,
    title: Annotated[str, Form(max_length=200)] = "",
    meeting_date: Annotated[str, Form(max_length=10)] = "",
    period_from: Annotated[str, Form(max_length=10)] = "",
    period_to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Create a meeting of a panel (its coordinator)."""
    panel = _panel(db, user, panel_id)
    try:
        meeting = sampling.add_meeting(
            db,
            panel,
            title,
            _date(meeting_date, "meeting date"),
            _date(period_from, "period start"),
            _date(period_to, "period end"),
            user.id,
        )
    except sampling.SamplingError as err:
        db.rollback()
        return _bad(request, str(err), f"/scrutiny/panels/{panel_id}")
    db.commit()
    return RedirectResponse(f"/scrutiny/meetings/{meeting.id}", status_code=303)


@router.get("/scrutiny/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(request: Request, meeting_id: int, db: DB, user: User = ANY_STAFF) -> HTMLResponse:
    """A meeting: its sample, each record's review progress, and the coordinator's actions."""
    meeting = _meeting(db, user, meeting_id)
    sample = sampling.sample_of(db, meeting_id)
    items: list[dict[str, Any]] = []
    if sample is not None:
        counts = dict(
            db.execute(
                select(Review.item_id, func.count(Review.id))
                .join(SampleItem, SampleItem.id == Review.item_id)
                .where(SampleItem.sample_id == sample.id)
                .group_by(Review.item_id)
            ).all()
        )
        mine = {
            r.item_id: r.rag
            for r in db.scalars(
                select(Review)
                .join(SampleItem, SampleItem.id == Review.item_id)
                .where(SampleItem.sample_id == sample.id, Review.reviewer_id == user.id)
            )
        }
        for item in sample.items:
            items.append(
                {
                    "item": item,
                    "record": item.record,
                    "reviews": counts.get(item.id, 0),
                    "my_grade": mine.get(item.id),
                }
            )
    return render(
        request,
        "scrutiny/meeting.html",
        {
            "meeting": meeting,
            "sample": sample,
            "sample_info": sampling.sample_info(sample) if sample else None,
            "strata_summary": sampling.summarise_sample(sample) if sample else [],
            "items": items,
            "strata_help": sampling.STRATA_HELP,
            "can_read_report": user.role in REPORT_READERS,
        },
    )


@router.post("/scrutiny/meetings/{meeting_id}/sample", response_model=None)
def draw(
    request: Request,
    meeting_id: int,
    db: DB,
    user: User = COORDINATOR,
    design: Annotated[str, Form(max_length=16)] = "simple",
    size: Annotated[str, Form(max_length=6)] = "",
    strata: Annotated[str, Form(max_length=500)] = "",
    seed: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Draw the meeting's sample (its coordinator)."""
    meeting = _meeting(db, user, meeting_id)
    try:
        n = int(size) if size.strip() else None
        chosen_seed = int(seed) if seed.strip() else None
    except ValueError:
        return _bad(
            request, "size and seed must be whole numbers", f"/scrutiny/meetings/{meeting_id}"
        )
    try:
        spec = sampling.parse_strata(strata) if design == "stratified" else None
        sampling.draw_sample(db, meeting, design, n, spec, chosen_seed, user.id)
    except sampling.SamplingError as err:
        db.rollback()
        return _bad(request, str(err), f"/scrutiny/meetings/{meeting_id}")
    db.commit()
    return RedirectResponse(f"/scrutiny/meetings/{meeting_id}", status_code=303)


@router.post("/scrutiny/meetings/{meeting_id}/close", response_model=None)
def close(request: Request, meeting_id: int, db: DB, user: User = COORDINATOR) -> Response:
    """Close the meeting: reviews are frozen (its coordinator)."""
    meeting = _meeting(db, user, meeting_id)
    try:
        reviews.close_meeting(db, meeting, user.id)
    except reviews.ReviewError as err:
        db.rollback()
        return _bad(request, str(err), f"/scrutiny/meetings/{meeting_id}")
    db.commit()
    return RedirectResponse(f"/scrutiny/meetings/{meeting_id}", status_code=303)


# ---- records and reviews --------------------------------------------------------------------


@router.get("/scrutiny/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int, db: DB, user: User = ANY_STAFF) -> HTMLResponse:
    """A sampled record with the member's review form (or the liaison's response form)."""
    item, meeting = _item(db, user, item_id)
    mine = db.scalar(select(Review).where(Review.item_id == item.id, Review.reviewer_id == user.id))
    all_reviews = reviews.reviews_of_item(db, item.id) if user.role in REPORT_READERS else []
    reviewer_names = {
        u.id: u.display_name
        for u in db.scalars(select(User).where(User.id.in_([r.reviewer_id for r in all_reviews])))
    }
    response = db.scalar(select(LiaisonResponse).where(LiaisonResponse.item_id == item.id))
    return render(
        request,
        "scrutiny/item.html",
        {
            "item": item,
            "record": item.record,
            "meeting": meeting,
            "review": mine,
            "all_reviews": all_reviews,
            "reviewer_names": reviewer_names,
            "gowisely": GOWISELY,
            "choices": reviews.CHOICES,
            "is_red": reviews.is_red(db, item.id),
            "response": response,
            "saved": "saved" in request.query_params,
        },
    )


@router.post("/scrutiny/items/{item_id}/review", response_model=None)
async def submit_review(request: Request, item_id: int, user: User = MEMBER) -> Response:
    """Store the member's review (one per member per record; audited)."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_save_review, request, item_id, user, values)


def _save_review(request: Request, item_id: int, user: User, form: dict[str, str]) -> Response:
    with request.app.state.sessions() as db:
        item, _meeting = _item(db, user, item_id)
        try:
            review = reviews.submit_review(db, item, user, form)
            db.commit()
        except reviews.ReviewError as err:
            db.rollback()
            if request.headers.get("HX-Request"):
                return render(request, "scrutiny/_saved.html", {"error": str(err)})
            return _bad(request, str(err), f"/scrutiny/items/{item_id}")
        if request.headers.get("HX-Request"):
            return render(request, "scrutiny/_saved.html", {"review": review})
        return RedirectResponse(f"/scrutiny/items/{item_id}?saved=1", status_code=303)


@router.post("/scrutiny/items/{item_id}/response", response_model=None)
def liaison_response(
    request: Request,
    item_id: int,
    db: DB,
    user: User = LIAISON,
    response: Annotated[str, Form(max_length=reviews.MAX_COMMENT_CHARS)] = "",
) -> Response:
    """Record the force's response to a record graded red (force liaison of the panel)."""
    item, _meeting_found = _item(db, user, item_id)
    try:
        reviews.respond(db, item, user, response)
    except reviews.ReviewError as err:
        db.rollback()
        return _bad(request, str(err), f"/scrutiny/items/{item_id}")
    db.commit()
    return RedirectResponse(f"/scrutiny/items/{item_id}?saved=1", status_code=303)


# ---- reports --------------------------------------------------------------------------------


@router.get("/scrutiny/meetings/{meeting_id}/report", response_class=HTMLResponse)
def report_page(request: Request, meeting_id: int, db: DB, user: User = READERS) -> HTMLResponse:
    """The panel report: weighted shares by group, red records and the force's responses."""
    meeting = _meeting(db, user, meeting_id)
    built = report.build_report(db, meeting)
    return render(
        request,
        "scrutiny/report.html",
        {
            "meeting": meeting,
            "report": built,
            "measures": report.MEASURES,
            "groupings": report.GROUPINGS,
            "small_cell": report.SMALL_CELL,
        },
    )


def _download(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/scrutiny/meetings/{meeting_id}/report.csv")
def report_csv(meeting_id: int, db: DB, user: User = READERS) -> Response:
    """The published summary as CSV."""
    built = report.build_report(db, _meeting(db, user, meeting_id))
    return _download(
        export.summary_csv(built), "text/csv; charset=utf-8", f"meeting-{meeting_id}.csv"
    )


@router.get("/scrutiny/meetings/{meeting_id}/report.html")
def report_html(meeting_id: int, db: DB, user: User = READERS) -> Response:
    """The published summary as one self-contained HTML file."""
    built = report.build_report(db, _meeting(db, user, meeting_id))
    return _download(
        export.summary_html(built), "text/html; charset=utf-8", f"meeting-{meeting_id}.html"
    )


@router.get("/scrutiny/meetings/{meeting_id}/report.pdf")
def report_pdf(meeting_id: int, db: DB, user: User = READERS) -> Response:
    """The published summary as PDF."""
    built = report.build_report(db, _meeting(db, user, meeting_id))
    return _download(export.summary_pdf(built), "application/pdf", f"meeting-{meeting_id}.pdf")


@router.get("/scrutiny/meetings/{meeting_id}/audit", response_class=HTMLResponse)
def audit_page(request: Request, meeting_id: int, db: DB, user: User = AUDITORS) -> HTMLResponse:
    """Who changed what in this meeting, when."""
    meeting = _meeting(db, user, meeting_id)
    entries = audit.entries(db, meeting_id=meeting_id)
    names = {u.id: u.username for u in db.scalars(select(User))}
    sample = sampling.sample_of(db, meeting_id)
    return render(
        request,
        "scrutiny/audit.html",
        {
            "meeting": meeting,
            "entries": entries,
            "names": names,
            "sample_info": sampling.sample_info(sample) if sample else None,
            "reproduces": sampling.verify_sample(db, sample) if sample else None,
        },
    )


# ---- public summaries -----------------------------------------------------------------------


@router.get("/summaries", response_class=HTMLResponse)
def summaries(request: Request, db: DB) -> HTMLResponse:
    """Published summaries of closed meetings (public: aggregates only)."""
    closed = db.scalars(
        select(Meeting).where(Meeting.status == "closed").order_by(Meeting.meeting_date.desc())
    ).all()
    return render(request, "summaries.html", {"meetings": closed})


@router.get("/summaries/{meeting_id}", response_class=HTMLResponse)
def summary_page(request: Request, meeting_id: int, db: DB) -> HTMLResponse:
    """One published summary (public: aggregates only, small cells suppressed)."""
    meeting = db.get(Meeting, meeting_id)
    if meeting is None or meeting.status != "closed":
        raise _not_found()
    built = report.build_report(db, meeting)
    return render(
        request,
        "summary.html",
        {
            "report": built,
            "measures": report.MEASURES,
            "groupings": report.GROUPINGS,
            "small_cell": report.SMALL_CELL,
        },
    )


@router.get("/summaries/{meeting_id}/summary.csv")
def summary_csv(meeting_id: int, db: DB) -> Response:
    """One published summary as CSV (public)."""
    meeting = db.get(Meeting, meeting_id)
    if meeting is None or meeting.status != "closed":
        raise _not_found()
    built = report.build_report(db, meeting)
    return _download(
        export.summary_csv(built), "text/csv; charset=utf-8", f"summary-{meeting_id}.csv"
    )


# ---- records import and users (administrators) ----------------------------------------------


@router.get("/scrutiny/records", response_class=HTMLResponse)
def records_page(request: Request, db: DB, user: User = RECORD_VIEWERS) -> HTMLResponse:
    """Imports of force-internal records: rows read, loaded, rejected."""
    runs = db.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(50)).all()
    return render(request, "scrutiny/records.html", {"runs": runs, "result": None})


@router.post("/scrutiny/records/import", response_model=None)
async def import_records(
    request: Request, user: User = ADMIN, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    """Import an uploaded CSV of force-internal records (administrator)."""
    if file is None:
        return _bad(request, "choose a CSV file", "/scrutiny/records")
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _bad(
            request,
            "the file is larger than 20 MB: use `openpeel scrutiny import`",
            "/scrutiny/records",
        )
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_import, request, user, data, file.filename or "upload.csv")


def _import(request: Request, user: User, data: bytes, filename: str) -> Response:
    with request.app.state.sessions() as db:
        try:
            text = data.decode("utf-8")
            result = records.import_text(db, text, filename)
            audit.record(
                db, user.id, "import", "import_run", result.import_run_id, result.as_dict()
            )
            db.commit()
        except UnicodeDecodeError:
            return _bad(request, f"{filename}: not UTF-8 text", "/scrutiny/records")
        except records.RecordsFileError as err:
            db.rollback()
            return _bad(request, str(err), "/scrutiny/records")
        runs = db.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(50)).all()
        return render(request, "scrutiny/records.html", {"runs": runs, "result": result.as_dict()})


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, db: DB, user: User = ADMIN) -> HTMLResponse:
    """Users and their roles (administrator)."""
    return render(request, "admin_users.html", {"users": users.list_users(db), "roles": ROLES})


@router.post("/admin/users", response_model=None)
def create_user(
    request: Request,
    db: DB,
    user: User = ADMIN,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Create a user (administrator)."""
    try:
        users.add_user(db, username, password, role, display_name or None, user.id)
    except users.UserError as err:
        db.rollback()
        return _bad(request, str(err), "/admin/users")
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)
