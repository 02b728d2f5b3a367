"""The public pages over the report library (FastAPI TestClient): every page renders with its
chart, table and CSV link; URLs carry the filters; CSVs equal the library's results."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import openpeel
from openpeel.calendar import Period
from openpeel.exports import strip_notes
from openpeel.indicators.explorer import ExplorerFilters, explore
from openpeel.report.panels import BUILDERS
from tests.unit.report_lake import END, FORCE, START, lake_app, shared_lake

QS = f"force={FORCE}&from={START}&to={END}"


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def client(lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with lake_app(lake, tmp_path_factory) as app, TestClient(app) as c:
        yield c


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(strip_notes(text))))


def as_text(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Library records as the CSV writes them."""
    return [{k: "" if v is None else str(v) for k, v in r.items()} for r in records]


@pytest.mark.parametrize(
    "path",
    ["/overview", "/areas/fairness", "/areas/vulnerable", "/crime", "/calls", "/stop-search"],
)
def test_pages_render_with_banner(client: TestClient, path: str) -> None:
    r = client.get(f"{path}?{QS}")
    assert r.status_code == 200, r.text[:300]
    assert 'id="data-synthetic-banner"' in r.text
    assert "<main" in r.text and "<h1>" in r.text


@pytest.mark.parametrize("path", ["/areas/fairness", "/crime", "/calls", "/stop-search"])
def test_every_chart_has_a_table_and_csv(client: TestClient, path: str) -> None:
    text = client.get(f"{path}?{QS}").text
    charts = text.count('<figure class="chart"')
    assert charts >= 1
    assert text.count("<table") >= charts
    assert text.count('class="csv"') >= charts
    assert text.count('role="img"') == charts


def test_needs_internal_area(client: TestClient) -> None:
    text = client.get(f"/areas/serious_organised_crime?{QS}").text
    assert "Needs force-internal data." in text


def test_default_scope_is_the_latest_twelve_months(client: TestClient) -> None:
    text = client.get("/overview").text
    assert 'value="2021-04"' in text and 'value="2022-03"' in text


def test_explorer_filters_change_the_table(client: TestClient) -> None:
    everyone = client.get(f"/stop-search?{QS}").text
    males = client.get(f"/stop-search?{QS}&sex=male&ethnicity=officer_defined").text
    assert everyone != males
    assert "sex: Male" in males and "West Midlands Police" in males
    assert (
        'href="/stop-search?force=west-midlands&amp;from=2021-10&amp;to=2022-03&amp;'
        'ethnicity=officer_defined&amp;sex=male"' in males
    )


def test_explorer_csv_equals_the_library(client: TestClient, lake: Path) -> None:
    r = client.get(f"/stop-search.csv?{QS}&legislation=mda_s23&ethnicity=officer_defined")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    expected = explore(
        openpeel.connect(lake),
        FORCE,
        Period.from_months(START, END),
        ExplorerFilters(ethnicity="officer_defined", legislation="mda_s23"),
    )
    got = rows_of(r.text)
    assert got == as_text(expected.records())
    assert all(row["synthetic_data"] == "True" for row in got)


@pytest.mark.parametrize(
    ("section", "panel_id"),
    [
        ("crime", "crime-rates"),
        ("stop_search", "stop-search-ratios"),
        ("calls", "charter"),
        ("investigations", "outcomes"),
    ],
)
def test_panel_csv_equals_the_library(
    client: TestClient, lake: Path, section: str, panel_id: str
) -> None:
    r = client.get(f"/data/{panel_id}.csv?{QS}")
    assert r.status_code == 200
    panels = BUILDERS[section](openpeel.connect(lake), FORCE, Period.from_months(START, END))
    result = next(p.result for p in panels if p.panel_id == panel_id)
    assert result is not None
    assert rows_of(r.text) == as_text(result.records())
    assert "synthetic_data" in strip_notes(r.text).splitlines()[0]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/stop-search?sex=<script>", 400),
        ("/stop-search?ethnicity=nonsense", 400),
        ("/overview?force=atlantis", 400),
        ("/overview?from=2021-13&to=2022-01", 400),
        ("/areas/nowhere", 404),
        ("/data/nothing.csv", 404),
    ],
)
def test_bad_input_is_a_clear_error(client: TestClient, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert "Traceback" not in r.text


def test_a_mistyped_force_is_answered_with_the_nearest_id(client: TestClient) -> None:
    r = client.get("/overview?force=westyorkshire")
    assert r.status_code == 400
    assert "did you mean west-yorkshire?" in r.text
