"""Control limits and funnel limits against scipy quantiles and closed-form behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from openpeel.stats.control_chart import poisson_control_limits, suspected_partial
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
