"""Login, logout and password change."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from openpeel.scrutiny import audit
from openpeel.scrutiny.models import User
from openpeel.scrutiny.users import UserError, authenticate, set_password
from openpeel.web.forms import LoginForm, PasswordForm
from openpeel.web.rendering import render
from openpeel.web.security import (
    ANON_COOKIE,
    SESSION_COOKIE,
    client_key,
    end_session,
    get_db,
    login_wait_seconds,
    new_token,
    note_login,
    protected_router,
    require,
    safe_next,
    start_session,
    wait_text,
)

router = protected_router()
DB = Annotated[Session, Depends(get_db)]
ANY_USER = Depends(require())


def _set(request: Request, response: Response, name: str, value: str) -> None:
    from openpeel.web.app import set_cookie

    set_cookie(request, response, name, value)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/scrutiny") -> HTMLResponse:
    """The login page (rendered on the event loop: it never waits for a worker thread that
    busy pages may hold)."""
    return render(request, "login.html", {"next": safe_next(next), "show_feedback": False})


@router.post("/login")
def login(request: Request, db: DB, form: Annotated[LoginForm, Form()]) -> Response:
    """Check the password (rate-limited); on success start a new session."""
    name = form.username.strip().lower()[:64]
    client = client_key(request)
    context = {"next": safe_next(form.next), "username": name, "show_feedback": False}
    wait = login_wait_seconds(db, name, client)
    if wait:
        return render(
            request,
            "login.html",
            {**context, "error": f"Too many failed attempts: {wait_text(wait)}."},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    user = authenticate(db, name, form.password)
    note_login(db, name, client, user is not None)
    if user is None:
        db.commit()
        return render(
            request,
            "login.html",
            {**context, "error": "Wrong username or password."},
            status_code=401,
        )
    token = start_session(db, user, request.state.session_token)
    audit.record(db, user.id, "login", "user", user.id, {})
    db.commit()
    target = safe_next(form.next)
    if target == "/scrutiny" and user.role == "auditor":
        target = "/staff/audits"  # auditors have no scrutiny pages: their work is the audits
    response = RedirectResponse(target, status_code=303)
    _set(request, response, SESSION_COOKIE, token)
    _set(request, response, ANON_COOKIE, new_token())
    request.state.cookie_set = True
    request.state.anon_cookie_set = True
    return response


@router.post("/logout")
def logout(request: Request, db: DB, user: User = ANY_USER) -> Response:
    """End the session."""
    end_session(db, request.state.session_token)
    audit.record(db, user.id, "logout", "user", user.id, {})
    db.commit()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    request.state.cookie_set = True
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, user: User = ANY_USER) -> HTMLResponse:
    """The password change page."""
    return render(request, "password.html", {"show_feedback": False})


@router.post("/account/password", response_model=None)
def change_password(
    request: Request, db: DB, form: Annotated[PasswordForm, Form()], user: User = ANY_USER
) -> Response:
    """Change the password; every other session of the user ends (``set_password``) and this
    one is renewed."""
    error = None
    fresh = db.get(User, user.id)
    assert fresh is not None
    client = client_key(request)
    wait = login_wait_seconds(db, fresh.username, client)
    if wait:
        return render(
            request,
            "password.html",
            {"error": f"Too many failed attempts: {wait_text(wait)}.", "show_feedback": False},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    if authenticate(db, fresh.username, form.current) is None:
        # A wrong current password counts as a failed login (no guessing through this form).
        note_login(db, fresh.username, client, False)
        db.commit()
        error = "The current password is wrong."
    elif form.new != form.confirm:
        error = "The new passwords differ."
    else:
        try:
            set_password(db, fresh, form.new, fresh.id)
        except UserError as err:
            error = str(err)
    if error:
        db.rollback()
        return render(
            request, "password.html", {"error": error, "show_feedback": False}, status_code=400
        )
    token = start_session(db, fresh, None)
    db.commit()
    response = RedirectResponse("/scrutiny?changed=1", status_code=303)
    _set(request, response, SESSION_COOKIE, token)
    request.state.cookie_set = True
    return response
