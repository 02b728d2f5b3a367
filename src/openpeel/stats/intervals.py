"""Confidence intervals for proportions and counts, vectorised over NumPy arrays.

- Proportions (arrest rate, share answered in 10 s, share graded green): Wilson score interval.
- Counts of events (searches, crimes) and rates built on them: exact (Garwood) Poisson interval.
- Rare proportions (further offending among registered offenders): exact (Clopper-Pearson).

Both are checked against statsmodels in the tests. They are written here, not called from
statsmodels, because they must take whole arrays (one call per table, not per cell) and must
return (nan, nan) for an empty denominator instead of raising. SciPy is imported on first use:
it takes a second to import, and a report read from stored views computes no interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from openpeel.errors import UserInputError

FloatArray = NDArray[np.float64]


def z_value(confidence: float) -> float:
    """The two-sided normal quantile of a confidence level (1.96 for 0.95)."""
    if not 0 < confidence < 1:
        raise UserInputError(f"confidence must be between 0 and 1, not {confidence}")
    from scipy import stats

    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95
) -> tuple[Any, Any]:
    """Wilson score interval for a proportion successes / trials.

    Args:
        successes: number of successes (array-like).
        trials: number of trials (array-like, same shape); 0 gives (nan, nan).
        confidence: two-sided confidence level.

    Returns:
        (low, high) arrays (or floats for scalar input), bounded to [0, 1].
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(x < 0) or np.any(x > n):
        raise ValueError("successes must be between 0 and the number of trials")
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    # At the boundaries the closed form is exact; remove floating-point dust.
    low = np.where((x == 0) & (n > 0), 0.0, low)
    high = np.where((x == n) & (n > 0), 1.0, high)
    return _unwrap(low), _unwrap(high)


def poisson_exact_interval(count: ArrayLike, confidence: float = 0.95) -> tuple[Any, Any]:
    """Exact (Garwood) interval for the mean of a Poisson count.

    ``low = chi2.ppf(a/2, 2k) / 2`` and ``high = chi2.ppf(1 - a/2, 2k + 2) / 2``; low is 0 for
    k = 0. Divide both by the exposure for a rate.
    """
    k = np.asarray(count, dtype=float)
    if np.any(k < 0):
        raise ValueError("counts must not be negative")
    alpha = 1 - confidence
    z_value(confidence)
    from scipy import stats

    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return _unwrap(low), _unwrap(high)


def clopper_pearson_interval(
    successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95
) -> tuple[Any, Any]:
    """Exact (Clopper-Pearson) interval for a proportion successes / trials.

    ``low = beta.ppf(a/2, x, n - x + 1)`` (0 when x = 0) and ``high = beta.ppf(1 - a/2, x + 1,
    n - x)`` (1 when x = n). Conservative: used where events are rare (a few further offences
    among a thousand offenders), where Wilson's approximation is least reliable. n = 0 gives
    (nan, nan).
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(x < 0) or np.any(x > n):
        raise ValueError("successes must be between 0 and the number of trials")
    alpha = 1 - confidence
    z_value(confidence)
    from scipy import stats

    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        high = np.where(x < n, stats.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    return _unwrap(low), _unwrap(high)


def _unwrap(a: FloatArray) -> Any:
    return float(a) if np.ndim(a) == 0 else a
