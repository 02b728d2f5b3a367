"""The public pages in a real browser: every page opens with a chart (with a text alternative)
and a table, a screenshot of each is kept; the explorer's filters change its table, chart and URL;
the CSV downloaded through the page's link equals the library's result; at 320 px nothing scrolls
sideways and the keyboard reaches the skip link and the filters."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.exports import strip_notes
from openpeel.indicators.explorer import ExplorerFilters, explore
from openpeel.reference.peel_framework import framework_for
from openpeel.report.panels import BUILDERS
from tests.scrutiny.server import serve
from tests.unit.report_lake import END, FORCE, START, lake_app, shared_lake

QS = f"force={FORCE}&from={START}&to={END}"
PERIOD = Period.from_months(START, END)
AREAS = framework_for(PERIOD.end).areas
PAGES = [
    ("overview", "/overview"),
    *((f"area-{a.area_id}", f"/areas/{a.area_id}") for a in AREAS),
    ("stop-search", "/stop-search"),
    ("crime", "/crime"),
    ("calls", "/calls"),
]
#: Pages whose figures are headline numbers and tables only (no chart of their own).
NO_CHART = {"overview"} | {f"area-{a.area_id}" for a in AREAS if not a.has_open_data}


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def site(lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the small synthetic lake, served on 127.0.0.1."""
    with lake_app(lake, tmp_path_factory, "public-db") as app, serve(app) as base:
        yield base


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    p = context.new_page()
    # The first page computes every section (the official statistics too) and the assessment:
    # minutes when the machine is shared.
    p.set_default_timeout(180_000)
    yield p
    p.close()


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(strip_notes(text))))


def as_text(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Library records as the CSV writes them."""
    return [{k: "" if v is None else str(v) for k, v in r.items()} for r in records]


def download(page: Any, link: Any, folder: Path) -> list[dict[str, str]]:
    """Click a CSV link, keep the file among the artefacts, return its rows."""
    with page.expect_download() as info:
        link.click()
    got = info.value
    target = folder / got.suggested_filename
    got.save_as(str(target))
    return rows_of(target.read_text(encoding="utf-8"))


def table_text(page: Any) -> str:
    return str(page.locator("#explorer-table tbody").inner_text())


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[n for n, _ in PAGES])
def test_page_has_chart_and_table(
    page: Any, site: str, artifacts: Path, name: str, path: str
) -> None:
    response = page.goto(f"{site}{path}?{QS}")
    assert response is not None and response.status == 200
    assert page.locator("#data-synthetic-banner").count() == 1
    assert page.locator("main h1").count() == 1
    page.screenshot(path=str(artifacts / f"public-{name}.png"), full_page=True)
    tables = page.locator("main table")
    if name.startswith("area-") and name in NO_CHART:
        assert page.locator(".needs-internal").count() >= 1
        return
    assert tables.count() >= 1
    assert tables.first.locator("caption").inner_text().strip()
    if name in NO_CHART:
        return
    charts = page.locator("figure.chart")
    assert charts.count() >= 1
    for i in range(charts.count()):
        svg = charts.nth(i).locator("svg[role=img]")
        assert svg.count() == 1
        assert (svg.get_attribute("aria-label") or "").strip(), f"chart {i} has no text"
        box = svg.bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 50
        assert charts.nth(i).locator("figcaption").inner_text().strip()
    assert tables.count() >= charts.count()
    assert page.locator("a.csv").count() >= charts.count()


def test_explorer_filters_change_table_chart_and_url(page: Any, site: str, artifacts: Path) -> None:
    page.goto(f"{site}/stop-search?{QS}")
    before_table = table_text(page)
    before_chart = page.locator("#results #main-chart svg").get_attribute("aria-label")
    before_title = page.locator("#results-title").inner_text()

    page.select_option("#f-ethnicity", "officer_defined")
    page.wait_for_url("**ethnicity=officer_defined**")
    page.wait_for_function(
        "t => document.querySelector('#results-title').innerText !== t", arg=before_title
    )
    assert page.locator("#results-title").inner_text() != before_title
    assert "officer-defined" in page.locator("#results-title").inner_text()

    legislation = page.locator("#f-legislation option").evaluate_all(
        "els => els.map(e => e.value).filter(v => v)"
    )
    chosen = "mda_s23" if "mda_s23" in legislation else legislation[0]
    title = page.locator("#results-title").inner_text()
    page.select_option("#f-legislation", chosen)
    page.wait_for_url(f"**legislation={chosen}**")
    page.wait_for_function(
        "t => document.querySelector('#results-title').innerText !== t", arg=title
    )
    after_table = table_text(page)
    after_chart = page.locator("#results #main-chart svg").get_attribute("aria-label")
    assert after_table != before_table
    assert after_chart != before_chart
    params = parse_qs(urlparse(page.url).query)
    assert params["ethnicity"] == ["officer_defined"]
    assert params["legislation"] == [chosen]
    named = page.locator(f"#f-legislation option[value='{chosen}']").inner_text()
    assert f"legislation: {named}" in page.locator("#results-title").inner_text()
    assert chosen not in page.locator("#results-title").inner_text()
    page.screenshot(path=str(artifacts / "public-stop-search-filtered.png"), full_page=True)

    # The URL is shareable: opening it afresh shows the same view with the filters selected.
    shared = page.url
    page.goto(shared)
    assert page.locator("#f-ethnicity").input_value() == "officer_defined"
    assert page.locator("#f-legislation").input_value() == chosen
    assert table_text(page) == after_table


def test_explorer_loading_indicators_are_labelled(page: Any, site: str) -> None:
    """The filter form and the further charts' link name a loading indicator: labelled for
    screen readers, hidden at rest, shown while htmx fetches the view."""
    page.goto(f"{site}/stop-search?{QS}")
    for trigger, indicator in (
        ("#explorer-filters", "#explorer-loading"),
        ("#more-charts-link", "#more-charts-loading"),
    ):
        assert page.locator(trigger).get_attribute("hx-indicator") == indicator
        found = page.locator(indicator)
        assert found.count() == 1
        assert found.get_attribute("role") == "status"
        assert "charts" in (found.get_attribute("aria-label") or "") or "figures" in (
            found.get_attribute("aria-label") or ""
        )
        assert (found.text_content() or "").strip()
        assert not found.is_visible()
        found.evaluate("el => el.classList.add('htmx-request')")  # what htmx does meanwhile
        assert found.is_visible()
        found.evaluate("el => el.classList.remove('htmx-request')")


def test_explorer_csv_download_equals_the_library(
    page: Any, site: str, artifacts: Path, lake: Path
) -> None:
    page.goto(f"{site}/stop-search?{QS}&ethnicity=officer_defined&sex=male")
    got = download(page, page.locator("#csv-link"), artifacts)
    expected = explore(
        openpeel.connect(lake), FORCE, PERIOD, ExplorerFilters("officer_defined", sex="male")
    )
    assert got == as_text(expected.records())
    assert got and all(row["synthetic_data"] == "True" for row in got)


@pytest.mark.parametrize(
    ("path", "section", "panel_id"),
    [("/areas/fairness", "stop_search", "stop-search-ratios"), ("/crime", "crime", "crime-rates")],
)
def test_panel_csv_download_equals_the_library(
    page: Any, site: str, artifacts: Path, lake: Path, path: str, section: str, panel_id: str
) -> None:
    page.goto(f"{site}{path}?{QS}")
    got = download(page, page.locator(f"#{panel_id} a.csv"), artifacts)
    panels = BUILDERS[section](openpeel.connect(lake), FORCE, PERIOD)
    result = next(p.result for p in panels if p.panel_id == panel_id)
    assert result is not None
    assert got == as_text(result.records())


@pytest.mark.parametrize("path", ["/overview", "/areas/fairness", "/stop-search", "/calls"])
def test_narrow_screen_and_keyboard(browser: Any, site: str, artifacts: Path, path: str) -> None:
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    try:
        page.goto(f"{site}{path}?{QS}")
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path} scrolls sideways at 320 px: {widths}"
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(artifacts / f"public-320-{name}.png"), full_page=True)

        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == "#main"
        wanted = "#f-ethnicity" if path == "/stop-search" else "#scope-force"
        reached = False
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => document.activeElement.matches('{wanted}')"):
                reached = True
                break
        assert reached, f"Tab never reached {wanted} on {path}"
    finally:
        ctx.close()
