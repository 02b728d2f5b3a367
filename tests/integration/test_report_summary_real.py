"""The West Yorkshire 2020/21 report from the real police.uk files: the summary is its first
page and no page only says that an area cannot be assessed (skipped when the data is absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.report import build_report, render_html
from tests.conftest import shared_data

DATA = shared_data()
FOLDER = DATA / "policeuk" / "download-2021-12"
CENSUS = DATA / "census2021"
WY, YEAR = "west-yorkshire", Period.financial_year("2020/21")

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (FOLDER.is_dir() and CENSUS.is_dir()), reason=f"real data not found at {DATA}"
    ),
]


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    files = [FOLDER / f"{m:%Y-%m}" / f"{m:%Y-%m}-{WY}-stop-and-search.csv" for m in YEAR.months]
    if not all(f.exists() for f in files):
        pytest.skip("West Yorkshire 2020/21 stop-and-search files missing")
    folder: Path = tmp_path_factory.mktemp("wy-report")
    openpeel.ingest(files, folder)
    openpeel.load_population(
        CENSUS / "ts021-ethnic-group-by-ltla.csv", CENSUS / "lad22-csp22-pfa22-lookup.csv", folder
    )
    return render_html(build_report(folder, WY, YEAR))


def test_the_summary_comes_first(html: str) -> None:
    main = html[html.index('<main id="main">') :]
    first = re.search(r"<section [^>]*id=\"([a-z_-]+)\"", main)
    assert first is not None and first.group(1) == "summary"
    summary = main[: main.index('class="toc"')]
    assert "Suggested grade: <strong>" in summary
    assert "Person searches per 1,000 residents a year" in summary
    assert "Could not be assessed" in summary


def test_no_page_only_says_an_area_cannot_be_assessed(html: str) -> None:
    pages = re.findall(r'<section class="area" id="area-([a-z_]+)".*?</section>', html, re.S)
    assert pages == ["fairness"]  # the only area the stop-and-search files measure
    for needs_data in ("Investigating crime", "Disrupting serious organised crime"):
        assert needs_data in html[: html.index('class="toc"')]  # one line on the summary
    assert "Needs force-internal data." not in html
