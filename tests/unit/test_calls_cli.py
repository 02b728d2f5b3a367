"""The calls and charter commands: formats, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.exports import strip_notes


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("calls-cli")
    data, files = root / "data", root / "files"
    code, out, err = run("--data-dir", str(data), "calls", "synth", str(files),
                         "--from", "2022-05", "--to", "2022-06", "--scale", "0.02")  # fmt: skip
    assert code == 0, err
    assert "SYNTHETIC" in out
    d = ("--data-dir", str(data))
    assert run(*d, "calls", "import-999", str(files / "calls-999-monthly.csv"))[0] == 0
    log = str(files / "call-log-west-midlands.csv")
    assert run(*d, "calls", "import-log", log, "--force", "west-midlands")[0] == 0
    inc = str(files / "incidents-west-midlands.csv")
    assert run(*d, "calls", "import-incidents", inc, "--force", "west-midlands")[0] == 0
    return data, files


def test_staffing_json_has_the_documented_keys() -> None:
    code, out, _ = run("calls", "staffing", "--calls-per-hour", "4500", "--aht", "120",
                       "--format", "json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    for key in ("agents", "service_level", "occupancy", "asa_seconds", "definition", "caveats"):
        assert key in data
    assert "abandonment" not in data
    assert data["agents"] == 162 and data["service_level"] >= 0.9
    assert data["rostered_staff"] == 232  # ceil(162 / 0.7)


def test_staffing_with_patience_reports_abandonment() -> None:
    code, out, _ = run("calls", "staffing", "--calls-per-hour", "4500", "--aht", "120",
                       "--within", "600", "--patience", "1800", "--target", "0.99",
                       "--format", "json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["model"] == "erlang_a"
    assert 0 <= data["abandonment"] < 0.01 and data["service_level"] >= 0.99


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--calls-per-hour", "abc", "--aht", "120"], "not a number"),
        (["--calls-per-hour", "100", "--aht", "0"], "--aht"),
        (["--calls-per-hour", "100"], "needs --aht"),
        ([], "give either"),
        (["--calls-per-hour", "100", "--aht", "100", "--target", "1.5"], "--target"),
        (["--calls-per-hour", "100", "--aht", "100", "--shrinkage", "1"], "--shrinkage"),
        (["--from-log", "missing.csv"], "no such file"),
    ],
)
def test_staffing_bad_input_is_one_line_exit_1(args: list[str], message: str) -> None:
    code, out, err = run("calls", "staffing", *args)
    assert code == 1
    assert "Traceback" not in err + out
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_staffing_from_a_log_with_a_roster(demo: tuple[Path, Path]) -> None:
    _, files = demo
    code, out, err = run("calls", "staffing", "--from-log",
                         str(files / "call-log-west-midlands.csv"), "--roster",
                         str(files / "roster-west-midlands-999.csv"), "--patience", "420",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["synthetic_data"] is True
    rows = data["rows"]
    assert len(rows) == 168
    for key in ("agents_needed", "rostered_needed", "rostered_staff", "gap", "abandonment"):
        assert key in rows[0]
    assert all(r["gap"] == r["rostered_staff"] - r["rostered_needed"] for r in rows)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_performance_and_charter_in_every_format(demo: tuple[Path, Path], fmt: str) -> None:
    data, _ = demo
    d = ("--data-dir", str(data))
    for args in (
        ["calls", "performance", "--force", "west-midlands", "--from", "2022-05", "--to",
         "2022-06"],
        ["calls", "performance"],
        ["calls", "performance", "--source", "log", "--force", "west-midlands", "--by", "hour"],
        ["charter", "--force", "west-midlands"],
    ):  # fmt: skip
        code, out, err = run(*d, *args, "--format", fmt)
        assert code == 0, (args, err)
        if fmt == "json":
            assert json.loads(out)["synthetic_data"] is True
        elif fmt == "csv":
            assert strip_notes(out).splitlines()[0].startswith("synthetic_data,")
        else:
            assert "SYNTHETIC DATA" in err


def test_performance_rows(demo: tuple[Path, Path]) -> None:
    data, _ = demo
    _, out, _ = run("--data-dir", str(data), "calls", "performance", "--force",
                       "west-midlands", "--format", "json")  # fmt: skip
    rows = json.loads(out)["rows"]
    assert [r["month"] for r in rows] == ["2022-05-01", "2022-06-01"]
    assert all(r["standard_share"] == 0.9 for r in rows)


def test_import_999_with_a_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Name,When,Volume,Fast\nKent,2022-01,100,91\n", encoding="utf-8")
    d = ("--data-dir", str(tmp_path / "d"))
    code, _, err = run(*d, "calls", "import-999", str(path))
    assert code == 1 and "--columns" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(*d, "calls", "import-999", str(path), "--columns", "force=Name",
                         "--columns", "month=When", "--columns", "calls=Volume",
                         "--columns", "answered_under_10s=Fast", "--format", "json")  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert (report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == (1, 1, 0)


def test_a_file_with_no_loadable_row_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("force,month,calls,answered_under_10s\nAtlantis,2022-01,1,1\n", "utf-8")
    code, _, err = run("--data-dir", str(tmp_path / "d"), "calls", "import-999", str(path))
    assert code == 1 and "unknown force: Atlantis" in err


def test_nothing_loaded_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("--data-dir", str(tmp_path), "calls", "performance")
    assert code == 1 and "nothing is loaded" in err
    code, _, err = run("--data-dir", str(tmp_path), "charter", "--force", "atlantis")
    assert code == 1 and "unknown force 'atlantis'" in err
    code, _, err = run("--data-dir", str(tmp_path), "charter", "--force", "kent", "--from",
                       "2022-13", "--to", "2023-01")  # fmt: skip
    assert code == 1 and "not a month" in err
