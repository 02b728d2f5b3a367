"""The staff forms' fields (``openpeel.web.forms``): length limits refuse a form before anything
changes, and a field left empty takes its default."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from openpeel.database.engine import session_scope
from openpeel.scrutiny.models import Panel, User
from openpeel.web.forms import AuditSampleForm, LoginForm, MeetingForm, SampleForm
from tests.scrutiny.web_helpers import TestClient, app_for, client_for
from tests.scrutiny.world import PASSWORD, World, csrf_from


@pytest.fixture(scope="module")
def admin(world: World) -> TestClient:
    return client_for(app_for(world), "administrator")


def _count(world: World, model: type) -> int:
    with session_scope(world.engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _post(client: TestClient, url: str, data: dict[str, str]) -> object:
    token = csrf_from(client.get("/login").text)
    return client.post(url, data=data | {"csrf_token": token}, follow_redirects=False)


def test_too_long_field_is_refused_by_name_and_nothing_changes(
    admin: TestClient, world: World
) -> None:
    panels = _count(world, Panel)
    response = _post(admin, "/scrutiny/panels", {"name": "x" * 201, "force_id": "kent"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "missing, too long or of the wrong kind: name" in response.text  # type: ignore[attr-defined]
    assert "x" * 201 not in response.text  # type: ignore[attr-defined]
    assert _count(world, Panel) == panels


def test_too_long_user_fields_are_all_named(admin: TestClient, world: World) -> None:
    users = _count(world, User)
    response = _post(
        admin,
        "/admin/users",
        {"username": "u" * 65, "role": "analyst", "password": "p" * 1001},
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "password, username" in response.text  # type: ignore[attr-defined]
    assert _count(world, User) == users


def test_empty_next_goes_to_the_default_page(world: World) -> None:
    client = TestClient(app_for(world))
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "coord", "password": PASSWORD, "next": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/scrutiny"


def test_defaults_and_limits_of_the_models() -> None:
    assert LoginForm().next == "/scrutiny"
    assert SampleForm().design == "simple"
    assert (AuditSampleForm().half_width, AuditSampleForm().second_share) == ("0.02", "0.1")
    assert MeetingForm.model_fields["period_from"].metadata[0].max_length == 10
    with pytest.raises(ValueError, match="at most 12 characters"):
        SampleForm(seed="1" * 13)
