"""Every chart of the report exported on its own (``openpeel report --charts DIR``): a PNG and a
standalone HTML page per chart, linked from the report, synthetic-marked like the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from openpeel.cli import main
from tests.unit.report_lake import END, FORCE, START, shared_lake


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


def test_report_charts_are_written_and_linked(lake: Path, tmp_path: Path) -> None:
    out, charts = tmp_path / "report.html", tmp_path / "charts"
    args = ["--data-dir", str(lake), "report", "--force", FORCE, "--from", START, "--to", END]
    result = CliRunner().invoke(main, [*args, "--out", str(out), "--charts", str(charts)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    figures = html.count('<figure class="chart"')
    links = re.findall(r'href="(charts/[a-z0-9_-]+\.(?:png|html))"', html)
    assert figures > 0 and len(links) == 2 * figures
    for link in links:
        target = tmp_path / link
        assert target.is_file(), link
        if link.endswith(".png"):
            assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            page = target.read_text(encoding="utf-8")
            assert "SYNTHETIC" in page and "<table>" in page
            assert "<script src" not in page.replace(" ", "")
    assert f"Charts (PNG and HTML): {figures} in" in result.output


def test_a_report_without_charts_has_no_export_links(lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["--data-dir", str(lake), "report", "--force", FORCE, "--from", START, "--to", END]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert 'class="chart-exports"' not in out.read_text(encoding="utf-8")
