"""The web app's caches and limits, without a lake: bounded size, computations of different keys
side by side (no global lock), one computation per key, a per-client allowance of expensive
requests, and a retry when a concurrent load replaced the files a computation read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from openpeel.web import admission, public_data
from openpeel.web.admission import ClientLimiter, Ticket, TooManyRequests


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    public_data.clear_cache()
    yield
    public_data.clear_cache()


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(public_data, "CACHE_SIZE", 5)
    for n in range(50):
        assert public_data.cached(("bounded", n), lambda n=n: n * 2) == n * 2
    assert public_data.cache_size() == 5
    assert public_data.is_cached(("bounded", 49)) and not public_data.is_cached(("bounded", 0))


def test_different_keys_do_not_wait_for_each_other() -> None:
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        assert release.wait(20)
        return "slow"

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(public_data.cached, ("key", "slow"), slow)
        assert started.wait(10)
        second = pool.submit(public_data.cached, ("key", "fast"), lambda: "fast")
        try:
            assert second.result(timeout=10) == "fast"  # while the slow one still runs
        finally:
            release.set()
        assert first.result(timeout=10) == "slow"


def test_one_key_is_computed_once() -> None:
    calls: list[int] = []
    gate = threading.Barrier(8)

    def make() -> int:
        calls.append(1)
        threading.Event().wait(0.2)
        return 42

    def ask() -> int:
        gate.wait(10)
        return public_data.cached(("once",), make)

    with ThreadPoolExecutor(8) as pool:
        assert [f.result(timeout=30) for f in [pool.submit(ask) for _ in range(8)]] == [42] * 8
    assert len(calls) == 1


def test_a_client_gets_a_bounded_number_of_expensive_requests() -> None:
    limiter = ClientLimiter(concurrent=2, per_minute=5)
    limiter.enter("a", now=0.0)
    limiter.enter("a", now=0.0)
    with pytest.raises(TooManyRequests):
        limiter.enter("a", now=0.0)
    limiter.enter("b", now=0.0)  # another client is served meanwhile
    limiter.leave("a")
    limiter.leave("a")
    for _ in range(3):
        with limiter.admit("a", now=1.0):
            pass
    with pytest.raises(TooManyRequests) as refused:
        limiter.enter("a", now=2.0)
    assert refused.value.retry_after_seconds == 59
    limiter.enter("a", now=61.0)  # a minute later: allowed again


def test_the_limiter_forgets_idle_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admission, "MAX_CLIENTS", 10)
    limiter = ClientLimiter()
    for n in range(100):
        with limiter.admit(f"client-{n}"):
            pass
    assert limiter.tracked() <= 10


def test_a_request_is_admitted_once_whatever_its_misses() -> None:
    limiter = ClientLimiter(concurrent=1, per_minute=100)
    ticket = Ticket("visitor", limiter)
    token = admission.current_ticket.set(ticket)
    try:
        for n in range(5):  # one page computing several panels is one expensive request
            public_data.cached(("misses", n), lambda n=n: n)
        other = Ticket("visitor", limiter)
        admission.current_ticket.set(other)
        with pytest.raises(TooManyRequests):
            public_data.cached(("misses", "another request"), lambda: 0)
        assert public_data.cached(("misses", 3), lambda: -1) == 3  # a hit is always served
        ticket.close()
        assert public_data.cached(("misses", "after"), lambda: 7) == 7
    finally:
        admission.current_ticket.reset(token)
        limiter.leave("visitor")


def test_a_computation_that_meets_replaced_files_runs_again() -> None:
    attempts: list[int] = []

    def make() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError('IO Error: No files found that match the pattern "lake/x.parquet"')
        return "new state"

    assert public_data.cached(("reload",), make) == "new state"
    assert len(attempts) == 2
