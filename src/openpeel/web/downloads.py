"""Files the browser saves rather than shows: one response for every download (CSV, HTML,
PDF), an indicator's result as CSV (its definition and caveats as ``#`` note lines), and the
result behind one of a page's panels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException
from fastapi.responses import Response

from openpeel import exports

CSV = "text/csv; charset=utf-8"
HTML = "text/html; charset=utf-8"
PDF = "application/pdf"


def download(content: bytes | str, media_type: str, filename: str) -> Response:
    """A file the browser saves rather than shows."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def result_csv(result: Any, filename: str) -> Response:
    """An indicator's result (:class:`~openpeel.indicators.result.IndicatorResult`) as a CSV
    file, its notes first."""
    return download(
        exports.csv_text(result.records(), result.notes(), result.columns()), CSV, filename
    )


def panel_csv(panels: Iterable[Any], panel_id: str, force_id: str, period: Any) -> Response:
    """The full result behind the panel ``panel_id`` of a page, named by panel, force and
    period; 404 when no panel of the page has it."""
    for panel in panels:
        if panel.panel_id == panel_id and panel.result is not None:
            name = f"{panel_id}-{force_id}-{period.start:%Y-%m}-{period.end:%Y-%m}.csv"
            return result_csv(panel.result, name)
    raise HTTPException(status_code=404, detail=f"no data for {panel_id!r}")
