"""Administration: imports of force-internal records (upload and history) and users."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from openpeel.scrutiny import audit, queries, records, users
from openpeel.scrutiny.models import ROLES, User
from openpeel.web.forms import UserForm
from openpeel.web.rendering import render
from openpeel.web.scrutiny_access import (
    ADMIN,
    DB,
    MAX_UPLOAD_BYTES,
    RECORD_VIEWERS,
    bad_request,
    change_or_explain,
    router,
)


@router.get("/scrutiny/records", response_class=HTMLResponse)
def records_page(request: Request, db: DB, user: User = RECORD_VIEWERS) -> HTMLResponse:
    """Imports of force-internal records: rows read, loaded, rejected."""
    runs = queries.recent_imports(db)
    return render(request, "scrutiny/records.html", {"runs": runs, "result": None})


@router.post("/scrutiny/records/import", response_model=None)
async def import_records(
    request: Request, user: User = ADMIN, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    """Import an uploaded CSV of force-internal records (administrator)."""
    if file is None:
        return bad_request(request, "choose a CSV file", "/scrutiny/records")
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return bad_request(
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
            return bad_request(request, f"{filename}: not UTF-8 text", "/scrutiny/records")
        except records.RecordsFileError as err:
            db.rollback()
            return bad_request(request, str(err), "/scrutiny/records")
        runs = queries.recent_imports(db)
        return render(request, "scrutiny/records.html", {"runs": runs, "result": result.as_dict()})


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, db: DB, user: User = ADMIN) -> HTMLResponse:
    """Users and their roles (administrator)."""
    return render(request, "admin_users.html", {"users": users.list_users(db), "roles": ROLES})


@router.post("/admin/users", response_model=None)
def create_user(
    request: Request, db: DB, form: Annotated[UserForm, Form()], user: User = ADMIN
) -> Response:
    """Create a user (administrator)."""
    return change_or_explain(
        request,
        db,
        lambda: users.add_user(
            db, form.username, form.password, form.role, form.display_name or None, user.id
        ),
        users.UserError,
        "/admin/users",
        "/admin/users",
    )
