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


CONVERTED = (
    "indicators/stop_search.py",
    "indicators/stop_search_outcomes.py",
    "indicators/crime.py",
    "indicators/explorer.py",
)
"""The modules whose rates per 1,000 come from ``annual_rate_per_1000`` (the four copies it
replaced). Modules added since (official statistics, offenders, vulnerability) still make their
own Poisson intervals and are to be moved onto it."""


def test_no_indicator_makes_its_own_rate_or_funnel() -> None:
    """The converted modules make no Poisson rate interval of their own; no module defines its
    own funnel position or uses the old peers funnel column names."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.parent.name == "stats":
            continue
        name = str(path.relative_to(SRC))
        text = path.read_text("utf-8")
        if name in CONVERTED and "poisson_exact_interval" in text:
            offenders.append(name)
        if re.search(r"def _?funnel_position", text):
            offenders.append(f"{name} (its own funnel position)")
        if re.search(r"funnel_(low|high)_|is_outside_99_8", text):
            offenders.append(f"{name} (old funnel column names)")
    assert offenders == []
    for name in CONVERTED:
        assert "annual_rate_per_1000" in (SRC / name).read_text("utf-8"), name
