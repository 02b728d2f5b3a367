"""Kaplan–Meier: a hand-computed example with censoring, and statsmodels as the oracle."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from openpeel.stats.survival import kaplan_meier, survival_at, survival_quantile

# Eight crimes: months to outcome, and whether the outcome was seen (False: still open when the
# data ended, i.e. censored).
DURATIONS = [1, 2, 2, 3, 4, 5, 5, 6]
OBSERVED = [True, True, False, True, False, True, True, False]


def test_hand_computed_example_with_censoring() -> None:
    km = kaplan_meier(DURATIONS, OBSERVED)
    # By hand: t=1: 8 at risk, 1 event -> 7/8. t=2: 7 at risk, 1 event (1 censored) -> x 6/7.
    # t=3: 5 at risk, 1 event -> x 4/5. t=4: censoring only. t=5: 3 at risk, 2 events -> x 1/3.
    # t=6: censoring only.
    assert km["time"].tolist() == [1, 2, 3, 4, 5, 6]
    assert km["at_risk"].tolist() == [8, 7, 5, 4, 3, 1]
    assert km["events"].tolist() == [1, 1, 1, 0, 2, 0]
    assert km["censored"].tolist() == [0, 1, 0, 1, 0, 1]
    expected = [7 / 8, 3 / 4, 3 / 5, 3 / 5, 1 / 5, 1 / 5]
    assert km["survival"].tolist() == pytest.approx(expected)
    # Greenwood at t=3: S^2 * (1/(8*7) + 1/(7*6) + 1/(5*4)).
    g3 = 1 / 56 + 1 / 42 + 1 / 20
    assert km["std_error"].iloc[2] == pytest.approx(0.6 * math.sqrt(g3))
    # Log-log interval at t=3: S^exp(±z sqrt(g)/|log S|).
    z = 1.959963984540054
    sigma = math.sqrt(g3) / abs(math.log(0.6))
    assert km["survival_low"].iloc[2] == pytest.approx(0.6 ** math.exp(z * sigma))
    assert km["survival_high"].iloc[2] == pytest.approx(0.6 ** math.exp(-z * sigma))
    assert (km["survival_low"] <= km["survival"]).all()
    assert (km["survival"] <= km["survival_high"]).all()


def test_counts_are_the_same_as_repeated_rows() -> None:
    grouped = kaplan_meier(
        [1, 2, 2, 3, 4, 5, 6], [1, 1, 0, 1, 0, 1, 0], counts=[1, 1, 1, 1, 1, 2, 1]
    )
    plain = kaplan_meier(DURATIONS, OBSERVED)
    np.testing.assert_allclose(grouped.to_numpy(), plain.to_numpy())
    # A zero count is no subject at all.
    padded = kaplan_meier([*DURATIONS, 0], [*OBSERVED, True], counts=[1] * 8 + [0])
    np.testing.assert_allclose(padded.to_numpy(), plain.to_numpy())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    event_time = rng.geometric(0.2, n) - 1
    censor_time = rng.integers(0, 15, n)
    durations = np.minimum(event_time, censor_time)
    observed = event_time <= censor_time
    ours = kaplan_meier(durations, observed)
    ref = SurvfuncRight(durations, observed.astype(int))
    # statsmodels reports the times with at least one event.
    at_events = ours[ours["events"] > 0]
    np.testing.assert_allclose(at_events["time"], ref.surv_times)
    np.testing.assert_allclose(at_events["survival"], ref.surv_prob)
    np.testing.assert_allclose(at_events["std_error"], ref.surv_prob_se)
    np.testing.assert_allclose(at_events["at_risk"], ref.n_risk)
    np.testing.assert_allclose(at_events["events"], ref.n_events)


def test_frequency_weights_match_statsmodels() -> None:
    durations = np.array([0, 0, 1, 1, 2, 3, 3, 5])
    observed = np.array([1, 0, 1, 0, 1, 1, 0, 1])
    counts = np.array([30, 5, 20, 10, 12, 4, 9, 2])
    ours = kaplan_meier(durations, observed.astype(bool), counts)
    weighted = SurvfuncRight(durations, observed, freq_weights=counts)
    np.testing.assert_allclose(ours.loc[ours["events"] > 0, "survival"], weighted.surv_prob)
    # statsmodels' standard error with freq_weights is not Greenwood's on the expanded data;
    # the oracle for it is the data expanded to one row per subject.
    expanded = SurvfuncRight(np.repeat(durations, counts), np.repeat(observed, counts))
    np.testing.assert_allclose(ours.loc[ours["events"] > 0, "survival"], expanded.surv_prob)
    # The curve ends at 0 (both last subjects had the event): statsmodels gives NaN there, 0 here.
    ours_se = ours.loc[ours["events"] > 0, "std_error"].to_numpy()
    np.testing.assert_allclose(ours_se[:-1], expanded.surv_prob_se[:-1])
    assert ours_se[-1] == 0.0 and np.isnan(expanded.surv_prob_se[-1])


def test_everyone_has_the_event_ends_at_zero() -> None:
    km = kaplan_meier([0, 1, 1], [True, True, True])
    assert km["survival"].tolist() == pytest.approx([2 / 3, 0.0])
    assert km["survival_low"].iloc[-1] == 0.0 and km["survival_high"].iloc[-1] == 0.0
    assert np.isfinite(km["std_error"]).all()


def test_no_events_stays_at_one() -> None:
    km = kaplan_meier([2, 3], [False, False])
    assert km["survival"].tolist() == [1.0, 1.0]
    assert km["survival_low"].tolist() == [1.0, 1.0]


def test_reading_the_curve_and_quantiles() -> None:
    km = kaplan_meier(DURATIONS, OBSERVED)
    read = survival_at(km, [0, 1, 2.5, 5, 10])
    assert read["survival"].tolist() == pytest.approx([1.0, 7 / 8, 3 / 4, 1 / 5, 1 / 5])
    assert survival_quantile(km, 0.25) == 2.0  # S first <= 0.75 at t=2
    assert survival_quantile(km, 0.5) == 5.0
    assert survival_quantile(km, 0.9) is None  # never reaches S <= 0.1


def test_empty_and_bad_input() -> None:
    assert kaplan_meier([], []).empty
    with pytest.raises(ValueError):
        kaplan_meier([-1], [True])
    with pytest.raises(ValueError):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError):
        kaplan_meier([1], [True], counts=[-1])
    with pytest.raises(ValueError):
        kaplan_meier([1], [True], confidence=1.5)
