"""Every output made from synthetic data says so, decided in one place (openpeel.provenance), and
every machine-readable output carries its definition and caveats (openpeel.exports): one test
per output kind — HTML, PDF (every page), SVG/PNG charts, CSV, JSON, CLI tables, web pages and
downloads."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import vl_convert as vlc
from click.testing import CliRunner

import openpeel
from openpeel.calendar import Period
from openpeel.cli import main
from openpeel.exports import csv_text, note_lines, read_notes, strip_notes
from openpeel.formatting import number_text, percent_text
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import (
    SYNTHETIC_MARK,
    Provenance,
    any_synthetic,
    is_synthetic_label,
    lake_provenance,
)
from openpeel.report import Report, build_report, charts, pdf_document, render_html
from openpeel.report.panels import section_panels
from tests.unit.report_lake import END, FORCE, START, shared_lake

PERIOD = Period.from_months(START, END)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def report(lake: Path) -> Report:
    return build_report(lake, FORCE, PERIOD)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# --- the one rule -----------------------------------------------------------------------------


def test_one_rule_for_snapshots_and_sources() -> None:
    # Both labels the generators write (snapshots in lower case, the population's source in
    # capitals) are synthetic under the one rule; real labels are not.
    assert is_synthetic_label("synthetic-2022-03")
    assert is_synthetic_label("synthetic-calls-2022-03")
    assert is_synthetic_label("SYNTHETIC demo population (round numbers, not Census 2021)")
    for real in ("2022-03", "archive-2024-01", "census2021 TS021", None, "", "api-2024-02-10"):
        assert not is_synthetic_label(real), real
    assert any_synthetic(["2022-03", "synthetic-2022-03"])
    assert not any_synthetic([])
    both = Provenance.of(["2022-03"]) | Provenance.of(["synthetic-x"])
    assert both.is_synthetic and both.mark == SYNTHETIC_MARK


def test_lake_provenance_names_the_synthetic_tables(lake: Path) -> None:
    found = lake_provenance(openpeel.connect(lake), [FORCE])
    assert found.is_synthetic
    assert {"lake_partitions", "population", "calls_999_monthly"} <= set(found.synthetic_tables)
    # A force with no rows anywhere has nothing synthetic about it.
    assert not lake_provenance(openpeel.connect(lake), ["no-such-force"]).is_synthetic


def test_no_second_rule_left_in_the_code() -> None:
    src = Path(openpeel.__file__).parent
    offenders = []
    for path in src.rglob("*.py"):
        if path.name == "provenance.py" or "synth" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if 'startswith("synthetic")' in text or '"SYNTHETIC" in' in text:
            offenders.append(path.name)
    assert offenders == []


# --- HTML and PDF -----------------------------------------------------------------------------


def test_html_report_is_marked_at_the_top_and_in_every_chart(report: Report) -> None:
    html = render_html(report)
    assert report.is_synthetic
    banner = html.index('id="synthetic-banner"')
    assert html.index(SYNTHETIC_MARK) < html.index("<h1>")
    assert banner < html.index("<h1>")
    drawn = [p for p in report.panels() if p.chart_svg]
    assert drawn
    for panel in drawn:
        assert 'class="synthetic-mark"' in panel.chart_svg and SYNTHETIC_MARK in panel.chart_svg


def _margin_texts(page: Any) -> dict[str, str]:
    """The text in each margin box (@top-center, ...) of a laid-out WeasyPrint page."""
    out: dict[str, str] = {}
    for box in page._page_box.children:
        if type(box).__name__ != "MarginBox":
            continue
        parts: list[str] = []
        stack = [box]
        while stack:
            b = stack.pop()
            if hasattr(b, "text"):
                parts.append(b.text)
            stack.extend(getattr(b, "children", None) or [])
        out[box.at_keyword] = "".join(reversed(parts))
    return out


def test_every_pdf_page_carries_the_marking(report: Report) -> None:
    document = pdf_document(report)
    assert len(document.pages) > 5
    for number, page in enumerate(document.pages, start=1):
        margins = _margin_texts(page)
        assert margins.get("@top-center") == SYNTHETIC_MARK, number
        assert SYNTHETIC_MARK in margins.get("@bottom-center", ""), number


def test_real_data_report_has_no_marking(report: Report) -> None:
    real = Report(**{**report.__dict__, "is_synthetic": False})
    html = render_html(real)
    assert SYNTHETIC_MARK not in html.split("<main", 1)[0]
    document = pdf_document(real)
    assert SYNTHETIC_MARK not in _margin_texts(document.pages[0]).get("@bottom-center", "")


# --- charts -----------------------------------------------------------------------------------


def test_marked_chart_keeps_the_mark_as_png() -> None:
    df = pd.DataFrame({"g": ["a", "b"], "v": [1.0, 2.0], "lo": [0.5, 1.5], "hi": [1.5, 2.5]})
    svg = charts.to_svg(charts.interval_bars(df, "g", "v", "lo", "hi", "V", "G"), "two bars")
    marked = charts.mark_synthetic(svg)
    assert SYNTHETIC_MARK in marked and SYNTHETIC_MARK not in svg
    assert charts.mark_synthetic(marked) == marked  # idempotent
    assert 'aria-label="two bars"' in marked  # still accessible
    height = float(marked.split('height="', 1)[1].split('"', 1)[0])
    assert height == float(svg.split('height="', 1)[1].split('"', 1)[0]) + charts.MARK_BAND
    png = vlc.svg_to_png(marked)  # the band is part of the image: a saved chart keeps it
    assert png.startswith(b"\x89PNG")


def test_section_panels_mark_every_chart_of_a_synthetic_force(lake: Path) -> None:
    con = openpeel.connect(lake)
    for section in ("calls", "stop_search", "crime", "investigations"):
        for panel in section_panels(con, section, FORCE, PERIOD):
            if panel.chart_svg:
                assert SYNTHETIC_MARK in panel.chart_svg, panel.panel_id


# --- CSV and JSON (the notes convention) -----------------------------------------------------


def _result(is_synthetic: bool) -> IndicatorResult:
    return IndicatorResult(
        "demo.rates",
        "Rates",
        "rate_per_1000 = 1000 x searches / population x 12 / months",
        pd.DataFrame({"group": ["a"], "months": [7], "rate_per_1000": [1.5]}),
        caveats=["Only 7 of 12 months supplied: the rate is annualised from them."],
        is_synthetic=is_synthetic,
        meta={"period": "2022/23", "force_id": "west-midlands"},
    )


def test_csv_notes_then_header_then_rows() -> None:
    text = csv_text(_result(True).records(), _result(True).notes(), _result(True).columns())
    notes = read_notes(text)
    assert notes[0].startswith(SYNTHETIC_MARK)
    assert any(n.startswith("definition: rate_per_1000 = ") for n in notes)
    assert "caveat: Only 7 of 12 months supplied: the rate is annualised from them." in notes
    assert "period: 2022/23" in notes and "indicator: demo.rates" in notes
    rows = list(csv.DictReader(io.StringIO(strip_notes(text))))
    assert rows == [{"synthetic_data": "True", "group": "a", "months": "7", "rate_per_1000": "1.5"}]
    # pandas reads it with the documented option.
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert list(frame.columns) == ["synthetic_data", "group", "months", "rate_per_1000"]
    real = csv_text(_result(False).records(), _result(False).notes())
    assert SYNTHETIC_MARK not in real and "caveat: Only 7" in real


def test_notes_are_one_line_each() -> None:
    notes = note_lines(definition="two\nlines", caveats=["a\n b", ""])
    assert notes == ["definition: two lines", "caveat: a b"]


def test_json_carries_definition_caveats_and_notice() -> None:
    data = _result(True).as_dict()
    assert data["notice"] == SYNTHETIC_MARK and data["synthetic_data"] is True
    assert data["definition"] and data["caveats"]
    assert _result(False).as_dict()["notice"] is None


def test_cli_csv_json_and_table_are_marked(lake: Path) -> None:
    base = ["--data-dir", str(lake), "stop-search", "rates", "--force", FORCE]
    scope = ["--from", START, "--to", END]
    code, out, err = run(*base, *scope, "--format", "csv")
    assert code == 0, err
    notes = read_notes(out)
    assert notes and notes[0].startswith(SYNTHETIC_MARK)
    assert any(n.startswith("definition: ") for n in notes)
    assert any(n.startswith("caveat: ") for n in notes)
    assert strip_notes(out).startswith("synthetic_data,")
    code, out, err = run(*base, *scope, "--format", "json")
    data = json.loads(out)
    assert data["notice"] == SYNTHETIC_MARK and data["definition"] and "caveats" in data
    code, out, err = run(*base, *scope, "--format", "table")
    assert code == 0 and SYNTHETIC_MARK in out  # in the table itself, not only on stderr


def test_cli_assess_csv_is_marked(lake: Path, tmp_path: Path) -> None:
    code, out, err = run(
        "--data-dir", str(lake), "assess", "--force", FORCE, "--from", START, "--to", END,
        "--database-url", f"sqlite:///{tmp_path / 'none.db'}", "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    notes = read_notes(out)
    assert notes[0].startswith(SYNTHETIC_MARK)
    assert any("not an HMICFRS judgment" in n for n in notes)


# --- web pages and downloads -----------------------------------------------------------------


def test_web_pages_charts_and_downloads_are_marked(lake: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from openpeel.database.engine import make_engine
    from openpeel.database.migrate import upgrade
    from openpeel.web import public_data
    from openpeel.web.app import create_app

    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    qs = f"force={FORCE}&from={START}&to={END}"
    with TestClient(create_app(engine=engine, data_dir=lake)) as client:
        charted = 0
        for path in ("/overview", "/areas/fairness", "/areas/responding", "/stop-search"):
            page = client.get(f"{path}?{qs}")
            assert page.status_code == 200, path
            assert 'id="data-synthetic-banner"' in page.text, path
            assert SYNTHETIC_MARK in page.text, path
            charts_on_page = page.text.count('role="img"')
            assert page.text.count('class="synthetic-mark"') == charts_on_page, path
            charted += charts_on_page
        assert charted >= 3
        download = client.get(f"/data/stop-search-rates.csv?{qs}")
        assert download.status_code == 200
        assert read_notes(download.text)[0].startswith(SYNTHETIC_MARK)
        explorer = client.get(f"/stop-search.csv?{qs}")
        assert read_notes(explorer.text)[0].startswith(SYNTHETIC_MARK)
    engine.dispose()


# --- one formatter ----------------------------------------------------------------------------


def test_one_percent_formatter_for_every_face() -> None:
    from openpeel.report.panels import share_text
    from openpeel.scrutiny import export
    from openpeel.web.rendering import pct

    for value, text in ((0.1234, "12.3%"), (1.0, "100.0%"), (None, ""), (float("nan"), "")):
        assert percent_text(value) == text
        assert share_text(value) == text and pct(value) == text
    assert percent_text(pd.NA) == ""
    assert number_text(12345.678) == "12,345.7" and number_text(12345.678, 0) == "12,346"
    assert "percent_text" in Path(export.__file__).read_text()


def test_real_searches_over_a_synthetic_population_are_marked(lake: Path) -> None:
    # The demo population's source label is synthetic: rates made with it are not real figures,
    # whatever the search data, and the population source says which table was used.
    from openpeel.indicators import stop_search as ss

    con = openpeel.connect(lake)
    pop = ss.population_frame(con)
    assert pop.attrs["is_synthetic"] and is_synthetic_label(pop.attrs["source"])
    result = ss.rates(con, PERIOD, FORCE)
    assert result.is_synthetic and is_synthetic_label(result.meta["population_source"])
    shared = ss.rates(con, PERIOD, FORCE, population=pop)  # as the suite passes it
    assert shared.is_synthetic and shared.meta["population_source"] == pop.attrs["source"]
