"""``openpeel official load``: lake writes, replacement by a later edition, no duplicates,
interrupted loads, and the printed counts."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.store import official as store
from openpeel.store.official import load_official, manifest, official_figures, official_status
from tests.unit.official_fixtures import ons_workbook, use_of_force_workbook

TOTAL = "Total recorded crime (excluding fraud)"


def _west_midlands(data_dir: Path) -> list[float]:
    figures = official_figures(data_dir, "ons-recorded-crime")
    mask = pc.and_(
        pc.equal(figures["force_id"], "west-midlands"),
        pc.and_(pc.equal(figures["measure"], TOTAL), pc.equal(figures["table_id"], "P1")),
    )
    return figures.filter(mask)["value"].to_pylist()


def test_load_reload_and_later_edition(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = ons_workbook(tmp_path / "pfatablesdec19.xlsx")
    report = load_official([first], data_dir)
    (result,) = report.files
    assert result.status == "loaded" and result.periods == ["December 2019"]
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    assert _west_midlands(data_dir) == [259638]

    again = load_official([first], data_dir)
    assert again.files[0].status == "unchanged"
    assert _west_midlands(data_dir) == [259638]
    assert len([e for e in manifest(data_dir) if e["status"] == "current"]) == 1

    revised = ons_workbook(tmp_path / "pfatablesdec19-revised.xlsx", west_midlands=259700.0)
    later = load_official([revised], data_dir)
    assert later.files[0].replaced == ["December 2019 (pfatablesdec19.xlsx)"]
    assert _west_midlands(data_dir) == [259700]
    entries = manifest(data_dir)
    old = next(e for e in entries if e["status"] == "superseded")
    assert str(old["data_path"]).startswith("_superseded/")
    assert (data_dir / "lake" / str(old["data_path"])).exists()
    (status,) = official_status(data_dir)
    assert status["source_file"] == "pfatablesdec19-revised.xlsx"
    rejects = (data_dir / "lake" / "official_rejects").rglob("*.parquet")
    assert any(rejects)


def test_interrupted_load_leaves_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    load_official([ons_workbook(tmp_path / "a.xlsx")], data_dir)
    before = manifest(data_dir)

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "atomic_write_parquet", killed)
    revised = ons_workbook(tmp_path / "b.xlsx", west_midlands=1.0)
    with pytest.raises(KeyboardInterrupt):
        load_official([revised], data_dir)
    monkeypatch.undo()
    assert manifest(data_dir) == before
    assert _west_midlands(data_dir) == [259638]
    # The next load tidies the files the interrupted one left and loads normally.
    load_official(
        [use_of_force_workbook(tmp_path / "police-use-of-force-apr2019-mar2020.xlsx")], data_dir
    )
    listed = {str(e[k]) for e in manifest(data_dir) for k in ("data_path", "rejects_path")}
    on_disk = {
        p.relative_to(data_dir / "lake").as_posix()
        for top in ("official", "official_rejects", "_superseded")
        for p in (data_dir / "lake" / top).rglob("part-*.parquet")
    }
    assert on_disk == listed


def test_cli_load_prints_counts_and_status(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    path = ons_workbook(tmp_path / "pfatablesdec19.xlsx")
    runner = CliRunner()
    result = runner.invoke(
        main, ["--data-dir", str(data_dir), "official", "load", str(path), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "file,publication,period,status,read,loaded,rejected,figures"
    assert lines[1].startswith("pfatablesdec19.xlsx,ons-recorded-crime,December 2019,loaded,")
    read, loaded, rejected = (int(x) for x in lines[1].split(",")[4:7])
    assert read == loaded + rejected and rejected == 1
    status = runner.invoke(main, ["--data-dir", str(data_dir), "status"])
    assert status.exit_code == 0 and "ons-recorded-crime" in status.stdout

    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a spreadsheet")
    failed = runner.invoke(main, ["--data-dir", str(data_dir), "official", "load", str(bad)])
    assert failed.exit_code == 1
    assert "notes.xlsx" in failed.output and "Traceback" not in failed.output
