"""The official statistics published for every force, shown under their PEEL areas for real
forces: West Yorkshire 2020/21 and West Midlands 2019/20 after loading the police.uk
stop-and-search files, the Census population and every published file in ../shared/data/official
(skipped when absent).

Before: the overview and the report showed numbers for stop and search only, and "not
available" or "needs force-internal data" for every other area.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import openpeel
from openpeel.assess import assess
from openpeel.calendar import Period
from openpeel.database.engine import make_engine
from openpeel.database.migrate import upgrade
from openpeel.report.build import build_report
from openpeel.report.model import Report
from openpeel.store.official import load_official
from openpeel.web import public_data
from openpeel.web.app import create_app
from tests.conftest import shared_data

DATA = shared_data()
POLICEUK = DATA / "policeuk" / "download-2021-12"
CENSUS = DATA / "census2021"
OFFICIAL = DATA / "official"
FOLDERS = (
    "ons-recorded-crime",
    "home-office-outcomes",
    "home-office-use-of-force",
    "home-office-workforce",
    "hmicfrs-vfm",
)
WY, WY_YEAR = "west-yorkshire", Period.financial_year("2020/21")
WM, WM_YEAR = "west-midlands", Period.financial_year("2019/20")
#: Areas whose numbers come from the official statistics (the 2021/22 framework).
OFFICIAL_AREAS = {
    "fairness",
    "prevention",
    "investigating",
    "workforce",
    "strategic_planning",
    "responding",
}

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (POLICEUK.is_dir() and CENSUS.is_dir() and OFFICIAL.is_dir()),
        reason=f"real data not found at {DATA}",
    ),
]


def _searches(force_id: str, period: Period) -> list[Path]:
    return [
        POLICEUK / f"{m:%Y-%m}" / f"{m:%Y-%m}-{force_id}-stop-and-search.csv" for m in period.months
    ]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    searches = [*_searches(WY, WY_YEAR), *_searches(WM, WM_YEAR)]
    if not all(f.exists() for f in searches):
        pytest.skip("West Yorkshire 2020/21 or West Midlands 2019/20 files missing")
    folder = tmp_path_factory.mktemp("official-faces-real")
    openpeel.ingest(searches, folder)
    openpeel.load_population(
        CENSUS / "ts021-ethnic-group-by-ltla.csv", CENSUS / "lad22-csp22-pfa22-lookup.csv", folder
    )
    published = sorted(p for f in FOLDERS for p in (OFFICIAL / f).glob("*") if p.is_file())
    load_official(published, folder)
    return folder


@pytest.fixture(scope="module")
def wy_report(data_dir: Path) -> Report:
    return build_report(data_dir, WY, WY_YEAR)


def _areas_with_numbers(report: Report) -> set[str]:
    return {
        s.area.area_id
        for s in report.sections
        if any(p.headlines and not p.unavailable for p in s.panels)
    }


def test_west_yorkshire_report_has_real_numbers_for_six_areas(wy_report: Report) -> None:
    areas = _areas_with_numbers(wy_report)
    assert len(areas) >= 5, areas
    assert areas >= OFFICIAL_AREAS
    assert not wy_report.is_synthetic
    panels = {p.panel_id: p for p in wy_report.panels()}
    crime = panels["official-recorded-crime"]
    # ONS year ending December 2019, table P1: West Yorkshire 292,174 offences excluding fraud;
    # the latest edition at or before 2020/21, and the panel says it is earlier.
    assert crime.headlines[0].definition.startswith("292,174 offences recorded")
    assert "year ending December 2019" in crime.title
    assert any("earlier time than the period chosen" in c for c in crime.caveats)
    assert any(c.startswith("Source: Office for National Statistics") for c in crime.caveats)
    outcomes = panels["official-crime-outcomes"]
    assert outcomes.headlines[0].value == "8.7%"  # 23,178 charged or summonsed of 265,520
    force = panels["official-use-of-force"]
    assert force.headlines[0].value == "17,498"  # Home Office table 12, 2019/20
    assert force.headlines[1].value.startswith("Black 2.06")
    workforce = panels["official-workforce-representation"]
    # The Home Office's own share of ethnic-minority officers (table D1), 31 March 2017: 5.39%.
    assert workforce.headlines[0].value == "5.4%"
    # HMICFRS value for money profiles 2017 (ADR): 4,720 officers FTE, 5,758 in 2009/10.
    resources = panels["official-workforce-resources"]
    assert resources.headlines[1].value == "-18.0%"
    assert resources.headlines[1].definition.startswith("-1,038 FTE: 5,758 then, 4,720")
    assert panels["official-money"].headlines[0].value == "£208"
    assert panels["official-demand"].headlines[0].definition.startswith("398,765 calls")


def test_west_yorkshire_assessment_judges_the_official_rules(data_dir: Path) -> None:
    result = assess(openpeel.connect(data_dir), WY, WY_YEAR)
    judged = {
        c.rule.characteristic_id: c.finding
        for area in result.areas
        for c in area.characteristics
        if c.rule.indicator.startswith("official.")
    }
    assert judged and all(f.status != "missing" for f in judged.values()), judged
    # 1.41 times the England and Wales rate of recorded crime: above the 1.2 bar.
    assert judged["P4.3"].status == "not_met"
    assert judged["P4.3"].value == pytest.approx(125.926 / 89.0408, rel=1e-4)
    # Officers from ethnic minorities: 5.39% of officers against 18.2% of residents.
    assert judged["P10.2"].status == "not_met"


@pytest.fixture(scope="module")
def client(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    with TestClient(create_app(engine=engine, data_dir=data_dir)) as c:
        yield c


def _overview_areas_with_numbers(html: str) -> set[str]:
    """Areas of the overview's summary that show at least one headline number."""
    out = set()
    for card in html.split('class="summary-area"')[1:]:
        card = card.split("Could not be assessed")[0]
        area = re.search(r'href="/areas/([a-z_]+)\?', card)
        if area and re.search(r"<li>[^<]+: <strong>[^<]*\d", card):
            out.add(area.group(1))
    return out


def test_west_yorkshire_overview_has_real_numbers_for_six_areas(client: TestClient) -> None:
    html = client.get(f"/overview?force={WY}&fy=2020/21").text
    areas = _overview_areas_with_numbers(html)
    assert len(areas) >= 5, areas
    assert areas >= OFFICIAL_AREAS
    assert "SYNTHETIC" not in html
    page = client.get(f"/areas/investigating?force={WY}&fy=2020/21").text
    assert "Crimes recorded in 2017/18 ending in a charge or summons" in page
    assert "Source: Home Office, Crime outcomes in England and Wales" in page
    csv_text = client.get(f"/data/official-crime-outcomes.csv?force={WY}&fy=2020/21").text
    assert "Charged/Summonsed,23178" in csv_text.replace(".0,", ",")


def test_west_midlands_shows_the_check_values(client: TestClient) -> None:
    html = client.get(f"/areas/fairness?force={WM}&fy=2019/20").text
    # Use of force 2019/20, table 12: West Midlands 11,187 incidents.
    assert '<span class="value">11,187</span>' in html
    crime = client.get(f"/areas/prevention?force={WM}&fy=2019/20").text
    # ONS year ending March 2019 is the latest edition at or before 2019/20 that ends by
    # March 2020: December 2019.
    assert "year ending December 2019" in crime
    assert "259,638" in crime  # table P1, West Midlands, excluding fraud
