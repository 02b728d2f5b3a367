"""Ratios of two Poisson rates (disproportionality ratios) and their intervals.

A disproportionality ratio compares the search rate of one group with that of a reference group:
``ratio = (a / Ea) / (c / Ec)`` with ``a``, ``c`` the searches and ``Ea``, ``Ec`` the exposures
(person-years). Searches are events, not people (a person can be searched more than once), so the
counts are treated as Poisson (method.md §4). Three intervals, all vectorised over arrays:

- ``exact`` (default): the exact conditional interval. Given ``N = a + c``,
  ``a ~ Binomial(N, pi)`` with ``pi = R Ea / (R Ea + Ec)``; the Clopper-Pearson interval for ``pi``
  maps to the ratio by ``R = pi / (1 - pi) * Ec / Ea``. It needs no pseudocounts: ``a = 0`` gives a
  lower limit of 0, ``c = 0`` an upper limit of infinity, and both 0 gives (0, inf). Guaranteed
  coverage of at least the nominal level (conservative).
- ``score``: inverts the score test of statsmodels ``test_poisson_2indep(method="score")``,
  ``(a - c x) / sqrt((a + c) x) = +-z`` with ``x = R Ea / Ec``. The two roots of that quadratic
  are written in closed form (statsmodels finds them numerically, and fails for zero counts).
- ``wald_log``: ``ratio * exp(+-z sqrt(1/a + 1/c))``; undefined (NaN) when a count is zero.

Assumption bounds for searches whose ethnicity was not stated: these are not confidence intervals
but the range a ratio could take if every unrecorded search belonged to one side or the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from openpeel.errors import UserInputError
from openpeel.stats.intervals import z_value

FloatArray = NDArray[np.float64]
METHODS = ("exact", "score", "wald_log")


@dataclass(frozen=True)
class RateRatio:
    """A rate ratio with its interval (floats for scalar input, arrays otherwise)."""

    ratio: Any
    low: Any
    high: Any
    method: str
    confidence: float


def _unwrap(a: NDArray[Any]) -> Any:
    return float(a) if np.ndim(a) == 0 else a


def _arrays(*values: ArrayLike) -> list[FloatArray]:
    arrays = [np.asarray(v, dtype=float) for v in values]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    return [np.broadcast_to(a, shape).astype(float) for a in arrays]


def rate_ratio(
    count: ArrayLike,
    exposure: ArrayLike,
    ref_count: ArrayLike,
    ref_exposure: ArrayLike,
    method: str = "exact",
    confidence: float = 0.95,
) -> RateRatio:
    """The ratio of two Poisson rates, ``(count/exposure) / (ref_count/ref_exposure)``.

    Args:
        count: events in the comparison group (array-like, non-negative).
        exposure: its exposure (positive), e.g. person-years.
        ref_count: events in the reference group.
        ref_exposure: its exposure (positive).
        method: ``exact`` (conditional, Clopper-Pearson), ``score`` or ``wald_log``.
        confidence: two-sided confidence level.

    Returns:
        The ratio (inf when only the reference count is 0, NaN when both are) and its interval.

    Raises:
        ValueError: on negative counts, non-positive exposures, an unknown method or confidence.
    """
    if method not in METHODS:
        raise UserInputError(
            f"unknown rate-ratio method {method!r}; choose one of {', '.join(METHODS)}"
        )
    a, ea, c, ec = _arrays(count, exposure, ref_count, ref_exposure)
    if np.any(a < 0) or np.any(c < 0):
        raise ValueError("counts must not be negative")
    if np.any(~(ea > 0)) or np.any(~(ec > 0)):
        raise ValueError("exposures must be positive")
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (a / ea) / (c / ec)
        if method == "exact":
            low, high = _exact_conditional(a, ea, c, ec, confidence)
        elif method == "score":
            low, high = _score(a, ea, c, ec, z)
        else:
            spread = np.exp(z * np.sqrt(1 / a + 1 / c))
            ok = (a > 0) & (c > 0)
            low = np.where(ok, ratio / spread, np.nan)
            high = np.where(ok, ratio * spread, np.nan)
    return RateRatio(_unwrap(ratio), _unwrap(low), _unwrap(high), method, confidence)


def _exact_conditional(
    a: FloatArray, ea: FloatArray, c: FloatArray, ec: FloatArray, confidence: float
) -> tuple[FloatArray, FloatArray]:
    alpha = 1 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        pi_low = np.where(a > 0, stats.beta.ppf(alpha / 2, a, c + 1), 0.0)
        pi_high = np.where(c > 0, stats.beta.ppf(1 - alpha / 2, a + 1, c), 1.0)
        scale = ec / ea
        low = pi_low / (1 - pi_low) * scale
        high = np.where(pi_high < 1, pi_high / (1 - pi_high) * scale, np.inf)
    return low, high


def _score(
    a: FloatArray, ea: FloatArray, c: FloatArray, ec: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    # (a - c x)^2 = z^2 (a + c) x  <=>  c^2 x^2 - (2ac + z^2 N) x + a^2 = 0, x = R * ea / ec.
    n = a + c
    b = 2 * a * c + z**2 * n
    root = np.sqrt(z**2 * n * (4 * a * c + z**2 * n))
    with np.errstate(divide="ignore", invalid="ignore"):
        # The smaller root as a^2 / (c^2 x_high): stable, and right when c = 0 (x = a / z^2).
        x_low = np.where(n > 0, 2 * a**2 / (b + root), 0.0)
        x_high = np.where(c > 0, (b + root) / (2 * c**2), np.inf)
    scale = ec / ea
    return x_low * scale, x_high * scale


@dataclass(frozen=True)
class NotStatedBounds:
    """Assumption bounds on a ratio when ``unknown`` events have no group recorded.

    Attributes:
        low: L, the ratio if every unknown event belonged to the reference side.
        high: H, the ratio if every unknown event belonged to the comparison group.
        q_star: the share of unknown events that, given to the comparison group (the rest to the
            reference), would bring the ratio to exactly 1.
        is_q_star_feasible: True when 0 <= q_star <= 1 (parity is reachable within the bounds).
    """

    low: Any
    high: Any
    q_star: Any
    is_q_star_feasible: Any


def not_stated_bounds(
    count: ArrayLike,
    exposure: ArrayLike,
    ref_count: ArrayLike,
    ref_exposure: ArrayLike,
    unknown: ArrayLike,
) -> NotStatedBounds:
    """Bounds L, H and q* for a ratio against a reference group (method.md §4).

    ``L = (Nc/Ec) / ((Nr+U)/Er)``, ``H = ((Nc+U)/Ec) / (Nr/Er)`` and
    ``q* = [Ec(Nr+U) - Er Nc] / [U (Er+Ec)]``.
    """
    nc, ec, nr, er, u = _arrays(count, exposure, ref_count, ref_exposure, unknown)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = (nc / ec) / ((nr + u) / er)
        high = ((nc + u) / ec) / (nr / er)
        q = np.where(u > 0, (ec * (nr + u) - er * nc) / (u * (er + ec)), np.nan)
    return NotStatedBounds(_unwrap(low), _unwrap(high), _unwrap(q), _unwrap((q >= 0) & (q <= 1)))


def not_stated_bounds_vs_total(
    count: ArrayLike,
    exposure: ArrayLike,
    total_count: ArrayLike,
    total_exposure: ArrayLike,
    unknown: ArrayLike,
) -> NotStatedBounds:
    """Bounds for a ratio against the whole population, whose count already holds the unknowns.

    The reference rate ``N/E`` does not move; only the comparison count can gain unknowns:
    ``L = (Nc/Ec) / (N/E)``, ``H = ((Nc+U)/Ec) / (N/E)`` and ``q* = (N Ec/E - Nc) / U``.
    """
    nc, ec, n, e, u = _arrays(count, exposure, total_count, total_exposure, unknown)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = (nc / ec) / (n / e)
        high = ((nc + u) / ec) / (n / e)
        q = np.where(u > 0, (n * ec / e - nc) / u, np.nan)
    return NotStatedBounds(_unwrap(low), _unwrap(high), _unwrap(q), _unwrap((q >= 0) & (q <= 1)))
