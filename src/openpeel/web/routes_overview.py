"""Public pages over the report library: the force overview, one page per PEEL area, crime and
outcomes, calls, and a CSV download of every panel. The force and period are GET parameters
(``force``, ``fy`` or ``from``/``to``), so every view can be shared as a URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from openpeel.calendar import Period, months_between
from openpeel.errors import UnknownIdError
from openpeel.reference.forces import force
from openpeel.reference.peel_framework import framework_for, grades, sections
from openpeel.report.model import AreaSection, Panel
from openpeel.report.summary import summarise
from openpeel.web import downloads, public_data
from openpeel.web.rendering import render
from openpeel.web.security import protected_router

router = protected_router()

Text = Annotated[str | None, Query(max_length=40)]


@dataclass(frozen=True)
class SectionPage:
    """A public page of report sections: its address (``/{page}``), title and sections."""

    page: str
    title: str
    summary: str
    sections: tuple[str, ...]


#: The pages of report sections outside the PEEL areas' pages.
SECTION_PAGES = (
    SectionPage("crime", "Crime and outcomes", "Crime and outcomes.", ("crime", "investigations")),
    SectionPage(
        "calls",
        "Calls from the public",
        "Calls: 999 answering and the Citizens' Charter.",
        ("calls",),
    ),
)


def scope_of(
    request: Request, force_id: str | None, fy: str | None, start: str | None, end: str | None
) -> tuple[str, Period]:
    """The force and period asked for (400 with a reason when they cannot be shown)."""
    try:
        return public_data.choose(request.app.state.data_dir, force_id, fy, start, end)
    except public_data.BadRequest as error:
        raise HTTPException(status_code=400, detail=str(error)) from error


def public_scope(
    request: Request,
    force_id: Annotated[str | None, Query(alias="force", max_length=40)] = None,
    fy: Text = None,
    start: Annotated[str | None, Query(alias="from", max_length=7)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=7)] = None,
) -> tuple[str, Period]:
    """The query parameters every public page takes (``force``, ``fy``, ``from``, ``to``),
    declared once: a FastAPI dependency giving the force and period (400 when they cannot be
    shown; the defaults are ``public_data.choose``'s)."""
    return scope_of(request, force_id, fy, start, end)


#: A route parameter holding the force and period of the URL.
PublicScope = Annotated[tuple[str, Period], Depends(public_scope)]


def query_string(force_id: str, period: Period, **extra: str) -> str:
    """The URL parameters that reproduce a view."""
    params = {"force": force_id, "from": f"{period.start:%Y-%m}", "to": f"{period.end:%Y-%m}"}
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def months_text(months: list[date]) -> str:
    """Months as runs a person reads: 'April 2020 to June 2020, March 2021'."""
    runs: list[list[date]] = []
    for m in months:
        if runs and months_between(runs[-1][-1], m) == 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(
        f"{r[0]:%B %Y}" if len(r) == 1 else f"{r[0]:%B %Y} to {r[-1]:%B %Y}" for r in runs
    )


def common(request: Request, force_id: str, period: Period) -> dict[str, Any]:
    """What every public page shows: the force, period, the scope form and a warning naming
    the months of the period with no data loaded."""
    data_dir = request.app.state.data_dir
    missing = public_data.missing_months(data_dir, force_id, period)
    years = public_data.financial_years(data_dir, force_id)
    fy = period.label if period.label in years else ""
    if not fy and (period.start.month, period.end.month) == (4, 3) and period.n_months == 12:
        fy = f"{period.start.year}/{(period.start.year + 1) % 100:02d}"
    return {
        "financial_years": years,
        "fy_selected": fy,
        "missing_months": months_text(missing) if missing else "",
        "missing_count": len(missing),
        "force_id": force_id,
        "force_name": force(force_id).name,
        "period": period,
        "forces": public_data.loaded_forces(request.app.state.data_dir),
        "qs": query_string(force_id, period),
        "period_from": f"{period.start:%Y-%m}",
        "period_to": f"{period.end:%Y-%m}",
        "data_is_synthetic": public_data.lake_is_synthetic(request.app.state.data_dir, force_id),
    }


def panels_for(
    request: Request, names: tuple[str, ...], force_id: str, period: Period
) -> list[Panel]:
    """The panels of some sections, computed by the report library (cached)."""
    out: list[Panel] = []
    for name in names:
        out.extend(public_data.section_panels(request.app.state.data_dir, name, force_id, period))
    return out


@router.get("/overview", response_class=HTMLResponse)
def overview(
    request: Request,
    scope: PublicScope,
) -> HTMLResponse:
    """The force overview: the summary (per area the headline figures and the suggested grade
    with its reasons; what could not be assessed, grouped), then every PEEL area."""
    force_id, period = scope
    fw = framework_for(period.end)
    areas = []
    found = public_data.assessment(
        request.app.state.data_dir, request.app.state.engine, force_id, period
    )
    by_area = {a.area.area_id: a for a in found.areas} if found is not None else {}
    sections_shown = []
    for area in fw.areas:
        panels = panels_for(request, area.sections, force_id, period)
        areas.append({"area": area, "panels": panels})
        sections_shown.append(AreaSection(area, panels, by_area.get(area.area_id)))
    return render(
        request,
        "public/overview.html",
        {
            **common(request, force_id, period),
            "framework": fw,
            "areas": areas,
            "summary": summarise(sections_shown),
            "grades": grades(),
            "page_title": "Force overview",
        },
    )


@router.get("/areas/{area_id}", response_class=HTMLResponse)
def area_page(
    request: Request,
    area_id: str,
    scope: PublicScope,
) -> HTMLResponse:
    """One PEEL area: what the framework asks and every panel openpeel has for it."""
    force_id, period = scope
    fw = framework_for(period.end)
    try:
        area = fw.area(area_id)
    except UnknownIdError as error:
        raise HTTPException(status_code=404, detail=f"no PEEL area {area_id!r}") from error
    panels = panels_for(request, area.sections, force_id, period)
    found = public_data.assessment(
        request.app.state.data_dir, request.app.state.engine, force_id, period
    )
    own = next((a for a in found.areas if a.area.area_id == area_id), None) if found else None
    summary = summarise([AreaSection(area, panels, own)])
    return render(
        request,
        "public/area.html",
        {
            **common(request, force_id, period),
            "framework": fw,
            "area": area,
            "area_summary": summary.areas[0] if summary.areas else None,
            "panels": panels,
            "sections": [sections()[s] for s in area.sections],
            "page_title": area.title,
        },
    )


def _section_route(shown: SectionPage) -> None:
    """Add the route of a page of report sections."""

    def section_page(request: Request, scope: PublicScope) -> HTMLResponse:
        force_id, period = scope
        return render(
            request,
            "public/section.html",
            {
                **common(request, force_id, period),
                "page_title": shown.title,
                "panels": panels_for(request, shown.sections, force_id, period),
                "sections": [sections()[s] for s in shown.sections],
            },
        )

    section_page.__doc__ = shown.summary
    router.add_api_route(
        f"/{shown.page}",
        section_page,
        methods=["GET"],
        response_class=HTMLResponse,
        name=f"{shown.page}_page",
    )


for _shown in SECTION_PAGES:
    _section_route(_shown)


@router.get("/data/{panel_id}.csv")
def panel_csv(
    request: Request,
    panel_id: str,
    scope: PublicScope,
) -> Response:
    """The full result behind a panel as CSV (a ``synthetic_data`` column when synthetic)."""
    force_id, period = scope
    panels = panels_for(request, tuple(sections()), force_id, period)
    return downloads.panel_csv(panels, panel_id, force_id, period)


@router.get("/static-check", response_class=HTMLResponse)
def static_page(request: Request) -> HTMLResponse:
    """A page with no data behind it (the benchmark's baseline)."""
    return render(request, "public/about.html", {"page_title": "About the public pages"})
