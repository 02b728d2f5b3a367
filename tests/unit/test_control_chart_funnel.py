"""Control limits and funnel limits against scipy quantiles and closed-form behaviour."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from openpeel.stats.control_chart import (
    overdispersed_control_limits,
    poisson_control_limits,
    suspected_partial,
)
from openpeel.stats.funnel import proportion_funnel, rate_funnel


def test_poisson_limits_are_the_exact_quantiles() -> None:
    counts = [100, 104, 96, 180, 98, 102]
    frame = poisson_control_limits(counts)
    mu = np.mean(counts)
    assert frame.centre[0] == pytest.approx(mu)
    assert frame.lower[0] == stats.poisson.ppf(0.00135, mu)
    assert frame.upper[0] == stats.poisson.isf(0.00135, mu)
    assert list(frame.is_outside) == [False, False, False, True, False, False]
    # Close to the normal 3-sigma limits at this size.
    assert frame.upper[0] == pytest.approx(mu + 3 * np.sqrt(mu), abs=3)


def test_suspected_partial_month() -> None:
    counts = [500, 510, 490, 80, 505, 99, 520]
    assert list(suspected_partial(counts)) == [False, False, False, True, False, True, False]


def test_funnels_narrow_with_size_and_contain_the_target() -> None:
    f = proportion_funnel(0.3, [10, 100, 10_000])
    assert (f.lower_95 <= 0.3).all() and (f.upper_95 >= 0.3).all()
    widths = f.upper_99_8 - f.lower_99_8
    assert widths.is_monotonic_decreasing
    assert f.upper_95[2] == pytest.approx(0.3 + 1.96 * np.sqrt(0.21 / 10_000), abs=1e-3)
    r = rate_funnel(0.01, [1_000, 1_000_000])
    assert r.upper_95[1] == pytest.approx(stats.poisson.isf(0.025, 10_000) / 1e6)


# West Yorkshire searches a month, April 2020 to March 2021 (police.uk, published counts).
WEST_YORKSHIRE_2020_21 = [2062, 2319, 1812, 1689, 1437, 1340, 1728, 2076, 1954, 1807, 1429, 1502]


def test_laney_limits_match_the_closed_form() -> None:
    c = np.array(WEST_YORKSHIRE_2020_21, dtype=float)
    frame = overdispersed_control_limits(c)
    mu = c.mean()
    z = (c - mu) / np.sqrt(mu)
    sigma_z = np.mean(np.abs(np.diff(z))) / 1.1283791670955126  # d2 for ranges of two
    k = stats.norm.isf(0.00135)
    assert k == pytest.approx(3, abs=1e-3)
    assert frame.sigma_z[0] == pytest.approx(sigma_z, rel=1e-12)
    assert frame.lower[0] == pytest.approx(mu - k * np.sqrt(mu) * sigma_z, rel=1e-12)
    assert frame.upper[0] == pytest.approx(mu + k * np.sqrt(mu) * sigma_z, rel=1e-12)
    assert bool(frame.is_overdispersed[0]) and frame.sigma_z[0] > 5
    # Poisson limits flag 8 of the 12 months; limits allowing for over-dispersion flag none.
    assert int(poisson_control_limits(c).is_outside.sum()) == 8
    assert not frame.is_outside.any()


def test_laney_dispersion_agrees_with_a_quasi_poisson_model() -> None:
    # Stable over-dispersed counts: negative binomial, mean 1000, variance 9 x mean.
    rng = np.random.default_rng(12)
    mean, phi = 1000.0, 9.0
    n_param = mean / (phi - 1)
    counts = rng.negative_binomial(n_param, n_param / (n_param + mean), size=4000)
    frame = overdispersed_control_limits(counts)
    glm = sm.GLM(counts, np.ones((len(counts), 1)), family=sm.families.Poisson()).fit(scale="X2")
    assert frame.centre[0] == pytest.approx(np.exp(glm.params[0]), rel=1e-9)
    assert frame.sigma_z[0] ** 2 == pytest.approx(glm.scale, rel=0.05)
    assert glm.scale == pytest.approx(phi, rel=0.1)
    # About 0.27% outside, as a 3-sigma chart promises for a stable process.
    assert frame.is_outside.mean() < 0.006


def test_laney_limits_are_never_narrower_than_poisson() -> None:
    rng = np.random.default_rng(5)
    counts = rng.poisson(40, size=5000)
    frame = overdispersed_control_limits(counts)
    exact = poisson_control_limits(counts)
    assert frame.sigma_z[0] == pytest.approx(1, abs=0.05)
    assert frame.lower[0] <= exact.lower[0] and frame.upper[0] >= exact.upper[0]
    # A calm run (sigma_z below 1 by chance) keeps the exact Poisson limits.
    calm = [40, 41, 40, 39, 40, 41, 40]
    f = overdispersed_control_limits(calm)
    assert f.sigma_z[0] < 1 and not bool(f.is_overdispersed[0])
    assert f.lower[0] == stats.poisson.ppf(0.00135, np.mean(calm))
    assert f.upper[0] == stats.poisson.isf(0.00135, np.mean(calm))


def test_laney_baseline_leaves_out_a_partial_month() -> None:
    counts = [500, 520, 480, 510, 60, 505, 495]
    baseline = [True, True, True, True, False, True, True]
    frame = overdispersed_control_limits(counts, baseline=baseline)
    kept = np.array([500, 520, 480, 510, 505, 495], dtype=float)
    mu = kept.mean()
    sigma_z = np.mean(np.abs(np.diff((kept - mu) / np.sqrt(mu)))) / (2 / np.sqrt(np.pi))
    assert frame.centre[0] == pytest.approx(mu)
    assert frame.sigma_z[0] == pytest.approx(sigma_z)
    assert frame.is_outside.tolist() == [False, False, False, False, True, False, False]
    with pytest.raises(ValueError, match="one value per count"):
        overdispersed_control_limits(counts, baseline=[True])
    single = overdispersed_control_limits([100])
    assert np.isnan(single.sigma_z[0]) and single.upper[0] == stats.poisson.isf(0.00135, 100)
