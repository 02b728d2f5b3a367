"""Rate-ratio intervals and not-stated bounds checked against statsmodels, scipy and closed forms
over a grid with zero, very small and very large counts."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import rates as sm_rates
from statsmodels.stats.rates import confint_poisson_2indep

from openpeel.stats.rate_ratio import (
    not_stated_bounds,
    not_stated_bounds_vs_total,
    rate_ratio,
)

COUNTS = (0, 1, 2, 5, 17, 100, 2_500, 1_000_000)
EXPOSURES = (1.0, 3.7, 250_000.0)
GRID = [
    (a, ea, c, ec)
    for a, c in itertools.product(COUNTS, COUNTS)
    for ea, ec in ((1.0, 1.0), (3.7, 250_000.0), (250_000.0, 3.7))
]
POSITIVE = [g for g in GRID if g[0] > 0 and g[2] > 0]


def _score_p(a: float, ea: float, c: float, ec: float, ratio: float) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(
            sm_rates.test_poisson_2indep(
                a, ea, c, ec, value=ratio, method="score", compare="ratio"
            )[1]
        )


@pytest.mark.parametrize(("a", "ea", "c", "ec"), POSITIVE)
def test_score_matches_statsmodels(a: int, ea: float, c: int, ec: float) -> None:
    rr = rate_ratio(a, ea, c, ec, "score")
    assert rr.ratio == pytest.approx((a / ea) / (c / ec), rel=1e-12)
    # The defining property, exact to rounding: statsmodels' score test has p = alpha at both
    # limits.
    assert _score_p(a, ea, c, ec, rr.low) == pytest.approx(0.05, abs=1e-7)
    assert _score_p(a, ea, c, ec, rr.high) == pytest.approx(0.05, abs=1e-7)
    # statsmodels' own interval comes from a numerical search with an absolute tolerance of
    # 1e-8 on the ratio, so it is only comparable where the ratio is not tiny.
    low, high = confint_poisson_2indep(a, ea, c, ec, method="score", compare="ratio")
    if rr.low > 1e-3:
        assert rr.low == pytest.approx(low, rel=1e-5)
    if rr.high > 1e-3:
        assert rr.high == pytest.approx(high, rel=1e-5)


@pytest.mark.parametrize(("a", "ea", "c", "ec"), [g for g in GRID if (g[0] == 0) != (g[2] == 0)])
def test_score_with_a_zero_count_inverts_the_score_test(
    a: int, ea: float, c: int, ec: float
) -> None:
    # statsmodels' numerical inversion fails here (it returns one point for both limits), so
    # check the defining property instead: the score test's p-value at the finite limit is alpha.
    rr = rate_ratio(a, ea, c, ec, "score")
    if a == 0:
        assert rr.low == 0.0 and np.isfinite(rr.high)
        limit = rr.high
    else:
        assert np.isinf(rr.high) and rr.low > 0
        limit = rr.low
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p = sm_rates.test_poisson_2indep(
            a, ea, c, ec, value=limit, method="score", compare="ratio"
        )[1]
    assert p == pytest.approx(0.05, abs=1e-8)


@pytest.mark.parametrize(("a", "ea", "c", "ec"), [g for g in GRID if g[0] + g[2] > 0])
def test_exact_matches_scipy_clopper_pearson(a: int, ea: float, c: int, ec: float) -> None:
    rr = rate_ratio(a, ea, c, ec, "exact", confidence=0.95)
    n, scale = a + c, ec / ea
    # Back to the binomial proportion pi = R / (R + Ec/Ea), where the oracles live.
    pi_low = rr.low / (rr.low + scale)
    pi_high = 1.0 if np.isinf(rr.high) else rr.high / (rr.high + scale)
    ci = stats.binomtest(a, n).proportion_ci(confidence_level=0.95, method="exact")
    # scipy finds its limits by root-finding; agreement to 1e-5 relative (or 1e-12 absolute).
    assert pi_low == pytest.approx(ci.low, rel=1e-5, abs=1e-12)
    assert pi_high == pytest.approx(ci.high, rel=1e-5, abs=1e-12)
    # The definition of Clopper-Pearson: each tail has probability alpha/2 at its limit.
    if a > 0:
        assert stats.binom.sf(a - 1, n, pi_low) == pytest.approx(0.025, rel=1e-6)
    else:
        assert rr.low == 0.0
    if c > 0:
        assert stats.binom.cdf(a, n, pi_high) == pytest.approx(0.025, rel=1e-6)
    else:
        assert np.isinf(rr.high)


@pytest.mark.parametrize(("a", "c"), [(1, 1), (3, 40), (17, 5), (2_500, 100)])
def test_exact_limits_have_the_binomial_tail_property(a: int, c: int) -> None:
    rr = rate_ratio(a, 2.0, c, 5.0, "exact", confidence=0.9)
    pi = lambda r: r * 2.0 / (r * 2.0 + 5.0)  # noqa: E731 - ratio -> binomial proportion
    assert stats.binom.sf(a - 1, a + c, pi(rr.low)) == pytest.approx(0.05, rel=1e-6)
    assert stats.binom.cdf(a, a + c, pi(rr.high)) == pytest.approx(0.05, rel=1e-6)


def test_exact_zero_counts_need_no_pseudocounts() -> None:
    rr = rate_ratio([0, 4, 0], [10.0, 10.0, 10.0], [4, 0, 0], [20.0, 20.0, 20.0], "exact")
    assert rr.ratio[0] == 0.0 and rr.low[0] == 0.0 and 0 < rr.high[0] < np.inf
    assert np.isinf(rr.ratio[1]) and rr.low[1] > 0 and np.isinf(rr.high[1])
    assert np.isnan(rr.ratio[2]) and rr.low[2] == 0.0 and np.isinf(rr.high[2])
    # a = 0 of N = 4: pi_high = 1 - 0.025^(1/4) (closed form of Clopper-Pearson).
    pi_high = 1 - 0.025 ** (1 / 4)
    assert rr.high[0] == pytest.approx(pi_high / (1 - pi_high) * 2.0, rel=1e-9)


@pytest.mark.parametrize(("a", "ea", "c", "ec"), POSITIVE)
def test_wald_log_matches_statsmodels(a: int, ea: float, c: int, ec: float) -> None:
    rr = rate_ratio(a, ea, c, ec, "wald_log")
    low, high = confint_poisson_2indep(a, ea, c, ec, method="wald-log", compare="ratio")
    assert rr.low == pytest.approx(low, rel=1e-10)
    assert rr.high == pytest.approx(high, rel=1e-10)


def test_wald_log_is_undefined_for_zero_counts() -> None:
    rr = rate_ratio([0, 5], 1.0, [5, 0], 1.0, "wald_log")
    assert np.isnan(rr.low).all() and np.isnan(rr.high).all()


def test_vectorised_equals_scalar_and_intervals_nest() -> None:
    a = np.array([3, 50, 900])
    c = np.array([10, 40, 1000])
    many = rate_ratio(a, 2.0, c, 3.0, "exact", confidence=0.95)
    wide = rate_ratio(a, 2.0, c, 3.0, "exact", confidence=0.99)
    for i in range(3):
        one = rate_ratio(int(a[i]), 2.0, int(c[i]), 3.0, "exact", confidence=0.95)
        assert many.low[i] == one.low and many.high[i] == one.high
        assert wide.low[i] < one.low < one.ratio < one.high < wide.high[i]


def test_exact_interval_covers_at_least_nominally() -> None:
    rng = np.random.default_rng(7)
    ea, ec, true = 1.5, 4.0, 1.7
    a = rng.poisson(true * 2.0 * ea, 4000)
    c = rng.poisson(2.0 * ec, 4000)
    rr = rate_ratio(a, ea, c, ec, "exact")
    covered = np.mean((rr.low <= true) & (true <= rr.high))
    assert covered >= 0.94


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        rate_ratio(-1, 1.0, 2, 1.0)
    with pytest.raises(ValueError, match="positive"):
        rate_ratio(1, 0.0, 2, 1.0)
    with pytest.raises(ValueError, match="unknown rate-ratio method"):
        rate_ratio(1, 1.0, 2, 1.0, "bayes")
    with pytest.raises(ValueError, match="confidence"):
        rate_ratio(1, 1.0, 2, 1.0, confidence=1.5)


def test_not_stated_bounds_closed_form() -> None:
    b = not_stated_bounds(30, 10.0, 100, 100.0, 20)
    assert b.low == pytest.approx(3 / 1.2) and b.high == pytest.approx(5.0)
    assert b.q_star == pytest.approx((10 * 120 - 100 * 30) / (20 * 110))
    assert not b.is_q_star_feasible
    b = not_stated_bounds(10, 100.0, 9, 100.0, 5)
    assert b.is_q_star_feasible and b.q_star == pytest.approx(0.4)
    q = b.q_star
    assert ((10 + q * 5) / 100) / ((9 + (1 - q) * 5) / 100) == pytest.approx(1.0)
    assert b.low <= 10 / 9 <= b.high


def test_not_stated_bounds_against_the_whole_population() -> None:
    # Group: 40 searches over 10 person-years; everyone: 200 over 100 (so 2.0 per year), U = 30.
    b = not_stated_bounds_vs_total(40, 10.0, 200, 100.0, 30)
    assert b.low == pytest.approx(4 / 2) and b.high == pytest.approx(7 / 2)
    b = not_stated_bounds_vs_total(10, 10.0, 200, 100.0, 30)
    assert b.is_q_star_feasible
    assert ((10 + b.q_star * 30) / 10) / 2.0 == pytest.approx(1.0)
    b = not_stated_bounds(1, 1.0, 1, 1.0, 0)
    assert np.isnan(b.q_star) and b.low == b.high == 1.0
