"""Crime data integrity audits in the browser (staff only): list and create audits, draw a
sample, decide each sampled incident (first and second auditors), see progress and agreement,
close, and read the estimates. Every step is a call into ``openpeel.crime_audit``; this module
only checks roles, parses forms and renders."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from openpeel.crime_audit import audits, decisions
from openpeel.crime_audit.design import STRATUM_TITLES
from openpeel.crime_audit.estimates import DOMAIN_TITLES, MEASURE_TITLES, audit_estimates
from openpeel.crime_audit.models import AuditRecord, CrimeAudit
from openpeel.crime_audit.workflow import finish_audit
from openpeel.formatting import percent_text
from openpeel.reference.forces import forces
from openpeel.scrutiny import queries
from openpeel.scrutiny.models import User
from openpeel.sources.crime_recording import OFFENCE_GROUPS
from openpeel.web import downloads
from openpeel.web.downloads import result_csv
from openpeel.web.forms import AuditForm, AuditSampleForm, text_fields
from openpeel.web.inputs import RecordId
from openpeel.web.rendering import render
from openpeel.web.scrutiny_access import DB, Change, bad_request, not_found
from openpeel.web.security import protected_router, require

router = protected_router()

#: Who may see audits (auditors decide; administrators manage; analysts read).
AUDIT_READERS = ("auditor", "administrator", "analyst")
Reader = Annotated[User, Depends(require(*AUDIT_READERS))]
Manager = Annotated[User, Depends(require(*decisions.MANAGING_ROLES))]
Auditor = Annotated[User, Depends(require(*decisions.DECIDING_ROLES))]

PAGE = "/staff/audits"


def _audit(db: Session, audit_id: RecordId) -> CrimeAudit:
    audit = db.get(CrimeAudit, audit_id)
    if audit is None:
        raise not_found()
    return audit


def _record(db: Session, audit: CrimeAudit, record_id: RecordId) -> AuditRecord:
    record = db.get(AuditRecord, record_id)
    if record is None or record.audit_id != audit.id:
        raise not_found()
    return record


def _figure(value: Any, measure: str) -> str:
    if value is None or value != value:
        return "–"
    if measure == "unrecorded_crimes_per_year":
        return f"{value:,.0f}"
    if measure == "agreement_kappa":
        return f"{value:.2f}"
    return percent_text(value)


@router.get(PAGE, response_class=HTMLResponse)
def audits_page(request: Request, db: DB, user: Reader) -> HTMLResponse:
    """Every audit with its progress; managers create new ones here."""
    rows = [(a, decisions.progress(a)) for a in audits.audits_of(db)]
    return render(
        request,
        "staff/audits.html",
        {
            "rows": rows,
            "can_manage": user.role in decisions.MANAGING_ROLES,
            "forces": sorted(forces().values(), key=lambda f: f.name),
            "data_is_synthetic": any(a.is_synthetic for a, _ in rows),
        },
    )


@router.post(PAGE, response_model=None)
def create_audit(change: Change, user: Manager, form: Annotated[AuditForm, Form()]) -> Response:
    """Create an open audit (then draw its sample on its page)."""
    try:
        start, end = date.fromisoformat(form.period_from), date.fromisoformat(form.period_to)
    except ValueError:
        return bad_request(change.request, "The period needs two dates (YYYY-MM-DD).", PAGE)
    return change.make(
        lambda: audits.create_audit(change.db, form.force_id, form.title, start, end, user.id),
        audits.AuditError,
        PAGE,
        lambda audit: f"{PAGE}/{audit.id}",
    )


@router.get(PAGE + "/{audit_id}", response_class=HTMLResponse)
def audit_page(request: Request, audit_id: RecordId, db: DB, user: Reader) -> HTMLResponse:
    """An audit: its draw, progress by stratum, the records, agreement and what comes next."""
    audit = _audit(db, audit_id)
    state = decisions.progress(audit)
    estimate = audit_estimates(audit) if state.decided else None
    queue = decisions.records_to_decide(db, audit, user) if user.role == "auditor" else []
    return render(
        request,
        "staff/audit.html",
        {
            "audit": audit,
            "state": state,
            "info": audits.design_info(audit) if audit.seed is not None else None,
            "verified": audits.verify_sample(audit) if audit.seed is not None else None,
            "estimate": estimate,
            "kappa": estimate.kappa if estimate else None,
            "queue": queue,
            "can_manage": user.role in decisions.MANAGING_ROLES,
            "stratum_titles": STRATUM_TITLES,
            "decision_of": decisions.decision_of,
            "data_is_synthetic": audit.is_synthetic,
            "saved": request.query_params.get("saved"),
        },
    )


@router.post(PAGE + "/{audit_id}/sample", response_model=None)
def sample_audit(
    change: Change,
    audit_id: RecordId,
    user: Manager,
    form: Annotated[AuditSampleForm, Form()],
) -> Response:
    """Draw the audit's stratified sample (sized for the target half-width)."""
    audit = _audit(change.db, audit_id)
    back = f"{PAGE}/{audit_id}"
    try:
        width = float(form.half_width)
        share = float(form.second_share)
        chosen = int(form.seed) if form.seed.strip() else None
    except ValueError:
        return bad_request(change.request, "The half-width, seed and share must be numbers.", back)
    return change.make(
        lambda: audits.draw_sample(
            change.db,
            audit,
            change.request.app.state.data_dir,
            seed=chosen,
            half_width=width,
            second_share=share,
            actor_id=user.id,
        ),
        audits.AuditError,
        back,
        back,
    )


@router.get(PAGE + "/{audit_id}/records/{record_id}", response_class=HTMLResponse)
def record_page(
    request: Request, audit_id: RecordId, record_id: RecordId, db: DB, user: Reader
) -> HTMLResponse:
    """A sampled incident as the extract holds it, with the auditor's decision form."""
    audit = _audit(db, audit_id)
    record = _record(db, audit, record_id)
    mine = next((d for d in record.decisions if d.auditor_id == user.id), None)
    # An auditor sees others' decisions only once they have made their own (independence).
    show_others = user.role != "auditor" or mine is not None or audit.status == "closed"
    names = queries.display_names(db, (d.auditor_id for d in record.decisions))
    return render(
        request,
        "staff/audit_record.html",
        {
            "audit": audit,
            "record": record,
            "shown": json.loads(record.incident_json),
            "mine": mine,
            "others": [d for d in record.decisions if d is not mine] if show_others else [],
            "hidden_others": 0 if show_others else len(record.decisions),
            "names": names,
            "offence_groups": OFFENCE_GROUPS,
            "can_decide": user.role == "auditor" and audit.status == "reviewing",
            "stratum_titles": STRATUM_TITLES,
            "data_is_synthetic": audit.is_synthetic,
        },
    )


@router.post(PAGE + "/{audit_id}/records/{record_id}/decision", response_model=None)
async def decide_record(
    request: Request, audit_id: RecordId, record_id: RecordId, user: Auditor
) -> Response:
    """Store the auditor's decision (first, or second on a second-check record; audited)."""
    values = await text_fields(request)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_save_decision, request, audit_id, record_id, user, values)


def _save_decision(
    request: Request, audit_id: RecordId, record_id: RecordId, user: User, form: dict[str, str]
) -> Response:
    with request.app.state.sessions() as db:
        audit = _audit(db, audit_id)
        record = _record(db, audit, record_id)
        back = f"{PAGE}/{audit_id}/records/{record_id}"
        try:
            decisions.decide(db, record, user, form)
            db.commit()
        except audits.AuditError as err:
            db.rollback()
            return bad_request(request, str(err), back)
        queue = decisions.records_to_decide(db, audit, user)
        target = f"{PAGE}/{audit_id}/records/{queue[0].id}" if queue else f"{PAGE}/{audit_id}"
        return RedirectResponse(f"{target}?saved={record.position}", status_code=303)


@router.post(PAGE + "/{audit_id}/close", response_model=None)
def close_audit(change: Change, audit_id: RecordId, user: Manager) -> Response:
    """Close an audit whose every record is decided, and publish its figures."""
    audit = _audit(change.db, audit_id)
    return change.make(
        lambda: finish_audit(change.db, audit, user.id, change.request.app.state.data_dir),
        audits.AuditError,
        f"{PAGE}/{audit_id}",
        f"{PAGE}/{audit_id}/estimate",
    )


@router.get(PAGE + "/{audit_id}/estimate", response_class=HTMLResponse)
def estimate_page(request: Request, audit_id: RecordId, db: DB, _user: Reader) -> HTMLResponse:
    """The audit's estimates with their intervals (provisional until it closes)."""
    audit = _audit(db, audit_id)
    estimate = audit_estimates(audit)
    rows = [
        {
            **row,
            "measure_title": MEASURE_TITLES.get(row["measure"], row["measure"]),
            "domain_title": DOMAIN_TITLES.get(row["domain"], row["domain"]),
            "estimate_text": _figure(row["estimate"], row["measure"]),
            "low_text": _figure(row["low"], row["measure"]),
            "high_text": _figure(row["high"], row["measure"]),
        }
        for row in estimate.table.to_dict(orient="records")
    ]
    return render(
        request,
        "staff/audit_estimate.html",
        {
            "audit": audit,
            "estimate": estimate,
            "result": estimate.result(),
            "rows": rows,
            "data_is_synthetic": audit.is_synthetic,
        },
    )


@router.get(PAGE + "/{audit_id}/estimate.csv")
def estimate_csv(request: Request, audit_id: RecordId, db: DB, _user: Reader) -> Response:
    """The estimates as CSV, with the definition and caveats as note lines."""
    audit = _audit(db, audit_id)
    result = audit_estimates(audit).result()
    return result_csv(result, f"audit-{audit_id}-estimate.csv")


@router.get(PAGE + "/{audit_id}/report.{kind}")
def audit_report_file(
    request: Request, audit_id: RecordId, kind: str, db: DB, _user: Reader
) -> Response:
    """The audit's own report as a self-contained HTML file or a PDF."""
    from openpeel.report.audit_report import audit_pdf, audit_report, render_audit_html

    audit = _audit(db, audit_id)
    if kind not in ("html", "pdf") or audit.seed is None:
        raise not_found()
    report = audit_report(audit)
    name = f"audit-{audit_id}.{kind}"
    if kind == "pdf":
        return downloads.download(audit_pdf(report), downloads.PDF, name)
    return downloads.download(render_audit_html(report), downloads.HTML, name)
