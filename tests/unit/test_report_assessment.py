"""The report shows each area's assessment: suggested grade, reasons and evidence."""

from __future__ import annotations

import pytest

from openpeel.calendar import Period
from openpeel.report import build_report, write_html
from tests.unit.report_lake import shared_lake


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    data_dir = shared_lake(tmp_path_factory)
    report = build_report(data_dir, "west-midlands", Period.financial_year("2021/22"))
    graded = [s for s in report.sections if s.assessment is not None]
    assert len(graded) == len(report.sections)
    out = tmp_path_factory.mktemp("assess-report") / "report.html"
    write_html(report, out)
    return out.read_text()


def test_every_area_has_its_assessment(html: str) -> None:
    assert html.count("Assessment from the evidence") == 13
    assert "Suggested grade" in html and "Suggested by openpeel" not in html
    assert "not graded" in html  # the two ungraded areas of 2021/22


def test_the_evidence_table_names_each_characteristic(html: str) -> None:
    assert "1.1.1" in html and "Characteristics of good performance" in html
    assert "openpeel stop-search ratios" in html
