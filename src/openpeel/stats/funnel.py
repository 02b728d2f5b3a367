"""Funnel-plot limits for comparing forces (Spiegelhalter 2005).

For a proportion with target ``p0`` and ``n`` trials, the limits are exact binomial quantiles;
for a rate with target ``r0`` per unit exposure, exact Poisson quantiles of ``r0 * exposure``.
Both are returned at 95% and 99.8% (about 2 and 3 standard deviations), vectorised over n, in
one naming scheme used by every indicator: ``target``, ``lower_95``, ``upper_95``,
``lower_99_8``, ``upper_99_8``; ``funnel_position`` says where a value falls in words
(``above_99_8`` ... ``below_99_8``). A funnel needs peers to set its target: with fewer than
``MIN_FUNNEL_UNITS`` units (forces) compared, indicators withhold the limits and say why.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

LEVELS = (0.95, 0.998)
MIN_FUNNEL_UNITS = 5
"""Fewer units than this (forces) and a funnel's target is little more than the unit itself:
indicators show the units' values but no limits."""
FUNNEL_POSITIONS = ("above_99_8", "above_95", "within_95", "below_95", "below_99_8")


def proportion_funnel(
    p0: float, trials: ArrayLike, levels: tuple[float, ...] = LEVELS
) -> pd.DataFrame:
    """Binomial funnel limits for a proportion around ``p0`` at each number of trials."""
    n = np.asarray(trials, dtype=float)
    return _funnel("trials", n, p0, stats.binom(n, p0), levels)


def rate_funnel(
    rate0: float, exposure: ArrayLike, levels: tuple[float, ...] = LEVELS
) -> pd.DataFrame:
    """Poisson funnel limits for a rate around ``rate0`` (events per unit exposure)."""
    e = np.asarray(exposure, dtype=float)
    return _funnel("exposure", e, rate0, stats.poisson(rate0 * e), levels)


def _funnel(
    size_name: str, size: np.ndarray, target: float, counts: Any, levels: tuple[float, ...]
) -> pd.DataFrame:
    """Funnel limits around ``target`` at each unit size (trials or exposure): the central
    ``level`` interval of the count's distribution ``counts`` (a frozen scipy distribution, one
    per size) divided by the size; no limits where the size is 0."""
    out = {size_name: size, "target": np.full_like(size, target)}
    for level in levels:
        a = (1 - level) / 2
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"lower_{_pct(level)}"] = np.where(size > 0, counts.ppf(a) / size, np.nan)
            out[f"upper_{_pct(level)}"] = np.where(size > 0, counts.isf(a) / size, np.nan)
    return pd.DataFrame(out)


def _pct(level: float) -> str:
    return f"{level * 100:g}".replace(".", "_")


def funnel_position(
    value: ArrayLike,
    lower_95: ArrayLike,
    upper_95: ArrayLike,
    lower_99_8: ArrayLike,
    upper_99_8: ArrayLike,
    empty: str = "no_value",
) -> list[str]:
    """Where each value falls: ``above_99_8``, ``above_95``, ``within_95``, ``below_95``,
    ``below_99_8`` (``empty`` where the value or the limits are missing)."""
    out = []
    for v, lo95, hi95, lo998, hi998 in zip(
        *(np.asarray(a, dtype=float) for a in (value, lower_95, upper_95, lower_99_8, upper_99_8)),
        strict=True,
    ):
        if np.isnan(v) or np.isnan(lo95) or np.isnan(hi95):
            out.append(empty)
        elif v > hi998:
            out.append("above_99_8")
        elif v > hi95:
            out.append("above_95")
        elif v < lo998:
            out.append("below_99_8")
        elif v < lo95:
            out.append("below_95")
        else:
            out.append("within_95")
    return out


def position_words(position: str) -> str:
    """A ``funnel_position`` for people: 'above the 99.8% limit', 'within the 95% limits'."""
    words = {
        "above_99_8": "above the upper 99.8% funnel limit",
        "above_95": "above the upper 95% funnel limit (within 99.8%)",
        "within_95": "within the 95% funnel limits",
        "below_95": "below the lower 95% funnel limit (within 99.8%)",
        "below_99_8": "below the lower 99.8% funnel limit",
    }
    return words.get(position, position.replace("_", " "))
