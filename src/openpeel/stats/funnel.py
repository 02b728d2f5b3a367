"""Funnel-plot limits for comparing forces (Spiegelhalter 2005).

For a proportion with target ``p0`` and ``n`` trials, the limits are exact binomial quantiles;
for a rate with target ``r0`` per unit exposure, exact Poisson quantiles of ``r0 * exposure``.
Both are returned at 95% and 99.8% (about 2 and 3 standard deviations), vectorised over n.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

LEVELS = (0.95, 0.998)


def proportion_funnel(
    p0: float, trials: ArrayLike, levels: tuple[float, ...] = LEVELS
) -> pd.DataFrame:
    """Binomial funnel limits for a proportion around ``p0`` at each number of trials."""
    n = np.asarray(trials, dtype=float)
    out = {"trials": n, "target": np.full_like(n, p0)}
    for level in levels:
        a = (1 - level) / 2
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"lower_{_pct(level)}"] = np.where(n > 0, stats.binom.ppf(a, n, p0) / n, np.nan)
            out[f"upper_{_pct(level)}"] = np.where(n > 0, stats.binom.isf(a, n, p0) / n, np.nan)
    return pd.DataFrame(out)


def rate_funnel(
    rate0: float, exposure: ArrayLike, levels: tuple[float, ...] = LEVELS
) -> pd.DataFrame:
    """Poisson funnel limits for a rate around ``rate0`` (events per unit exposure)."""
    e = np.asarray(exposure, dtype=float)
    out = {"exposure": e, "target": np.full_like(e, rate0)}
    for level in levels:
        a = (1 - level) / 2
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"lower_{_pct(level)}"] = np.where(
                e > 0, stats.poisson.ppf(a, rate0 * e) / e, np.nan
            )
            out[f"upper_{_pct(level)}"] = np.where(
                e > 0, stats.poisson.isf(a, rate0 * e) / e, np.nan
            )
    return pd.DataFrame(out)


def _pct(level: float) -> str:
    return f"{level * 100:g}".replace(".", "_")
