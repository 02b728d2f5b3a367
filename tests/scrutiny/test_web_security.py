"""Security of the web app: CSRF, session fixation, rate limits, injection, cross-panel ids."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from openpeel.database.engine import session_scope
from openpeel.scrutiny import records
from openpeel.scrutiny.models import Feedback, LiaisonResponse, Review, SearchRecord, User
from openpeel.web.security import ANON_COOKIE, SESSION_COOKIE
from tests.scrutiny.test_web_matrix import CASES, fill
from tests.scrutiny.web_helpers import app_for, client_for
from tests.scrutiny.world import PASSWORD, REVIEW, World, csrf_from, login

PAYLOADS = (
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE users; --",
    "1 OR 1=1; SELECT * FROM users WHERE 'a'='a",
)


@pytest.fixture(scope="module")
def app(world: World) -> Iterator[object]:
    yield app_for(world)


def cookie(client: object, name: str) -> str | None:
    """The cookie's value (None when absent or more than one)."""
    values = [c.value for c in client.cookies.jar if c.name == name]  # type: ignore[attr-defined]
    assert len(values) <= 1, values
    return values[0] if values else None


def plant(client: object, name: str, value: str) -> None:
    """Set a cookie as the server would have (same domain), replacing any other."""
    client.cookies.set(name, value, domain="testserver.local", path="/")  # type: ignore[attr-defined]


# A route no role of the matrix may use (an audit decision needs a drawn sample) is refused
# before its token is read; the other routes share the same CSRF check.
@pytest.mark.parametrize(
    "case", [c for c in CASES if c.method == "POST" and c.allowed], ids=lambda c: c.pattern
)
def test_missing_or_wrong_csrf_token_is_refused(case: object, app: object, world: World) -> None:
    role = case.allowed[0]  # type: ignore[attr-defined]
    client = client_for(app, role)  # type: ignore[arg-type]
    other = client_for(app, role)  # type: ignore[arg-type]
    url = fill(case, world)  # type: ignore[arg-type]
    data = dict(case.data)  # type: ignore[attr-defined]
    foreign = csrf_from(other.get("/login").text)
    for token in (None, "", "forged-token", foreign):
        payload = data if token is None else {**data, "csrf_token": token}
        response = client.post(url, data=payload, follow_redirects=False)
        assert response.status_code == 403, (url, token, response.status_code)
    header = client.post(url, data=data, headers={"X-CSRF-Token": "bad"}, follow_redirects=False)
    assert header.status_code == 403


def test_post_without_any_cookie_is_refused(app: object) -> None:
    from tests.scrutiny.web_helpers import TestClient

    fresh = TestClient(app)  # type: ignore[arg-type]
    response = fresh.post("/feedback", data={"rating": "3", "csrf_token": "x"})
    assert response.status_code == 403


def test_session_fixation_is_prevented(app: object) -> None:
    client = client_for(app, "public")  # type: ignore[arg-type]
    plant(client, SESSION_COOKIE, "attacker-chosen-value")
    anon_before = cookie(client, ANON_COOKIE)
    login(client, "analyst")
    first = cookie(client, SESSION_COOKIE)
    assert first and first != "attacker-chosen-value"
    assert cookie(client, ANON_COOKIE) != anon_before
    assert client.get("/scrutiny", follow_redirects=False).status_code == 200
    # Logging in again (same browser) issues a new id and kills the old one.
    login(client, "analyst")
    second = cookie(client, SESSION_COOKIE)
    assert second != first
    stale = client_for(app, "public")  # type: ignore[arg-type]
    plant(stale, SESSION_COOKIE, first)
    response = stale.get("/scrutiny", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_logout_ends_the_session_server_side(app: object) -> None:
    client = client_for(app, "analyst")  # type: ignore[arg-type]
    token = cookie(client, SESSION_COOKIE)
    csrf = csrf_from(client.get("/scrutiny").text)
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    replay = client_for(app, "public")  # type: ignore[arg-type]
    plant(replay, SESSION_COOKIE, token)
    assert replay.get("/scrutiny", follow_redirects=False).status_code == 303


def test_cookie_flags(world: World) -> None:
    plain = client_for(app_for(world), "public")
    page = plain.get("/login")
    response = plain.post(
        "/login",
        data={"username": "analyst", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    secure = client_for(app_for(world), "public", base_url="https://testserver")
    page = secure.get("/login")
    response = secure.post(
        "/login",
        data={"username": "analyst", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "Secure" in cookie and "HttpOnly" in cookie
    headers = response.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_login_rate_limit(app: object) -> None:
    client = client_for(app, "public")  # type: ignore[arg-type]
    for _ in range(5):
        page = client.get("/login")
        wrong = client.post(
            "/login",
            data={"username": "member2", "password": "nope", "csrf_token": csrf_from(page.text)},
        )
        assert wrong.status_code == 401
    page = client.get("/login")
    right = client.post(
        "/login",
        data={"username": "member2", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert right.status_code == 429
    assert "Too many failed attempts" in right.text


def test_open_redirect_is_refused(app: object) -> None:
    client = client_for(app, "public")  # type: ignore[arg-type]
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "analyst",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/scrutiny"


def test_password_change_rotates_sessions(world: World) -> None:
    app = app_for(world)
    client = client_for(app, "coord2")
    other_device = client_for(app, "coord2")
    old = cookie(client, SESSION_COOKIE)
    csrf = csrf_from(client.get("/account/password").text)
    bad = client.post(
        "/account/password",
        data={"current": "wrong", "new": "x" * 12, "confirm": "x" * 12, "csrf_token": csrf},
    )
    assert bad.status_code == 400
    short = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "short", "confirm": "short", "csrf_token": csrf},
    )
    assert short.status_code == 400 and "at least 12" in short.text
    new_password = "a brand new passphrase"
    done = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": new_password,
            "confirm": new_password,
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert cookie(client, SESSION_COOKIE) != old
    assert client.get("/scrutiny", follow_redirects=False).status_code == 200
    assert other_device.get("/scrutiny", follow_redirects=False).status_code == 303
    fresh = client_for(app, "public")
    login(fresh, "coord2", new_password)
    # Put the password back for the other tests of this module.
    csrf = csrf_from(fresh.get("/account/password").text)
    fresh.post(
        "/account/password",
        data={"current": new_password, "new": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf},
    )


def test_cross_panel_ids_are_not_found(app: object, world: World) -> None:
    outsider = client_for(app, "outsider")  # type: ignore[arg-type]
    for url in (
        f"/scrutiny/items/{world.red_item_id}",
        f"/scrutiny/meetings/{world.open_meeting_id}",
        f"/scrutiny/panels/{world.panel_id}",
        f"/scrutiny/panels/{world.panel_id}/trends",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.get(f"/scrutiny/items/{world.other_item_id}").status_code == 200
    csrf = csrf_from(outsider.get("/scrutiny").text)
    sneaky = outsider.post(
        f"/scrutiny/items/{world.item_ids[2]}/review", data={**REVIEW, "csrf_token": csrf}
    )
    assert sneaky.status_code == 404
    member = client_for(app, "panel_member")  # type: ignore[arg-type]
    assert member.get(f"/scrutiny/items/{world.other_item_id}").status_code == 404
    assert member.get(f"/scrutiny/meetings/{world.other_meeting_id}").status_code == 404
    coord2 = client_for(app, "coord2")  # type: ignore[arg-type]
    csrf = csrf_from(coord2.get("/scrutiny").text)
    closing = coord2.post(
        f"/scrutiny/meetings/{world.open_meeting_id}/close", data={"csrf_token": csrf}
    )
    assert closing.status_code == 404
    liaison = client_for(app, "force_liaison")  # type: ignore[arg-type]
    assert liaison.get(f"/scrutiny/meetings/{world.other_meeting_id}/report").status_code == 404
    with session_scope(world.engine) as s:
        stored = s.scalars(select(Review).where(Review.item_id == world.item_ids[2])).all()
    assert stored == []


def assert_inert(html: str, payload: str) -> None:
    assert payload not in html
    assert "<script>alert" not in html
    assert "onerror=alert(1)>" not in html


def test_injection_payloads_are_stored_and_shown_inert(app: object, world: World) -> None:
    member = client_for(app, "panel_member")  # type: ignore[arg-type]
    liaison = client_for(app, "force_liaison")  # type: ignore[arg-type]
    admin = client_for(app, "administrator")  # type: ignore[arg-type]
    coordinator = client_for(app, "panel_coordinator")  # type: ignore[arg-type]
    public = client_for(app, "public")  # type: ignore[arg-type]
    with session_scope(world.engine) as s:
        users_before = s.scalar(select(func.count(User.id)))
    for n, payload in enumerate(PAYLOADS):
        item = world.red_item_id
        csrf = csrf_from(member.get(f"/scrutiny/items/{item}").text)
        saved = member.post(
            f"/scrutiny/items/{item}/review",
            data={**REVIEW, "rag": "red", "comments": payload, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        csrf = csrf_from(liaison.get(f"/scrutiny/items/{item}").text)
        answered = liaison.post(
            f"/scrutiny/items/{item}/response",
            data={"response": payload, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert answered.status_code == 303
        for page in (
            liaison.get(f"/scrutiny/items/{item}").text,
            member.get(f"/scrutiny/items/{item}").text,
            coordinator.get(f"/scrutiny/meetings/{world.open_meeting_id}/report").text,
            coordinator.get(f"/scrutiny/meetings/{world.open_meeting_id}/audit").text,
        ):
            assert_inert(page, payload)
        csrf = csrf_from(public.get("/").text)
        public.post(
            "/feedback",
            data={
                "rating": "2",
                "page": "/",
                "comment": payload,
                "consent": "on",
                "name": payload,
                "email": "",
                "csrf_token": csrf,
            },
        )
        csrf = csrf_from(admin.get("/admin/users").text)
        created = admin.post(
            "/admin/users",
            data={
                "username": f"inj{n}",
                "display_name": payload,
                "role": "analyst",
                "password": PASSWORD,
                "csrf_token": csrf,
            },
            follow_redirects=False,
        )
        assert created.status_code == 303
        refused = admin.post(
            "/admin/users",
            data={"username": payload, "role": "analyst", "password": PASSWORD, "csrf_token": csrf},
        )
        assert refused.status_code == 400
        assert_inert(refused.text, payload)
        login_page = public.get("/login")
        echoed = public.post(
            "/login",
            data={"username": payload, "password": "x", "csrf_token": csrf_from(login_page.text)},
        )
        assert_inert(echoed.text, payload)
        csrf = csrf_from(coordinator.get(f"/scrutiny/panels/{world.panel_id}").text)
        bad_meeting = coordinator.post(
            f"/scrutiny/panels/{world.panel_id}/meetings",
            data={"title": payload, "meeting_date": payload, "csrf_token": csrf},
        )
        assert bad_meeting.status_code == 400
        assert_inert(bad_meeting.text, payload)
        assert_inert(admin.get("/admin/feedback").text, payload)
        assert_inert(admin.get("/admin/users").text, payload)
    # Stored exactly as typed, and no table was harmed.
    with session_scope(world.engine) as s:
        review = s.scalar(select(Review).where(Review.item_id == world.red_item_id))
        response = s.scalar(
            select(LiaisonResponse).where(LiaisonResponse.item_id == world.red_item_id)
        )
        assert review is not None and review.comments == PAYLOADS[-1]
        assert response is not None and response.response == PAYLOADS[-1]
        names = set(s.scalars(select(Feedback.contact_name)).all())
        assert set(PAYLOADS) <= names
        assert s.scalar(select(func.count(User.id))) == users_before + len(PAYLOADS)


def test_payloads_in_imported_records_are_inert(app: object, world: World) -> None:
    admin = client_for(app, "administrator")  # type: ignore[arg-type]
    header = ",".join(records.KNOWN)
    payload = PAYLOADS[0]
    line = ",".join(
        {
            "search_id": "INJ-1",
            "force_id": "kent",
            "officer_pseudonym": "OFF-x1",
            "datetime": "2024-02-02T10:00:00",
            "type": "person",
            "legislation": "pace_s1",
            "outcome": "arrest",
            "grounds": f'"{payload}"',
            "location": f'"{PAYLOADS[1].replace(chr(34), chr(34) * 2)}"',
        }.get(c, "")
        for c in records.KNOWN
    )
    csrf = csrf_from(admin.get("/scrutiny/records").text)
    response = admin.post(
        "/scrutiny/records/import",
        data={"csrf_token": csrf},
        files={"file": ("inj<b>.csv", io.BytesIO(f"{header}\n{line}\n".encode()), "text/csv")},
    )
    assert response.status_code == 200
    assert "1 loaded" in response.text
    assert "inj<b>" not in response.text
    with session_scope(world.engine) as s:
        stored = s.scalar(select(SearchRecord).where(SearchRecord.search_id == "INJ-1"))
        assert stored is not None and stored.grounds_text == payload
        assert stored.location == PAYLOADS[1]
    bad = admin.post(
        "/scrutiny/records/import",
        data={"csrf_token": csrf},
        files={"file": ("bad.csv", io.BytesIO(b"a,b\n1,2\n"), "text/csv")},
    )
    assert bad.status_code == 400
    assert "missing columns" in bad.text
