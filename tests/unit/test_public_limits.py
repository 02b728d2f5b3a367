"""The public pages and /assess refuse what the lake does not hold before computing anything, keep
bounded caches whatever visitors send, and serve the old state or the new, never an error, while
a load replaces files under them."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from openpeel.database.engine import make_engine, session_scope
from openpeel.database.migrate import upgrade
from openpeel.scrutiny import users
from openpeel.web import public_data
from openpeel.web.app import create_app
from tests.scrutiny.world import PASSWORD, csrf_from
from tests.unit.report_lake import FORCE, shared_lake


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def client(lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'web.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        users.add_user(s, "reader", PASSWORD, "force_liaison")
    public_data.clear_cache()
    with TestClient(create_app(engine=engine, data_dir=lake), raise_server_exceptions=False) as c:
        yield c
    engine.dispose()


@pytest.mark.parametrize(
    "params",
    [
        {"force": "kent"},  # a real force with nothing loaded
        {"force": "no-such-force"},
        {"force": FORCE, "from": "2015-01", "to": "2015-06"},  # before anything loaded
        {"force": FORCE, "from": "2030-01", "to": "2030-03"},
    ],
    ids=lambda p: "-".join(p.values()),
)
def test_what_the_lake_does_not_hold_is_refused(client: TestClient, params: dict) -> None:
    client.get("/overview", params={"force": FORCE})
    before = public_data.cache_size()
    response = client.get("/overview", params=params)
    assert response.status_code == 400, response.status_code
    assert public_data.cache_size() == before


def test_unknown_filter_values_are_refused(client: TestClient) -> None:
    scope = {"force": FORCE, "from": "2021-10", "to": "2022-03"}
    assert client.get("/stop-search", params=scope).status_code == 200
    before = public_data.cache_size()
    for n in range(20):
        response = client.get("/stop-search", params={**scope, "legislation": f"made_up_{n}"})
        assert response.status_code == 400
        assert "made_up_" in response.text
    assert public_data.cache_size() == before
    known = client.get("/stop-search", params={**scope, "sex": "male"})
    assert known.status_code == 200


def _login(client: TestClient) -> None:
    page = client.get("/login")
    done = client.post(
        "/login",
        data={"username": "reader", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303


def test_assess_caches_stay_bounded(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    _login(client)
    assert client.get("/assess", params={"force": "made-up"}).status_code == 400
    monkeypatch.setattr(public_data, "CACHE_SIZE", 6)
    for year in range(2000, 2012):
        response = client.get(
            "/assess", params={"force": FORCE, "fy": f"{year}/{year % 100 + 1:02d}"}
        )
        assert response.status_code == 200
    assert public_data.cache_size() <= 6
    assert len(public_data._POOLS) <= 1  # one pool of connections for the one data directory
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/scrutiny").text)})


def _reload(lake_dir: Path, generation: int) -> None:
    """What a load does to readers: every file the manifest lists is replaced by a new one
    (same rows, new name) and the manifest swapped in one rename."""
    manifest = lake_dir / "lake" / "_manifest.parquet"
    table = pq.read_table(manifest)
    moved = []
    for column in ("data_path", "rejects_path"):
        paths = table[column].to_pylist()
        new_paths = []
        for path in paths:
            if not path:
                new_paths.append(path)
                continue
            stem = path.rsplit(".parquet", 1)[0].split("-g")[0]
            new = f"{stem}-g{generation}.parquet"
            os.link(lake_dir / "lake" / path, lake_dir / "lake" / new)
            moved.append(lake_dir / "lake" / path)
            new_paths.append(new)
        table = table.set_column(
            table.schema.get_field_index(column), column, pa.array(new_paths, pa.string())
        )
    pq.write_table(table, manifest.with_suffix(".tmp"))
    os.replace(manifest.with_suffix(".tmp"), manifest)
    for path in moved:
        path.unlink()


def test_a_load_under_a_running_app_never_gives_an_error(lake: Path, tmp_path: Path) -> None:
    copy = tmp_path / "lake-copy"
    shutil.copytree(lake, copy)
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(engine)
    app = create_app(engine=engine, data_dir=copy)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/crime", params={"force": FORCE}).status_code == 200
        _reload(copy, 1)
        for start in ("2021-11", "2021-12"):
            response = client.get("/crime", params={"force": FORCE, "from": start, "to": "2022-03"})
            assert response.status_code == 200, response.text[-500:]
        stop = threading.Event()

        def loads() -> None:
            generation = 2
            while not stop.is_set():
                _reload(copy, generation)
                generation += 1
                stop.wait(1.5)  # an ingest commits batch after batch

        loader = threading.Thread(target=loads)
        loader.start()
        try:
            for start in ("2021-10", "2022-01", "2022-02"):
                for page in ("/crime", "/stop-search"):
                    response = client.get(
                        page, params={"force": FORCE, "from": start, "to": "2022-03"}
                    )
                    assert response.status_code == 200, (page, start, response.text[-500:])
        finally:
            stop.set()
            loader.join()
    engine.dispose()
