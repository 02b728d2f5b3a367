"""Public pages open to everyone: the home page and a health check.

The public-pages area (force overview, PEEL areas, explorers) adds its routes here or in its own
router module included by ``create_app``.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from openpeel.web.rendering import render
from openpeel.web.security import protected_router

router = protected_router()


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The public home page."""
    return render(request, "home.html")


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    """Liveness check for a reverse proxy."""
    return "ok"
