"""The slope of a straight line through equally spaced values, with its t interval: is a
month-by-month series going up or down, and is that more than noise?"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Fewest points a line with an interval is fitted through (two leave no degrees of freedom).
MIN_POINTS = 3


def slope_interval(
    values: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """(slope, low, high) per step of the least-squares line through ``values`` (steps 0, 1, ...).

    Raises:
        ValueError: fewer than :data:`MIN_POINTS` values.
    """
    from scipy import stats  # imported on first use: a second to import

    y = np.asarray(values, dtype=float)
    if len(y) < MIN_POINTS:
        raise ValueError(f"{len(y)} values; a line with an interval needs {MIN_POINTS}")
    fit = stats.linregress(np.arange(len(y), dtype=float), y)
    slope, stderr = float(fit.slope), float(fit.stderr)
    if not np.isfinite(stderr):  # every value equal: a flat line, known exactly
        stderr = 0.0
    t = float(stats.t.ppf(0.5 + confidence / 2, len(y) - 2))
    return slope, slope - t * stderr, slope + t * stderr
