"""Erlang B, C and A against independent oracles: a log-space sum of A^k/k!, the stable
Erlang B recursion, a brute-force birth-death chain with a matrix-exponential tagged caller,
numerical quadrature, and a discrete-event simulation (simpy)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, linalg, special, stats

from openpeel.stats import erlang as E

# --- oracles -------------------------------------------------------------------------------


def reference_erlang_c(n: int, a: float) -> float:
    """Erlang C from Σ_{k≤N} A^k/k! summed in log space with lgamma (method.md §6)."""
    k = np.arange(n + 1)
    log_terms = k * math.log(a) - special.gammaln(k + 1)
    log_b = log_terms[-1] - special.logsumexp(log_terms)
    b = math.exp(log_b)
    return n * b / (n - a * (1 - b))


def recursion_erlang_b(n: int, a: float) -> float:
    """The stable recursion B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1))."""
    b = 1.0
    for m in range(1, n + 1):
        b = a * b / (m + a * b)
    return b


def brute_force_erlang_a(
    n: int, calls_per_hour: float, aht: float, target: float, patience: float
) -> dict[str, float]:
    """M/M/N+M by brute force: the truncated birth-death chain for the state an arrival sees
    (PASTA), then for each state a tagged caller's absorbing chain (served / hung up) solved
    with a matrix exponential. Shares no formula with openpeel.stats.erlang."""
    lam, mu, theta = calls_per_hour / 3600, 1 / aht, 1 / patience
    # Stationary distribution, unnormalised, in logs: births λ, deaths min(n, N)μ + (n-N)+θ.
    log_p = [0.0]
    state = 0
    while True:
        state += 1
        death = min(state, n) * mu + max(state - n, 0) * theta
        log_p.append(log_p[-1] + math.log(lam) - math.log(death))
        if state > n + 50 and log_p[-1] < max(log_p) - 50:
            break
    p = np.exp(np.array(log_p) - special.logsumexp(log_p))
    queue = len(p) - n  # arrivals that find j = 0..queue-1 callers waiting ahead
    # Tagged caller with j ahead (transient states 0..J): ahead leave at Nμ + jθ, the tagged
    # caller hangs up at θ, and at position 0 a handler frees up at Nμ.
    size = queue + 2
    served, gone = queue, queue + 1
    q = np.zeros((size, size))
    for j in range(queue):
        if j == 0:
            q[0, served] = n * mu
        else:
            q[j, j - 1] = n * mu + j * theta
        q[j, gone] = theta
        q[j, j] = -q[j].sum()
    by_t = linalg.expm(q * target)[:queue, served] if target > 0 else np.zeros(queue)
    ever = linalg.solve(-q[:queue, :queue], q[:queue, served])
    p_free = p[:n].sum()
    p_wait = p[n:].sum()
    expected_queue = sum(j * p[n + j] for j in range(queue))
    return {
        "probability_wait": p_wait,
        "service_level": p_free + float(p[n:] @ by_t),
        "abandonment": 1 - p_free - float(p[n:] @ ever),
        "abandonment_little": theta * expected_queue / lam,
    }


# --- Erlang B and C ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "n"),
    [(10.0, 14), (20_000.0, 20_100)]
    + [
        (a, math.floor(a) + extra)
        for a in (1.0, 1.7, 3.3, 10.0, 47.5, 150.0, 999.9, 5_000.0, 12_345.6, 20_000.0)
        for extra in (1, 2, 5, 25)
    ],
)
def test_erlang_c_matches_the_log_space_reference(a: float, n: int) -> None:
    got = float(E.erlang_c(n, a)[()])
    want = reference_erlang_c(n, a)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_the_two_check_values_of_the_domain_notes() -> None:
    assert float(E.erlang_c(14, 10.0)[()]) == pytest.approx(0.17413193359504950, rel=1e-12)
    assert float(E.erlang_c(20_100, 20_000.0)[()]) == pytest.approx(
        reference_erlang_c(20_100, 20_000.0), rel=1e-9
    )


@pytest.mark.parametrize(
    ("n", "a"), [(1, 0.5), (5, 3.0), (14, 10.0), (10, 2000.0), (600, 1000.0), (3000, 2500.0)]
)
def test_erlang_b_matches_the_stable_recursion(n: int, a: float) -> None:
    assert float(E.erlang_b(n, a)[()]) == pytest.approx(recursion_erlang_b(n, a), rel=1e-10)


def test_vectorised_equals_one_at_a_time() -> None:
    rng = np.random.default_rng(3)
    load = rng.uniform(0.5, 400, 200)
    agents = np.floor(load) + rng.integers(1, 30, 200)
    together = E.erlang_c(agents, load)
    apart = [reference_erlang_c(int(n), a) for n, a in zip(agents, load, strict=True)]
    np.testing.assert_allclose(together, apart, rtol=1e-9)


def test_n_at_or_below_the_load_is_a_clear_result_not_a_crash() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = E.erlang_c([5, 10, 9], [10.0, 10.0, 10.0])
        m = E.erlang_c_metrics([5, 10, 9, 11], 3600 * 10 / 120, 120, 10)
    assert list(c) == [1.0, 1.0, 1.0]
    assert list(m.is_stable) == [False, False, False, True]
    assert list(m.service_level[:3]) == [0.0, 0.0, 0.0]
    assert np.all(np.isinf(m.asa_seconds[:3]))
    assert list(m.occupancy[:3]) == [1.0, 1.0, 1.0]
    assert 0 < m.service_level[3] < 1


def test_erlang_c_service_level_and_asa_closed_forms() -> None:
    m = E.erlang_c_metrics(14, 300, 120, 20)  # A = 10
    c = reference_erlang_c(14, 10.0)
    assert m.service_level[0] == pytest.approx(1 - c * math.exp(-(14 - 10) * 20 / 120))
    assert m.asa_seconds[0] == pytest.approx(c * 120 / 4)
    assert m.occupancy[0] == pytest.approx(10 / 14)


def test_no_calls_need_no_one() -> None:
    assert E.required_agents([0.0, 10.0], 180)[0] == 0
    m = E.erlang_a_metrics(0, 0, 180, 10, 60)
    assert (m.service_level[0], m.abandonment[0]) == (1.0, 0.0)


def test_bad_inputs_raise_value_errors() -> None:
    for call in (
        lambda: E.erlang_c(-1, 3),
        lambda: E.erlang_c_metrics(3, 10, 0, 10),
        lambda: E.erlang_c_metrics(2.5, 10, 100, 10),
        lambda: E.erlang_a_metrics(3, 10, 100, 10, 0),
        lambda: E.required_agents(10, 100, target_share=1.0),
        lambda: E.required_agents(-5, 100),
        lambda: E.rostered_staff(10, 1.0),
    ):
        with pytest.raises(ValueError):
            call()


# --- Erlang A ------------------------------------------------------------------------------

ERLANG_A_GRID = [
    # agents, calls/h, AHT s, target s, patience s
    (160, 4500, 120, 600, 1800),  # the underflow case: SL about 1, not 0.70
    (160, 4500, 120, 10, 1800),
    (10, 300, 120, 20, 60),
    (5, 200, 120, 20, 30),  # overloaded: A = 6.7 > N
    (3, 100, 200, 30, 100),
    (50, 2000, 120, 10, 300),  # heavily overloaded
    (40, 1000, 120, 10, 36_000),  # patient callers: close to Erlang C
    (20, 100, 600, 20, 5),  # impatient callers
    (300, 100, 120, 10, 1800),  # far more handlers than calls: series branch of K
]


@pytest.mark.parametrize("case", ERLANG_A_GRID)
def test_erlang_a_matches_a_brute_force_chain(case: tuple[int, float, float, float, float]) -> None:
    m = E.erlang_a_metrics(*case)
    bf = brute_force_erlang_a(*case)
    assert m.probability_wait[0] == pytest.approx(bf["probability_wait"], rel=1e-8, abs=1e-12)
    assert m.service_level[0] == pytest.approx(bf["service_level"], rel=1e-8, abs=1e-12)
    assert m.abandonment[0] == pytest.approx(bf["abandonment"], rel=1e-7, abs=1e-11)
    assert m.abandonment[0] == pytest.approx(bf["abandonment_little"], rel=1e-7, abs=1e-11)


def test_the_underflow_case_is_about_one() -> None:
    m = E.erlang_a_metrics(160, 4500, 120, 600, 1800)
    assert m.service_level[0] > 0.99
    # The broken shortcut reports P(no wait) instead, about 0.70.
    assert 1 - m.probability_wait[0] == pytest.approx(0.70, abs=0.01)


@pytest.mark.parametrize("case", ERLANG_A_GRID[:6])
def test_erlang_a_asa_matches_quadrature(case: tuple[int, float, float, float, float]) -> None:
    n, cph, aht, _, patience = case
    lam, theta = cph / 3600, 1 / patience
    a, x = n / aht, lam / theta
    r = math.expm1(float(E.log_inverse_erlang_b(n, lam * aht)[()]))

    def g(v: float) -> float:  # density of the offered wait of arrivals who find all busy
        return a * math.exp(-a * v + x * (1 - math.exp(-theta * v)))

    s = integrate.quad(g, 0, np.inf, limit=400)[0]
    served = integrate.quad(lambda v: g(v) * math.exp(-theta * v), 0, np.inf, limit=400)[0]
    wait = integrate.quad(lambda v: v * g(v) * math.exp(-theta * v), 0, np.inf, limit=400)[0]
    asa = wait / (r + served)
    assert s == pytest.approx(
        math.exp(float(E.log_kummer(n * patience / aht + 1, x)[0][()])), rel=1e-7
    )
    assert E.erlang_a_metrics(*case).asa_seconds[0] == pytest.approx(asa, rel=1e-6)


def test_erlang_a_tends_to_erlang_c_for_patient_callers() -> None:
    a = E.erlang_a_metrics(162, 4500, 120, 10, 1e9)
    c = E.erlang_c_metrics(162, 4500, 120, 10)
    assert a.service_level[0] == pytest.approx(c.service_level[0], rel=1e-6)
    assert a.probability_wait[0] == pytest.approx(c.probability_wait[0], rel=1e-6)
    assert a.asa_seconds[0] == pytest.approx(c.asa_seconds[0], rel=1e-5)


# --- simulation ----------------------------------------------------------------------------


WARM_UP_SECONDS = 1800.0


def replicate(
    n: int, calls_per_hour: float, aht: float, patience: float, hours: float, seed: list[int]
) -> tuple[np.ndarray, int]:
    """One simpy run of M/M/N+M (FCFS handlers, exponential handling and patience): the waits
    of answered callers and the number who hung up, after a warm-up."""
    import simpy

    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    handlers = simpy.Resource(env, capacity=n)
    waits: list[float] = []
    abandoned = [0]

    def caller() -> object:
        start = env.now
        counted = start >= WARM_UP_SECONDS
        with handlers.request() as request:
            hang_up = env.timeout(rng.exponential(patience))
            outcome = yield request | hang_up
            if request in outcome:
                if counted:
                    waits.append(env.now - start)
                yield env.timeout(rng.exponential(aht))
            elif counted:
                abandoned[0] += 1

    def arrivals() -> object:
        while True:
            yield env.timeout(rng.exponential(3600 / calls_per_hour))
            if env.now > WARM_UP_SECONDS + hours * 3600:
                return
            env.process(caller())

    env.process(arrivals())
    env.run()
    return np.array(waits), abandoned[0]


def simulate(
    n: int,
    calls_per_hour: float,
    aht: float,
    targets: tuple[float, ...],
    patience: float,
    hours: float,
    reps: int,
    seed: int,
) -> dict[str, tuple[float, float]]:
    """99% t-intervals across replications for the share answered within each target
    (``service_level_<T>``) and the share who hung up (``abandonment``)."""
    results: dict[str, list[float]] = {"abandonment": []}
    for rep in range(reps):
        waits, abandoned = replicate(n, calls_per_hour, aht, patience, hours, [seed, rep])
        offered = len(waits) + abandoned
        results["abandonment"].append(abandoned / offered)
        for t in targets:
            results.setdefault(f"service_level_{t:g}", []).append(np.sum(waits <= t) / offered)
    out = {}
    for key, values in results.items():
        v = np.array(values)
        half = stats.t.ppf(0.995, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v))
        out[key] = (float(v.mean() - half), float(v.mean() + half))
    return out


@pytest.mark.parametrize(
    ("system", "targets", "hours", "reps"),
    [
        # The underflow case (target 600 s: about 1, not 0.70) and the same system at 10 s.
        ((160, 4500, 120, 1800), (10, 600), 1.5, 5),
        ((10, 300, 120, 60), (20,), 20, 5),
        ((5, 200, 120, 30), (20,), 20, 5),  # overloaded: A = 6.7 > N
        ((20, 500, 180, 120), (15, 60), 12, 5),
    ],
)
def test_erlang_a_within_the_simulation_interval(
    system: tuple[int, float, float, float], targets: tuple[float, ...], hours: float, reps: int
) -> None:
    n, calls, aht, patience = system
    sim = simulate(n, calls, aht, targets, patience, hours=hours, reps=reps, seed=20240501)
    for t in targets:
        m = E.erlang_a_metrics(n, calls, aht, t, patience)
        checks = {f"service_level_{t:g}": m.service_level[0], "abandonment": m.abandonment[0]}
        for key, value in checks.items():
            low, high = sim[key]
            assert low <= value <= high, f"{key}: {value} not in the simulation's ({low}, {high})"


# --- staffing ------------------------------------------------------------------------------


def test_required_agents_is_the_smallest_that_meets_the_target() -> None:
    rng = np.random.default_rng(7)
    calls = rng.uniform(1, 3000, 40)
    aht = rng.uniform(60, 600, 40)
    for patience in (None, 300.0):
        n = E.required_agents(calls, aht, 0.9, 10, patience)
        ok = E.queue_metrics(n, calls, aht, 10, patience).service_level
        below = E.queue_metrics(np.maximum(n - 1, 0), calls, aht, 10, patience).service_level
        assert np.all(ok >= 0.9)
        assert np.all(below < 0.9)


def test_staffing_a_year_of_hours_in_one_call() -> None:
    rng = np.random.default_rng(1)
    calls = rng.uniform(20, 600, 8760)
    s = E.staff(calls, 240, 0.9, 10, shrinkage=0.3)
    assert s.metrics.agents.shape == (8760,)
    assert np.all(s.metrics.service_level >= 0.9)
    assert np.all(s.rostered_staff >= s.metrics.agents / 0.7 - 1e-9)


def test_rostered_staff_after_shrinkage() -> None:
    assert list(E.rostered_staff([7, 10, 0], 0.3)) == [10, 15, 0]
    assert list(E.effective_agents([10, 15, 0], 0.3)) == [7, 10, 0]


@pytest.mark.slow
def test_the_underflow_case_against_a_longer_simulation() -> None:
    """The headline case with tighter simulation intervals (10 runs of 3 hours, ~135,000
    calls): service level within 600 s about 0.998, not the 0.70 of the broken shortcut."""
    sim = simulate(160, 4500, 120, (10, 600), 1800, hours=3, reps=10, seed=20240501)
    for t in (10, 600):
        m = E.erlang_a_metrics(160, 4500, 120, t, 1800)
        checks = {f"service_level_{t:g}": m.service_level[0], "abandonment": m.abandonment[0]}
        for key, value in checks.items():
            low, high = sim[key]
            assert low <= value <= high, f"{key}: {value} not in the simulation's ({low}, {high})"
    assert sim["service_level_600"][0] > 0.99
