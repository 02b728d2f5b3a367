"""Intervals checked against statsmodels and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from openpeel.stats.intervals import poisson_exact_interval, wilson_interval


@pytest.mark.parametrize(("x", "n"), [(0, 10), (1, 10), (5, 10), (10, 10), (83, 1476), (7, 9000)])
def test_wilson_matches_statsmodels(x: int, n: int) -> None:
    low, high = wilson_interval(x, n)
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)


def test_wilson_is_vectorised_and_handles_empty_denominators() -> None:
    low, high = wilson_interval(np.array([1, 0, 3]), np.array([4, 0, 3]), confidence=0.9)
    ref = proportion_confint(np.array([1, 3]), np.array([4, 3]), alpha=0.1, method="wilson")
    assert low[0] == pytest.approx(ref[0][0]) and high[2] == pytest.approx(1.0)
    assert np.isnan(low[1]) and np.isnan(high[1])
    with pytest.raises(ValueError, match="between 0 and the number"):
        wilson_interval(5, 4)


def test_poisson_exact_matches_published_table() -> None:
    # Garwood (1936) / standard tables: k = 0 -> (0, 3.689); k = 1 -> (0.0253, 5.572);
    # k = 10 -> (4.795, 18.39).
    low, high = poisson_exact_interval(np.array([0, 1, 10]))
    assert low == pytest.approx([0.0, 0.02532, 4.7954], abs=1e-4)
    assert high == pytest.approx([3.6889, 5.5716, 18.3904], abs=1e-4)


def test_poisson_exact_matches_statsmodels() -> None:
    from statsmodels.stats.rates import confint_poisson

    for k in (3, 57, 1234):
        ref = confint_poisson(k, 1, method="exact-c", alpha=0.05)
        assert poisson_exact_interval(k) == pytest.approx(ref, rel=1e-9)
