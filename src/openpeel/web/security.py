"""Sessions, CSRF tokens, roles and login rate limiting for the web app.

- The session cookie holds a random token; the database keeps only its SHA-256, so a leaked
  table does not give away live sessions. A new token is issued at every login and password
  change (no session fixation) and deleted at logout.
- Visitors who are not logged in get an ``anon`` cookie with a random token; CSRF tokens are an
  HMAC of the session (or anon) token under a secret kept in the database, so every form of a
  session carries the same token and a token from another session is refused.
- Every POST of every router built with ``protected_router`` checks the CSRF token.
- Roles are checked server-side on every route with ``require``; panel-scoped pages also check
  panel membership (``openpeel.scrutiny.users.can_see_panel``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from openpeel.scrutiny.models import AppSecret, LoginAttempt, User, WebSession, utcnow

SESSION_COOKIE = "openpeel_session"
ANON_COOKIE = "openpeel_anon"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_LIFETIME = timedelta(hours=8)
#: Login throttling: failures allowed before each try must wait, and how long the first wait
#: is (it doubles with every further failure, up to the cap). Counted per username and client
#: together (a guesser's own tries), per client (one client trying many names) and, far more
#: loosely, per username from everywhere (a guesser spread over many addresses): nobody can lock
#: a user out from another address.
LOGIN_FREE_FAILURES = {"pair": 5, "client": 20, "account": 50}
LOGIN_FIRST_WAIT = {"pair": 30.0, "client": 30.0, "account": 1.0}
LOGIN_MAX_WAIT = {"pair": 900.0, "client": 900.0, "account": 60.0}
LOGIN_WINDOW = timedelta(minutes=15)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """An anonymous visitor asked for a page that needs a login."""


def load_secret(session: Session, name: str = "web") -> str:
    """The named secret, generated and stored on first use."""
    found = session.get(AppSecret, name)
    if found is None:
        found = AppSecret(name=name, value=secrets.token_urlsafe(48))
        session.add(found)
        session.commit()
    return found.value


def token_hash(token: str) -> str:
    """SHA-256 of a session token (what the database stores)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token for a cookie."""
    return secrets.token_urlsafe(32)


def sign(secret: str, message: str) -> str:
    """HMAC-SHA256 of a message under the app secret."""
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def client_address(request: Request) -> str:
    """The client's address: the connection's peer, unless the peer is a trusted reverse proxy
    (setting ``trusted_proxies``), in which case the nearest address in ``X-Forwarded-For`` that
    is not itself a trusted proxy. An untrusted peer's ``X-Forwarded-For`` is ignored (anyone
    can send one)."""
    peer = request.client.host if request.client else "unknown"
    trusted: frozenset[str] = getattr(request.app.state, "trusted_proxies", frozenset())
    if peer not in trusted:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
    hops = [h for h in hops if h]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return hops[0] if hops else peer


def client_key(request: Request) -> str:
    """A keyed hash of the client address (rate limits without storing the address)."""
    return sign(request.app.state.secret, "client:" + client_address(request))[:32]


def csrf_token(request: Request) -> str:
    """The CSRF token of this request's session (or anonymous visitor)."""
    state = request.state
    session_token = getattr(state, "session_token", None)
    if session_token:
        return sign(request.app.state.secret, "csrf-session:" + session_token)
    anon = getattr(state, "anon_token", None) or ""
    return sign(request.app.state.secret, "csrf-anon:" + anon)


async def csrf_protect(request: Request) -> None:
    """Refuse an unsafe request whose CSRF token is missing or wrong (403)."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not getattr(request.state, "session_token", None) and not getattr(
        request.state, "anon_token_from_cookie", False
    ):
        raise HTTPException(status_code=403, detail="Form expired: reload the page and try again.")
    if not sent or not hmac.compare_digest(sent, csrf_token(request)):
        raise HTTPException(status_code=403, detail="Form expired: reload the page and try again.")


def protected_router(**kwargs: Any) -> APIRouter:
    """A router whose every unsafe request is CSRF-checked, and whose every query and form value
    is checked for control characters and length (``openpeel.web.inputs``)."""
    from openpeel.web.inputs import clean_input

    return APIRouter(dependencies=[Depends(csrf_protect), Depends(clean_input)], **kwargs)


def get_db(request: Request) -> Iterator[Session]:
    """A database session for one request (the route commits what it changes)."""
    with request.app.state.sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


def current_user(request: Request) -> User | None:
    """The logged-in user, or None for the public."""
    user = getattr(request.state, "user", None)
    return user if isinstance(user, User) else None


def require(*roles: str) -> Callable[[Request], User]:
    """A dependency that lets through only logged-in users with one of ``roles``."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise LoginRequired()
        if roles and user.role not in roles:
            raise HTTPException(status_code=403, detail="Your role does not allow this page.")
        return user

    dependency.roles = roles  # type: ignore[attr-defined]
    return dependency


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user of a live session token, else None."""
    now = now or utcnow()
    row = session.scalar(select(WebSession).where(WebSession.token_sha256 == token_hash(token)))
    if row is None or row.expires_at < now or not row.user.is_active:
        return None
    session.expunge(row.user)
    return row.user


def start_session(session: Session, user: User, old_token: str | None) -> str:
    """Issue a new session token for ``user``, discarding the old one (rotation)."""
    if old_token:
        end_session(session, old_token)
    token = new_token()
    session.add(
        WebSession(
            token_sha256=token_hash(token), user_id=user.id, expires_at=utcnow() + SESSION_LIFETIME
        )
    )
    session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
    return token


def end_session(session: Session, token: str) -> None:
    """Delete a session (logout)."""
    session.execute(delete(WebSession).where(WebSession.token_sha256 == token_hash(token)))


def login_wait_seconds(
    session: Session, username: str, client: str, now: datetime | None = None
) -> int:
    """Seconds before this client may try this username again (0: now). Failures within
    ``LOGIN_WINDOW`` since the last success count; past the free ones, each try waits
    ``LOGIN_FIRST_WAIT`` after the latest failure, doubled per further failure (back-off, not
    a lock: the wait ends by itself, and another client is not held up by this one)."""
    now = now or utcnow()
    since = now - LOGIN_WINDOW
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.client_key == client,
            LoginAttempt.succeeded.is_(True),
        )
    )
    scopes = {
        "pair": (
            LoginAttempt.username == username,
            LoginAttempt.client_key == client,
            LoginAttempt.at > max(since, last_success or since),
        ),
        "client": (LoginAttempt.client_key == client,),
        "account": (LoginAttempt.username == username,),
    }
    wait = 0.0
    for scope, conditions in scopes.items():
        count, latest = session.execute(
            select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
                *conditions, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
            )
        ).one()
        over = (count or 0) - LOGIN_FREE_FAILURES[scope]
        if over < 0 or latest is None:
            continue
        step = min(LOGIN_FIRST_WAIT[scope] * 2.0**over, LOGIN_MAX_WAIT[scope])
        wait = max(wait, step - (now - latest).total_seconds())
    return max(0, int(wait + 0.999))


def login_blocked(
    session: Session, username: str, client: str, now: datetime | None = None
) -> bool:
    """Whether this client must wait before trying this username again."""
    return login_wait_seconds(session, username, client, now) > 0


def wait_text(seconds: int) -> str:
    """'try again in 45 seconds' / 'in 4 minutes'."""
    if seconds < 120:
        return f"try again in {seconds} seconds"
    return f"try again in {(seconds + 59) // 60} minutes"


def note_login(session: Session, username: str, client: str, succeeded: bool) -> None:
    """Record a login attempt (and forget attempts older than a day)."""
    session.add(LoginAttempt(username=username[:64], client_key=client, succeeded=succeeded))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1)))


def safe_next(target: str | None) -> str:
    """A same-site path to go to after login (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/scrutiny"
    return target
