"""Public pages over periods shorter than six months (down to one month) render, or say in one
line why they cannot, never a 500 (``/overview?force=west-midlands&from=2021-10&to=2021-12`` on
the demo answered 500)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from openpeel.database.engine import make_engine
from openpeel.database.migrate import upgrade
from openpeel.web import public_data
from openpeel.web.app import create_app
from tests.unit.report_lake import FORCE, shared_lake

PAGES = ("/overview", "/crime", "/calls", "/areas/prevention", "/areas/fairness", "/stop-search")
SHORT = (("2021-10", "2021-12"), ("2021-10", "2021-10"), ("2022-01", "2022-03"))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    lake: Path = shared_lake(tmp_path_factory)
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    with TestClient(create_app(engine=engine, data_dir=lake), raise_server_exceptions=False) as c:
        yield c
    engine.dispose()


@pytest.mark.parametrize(("start", "end"), SHORT, ids=lambda v: v)
@pytest.mark.parametrize("page", PAGES)
def test_short_periods_render(client: TestClient, page: str, start: str, end: str) -> None:
    response = client.get(page, params={"force": FORCE, "from": start, "to": end})
    assert response.status_code == 200, response.text[-2000:]
    assert "<main" in response.text


@pytest.mark.parametrize(("start", "end"), SHORT[:1])
def test_short_period_csvs(client: TestClient, start: str, end: str) -> None:
    page = client.get("/crime", params={"force": FORCE, "from": start, "to": end}).text
    links = sorted(set(part.split('"')[0] for part in page.split('href="/data/')[1:]))
    assert links
    for link in links:
        response = client.get("/data/" + link.replace("&amp;", "&"))
        assert response.status_code in (200, 404), (link, response.text[-1000:])
