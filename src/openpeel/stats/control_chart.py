"""Control limits for monthly counts and the suspected-partial-month rule.

Two kinds of limits:

- ``poisson_control_limits``: exact Poisson limits around the centre line (a c-chart), the
  Poisson quantiles at the two-sided ``1 - alpha`` level (alpha = 0.0027 matches the usual
  3-sigma chart), not the normal approximation, so small counts get honest asymmetric limits.
  Right only when months vary no more than Poisson chance.
- ``overdispersed_control_limits``: Laney's c' chart (Laney 2002, "Improved control charts for
  attributes", Quality Engineering 14(4)). Real monthly counts of searches or crimes vary several
  times more than Poisson chance (operations, seasons, policy), so Poisson limits flag most months
  and mean nothing. Each count is standardised, z = (count - centre) / sqrt(centre); the spread
  of z from month to month is estimated by the average moving range, sigma_z = mean|z_t -
  z_(t-1)| / d2 (d2 = 2/sqrt(pi) = 1.128, the bias constant for ranges of two); the limits are
  centre +/- k * sqrt(centre) * sigma_z with k the normal quantile for ``alpha`` (3.0 at 0.0027).
  sigma_z = 1 for a Poisson process; sigma_z^2 estimates the same dispersion as a quasi-Poisson
  model, but the moving range is less inflated by a slow drift than the overall spread.
  The limits used are the wider of these and the exact Poisson limits, so a chart never claims
  more precision than Poisson chance allows (a short run can give sigma_z < 1 by chance).

method.md §4: a force-month whose count is under 20% of its trailing 12-month median is flagged
as a suspected partial submission.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

THREE_SIGMA_ALPHA = 0.0027
PARTIAL_SHARE = 0.2
MOVING_RANGE_D2 = 2 / np.sqrt(np.pi)
"""Expected range of two independent standard normal values (Shewhart's d2 for n = 2)."""
OUTSIDE_MEANING = (
    "A month outside the limits varied more than the force's other months usually do from one "
    "month to the next: a prompt to ask what happened that month (an operation, a recording "
    "change, a partial file), not a finding in itself."
)
"""What "outside the limits" means, in words a lay reader can use."""


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
    return _limits_frame(c, mu, lower, upper)


def _limits_frame(
    counts: np.ndarray, centre: float, lower: float, upper: float, **extra: Any
) -> pd.DataFrame:
    """Each count beside the centre line and limits, flagged when outside them (then ``extra``
    columns)."""
    return pd.DataFrame(
        {
            "count": counts,
            "centre": centre,
            "lower": lower,
            "upper": upper,
            "is_outside": (counts < lower) | (counts > upper),
            **extra,
        }
    )


def overdispersed_control_limits(
    counts: ArrayLike, alpha: float = THREE_SIGMA_ALPHA, baseline: ArrayLike | None = None
) -> pd.DataFrame:
    """Laney c' limits for monthly counts that vary more than Poisson chance (module docstring).

    Args:
        counts, alpha: as in :func:`poisson_control_limits`.
        baseline: True for the months that set the centre line and sigma_z (e.g. not suspected
            partial submissions); by default every month. The moving ranges are taken between
            consecutive baseline months.

    Returns:
        A frame with ``count``, ``centre`` (mean of the baseline months), ``lower``, ``upper``
        (the wider of the Laney and the exact Poisson limits; lower never below 0),
        ``is_outside``, ``sigma_z`` (the estimated spread of standardised counts; NaN with fewer
        than two baseline months, when the Poisson limits are used) and ``is_overdispersed``
        (sigma_z > 1, so the Laney limits are the wider).
    """
    c = np.asarray(counts, dtype=float)
    keep = np.ones(len(c), dtype=bool) if baseline is None else np.asarray(baseline, dtype=bool)
    if keep.shape != c.shape:
        raise ValueError("baseline must have one value per count")
    base = c[keep]
    mu = float(base.mean()) if len(base) else 0.0
    poisson = poisson_control_limits(c, alpha, centre=mu)
    sigma_z = float("nan")
    lower, upper = float(poisson["lower"].iloc[0]), float(poisson["upper"].iloc[0])
    if len(base) >= 2 and mu > 0:
        z = (base - mu) / np.sqrt(mu)
        sigma_z = float(np.mean(np.abs(np.diff(z))) / MOVING_RANGE_D2)
        half_width = float(stats.norm.isf(alpha / 2)) * np.sqrt(mu) * sigma_z
        lower = min(lower, max(mu - half_width, 0.0))
        upper = max(upper, mu + half_width)
    return _limits_frame(c, mu, lower, upper, sigma_z=sigma_z, is_overdispersed=bool(sigma_z > 1))


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
