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

#: The stages ``build_report`` told its progress callback, in order.
STAGES: list[tuple[str, int, int]] = []


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return build_report(
        shared_lake(tmp_path_factory),
        FORCE,
        Period.from_months(START, END),
        progress=lambda *stage: STAGES.append(stage),
    )


def test_progress_names_every_stage_in_order(report: Report) -> None:
    sections = list(dict.fromkeys(s for a in report.framework.areas for s in a.sections))
    total = len(sections) + 2
    assert [s[0] for s in STAGES] == [
        "Reading what the lake holds",
        *(f"Computing {s.replace('_', ' ')}" for s in sections),
        "Assessing the PEEL areas",
    ]
    assert [s[1] for s in STAGES] == list(range(total))  # stages done so far, one by one
    assert {s[2] for s in STAGES} == {total}


def test_write_pdf_tells_its_stages(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpeel.report import render

    class Document:  # the layout itself is tested below; here only what is told
        pages = (object(), object())

        def write_pdf(self, target: str) -> None:
            Path(target).write_bytes(b"%PDF-1.7")

    monkeypatch.setattr(render, "pdf_document", lambda _report: Document())
    told: list[str] = []
    written = render.write_pdf(report, tmp_path / "r.pdf", progress=told.append)
    assert told == ["Laying out the PDF pages", "Writing the PDF (2 pages)"]
    assert written.read_bytes().startswith(b"%PDF")


@pytest.fixture(scope="module")
def html(report: Report) -> str:
    return render_html(report)


def test_one_section_per_area_with_results_in_framework_order(report: Report, html: str) -> None:
    ids = [s.area.area_id for s in report.sections]
    assert ids == [a.area_id for a in report.framework.areas]
    shown = [i for i in ids if i in report.summary.shown_area_ids]
    found = re.findall(r'<section class="area" id="area-([a-z_]+)"', html)
    assert found == shown and "fairness" in shown
    evidence = re.findall(r'<section class="evidence" id="evidence-([a-z_]+)"', html)
    assert evidence == ids  # every area's framework text and evidence is in the appendix


def test_areas_without_data_are_one_line_each_on_the_summary(report: Report, html: str) -> None:
    internal = [s for s in report.sections if s.needs_internal]
    assert {s.area.area_id for s in internal} >= {"serious_organised_crime"}
    listed = {i for g in report.summary.not_assessed for i, _title in g.areas}
    assert {s.area.area_id for s in internal} <= listed
    summary = html[html.index('id="summary"') : html.index('class="toc"')]
    for section in internal:
        assert summary.count(f"<li>{section.area.title}</li>") == 1


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


def test_pdf_opens_with_the_summary_then_one_page_per_area(report: Report, tmp_path: Path) -> None:
    document = pdf_document(report)
    tree = document.make_bookmark_tree()
    # h1 (the title) holds the h2s: the summary, one per area with results, the appendix.
    label, _target, children, _state = tree[0]
    assert report.force_name in label
    labels = [child[0] for child in children]
    assert labels[0] == "Summary" and children[0][1][0] == 0  # on the first page
    assert labels[-1].startswith("Appendix")
    shown = [s for s in report.sections if s.area.area_id in report.summary.shown_area_ids]
    areas = labels[1:-1]
    assert len(areas) == len(shown)
    for text, section in zip(areas, shown, strict=True):
        assert section.area.title in text
    starts = [child[1][0] for child in children]
    assert len(set(starts)) == len(starts)  # every area starts on its own page
    out = tmp_path / "report.pdf"
    document.write_pdf(str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_a_stored_period_is_read_from_the_stored_views(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole financial year is kept in the stored views by its first report (or by the
    loads, for the default period): the next report reads it without querying the lake, and
    says the same."""
    import openpeel

    lake = shared_lake(tmp_path_factory)
    period = Period.financial_year("2021/22")
    first = build_report(lake, FORCE, period)

    def no_lake(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report queried the lake instead of reading the stored views")

    monkeypatch.setattr(openpeel, "connect", no_lake)
    again = build_report(lake, FORCE, period)
    again.generated_at = first.generated_at
    assert render_html(again) == render_html(first)
    assert any(not p.unavailable for p in again.panels())
