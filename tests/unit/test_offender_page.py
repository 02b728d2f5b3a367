"""The public protection unit's offender page (FastAPI TestClient): staff with an allowed role see
the report library's offender panels and the wanted and missing list, with the same numbers as the
library; the public and panel members are refused; the page is marked synthetic."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

import openpeel
from openpeel.calendar import Period, last_day
from openpeel.database.engine import make_engine
from openpeel.database.migrate import upgrade
from openpeel.exports import strip_notes
from openpeel.indicators import offenders as ind
from openpeel.report.offender_panels import offender_panels, wanted_missing_panel
from openpeel.scrutiny import users
from openpeel.web import public_data
from openpeel.web.app import create_app
from tests.unit.report_lake import END, FORCE, START, shared_lake

QS = f"force={FORCE}&from={START}&to={END}"
PAGE = "/staff/offenders"
PASSWORD = "correct horse battery"
ROLES = {"analyst": "analyst", "force_liaison": "liaison", "panel_member": "member"}


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def app(lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    original = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'web.db'}")
    upgrade(engine)
    app = create_app(engine=engine, data_dir=lake)
    with app.state.sessions() as session:
        for role, name in ROLES.items():
            users.add_user(session, name, PASSWORD, role)
        session.commit()
    public_data.clear_cache()
    yield app
    users._hasher = original
    engine.dispose()


def client_as(app: FastAPI, role: str | None) -> TestClient:
    client = TestClient(app)
    if role is not None:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        r = client.post(
            "/login",
            data={"username": ROLES[role], "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:300]
    return client


def test_anonymous_is_sent_to_login(app: FastAPI) -> None:
    r = client_as(app, None).get(f"{PAGE}?{QS}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=/staff/offenders")
    csv_r = client_as(app, None).get(f"{PAGE}/data/offenders-backlog.csv?{QS}")
    assert "Pseudonymous" not in csv_r.text and "offender_id" not in csv_r.text


def test_panel_member_is_refused(app: FastAPI) -> None:
    client = client_as(app, "panel_member")
    assert client.get(f"{PAGE}?{QS}").status_code == 403
    assert client.get(f"{PAGE}/data/offenders-wanted-missing.csv?{QS}").status_code == 403
    assert f'href="{PAGE}"' not in client.get("/").text


@pytest.mark.parametrize("role", ["analyst", "force_liaison"])
def test_page_shows_the_library_numbers(app: FastAPI, lake: Path, role: str) -> None:
    client = client_as(app, role)
    r = client.get(f"{PAGE}?{QS}")
    assert r.status_code == 200, r.text[:500]
    text = html.unescape(r.text)
    assert 'id="data-synthetic-banner"' in text
    assert "SYNTHETIC" in text.upper()
    con = openpeel.connect(lake)
    period = Period.from_months(START, END)
    expected = [*offender_panels(con, FORCE, period), wanted_missing_panel(con, FORCE, period)]
    ids = [p.panel_id for p in expected]
    assert {"offenders-backlog", "offenders-caseload", "offenders-forecast"} <= set(ids)
    assert "offenders-orders" in ids and "offenders-wanted-missing" in ids
    for panel in expected:
        assert not panel.unavailable, (panel.panel_id, panel.unavailable)
        assert f'id="{panel.panel_id}"' in text
        for headline in panel.headlines:
            assert headline.value in text, (panel.panel_id, headline.label)
            assert headline.definition in text
    assert text.count('<figure class="chart"') >= 4
    # The wanted and missing counts are those of the indicator, one table row per offender.
    as_at = min(ind.extract_as_at(con, FORCE), last_day(period.end))
    wanted = ind.wanted_missing(con, FORCE, as_at)
    for status, info in wanted.meta["summary"].items():
        assert f"Registered offenders {status} on" in text
        assert (wanted.table["status"] == status).sum() == info["offenders"]
    assert len(wanted.table) > 0
    for offender_id in wanted.table["offender_id"]:
        assert f"<td>{offender_id}</td>" in text
    assert f'href="{PAGE}"' in client.get("/").text


def test_csv_equals_the_library(app: FastAPI, lake: Path) -> None:
    client = client_as(app, "analyst")
    r = client.get(f"{PAGE}/data/offenders-wanted-missing.csv?{QS}")
    assert r.status_code == 200
    con = openpeel.connect(lake)
    panel = wanted_missing_panel(con, FORCE, Period.from_months(START, END))
    assert panel.result is not None
    rows = list(csv.DictReader(io.StringIO(strip_notes(r.text))))
    expected = [
        {k: "" if v is None else str(v) for k, v in rec.items()} for rec in panel.result.records()
    ]
    assert rows == expected
    assert client.get(f"{PAGE}/data/nothing.csv?{QS}").status_code == 404
