"""One annualised rate per 1,000 and one funnel naming scheme: the functions against statsmodels
and scipy, and a check that no indicator makes its own."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.rates import confint_poisson

from openpeel.stats.funnel import (
    FUNNEL_POSITIONS,
    funnel_position,
    position_words,
    proportion_funnel,
    rate_funnel,
)
from openpeel.stats.rates import annual_rate_per_1000, person_years

SRC = Path(__file__).resolve().parents[2] / "src" / "openpeel"


@pytest.mark.parametrize(
    ("count", "population", "months"), [(7, 1000, 2), (0, 500, 12), (884, 72257, 12)]
)
def test_annual_rate_matches_statsmodels_exact_interval(
    count: int, population: int, months: int
) -> None:
    exposure = person_years(population, months)
    assert exposure == pytest.approx(population * months / 12)
    r = annual_rate_per_1000(count, exposure)
    low, high = confint_poisson(count, exposure, method="exact-c")
    assert r.rate == pytest.approx(1000 * count / exposure)
    assert (r.low, r.high) == pytest.approx((1000 * low, 1000 * high), rel=1e-10, abs=1e-12)


def test_annual_rate_is_empty_without_exposure_and_vectorised() -> None:
    r = annual_rate_per_1000([3, 4, np.nan], [0.0, 2.0, 5.0])
    assert np.isnan(r.rate[0]) and np.isnan(r.low[0]) and np.isnan(r.high[0])
    assert r.rate[1] == pytest.approx(2000.0)
    assert np.isnan(r.rate[2])  # an unknown count is not a zero
    assert not np.isinf(r.high).any()


def test_funnel_position_names_each_side() -> None:
    limits = rate_funnel(0.01, [1000.0] * 5)
    hi95 = limits["upper_95"][0]
    lo998, hi998 = limits["lower_99_8"][0], limits["upper_99_8"][0]
    assert lo998 == stats.poisson.ppf(0.001, 10) / 1000
    values = [
        hi998 + 0.01,
        (hi95 + hi998) / 2 if hi998 > hi95 else hi95,
        0.01,
        lo998 - 0.001,
        np.nan,
    ]
    positions = funnel_position(
        values, *(limits[c] for c in ("lower_95", "upper_95", "lower_99_8", "upper_99_8"))
    )
    assert positions[0] == "above_99_8" and positions[2] == "within_95"
    assert positions[3] == "below_99_8" and positions[4] == "no_value"
    assert set(positions[:4]) <= set(FUNNEL_POSITIONS)
    assert "above" in position_words("above_95") and "below" in position_words("below_99_8")


def test_both_funnels_share_one_naming_scheme() -> None:
    names = {"target", "lower_95", "upper_95", "lower_99_8", "upper_99_8"}
    assert names <= set(rate_funnel(0.1, [10.0]).columns)
    assert names <= set(proportion_funnel(0.1, [10.0]).columns)


def test_no_indicator_makes_its_own_rate_or_funnel() -> None:
    """The exact Poisson interval for a rate and the funnel position are made in stats only."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.parent.name == "stats":
            continue
        text = path.read_text("utf-8")
        if "poisson_exact_interval" in text or re.search(r"def _?funnel_position", text):
            offenders.append(str(path.relative_to(SRC)))
        if re.search(r"funnel_(low|high)_|is_outside_99_8", text):
            offenders.append(f"{path.relative_to(SRC)} (old funnel column names)")
    assert offenders == []
