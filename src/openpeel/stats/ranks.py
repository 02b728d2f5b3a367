"""Ranks of units (forces) with an interval for the rank (Goldstein and Spiegelhalter 1996).

A league table ranks point estimates, but a force's rank moves a long way with chance when its
neighbours' values are close. The rank interval says how far: draw every unit's true value from
its posterior given its count (Jeffreys prior: ``Beta(k + 1/2, n - k + 1/2)`` for a proportion,
``Gamma(k + 1/2) / exposure`` for a rate), rank the draws, and take the central ``confidence``
range of each unit's ranks. Rank 1 is the highest value. The draws use a fixed seed, so the same
inputs always give the same interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

KINDS = ("proportion", "rate")
DRAWS = 4000
SEED = 20_260_101


@dataclass(frozen=True)
class Ranks:
    """Rank 1 = highest value; NaN for units with no value (they are not ranked)."""

    rank: Any
    low: Any
    high: Any
    units_ranked: int


def ranks_with_interval(
    count: ArrayLike,
    denominator: ArrayLike,
    kind: str = "rate",
    confidence: float = 0.95,
    draws: int = DRAWS,
) -> Ranks:
    """Each unit's rank among those with a value, and the interval of that rank.

    Args:
        count: events (rate) or successes (proportion); NaN = no value (not ranked).
        denominator: exposure (rate) or trials (proportion); not positive = not ranked.
        kind: ``rate`` or ``proportion``.
        confidence: the central share of simulated ranks the interval covers.
        draws: number of simulated league tables.

    Returns:
        ``rank`` (by the point estimate, ties share the best rank), ``low`` (best) and ``high``
        (worst) ends of the rank interval, and how many units were ranked.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    k = np.asarray(count, dtype=float)
    n = np.asarray(denominator, dtype=float)
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0)
    rank = np.full(k.shape, np.nan)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    if not ok.any():
        return Ranks(rank, low, high, 0)
    kk, nn = k[ok], n[ok]
    value = kk / nn
    # Rank 1 = highest; ties share the best (smallest) rank.
    rank[ok] = stats.rankdata(-value, method="min")
    rng = np.random.default_rng(SEED)
    if kind == "proportion":
        sims = rng.beta(kk + 0.5, np.maximum(nn - kk, 0) + 0.5, size=(draws, kk.size))
    else:
        sims = rng.gamma(kk + 0.5, size=(draws, kk.size)) / nn
    sim_ranks = kk.size - np.argsort(np.argsort(sims, axis=1), axis=1)
    tail = (1 - confidence) / 2 * 100
    low[ok] = np.floor(np.percentile(sim_ranks, tail, axis=0))
    high[ok] = np.ceil(np.percentile(sim_ranks, 100 - tail, axis=0))
    return Ranks(rank, low, high, int(kk.size))
