"""The compute pool: the public pages' expensive computations run in other processes, a bounded
number at once (the excess turned away at once, never queued without end), and the server's cheap
pages answer while every worker is busy."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from openpeel.database.engine import make_engine
from openpeel.database.migrate import upgrade
from openpeel.web import compute_pool, public_data
from openpeel.web.admission import ServerBusy
from openpeel.web.app import create_app
from openpeel.web.compute_pool import ComputePool
from tests.unit.report_lake import FORCE, shared_lake


def wait_for(path: str, seconds: float = 60.0) -> int:
    """Block (in a worker) until ``path`` exists; the worker's process id."""
    deadline = time.monotonic() + seconds
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.02)
    return os.getpid()


def niceness() -> int:
    return os.nice(0)


@pytest.fixture
def pool() -> Iterator[ComputePool]:
    made = ComputePool(1)
    yield made
    made.close()


def saturate(pool: ComputePool, gate: Path) -> tuple[ThreadPoolExecutor, list]:
    """Fill every place of the pool with a computation waiting for ``gate``."""
    threads = ThreadPoolExecutor(pool.capacity)
    futures = [threads.submit(pool.run, wait_for, str(gate)) for _ in range(pool.capacity)]
    deadline = time.monotonic() + 30
    while pool.running() < pool.capacity and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.running() == pool.capacity
    return threads, futures


def test_a_computation_runs_in_another_process_at_lower_priority(pool: ComputePool) -> None:
    assert pool.run(os.getpid) != os.getpid()
    assert pool.run(niceness) >= min(19, os.nice(0) + compute_pool.NICENESS)


def test_a_full_pool_turns_more_work_away_at_once(pool: ComputePool, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    threads, futures = saturate(pool, gate)
    try:
        began = time.monotonic()
        with pytest.raises(ServerBusy):
            pool.run(os.getpid)
        assert time.monotonic() - began < 1.0  # refused, not queued behind the others
    finally:
        gate.touch()
        pids = {f.result(timeout=60) for f in futures}
        threads.shutdown()
    assert pids and os.getpid() not in pids
    assert pool.running() == 0
    assert pool.run(os.getpid) != os.getpid()  # places given back


def test_a_dead_worker_is_replaced(pool: ComputePool) -> None:
    first = pool.run(os.getpid)
    with pytest.raises(ServerBusy):
        pool.run(os._exit, 3)
    assert pool.run(os.getpid) not in (first, os.getpid())


def test_no_processes_computes_on_the_calling_thread() -> None:
    assert ComputePool(0).run(threading.get_ident) == threading.get_ident()


def test_computed_values_come_from_the_worker_and_are_kept(
    pool: ComputePool, tmp_path: Path
) -> None:
    public_data.clear_cache()
    try:
        saved, compute_pool._POOL = compute_pool._POOL, pool
        pid = public_data.computed(tmp_path, ("pid-of-worker",), os.getpid)
        assert pid != os.getpid()
        assert public_data.is_cached(("pid-of-worker", str(tmp_path)))
        assert public_data.computed(tmp_path, ("pid-of-worker",), os.getpid) == pid  # kept
    finally:
        compute_pool._POOL = saved
        public_data.clear_cache()


def test_cheap_pages_answer_while_every_worker_is_busy(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """With the pool full, the login page and the pages the caches hold answer at once; a page
    that needs a new computation gets 503 with Retry-After at once, not after a queue."""
    lake = shared_lake(tmp_path_factory)
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    client = TestClient(create_app(engine=engine, data_dir=lake), raise_server_exceptions=False)
    scope = {"force": FORCE}
    assert client.get("/stop-search", params=scope).status_code == 200  # now cached
    pool = compute_pool.pool()
    assert pool.processes > 0
    gate = tmp_path / "gate"
    threads, futures = saturate(pool, gate)
    try:
        for path, params in (("/login", {}), ("/stop-search", scope)):
            began = time.monotonic()
            assert client.get(path, params=params).status_code == 200, path
            assert time.monotonic() - began < 5.0, path
        began = time.monotonic()
        busy = client.get("/stop-search", params={**scope, "sex": "male"})
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "5"
        assert time.monotonic() - began < 5.0
    finally:
        gate.touch()
        for future in futures:
            future.result(timeout=60)
        threads.shutdown()
        engine.dispose()
    assert client.get("/stop-search", params={**scope, "sex": "male"}).status_code == 200
    public_data.clear_cache()
