"""Faces catch only openpeel's own errors: a bug inside an indicator is a traceback (and a failing
test), never a grey "not available" panel or a one-line "user mistake"; and ``openpeel report``
honours --data-dir, rejects an unknown force in one line, and refuses a period with no data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import openpeel
from openpeel.calendar import Period
from openpeel.cli import main
from openpeel.errors import (
    DataUnavailableError,
    OpenpeelError,
    SourceFormatError,
    UnknownIdError,
    UserInputError,
)
from openpeel.indicators import stop_search as ss
from openpeel.reference.forces import force
from openpeel.report.panels import section_panels
from tests.unit.report_lake import END, FORCE, START, shared_lake

PERIOD = Period.from_months(START, END)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env)


def _typo(*args: Any, **kwargs: Any) -> Any:
    frame: dict[str, int] = {"searches": 1}
    return frame["serches"]  # the kind of bug the faces used to hide: a typo'd column


def test_the_hierarchy_keeps_the_old_bases() -> None:
    assert issubclass(UserInputError, ValueError)
    assert issubclass(DataUnavailableError, LookupError)
    assert issubclass(DataUnavailableError, ValueError)  # callers that caught ValueError
    assert issubclass(SourceFormatError, ValueError)
    assert issubclass(UnknownIdError, KeyError) and issubclass(UnknownIdError, UserInputError)
    with pytest.raises(UnknownIdError) as info:
        force("westyorkshire")
    assert str(info.value) == "unknown force 'westyorkshire': did you mean west-yorkshire?"


def test_library_errors_for_people_are_openpeel_errors(lake: Path) -> None:
    con = openpeel.connect(lake)
    with pytest.raises(DataUnavailableError, match="no stop-and-search data"):
        ss.rates(con, Period.from_months("2015-01", "2015-02"), FORCE)
    with pytest.raises(UserInputError, match="unknown force"):
        ss.rates(con, PERIOD, "gotham")
    with pytest.raises(UserInputError, match="not a financial year"):
        Period.parse(None, None, "2020")


def test_a_bug_in_an_indicator_is_not_a_grey_panel(
    lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = openpeel.connect(lake)
    monkeypatch.setattr(ss, "rates", _typo)
    with pytest.raises(KeyError, match="serches"):
        section_panels(con, "stop_search", FORCE, PERIOD)


def test_missing_data_is_still_a_panel_with_its_reason(
    lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise DataUnavailableError("no population for west-midlands in the table")

    monkeypatch.setattr(ss, "rates", unavailable)
    panels = section_panels(openpeel.connect(lake), "stop_search", FORCE, PERIOD)
    rates = next(p for p in panels if p.panel_id == "stop-search-rates")
    assert rates.unavailable == "no population for west-midlands in the table"


def test_cli_shows_a_bug_as_a_bug(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpeel.cli.stop_search as cli_ss

    def bug(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(cli_ss, "rates", bug)
    result = run(
        "--data-dir", str(lake), "stop-search", "rates", "--force", FORCE, "--from", START,
        "--to", END,
    )  # fmt: skip
    assert isinstance(result.exception, ValueError)  # not turned into "Error: ..." exit 1
    assert "Error: operands" not in result.stderr


def test_cli_user_mistakes_stay_one_line(lake: Path) -> None:
    for args, message in (
        (["stop-search", "rates", "--force", "gotham", "--fy", "2021/22"], "unknown force"),
        (["stop-search", "rates", "--force", FORCE, "--fy", "2020"], "not a financial year"),
        (["stop-search", "rates", "--force", FORCE, "--fy", "2014/15"], "no stop-and-search"),
    ):
        result = run("--data-dir", str(lake), *args)
        assert result.exit_code == 1, args
        assert message in result.stderr and "Traceback" not in result.stderr
        assert isinstance(result.exception, SystemExit)
        assert issubclass(OpenpeelError, Exception)


# --- openpeel report (issue item 14) ----------------------------------------------------------


def test_report_wrong_force_is_one_line_naming_the_nearest_id(lake: Path, tmp_path: Path) -> None:
    result = run(
        "--data-dir", str(lake), "report", "--force", "westyorkshire", "--from", START,
        "--to", END, "--out", str(tmp_path / "r.html"),
    )  # fmt: skip
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "unknown force 'westyorkshire': did you mean west-yorkshire?" in lines[0]
    assert not (tmp_path / "r.html").exists()


def test_report_out_naming_a_pdf_is_refused_before_anything_is_written(
    lake: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.pdf"
    result = run(
        "--data-dir", str(lake), "report", "--force", "west-yorkshire", "--from", START,
        "--to", END, "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "--pdf r.pdf" in result.stderr
    assert not out.exists()


def test_report_period_without_data_exits_1_with_the_reason(lake: Path, tmp_path: Path) -> None:
    # West Mercia has police.uk and published 999 data in the lake, none of it in 2015 (and,
    # unlike West Midlands, no offender extract, which is reported as at its own date).
    out = tmp_path / "empty.html"
    result = run(
        "--data-dir", str(lake), "report", "--force", "west-mercia", "--from", "2015-01",
        "--to", "2015-03", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "no data for west-mercia in 2015-01 to 2015-03" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_report_reads_recorded_grades_from_the_data_dir(
    lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for item in lake.iterdir():  # the shared lake, with this test's own operational database
        (data / item.name).symlink_to(item)
    monkeypatch.delenv("OPENPEEL_DATABASE_URL", raising=False)
    monkeypatch.setenv("OPENPEEL_DATA_DIR", str(tmp_path / "elsewhere"))
    assert run("--data-dir", str(data), "db", "upgrade").exit_code == 0
    graded = run("--data-dir", str(data), "grade", "wmp-2021-22")
    assert graded.exit_code == 0, graded.output
    assert (data / "openpeel.db").exists()
    out = tmp_path / "r.html"
    result = run(
        "--data-dir", str(data), "report", "--force", FORCE, "--from", START, "--to", END,
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<dt>Recorded (inspectorate)</dt>" in html


def test_synth_bad_options_are_one_line(tmp_path: Path) -> None:
    for args, message in (
        (["--from", "2022-05", "--to", "2022-01"], "before it starts"),
        (["--force", "gotham"], "unknown force 'gotham'"),
        (["--scale", "-1"], "must not be negative"),
    ):
        result = run("synth", str(tmp_path / "out"), *args)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), args
        assert message in result.stderr and "Traceback" not in result.stderr


def test_offender_time_to_first_with_no_registrations(lake: Path) -> None:
    # Found by letting bugs through: with nobody registered in the window, the time-to-first
    # table lacked its interval columns and the report panel failed with an AttributeError.
    from datetime import timedelta

    from openpeel.indicators import offenders

    con = openpeel.connect(lake)
    as_at = offenders.extract_as_at(con, FORCE)
    result = offenders.time_to_first(con, FORCE, as_at, registered_from=as_at + timedelta(1))
    assert set(result.table["offenders"]) == {0}
    assert {"share_within_56_days_low", "share_within_56_days_high"} <= set(result.table)
