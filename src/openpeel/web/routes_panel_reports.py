"""Panel reports (page, CSV, HTML, PDF) and the meeting's audit log for staff, and the published
summaries of closed meetings for everyone (aggregates only, small cells suppressed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from openpeel.scrutiny import audit, export, queries, report, sampling
from openpeel.scrutiny.models import Meeting
from openpeel.web.downloads import CSV, HTML, PDF, download
from openpeel.web.inputs import RecordId
from openpeel.web.rendering import render
from openpeel.web.scrutiny_access import (
    AUDITOR_MEETING,
    DB,
    READER_MEETING,
    not_found,
    router,
)


def _report_context(built: report.PanelReport) -> dict[str, Any]:
    """What the report and summary pages show beside the report itself."""
    return {
        "report": built,
        "measures": report.MEASURES,
        "groupings": report.GROUPINGS,
        "small_cell": report.SMALL_CELL,
    }


@router.get("/scrutiny/meetings/{meeting_id}/report", response_class=HTMLResponse)
def report_page(request: Request, db: DB, meeting: Meeting = READER_MEETING) -> HTMLResponse:
    """The panel report: weighted shares by group, red records and the force's responses."""
    context = _report_context(report.build_report(db, meeting))
    return render(request, "scrutiny/report.html", {"meeting": meeting, **context})


#: The published summary's downloads: how each is written, its media type and what it is.
DOWNLOADS: dict[str, tuple[Callable[[report.PanelReport], bytes | str], str, str]] = {
    "csv": (export.summary_csv, CSV, "CSV"),
    "html": (export.summary_html, HTML, "one self-contained HTML file"),
    "pdf": (export.summary_pdf, PDF, "PDF"),
}


def _download_route(ending: str) -> None:
    write, media_type, what = DOWNLOADS[ending]

    def report_download(db: DB, meeting: Meeting = READER_MEETING) -> Response:
        built = report.build_report(db, meeting)
        return download(write(built), media_type, f"meeting-{meeting.id}.{ending}")

    report_download.__name__ = f"report_{ending}"
    report_download.__doc__ = f"The published summary as {what}."
    router.get(f"/scrutiny/meetings/{{meeting_id}}/report.{ending}")(report_download)


for _ending in DOWNLOADS:
    _download_route(_ending)


@router.get("/scrutiny/meetings/{meeting_id}/audit", response_class=HTMLResponse)
def audit_page(request: Request, db: DB, meeting: Meeting = AUDITOR_MEETING) -> HTMLResponse:
    """Who changed what in this meeting, when."""
    sample = sampling.sample_of(db, meeting.id)
    return render(
        request,
        "scrutiny/audit.html",
        {
            "meeting": meeting,
            "entries": audit.entries(db, meeting_id=meeting.id),
            "names": queries.usernames(db),
            "sample_info": sampling.sample_info(sample) if sample else None,
            "reproduces": sampling.verify_sample(db, sample) if sample else None,
        },
    )


@router.get("/summaries", response_class=HTMLResponse)
def summaries(request: Request, db: DB) -> HTMLResponse:
    """Published summaries of closed meetings (public: aggregates only)."""
    return render(request, "summaries.html", {"meetings": queries.closed_meetings(db)})


@router.get("/summaries/{meeting_id}", response_class=HTMLResponse)
def summary_page(request: Request, meeting_id: RecordId, db: DB) -> HTMLResponse:
    """One published summary (public: aggregates only, small cells suppressed)."""
    meeting = queries.closed_meeting(db, meeting_id)
    if meeting is None:
        raise not_found()
    built = report.build_report(db, meeting)
    return render(
        request,
        "summary.html",
        _report_context(built),
    )


@router.get("/summaries/{meeting_id}/summary.csv")
def summary_csv(meeting_id: RecordId, db: DB) -> Response:
    """One published summary as CSV (public)."""
    meeting = queries.closed_meeting(db, meeting_id)
    if meeting is None:
        raise not_found()
    built = report.build_report(db, meeting)
    return download(export.summary_csv(built), CSV, f"summary-{meeting_id}.csv")
