"""Control limits for monthly counts (c-chart) and the suspected-partial-month rule.

A month is flagged when its count falls outside exact Poisson limits around the centre line
(the mean of the baseline months). The limits are the Poisson quantiles at the two-sided
``1 - alpha`` level (alpha = 0.0027 matches the usual 3-sigma chart), not the normal
approximation, so small counts get honest asymmetric limits.

method.md §4: a force-month whose count is under 20% of its trailing 12-month median is flagged
as a suspected partial submission.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

THREE_SIGMA_ALPHA = 0.0027
PARTIAL_SHARE = 0.2


def poisson_control_limits(
    counts: ArrayLike, alpha: float = THREE_SIGMA_ALPHA, centre: float | None = None
) -> pd.DataFrame:
    """Centre line, lower and upper control limits, and the flag for each count.

    Args:
        counts: monthly counts in time order.
        alpha: two-sided probability outside the limits under a stable process.
        centre: the centre line; by default the mean of the counts.

    Returns:
        A frame with ``count``, ``centre``, ``lower``, ``upper`` and ``is_outside``.
    """
    c = np.asarray(counts, dtype=float)
    mu = float(np.mean(c)) if centre is None else float(centre)
    lower = float(stats.poisson.ppf(alpha / 2, mu)) if mu > 0 else 0.0
    upper = float(stats.poisson.isf(alpha / 2, mu)) if mu > 0 else 0.0
    # ppf gives the smallest k with P(X <= k) >= alpha/2; a count below that k is unusual.
    return pd.DataFrame(
        {
            "count": c,
            "centre": mu,
            "lower": lower,
            "upper": upper,
            "is_outside": (c < lower) | (c > upper),
        }
    )


def suspected_partial(
    counts: ArrayLike, window: int = 12, share: float = PARTIAL_SHARE
) -> np.ndarray:
    """True where a count is under ``share`` of the median of the previous ``window`` counts.

    The first month has no history and is never flagged; fewer than ``window`` previous months
    use what there is.
    """
    c = pd.Series(np.asarray(counts, dtype=float))
    trailing = c.shift(1).rolling(window, min_periods=1).median()
    return ((c < share * trailing) & trailing.notna()).to_numpy()
