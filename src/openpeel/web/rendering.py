"""Rendering pages: every template gets the user, CSRF token, navigation and synthetic flag."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from openpeel.assess.models import ASSESS_READERS
from openpeel.formatting import percent_text
from openpeel.web.security import csrf_token, current_user

#: Who may open the public protection unit's offender page (pseudonymous ids on it).
OFFENDER_READERS = ("administrator", "force_liaison", "analyst")

#: Navigation links: (path, label, roles that see it; empty = everyone).
NAV: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/", "Home", ()),
    ("/summaries", "Panel summaries", ()),
    (
        "/scrutiny",
        "Scrutiny",
        ("administrator", "panel_coordinator", "panel_member", "force_liaison", "analyst"),
    ),
    ("/scrutiny/records", "Records", ("administrator", "analyst")),
    ("/assess", "Assessment", ASSESS_READERS),
    ("/staff/offenders", "Offenders", OFFENDER_READERS),
    (
        "/staff/vulnerability",
        "Vulnerability",
        ("administrator", "panel_coordinator", "force_liaison", "analyst"),
    ),
    ("/staff/audits", "Crime recording audits", ("auditor", "administrator", "analyst")),
    ("/admin/users", "Users", ("administrator",)),
    ("/admin/feedback", "Feedback", ("administrator",)),
)


#: Paths of staff pages (signed-in work): the public feedback form is not shown on them.
STAFF_PREFIXES = ("/scrutiny", "/assess", "/staff", "/admin", "/account")


def is_public_page(path: str) -> bool:
    """True for the pages the public reads (they carry the feedback form)."""
    return not path.startswith(STAFF_PREFIXES)


def nav_for(request: Request) -> list[tuple[str, str]]:
    """The links this visitor may follow."""
    user = current_user(request)
    role = user.role if user else None
    return [(path, label) for path, label, roles in NAV if not roles or role in roles]


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a template with the common context."""
    base = {
        "user": current_user(request),
        "csrf_token": csrf_token(request),
        "nav": nav_for(request),
        "is_synthetic": getattr(request.state, "is_synthetic", False),
        "page_path": request.url.path,
        "show_feedback": is_public_page(request.url.path),
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code, headers=headers
    )
    return response


#: Sample strata as panel members read them (the codes stay in the strata box and the CSVs).
STRATUM_NAMES = {
    "s60": "Section 60 searches (no suspicion needed)",
    "strip_search": "Strip searches",
    "under_18": "Children (under 18)",
    "nfa": "Searches ending in no further action",
    "rest": "All other searches",
}


def stratum_label(stratum: str | None) -> str:
    """A sample stratum in words: ``nfa`` -> 'Searches ending in no further action'."""
    if not stratum:
        return "Whole frame (simple random sample)"
    if stratum.startswith("ethnic_group:"):
        group = stratum.split(":", 1)[1]
        return f"{group[:1].upper()}{group[1:]} people (self-defined ethnic group)"
    return STRATUM_NAMES.get(stratum, stratum.replace("_", " "))


def pct(value: float | None) -> str:
    """A share as a percentage with one decimal ('' when missing): the shared formatter."""
    return percent_text(value)
