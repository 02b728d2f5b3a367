"""Staffing a year of hours: openpeel's vectorised Erlang C against per-interval baselines.

Prints, side by side, the time to find the handlers needed for 8,760 hourly intervals (90% of
calls answered within 10 s) with:

- ``openpeel.stats.erlang.staff``, one vectorised call for the whole year (Erlang C, and
  Erlang A with a mean patience of 420 s);
- a per-interval loop: the textbook method, N from ⌈A⌉ upwards with the stable Erlang B
  recursion, one interval at a time (pure Python);
- pyworkforce's ``ErlangC.required_positions``, one interval at a time, when pyworkforce is
  importable (``pip install pyworkforce``; it is not an openpeel dependency).

Usage: ``python benchmarks/erlang.py [--hours 8760] [--seed 1] [--calls-per-day 2000]``.
Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from openpeel.stats import erlang

TARGET = 0.9
WITHIN_SECONDS = 10.0
AHT_SECONDS = 240.0
SHRINKAGE = 0.3

# Relative 999 demand by hour of the day and day of the week (as the synthetic generator).
HOUR_PROFILE = np.array(
    [0.95, 0.8, 0.65, 0.5, 0.42, 0.4, 0.45, 0.6, 0.8, 0.95, 1.05, 1.1,
     1.15, 1.15, 1.2, 1.3, 1.4, 1.45, 1.45, 1.4, 1.35, 1.25, 1.15, 1.05]
)  # fmt: skip
WEEKDAY_PROFILE = np.array([0.97, 0.95, 0.95, 0.98, 1.07, 1.1, 0.98])


def demand(hours: int, seed: int, per_day: float = 2000.0) -> np.ndarray:
    """Calls per hour over a year (default: a force the size of West Midlands, ~2,000 a day)."""
    rng = np.random.default_rng(seed)
    h = np.arange(hours)
    base = per_day / 24 * HOUR_PROFILE[h % 24] * WEEKDAY_PROFILE[(h // 24) % 7]
    season = 1 + 0.08 * np.cos(2 * np.pi * (h / hours - 0.5))
    return base * season * rng.lognormal(0, 0.1, hours)


def loop_erlang_c(calls_per_hour: float, aht: float) -> int:
    """Per-interval baseline: the smallest N > A meeting the target, one N at a time."""
    a = calls_per_hour * aht / 3600
    n = math.floor(a) + 1
    while True:
        b = 1.0
        for m in range(1, n + 1):
            b = a * b / (m + a * b)
        c = n * b / (n - a * (1 - b))
        if 1 - c * math.exp(-(n - a) * WITHIN_SECONDS / aht) >= TARGET:
            return n
        n += 1


def timed(label: str, func: object, repeat: int = 1) -> tuple[float, object]:
    best = math.inf
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<44} {best:9.3f} s")
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--calls-per-day", type=float, default=2000.0)
    args = parser.parse_args()
    calls = demand(args.hours, args.seed, args.calls_per_day)
    print(
        f"Staffing {args.hours:,} hourly intervals: {calls.min():.0f}-{calls.max():.0f} calls/h, "
        f"AHT {AHT_SECONDS:.0f} s, {TARGET:.0%} within {WITHIN_SECONDS:.0f} s"
    )
    vec_time, vec = timed(
        "openpeel vectorised Erlang C (one call)",
        lambda: erlang.staff(calls, AHT_SECONDS, TARGET, WITHIN_SECONDS, shrinkage=SHRINKAGE),
        repeat=3,
    )
    agents = vec.metrics.agents  # type: ignore[attr-defined]
    vec_a_time, _ = timed(
        "openpeel vectorised Erlang A (patience 420 s)",
        lambda: erlang.staff(calls, AHT_SECONDS, TARGET, WITHIN_SECONDS, 420.0, SHRINKAGE),
        repeat=3,
    )
    loop_time, loop = timed(
        "per-interval loop (Erlang B recursion)",
        lambda: np.array([loop_erlang_c(c, AHT_SECONDS) for c in calls]),
    )
    print(f"  agents agree with the loop in {np.mean(agents == loop):.2%} of intervals")
    rows = [("per-interval loop", loop_time)]
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("  pyworkforce: not installed (pip install pyworkforce to compare)")
    else:

        def pyworkforce_year() -> np.ndarray:
            out = []
            for c in calls:
                model = ErlangC(
                    transactions=c,
                    aht=AHT_SECONDS / 60,
                    asa=WITHIN_SECONDS / 60,
                    interval=60,
                    shrinkage=SHRINKAGE,
                )
                out.append(model.required_positions(service_level=TARGET)["raw_positions"])
            return np.array(out)

        pw_time, pw = timed("pyworkforce ErlangC, one interval at a time", pyworkforce_year)
        same = np.mean(agents == pw)
        print(f"  agents agree with pyworkforce in {same:.2%} of intervals", end="")
        more = int(np.sum(pw > agents))
        print(f" (pyworkforce staffs more in {more})" if more else "")
        rows.append(("pyworkforce", pw_time))
    print(f"Vectorised Erlang C for the year: {vec_time:.3f} s (target: under 1 s)")
    print(f"Vectorised Erlang A for the year: {vec_a_time:.3f} s")
    for label, seconds in rows:
        print(f"  {label} / vectorised Erlang C: {seconds / vec_time:,.0f}x")


if __name__ == "__main__":
    main()
