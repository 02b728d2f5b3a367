"""Crimes a year that go unrecorded, from a recording rate and the crimes recorded.

If a force records a share p of the crimes it should record and it recorded R crimes in twelve
months, the crimes it should have recorded are R / p and those it did not record::

    U = R · (1 − p) / p

(the inspectorate's method: R is twelve months of recorded crime, fraud excluded). U falls as p
rises, so the interval of p maps to an interval of U by its ends: [R(1 − p_high)/p_high,
R(1 − p_low)/p_low] (exact for a monotone function; R is a count, not an estimate). The
delta-method standard error R·SE(p)/p² is given beside it for reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class UnrecordedCrimes:
    """Crimes a year not recorded, with the interval carried over from the recording rate."""

    estimate: float
    low: float
    high: float
    standard_error: float
    recorded_crimes: float
    recording_rate: float


def _unrecorded(recorded: float, rate: float) -> float:
    if rate <= 0:
        return math.inf
    return recorded * (1 - rate) / rate


def unrecorded_crimes(
    recorded_crimes: float,
    rate: float,
    rate_low: float,
    rate_high: float,
    rate_standard_error: float = float("nan"),
) -> UnrecordedCrimes:
    """U = R(1 − p)/p with its interval from the ends of p's interval.

    Args:
        recorded_crimes: R, crimes recorded in twelve months (fraud excluded).
        rate: p, the estimated recording rate.
        rate_low, rate_high: p's interval.
        rate_standard_error: SE(p), for the delta-method standard error of U.
    """
    if recorded_crimes < 0:
        raise ValueError("recorded crimes cannot be negative")
    nan = float("nan")
    if any(math.isnan(v) for v in (rate, rate_low, rate_high)):
        return UnrecordedCrimes(nan, nan, nan, nan, recorded_crimes, rate)
    return UnrecordedCrimes(
        estimate=_unrecorded(recorded_crimes, rate),
        low=_unrecorded(recorded_crimes, rate_high),
        high=_unrecorded(recorded_crimes, rate_low),
        standard_error=(recorded_crimes * rate_standard_error / rate**2 if rate > 0 else math.inf),
        recorded_crimes=recorded_crimes,
        recording_rate=rate,
    )
