"""A first visit in a real browser, as a panel member or journalist would make it: the home page,
a force and a financial year picked by name, the summary, an area, the peers page, the explorer
with two filters, its further charts (age, sex, object, outcome, section 60 and strip searches,
the map) and a chart's PNG, its CSV, and back, at 1,280 and 390 px. On every page nothing scrolls
sideways, no vocabulary code or force id shows in the rendered text, and every control has a
label. Screenshots of each step are kept under test-artifacts/browser/."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.exports import strip_notes
from openpeel.indicators.explorer import ExplorerFilters, explore
from openpeel.reference.forces import forces
from openpeel.reference.vocabularies import VOCABULARIES, vocabulary
from tests.scrutiny.server import serve
from tests.unit.report_lake import FORCE, lake_app, shared_lake

WIDTHS = (1280, 390)
#: The explorer's charts beyond the one by ethnic group.
CHARTS = ("age", "sex", "object", "outcome", "thorough", "map-searches")
FY = "2021/22"


def _codes() -> set[str]:
    """Codes a person must not meet on a page: vocabulary codes that are not plain words
    (``mda_s23``, ``no_further_action``, ``10_17``, ``W1``) and every force id with a hyphen or
    that is an abbreviation (``west-midlands``, ``btp``)."""
    out: set[str] = set()
    for name in VOCABULARIES:
        for term in vocabulary(name).values():
            code = term.code
            if "_" in code or re.fullmatch(r"[A-Z]\d", code):
                out.add(code)
    out |= {f for f in forces() if "-" in f or f in ("btp", "psni")}
    return out


CODES = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _codes()))) + r")(?![\w-])")

UNLABELLED = """() => [...document.querySelectorAll(
    'main input, main select, main textarea, main button')]
  .filter(e => e.type !== 'hidden' && e.checkVisibility())
  .filter(e => !((e.labels && e.labels.length && e.labels[0].textContent.trim())
      || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')
      || (e.tagName === 'BUTTON' && e.textContent.trim())))
  .map(e => e.outerHTML.slice(0, 120))"""


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def site(lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with lake_app(lake, tmp_path_factory, "first-visit-db") as app, serve(app) as base:
        yield base


def check_page(page: Any, artifacts: Path, step: str, width: int) -> None:
    """The checks every page of the walk must pass, and its screenshot."""
    page.screenshot(path=str(artifacts / f"first-visit-{width}-{step}.png"), full_page=True)
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{step} scrolls sideways at {width} px: {scroll} > {client}"
    text = page.evaluate("() => document.body.innerText")
    found = CODES.search(text)
    assert found is None, f"{step} at {width} px shows the code {found.group(0)!r}: " + text[
        max(0, found.start() - 80) : found.end() + 40
    ].replace("\n", " ")
    assert page.evaluate(UNLABELLED) == [], f"{step}: controls without a label"


@pytest.mark.parametrize("width", WIDTHS)
def test_first_visit(browser: Any, site: str, lake: Path, artifacts: Path, width: int) -> None:
    ctx = browser.new_context(accept_downloads=True, viewport={"width": width, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{site}/")
        check_page(page, artifacts, "home", width)
        page.select_option("#home-force", label="West Midlands Police")
        page.select_option("#home-fy", label=FY)
        page.get_by_role("button", name="Show the summary").click()
        page.wait_for_url("**/overview?**")
        assert "fy=2021%2F22" in page.url or "fy=2021/22" in page.url
        assert page.locator("main h1").inner_text().startswith("West Midlands Police")
        summary = page.locator("#summary")
        assert summary.is_visible()
        assert "Suggested grade" in summary.inner_text()
        # The demo lake holds six months of the year: the page says which are missing.
        assert "April 2021 to September 2021" in page.locator("#missing-months").inner_text()
        check_page(page, artifacts, "summary", width)

        page.locator("#summary a[href^='/areas/fairness']").click()
        page.wait_for_url("**/areas/fairness?**")
        assert page.locator("figure.chart").count() >= 1
        check_page(page, artifacts, "area", width)

        page.locator("nav.subnav a", has_text="Peers").click()
        page.wait_for_url("**/peers?**")
        assert page.locator("#peers-ranked figure.chart svg[role=img]").count() == 1
        assert "West Midlands Police" in page.locator("#peers-ranked").inner_text()
        check_page(page, artifacts, "peers", width)

        page.locator("nav.subnav a", has_text="Stop and search").click()
        page.wait_for_url("**/stop-search?**")
        first_title = page.locator("#results-title").inner_text()
        page.select_option("#f-sex", label="Male")
        page.wait_for_url("**sex=male**")
        page.wait_for_function(
            "t => document.querySelector('#results-title').innerText !== t", arg=first_title
        )
        title = page.locator("#results-title").inner_text()
        page.select_option("#f-ethnicity", label="Officer-defined")
        page.wait_for_url("**ethnicity=officer_defined**")
        page.wait_for_function(
            "t => document.querySelector('#results-title').innerText !== t", arg=title
        )
        heading = page.locator("#results-title").inner_text()
        assert "officer-defined" in heading and "sex: Male" in heading
        check_page(page, artifacts, "explorer", width)
        # The further charts (loaded in place on asking): each drawn with its table and its
        # exports; screenshots kept.
        page.locator("#more-charts-link").click()
        page.locator("#chart-map-searches").wait_for()
        assert "ethnicity=officer_defined" in page.url  # loading them changed no filter
        check_page(page, artifacts, "explorer-charts", width)
        for chart_id in CHARTS:
            block = page.locator(f"#chart-{chart_id}")
            assert block.locator("figure.chart svg[role=img]").count() == 1, chart_id
            assert block.locator("table.data tbody tr").count() >= 1, chart_id
            assert block.locator("a.export").count() == 2, chart_id
            box = block.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width, chart_id
            block.screenshot(path=str(artifacts / f"first-visit-{width}-chart-{chart_id}.png"))
        with page.expect_download() as image:
            page.locator("#chart-age a.export", has_text="PNG").click()
        assert image.value.suggested_filename.endswith(".png")
        with open(image.value.path(), "rb") as saved_png:
            assert saved_png.read(8) == b"\x89PNG\r\n\x1a\n"

        with page.expect_download() as info:
            page.locator("#csv-link").click()
        saved = artifacts / f"first-visit-{width}-{info.value.suggested_filename}"
        info.value.save_as(str(saved))
        rows = list(csv.DictReader(io.StringIO(strip_notes(saved.read_text(encoding="utf-8")))))
        expected = explore(
            openpeel.connect(lake),
            FORCE,
            Period.financial_year(FY),
            ExplorerFilters("officer_defined", sex="male"),
        )
        assert rows == [
            {k: "" if v is None else str(v) for k, v in r.items()} for r in expected.records()
        ]

        page.go_back()
        page.wait_for_url(lambda url: "ethnicity=officer_defined" not in url)
        assert "sex=male" in page.url
        page.wait_for_function(
            "() => !document.querySelector('#results-title').innerText.includes('officer')"
        )
        assert "self-defined" in page.locator("#results-title").inner_text()
        check_page(page, artifacts, "back", width)
    finally:
        ctx.close()
