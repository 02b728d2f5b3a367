"""Logistic fits against statsmodels and closed forms; the outcome test and the veil of darkness
on synthetic data, including a simulated darkness effect that the test must recover."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import openpeel
from openpeel.calendar import Period
from openpeel.indicators import stop_search_models as sm_models
from openpeel.indicators.stop_search import Scope
from openpeel.stats.logistic import dummies, fit_logistic
from openpeel.stats.twilight import twilight_times
from openpeel.synth import write_archive
from tests.conftest import write_police_csv

# --------------------------------------------------------------------------- logistic


def test_two_by_two_closed_form() -> None:
    # Exposed: 30 of 100 positive; unexposed: 20 of 150.
    x = pd.DataFrame({"exposed": [1.0, 0.0]})
    fit = fit_logistic(x, [30, 20], [100, 150], min_events_per_parameter=1)
    assert fit.status == "estimated"
    row = fit.term("exposed")
    assert row["odds_ratio"] == pytest.approx((30 * 130) / (70 * 20), rel=1e-9)
    assert row["se"] == pytest.approx(np.sqrt(1 / 30 + 1 / 70 + 1 / 20 + 1 / 130), rel=1e-9)


def test_case_data_matches_statsmodels_logit() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    df = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.integers(0, 2, n).astype(float),
            "c": rng.uniform(-1, 1, n),
        }
    )
    eta = -0.5 + 0.8 * df["a"] - 0.6 * df["b"] + 0.3 * df["c"]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    fit = fit_logistic(df, y, confidence=0.9)
    ref = sm.Logit(y, sm.add_constant(df)).fit(disp=0)
    assert fit.coefficients["coef"].to_numpy() == pytest.approx(ref.params.to_numpy(), rel=1e-7)
    assert fit.coefficients["se"].to_numpy() == pytest.approx(ref.bse.to_numpy(), rel=1e-6)
    ci = ref.conf_int(alpha=0.1).to_numpy()
    assert fit.coefficients["coef_low"].to_numpy() == pytest.approx(ci[:, 0], rel=1e-6)
    assert fit.coefficients["p_value"].to_numpy() == pytest.approx(
        ref.pvalues.to_numpy(), rel=1e-5, abs=1e-12
    )


def test_grouped_data_matches_statsmodels_binomial_glm() -> None:
    rng = np.random.default_rng(11)
    cells = pd.DataFrame(
        {
            "group": np.repeat(["white", "black", "asian"], 4),
            "object": np.tile(["drugs", "weapons", "stolen", "other"], 3),
        }
    )
    cells["trials"] = rng.integers(50, 400, len(cells))
    cells["successes"] = rng.binomial(cells["trials"], 0.3)
    x = dummies(cells["group"], "white", "group").join(dummies(cells["object"], "drugs", "object"))
    fit = fit_logistic(x, cells["successes"], cells["trials"])
    endog = np.column_stack([cells["successes"], cells["trials"] - cells["successes"]])
    ref = sm.GLM(endog, sm.add_constant(x), family=sm.families.Binomial()).fit()
    assert fit.coefficients["coef"].to_numpy() == pytest.approx(ref.params.to_numpy(), rel=1e-7)
    assert fit.coefficients["se"].to_numpy() == pytest.approx(ref.bse.to_numpy(), rel=1e-6)
    assert fit.n == cells["trials"].sum() and fit.events == cells["successes"].sum()


def test_separation_and_small_samples_are_withheld() -> None:
    x = pd.DataFrame({"g": [0.0] * 200 + [1.0] * 200})
    y = np.array([0.0] * 100 + [1.0] * 100 + [1.0] * 200)  # every g=1 row is a success
    fit = fit_logistic(x, y)
    assert fit.status == "withheld" and "separation" in (fit.reason or "")
    perfect = fit_logistic(x, np.array([0.0] * 200 + [1.0] * 200))
    assert perfect.status == "withheld" and "separation" in (perfect.reason or "")
    few = fit_logistic(x, np.array([1.0] * 5 + [0.0] * 395))
    assert few.status == "withheld" and "too few events" in (few.reason or "")
    twin = pd.DataFrame({"a": x["g"], "b": x["g"]})
    collinear = fit_logistic(twin, np.array([0.0, 1.0] * 200))
    assert collinear.status == "withheld" and "rank deficient" in (collinear.reason or "")


# --------------------------------------------------------------------------- outcome test


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Any:
    src = tmp_path_factory.mktemp("synth")
    write_archive(
        src, start="2019-04", end="2020-03", seed=9, scale=0.15, kinds=["stop-and-search"]
    )
    data = tmp_path_factory.mktemp("data")
    openpeel.ingest([src], data)
    return openpeel.connect(data)


def test_hit_rate_matches_statsmodels_on_case_data(synthetic: Any) -> None:
    period = Period.financial_year("2019/20")
    r = sm_models.hit_rate(synthetic, period, "west-midlands")
    assert r.is_synthetic
    t = r.table.set_index("group")
    assert t.loc["white", "status"] == "reference"
    rows = synthetic.table("stop_searches").execute()
    rows = rows[
        ~rows["is_vehicle_only"]
        & rows["outcome_group"].notna()
        & rows["ethnic_group"].isin(["asian", "black", "mixed", "white", "other"])
    ]
    rows = rows.assign(
        y=(rows["outcome_group"] != "no_further_action").astype(float),
        obj=rows["object_of_search_code"].fillna("blank"),
    )
    # Levels whose outcome never varies carry no information (and would not converge).
    share = rows.groupby("obj")["y"].mean()
    rows = rows[rows["obj"].isin(share[(share > 0) & (share < 1)].index)]
    ref = smf.logit("y ~ C(ethnic_group, Treatment('white')) + C(obj)", rows).fit(disp=0)
    for g in ("asian", "black", "mixed", "other"):
        term = f"C(ethnic_group, Treatment('white'))[T.{g}]"
        if t.loc[g, "status"] != "estimated":
            continue
        assert t.loc[g, "odds_ratio"] == pytest.approx(np.exp(ref.params[term]), rel=1e-6)
        low, high = np.exp(ref.conf_int().loc[term])
        assert (t.loc[g, "odds_ratio_low"], t.loc[g, "odds_ratio_high"]) == pytest.approx(
            (low, high), rel=1e-5
        )
        n = rows[rows["ethnic_group"] == g]
        assert t.loc[g, "searches"] == len(n) or t.loc[g, "searches"] >= len(n)
    with pytest.raises(ValueError, match="unknown positive outcome"):
        sm_models.hit_rate(synthetic, period, "west-midlands", positive="found")


def test_hit_rate_withholds_small_groups(synthetic: Any) -> None:
    r = sm_models.hit_rate(
        synthetic, Period.financial_year("2019/20"), "west-midlands", min_group_searches=10**6
    )
    assert (r.table["status"] == "withheld").all()
    assert "fewer than 1000000 searches" in r.table.set_index("group").loc["black", "reason"]


# --------------------------------------------------------------------------- veil of darkness

BETA = -0.8
WM = (52.483, -1.895)


def _darkness_rows(seed: int) -> dict[str, list[str]]:
    """A year of evening searches whose Black share drops after dusk by a known log-odds."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2019-04-01", "2020-03-31").date
    tw = twilight_times(*WM, days).set_index("day")
    files: dict[str, list[str]] = {}
    for day in days:
        n = 16
        clock = rng.uniform(16.0, 23.0, n)
        dark = clock >= tw.loc[day, "dusk_clock_hours"]
        black = rng.random(n) < 1 / (1 + np.exp(-(-0.6 + BETA * dark)))
        local = pd.Timestamp(day) + pd.to_timedelta(np.round(clock * 60), unit="min")
        stamps = local.tz_localize("Europe/London").tz_convert("UTC")
        month = f"{day:%Y-%m}"
        for stamp, b in zip(stamps, black, strict=True):
            eth = "Black/African/Caribbean/Black British - African" if b else "White - Irish"
            files.setdefault(month, []).append(
                f"Person search,{stamp:%Y-%m-%dT%H:%M:%S}+00:00,,,52.48,-1.89,Male,18-24,{eth},,"
                "Misuse of Drugs Act 1971 (section 23),Controlled drugs,"
                "A no further action disposal,,False"
            )
    # May 2019 also gets 60 date-only rows: it fails the time-quality gate.
    files["2019-05"] += [
        "Person search,2019-05-03T00:00:00+00:00,,,52.48,-1.89,Male,18-24,White - Irish,,"
        "Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,,"
    ] * 60
    return files


@pytest.fixture(scope="module")
def darkness_con(tmp_path_factory: pytest.TempPathFactory) -> Any:
    src = tmp_path_factory.mktemp("vod")
    for month, rows in _darkness_rows(21).items():
        write_police_csv(src, f"{month}-west-midlands-stop-and-search.csv", rows)
    data = tmp_path_factory.mktemp("vod-data")
    openpeel.ingest([src], data)
    return openpeel.connect(data)


def test_darkness_recovers_a_known_effect(darkness_con: Any) -> None:
    period = Period.financial_year("2019/20")
    r = sm_models.darkness(darkness_con, period, "west-midlands", groups=("black",))
    row = r.table.iloc[0]
    assert row["status"] == "estimated", row["reason"]
    assert row["beta_low"] < BETA < row["beta_high"]
    assert row["beta_high"] < 0
    assert r.meta["months_failing_gate"] == {"west-midlands": ["2019-05"]}
    detail = r.meta["forces_detail"]["west-midlands"]
    assert detail["clock"] == "utc"  # no evidence either way: read as published
    assert any("do not show whether times are UTC" in c for c in r.caveats)
    # Other groups have no searches at all: withheld with the reason.
    r2 = sm_models.darkness(darkness_con, period, "west-midlands", groups=("asian",))
    assert r2.table.iloc[0]["status"] == "withheld"
    assert "fewer than 100" in r2.table.iloc[0]["reason"]


def test_darkness_sample_and_model_match_statsmodels(darkness_con: Any) -> None:
    period = Period.financial_year("2019/20")
    sample, info = sm_models.darkness_sample(darkness_con, period, "west-midlands", "utc")
    detail = info["forces"]["west-midlands"]
    tw = twilight_times(*WM, pd.date_range("2019-04-01", "2020-03-31").date)
    lo, hi = tw["dusk_clock_hours"].min(), tw["dusk_clock_hours"].max()
    assert sample["clock_hours"].between(lo, hi).all()
    assert detail["kept"] == len(sample) and detail["dropped_sunset_to_dusk"] > 0
    assert not (sample["calendar_month"] == 5).any()  # the gated month is gone
    sample = sample.assign(y=(sample["group"] == "black").astype(float))
    ref = smf.logit(
        "y ~ dark + cr(clock_hours, df=6, constraints='center') + C(weekday) + C(calendar_month)",
        sample,
    ).fit(disp=0)
    r = sm_models.darkness(darkness_con, period, "west-midlands", clock="utc", groups=("black",))
    row = r.table.iloc[0]
    assert row["searches"] == len(sample)
    assert row["beta"] == pytest.approx(ref.params["dark"], rel=1e-6)
    assert row["beta_se"] == pytest.approx(ref.bse["dark"], rel=1e-5)


@pytest.fixture(scope="module")
def part_year_con(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """FY 2019/20 with only September to March supplied (a part year)."""
    src = tmp_path_factory.mktemp("vod-part")
    for month, rows in _darkness_rows(22).items():
        if month >= "2019-09":
            write_police_csv(src, f"{month}-west-midlands-stop-and-search.csv", rows)
    data = tmp_path_factory.mktemp("vod-part-data")
    openpeel.ingest([src], data)
    return openpeel.connect(data)


def test_darkness_window_over_a_part_year_uses_only_days_with_data(part_year_con: Any) -> None:
    period = Period.financial_year("2019/20")
    sample, info = sm_models.darkness_sample(part_year_con, period, "west-midlands", "utc")
    supplied = twilight_times(*WM, pd.date_range("2019-09-01", "2020-03-31").date)
    nominal = twilight_times(*WM, pd.date_range("2019-04-01", "2020-03-31").date)
    lo, hi = supplied["dusk_clock_hours"].min(), supplied["dusk_clock_hours"].max()
    assert hi < nominal["dusk_clock_hours"].max() - 1  # the part year's latest dusk is earlier
    detail = info["forces"]["west-midlands"]
    assert detail["window"] == [sm_models._hhmm(lo), sm_models._hhmm(hi)]
    # Nothing after the latest dusk of the supplied days: such times were dark on every day
    # with data and carry no light/dark contrast.
    assert sample["clock_hours"].between(lo, hi).all()
    assert (sample["dark"] == 0).sum() > 0 and (sample["dark"] == 1).sum() > 0
    r = sm_models.darkness(part_year_con, period, "west-midlands", clock="utc", groups=("black",))
    row = r.table.iloc[0]
    assert row["status"] == "estimated", row["reason"]
    assert row["searches"] == len(sample)
    assert row["beta_low"] < BETA < row["beta_high"]


def test_days_with_data_leaves_out_unsupplied_and_excluded_months() -> None:
    sc = Scope(
        period=Period.financial_year("2019/20"),
        force_ids=("west-midlands",),
        months_supplied={"west-midlands": (date(2019, 9, 1), date(2020, 2, 1), date(2019, 10, 1))},
    )
    days = sm_models.days_with_data(sc, "west-midlands", ["2019-10"])
    assert len(days) == 30 + 29  # September 2019 and February 2020 (a leap year)
    assert days[0] == date(2019, 9, 1) and days[-1] == date(2020, 2, 29)
    assert sm_models.days_with_data(sc, "west-yorkshire") == []


def test_darkness_rejects_bad_options(darkness_con: Any) -> None:
    period = Period.financial_year("2019/20")
    with pytest.raises(ValueError, match="unknown clock"):
        sm_models.darkness(darkness_con, period, "west-midlands", clock="sundial")
    with pytest.raises(ValueError, match="unknown comparison group"):
        sm_models.darkness(darkness_con, period, "west-midlands", groups=("white",))


def test_force_centroids_cover_every_force() -> None:
    from openpeel.reference.forces import forces

    centroids = sm_models.force_centroids()
    assert set(forces()) <= set(centroids)
    for lat, lon in centroids.values():
        assert 49.9 < lat < 55.9 and -8.2 < lon < 1.8
    assert centroids["west-midlands"] == pytest.approx((52.48, -1.9), abs=0.05)
