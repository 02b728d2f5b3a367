"""The written HTML report in a real browser with every network request blocked: every chart
renders (an SVG with a size and a text alternative) and the page never tried to fetch anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openpeel.calendar import Period
from openpeel.report import build_report, write_html
from tests.unit.report_lake import END, FORCE, START, shared_lake


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = build_report(shared_lake(tmp_path_factory), FORCE, Period.from_months(START, END))
    return write_html(report, tmp_path_factory.mktemp("report") / "report.html")


def test_report_renders_every_chart_offline(
    browser: Any, report_file: Path, artifacts: Path
) -> None:
    ctx = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
    attempted: list[str] = []

    def block(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    ctx.route("**/*", block)
    page = ctx.new_page()
    page.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:")) else attempted.append(r.url),
    )
    try:
        page.goto(report_file.resolve().as_uri(), wait_until="load")
        page.screenshot(path=str(artifacts / "report-offline.png"), full_page=True)
        sections = page.locator("section.area")
        assert sections.count() >= 5
        charts = page.locator("svg[role=img]")
        count = charts.count()
        expected = report_file.read_text(encoding="utf-8").count('role="img"')
        assert count >= 5 and count == expected
        for i in range(count):
            svg = charts.nth(i)
            svg.scroll_into_view_if_needed()
            box = svg.bounding_box()
            assert box is not None and box["width"] > 50 and box["height"] > 50, i
            assert (svg.get_attribute("aria-label") or "").strip(), f"chart {i} has no text"
            assert svg.locator("path, rect, line, text").count() > 3, f"chart {i} is empty"
        assert page.locator("table").count() >= count
    finally:
        ctx.close()
    assert attempted == [], f"the report tried to fetch {attempted}"
