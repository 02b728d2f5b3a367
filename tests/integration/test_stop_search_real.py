"""Stop and search on real data: reconciliation with official statistics and the whole suite
for West Midlands 2019/20. Run with ``-s`` to see the tables printed beside the official ones.

Reads only the files it needs from ../shared/data (skipped when absent):

- Greater Manchester 2016-03..2019-02 (``policeuk/rebuilt-gm-2016-2019``) against GOV.UK
  Ethnicity Facts and Figures 2016/17 and 2017/18, with the 2011-Census populations published in
  that file: person-search totals must agree within 5%.
- West Yorkshire, Avon and Somerset and Merseyside 2020/21 (``policeuk/download-2021-12``)
  against the Home Office table by force: printed, not asserted (the differences are real).
- West Midlands 2019/20 (``policeuk/download-2021-12``) with Census 2021 denominators: every
  indicator runs.
- Every force for January 2019 (``policeuk/download-2021-12/2019-01``): peers and funnel limits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators.stop_search import peers, reconcile
from openpeel.indicators.stop_search_suite import suite
from openpeel.sources.official_stop_search import read_official
from tests.conftest import shared_data

DATA = shared_data()
POLICEUK = DATA / "policeuk"
OFFICIAL = DATA / "official"
EFF = OFFICIAL / "ethnicity-facts-figures-stop-search-2006-07-to-2017-18.csv"
HOME_OFFICE = OFFICIAL / "home-office-stop-search-2020-21-by-force.csv"
CENSUS = DATA / "census2021"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (POLICEUK.is_dir() and OFFICIAL.is_dir() and CENSUS.is_dir()),
        reason=f"real data not found at {DATA}",
    ),
]

HOME_OFFICE_FORCES = ("west-yorkshire", "avon-and-somerset", "merseyside")


def _files() -> list[Path]:
    files = sorted((POLICEUK / "rebuilt-gm-2016-2019").rglob("*.csv"))
    fy2021 = Period.financial_year("2020/21").months
    fy1920 = Period.financial_year("2019/20").months
    for month in fy2021:
        for force in HOME_OFFICE_FORCES:
            files.append(
                POLICEUK
                / "download-2021-12"
                / f"{month:%Y-%m}"
                / f"{month:%Y-%m}-{force}-stop-and-search.csv"
            )
    for month in fy1920:
        files.append(
            POLICEUK
            / "download-2021-12"
            / f"{month:%Y-%m}"
            / f"{month:%Y-%m}-west-midlands-stop-and-search.csv"
        )
    # Every force for one month (January 2019), for the peers' funnel.
    files += sorted((POLICEUK / "download-2021-12" / "2019-01").glob("*-stop-and-search.csv"))
    return sorted({f for f in files if f.exists()})


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir = tmp_path_factory.mktemp("stop-search-real")
    report = openpeel.ingest(_files(), data_dir)
    assert report.totals()["rows_rejected"] == 0
    openpeel.load_population(
        CENSUS / "ts021-ethnic-group-by-ltla.csv",
        CENSUS / "lad22-csp22-pfa22-lookup.csv",
        data_dir,
    )
    return openpeel.connect(data_dir)


def _show(title: str, table: pd.DataFrame) -> None:
    with pd.option_context(
        "display.width", 200, "display.max_columns", 30, "display.float_format", "{:.3f}".format
    ):
        print(f"\n{title}\n{table.to_string(index=False)}")


@pytest.mark.parametrize(
    ("financial_year", "official_total"), [("2016/17", 2733), ("2017/18", 2503)]
)
def test_greater_manchester_matches_ethnicity_facts_and_figures(
    con: Any, financial_year: str, official_total: int
) -> None:
    official = read_official(EFF)
    result = reconcile(con, official, "greater-manchester", financial_year)
    _show(
        f"Greater Manchester {financial_year}: police.uk vs Ethnicity Facts and Figures "
        "(2011 Census populations)",
        result.table,
    )
    t = result.table.set_index("group")
    assert t.loc["total", "official_searches"] == official_total
    assert abs(t.loc["total", "searches_diff_pct"]) < 5
    assert abs(t.loc["total", "rate_diff_pct"]) < 5
    assert not result.is_synthetic and result.meta["months_supplied"] == {"greater-manchester": 12}


@pytest.mark.parametrize("force_id", HOME_OFFICE_FORCES)
def test_home_office_2020_21_differences_are_reported(con: Any, force_id: str) -> None:
    official = read_official(HOME_OFFICE)
    result = reconcile(con, official, force_id, "2020/21", population="census2021")
    _show(
        f"{force_id} 2020/21: police.uk vs Home Office open data (Census 2021 rates)", result.table
    )
    t = result.table.set_index("group")
    assert t.loc["total", "searches"] > 0 and t.loc["total", "official_searches"] > 0
    assert t["searches_diff_pct"].notna().loc["total"]


def test_west_midlands_2019_20_whole_suite(con: Any) -> None:
    period = Period.financial_year("2019/20")
    results = suite(con, period, "west-midlands")
    assert set(results) == {
        "quality",
        "rates",
        "ratios",
        "outcomes",
        "s60",
        "age_sex",
        "trend",
        "hit_rate",
        "darkness",
        "peers",
    }
    for name, result in results.items():
        assert not result.is_synthetic, name
        assert result.definition, name
        assert len(result.table) > 0, name
    rates = results["rates"].table.set_index("group")
    assert (rates["months"] == 12).all()
    assert rates.loc["all", "searches"] > 20_000
    assert rates.loc["black", "rate_low"] > rates.loc["white", "rate_high"]
    _show("West Midlands 2019/20: rates per 1,000 (Census 2021)", results["rates"].table)
    ratios = results["ratios"].table
    _show(
        "Disproportionality ratios (exact conditional intervals) and not-stated bounds",
        ratios[ratios["basis"] == "self_defined"],
    )
    # Officer-defined ethnicity is blank for about 72% of West Midlands 2019/20 searches.
    assert set(ratios["basis"]) == {"self_defined"}
    assert any("Officer-defined ratios not shown" in c for c in results["ratios"].caveats)
    hit = results["hit_rate"].table
    _show("Outcome test (any action; object-of-search fixed effects)", hit)
    assert (hit.set_index("group").loc[["asian", "black", "mixed"], "status"] == "estimated").all()
    dark = results["darkness"].table
    _show("Veil of darkness", dark)
    detail = results["darkness"].meta["forces_detail"]["west-midlands"]
    assert detail["clock"] == "utc"  # BST-month files hold rows stamped on the previous day
    assert dark.set_index("group").loc["black", "status"] == "estimated"
    quality = results["quality"].table
    comp = quality[quality["section"] == "completeness"].set_index("item")
    assert comp.loc["gender_blank", "share"] == 1.0  # as published (data README)
    for caveat in results["darkness"].caveats + results["rates"].caveats:
        print("caveat:", caveat)


def test_peers_for_every_force_in_january_2019(con: Any) -> None:
    result = peers(con, Period.from_months("2019-01", "2019-01"), "west-midlands")
    t = result.table
    assert t["force_id"].nunique() >= 40
    assert any("btp" in c for c in result.caveats)  # no resident population
    black = t[t["group"] == "black"].sort_values("ratio_to_white", ascending=False)
    _show(
        "January 2019, Black/White ratio by force (top 10) with the 99.8% funnel on rates",
        black.head(10)[
            [
                "force_id",
                "searches",
                "rate_per_1000",
                "ratio_to_white",
                "ratio_low",
                "ratio_high",
                "lower_99_8",
                "upper_99_8",
                "funnel_position",
            ]
        ],
    )
    everyone = t[t["group"] == "all"]
    outside = everyone["funnel_position"].isin(["above_99_8", "below_99_8"])
    print(f"forces outside the 99.8% funnel (all groups): {int(outside.sum())} of {len(everyone)}")
    assert (t["forces_compared"] == t["force_id"].nunique()).all()
    for x in everyone.itertuples():
        assert x.lower_99_8 <= x.lower_95 <= x.target_per_1000 <= x.upper_95 <= x.upper_99_8
        side = "above" if x.rate_per_1000 > x.upper_99_8 else "below"
        if x.rate_per_1000 > x.upper_99_8 or x.rate_per_1000 < x.lower_99_8:
            assert x.funnel_position == f"{side}_99_8"
    wm = t[(t["force_id"] == "west-midlands") & (t["group"] == "all")].iloc[0]
    assert bool(wm["is_focus"]) and wm["months"] == 1
