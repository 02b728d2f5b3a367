"""Every credential or status change ends every session of the user, whoever makes it (the CLI,
the library or the web form): a password reset or a disable-then-enable never revives an old
session."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from openpeel.database.engine import session_scope
from openpeel.scrutiny import users
from tests.scrutiny.web_helpers import app_for, client_for
from tests.scrutiny.world import PASSWORD, World


@pytest.fixture(scope="module")
def app(world: World) -> FastAPI:
    return app_for(world)


def _signed_in(app: FastAPI, username: str) -> object:
    client = client_for(app, username)
    assert client.get("/scrutiny", follow_redirects=False).status_code == 200
    return client


def _is_signed_in(client: object) -> bool:
    return client.get("/scrutiny", follow_redirects=False).status_code == 200  # type: ignore[attr-defined]


def test_password_reset_outside_the_web_ends_sessions(world: World, app: FastAPI) -> None:
    client = _signed_in(app, "member2")
    with session_scope(world.engine) as s:
        users.set_password(s, users.get_user(s, "member2"), "another long passphrase", None)
    assert not _is_signed_in(client)
    with session_scope(world.engine) as s:
        users.set_password(s, users.get_user(s, "member2"), PASSWORD, None)


def test_disable_then_enable_does_not_revive_sessions(world: World, app: FastAPI) -> None:
    client = _signed_in(app, "outsider")
    with session_scope(world.engine) as s:
        users.set_active(s, users.get_user(s, "outsider"), False, None)
    assert not _is_signed_in(client)
    with session_scope(world.engine) as s:
        users.set_active(s, users.get_user(s, "outsider"), True, None)
    assert not _is_signed_in(client)
    assert _is_signed_in(client_for(app, "outsider"))  # a fresh login works again
