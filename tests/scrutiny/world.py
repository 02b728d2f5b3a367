"""A small scrutiny world for tests: users of every role, two panels, records, meetings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from openpeel.database.engine import make_engine, session_scope
from openpeel.database.migrate import upgrade
from openpeel.database.models import metadata
from openpeel.scrutiny import records, reviews, sampling, users
from openpeel.scrutiny.models import Meeting, SampleItem
from openpeel.synth.search_records import write_search_records

PASSWORD = "correct horse battery"
ROLE_USERS = {
    "administrator": "admin",
    "panel_coordinator": "coord",
    "panel_member": "member1",
    "force_liaison": "liaison",
    "analyst": "analyst",
}
REVIEW = {
    "grounds_recorded": "yes",
    "grounds_reasonable": "yes",
    "bwv_available": "yes",
    "bwv_whole_encounter": "yes",
    "respectful": "yes",
    "force_used": "no",
    "force_justified": "not_applicable",
    "rag": "green",
    "gowisely_grounds": "on",
    "comments": "",
}


def database_urls() -> list[pytest.param]:  # type: ignore[valid-type]
    """SQLite always; PostgreSQL when OPENPEEL_TEST_POSTGRES_URL is set."""
    pg = os.environ.get("OPENPEEL_TEST_POSTGRES_URL")
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            pg or "",
            id="postgresql",
            marks=pytest.mark.skipif(not pg, reason="OPENPEEL_TEST_POSTGRES_URL not set"),
        ),
    ]


def fresh_engine(kind: str, folder: Path) -> Engine:
    """A migrated, empty database: a SQLite file in ``folder`` or the PostgreSQL test database."""
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{folder / 'scrutiny.db'}")
    else:
        engine = make_engine(kind)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    return engine


@dataclass
class World:
    """Ids of what ``build_world`` made."""

    engine: Engine
    panel_id: int = 0
    other_panel_id: int = 0
    open_meeting_id: int = 0
    closed_meeting_id: int = 0
    other_meeting_id: int = 0
    item_ids: list[int] = field(default_factory=list)
    red_item_id: int = 0
    other_item_id: int = 0
    csv_path: Path | None = None


def build_world(engine: Engine, folder: Path, records_count: int = 300) -> World:
    """Users of every role (plus outsiders on a second panel), records, three meetings."""
    world = World(engine)
    csv_path = write_search_records(folder / "records.csv", rows=records_count, seed=11)
    world.csv_path = csv_path
    with session_scope(engine) as s:
        made = {
            role: users.add_user(s, name, PASSWORD, role, name.capitalize())
            for role, name in ROLE_USERS.items()
        }
        member2 = users.add_user(s, "member2", PASSWORD, "panel_member", "Member Two")
        outsider = users.add_user(s, "outsider", PASSWORD, "panel_member", "Out Sider")
        other_coord = users.add_user(s, "coord2", PASSWORD, "panel_coordinator", "Coord Two")
        records.import_file(s, csv_path)
        panel = users.add_panel(s, "Central panel", "west-midlands")
        other = users.add_panel(s, "Other panel", "west-midlands")
        for role in ("panel_coordinator", "panel_member", "force_liaison"):
            users.add_member(s, panel, made[role])
        users.add_member(s, panel, member2)
        users.add_member(s, other, outsider)
        users.add_member(s, other, other_coord)
        world.panel_id, world.other_panel_id = panel.id, other.id
        span = (date(2024, 1, 1), date(2024, 3, 31))
        open_m = sampling.add_meeting(s, panel, "Spring meeting", date(2024, 4, 10), *span)
        closed_m = sampling.add_meeting(s, panel, "Winter meeting", date(2024, 4, 1), *span)
        other_m = sampling.add_meeting(s, other, "Other meeting", date(2024, 4, 12), *span)
        sample = sampling.draw_sample(s, open_m, "simple", size=8, seed=1)
        closed_sample = sampling.draw_sample(s, closed_m, "simple", size=6, seed=2)
        other_sample = sampling.draw_sample(s, other_m, "simple", size=4, seed=3)
        world.item_ids = [i.id for i in sample.items]
        world.red_item_id = sample.items[0].id
        world.other_item_id = other_sample.items[0].id
        reviews.submit_review(s, sample.items[0], made["panel_member"], {**REVIEW, "rag": "red"})
        for item in closed_sample.items:
            reviews.submit_review(s, item, made["panel_member"], REVIEW)
        reviews.close_meeting(s, closed_m, made["panel_coordinator"].id)
        world.open_meeting_id = open_m.id
        world.closed_meeting_id = closed_m.id
        world.other_meeting_id = other_m.id
    return world


def item_meeting(engine: Engine, item_id: int) -> Meeting:
    """The meeting of a sample item."""
    with session_scope(engine) as s:
        item = s.get(SampleItem, item_id)
        assert item is not None
        return reviews.meeting_of_item(s, item)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token in a rendered page."""
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: object, username: str, password: str = PASSWORD) -> None:
    """Log a TestClient in (asserting success)."""
    page = client.get("/login")  # type: ignore[attr-defined]
    response = client.post(  # type: ignore[attr-defined]
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


def drop_all(engine: Engine) -> None:
    """Remove every table (used by tests that exercise downgrade)."""
    metadata().drop_all(engine)
