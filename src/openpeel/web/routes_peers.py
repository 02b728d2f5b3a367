"""The peers page (every force's stop and search rate: ranked dots and a funnel plot, the force
highlighted) and the trends page (every month loaded, not only the chosen period), each panel
with its table and CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from openpeel.calendar import Period
from openpeel.errors import OpenpeelError
from openpeel.indicators import stop_search as ss
from openpeel.report.model import Panel
from openpeel.report.panels import label
from openpeel.web import public_data
from openpeel.web.downloads import result_csv
from openpeel.web.rendering import render
from openpeel.web.routes_overview import PublicScope, common, query_string
from openpeel.web.security import protected_router

router = protected_router()
Group = Annotated[str, Query(max_length=30, pattern=r"^[a-z_]*$")]


def _groups(request: Request, period: Period) -> list[str]:
    data_dir = request.app.state.data_dir
    try:
        return public_data.cached(
            ("peer-groups", str(data_dir), period.start, period.end),
            lambda: public_data.views(data_dir).peer_groups(period),
        )
    except OpenpeelError:
        return [ss.ALL]


def _peer_panels(request: Request, force_id: str, period: Period, group: str) -> list[Panel]:
    if group not in _groups(request, period):
        raise HTTPException(status_code=400, detail=f"no group {group!r} to compare")
    data_dir = request.app.state.data_dir
    key = ("peers", str(data_dir), force_id, period.start, period.end, group)
    panels = public_data.cached(
        key, lambda: public_data.views(data_dir).peer_panels(force_id, period, group)
    )
    return public_data.in_words(key, panels, period)  # kept under the months


def _official_peers(data_dir: Path, force_id: str, period: Period) -> list[Panel]:
    """Every force in the official statistics (run in a worker of the compute pool)."""
    return public_data.views(data_dir).official_peer_panels(force_id, period)


def _official_panels(request: Request, force_id: str, period: Period) -> list[Panel]:
    data_dir = request.app.state.data_dir
    panels = public_data.force_view(data_dir, "peers-official", _official_peers, force_id, period)
    key = ("peers-official", str(data_dir), force_id, period.start, period.end)
    return public_data.in_words(key, panels, period)  # kept under the months


def _trend_panel(request: Request, force_id: str) -> Panel:
    data_dir = request.app.state.data_dir
    months = public_data.loaded_months(data_dir, force_id)
    return public_data.cached(
        ("trend-all", str(data_dir), force_id, tuple(months[:1]), tuple(months[-1:])),
        lambda: public_data.views(data_dir).trend_panel(force_id),
    )


def _csv(panel: Panel | None, name: str) -> Response:
    if panel is None or panel.result is None:
        raise HTTPException(status_code=404, detail="no data for this chart")
    return result_csv(panel.result, name)


@router.get("/peers", response_class=HTMLResponse)
def peers_page(request: Request, scope: PublicScope, group: Group = ss.ALL) -> HTMLResponse:
    """Every force's search rate for the period, ranked and in a funnel plot."""
    force_id, period = scope
    panels = _peer_panels(request, force_id, period, group)
    official = [p for p in _official_panels(request, force_id, period) if not p.unavailable]
    return render(
        request,
        "public/peers.html",
        {
            **common(request, force_id, period),
            "page_title": "Peers: stop and search",
            "panels": panels,
            "official_panels": official,
            "group": group,
            "group_choices": [
                (g, "All person searches" if g == ss.ALL else f"{label(g)} (self-defined)")
                for g in _groups(request, period)
            ],
            "csv_base": "/peers/data",
            "qs": query_string(force_id, period, group=group if group != ss.ALL else ""),
            "qs_public": query_string(force_id, period),
        },
    )


@router.get("/peers/data/{panel_id}.csv")
def peers_csv(
    request: Request, panel_id: str, scope: PublicScope, group: Group = ss.ALL
) -> Response:
    """The table behind a peers chart (every force) as CSV."""
    force_id, period = scope
    found = next(
        (p for p in _peer_panels(request, force_id, period, group) if p.panel_id == panel_id),
        None,
    )
    return _csv(found, f"{panel_id}-{group}-{period.start:%Y-%m}-{period.end:%Y-%m}.csv")


@router.get("/peers/official/{panel_id}.csv")
def peers_official_csv(request: Request, panel_id: str, scope: PublicScope) -> Response:
    """The table behind an official statistics chart of every force as CSV."""
    force_id, period = scope
    found = next(
        (p for p in _official_panels(request, force_id, period) if p.panel_id == panel_id), None
    )
    return _csv(found, f"{panel_id}-{force_id}-{period.start:%Y-%m}-{period.end:%Y-%m}.csv")


@router.get("/trends", response_class=HTMLResponse)
def trends_page(request: Request, scope: PublicScope) -> HTMLResponse:
    """Searches a month over every month loaded for the force, with each year's total."""
    force_id, period = scope
    return render(
        request,
        "public/section.html",
        {
            **common(request, force_id, period),
            "page_title": "Trends over every month loaded",
            "panels": [_trend_panel(request, force_id)],
            "sections": [],
            "csv_base": "/trends/data",
        },
    )


@router.get("/trends/data/{panel_id}.csv")
def trends_csv(request: Request, panel_id: str, scope: PublicScope) -> Response:
    """The monthly series behind the trends chart as CSV."""
    force_id, _period = scope
    panel = _trend_panel(request, force_id)
    return _csv(panel if panel.panel_id == panel_id else None, f"{panel_id}-{force_id}.csv")
