"""The PEEL report: organised by area, every number with its definition, offline, and a PDF
with one section per area."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openpeel.calendar import Period
from openpeel.report import Report, build_report, pdf_document, render_html, write_html
from openpeel.report.render import EXTERNAL_REFERENCE
from tests.unit.report_lake import END, FORCE, START, shared_lake


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return build_report(shared_lake(tmp_path_factory), FORCE, Period.from_months(START, END))


@pytest.fixture(scope="module")
def html(report: Report) -> str:
    return render_html(report)


def test_one_section_per_area_in_framework_order(report: Report, html: str) -> None:
    ids = [s.area.area_id for s in report.sections]
    assert ids == [a.area_id for a in report.framework.areas]
    found = re.findall(r'<section class="area" id="area-([a-z_]+)"', html)
    assert found == ids


def test_areas_without_data_say_they_need_internal_data(report: Report, html: str) -> None:
    internal = [s for s in report.sections if s.needs_internal]
    assert {s.area.area_id for s in internal} >= {"strategic_planning"}
    assert html.count("Needs force-internal data.") == len(internal)


def test_every_panel_has_numbers_definition_chart_and_table(report: Report) -> None:
    panels = report.panels()
    assert {p.panel_id for p in panels} >= {
        "stop-search-rates",
        "stop-search-ratios",
        "crime-rates",
        "outcomes",
        "calls-999",
    }
    for panel in panels:
        assert not panel.unavailable, (panel.panel_id, panel.unavailable)
        assert panel.definition
        assert panel.chart_svg.startswith("<svg") and 'role="img"' in panel.chart_svg
        assert panel.chart_description
        assert not panel.table.empty


def test_headlines_carry_intervals(report: Report) -> None:
    heads = [h for p in report.panels() for h in p.headlines]
    assert heads
    with_interval = [h for h in heads if "95% interval" in h.interval]
    assert len(with_interval) >= 5


def test_synthetic_banner_everywhere(report: Report, html: str) -> None:
    assert report.is_synthetic
    assert 'id="synthetic-banner"' in html
    assert html.count("(synthetic data)") >= 2 * len(report.panels())


def test_no_external_references(html: str) -> None:
    assert not EXTERNAL_REFERENCE.search(html)
    assert "<script" not in html and "<link" not in html
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}


def test_external_reference_pattern_catches_the_usual_forms() -> None:
    for bad in (
        '<script src="https://cdn.x/y.js">',
        "<link href='//fonts.x/css'>",
        "src: url(https://f.x/a.woff2)",
        "@import 'x.css';",
    ):
        assert EXTERNAL_REFERENCE.search(bad), bad


def test_write_html(report: Report, tmp_path: Path) -> None:
    path = write_html(report, tmp_path / "r" / "report.html")
    assert path.read_text().startswith("<!doctype html>")


def test_pdf_has_one_section_per_area(report: Report, tmp_path: Path) -> None:
    document = pdf_document(report)
    tree = document.make_bookmark_tree()
    # h1 (the title) holds the h2s: "About this report", then one per PEEL area.
    label, _target, children, _state = tree[0]
    assert report.force_name in label
    areas = [child[0] for child in children][1:]
    assert len(areas) == len(report.sections)
    for text, section in zip(areas, report.sections, strict=True):
        assert section.area.title in text
    starts = {child[1][0] for child in children[1:]}
    assert len(starts) == len(report.sections)  # every area starts on its own page
    out = tmp_path / "report.pdf"
    document.write_pdf(str(out))
    assert out.read_bytes().startswith(b"%PDF")
