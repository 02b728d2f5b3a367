"""``openpeel official load``: lake writes, replacement by a later edition, no duplicates,
interrupted loads, and the printed counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import openpeel
from openpeel.cli import main
from openpeel.store.lake import Lake
from openpeel.store.migrate import needs_migration
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
    rejects = (data_dir / "lake" / "rejects" / "table=official").rglob("*.parquet")
    assert any(rejects)


def test_interrupted_load_leaves_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    load_official([ons_workbook(tmp_path / "a.xlsx")], data_dir)
    before = manifest(data_dir)

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Lake, "write_manifest", killed)
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
    listed = {str(e[k]) for e in manifest(data_dir) for k in ("data_path", "rejects_path") if e[k]}
    on_disk = {
        p.relative_to(data_dir / "lake").as_posix()
        for top in ("official", "rejects/table=official", "_superseded")
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


def test_a_lake_with_the_official_manifest_of_old_is_migrated_once(tmp_path: Path) -> None:
    """Official statistics used to keep their own manifest (official/_manifest.parquet) and
    rejects (official_rejects/); the first reader or writer moves them into the one manifest
    and the one rejects table, and a file loaded before is still recognised."""
    source = tmp_path / "new"
    first = ons_workbook(tmp_path / "pfatablesdec19.xlsx")
    revised = ons_workbook(tmp_path / "pfatablesdec19-revised.xlsx", west_midlands=259700.0)
    load_official([first], source)
    load_official([revised], source)
    expected = manifest(source)
    figures = official_figures(source).sort_by(
        [("source_sheet", "ascending"), ("source_row", "ascending")]
    )

    old = Lake(tmp_path / "old")
    new = Lake(source)
    rows = []
    for e in expected:
        target = old.path(str(e["data_path"]))  # data files stay where they were
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(new.path(str(e["data_path"])), target)
        rejects_path = None
        if e["rejects_path"]:
            stored = pq.read_table(new.path(str(e["rejects_path"]))).to_pylist()
            superseded = "_superseded/" if e["status"] == "superseded" else ""
            slug = str(e["data_path"]).removeprefix("_superseded/").split("/")[2]
            rejects_path = (
                f"{superseded}official_rejects/publication={e['publication']}/{slug}/"
                f"part-{e['ingest_id']}-0000abcd.parquet"
            )
            old_rejects = [
                {
                    "publication": e["publication"],
                    "source_file": r["source_file"],
                    "source_sheet": "Table P1",
                    "source_row": r["source_row"],
                    "source_column": "B",
                    "reason": r["reason"],
                    "raw": r["raw_row"],
                }
                for r in stored
            ]
            old.path(rejects_path).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(old_rejects), old.path(rejects_path))
        rows.append({**e, "rejects_path": rejects_path})
    pq.write_table(pa.Table.from_pylist(rows), old.path("official/_manifest.parquet"))
    assert needs_migration(old)

    con = openpeel.connect(old.data_dir)  # a reader migrates a lake nobody is writing to
    assert not needs_migration(old) and not old.path("official_rejects").exists()
    keys = ("publication", "period", "source_file", "file_sha256", "status", "figures", "data_path")
    assert [{k: e[k] for k in keys} for e in manifest(old.data_dir)] == [
        {k: e[k] for k in keys} for e in expected
    ]
    assert (
        official_figures(old.data_dir)
        .sort_by([("source_sheet", "ascending"), ("source_row", "ascending")])
        .equals(figures)
    )
    assert con.table("official_figures").count().execute() == figures.num_rows
    rejects = con.table("rejects").execute()
    assert len(rejects[rejects.table_name == "official"]) == 1
    assert load_official([revised], old.data_dir).files[0].status == "unchanged"
    assert _west_midlands(old.data_dir) == [259700]
