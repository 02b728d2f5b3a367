"""Pages, static files and the CLI face of the web app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.database import migrate
from openpeel.database.engine import make_engine
from openpeel.database.migrate import current_revision, head_revision, migrates_itself
from openpeel.web.app import create_app
from tests.scrutiny.web_helpers import TestClient, app_for, client_for
from tests.scrutiny.world import World, csrf_from

PUBLIC_PAGES = ("/", "/summaries", "/summaries/{closed}")


@pytest.fixture(scope="module")
def app(world: World) -> object:
    return app_for(world)


def test_public_pages_carry_feedback_banner_and_skip_link(app: object, world: World) -> None:
    client = client_for(app, "public")  # type: ignore[arg-type]
    for path in PUBLIC_PAGES:
        html = client.get(path.format(closed=world.closed_meeting_id)).text
        assert 'id="feedback"' in html, path
        assert "SYNTHETIC DATA" in html, path
        assert 'href="#main"' in html and 'id="main"' in html
        assert 'src="/static/htmx.min.js"' in html
        assert "cdn" not in html.lower()


def test_no_banner_when_data_are_real(world: World) -> None:
    client = TestClient(create_app(engine=world.engine, is_synthetic=False))
    assert "SYNTHETIC DATA" not in client.get("/").text


def test_htmx_is_vendored_with_its_licence(app: object) -> None:
    client = client_for(app, "public")  # type: ignore[arg-type]
    js = client.get("/static/htmx.min.js")
    assert js.status_code == 200
    assert js.text.startswith("/*! htmx 2.0.11")
    assert "0BSD" in js.text[:200]
    assert "Zero-Clause BSD" in client.get("/static/htmx.LICENSE.txt").text


def test_feedback_over_htmx_and_rate_limit(app: object) -> None:
    client = client_for(app, "public")  # type: ignore[arg-type]
    client.headers["X-Forwarded-For"] = "ignored"
    csrf = csrf_from(client.get("/summaries").text)
    messages = []
    for _ in range(12):
        response = client.post(
            "/feedback",
            data={"rating": "3", "page": "/summaries", "csrf_token": csrf},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        messages.append(response.text)
    assert "Thank you" in messages[0]
    assert "try later" in messages[-1]
    plain = client.post(
        "/feedback", data={"rating": "3", "page": "/", "csrf_token": csrf}, follow_redirects=False
    )
    assert plain.status_code == 429


def test_public_summary_hides_small_counts(app: object, world: World) -> None:
    client = client_for(app, "public")  # type: ignore[arg-type]
    html = client.get(f"/summaries/{world.closed_meeting_id}").text
    assert "fewer than 5" in html
    rows = client.get(f"/summaries/{world.closed_meeting_id}/summary.csv").text.splitlines()
    small = [r for r in rows if ",True," in r]
    assert small and all(",,,,,True," in r for r in small)


def test_summary_of_open_meeting_is_not_public(app: object, world: World) -> None:
    client = client_for(app, "public")  # type: ignore[arg-type]
    assert client.get(f"/summaries/{world.open_meeting_id}").status_code == 404
    assert client.get("/summaries/999999").status_code == 404


def test_member_sees_only_own_review_and_coordinator_sees_progress(
    app: object, world: World
) -> None:
    member2 = client_for(app, "member2")  # type: ignore[arg-type]
    page = member2.get(f"/scrutiny/items/{world.red_item_id}").text
    assert "Member1" not in page  # another member's review is not shown to members
    coordinator = client_for(app, "panel_coordinator")  # type: ignore[arg-type]
    meeting = coordinator.get(f"/scrutiny/meetings/{world.open_meeting_id}").text
    assert "Draw sample" not in meeting  # already drawn
    assert "Close the meeting" in meeting


def test_serve_creates_and_migrates_the_embedded_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    data_dir = tmp_path / "fresh"  # not even created yet
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "serve"])
    assert result.exit_code == 0, result.output
    assert len(served) == 1
    engine = make_engine(f"sqlite:///{data_dir / 'openpeel.db'}")
    assert current_revision(engine) == head_revision()


def test_serve_refuses_an_unmigrated_server_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert migrates_itself(make_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    assert not migrates_itself(make_engine("postgresql://someone@db.invalid/openpeel"))
    # A server database (stood in for by SQLite here) is migrated on purpose only.
    monkeypatch.setattr(migrate, "migrates_itself", lambda engine: False)
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "serve"])
    assert result.exit_code == 1
    assert "openpeel db upgrade" in result.output
    assert "Traceback" not in result.output


def test_create_app_needs_a_migrated_database(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="db upgrade"):
        create_app(engine=make_engine(f"sqlite:///{tmp_path / 'empty.db'}"))
