"""Assessment pages under /assess: the areas with suggested, recorded and assessor grades and
their reasons, evidence that is not data, and improvements (areas for improvement, causes of
concern, recommendations) from creation to closure with their history.

Readers: administrators, analysts, panel coordinators and force liaisons. Evidence and
improvements: administrators and analysts. Grades: administrators.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from openpeel.assess import records
from openpeel.assess.assessment import Assessment, assess
from openpeel.assess.evidence import IndicatorCache, trend
from openpeel.assess.framework_rules import RULES_FILES, assessed_framework_id, load_rules
from openpeel.assess.models import (
    ASSESS_READERS,
    ASSESSORS,
    GRADERS,
    IMPROVEMENT_KINDS,
    MONITORING_PHASES,
)
from openpeel.calendar import Period
from openpeel.errors import UnknownIdError, UserInputError
from openpeel.reference.forces import force as force_record
from openpeel.reference.peel_framework import framework, grades
from openpeel.scrutiny.models import User
from openpeel.web import public_data
from openpeel.web.forms import (
    DEFAULT_FORCE,
    DEFAULT_FY,
    ActionForm,
    ClosureForm,
    EvidenceForm,
    GradeForm,
    ImprovementChangeForm,
    ImprovementForm,
)
from openpeel.web.inputs import MAX_RECORD_ID, RecordId
from openpeel.web.rendering import render
from openpeel.web.security import get_db, protected_router, require

T = TypeVar("T")
router = protected_router()
DB = Annotated[Session, Depends(get_db)]
READERS = Depends(require(*ASSESS_READERS))
EDITORS = Depends(require(*ASSESSORS))
GRADER = Depends(require(*GRADERS))


def with_indicators(
    request: Request, force_id: str, period: Period, use: Callable[[IndicatorCache | None], T]
) -> T:
    """Call ``use`` with the indicator results of a force and period (None when no lake can be
    read: every data rule is then missing). The results the framework's rules name are the
    stored views' (computed once per state of the lake; ``public_data.indicator_cache``) and
    are kept in the public pages' bounded cache (forgotten when the lake changes; evidence and
    grades are read fresh on every request); any other is computed on a connection of its pool,
    one request at a time per force and period."""
    force_id = _force(force_id)
    data_dir: Path = request.app.state.data_dir
    public_data.refresh(data_dir)
    if not (data_dir / "lake").is_dir():  # no lake yet: every data rule is missing
        return use(None)
    key = ("assess-indicators", str(data_dir), force_id, period.start, period.end)
    with public_data.computing(key, admit=not public_data.is_cached(key)):
        cache: IndicatorCache = public_data.cached(
            key, lambda: public_data.indicator_cache(data_dir, force_id, period)
        )
        return use(public_data.in_words(key, cache, period))  # kept under the months


def _force(force_id: str) -> str:
    try:
        return force_record(force_id).force_id
    except UnknownIdError:
        raise HTTPException(status_code=400, detail=f"unknown force {force_id!r}") from None


def _period(fy: str) -> Period:
    try:
        return Period.financial_year(fy)
    except UserInputError as err:
        raise HTTPException(status_code=400, detail=str(err)) from None


def _framework_of(fy: str) -> str:
    """The framework a financial year is assessed on (400 for a year that is not one)."""
    return assessed_framework_id(_period(fy).end)


def run_assessment(request: Request, db: Session, force_id: str, period: Period) -> Assessment:
    """The assessment shown on the pages, on the cached indicator results (a hook for other
    pages, such as the report, to call)."""
    return with_indicators(
        request,
        force_id,
        period,
        lambda cache: assess(cache, force_id, period, assessed_framework_id(period.end), db=db),
    )


def _actor(user: User) -> records.Actor:
    return records.Actor(f"{user.display_name} ({user.username})", user.id)


def _bad(message: str) -> HTTPException:
    return HTTPException(status_code=400, detail=message)


def _date(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _bad(f"{value!r} is not a date (YYYY-MM-DD)") from None


@contextmanager
def _recorded(db: Session) -> Iterator[None]:
    """Commit what the block records; a change the library refuses (UserInputError) is rolled
    back and answered 400 with its reason."""
    try:
        yield
    except UserInputError as err:
        db.rollback()
        raise _bad(str(err)) from None
    db.commit()


def _back(force_id: str, fy: str, anchor: str = "") -> RedirectResponse:
    target = f"/assess?force={force_id}&fy={fy}" + (f"#{anchor}" if anchor else "")
    return RedirectResponse(target, status_code=303)


@router.get("/assess", response_class=HTMLResponse)
def assess_page(
    request: Request, db: DB, user: User = READERS, force: str = DEFAULT_FORCE, fy: str = DEFAULT_FY
) -> Response:
    """Every area: grades with reasons, the characteristics, open improvements."""
    period = _period(fy)
    result = run_assessment(request, db, force, period)
    return render(
        request,
        "assess/home.html",
        {
            "assessment": result,
            "force": force,
            "fy": fy,
            "grades": [g.grade for g in grades()],
            "can_edit": user.role in ASSESSORS,
            "can_grade": user.role in GRADERS,
            "history": records.grade_history(db, force, result.framework_id),
        },
    )


@router.post("/assess/grades")
def set_grade(db: DB, form: Annotated[GradeForm, Form()], user: User = GRADER) -> Response:
    """Record an assessor's (or the inspectorate's) grade with its reason."""
    fields = form.recorded()
    with _recorded(db):
        records.set_grade(db, _actor(user), form.force, _framework_of(form.fy), **fields)
    return _back(form.force, form.fy, f"area-{form.area_id}")


@router.post("/assess/evidence")
def add_evidence(db: DB, form: Annotated[EvidenceForm, Form()], user: User = EDITORS) -> Response:
    """Record evidence that is not data for a characteristic."""
    when = _date(form.evidence_date)
    if when is None:
        raise _bad("evidence needs its date")
    fields = form.recorded(evidence_date=when)
    with _recorded(db):
        row = records.add_evidence(db, _actor(user), form.force, _framework_of(form.fy), **fields)
    return _back(form.force, form.fy, f"ch-{row.characteristic_id}")


@router.get("/assess/afis", response_class=HTMLResponse)
def afi_list(
    request: Request, db: DB, user: User = READERS, force: str = "", status: str = ""
) -> Response:
    """Every improvement, newest first."""
    try:
        items = records.improvements(db, force or None, status or None)
    except UserInputError as err:
        raise _bad(str(err)) from None
    return render(
        request,
        "assess/afis.html",
        {
            "items": items,
            "force": force,
            "status": status,
            "can_edit": user.role in ASSESSORS,
            "kinds": IMPROVEMENT_KINDS,
            "phases": MONITORING_PHASES,
            "areas": framework(assessed_framework_id()).areas,
            "default_force": DEFAULT_FORCE,
        },
    )


@router.post("/assess/afis")
def afi_create(db: DB, form: Annotated[ImprovementForm, Form()], user: User = EDITORS) -> Response:
    """Create an improvement: from an unmet characteristic (suggested) or by hand. The
    framework is the assessment's that the characteristic belongs to (a characteristic id means
    something else in another framework); by hand, the latest framework with rules."""
    due = _date(form.due_date)
    framework_id = form.framework.strip() or assessed_framework_id()
    if framework_id not in RULES_FILES:
        raise _bad(f"no assessment rules for framework {framework_id!r}")
    actor, chosen = _actor(user), form.characteristic_id
    with _recorded(db):
        if chosen and not form.title:
            imp = records.suggest_from_finding(
                db, actor, form.force, framework_id, chosen, form.reason
            )
        else:
            fields = form.model_dump(include={"area_id", "title", "kind", "owner"})
            phase = form.monitoring_phase
            imp = records.create_improvement(
                db,
                actor,
                form.force,
                framework_id,
                **fields,
                characteristic_id=chosen,
                due_date=due,
                monitoring_phase=phase,
            )
    return RedirectResponse(f"/assess/afis/{imp.id}", status_code=303)


def _progress(request: Request, imp: Any, fy: str) -> dict[str, Any]:
    """The linked characteristic's measure month by month (the trend that shows progress)."""
    if not imp.characteristic_id:
        return {"rows": [], "note": "Not linked to a characteristic with an indicator."}
    rule = next(
        (r for r in load_rules(imp.framework_id) if r.characteristic_id == imp.characteristic_id),
        None,
    )
    if rule is None or rule.kind != "indicator":
        return {"rows": [], "note": "The linked characteristic needs evidence, not data."}
    result = with_indicators(
        request,
        imp.force_id,
        _period(fy),
        lambda cache: cache.get(rule.indicator) if cache else "no data loaded",
    )
    if isinstance(result, str):
        return {"rows": [], "note": result}
    table: pd.DataFrame = trend(rule, result.table)
    if table.empty:
        return {"rows": [], "note": f"{rule.indicator} has no monthly series for this rule."}
    rows = [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
        for r in table.to_dict(orient="records")
    ]
    return {
        "rows": rows,
        "rule": rule.condition,
        "note": "",
        "is_synthetic": result.is_synthetic,
    }


def _measures(request: Request, imp: Any, fy: str) -> dict[str, Any]:
    """Every measure linked to the improvement now, and the verdict from their months."""
    from openpeel.assess.progress import improvement_progress

    progress = with_indicators(
        request, imp.force_id, _period(fy), lambda cache: improvement_progress(imp, cache)
    )
    rows = [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
        for r in progress.table().to_dict(orient="records")
    ]
    return {
        "verdict": progress.verdict,
        "reason": progress.reason,
        "rows": rows,
        "is_synthetic": progress.is_synthetic,
    }


def _improvement(db: Session, afi_id: int) -> Any:
    try:
        return records.get_improvement(db, afi_id)
    except UserInputError:
        raise HTTPException(status_code=404, detail="Not found.") from None


@router.get("/assess/afis/{afi_id}", response_class=HTMLResponse)
def afi_page(
    request: Request, afi_id: RecordId, db: DB, user: User = READERS, fy: str = DEFAULT_FY
) -> Response:
    """One improvement: fields, actions, progress from its indicator, history."""
    imp = _improvement(db, afi_id)
    return render(
        request,
        "assess/afi.html",
        {
            "imp": imp,
            "measures": _measures(request, imp, fy),
            "actions": records.actions(db, afi_id),
            "history": records.history(db, afi_id),
            "progress": _progress(request, imp, fy),
            "fy": fy,
            "can_edit": user.role in ASSESSORS,
            "phases": MONITORING_PHASES,
            "kinds": IMPROVEMENT_KINDS,
        },
    )


def _change(
    db: Session, user: User, afi_id: int, change: Callable[[records.Actor], Any], anchor: str = ""
) -> RedirectResponse:
    """Make ``change`` (called with who makes it) to an improvement that exists (else 404),
    then go back to its page (at ``anchor``)."""
    _improvement(db, afi_id)
    with _recorded(db):
        change(_actor(user))
    return RedirectResponse(f"/assess/afis/{afi_id}{anchor}", status_code=303)


@router.post("/assess/afis/{afi_id}")
def afi_update(
    afi_id: RecordId, db: DB, form: Annotated[ImprovementChangeForm, Form()], user: User = EDITORS
) -> Response:
    """Change an improvement (each changed field goes into the history)."""

    def update(by: records.Actor) -> None:
        changes = form.model_dump() | {"due_date": _date(form.due_date)}
        records.update_improvement(db, by, afi_id, **changes)

    return _change(db, user, afi_id, update)


@router.post("/assess/afis/{afi_id}/actions")
def afi_action(
    afi_id: RecordId, db: DB, form: Annotated[ActionForm, Form()], user: User = EDITORS
) -> Response:
    """Add an action, or change an action's status."""

    def act(by: records.Actor) -> None:
        if not form.action_id:
            records.add_action(db, by, afi_id, form.description, form.owner, _date(form.due_date))
            return
        if not form.action_id.isdigit() or int(form.action_id) > MAX_RECORD_ID:
            raise UserInputError("no such action")
        action = records.update_action(db, by, int(form.action_id), form.status)
        if action.improvement_id != afi_id:
            raise UserInputError("that action belongs to another improvement")

    return _change(db, user, afi_id, act, "#actions")


@router.post("/assess/afis/{afi_id}/close")
def afi_close(
    afi_id: RecordId, db: DB, form: Annotated[ClosureForm, Form()], user: User = EDITORS
) -> Response:
    """Close an improvement: evidence required."""
    return _change(
        db, user, afi_id, lambda by: records.close_improvement(db, by, afi_id, form.evidence)
    )
