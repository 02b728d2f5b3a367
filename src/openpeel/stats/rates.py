"""Annualised rates per 1,000 residents with their exact interval: the one place they are made.

A count of events (searches, crimes) over ``months`` months of a resident ``population`` is
exposure ``population x months / 12`` person-years. The rate is ``1000 x count / person_years``
(events per 1,000 residents a year); its interval is the exact (Garwood) Poisson interval of the
count divided by the same exposure. An empty or non-positive exposure gives an empty rate and
interval (NaN), never a zero or an infinity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from openpeel.stats.intervals import poisson_exact_interval

PER = 1000.0


@dataclass(frozen=True)
class AnnualRate:
    """Rates per 1,000 a year with the exact interval (floats for scalars, arrays otherwise)."""

    rate: Any
    low: Any
    high: Any


def person_years(population: ArrayLike, months: ArrayLike) -> Any:
    """Exposure in person-years: ``population x months / 12``."""
    p = np.asarray(population, dtype=float)
    m = np.asarray(months, dtype=float)
    out = p * m / 12
    return float(out) if np.ndim(out) == 0 else out


def annual_rate_per_1000(
    count: ArrayLike, exposure_years: ArrayLike, confidence: float = 0.95
) -> AnnualRate:
    """Events per 1,000 person-years with the exact (Garwood) Poisson interval.

    Args:
        count: events (non-negative; NaN counts give NaN rates).
        exposure_years: person-years (``person_years(population, months)``).
        confidence: two-sided level of the interval.

    Returns:
        ``rate``, ``low``, ``high``; NaN wherever the exposure is not positive.
    """
    k = np.asarray(count, dtype=float)
    e = np.asarray(exposure_years, dtype=float)
    k, e = np.broadcast_arrays(k, e)
    known = np.isfinite(k)
    low, high = poisson_exact_interval(np.where(known, k, 0.0), confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = known & np.isfinite(e) & (e > 0)
        rate = np.where(ok, PER * k / e, np.nan)
        lo = np.where(ok, PER * np.asarray(low) / e, np.nan)
        hi = np.where(ok, PER * np.asarray(high) / e, np.nan)
    if np.ndim(rate) == 0:
        return AnnualRate(float(rate), float(lo), float(hi))
    return AnnualRate(rate, lo, hi)
