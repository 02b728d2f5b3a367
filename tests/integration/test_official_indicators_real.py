"""The official indicators on the published files: peers, Taser, injuries and representation give
the published figures and agree between tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpeel.indicators.official_crime import recorded_crime_peers
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_injuries import use_of_force_injuries
from openpeel.indicators.official_taser import taser_by_ethnicity, taser_peers, taser_use
from openpeel.indicators.official_use_of_force import use_of_force_peers
from openpeel.indicators.official_workforce import (
    representation_by_group,
    representation_outlook,
    representation_peers,
)
from openpeel.reference.peer_groups import region_of
from openpeel.sources.publications import read_publication
from openpeel.store.official import load_official, official_figures
from openpeel.store.population import load_population, population
from tests.conftest import shared_data

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

DATA = shared_data()
OFFICIAL = DATA / "official"
FILES = (
    "ons-recorded-crime/pfatablesdec19.xlsx",
    "home-office-use-of-force/police-use-of-force-apr2018-mar2019-hosb3319-tables.ods",
    "home-office-use-of-force/police-use-of-force-apr2019-mar2020-hosb3720-tables.ods",
    "home-office-workforce/police-workforce-tabs-jul17.ods",
)
CENSUS = (
    DATA / "census2021" / "ts021-ethnic-group-by-ltla.csv",
    DATA / "census2021" / "lad22-csp22-pfa22-lookup.csv",
)

needs_data = pytest.mark.skipif(
    not all((OFFICIAL / f).is_file() for f in FILES) or not all(p.is_file() for p in CENSUS),
    reason=f"real official statistics or Census files not found under {DATA}",
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("official-real")
    load_official([OFFICIAL / f for f in FILES], where)
    load_population(*CENSUS, where)
    return where


@needs_data
def test_regions_are_those_the_ons_lists_forces_under() -> None:
    read = read_publication(OFFICIAL / "ons-recorded-crime" / "pfatablesdec19.xlsx")
    rows = sorted(
        {
            (r["source_row"], r["area_type"], r["area_id"], r["force_id"])
            for r in read.tidy.to_pylist()
            if r["table_id"] == "P1"
        }
    )
    region = None
    checked = 0
    for _, area_type, area_id, force_id in rows:
        if area_type in ("region", "country") and area_id != "england":
            region = area_id
        elif force_id and force_id != "btp":
            assert region_of(force_id) is not None
            assert region_of(force_id)[0] == region, force_id  # type: ignore[index]
            checked += 1
    assert checked == 43


@needs_data
def test_peers_of_west_midlands(data_dir: Path) -> None:
    figures = official_figures(data_dir)
    crime = recorded_crime_peers(OfficialQuery(figures, "west-midlands", "December 2019"))
    t = crime.table.set_index("force_id")
    assert t.loc["west-midlands", "count"] == 259638
    assert t.loc["west-midlands", "value"] == pytest.approx(89.02, abs=0.01)  # ONS: 89.03
    assert t.loc["greater-manchester", "funnel_position"] == "no_value"  # '..' is not zero
    assert crime.meta["forces_compared"] == 42  # 43 less Greater Manchester (BTP: no residents)
    uof = use_of_force_peers(
        OfficialQuery(figures, "west-midlands", "2019/20", population=population(data_dir))
    )
    u = uof.table.set_index("force_id")
    assert u.loc["west-midlands", "count"] == 11187
    assert u.loc["west-midlands", "rank_low"] <= u.loc["west-midlands", "rank"]
    assert u.loc["west-midlands", "rank"] <= u.loc["west-midlands", "rank_high"]
    assert uof.meta["forces_compared"] >= 40
    staff = representation_peers(OfficialQuery(figures, "west-midlands", "31 March 2017"))
    w = staff.table.set_index("force_id")
    assert w.loc["west-midlands", "value"] == pytest.approx(0.0929, abs=0.0005)  # D1: 9.29%


@needs_data
def test_taser_tables_agree(data_dir: Path) -> None:
    figures = official_figures(data_dir)
    residents = population(data_dir)
    for period in ("2018/19", "2019/20"):
        by_type = taser_use(
            OfficialQuery(figures, "west-midlands", period, population=residents)
        ).table
        total = by_type.set_index("ced_use_type").loc["Total", "uses"]
        by_group = taser_by_ethnicity(
            OfficialQuery(figures, "west-midlands", period, population=residents)
        ).table
        # Table 16's CED row (by perceived ethnicity) adds up to table 13's total.
        assert by_group.set_index("perceived_ethnicity").loc["all", "tactics"] == total
    assert total == 2427  # 2019/20, table 13
    peers = taser_peers(OfficialQuery(figures, "west-midlands", "2019/20", population=residents))
    assert peers.meta["forces_compared"] >= 40


@needs_data
def test_injuries_as_published(data_dir: Path) -> None:
    t = use_of_force_injuries(official_figures(data_dir), "2019/20").table.set_index("measure")
    assert t.loc["person_injured", "incidents"] == 27224
    assert t.loc["person_injured", "all_incidents"] == 491984
    assert t.loc["officer_injured", "incidents"] == 10711 + 8976 + 3556


@needs_data
def test_representation_of_west_midlands(data_dir: Path) -> None:
    figures = official_figures(data_dir)
    groups = representation_by_group(
        OfficialQuery(figures, "west-midlands", "31 March 2017", population=population(data_dir))
    ).table
    assert groups["share"].sum() == pytest.approx(1.0)
    assert groups["residents_share"].sum() == pytest.approx(1.0)
    white = groups.set_index("ethnic_group").loc["white"]
    assert white["officers_fte"] == pytest.approx(4206.09 + 1837.89)
    assert white["representation_ratio"] > 1 > groups["representation_ratio"].min()
    outlook = representation_outlook(
        OfficialQuery(figures, "west-midlands", "31 March 2017")
    ).table.iloc[0]
    assert outlook["officers_ethnic_minority_share"] == pytest.approx(0.09287, abs=1e-4)
    assert outlook["steady_state_share"] < outlook["residents_ethnic_minority_share"]


OUTCOMES = OFFICIAL / "home-office-outcomes" / "detection-rates-data-2017-18.csv.gz"
CITY_STREET = DATA / "policeuk" / "download-2021-05"


@pytest.mark.skipif(
    not OUTCOMES.is_file() or not CITY_STREET.is_dir(),
    reason="real Home Office outcomes or City of London street files not found",
)
def test_reconciliation_on_the_real_files_says_what_does_not_overlap(tmp_path: Path) -> None:
    """The real Home Office outcomes cover 2017/18 and City of London's street files start in
    April 2018: no force-year is in both, and the reconciliation says so from each side."""
    import openpeel
    from openpeel.errors import DataUnavailableError
    from openpeel.indicators.official_reconciliation import reconcile_outcomes

    street = sorted(CITY_STREET.glob("2018-0[4-9]/*city-of-london-street.csv"))
    assert street, "City of London street files for 2018 expected in download-2021-05"
    openpeel.ingest(street, tmp_path)
    load_official([OUTCOMES], tmp_path)
    con, figures = openpeel.connect(tmp_path), official_figures(tmp_path)
    with pytest.raises(DataUnavailableError, match=r"no street files .* \(loaded: 2018-04"):
        reconcile_outcomes(con, figures, "city-of-london", "2017/18")
    with pytest.raises(DataUnavailableError, match=r"loaded years: 2017/18"):
        reconcile_outcomes(con, figures, "city-of-london", "2018/19")


VFM = OFFICIAL / "hmicfrs-vfm"


@pytest.fixture(scope="module")
def vfm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("vfm-real")
    load_official(
        [
            VFM / "HMICFRS-VFM-2017-open-data-ADR.ods",
            VFM / "HMICFRS-VFM-2017-open-data-POA.ods",
            OFFICIAL / "home-office-workforce" / "police-workforce-tabs-jul17.ods",
        ],
        where,
    )
    return where


needs_vfm = pytest.mark.skipif(
    not (VFM / "HMICFRS-VFM-2017-open-data-POA.ods").is_file()
    or not (OFFICIAL / "home-office-workforce" / "police-workforce-tabs-jul17.ods").is_file(),
    reason=f"HMICFRS value for money or workforce files not found under {OFFICIAL}",
)


@needs_vfm
def test_resources_agree_with_the_home_office_workforce_tables(vfm_dir: Path) -> None:
    from openpeel.indicators.official_resources import workforce_resources

    figures = official_figures(vfm_dir)
    t = workforce_resources(OfficialQuery(figures, "west-midlands", "VFM profiles 2017")).table
    t = t.set_index("measure")
    officers = t.loc["officers_per_1000"]
    assert officers["workforce_fte"] == pytest.approx(6755.96)  # = table H1, 31 March 2017
    assert officers["base_year"] == 2010 and officers["base_fte"] == pytest.approx(8626.17)
    assert officers["change_fte"] == pytest.approx(-1870.21)
    assert officers["change_percent"] == pytest.approx(-21.68, abs=0.01)
    # The Home Office's own joiner and wastage rates (tables JL1, JL3): 3.246911%, 5.905844%,
    # 5.167488% excluding transfers.
    assert t.loc["officer_joiners_share", "value"] == pytest.approx(0.03246911, rel=1e-5)
    assert t.loc["officer_leavers_share", "value"] == pytest.approx(0.05905844, rel=1e-5)
    assert t.loc["officer_leavers_excluding_transfers_share", "value"] == pytest.approx(
        0.05167488, rel=1e-5
    )
    # Long-term sick officers = table W2 'Sick leave' (90.92 FTE).
    assert t.loc["officers_long_term_sick_share", "workforce_fte"] == pytest.approx(90.92)
    # Special constables: the ADR's 'Officers by rank - Special (FTE)' at 31 March 2017 (205 in
    # West Midlands), per 1,000 of the ADR's residents, ranked among the 43 forces.
    specials = t.loc["special_constables_per_1000"]
    assert specials["workforce_fte"] == 205 and specials["as_at_31_march"] == 2017
    assert specials["value"] == pytest.approx(1000 * 205 / officers["population"])
    assert specials["forces_compared"] == 43 and 1 <= specials["rank"] <= 43


@needs_vfm
def test_demand_and_money_of_west_midlands(vfm_dir: Path) -> None:
    from openpeel.indicators.official_demand import demand, demand_peers
    from openpeel.indicators.official_money import money, money_peers

    figures = official_figures(vfm_dir)
    d = demand(OfficialQuery(figures, "west-midlands", "VFM profiles 2017")).table.set_index(
        "measure"
    )
    assert d.loc["calls_999", "count"] == 665331 and d.loc["calls_999", "year_to_31_march"] == 2017
    assert d.loc["calls_999", "rate_per_1000"] == pytest.approx(665331 / 2864.925)
    graded = d.drop(index="calls_999")
    assert graded["share"].sum() == pytest.approx(1.0)
    peers = demand_peers(OfficialQuery(figures, "west-midlands", "VFM profiles 2017"))
    assert peers.meta["forces_compared"] >= 40
    m = money(OfficialQuery(figures, "west-midlands", "VFM profiles 2017")).table
    funding = m[m["section"] == "funding"].set_index("item")["amount"]
    # Central + local funding = total funding, as published (in pounds).
    assert funding["Central Funding"] + funding["Local Funding"] == pytest.approx(
        funding["Total funding"]
    )
    assert funding["Total funding"] == pytest.approx(596_051_900)
    spending = m[m["section"] == "spending"].set_index("item")
    assert spending.loc["TOTAL excl NATIONAL POLICING", "amount"] + spending.loc[
        "TOTAL NATIONAL POLICING", "amount"
    ] == pytest.approx(spending.loc["TOTAL", "amount"], rel=1e-6)
    ranked = money_peers(
        OfficialQuery(figures, "west-midlands", "VFM profiles 2017"),
        section="funding",
        item="Total funding",
    )
    assert set(ranked.table["funnel_position"]) <= {"withheld", "no_value"}  # amounts: no funnel
    assert ranked.table["rank"].notna().sum() == ranked.meta["forces_compared"] >= 40
