"""Every route tried as every role and anonymously: only the allowed combinations succeed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute

from openpeel.web.security import SESSION_COOKIE
from tests.scrutiny.web_helpers import ROLES_AND_PUBLIC, app_for, client_for
from tests.scrutiny.world import World, csrf_from

A, C, M, L, N = (
    "administrator",
    "panel_coordinator",
    "panel_member",
    "force_liaison",
    "analyst",
)
EVERYONE = ("public", A, C, M, L, N)
STAFF = (A, C, M, L, N)
READERS = (A, C, L, N)


@dataclass(frozen=True)
class Case:
    """One route: method, path pattern, how to fill it, form data, roles allowed."""

    method: str
    pattern: str
    allowed: tuple[str, ...]
    data: tuple[tuple[str, str], ...] = ()
    #: A public data page: the matrix world has no lake, so it answers 400/404 ("nothing
    #: loaded") instead of 200; what is checked is that nobody is sent to log in or refused.
    needs_data: bool = False


CASES = (
    Case("GET", "/", EVERYONE),
    Case("GET", "/healthz", EVERYONE),
    Case("GET", "/login", EVERYONE),
    Case("POST", "/login", EVERYONE, (("username", "nobody-{role}"), ("password", "wrong"))),
    Case("POST", "/logout", STAFF),
    Case("GET", "/account/password", STAFF),
    Case("POST", "/account/password", STAFF, (("current", "wrong"),)),
    Case("GET", "/summaries", EVERYONE),
    Case("GET", "/summaries/{meeting_id}", EVERYONE),
    Case("GET", "/summaries/{meeting_id}/summary.csv", EVERYONE),
    Case("POST", "/feedback", EVERYONE, (("rating", "9"), ("page", "/"))),
    Case("GET", "/scrutiny", STAFF),
    Case("POST", "/scrutiny/panels", (A,), (("name", ""),)),
    Case("GET", "/scrutiny/panels/{panel_id}", STAFF),
    Case("POST", "/scrutiny/panels/{panel_id}/members", (A,), (("username", "nobody"),)),
    Case("GET", "/scrutiny/panels/{panel_id}/trends", STAFF),
    Case("POST", "/scrutiny/panels/{panel_id}/meetings", (C,), (("title", ""),)),
    Case("GET", "/scrutiny/meetings/{meeting_id}", STAFF),
    Case("POST", "/scrutiny/meetings/{meeting_id}/sample", (C,), (("size", "3"),)),
    Case("POST", "/scrutiny/meetings/{meeting_id}/close", (C,)),
    Case("GET", "/scrutiny/items/{item_id}", STAFF),
    Case("POST", "/scrutiny/items/{item_id}/review", (M,), (("rag", "purple"),)),
    Case("POST", "/scrutiny/items/{item_id}/response", (L,), (("response", ""),)),
    Case("GET", "/scrutiny/meetings/{meeting_id}/report", READERS),
    Case("GET", "/scrutiny/meetings/{meeting_id}/report.csv", READERS),
    Case("GET", "/scrutiny/meetings/{meeting_id}/report.html", READERS),
    Case("GET", "/scrutiny/meetings/{meeting_id}/report.pdf", READERS),
    Case("GET", "/scrutiny/meetings/{meeting_id}/audit", (A, C)),
    Case("GET", "/scrutiny/records", (A, N)),
    Case("POST", "/scrutiny/records/import", (A,)),
    Case("GET", "/admin/users", (A,)),
    Case("POST", "/admin/users", (A,), (("username", ""),)),
    Case("GET", "/admin/feedback", (A,)),
    Case("GET", "/admin/feedback.csv", (A,)),
    Case("GET", "/overview", EVERYONE, needs_data=True),
    Case("GET", "/areas/{area_id}", EVERYONE, needs_data=True),
    Case("GET", "/crime", EVERYONE, needs_data=True),
    Case("GET", "/calls", EVERYONE, needs_data=True),
    Case("GET", "/stop-search", EVERYONE, needs_data=True),
    Case("GET", "/stop-search.csv", EVERYONE, needs_data=True),
    Case("GET", "/stop-search/charts", EVERYONE, needs_data=True),
    Case("GET", "/stop-search/charts/{chart_id}.{kind}", EVERYONE, needs_data=True),
    Case("GET", "/data/{panel_id}.csv", EVERYONE, needs_data=True),
    Case("GET", "/peers", EVERYONE, needs_data=True),
    Case("GET", "/peers/data/{panel_id}.csv", EVERYONE, needs_data=True),
    Case("GET", "/peers/official/{panel_id}.csv", EVERYONE, needs_data=True),
    Case("GET", "/trends", EVERYONE, needs_data=True),
    Case("GET", "/trends/data/{panel_id}.csv", EVERYONE, needs_data=True),
    Case("GET", "/staff/vulnerability", READERS, needs_data=True),
    Case("GET", "/staff/vulnerability.csv", READERS, needs_data=True),
    Case("GET", "/static-check", EVERYONE),
    Case("GET", "/staff/offenders", (A, L, N), needs_data=True),
    Case("GET", "/staff/offenders/data/{panel_id}.csv", (A, L, N), needs_data=True),
    Case("GET", "/assess", (A, C, L, N)),
    Case("POST", "/assess/grades", (A,), (("area_id", "victims"), ("reason", ""))),
    Case("POST", "/assess/evidence", (A, N), (("characteristic_id", "P1.2"),)),
    Case("GET", "/assess/afis", (A, C, L, N)),
    Case("POST", "/assess/afis", (A, N), (("area_id", ""),)),
    Case("GET", "/assess/afis/{afi_id}", (A, C, L, N)),
    Case("POST", "/assess/afis/{afi_id}", (A, N), (("title", ""),)),
    Case("POST", "/assess/afis/{afi_id}/actions", (A, N), (("description", ""),)),
    Case("POST", "/assess/afis/{afi_id}/close", (A, N), (("evidence", ""),)),
    # Crime data integrity audits: auditors decide (no matrix user has that role), administrators
    # manage, analysts read. The audit filled in is open with no sample, so managing POSTs fail
    # validation after the role check.
    Case("GET", "/staff/audits", (A, N)),
    Case("POST", "/staff/audits", (A,), (("title", ""),)),
    Case("GET", "/staff/audits/{audit_id}", (A, N)),
    Case("POST", "/staff/audits/{audit_id}/sample", (A,), (("half_width", "x"),)),
    Case("GET", "/staff/audits/{audit_id}/records/{record_id}", (A, N), needs_data=True),
    Case("POST", "/staff/audits/{audit_id}/records/{record_id}/decision", ()),
    Case("POST", "/staff/audits/{audit_id}/close", (A,)),
    Case("GET", "/staff/audits/{audit_id}/estimate", (A, N)),
    Case("GET", "/staff/audits/{audit_id}/estimate.csv", (A, N)),
    Case("GET", "/staff/audits/{audit_id}/report.{kind}", (A, N), needs_data=True),
)


def fill(case: Case, world: World) -> str:
    """The concrete URL: the closed meeting for state-changing POSTs (they then fail
    validation after passing the role check, so nothing changes), the open one otherwise."""
    meeting = world.closed_meeting_id if case.method == "POST" else world.open_meeting_id
    if case.pattern.startswith("/summaries"):
        meeting = world.closed_meeting_id
    item = world.item_ids[1] if case.method == "POST" else world.red_item_id
    if case.pattern.startswith("/data/"):  # a report panel, not a scrutiny panel
        return case.pattern.format(panel_id="crime-volumes")
    return case.pattern.format(
        area_id="fairness",
        panel_id=world.panel_id,
        meeting_id=meeting,
        item_id=item,
        afi_id=_afi_id(world),
        audit_id=_audit_id(world),
        record_id=0,
        chart_id="ethnicity",
        kind="html",
    )


def _audit_id(world: World) -> int:
    """An open crime data integrity audit in the world's database (created on first use)."""
    from datetime import date

    from openpeel.crime_audit import audits
    from openpeel.database.engine import session_scope

    with session_scope(world.engine) as s:
        found = audits.audits_of(s, "west-midlands")
        if found:
            return found[0].id
        return audits.create_audit(
            s, "west-midlands", "Matrix audit", date(2021, 4, 1), date(2021, 4, 30)
        ).id


def _afi_id(world: World) -> int:
    """An area for improvement in the world's database (created on first use)."""
    from openpeel.assess import records
    from openpeel.database.engine import session_scope

    with session_scope(world.engine) as s:
        found = records.improvements(s, "west-midlands")
        if found:
            return found[0].id
        actor = records.Actor("matrix")
        return records.create_improvement(
            s, actor, "west-midlands", "peel-2021-22", "victims", "Matrix AFI"
        ).id


@pytest.fixture(scope="module")
def clients(world: World) -> Iterator[dict[str, object]]:
    app = app_for(world)
    yield {"app": app, **{role: client_for(app, role) for role in ROLES_AND_PUBLIC}}


def api_routes(routes: list[object]) -> Iterator[APIRoute]:
    """Every APIRoute, looking inside included routers (newer FastAPI wraps them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from api_routes(inner.routes)


def test_every_route_is_in_the_matrix(clients: dict[str, object]) -> None:
    app = clients["app"]
    routes = {
        (method, route.path)
        for route in api_routes(app.routes)  # type: ignore[attr-defined]
        for method in route.methods
    }
    assert len(routes) > 30
    covered = {(c.method, c.pattern) for c in CASES}
    assert routes == covered


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.pattern}")
def test_role_route_matrix(case: Case, role: str, world: World, clients: dict[str, object]) -> None:
    client = clients[role]
    if case.pattern == "/logout" and role != "public":
        client = client_for(clients["app"], role)  # type: ignore[arg-type]
    url = fill(case, world)
    if case.method == "GET":
        response = client.get(url, follow_redirects=False)  # type: ignore[attr-defined]
    else:
        token = csrf_from(client.get("/login").text)  # type: ignore[attr-defined]
        data = {k: v.format(role=role) for k, v in case.data} | {"csrf_token": token}
        response = client.post(url, data=data, follow_redirects=False)  # type: ignore[attr-defined]
    location = response.headers.get("location", "")
    if role in case.allowed:
        if case.method == "GET" and case.needs_data:
            assert response.status_code in (200, 400, 404), (url, role, response.status_code)
        elif case.method == "GET":
            assert response.status_code == 200, (url, role, response.status_code)
        else:
            assert response.status_code in (200, 303, 400, 401), (url, role, response.status_code)
            assert not location.startswith("/login"), (url, role, location)
    elif role == "public":
        assert response.status_code == 303, (url, response.status_code)
        assert location.startswith("/login?next=")
    else:
        assert response.status_code == 403, (url, role, response.status_code)
    if case.pattern == "/logout" and role != "public":
        assert SESSION_COOKIE in response.headers.get("set-cookie", "")


def _fields(app: object, case: Case) -> list[str]:
    """Every query or form field a route reads (its own and its dependencies'), by the name
    sent, plus the fields of the case (routes that read the form themselves)."""
    names = {k for k, _ in case.data}

    def walk(dependant: object) -> None:
        kind = "body_params" if case.method == "POST" else "query_params"
        names.update(p.alias for p in getattr(dependant, kind))
        for sub in dependant.dependencies:  # type: ignore[attr-defined]
            walk(sub)

    for route in api_routes(app.routes):  # type: ignore[attr-defined]
        if route.path == case.pattern and case.method in route.methods:
            walk(route.dependant)
    names.discard("csrf_token")
    if case.pattern.endswith("/review"):
        names |= {"rag", "comments"}
    return sorted(names)


#: What no field may carry to the database: a NUL byte (PostgreSQL refuses it inside a
#: statement), another control character, or more text than any column holds (5,000
#: characters in a query string, the most a client sends in one).
BAD_VALUES = {"nul": "a\x00b", "escape": "\x1b[2Jx", "overlong": "x" * 70_000}


@pytest.mark.parametrize("bad", sorted(BAD_VALUES))
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.pattern}")
def test_bad_characters_and_lengths_are_refused_before_the_database(
    case: Case, bad: str, world: World, clients: dict[str, object]
) -> None:
    """Every field of every route, as a role allowed to use it: 400, never a 500 (on SQLite and
    PostgreSQL), and nothing stored."""
    if not case.allowed:
        pytest.skip("no role of the matrix may use the route (auditors' decisions)")
    role = case.allowed[0]
    client = clients[role]
    if case.pattern == "/logout":
        client = client_for(clients["app"], role)  # type: ignore[arg-type]
    url = fill(case, world)
    fields = _fields(clients["app"], case)
    if not fields:
        pytest.skip("the route reads no field")
    for name in fields:
        value = BAD_VALUES[bad][:5_000] if case.method == "GET" else BAD_VALUES[bad]
        values = {k: v.format(role=role) for k, v in case.data} | {name: value}
        if case.method == "GET":
            response = client.get(url, params=values, follow_redirects=False)  # type: ignore[attr-defined]
        else:
            token = csrf_from(client.get("/login").text)  # type: ignore[attr-defined]
            response = client.post(  # type: ignore[attr-defined]
                url, data=values | {"csrf_token": token}, follow_redirects=False
            )
        assert response.status_code == 400, (url, name, bad, response.status_code)
