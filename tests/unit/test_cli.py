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
    assert code == 0 and "Essex Police" in out and "2020-02" in out  # names, not ids


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


def test_fetch_downloads_into_the_data_dir(tmp_path: Path, monkeypatch) -> None:
    import openpeel.sources.policeuk_api as api

    calls: list[tuple[str, Path]] = []

    def fake_download(month: str, dest: Path, progress=None) -> Path:
        calls.append((month, dest))
        if progress:
            progress(10, 10)
        out = dest / f"{month}.zip"
        out.write_bytes(b"zip")
        return out

    def fake_stops(force_id: str, month: str, out: Path) -> Path:
        raise api.FetchError(f"no stop and search for {force_id} in {month} on data.police.uk")

    monkeypatch.setattr(api, "download_archive", fake_download)
    monkeypatch.setattr(api, "fetch_stops", fake_stops)
    code, out, _ = _run("--data-dir", str(tmp_path), "fetch", "--month", "2024-04")
    assert code == 0 and "openpeel ingest" in out
    assert calls == [("2024-04", tmp_path / "downloads")]
    code, _, err = _run(
        "--data-dir", str(tmp_path), "fetch", "--api", "--force", "kent", "--month", "2024-04"
    )
    assert code == 1 and "no stop and search for kent" in err and "Traceback" not in err
    code, _, err = _run("--data-dir", str(tmp_path), "fetch", "--api", "--month", "2024-04")
    assert code == 2 and "--api needs --force" in err


def test_population_load_needs_real_files(tmp_path: Path) -> None:
    code, _, err = _run(
        "--data-dir", str(tmp_path), "population", "load", str(tmp_path / "a"), str(tmp_path / "b")
    )
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_every_command_module_is_mapped() -> None:
    import importlib

    from openpeel.cli import COMMAND_MODULES

    found: dict[str, str] = {}
    for module in set(COMMAND_MODULES.values()):
        for command in importlib.import_module(f"openpeel.cli.{module}").COMMANDS:
            found[command.name] = module
    assert found == COMMAND_MODULES


def test_the_public_api_names_resolve() -> None:
    import openpeel

    assert set(openpeel.__all__) - {"__version__"} == set(openpeel._EXPORTS)
    for name in openpeel._EXPORTS:
        assert callable(getattr(openpeel, name))
