"""Discrete-event simulation of a first-come-first-served queue with c servers (M/G/c).

A specialist team is a queue: cases arrive, wait unallocated until a slot is free, and hold
the slot until closed. Two engines simulate the same model:

- :func:`simulate_fcfs` (the production engine) uses the Kiefer–Wolfowitz form of FCFS c-server
  queues: customers start service in arrival order, each on the server that frees first, so
  ``start_i = max(arrival_i, earliest free time)``. It steps through customers once and
  carries every replication (and every capacity level being tried) side by side in NumPy
  arrays, so a year of a large force with dozens of replications runs in well under a second.
- :func:`simulate_ciw` runs the same queue in ``ciw``, the discrete-event library, one
  replication at a time. It is the independent check: both engines must reproduce the
  Erlang C closed form (``openpeel.stats.erlang``) on an M/M/c case (:func:`erlang_c_check`).
  A per-case pure-Python loop (:func:`simulate_fcfs_loop`) is the naive baseline of the
  benchmark.

Times are in any one unit (the team model uses hours). A replication whose arrival array is
shorter than others is padded with ``inf`` (an arrival that never comes).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from openpeel.stats.erlang import erlang_c

FloatArray = NDArray[np.float64]


def poisson_arrivals(
    rng: np.random.Generator, rate: float, horizon: float, replications: int
) -> FloatArray:
    """Arrival times of a Poisson process on ``[0, horizon)``, one row per replication,
    sorted, padded with ``inf`` to a common length."""
    if rate < 0 or horizon < 0:
        raise ValueError("rate and horizon must not be negative")
    counts = rng.poisson(rate * horizon, size=replications)
    width = int(counts.max()) if replications else 0
    out = np.full((replications, width), np.inf)
    for r, n in enumerate(counts):
        out[r, :n] = np.sort(rng.uniform(0.0, horizon, size=n))
    return out


def simulate_fcfs(
    arrivals: FloatArray,
    services: FloatArray,
    servers: NDArray[np.int64] | int,
    initial_free: FloatArray | None = None,
    server_ids: NDArray[np.int64] | None = None,
) -> FloatArray:
    """Service start times of an FCFS c-server queue, all replications at once.

    Args:
        arrivals: ``(R, n)`` arrival times, each row sorted ascending (``inf`` = no customer).
        services: ``(R, n)`` service times (hours a slot is held).
        servers: servers per replication (an int, or ``(R,)``); at least 1.
        initial_free: ``(R, m)`` times at which each server first becomes free (default 0:
            all idle at time 0); ``m`` must be at least ``max(servers)``; entries beyond a
            replication's server count are ignored.
        server_ids: an ``(R, n)`` integer array to fill with the server each customer used.

    Returns:
        ``(R, n)`` service start times (``inf`` for padding); waits are ``start − arrival``.
    """
    arr = np.asarray(arrivals, dtype=float)
    svc = np.asarray(services, dtype=float)
    if arr.shape != svc.shape or arr.ndim != 2:
        raise ValueError("arrivals and services must be (replications, customers) arrays")
    reps = arr.shape[0]
    c = np.broadcast_to(np.asarray(servers, dtype=np.int64), (reps,))
    if np.any(c < 1):
        raise ValueError("every replication needs at least one server")
    width = int(c.max())
    free = np.zeros((reps, width)) if initial_free is None else np.array(initial_free, float)
    if free.shape[0] != reps or free.shape[1] < width:
        raise ValueError("initial_free must have a row per replication and a column per server")
    free = free[:, :width].copy()
    free[np.arange(width)[None, :] >= c[:, None]] = np.inf
    if width <= _SCAN_WIDTH:
        return _scan(arr, svc, free, server_ids)
    return _heap(arr, svc, free, server_ids)


#: Up to this many servers a scan for the earliest free one is faster than a heap.
_SCAN_WIDTH = 64


def _scan(
    arr: FloatArray, svc: FloatArray, free: FloatArray, server_ids: NDArray[np.int64] | None
) -> FloatArray:
    rows = np.arange(arr.shape[0])
    starts = np.empty_like(arr)
    for i in range(arr.shape[1]):
        k = free.argmin(axis=1)
        start = np.maximum(arr[:, i], free[rows, k])
        starts[:, i] = start
        free[rows, k] = start + svc[:, i]
        if server_ids is not None:
            server_ids[:, i] = k
    return starts


def _heap(
    arr: FloatArray, svc: FloatArray, free: FloatArray, server_ids: NDArray[np.int64] | None
) -> FloatArray:
    """The same recursion with a binary heap of free times per row (``heapq``, in C).

    Each customer replaces the root (the earliest free time) with its own completion time:
    ``O(log c)`` per customer, where a scan is ``O(c)``. Rows (replications) run one after the
    other: past a few dozen servers this beats stepping every row together in NumPy.
    """
    starts = np.empty_like(arr)
    replace = heapq.heapreplace
    for r in range(arr.shape[0]):
        finite = np.isfinite(free[r])
        n = int(np.isfinite(arr[r]).sum())
        out = np.full(arr.shape[1], np.inf)
        a_list = arr[r, :n].tolist()
        s_list = svc[r, :n].tolist()
        if server_ids is None:
            heap = free[r, finite].tolist()
            heapq.heapify(heap)
            row: list[float] = []
            append = row.append
            for a, sv in zip(a_list, s_list, strict=True):
                top = heap[0]
                if a > top:
                    top = a
                append(top)
                replace(heap, top + sv)
        else:
            pairs = [(t, k) for k, t in enumerate(free[r].tolist()) if t != np.inf]
            heapq.heapify(pairs)
            row = [0.0] * n
            for i in range(n):
                top, k = pairs[0]
                start = max(a_list[i], top)
                row[i] = start
                server_ids[r, i] = k
                replace(pairs, (start + s_list[i], k))
        out[:n] = row
        starts[r] = out
    return starts


def simulate_fcfs_loop(arrivals: FloatArray, services: FloatArray, servers: int) -> FloatArray:
    """The naive baseline: one replication, one case at a time, scanning every server."""
    free = [0.0] * servers
    starts = np.empty(len(arrivals))
    for i, (a, s) in enumerate(zip(arrivals, services, strict=True)):
        k = min(range(servers), key=free.__getitem__)
        start = max(a, free[k])
        starts[i] = start
        free[k] = start + s
    return starts


def simulate_heap(arrivals: FloatArray, services: FloatArray, servers: int) -> FloatArray:
    """One replication with a heap of server free times (an independent exact reference)."""
    free = [0.0] * servers
    heapq.heapify(free)
    starts = np.empty(len(arrivals))
    for i, (a, s) in enumerate(zip(arrivals, services, strict=True)):
        start = max(a, heapq.heappop(free))
        starts[i] = start
        heapq.heappush(free, start + s)
    return starts


def simulate_ciw(
    arrival_rate: float, mean_service: float, servers: int, horizon: float, seed: int
) -> tuple[FloatArray, FloatArray]:
    """An M/M/c queue in ciw: arrival times and waits of customers who arrived before
    ``horizon`` and started service by the end of the run (run to twice the horizon)."""
    import ciw

    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(arrival_rate)],
        service_distributions=[ciw.dists.Exponential(1.0 / mean_service)],
        number_of_servers=[servers],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(horizon * 2)
    recs = [r for r in sim.get_all_records() if r.arrival_date < horizon]
    recs.sort(key=lambda r: r.arrival_date)
    return (
        np.array([r.arrival_date for r in recs]),
        np.array([r.waiting_time for r in recs]),
    )


@dataclass(frozen=True)
class ErlangCheck:
    """Simulated probability of waiting against Erlang C on one M/M/c case."""

    engine: str
    servers: int
    offered_load: float
    erlang_c: float
    simulated: float
    low: float
    high: float

    @property
    def within(self) -> bool:
        """Erlang C lies inside the simulation interval."""
        return self.low <= self.erlang_c <= self.high


def erlang_c_check(
    arrival_rate: float,
    mean_service: float,
    servers: int,
    horizon: float,
    replications: int = 20,
    seed: int = 1,
    engine: str = "fcfs",
    warm_up: float | None = None,
    confidence: float = 0.99,
) -> ErlangCheck:
    """P(wait) from the simulation (mean over replications, t interval) against Erlang C.

    Customers arriving in the first ``warm_up`` (default a tenth of the horizon) are left out
    so the queue starts from its steady state.
    """
    warm = horizon / 10 if warm_up is None else warm_up
    load = arrival_rate * mean_service
    shares = []
    if engine == "fcfs":
        rng = np.random.default_rng(seed)
        arr = poisson_arrivals(rng, arrival_rate, horizon, replications)
        svc = rng.exponential(mean_service, size=arr.shape)
        with np.errstate(invalid="ignore"):
            waits = simulate_fcfs(arr, svc, servers) - arr
        for r in range(replications):
            keep = (arr[r] >= warm) & np.isfinite(arr[r])
            shares.append(float(np.mean(waits[r, keep] > 1e-12)))
    elif engine == "ciw":
        for r in range(replications):
            a, w = simulate_ciw(arrival_rate, mean_service, servers, horizon, seed + r)
            shares.append(float(np.mean(w[a >= warm] > 1e-12)))
    else:
        raise ValueError(f"unknown engine {engine!r}: fcfs or ciw")
    mean, low, high = mean_interval(np.array(shares), confidence)
    return ErlangCheck(engine, servers, load, float(erlang_c(servers, load)), mean, low, high)


def mean_interval(values: FloatArray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of replications and its t interval."""
    v = np.asarray(values, dtype=float)
    mean = float(v.mean())
    if len(v) < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + confidence / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
    return mean, mean - half, mean + half
