"""The fields of the web forms (users, login, password, panels, meetings, samples, responses,
crime data integrity audits, assessments and their improvements, public feedback): one Pydantic
model a form, which a route takes as ``Annotated[Model, Form()]``.

Every field is text with a length limit and a default for a field left out or left empty; the
route or the library parses the text, so a wrong value gets its own message there. A field
longer than its limit is refused before the route runs (400, naming the field). The assessment
forms (``RecordForm``) hold text the library checks field by field against its database
columns, with its own message: their limit only bounds what a request may carry. Fields a model
does not name (the CSRF token) are ignored. A form whose fields the library defines is read
whole by ``text_fields``."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from openpeel.scrutiny import feedback
from openpeel.scrutiny.reviews import MAX_COMMENT_CHARS

PASSWORD_CHARS = 1000
#: The most text an assessment form's field may carry (the library checks each against its
#: column: a title longer than its column is refused there, with the column's limit named).
RECORD_CHARS = 20_000
#: The force and financial year the assessment pages open on.
DEFAULT_FORCE = "west-midlands"
DEFAULT_FY = "2021/22"


def text(max_length: int, default: str = "") -> Any:
    """A text field of at most ``max_length`` characters, ``default`` when left out or empty."""
    return Field(default=default, max_length=max_length)


async def text_fields(request: Request) -> dict[str, str]:
    """Every text field of the posted form (files left out), for a form whose fields the library
    names and checks itself (a member's review, an auditor's decision)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


class UserForm(BaseModel):
    """A new user (administrator)."""

    username: str = text(64)
    display_name: str = text(200)
    role: str = text(32)
    password: str = text(PASSWORD_CHARS)


class LoginForm(BaseModel):
    """The login form: who, their password and the page to go to afterwards."""

    username: str = text(200)
    password: str = text(PASSWORD_CHARS)
    next: str = text(500, "/scrutiny")


class PasswordForm(BaseModel):
    """A password change: the current password and the new one twice."""

    current: str = text(PASSWORD_CHARS)
    new: str = text(PASSWORD_CHARS)
    confirm: str = text(PASSWORD_CHARS)


class PanelForm(BaseModel):
    """A new scrutiny panel of a force."""

    name: str = text(200)
    force_id: str = text(64)


class MemberForm(BaseModel):
    """A user to attach to a panel."""

    username: str = text(64)


class PeriodForm(BaseModel):
    """The first and last day (``YYYY-MM-DD``) of the period a meeting or an audit covers."""

    period_from: str = text(10)
    period_to: str = text(10)


class MeetingForm(PeriodForm):
    """A new meeting of a panel: its title, its date and the period its records come from."""

    title: str = text(200)
    meeting_date: str = text(10)


class AuditForm(PeriodForm):
    """A new crime data integrity audit of a force over a period."""

    force_id: str = text(64)
    title: str = text(200)


class SeedForm(BaseModel):
    """A sample's random seed: a whole number, or empty for a fresh one."""

    seed: str = text(12)


class SampleForm(SeedForm):
    """A meeting's sample: its design, size and strata."""

    design: str = text(16, "simple")
    size: str = text(6)
    strata: str = text(500)


class AuditSampleForm(SeedForm):
    """An audit's sample: the target interval half-width and the share checked twice."""

    half_width: str = text(10, "0.02")
    second_share: str = text(10, "0.1")


class ResponseForm(BaseModel):
    """The force liaison's response to a record graded red."""

    response: str = text(MAX_COMMENT_CHARS)


class FeedbackForm(BaseModel):
    """A rating of a public page, with an optional comment and contact details (kept only with
    consent)."""

    page: str = text(300, "/")
    rating: str = text(4)
    comment: str = text(feedback.MAX_COMMENT_CHARS)
    consent: str = text(10)
    name: str = text(200)
    email: str = text(320)


class RecordForm(BaseModel):
    """A form of the assessment records: every field text of at most ``RECORD_CHARS``."""

    model_config = ConfigDict(str_max_length=RECORD_CHARS)


class AssessedForm(RecordForm):
    """A change to a force's assessment of a financial year (the page to go back to)."""

    force: str = DEFAULT_FORCE
    fy: str = DEFAULT_FY

    def recorded(self, **parsed: Any) -> dict[str, Any]:
        """The fields the library records, as its keyword arguments: every field but the
        force and the year, those named in ``parsed`` replaced by their parsed values."""
        return self.model_dump(exclude={"force", "fy"}) | parsed


class GradeForm(AssessedForm):
    """An assessor's (or the inspectorate's) grade of an area, with its reason."""

    area_id: str = ""
    kind: str = "assessor"
    grade: str = ""
    reason: str = ""
    source: str = ""
    suggested_grade: str = Field(default="", alias="suggested")


class EvidenceForm(AssessedForm):
    """Evidence that is not data for a characteristic: finding, kind, source, date, summary."""

    characteristic_id: str = ""
    finding: str = ""
    kind: str = ""
    source: str = ""
    evidence_date: str = ""
    summary: str = ""


class PlannedForm(RecordForm):
    """Who owns an improvement or action and when it is due (``YYYY-MM-DD``, or empty)."""

    owner: str = ""
    due_date: str = ""


class ImprovementForm(PlannedForm):
    """A new improvement: from an unmet characteristic (its id and the finding's reason) or by
    hand (area, title, kind, phase); ``framework`` is the characteristic's framework."""

    force: str = DEFAULT_FORCE
    area_id: str = ""
    characteristic_id: str = ""
    title: str = ""
    kind: str = "area_for_improvement"
    monitoring_phase: str = "scan"
    reason: str = ""
    framework: str = ""


class ImprovementChangeForm(RecordForm):
    """The editable fields of an improvement, in the order its history lists their changes
    (closing is ``ClosureForm``)."""

    title: str = ""
    owner: str = ""
    status: str = "open"
    monitoring_phase: str = "scan"
    due_date: str = ""
    linked_indicators: str = ""
    description: str = ""


class ActionForm(PlannedForm):
    """A new action of an improvement, or (with ``action_id``) a new status of one."""

    description: str = ""
    action_id: str = ""
    status: str = ""


class ClosureForm(RecordForm):
    """The evidence that an improvement is made."""

    evidence: str = ""
