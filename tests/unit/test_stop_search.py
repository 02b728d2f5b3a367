"""Stop-and-search rates, ratios, quality, outcomes, s60 and trends on tiny inline files
(numbers checked by hand) and on a synthetic force-year (checked against plain pandas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators import stop_search as ss
from openpeel.indicators import stop_search_outcomes as so
from openpeel.indicators import stop_search_quality as sq
from openpeel.sources.census import POPULATION_SCHEMA
from openpeel.stats.intervals import poisson_exact_interval
from openpeel.stats.rate_ratio import rate_ratio
from openpeel.store.lake import Lake
from openpeel.store.population import PopulationMissingError
from openpeel.synth import write_archive
from tests.conftest import write_police_csv

DRUGS = ("Misuse of Drugs Act 1971 (section 23)", "Controlled drugs")
S60 = ("Criminal Justice and Public Order Act 1994 (section 60)", "Offensive weapons")
WHITE = "White - Irish"
BLACK = "Black/African/Caribbean/Black British - African"
ASIAN = "Asian/Asian British - Indian"
NOT_STATED = "Other ethnic group - Not stated"
POPULATION = pd.DataFrame(
    {
        "force_id": "west-midlands",
        "ethnic_group": ["asian", "black", "mixed", "white", "other"],
        "population": [1000, 500, 200, 5000, 300],
    }
)
PERIOD = Period.from_months("2020-01", "2020-03")


def row(
    when: str = "2020-01-10T10:00:00",
    kind: str = "Person search",
    ethnicity: str = WHITE,
    officer: str = "White",
    power: tuple[str, str] = DRUGS,
    outcome: str = "A no further action disposal",
    linked: str = "",
    removal: str = "False",
    age: str = "18-24",
) -> str:
    person = kind != "Vehicle search"
    fields = [
        kind,
        f"{when}+00:00",
        "",
        "",
        "52.4",
        "-1.9",
        "Male" if person else "",
        age if person else "",
        ethnicity if person else "",
        officer if person else "",
        power[0],
        power[1],
        outcome,
        linked,
        removal,
    ]
    return ",".join(f'"{f}"' if "," in f else f for f in fields)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """West Midlands, January and March 2020 (February not supplied)."""
    src = tmp_path_factory.mktemp("src")
    january = [
        *[row(outcome="Arrest") for _ in range(4)],
        *[row(ethnicity=BLACK, officer="Black") for _ in range(3)],
        row(
            kind="Person and Vehicle search",
            ethnicity=BLACK,
            officer="",
            outcome="Arrest",
            linked="True",
        ),
        row(ethnicity=NOT_STATED, officer=""),
        row(ethnicity="", officer=""),
        row(kind="Vehicle search"),
        row(kind="Vehicle search"),
        row(ethnicity=ASIAN, officer="Asian", power=S60, removal="True", age="10-17"),
    ]
    march = [
        row("2020-03-05T18:00:00"),
        row("2020-03-06T18:00:00"),
        row("2020-03-07T00:00:00", ethnicity=ASIAN, officer="Asian", outcome="Arrest"),
    ]
    write_police_csv(src, "2020-01-west-midlands-stop-and-search.csv", january)
    write_police_csv(src, "2020-03-west-midlands-stop-and-search.csv", march)
    data = tmp_path_factory.mktemp("data")
    openpeel.ingest([src], data)
    return openpeel.connect(data)


def test_rates_by_hand(tiny: Any) -> None:
    r = ss.rates(tiny, PERIOD, "west-midlands", POPULATION)
    t = r.table.set_index("group")
    assert list(r.table.columns) == [
        "basis",
        "group",
        "searches",
        "population",
        "months",
        "rate_per_1000",
        "rate_low",
        "rate_high",
        "reason",
    ]
    assert list(t.index) == ["asian", "black", "mixed", "white", "other", "not_stated", "all"]
    # Two months supplied (February missing): exposure = population x 2 / 12.
    assert (t["months"] == 2).all()
    assert t.loc["white", "searches"] == 6
    assert t.loc["white", "rate_per_1000"] == pytest.approx(1000 * 6 / (5000 * 2 / 12))
    assert t.loc["black", "rate_per_1000"] == pytest.approx(48.0)
    assert t.loc["all", "searches"] == 14  # vehicle-only searches are not person searches
    assert t.loc["all", "rate_per_1000"] == pytest.approx(1000 * 14 / (7000 * 2 / 12))
    assert t.loc["not_stated", "searches"] == 2 and np.isnan(t.loc["not_stated", "rate_per_1000"])
    low, high = poisson_exact_interval(4)
    assert t.loc["black", "rate_low"] == pytest.approx(1000 * low / (500 / 6))
    assert t.loc["black", "rate_high"] == pytest.approx(1000 * high / (500 / 6))
    assert t.loc["mixed", "searches"] == 0 and t.loc["mixed", "rate_low"] == 0.0
    assert not r.is_synthetic
    assert any("2020-02" in c for c in r.caveats)
    assert "rate_per_1000" in r.definition


def test_ratios_by_hand(tiny: Any) -> None:
    r = ss.ratios(tiny, PERIOD, "west-midlands", POPULATION)
    t = r.table
    assert list(t.columns[:5]) == ["basis", "reference", "group", "ratio", "ratio_low"]
    black = t[
        (t["group"] == "black") & (t["reference"] == "white") & (t["basis"] == "self_defined")
    ].iloc[0]
    e_black, e_white = 500 * 2 / 12, 5000 * 2 / 12
    expected = rate_ratio(4, e_black, 6, e_white, "exact")
    assert black["ratio"] == pytest.approx(48 / 7.2)
    assert (black["ratio_low"], black["ratio_high"]) == pytest.approx((expected.low, expected.high))
    # Two not-stated searches: L gives them to White, H to the group.
    assert black["not_stated"] == 2
    assert black["ratio_bound_low"] == pytest.approx((4 / e_black) / (8 / e_white))
    assert black["ratio_bound_high"] == pytest.approx((6 / e_black) / (6 / e_white))
    whole = t[
        (t["group"] == "black") & (t["reference"] == "population") & (t["basis"] == "self_defined")
    ].iloc[0]
    e_all = 7000 * 2 / 12
    assert whole["ratio"] == pytest.approx((4 / e_black) / (14 / e_all))
    assert whole["ratio_low"] < whole["ratio"] < whole["ratio_high"]
    # Officer-defined ethnicity is blank for 3 of 14 (under half): shown beside self-defined.
    assert set(t["basis"]) == {"self_defined", "officer_defined"}
    score = ss.ratios(tiny, PERIOD, "west-midlands", POPULATION, method="score").table
    assert (score["method"] == "score").all()


def test_ratio_against_the_whole_population_maps_an_independent_interval() -> None:
    # Group 30 of 100 searches; exposures 10 and 100 person-years.
    table = pd.DataFrame(
        {
            "group": [*ss.GROUPS, "not_stated", "all"],
            "searches": [30, 10, 5, 50, 0, 5, 100],
            "person_years": [10.0, 5.0, 5.0, 70.0, 10.0, np.nan, 100.0],
        }
    )
    r = ss.ratio_table(table)
    asian = r[(r["group"] == "asian") & (r["reference"] == "population")].iloc[0]
    rest = rate_ratio(30, 10.0, 70, 90.0, "exact")
    w = 0.1
    assert asian["ratio"] == pytest.approx((30 / 10) / (100 / 100))
    assert asian["ratio_low"] == pytest.approx(rest.low / (w * rest.low + 1 - w))
    assert asian["ratio_high"] == pytest.approx(rest.high / (w * rest.high + 1 - w))


def test_population_sources(tiny: Any, tmp_path: Path) -> None:
    with pytest.raises(PopulationMissingError, match="population load"):
        ss.rates(tiny, PERIOD, "west-midlands")
    path = tmp_path / "pop2011.csv"
    POPULATION.to_csv(path, index=False)
    from_file = ss.rates(tiny, PERIOD, "west-midlands", path).table
    pd.testing.assert_frame_equal(
        from_file, ss.rates(tiny, PERIOD, "west-midlands", POPULATION).table
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("force,group,n\nx,y,1\n")
    with pytest.raises(ValueError, match="needs the columns"):
        ss.rates(tiny, PERIOD, "west-midlands", bad)
    bad.write_text("force_id,ethnic_group,population\nwest-midlands,purple,1\n")
    with pytest.raises(ValueError, match="unknown ethnic_group purple"):
        ss.rates(tiny, PERIOD, "west-midlands", bad)
    with pytest.raises(ValueError, match="neither 'census2021' nor a readable CSV"):
        ss.rates(tiny, PERIOD, "west-midlands", tmp_path / "missing.csv")
    other = POPULATION.assign(force_id="essex")
    with pytest.raises(ValueError, match="no population for west-midlands"):
        ss.rates(tiny, PERIOD, "west-midlands", other)


def test_scope_errors(tiny: Any) -> None:
    with pytest.raises(ValueError, match="unknown force 'atlantis'"):
        ss.rates(tiny, PERIOD, "atlantis", POPULATION)
    with pytest.raises(ValueError, match="no stop-and-search data for essex"):
        ss.rates(tiny, PERIOD, "essex", POPULATION)
    with pytest.raises(ValueError, match="no stop-and-search data"):
        ss.rates(tiny, Period.financial_year("2015/16"), None, POPULATION)


def test_quality_by_hand(tiny: Any) -> None:
    r = sq.quality(tiny, PERIOD, "west-midlands")
    t = r.table.set_index(["section", "item"])
    assert t.loc[("month", "2020-02"), "flag"] == "missing"
    assert pd.isna(t.loc[("month", "2020-02"), "searches"])
    assert t.loc[("month", "2020-01"), "searches"] == 13
    assert t.loc[("search_type", "vehicle"), "searches"] == 2
    assert t.loc[("search_type", "vehicle"), "denominator"] == 16
    comp = lambda item: t.loc[("completeness", item)]  # noqa: E731
    assert (
        comp("self_defined_not_stated")["searches"],
        comp("self_defined_not_stated")["denominator"],
    ) == (1, 14)
    assert comp("self_defined_blank")["searches"] == 1
    assert comp("officer_defined_blank")["searches"] == 3
    assert comp("midnight_time")["searches"] == 1
    assert comp("midnight_time")["share"] == pytest.approx(1 / 16)
    assert comp("midnight_time")["flag"] == "time_quality_gate"
    assert comp("outcome_link_unknown")["searches"] == 15
    assert comp("midnight_time")["share_low"] < 1 / 16 < comp("midnight_time")["share_high"]
    assert t.loc[("clock", "before_month_start"), "flag"] == "undetermined"


def test_clock_inference() -> None:
    assert sq.infer_clock(25, 0) == "utc"
    assert sq.infer_clock(0, 18) == "local"
    assert sq.infer_clock(0, 0) == "undetermined"
    assert sq.infer_clock(3, 2) == "undetermined"


def test_outcomes_by_hand(tiny: Any) -> None:
    r = so.outcomes(tiny, PERIOD, "west-midlands")
    t = r.table.set_index(["ethnic_group", "object_of_search", "legislation"])
    black = t.loc[("black", "all", "all")]
    assert (black["searches"], black["outcome_known"], black["arrests"]) == (4, 4, 1)
    assert black["arrest_rate"] == pytest.approx(0.25)
    # One arrest records its link; the other positive outcomes leave it blank: the force fills
    # the link for some outcomes only, so no linked (find) rate is shown, with the reason.
    assert black["link_known"] == 1 and black["linked"] == 1
    assert np.isnan(black["linked_rate"]) and "blank" in black["linked_reason"]
    assert black["arrest_rate"] == black["arrests"] / black["searches"]
    assert black["link_unknown_share"] == pytest.approx(0.75)
    assert bool(black["is_small"])
    white = t.loc[("white", "controlled_drugs", "mda_s23")]
    assert white["share"] == 1.0 and white["any_action_rate"] == pytest.approx(4 / 6)
    everyone = t.loc[("all", "all", "all")]
    assert everyone["searches"] == 14 and everyone["arrests"] == 6


def test_s60_and_strip_by_hand(tiny: Any) -> None:
    r = so.s60_strip(tiny, PERIOD, "west-midlands", POPULATION)
    t = r.table.set_index(["measure", "group"])
    s60 = t.loc[("section_60", "asian")]
    assert s60["searches"] == 1 and s60["children"] == 1 and s60["children_share"] == 1.0
    assert s60["rate_per_1000"] == pytest.approx(1000 * 1 / (1000 * 2 / 12))
    assert t.loc[("section_60", "all"), "searches"] == 1
    assert t.loc[("strip_search", "asian"), "searches"] == 1
    assert t.loc[("strip_search", "white"), "searches"] == 0


def test_age_sex_marks_small_cells(tiny: Any) -> None:
    t = so.age_sex(tiny, PERIOD, "west-midlands").table
    cell = t[(t["age_range"] == "10_17") & (t["gender"] == "male") & (t["ethnic_group"] == "asian")]
    assert int(cell["searches"].iloc[0]) == 1 and bool(cell["is_too_small"].iloc[0])
    total = t[(t[["age_range", "gender", "ethnic_group"]] == "all").all(axis=1)]
    assert int(total["searches"].iloc[0]) == 14 and total["share"].iloc[0] == 1.0


# --------------------------------------------------------------------------- synthetic


def _write_population(data: Path, forces: dict[str, dict[str, int]]) -> None:
    rows = []
    for f, groups in forces.items():
        for g, n in {**groups, "total": sum(groups.values())}.items():
            rows.append(
                {
                    "force_id": f,
                    "pfa_code": "E0",
                    "pfa_name": f,
                    "ethnic_group": g,
                    "population": n,
                    "source": "test",
                    "census_year": 2021,
                }
            )
    Lake(data).write_reference("population", pa.Table.from_pylist(rows, POPULATION_SCHEMA))


SYNTH_POPULATION = {
    "west-midlands": {
        "asian": 667_315,
        "black": 236_047,
        "mixed": 121_685,
        "white": 1_793_173,
        "other": 101_435,
    },
    "cumbria": {"asian": 5_000, "black": 1_500, "mixed": 4_000, "white": 480_000, "other": 1_000},
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Any:
    src = tmp_path_factory.mktemp("synth")
    write_archive(
        src,
        start="2019-04",
        end="2020-03",
        seed=5,
        scale=0.1,
        kinds=["stop-and-search"],
        forces=["west-midlands", "cumbria"],
        missing_months=["2019-11"],
    )
    data = tmp_path_factory.mktemp("synth-data")
    openpeel.ingest([src], data)
    _write_population(data, SYNTH_POPULATION)
    return openpeel.connect(data)


def plain_pandas_rates(con: Any, force_id: str, period: Period) -> pd.DataFrame:
    """An independent implementation of the rates from the raw rows and the manifest."""
    rows = con.table("stop_searches").execute()
    rows = rows[(rows["force_id"] == force_id) & ~rows["is_vehicle_only"]]
    rows = rows[
        (rows["month"] >= pd.Timestamp(period.start)) & (rows["month"] <= pd.Timestamp(period.end))
    ]
    parts = con.table("lake_partitions").execute()
    months = parts[
        (parts["table_name"] == "stop_searches")
        & (parts["status"] == "current")
        & (parts["force_id"] == force_id)
    ]["month"].nunique()
    group = rows["ethnic_group"].where(rows["ethnic_group"].isin(ss.GROUPS), "not_stated")
    counts = group.value_counts()
    pop = SYNTH_POPULATION[force_id]
    out = {g: 1000 * counts.get(g, 0) / (pop[g] * months / 12) for g in ss.GROUPS}
    out["all"] = 1000 * len(rows) / (sum(pop.values()) * months / 12)
    return pd.Series(out).rename("rate").to_frame().assign(months=months)


def test_synthetic_rates_match_plain_pandas(synthetic: Any) -> None:
    period = Period.financial_year("2019/20")
    r = ss.rates(synthetic, period, "west-midlands")
    assert r.is_synthetic
    expected = plain_pandas_rates(synthetic, "west-midlands", period)
    t = r.table.set_index("group")
    assert (t["months"] == 11).all()
    for g in (*ss.GROUPS, "all"):
        assert t.loc[g, "rate_per_1000"] == pytest.approx(expected.loc[g, "rate"], rel=1e-12)
    assert r.meta["population_source"] == "ONS Census 2021 TS021"
    rows = r.records()
    assert rows[0]["synthetic_data"] is True


def test_pooled_forces_add_exposures(synthetic: Any) -> None:
    period = Period.financial_year("2019/20")
    both = ss.rates(synthetic, period, ["west-midlands", "cumbria"]).table.set_index("group")
    one = {f: ss.rates(synthetic, period, f).table.set_index("group") for f in SYNTH_POPULATION}
    assert both.loc["all", "months"] == 22
    searches = sum(one[f].loc["white", "searches"] for f in one)
    exposure = sum(SYNTH_POPULATION[f]["white"] * 11 / 12 for f in one)
    assert both.loc["white", "rate_per_1000"] == pytest.approx(1000 * searches / exposure)


def test_peers_and_funnel(synthetic: Any) -> None:
    r = ss.peers(synthetic, Period.financial_year("2019/20"), "cumbria")
    t = r.table
    assert set(t["force_id"]) == {"west-midlands", "cumbria"}
    assert t.loc[t["force_id"] == "cumbria", "is_focus"].all()
    assert not t.loc[t["force_id"] == "west-midlands", "is_focus"].any()
    white = t[t["group"] == "white"]
    assert white["ratio_to_white"].isna().all()
    # Two forces are too few for a funnel: the limits are withheld and the result says how many
    # forces are compared (before: limits drawn around a target made of the two forces).
    assert (t["forces_compared"] == 2).all() and r.meta["forces_compared"] == 2
    assert "2 forces compared" in r.title
    assert (t["funnel_position"] == "withheld").all()
    assert t[["lower_95", "upper_95", "lower_99_8", "upper_99_8"]].isna().all().all()
    assert any("at least 5 forces" in c for c in r.caveats)


def test_trend_flags_missing_and_partial(synthetic: Any) -> None:
    t = sq.trend(synthetic, Period.financial_year("2019/20"), "west-midlands").table
    assert len(t) == 12
    missing = t[t["status"] == "missing"]
    assert list(missing["month"].astype(str)) == ["2019-11-01"]
    assert missing["searches"].isna().all()
    loaded = t[t["status"] == "loaded"]
    assert (loaded["lower"] <= loaded["centre"]).all() and (
        loaded["centre"] <= loaded["upper"]
    ).all()
    assert loaded["centre"].iloc[0] == pytest.approx(loaded["searches"].astype(float).mean())


def test_suite_reads_the_lake_once_and_matches_each_indicator(synthetic: Any) -> None:
    from openpeel.indicators.stop_search_models import darkness, hit_rate
    from openpeel.indicators.stop_search_suite import suite

    period = Period.financial_year("2019/20")
    results = suite(synthetic, period, "west-midlands")
    alone = {
        "quality": sq.quality(synthetic, period, "west-midlands"),
        "rates": ss.rates(synthetic, period, "west-midlands"),
        "ratios": ss.ratios(synthetic, period, "west-midlands"),
        "outcomes": so.outcomes(synthetic, period, "west-midlands"),
        "s60": so.s60_strip(synthetic, period, "west-midlands"),
        "trend": sq.trend(synthetic, period, "west-midlands"),
        "hit_rate": hit_rate(synthetic, period, "west-midlands"),
        "darkness": darkness(synthetic, period, "west-midlands"),
    }
    for name, result in alone.items():
        pd.testing.assert_frame_equal(results[name].table, result.table, obj=name)
        assert results[name].caveats == result.caveats, name
    assert all(r.is_synthetic for r in results.values())
