"""The public protection unit's offender management page (staff only): the report's *Managing
offenders* panels for a force and period, with the wanted and missing list the public pages never
show. Every figure comes from ``openpeel.report.offender_panels``; this module only chooses, caches
and renders."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from openpeel.calendar import Period
from openpeel.report.model import Panel
from openpeel.report.offender_panels import wanted_missing_panel
from openpeel.scrutiny.models import User
from openpeel.web import public_data
from openpeel.web.downloads import panel_csv
from openpeel.web.rendering import OFFENDER_READERS, render
from openpeel.web.routes_overview import PublicScope, common
from openpeel.web.security import protected_router, require

router = protected_router()
#: Logged-in staff with a role that may see pseudonymous ids (others: login or 403).
Reader = Annotated[User, Depends(require(*OFFENDER_READERS))]

PAGE = "/staff/offenders"


def staff_panels(request: Request, force_id: str, period: Period) -> list[Panel]:
    """The report's offender panels and the staff-only wanted and missing panel (cached)."""
    data_dir = request.app.state.data_dir
    panels = public_data.section_panels(data_dir, "offenders", force_id, period)
    wanted = public_data.cached(
        ("staff-wanted-missing", str(data_dir), force_id, period.start, period.end),
        lambda: wanted_missing_panel(public_data.connection(data_dir), force_id, period),
    )
    return [*panels, wanted]


@router.get(PAGE, response_class=HTMLResponse)
def offenders_page(request: Request, _user: Reader, scope: PublicScope) -> HTMLResponse:
    """Backlog, caseload, forecast, time to first contact, orders, wanted and missing."""
    force_id, period = scope
    panels = staff_panels(request, force_id, period)
    context = common(request, force_id, period)
    synthetic = context["data_is_synthetic"] or any(
        p.result is not None and p.result.is_synthetic for p in panels
    )
    return render(
        request,
        "staff/offenders.html",
        {
            **context,
            "data_is_synthetic": synthetic,
            "page_title": "Offender management (public protection unit)",
            "panels": panels,
            "csv_base": f"{PAGE}/data",
        },
    )


@router.get(PAGE + "/data/{panel_id}.csv")
def offenders_csv(request: Request, _user: Reader, panel_id: str, scope: PublicScope) -> Response:
    """The full result behind one of the page's panels as CSV."""
    force_id, period = scope
    return panel_csv(staff_panels(request, force_id, period), panel_id, force_id, period)
