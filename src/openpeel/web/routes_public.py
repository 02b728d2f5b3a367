"""Public pages open to everyone: the home page and a health check.

The public-pages area (force overview, PEEL areas, explorers) adds its routes here or in its own
router module included by ``create_app``.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from openpeel.errors import OpenpeelError
from openpeel.web import public_data
from openpeel.web.rendering import render
from openpeel.web.security import protected_router

router = protected_router()


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The public home page: pick a force and a financial year by name, then the overview."""
    data_dir = request.app.state.data_dir
    public_data.refresh(data_dir)
    try:
        forces = public_data.loaded_forces(data_dir)
    except OpenpeelError:
        forces = []
    years = sorted(
        {y for f in forces for y in public_data.financial_years(data_dir, f)}, reverse=True
    )
    return render(request, "home.html", {"forces": forces, "financial_years": years})


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    """Liveness check for a reverse proxy."""
    return "ok"
