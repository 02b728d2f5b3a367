"""The fields of the staff forms (users, login, password, panels, meetings, samples, responses,
crime data integrity audits): one Pydantic model a form, which a route takes as
``Annotated[Model, Form()]``.

Every field is text with a length limit and a default for a field left out or left empty; the
route or the library parses the text, so a wrong value gets its own message there. A field
longer than its limit is refused before the route runs (400, naming the field). Fields a model
does not name (the CSRF token) are ignored. A form whose fields the library defines is read
whole by ``text_fields``."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field

from openpeel.scrutiny.reviews import MAX_COMMENT_CHARS

PASSWORD_CHARS = 1000


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
