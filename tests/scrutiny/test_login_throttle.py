"""Login throttling by account and client with back-off, not a lock: a guesser waits longer and
longer, the account's owner logs in from elsewhere, and a proxy's X-Forwarded-For counts only
when the proxy is trusted."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from openpeel.database.base import utcnow
from openpeel.database.engine import session_scope
from openpeel.scrutiny.models import LoginAttempt
from openpeel.web.app import create_app
from openpeel.web.security import login_wait_seconds, note_login
from tests.scrutiny.world import PASSWORD, World, csrf_from


def _app(world: World, trusted: tuple[str, ...] = ("testclient",)) -> FastAPI:
    return create_app(engine=world.engine, trusted_proxies=trusted)


def _try(client: TestClient, username: str, password: str, address: str) -> int:
    headers = {"X-Forwarded-For": address}
    page = client.get("/login", headers=headers)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        headers=headers,
        follow_redirects=False,
    )
    return response.status_code


def _forget_attempts(world: World) -> None:
    from sqlalchemy import delete

    with session_scope(world.engine) as s:
        s.execute(delete(LoginAttempt))


def test_a_guesser_does_not_lock_the_owner_out(world: World) -> None:
    _forget_attempts(world)
    guesser, owner = TestClient(_app(world)), TestClient(_app(world))
    for _ in range(5):
        assert _try(guesser, "admin", "wrong guess", "203.0.113.7") == 401
    assert _try(guesser, "admin", PASSWORD, "203.0.113.7") == 429  # the guesser waits
    assert _try(owner, "admin", PASSWORD, "198.51.100.20") == 303  # the owner logs in
    _forget_attempts(world)


def test_waits_grow_and_end_by_themselves(world: World) -> None:
    _forget_attempts(world)
    now = utcnow()
    with session_scope(world.engine) as s:
        for _ in range(5):
            s.add(LoginAttempt(username="member2", client_key="k", succeeded=False, at=now))
    with session_scope(world.engine) as s:
        first = login_wait_seconds(s, "member2", "k", now)
        assert 0 < first <= 30
        assert login_wait_seconds(s, "member2", "k", now + timedelta(seconds=31)) == 0
        assert login_wait_seconds(s, "member2", "other client", now) == 0
        note_login(s, "member2", "k", False)
    with session_scope(world.engine) as s:
        later = utcnow()
        assert 30 < login_wait_seconds(s, "member2", "k", later) <= 60  # doubled
    _forget_attempts(world)


def test_forwarded_addresses_count_only_from_a_trusted_proxy(world: World) -> None:
    _forget_attempts(world)
    untrusted = TestClient(_app(world, trusted=()))
    # Without trust, X-Forwarded-For is ignored: every "address" is the same client.
    for n in range(5):
        assert _try(untrusted, "analyst", "wrong guess", f"192.0.2.{n}") == 401
    assert _try(untrusted, "analyst", PASSWORD, "192.0.2.99") == 429
    _forget_attempts(world)
    trusted = TestClient(_app(world))
    for _ in range(5):
        assert _try(trusted, "analyst", "wrong guess", "192.0.2.1") == 401
    assert _try(trusted, "analyst", PASSWORD, "192.0.2.2") == 303  # another client behind it
    _forget_attempts(world)
