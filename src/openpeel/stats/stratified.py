"""Estimating a rate from a stratified sample: the design-weighted ratio, its interval, and the
sample size that gives a target interval width.

An audit samples records (incidents) stratum by stratum and, for each, observes ``x`` (the record
is in the denominator: a crime should have been recorded) and ``y`` (it is in the numerator: the
crime was recorded). The rate is the ratio of two population totals, each estimated from the
sample with the design weights ``N_h / n_h`` (Cochran, *Sampling Techniques*, 3rd ed., §6.11,
the combined ratio estimate)::

    Y = Σ_h N_h ȳ_h,   X = Σ_h N_h x̄_h,   R = Y / X

and its variance by linearisation, with the finite population correction of each stratum::

    v(R) = Σ_h N_h² (1 − n_h/N_h) s²_{d,h} / n_h / X²,   d_hi = y_hi − R x_hi

The interval is R ± z·√v(R), clipped to [0, 1]. When every sampled record is in the denominator
(x = 1) this is the textbook stratified proportion (Cochran §5.3, with s² = n p(1−p)/(n−1)); with
one stratum and a negligible sampling fraction it is the normal (Wald) interval
p ± z √(p(1−p)/(n−1)), which is how the inspectorate's published recording rates read (83.8%
± 1.88 points on about 1,476 crimes).

A stratum with a single sampled record has no variance estimate: it adds nothing to v(R) and the
result says so (``strata_without_variance``). When every sampled record is alike (all recorded,
or none) the normal interval collapses to a point although the sample is not the population; the
interval is then the Wilson interval of the sampled count (a sample of 9 crimes all recorded gives
70% to 100%, not 100% to 100%).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from openpeel.errors import UserInputError
from openpeel.stats.intervals import wilson_interval, z_value


@dataclass(frozen=True)
class RatioEstimate:
    """A design-weighted ratio with its interval.

    Attributes:
        estimate: R (nan when no sampled record is in the denominator).
        low, high: the interval, clipped to [0, 1].
        standard_error: √v(R).
        numerator_total, denominator_total: the estimated population totals Y and X.
        numerator_sampled, denominator_sampled: sampled records with y = 1 and with x = 1.
        records_sampled: sampled records (in the denominator or not).
        confidence: the interval's level.
        strata_without_variance: strata with one sampled record (no variance estimate).
    """

    estimate: float
    low: float
    high: float
    standard_error: float
    numerator_total: float
    denominator_total: float
    numerator_sampled: int
    denominator_sampled: int
    records_sampled: int
    confidence: float
    strata_without_variance: list[str] = field(default_factory=list)

    @property
    def half_width(self) -> float:
        """z·SE: the '±' of the estimate (before clipping)."""
        return z_value(self.confidence) * self.standard_error


def stratified_ratio(
    numerator: Sequence[float] | np.ndarray,
    denominator: Sequence[float] | np.ndarray,
    strata: Sequence[str],
    stratum_sizes: Mapping[str, int],
    confidence: float = 0.95,
) -> RatioEstimate:
    """The combined ratio estimate Σ N_h ȳ_h / Σ N_h x̄_h and its linearised interval.

    Args:
        numerator: y of each sampled record (0/1 for a rate; y ≤ x).
        denominator: x of each sampled record.
        strata: the stratum of each sampled record.
        stratum_sizes: N_h, the frame records of each stratum (every stratum sampled must have
            one, at least as large as its sample).
        confidence: two-sided level of the interval.

    Raises:
        UserInputError: lengths differ, a stratum has no size or a sample larger than its size.
    """
    y = np.asarray(numerator, dtype=float)
    x = np.asarray(denominator, dtype=float)
    labels = np.asarray(list(strata), dtype=object)
    if not len(y) == len(x) == len(labels):
        raise UserInputError("numerator, denominator and strata must have the same length")
    z = z_value(confidence)
    groups = {str(h): np.flatnonzero(labels == h) for h in dict.fromkeys(labels.tolist())}
    totals_y = 0.0
    totals_x = 0.0
    for h, rows in groups.items():
        if h not in stratum_sizes:
            raise UserInputError(f"stratum {h!r} has no frame size")
        if len(rows) > stratum_sizes[h]:
            raise UserInputError(f"stratum {h!r}: {len(rows)} sampled from {stratum_sizes[h]}")
        totals_y += stratum_sizes[h] * float(y[rows].mean())
        totals_x += stratum_sizes[h] * float(x[rows].mean())
    # The sample's facts; the estimate and interval stay nan when no sampled record is in the
    # denominator (x ≥ 0, so none has x > 0 then).
    nan = float("nan")
    sampled = (int((y > 0).sum()), int((x > 0).sum()), len(y))
    sample = RatioEstimate(nan, nan, nan, nan, totals_y, totals_x, *sampled, confidence)
    if totals_x <= 0:
        return sample
    ratio = totals_y / totals_x
    variance = 0.0
    single: list[str] = []
    for h, rows in groups.items():
        n_h, big_n = len(rows), stratum_sizes[h]
        if n_h < 2:
            single.append(h)
            continue
        d = y[rows] - ratio * x[rows]
        variance += big_n**2 * (1 - n_h / big_n) * float(d.var(ddof=1)) / n_h
    se = math.sqrt(variance) / totals_x
    low, high = max(0.0, ratio - z * se), min(1.0, ratio + z * se)
    is_census = all(len(rows) == stratum_sizes[h] for h, rows in groups.items())
    if se == 0 and not is_census and (ratio <= 0 or ratio >= 1):
        # Every sampled record alike (all recorded, or none): the normal interval collapses to a
        # point. The Wilson interval on the sampled count says how far that can be from the truth.
        low, high = (
            float(v) for v in wilson_interval(int((y > 0).sum()), int((x > 0).sum()), confidence)
        )
    return replace(
        sample,
        estimate=ratio,
        low=low,
        high=high,
        standard_error=se,
        strata_without_variance=single,
    )


def sample_size_for_half_width(
    half_width: float,
    expected_rate: float = 0.9,
    confidence: float = 0.95,
    eligible_share: float = 1.0,
    population: int | None = None,
    design_effect: float = 1.0,
) -> int:
    """Records to sample so that a rate's interval is about ± ``half_width``.

    The crimes needed are m = deff · z² p(1−p) / e² (the normal interval of a proportion);
    only a share of sampled records are crimes, so n₀ = m / eligible_share records; the finite
    population correction gives n = n₀ / (1 + (n₀ − 1)/N) (Cochran §4.4).

    Args:
        half_width: the target '±', as a fraction (0.02 for ± 2 points).
        expected_rate: the rate expected (0.5 is the worst case).
        confidence: the interval's level.
        eligible_share: share of sampled records expected to be in the denominator.
        population: frame size N (None: no correction).
        design_effect: variance inflation of the design over simple random sampling.
    """
    if not 0 < half_width < 1:
        raise UserInputError("the target half-width must be between 0 and 1 (e.g. 0.02)")
    if not 0 < expected_rate < 1:
        raise UserInputError("the expected rate must be between 0 and 1")
    if not 0 < eligible_share <= 1:
        raise UserInputError("the eligible share must be above 0 and at most 1")
    z = z_value(confidence)
    n0 = design_effect * z**2 * expected_rate * (1 - expected_rate) / half_width**2
    n0 /= eligible_share
    if population is not None:
        if population < 1:
            raise UserInputError("the frame is empty")
        n0 = n0 / (1 + (n0 - 1) / population)
        return min(population, math.ceil(n0))
    return math.ceil(n0)


def allocate_proportional(
    total: int, stratum_sizes: Mapping[str, int], minimum: int = 2
) -> dict[str, int]:
    """Share ``total`` records among strata in proportion to their sizes (largest remainder).

    Every non-empty stratum gets at least ``minimum`` (so it has a variance estimate) and none
    more than it holds.
    """
    sizes = {h: int(n) for h, n in stratum_sizes.items() if n > 0}
    if not sizes:
        raise UserInputError("every stratum is empty")
    frame = sum(sizes.values())
    total = min(total, frame)
    exact = {h: total * n / frame for h, n in sizes.items()}
    floor = {h: min(n, minimum) for h, n in sizes.items()}
    out = {h: min(n, max(floor[h], math.floor(exact[h]))) for h, n in sizes.items()}
    # Too many (the minimums pushed it over): take from the strata furthest above their share.
    while sum(out.values()) > total:
        over = [h for h in sizes if out[h] > floor[h]]
        if not over:
            break
        out[max(over, key=lambda h: out[h] - exact[h])] -= 1
    # Too few (rounding down): give to the largest remainders.
    while sum(out.values()) < total:
        room = [h for h in sizes if out[h] < sizes[h]]
        out[max(room, key=lambda h: exact[h] - out[h])] += 1
    return {h: out.get(h, 0) for h in stratum_sizes}
