"""The web app factory: ``create_app`` wires the database, templates, security and routers.

Routers live one per area (``routes_auth``, ``routes_scrutiny`` gathering the scrutiny areas,
``routes_feedback``); a new area adds its module and one ``include_router`` line here. Pages
render through ``render`` (in ``rendering.py``), which gives every template the user, the CSRF
token, the navigation and the synthetic-data flag.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from openpeel.config import Workspace, workspace
from openpeel.database.engine import cached_engine, session_factory
from openpeel.database.migrate import require_schema
from openpeel.errors import UserInputError
from openpeel.provenance import SYNTHETIC_MARK
from openpeel.reference.forces import force_label
from openpeel.reference.vocabularies import code_name
from openpeel.report.summary import GRADE_MEANING
from openpeel.report.wording import plain
from openpeel.scrutiny.records import has_synthetic_records
from openpeel.web import (
    compute_pool,
    routes_assess,
    routes_audits,
    routes_auth,
    routes_feedback,
    routes_offenders,
    routes_overview,
    routes_peers,
    routes_public,
    routes_scrutiny,
    routes_stop_search,
    routes_vulnerability,
)
from openpeel.web.admission import (
    ClientLimiter,
    ServerBusy,
    Ticket,
    TooManyRequests,
    current_ticket,
)
from openpeel.web.rendering import pct, render, stratum_label
from openpeel.web.security import (
    ANON_COOKIE,
    SESSION_COOKIE,
    LoginRequired,
    client_key,
    load_secret,
    new_token,
    user_for_token,
)

#: Content Security Policy: scripts and styles only from this site (htmx is served locally).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SYNTHETIC_CACHE_SECONDS = 30.0
#: Longest pause before a 429 (the client would only ask again at once).
REFUSAL_PAUSE_SECONDS = 5
#: Pages whose views are computed from the lake (counted against a client's allowance).
DATA_PAGES = (
    "/overview",
    "/areas/",
    "/crime",
    "/calls",
    "/stop-search",
    "/data/",
    "/staff/",
    "/assess",
)

#: What the compute workers import when they start (what their computations need).
COMPUTE_MODULES = ("openpeel.web.routes_stop_search", "openpeel.report.panels")


def create_app(
    engine: Engine | None = None,
    database_url: str | None = None,
    data_dir: Path | None = None,
    https_only: bool = False,
    is_synthetic: bool | None = None,
    trusted_proxies: Sequence[str] | None = None,
    where: Workspace | None = None,
) -> FastAPI:
    """Build the app on a migrated database.

    Args:
        engine: the operational database engine (else one for ``database_url`` or the settings).
        database_url: SQLAlchemy URL used when no engine is given.
        data_dir: the data directory (default: the settings).
        https_only: mark cookies Secure even when the request looks like plain HTTP (behind a
            TLS-terminating proxy).
        is_synthetic: force the synthetic-data banner on or off; None asks the database.
        trusted_proxies: addresses of reverse proxies whose ``X-Forwarded-For`` names the
            client (default: the ``trusted_proxies`` setting; none).
        where: the workspace already resolved by the caller (``openpeel serve``); else one is
            resolved from ``data_dir`` and ``database_url`` over the environment.
    """
    if where is None:
        where = workspace(data_dir, database_url=database_url)
    if engine is None:
        engine = cached_engine(where.database_url)
    require_schema(engine)
    app = FastAPI(
        title="openpeel", docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan
    )
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.workspace = where
    app.state.data_dir = where.data_dir
    app.state.https_only = https_only
    app.state.synthetic_override = is_synthetic
    app.state.synthetic_cache = (0.0, False)
    if trusted_proxies is None:
        trusted_proxies = where.settings.trusted_proxy_addresses()
    app.state.trusted_proxies = frozenset(trusted_proxies)
    #: Each client's allowance of requests that need new computations (see admission.py).
    app.state.limiter = ClientLimiter()
    #: The worker processes computing the public pages' views (see compute_pool.py).
    compute_pool.pool().resize(where.settings.web_compute_processes)
    with app.state.sessions() as session:
        app.state.secret = load_secret(session)
    web = resources.files("openpeel.web")
    app.state.templates = Jinja2Templates(directory=str(web.joinpath("templates")))
    # The panels are the report's: one template shows a panel in both (report/_panel.html).
    app.state.templates.env.loader = jinja2.ChoiceLoader(
        [
            app.state.templates.env.loader,
            jinja2.PrefixLoader({"report": jinja2.PackageLoader("openpeel.report", "templates")}),
        ]
    )
    app.state.templates.env.globals["pct"] = pct
    app.state.templates.env.globals["synthetic_mark"] = SYNTHETIC_MARK
    app.state.templates.env.globals["grade_meaning"] = GRADE_MEANING
    app.state.templates.env.globals["force_label"] = force_label
    app.state.templates.env.filters["plain"] = plain
    app.state.templates.env.globals["code_name"] = code_name
    app.state.templates.env.globals["stratum_label"] = stratum_label
    app.state.templates.env.auto_reload = False  # templates ship with the package: no stat per use
    app.mount("/static", StaticFiles(directory=str(web.joinpath("static"))), name="static")

    @app.middleware("http")
    async def identify(request: Request, call_next: Any) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        request.state.user = None
        request.state.session_token = None
        if token:
            user = await run_in_threadpool(_lookup, app, token)
            if user is not None:
                request.state.user = user
                request.state.session_token = token
        anon = request.cookies.get(ANON_COOKIE)
        request.state.anon_token_from_cookie = bool(anon)
        request.state.anon_token = anon or new_token()
        fresh = _synthetic_cached(app)
        request.state.is_synthetic = (
            fresh if fresh is not None else await run_in_threadpool(_synthetic, app)
        )
        client = client_key(request)
        if request.url.path.startswith(DATA_PAGES):
            # A client over its allowance of new views is turned away before any work, and only
            # after a pause (which costs the app nothing but paces a client that asks again at
            # once); the views the caches hold wait until it is within it again. A flood of new
            # values from one client must not slow the app for everyone else.
            refused = app.state.limiter.refusal(client)
            if refused is not None:
                await asyncio.sleep(min(refused.retry_after_seconds, REFUSAL_PAUSE_SECONDS))
                return PlainTextResponse(
                    str(refused),
                    status_code=429,
                    headers={"Retry-After": str(refused.retry_after_seconds)},
                )
        ticket = Ticket(client, app.state.limiter)
        reset = current_ticket.set(ticket)
        try:
            response: Response = await call_next(request)
        finally:
            ticket.close()
            current_ticket.reset(reset)
        if not anon and not getattr(request.state, "anon_cookie_set", False):
            set_cookie(request, response, ANON_COOKIE, request.state.anon_token)
        if token and request.state.user is None and not getattr(request.state, "cookie_set", False):
            response.delete_cookie(SESSION_COOKIE, path="/")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.state.user is not None:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path if request.method == "GET" else "/scrutiny"
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Starlette's own (no route, wrong method) as well as FastAPI's: a browser gets a page.
        if request.headers.get("HX-Request"):
            return PlainTextResponse(str(exc.detail), status_code=exc.status_code)
        message = exc.detail
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no page at this address. The links at the top lead to every page."
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = "This address cannot be used that way."
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "message": message, "show_feedback": False},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # A record id no record can have (too large for the database, not a number) is a page
        # that does not exist.
        if any(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors()):
            return await http_error(
                request, StarletteHTTPException(status_code=404, detail="Not found.")
            )
        # The default answer echoes the input back as JSON: say which fields, not their values.
        fields = sorted({str(e.get("loc", ("", "?"))[-1]) for e in exc.errors()})
        message = "Some fields are missing, too long or of the wrong kind: " + ", ".join(fields)
        if request.headers.get("HX-Request"):
            return PlainTextResponse(message, status_code=400)
        return render(
            request,
            "error.html",
            {"status": 400, "message": message, "show_feedback": False},
            status_code=400,
        )

    @app.exception_handler(TooManyRequests)
    async def too_many(request: Request, exc: TooManyRequests) -> Response:
        await asyncio.sleep(min(exc.retry_after_seconds, REFUSAL_PAUSE_SECONDS))
        headers = {"Retry-After": str(exc.retry_after_seconds)}
        return await http_error(
            request, StarletteHTTPException(status_code=429, detail=str(exc), headers=headers)
        )

    @app.exception_handler(ServerBusy)
    async def busy(request: Request, exc: ServerBusy) -> Response:
        return await http_error(
            request,
            StarletteHTTPException(status_code=503, detail=str(exc), headers={"Retry-After": "5"}),
        )

    @app.exception_handler(UserInputError)
    async def user_input_error(request: Request, exc: UserInputError) -> Response:
        # A value the library refused on its way to the database (too long for its column, a
        # control character): the request's mistake, told in one line.
        message = str(exc).splitlines()[0] if str(exc) else "The request cannot be taken."
        return await http_error(request, StarletteHTTPException(status_code=400, detail=message))

    app.include_router(routes_vulnerability.router)
    app.include_router(routes_public.router)
    app.include_router(routes_auth.router)
    app.include_router(routes_scrutiny.router)
    app.include_router(routes_feedback.router)
    app.include_router(routes_overview.router)
    app.include_router(routes_stop_search.router)
    app.include_router(routes_peers.router)
    app.include_router(routes_assess.router)
    app.include_router(routes_offenders.router)
    app.include_router(routes_audits.router)
    return app


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # The compute workers start with the server, not with its first visitor.
    compute_pool.pool().warm(COMPUTE_MODULES)
    yield


def _lookup(app: FastAPI, token: str) -> Any:
    with app.state.sessions() as session:
        return user_for_token(session, token)


def _synthetic_cached(app: FastAPI) -> bool | None:
    """The synthetic flag when known without the database (override or fresh cache), else None:
    most requests then need no thread hop at all."""
    if app.state.synthetic_override is not None:
        return bool(app.state.synthetic_override)
    checked_at, value = app.state.synthetic_cache
    if time.monotonic() - checked_at < SYNTHETIC_CACHE_SECONDS:
        return bool(value)
    return None


def _synthetic(app: FastAPI) -> bool:
    known = _synthetic_cached(app)
    if known is not None:
        return known
    with app.state.sessions() as session:
        value = has_synthetic_records(session)
    app.state.synthetic_cache = (time.monotonic(), value)
    return bool(value)


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """Set a cookie: HttpOnly, SameSite=Lax, Secure on HTTPS."""
    secure = request.app.state.https_only or request.url.scheme == "https"
    response.set_cookie(
        name, value, httponly=True, samesite="lax", secure=secure, path="/", max_age=None
    )
