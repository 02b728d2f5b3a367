"""The FCFS c-server simulation: exact against independent implementations, and against
Erlang C (and ciw) on M/M/c cases."""

from __future__ import annotations

import numpy as np
import pytest

from openpeel.stats.queue_simulation import (
    erlang_c_check,
    poisson_arrivals,
    simulate_fcfs,
    simulate_fcfs_loop,
    simulate_heap,
)


@pytest.mark.parametrize("servers", [1, 7, 150])
def test_engines_agree_exactly(servers: int) -> None:
    rng = np.random.default_rng(servers)
    arr = poisson_arrivals(rng, servers * 0.95 / 4.0, 400, 3)
    svc = rng.exponential(4.0, arr.shape)
    starts = simulate_fcfs(arr, svc, servers)
    for r in range(3):
        n = int(np.isfinite(arr[r]).sum())
        assert np.allclose(starts[r, :n], simulate_heap(arr[r, :n], svc[r, :n], servers))
        assert np.allclose(starts[r, :n], simulate_fcfs_loop(arr[r, :n], svc[r, :n], servers))
        assert np.all(starts[r, :n] >= arr[r, :n])
        assert np.isinf(starts[r, n:]).all()


def test_initial_free_times_and_per_row_servers() -> None:
    arr = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    svc = np.ones_like(arr)
    free = np.array([[5.0, 2.0], [5.0, 2.0]])
    starts = simulate_fcfs(arr, svc, np.array([2, 1]), initial_free=free)
    assert starts[0].tolist() == [2.0, 3.0, 4.0]
    assert starts[1].tolist() == [5.0, 6.0, 7.0]  # one server: the second column is ignored


def test_single_server_is_lindley() -> None:
    arr = np.array([[0.0, 1.0, 1.5, 10.0]])
    svc = np.array([[2.0, 2.0, 1.0, 1.0]])
    assert simulate_fcfs(arr, svc, 1)[0].tolist() == [0.0, 2.0, 4.0, 10.0]


@pytest.mark.parametrize(("servers", "load"), [(10, 8.0), (150, 140.0)])
def test_probability_of_waiting_reproduces_erlang_c(servers: int, load: float) -> None:
    check = erlang_c_check(load / 4.0, 4.0, servers, horizon=4000, replications=12, seed=5)
    assert check.within, check
    assert check.high - check.low < 0.15


def test_ciw_reproduces_erlang_c_too() -> None:
    check = erlang_c_check(2.0, 4.0, 10, horizon=1500, replications=4, seed=2, engine="ciw")
    assert check.within, check


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        simulate_fcfs(np.zeros((1, 2)), np.zeros((1, 3)), 1)
    with pytest.raises(ValueError):
        simulate_fcfs(np.zeros((1, 2)), np.zeros((1, 2)), 0)
    with pytest.raises(ValueError):
        erlang_c_check(1, 1, 2, 10, engine="simpy")
