"""Official statistics under their PEEL areas: the edition for a period, the report panels (each
chart mark is a row of the result), the assessment rules, and the web pages with CSV download,
on the SYNTHETIC publications the demo writes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import openpeel
from openpeel.assess.assessment import assess
from openpeel.calendar import Period
from openpeel.demo import official_year
from openpeel.errors import DataUnavailableError
from openpeel.exports import strip_notes
from openpeel.indicators import official_for_period as official
from openpeel.report import official_panels
from openpeel.report.panels import section_panels
from openpeel.store.lake import Lake
from openpeel.store.official import load_official
from openpeel.synth.official import write_official
from openpeel.synth.population import demo_population
from openpeel.web import public_data
from tests.unit.report_lake import END, FORCE, START, shared_lake

YEAR = Period.financial_year("2021/22")
OFFICIAL_SECTIONS = (
    "official_crime",
    "official_outcome",
    "official_use_of_force",
    "official_workforce",
    "official_money",
    "official_demand",
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("official-faces")
    files = write_official(folder / "files", "west-midlands", "2021/22", seed=5).files
    load_official(files, folder / "data")
    Lake(folder / "data").write_reference("population", demo_population())
    return folder / "data"


@pytest.fixture(scope="module")
def con(data_dir: Path) -> Any:
    return openpeel.connect(data_dir)


def test_official_year_ends_in_or_before_the_month() -> None:
    assert official_year("2022-03") == "2021/22"
    assert official_year("2022-02") == "2020/21"
    assert official_year("2022-11") == "2021/22"


def test_indicators_for_the_period_are_synthetic_and_named(con: Any) -> None:
    crime = official.recorded_crime_for(con, "west-midlands", YEAR)
    assert crime.is_synthetic and crime.meta["edition"] == "March 2022"
    assert not any("earlier time" in c for c in crime.caveats)
    assert any(c.startswith("Source: Office for National Statistics") for c in crime.caveats)
    total = crime.table[crime.table["is_total"]].iloc[0]
    assert total["rate_to_england_and_wales"] == pytest.approx(
        total["rate_per_1000"] / total["england_and_wales_rate_per_1000"]
    )
    assert total["rate_to_england_and_wales_low"] < total["rate_to_england_and_wales"]
    assert total["forces_compared"] == 8 and 1 <= total["rank_among_forces"] <= 8
    # A later period shows the same edition and says it is earlier.
    later = official.recorded_crime_for(con, "west-midlands", Period.financial_year("2022/23"))
    assert later.meta["edition"] == "March 2022"
    assert any("earlier time than the period chosen" in c for c in later.caveats)
    with pytest.raises(DataUnavailableError, match="loaded: March 2022"):
        official.recorded_crime_for(con, "west-midlands", Period.financial_year("2020/21"))


def test_outcome_and_workforce_ratios(con: Any) -> None:
    outcomes = official.crime_outcomes_for(con, "west-midlands", YEAR).table
    charged = outcomes[outcomes["outcome_group"] == official.CHARGED].iloc[0]
    assert charged["share_to_england_and_wales"] == pytest.approx(
        charged["share"] / charged["england_and_wales_share"]
    )
    workforce = official.workforce_representation_for(con, "west-midlands", YEAR).table
    officers = workforce[workforce["group"] == "officers"].iloc[0]
    assert officers["representation_ratio_low"] == pytest.approx(
        officers["share_low"] / officers["residents_ethnic_minority_share"]
    )
    force = official.use_of_force_for(con, "west-midlands", YEAR).table
    compared = force[force["is_compared_with_white"]]["perceived_ethnicity"]
    assert set(compared) == {"black", "asian", "mixed", "other"}


def _marks(panel: Any) -> pd.DataFrame:
    spec = panel.chart_spec
    return pd.DataFrame(next(iter(spec["datasets"].values())))


def test_each_chart_mark_is_a_row_of_the_result(con: Any) -> None:
    crime, outcomes, force, workforce, money, demand = (
        section_panels(con, s, "west-midlands", YEAR) for s in OFFICIAL_SECTIONS
    )
    spending = money[0].result.table if money[0].result is not None else pd.DataFrame()
    checks = (
        (crime[0], "group", "rate_per_1000", "offence_group", official_panels.offence_label),
        (outcomes[0], "outcome_group", "share", "outcome_group", str),
        (force[0], "group", "ratio_to_white", "perceived_ethnicity", official_panels.label),
        (workforce[0], "who", "ethnic_minority_share", "group", official_panels.GROUP_WORDS.get),
        (workforce[1], "who", "value", "measure", official_panels.RESOURCE_WORDS.get),
        (demand[0], "what", "rate_per_1000", "measure", official_panels.DEMAND_WORDS.get),
        (money[0], "item", "value", "item", official_panels.function_label),
    )
    for panel, category, value, key, words in checks:
        assert not panel.unavailable, panel.unavailable
        assert panel.headlines and panel.definition and panel.caveats
        assert "SYNTHETIC" in panel.chart_svg  # marked on the chart itself
        marks = _marks(panel)
        table = panel.result.table.assign(_words=lambda d, k=key, w=words: d[k].map(w))
        # Rows without words are not drawn (the resources table also holds sickness shares).
        shown = table[table[value].notna() & table["_words"].notna()]
        if panel is crime[0]:
            shown = shown[~shown["is_total"]]
        if panel is money[0]:
            functions = (spending["section"] == "spending") & ~spending["item"].str.upper().isin(
                ("TOTAL", "TOTAL EXCL NATIONAL POLICING")
            )
            shown = shown[functions]
        assert len(marks) == len(shown) > 0, panel.panel_id
        for mark in marks.itertuples():
            row = shown[shown["_words"] == getattr(mark, category)]
            assert len(row) == 1, (panel.panel_id, getattr(mark, category))
            assert getattr(mark, value) == pytest.approx(float(row[value].iloc[0]), rel=1e-12)
        # The table beside the chart has one row per figure shown.
        assert len(panel.table) >= len(marks)


def test_rules_judge_the_official_figures(con: Any) -> None:
    result = assess(con, "west-midlands", YEAR, framework="peel-2021-22")
    findings = {
        c.rule.characteristic_id: c
        for area in result.areas
        for c in area.characteristics
        if c.rule.indicator.startswith("official.")
    }
    assert set(findings) == {
        *("P3.6", "P3.7", "P4.3", "P4.4", "P6.4"),
        *("P10.2", "P10.3", "P10.4", "P10.5", "P11.2", "P11.3"),
    }
    for c in findings.values():
        assert c.finding.status in ("met", "not_met", "uncertain"), c.finding.reason
        assert c.rule.text_status == "project"
        assert "Threshold chosen by openpeel" in c.rule.note
        assert "_" not in c.rule.text  # the characteristic reads as plain English
    charged = official.crime_outcomes_for(con, "west-midlands", YEAR).table
    ratio = charged[charged["outcome_group"] == official.CHARGED].iloc[0]
    assert findings["P6.4"].finding.value == pytest.approx(ratio["share_to_england_and_wales"])


def test_the_2023_25_framework_has_the_same_rules_in_its_areas(con: Any) -> None:
    result = assess(
        con, "west-midlands", Period.financial_year("2023/24"), framework="peel-2023-25"
    )
    areas = {
        c.rule.characteristic_id: area.area.area_id
        for area in result.areas
        for c in area.characteristics
        if c.rule.indicator.startswith("official.")
    }
    assert set(areas.values()) == {
        "police_powers",
        "prevention",
        "investigating",
        "workforce",
        "leadership",
    }
    assert len(areas) == 11


def test_without_official_statistics_the_panels_say_how_to_load_them(tmp_path: Path) -> None:
    con = openpeel.connect(tmp_path / "empty")
    for section in OFFICIAL_SECTIONS:
        for panel in section_panels(con, section, "west-midlands", YEAR, False):
            assert "openpeel official load" in panel.unavailable


# --------------------------------------------------------------------------- the web pages


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from openpeel.database.engine import make_engine
    from openpeel.database.migrate import upgrade
    from openpeel.web.app import create_app

    lake = shared_lake(tmp_path_factory)
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    with TestClient(create_app(engine=engine, data_dir=lake)) as c:
        yield c


QS = f"force={FORCE}&from={START}&to={END}"


def test_overview_and_area_pages_show_the_official_figures(client: TestClient) -> None:
    overview = client.get(f"/overview?{QS}").text
    assert "Recorded crime per 1,000 residents (year ending March 2022" in overview
    assert "Officers from ethnic minorities (31 March 2022)" in overview
    page = client.get(f"/areas/workforce?{QS}").text
    assert "Needs force-internal data." not in page
    assert "Ratio of representation" in page
    assert "Source: Home Office, Police workforce" in page
    assert "SYNTHETIC" in page
    fairness = client.get(f"/areas/fairness?{QS}").text
    assert "Use of force by perceived ethnicity, 2021/22" in fairness
    assert "/data/official-use-of-force.csv" in fairness


def test_csv_download_is_the_result_with_its_notes(client: TestClient) -> None:
    response = client.get(f"/data/official-crime-outcomes.csv?{QS}")
    assert response.status_code == 200
    text = response.text
    assert text.startswith("# ")
    assert "SYNTHETIC" in text.split("\n", 1)[0] or "SYNTHETIC" in text[:2000]
    rows = list(csv.DictReader(io.StringIO(strip_notes(text))))
    assert rows and {"outcome_group", "share", "share_low", "share_high"} <= set(rows[0])
    assert all(r["synthetic_data"] == "True" for r in rows)


def test_headcount_beside_fte_and_every_force_ranked(con: Any) -> None:
    from openpeel.formatting import number_text

    panels = {
        p.panel_id: p for p in section_panels(con, "official_workforce", "west-midlands", YEAR)
    }
    head = panels["official-workforce-headcount"]
    assert not head.unavailable, head.unavailable
    assert "SYNTHETIC" in head.chart_svg and head.result is not None
    officers = head.result.table.set_index("worker").loc["officers"]
    assert officers["workforce_headcount"] > officers["workforce_fte"]
    assert (
        officers["headcount_per_1000_low"]
        < officers["headcount_per_1000"]
        < officers["headcount_per_1000_high"]
    )
    assert head.headlines[0].value == number_text(officers["headcount_per_1000"], 2)
    peers = panels["official-workforce-peers"]
    assert not peers.unavailable, peers.unavailable
    marks = _marks(peers)
    table = peers.table.set_index("Force")
    assert len(marks) >= 5 and len(table) >= len(marks)
    # Every mark is the row of the table beside the chart: the same force and numbers.
    for mark in marks.itertuples():
        row = table.loc[mark.force]
        assert row["Officers per 1,000 residents (headcount)"] == number_text(mark.rate, 2)
        assert (row["Low"], row["High"]) == (
            number_text(mark.rate_low, 2),
            number_text(mark.rate_high, 2),
        )
    assert marks[marks["is_focus"]]["force"].tolist() == ["West Midlands Police"]


def test_official_peers_rank_every_force_with_a_table_equal_to_the_marks(con: Any) -> None:
    from openpeel.formatting import number_text
    from openpeel.report.peer_panels import OFFICIAL_PEERS, official_peers_panels

    panels = official_peers_panels(con, "west-midlands", YEAR)
    assert [p.panel_id for p in panels] == [spec[0] for spec in OFFICIAL_PEERS]
    for panel, (_id, _title, _function, value_title, decimals, scale) in zip(
        panels, OFFICIAL_PEERS, strict=True
    ):
        assert not panel.unavailable, (panel.panel_id, panel.unavailable)
        assert "SYNTHETIC" in panel.chart_svg and panel.result is not None
        # Every force with a value, not the force's own breakdown.
        forces = panel.result.table.dropna(subset=["value"])
        assert len(forces) >= 5 and forces["force_id"].is_unique
        marks = _marks(panel)
        table = panel.table.set_index("Force")
        assert set(marks["force"]) <= set(table.index) and len(marks) >= 5
        for mark in marks.itertuples():
            row = table.loc[mark.force]
            value = forces[forces["force_name"] == mark.force]["value"].iloc[0] * scale
            assert mark.rate == pytest.approx(round(value, decimals))
            assert row[value_title] == number_text(mark.rate, decimals)
            assert (row["Low"], row["High"]) == (
                number_text(mark.rate_low, decimals),
                number_text(mark.rate_high, decimals),
            )
            assert mark.rate_low <= mark.rate <= mark.rate_high
        assert marks[marks["is_focus"]]["force"].tolist() == ["West Midlands Police"]
