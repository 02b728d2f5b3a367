"""The command line: formats, exit codes and one-line errors (no tracebacks)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from openpeel.cli import main
from tests.conftest import write_police_csv

ROW = (
    "Person search,2020-01-01T10:00:00+00:00,,,52.4,-1.9,Male,18-24,White - Irish,White,"
    "Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,,"
)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_json_has_the_documented_keys(tmp_path: Path) -> None:
    write_police_csv(tmp_path / "src", "2020-01-essex-stop-and-search.csv", [ROW, ROW])
    code, out, _ = _run(
        "--data-dir", str(tmp_path / "d"), "ingest", str(tmp_path / "src"), "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    for key in ("files", "rows_read", "rows_loaded", "rows_rejected", "unknown_values"):
        assert key in data
    assert (data["files"], data["rows_read"], data["rows_loaded"]) == (1, 2, 2)


def test_status_in_every_format(tmp_path: Path) -> None:
    write_police_csv(tmp_path / "src", "2020-01-essex-stop-and-search.csv", [ROW])
    write_police_csv(
        tmp_path / "src", "2020-03-essex-stop-and-search.csv", [ROW.replace("01-01", "03-01")]
    )
    d = str(tmp_path / "d")
    assert _run("--data-dir", d, "ingest", str(tmp_path / "src"))[0] == 0
    code, out, _ = _run("--data-dir", d, "status", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "table_name,force_id,month,status,rows,rows_rejected,snapshot"
    assert "stop_searches,essex,2020-02,missing,,," in lines
    rows = json.loads(_run("--data-dir", d, "status", "--format", "json")[1])
    assert [r["status"] for r in rows] == ["loaded", "missing", "loaded"]
    code, out, _ = _run("--data-dir", d, "status")
    assert code == 0 and "essex" in out and "2020-02" in out


def test_bad_input_exits_1_with_one_line(tmp_path: Path) -> None:
    code, _, err = _run("--data-dir", str(tmp_path / "d"), "ingest", str(tmp_path / "missing"))
    assert code == 1
    assert "no such file or folder" in err and "Traceback" not in err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "2020-01-essex-street.csv").write_text("this,is,not\n1,2,3\n")
    code, _, err = _run("--data-dir", str(tmp_path / "d"), "ingest", str(bad))
    assert code == 1
    assert "wrong header" in err and "Traceback" not in err
    code, _, err = _run("--data-dir", str(tmp_path / "d"), "ingest", str(bad), "--from", "2020-13")
    assert code == 1 and "not a month" in err


def test_every_command_has_help() -> None:
    for args in (
        [],
        ["ingest"],
        ["status"],
        ["demo"],
        ["synth"],
        ["fetch"],
        ["population"],
        ["population", "load"],
    ):
        code, out, _ = _run(*args, "--help")
        assert code == 0 and "Usage" in out
