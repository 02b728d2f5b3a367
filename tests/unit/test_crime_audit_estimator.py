"""The audit estimator against its oracles: closed forms (Cochran), statsmodels' kappa, the
inspectorate's published West Midlands figures, and the synthetic truth over many seeds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

from openpeel.crime_audit.design import STRATA, design_sizes, parse_allocation, stratum_labels
from openpeel.errors import UserInputError
from openpeel.stats.agreement import agreement_table, cohens_kappa
from openpeel.stats.sampling import draw_stratified, frame_sha256
from openpeel.stats.stratified import (
    allocate_proportional,
    sample_size_for_half_width,
    stratified_ratio,
)
from openpeel.stats.unrecorded import unrecorded_crimes
from openpeel.synth.crime_recording import generate_crime_recording


def test_the_published_west_midlands_rate_comes_out_of_the_same_counts() -> None:
    # HMICFRS, West Midlands crime data integrity inspection 2017: 83.8% ± 1.88 on about
    # 1,476 crimes that should have been recorded; about 38,800 crimes a year unrecorded.
    crimes, recorded = 1476, 1237
    result = stratified_ratio(
        [1] * recorded + [0] * (crimes - recorded),
        [1] * crimes,
        ["all"] * crimes,
        {"all": 10**9},  # a six-month frame of incidents is vast beside the sample
    )
    assert round(result.estimate * 100, 1) == 83.8
    assert round(result.half_width * 100, 2) == 1.88
    # The closed form: a Wald interval with s² = n p(1-p)/(n-1).
    p = recorded / crimes
    assert result.standard_error == pytest.approx(math.sqrt(p * (1 - p) / (crimes - 1)))
    # Scaled to a year's recorded crime (fraud excluded) that gives about 38,800 unrecorded.
    yearly = 200_700
    u = unrecorded_crimes(yearly, result.estimate, result.low, result.high, result.standard_error)
    assert round(u.estimate, -2) == 38_800
    assert u.low < u.estimate < u.high
    assert u.low == pytest.approx(yearly * (1 - result.high) / result.high)
    assert u.standard_error == pytest.approx(yearly * result.standard_error / p**2)


def test_a_stratified_proportion_matches_cochrans_formula() -> None:
    rng = np.random.default_rng(4)
    sizes = {"a": 5000, "b": 800, "c": 120}
    samples = {"a": 60, "b": 40, "c": 30}
    rates = {"a": 0.9, "b": 0.7, "c": 0.5}
    strata, y = [], []
    for h, n in samples.items():
        strata += [h] * n
        y += list((rng.random(n) < rates[h]).astype(int))
    result = stratified_ratio(y, [1] * len(y), strata, sizes)
    frame = sum(sizes.values())
    frame_y = np.array(y)
    labels = np.array(strata)
    p = sum(sizes[h] / frame * frame_y[labels == h].mean() for h in sizes)
    var = sum(
        (sizes[h] / frame) ** 2
        * (1 - samples[h] / sizes[h])
        * frame_y[labels == h].mean()
        * (1 - frame_y[labels == h].mean())
        / (samples[h] - 1)
        for h in sizes
    )  # Cochran (5.3) with s² = n p(1-p)/(n-1)
    assert result.estimate == pytest.approx(p)
    assert result.standard_error == pytest.approx(math.sqrt(var))
    assert result.low == pytest.approx(p - 1.959964 * math.sqrt(var), abs=1e-6)


def test_a_ratio_ignores_records_outside_the_denominator_only_through_x() -> None:
    # Ten incidents, six crimes, five recorded: the unweighted ratio is 5/6.
    y = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    x = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    result = stratified_ratio(y, x, ["s"] * 10, {"s": 10})
    assert result.estimate == pytest.approx(5 / 6)
    assert result.standard_error == 0  # the whole stratum was sampled: no sampling error
    assert result.denominator_sampled == 6 and result.records_sampled == 10
    none = stratified_ratio([0, 0], [0, 0], ["s", "s"], {"s": 10})
    assert math.isnan(none.estimate)
    single = stratified_ratio([1, 1, 0], [1, 1, 1], ["a", "a", "b"], {"a": 50, "b": 50})
    assert single.strata_without_variance == ["b"]
    with pytest.raises(UserInputError, match="no frame size"):
        stratified_ratio([1], [1], ["z"], {"s": 3})


def test_sample_size_gives_the_target_width() -> None:
    # ± 1.88 at 83.8% needs about 1,476 crimes (the inspectorate's effective sample).
    assert sample_size_for_half_width(0.0188, 0.838) == pytest.approx(1476, abs=5)
    n = sample_size_for_half_width(0.02, 0.9, eligible_share=0.6, population=20_000)
    n_crimes = n * 0.6
    achieved = 1.959964 * math.sqrt(0.9 * 0.1 / n_crimes) * math.sqrt(1 - n / 20_000)
    assert achieved == pytest.approx(0.02, rel=0.02)
    assert sample_size_for_half_width(0.01, 0.5, population=50) == 50
    with pytest.raises(UserInputError):
        sample_size_for_half_width(0, 0.9)


def test_proportional_allocation_sums_to_the_total_and_keeps_a_minimum() -> None:
    sizes = {"a": 9000, "b": 900, "c": 90, "d": 0, "e": 5}
    out = allocate_proportional(500, sizes, minimum=10)
    assert sum(out.values()) == 500
    assert out["d"] == 0 and out["e"] == 5 and out["c"] >= 10
    assert out["a"] > out["b"] > out["c"]
    assert allocate_proportional(10_000, {"a": 3, "b": 4}) == {"a": 3, "b": 4}


def test_kappa_matches_the_closed_form_and_statsmodels() -> None:
    first = ["yes"] * 40 + ["no"] * 10 + ["yes"] * 5 + ["no"] * 5
    second = ["yes"] * 40 + ["no"] * 10 + ["no"] * 5 + ["yes"] * 5
    result = cohens_kappa(first, second)
    p_o = 50 / 60
    p_yes_1, p_yes_2 = 45 / 60, 45 / 60
    p_e = p_yes_1 * p_yes_2 + (1 - p_yes_1) * (1 - p_yes_2)
    assert result.kappa == pytest.approx((p_o - p_e) / (1 - p_e))
    table, _ = agreement_table(first, second)
    oracle = sm_kappa(table)
    assert result.kappa == pytest.approx(oracle.kappa)
    assert result.standard_error == pytest.approx(oracle.std_kappa)
    assert result.low == pytest.approx(oracle.kappa_low)
    assert math.isnan(cohens_kappa(["yes"] * 4, ["yes"] * 4).kappa)
    assert cohens_kappa(["a", "b", "c"], ["a", "b", "c"]).kappa == pytest.approx(1.0)


def test_strata_are_exclusive_in_their_order() -> None:
    incidents = pd.DataFrame(
        {
            "incident_type": ["sexual_offence", "violence", "theft", "theft", "theft"],
            "closing_code": ["no_crime", "no_crime", "advice_given", "no_crime", "crime_recorded"],
            "is_domestic_abuse": ["yes", "yes", "yes", "no", "no"],
        }
    )
    assert list(stratum_labels(incidents)) == [
        "sexual_offences",
        "violence",
        "domestic_abuse",
        "closed_no_crime",
        "other",
    ]
    assert parse_allocation("violence=5, other=7") == {"violence": 5, "other": 7}
    with pytest.raises(UserInputError, match="unknown stratum"):
        parse_allocation("burglary=4")


def test_the_draw_is_reproducible_from_seed_and_frame() -> None:
    labels = ["a", "b", None, "a", "b", "a"] * 50
    spec = [("a", 10), ("b", 5)]
    first = draw_stratified(labels, spec, 7)
    assert first == draw_stratified(labels, spec, 7)
    assert first != draw_stratified(labels, spec, 8)
    assert [d.stratum for d in first] == ["a"] * 10 + ["b"] * 5
    assert all(labels[d.index] == d.stratum for d in first)
    assert first[0].design_weight == pytest.approx(150 / 10)
    assert frame_sha256(["x", "y"]) != frame_sha256(["y", "x"])


@pytest.mark.slow
def test_intervals_cover_the_synthetic_truth_in_about_95_percent_of_audits() -> None:
    incidents, _, truth = generate_crime_recording(
        "west-midlands", "2021-04", "2021-09", 21, 12_000
    )
    labels = stratum_labels(incidents)
    sizes = labels.value_counts().to_dict()
    allocation = design_sizes(sizes, half_width=0.03)
    spec = [(h, allocation[h]) for h in STRATA]
    should = truth.should_record.to_numpy().astype(int)
    recorded = truth.is_recorded.to_numpy().astype(int)
    violent = truth.offence_group.isin(
        ["violence_with_injury", "violence_without_injury", "stalking_harassment"]
    ).to_numpy()
    true_rate = recorded.sum() / should.sum()
    true_violence = recorded[violent].sum() / should[violent].sum()
    covered = covered_violence = 0
    seeds = 400
    label_list = labels.tolist()
    for seed in range(seeds):
        drawn = draw_stratified(label_list, spec, seed)
        rows = np.array([d.index for d in drawn])
        strata = [d.stratum for d in drawn]
        overall = stratified_ratio(recorded[rows], should[rows], strata, sizes)
        covered += overall.low <= true_rate <= overall.high
        v = violent[rows]
        violence = stratified_ratio(recorded[rows] * v, should[rows] * v, strata, sizes)
        covered_violence += violence.low <= true_violence <= violence.high
    assert 0.92 <= covered / seeds <= 0.98, covered / seeds
    assert 0.91 <= covered_violence / seeds <= 0.98, covered_violence / seeds


def test_a_sample_all_alike_gets_the_wilson_interval_not_a_point() -> None:
    nine = stratified_ratio([1] * 9, [1] * 9, ["a"] * 9, {"a": 100})
    assert nine.estimate == 1 and nine.standard_error == 0
    assert nine.low == pytest.approx(0.7009, abs=1e-4) and nine.high == 1  # Wilson, 9 of 9
    census = stratified_ratio([1] * 9, [1] * 9, ["a"] * 9, {"a": 9})
    assert census.low == census.high == 1  # the whole population: no sampling error
