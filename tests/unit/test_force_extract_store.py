"""Offender and vulnerability extracts on the lake's one commit path: an interrupted load
leaves the previous state, and a lake written the old way (generations with a CURRENT file,
their own rejects and load log) is brought to the one layout once, losing nothing; loads into
the migrated lake merge with what was migrated. Synthetic extracts only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import openpeel
from openpeel.sources.offenders import EXTRACT_FILES
from openpeel.sources.vulnerability_extract import TABLES
from openpeel.store import vulnerability as vstore
from openpeel.store.force_extract import read_stored, read_stored_rejects
from openpeel.store.lake import Lake
from openpeel.store.migrate import needs_migration
from openpeel.store.offenders import (
    LOAD_COLUMNS,
    REJECT_COLUMNS,
    load_offender_extract,
    stored_table,
)
from openpeel.synth.offenders import write_offender_extract
from openpeel.synth.vulnerability import write_vulnerability_extract

FORCE = "west-midlands"
GENERATION = "20250101T000000-0000abcd"


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("extracts")
    write_offender_extract(base / "offenders", FORCE, "2023-04", "2024-03", seed=3, offenders=60)
    # A row that names nobody in offenders.csv, so the old rejects have something to carry.
    visits = base / "offenders" / "home_visits.csv"
    lines = visits.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    lines.append(",".join(["hv-orphan", "rso-nobody", *fields[2:]]))
    visits.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_vulnerability_extract(base / "vulnerability", FORCE, months=3, scale=0.02, seed=4)
    cases = base / "vulnerability" / "cases.csv"
    cases.write_text(cases.read_text(encoding="utf-8") + "case-bad,v-1,crime,Y\n")
    return base / "offenders", base / "vulnerability"


def _write_old_offenders(new: Lake, old: Lake) -> None:
    """The offender layout before the one commit path, from a lake loaded the new way."""
    folder = old.root / "offenders" / f"force_id={FORCE}" / GENERATION
    folder.mkdir(parents=True)
    for spec in EXTRACT_FILES:
        data = read_stored(new, spec.table, FORCE)
        data = data.append_column("force_id", pa.array([FORCE] * data.num_rows, pa.string()))
        pq.write_table(data, folder / f"{spec.table}.parquet")
    rejects = read_stored_rejects(new, [s.table for s in EXTRACT_FILES], FORCE)
    pq.write_table(
        rejects.select(list(REJECT_COLUMNS)),
        folder / "rejects.parquet",
    )
    (folder.parent / "CURRENT").write_text(GENERATION)
    log = pq.read_table(new.log_paths("files")).to_pandas()
    log = log[log.table_name.isin([s.table for s in EXTRACT_FILES])]
    log = log.rename(columns={"logged_at": "loaded_at"}).assign(load_id=GENERATION)
    log = log[list(LOAD_COLUMNS)]
    (old.root / "offenders" / "load_log").mkdir()
    pq.write_table(
        pa.Table.from_pandas(log, preserve_index=False),
        old.root / "offenders" / "load_log" / f"{GENERATION}.parquet",
    )


def _write_old_vulnerability(new: Lake, old: Lake) -> None:
    """The vulnerability layout before the one commit path: every force in one file a table."""
    for short in TABLES:
        data = read_stored(new, f"vulnerability_{short}")
        if not data.num_rows:
            continue
        folder = old.root / "vulnerability" / short / GENERATION
        folder.mkdir(parents=True)
        pq.write_table(data, folder / "data.parquet")
        rejects = read_stored_rejects(new, [f"vulnerability_{short}"], None)
        rejects = rejects.set_column(
            0, "table_name", pa.array([short] * rejects.num_rows, pa.string())
        )
        pq.write_table(
            rejects.select(
                [
                    "table_name",
                    "source_file",
                    "source_row",
                    "reason",
                    "raw_row",
                    "force_id",
                    "snapshot",
                ]
            ),
            folder / "rejects.parquet",
        )
        (folder.parent / "CURRENT").write_text(GENERATION)
    area = new.root / "vulnerability" / "area"
    shutil.copytree(area, old.root / "vulnerability" / "area")


def test_an_old_lake_of_extracts_is_migrated_once(
    extracts: tuple[Path, Path], tmp_path: Path
) -> None:
    offenders, vulnerability = extracts
    source = tmp_path / "new"
    load_offender_extract(offenders, FORCE, source)
    vstore.load_folder(vulnerability, FORCE, source)
    tables = [*(s.table for s in EXTRACT_FILES), "rejects"]
    expected = {t: stored_table(t, FORCE, source).to_pandas() for t in tables}
    expected_v = {t: vstore.stored(t, source).to_pandas() for t in TABLES}
    expected_rejects = vstore.stored_rejects(source).drop(columns=["snapshot"])
    assert len(expected["rejects"]) == 1 and len(expected_rejects) == 1

    old = Lake(tmp_path / "old")
    _write_old_offenders(Lake(source), old)
    _write_old_vulnerability(Lake(source), old)
    assert needs_migration(old)

    con = openpeel.connect(old.data_dir)  # a reader migrates a lake nobody is writing to
    assert not needs_migration(old)
    left = {p.name for p in (old.root / "offenders").rglob("*")}
    assert "CURRENT" not in left and "load_log" not in left and GENERATION not in left
    assert sorted(p.name for p in (old.root / "vulnerability").iterdir()) == ["area"]
    for table in tables:
        pd.testing.assert_frame_equal(
            stored_table(table, FORCE, old.data_dir).to_pandas(), expected[table], obj=table
        )
    for short, frame in expected_v.items():
        pd.testing.assert_frame_equal(vstore.stored(short, old.data_dir).to_pandas(), frame)
    pd.testing.assert_frame_equal(
        vstore.stored_rejects(old.data_dir).drop(columns=["snapshot"]), expected_rejects
    )
    assert con.table("offenders").count().execute() == len(expected["offenders"])
    assert con.table("offender_rejects").count().execute() == 1
    loads = con.table("offender_loads").execute()
    assert set(loads.load_id) == {GENERATION} and loads.as_at.notna().all()
    assert con.table("vulnerability_cases").count().execute() == len(expected_v["cases"])
    assert con.table("vulnerability_area").count().execute() == 1

    # Loading again into the migrated lake replaces by key: nothing is duplicated.
    again = load_offender_extract(offenders, FORCE, old.data_dir)
    assert again.rows_replaced["offenders"] == len(expected["offenders"])
    for table in tables:
        after = stored_table(table, FORCE, old.data_dir).to_pandas()
        assert len(after) == len(expected[table]), table
    vstore.load_folder(vulnerability, FORCE, old.data_dir)
    for short, frame in expected_v.items():
        assert vstore.stored(short, old.data_dir).num_rows == len(frame), short
    assert len(vstore.stored_rejects(old.data_dir)) == 1
    cases = vstore.stored("cases", old.data_dir)
    assert pc.all(pc.equal(cases.column("force_id"), FORCE)).as_py()


def test_an_interrupted_load_leaves_the_previous_state(
    extracts: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offenders, vulnerability = extracts
    data = tmp_path / "data"
    load_offender_extract(offenders, FORCE, data)
    vstore.load_folder(vulnerability, FORCE, data)
    manifest = pq.read_table(Lake(data).manifest_path)
    before = {s.table: stored_table(s.table, FORCE, data).to_pandas() for s in EXTRACT_FILES}
    cases = vstore.stored("cases", data).to_pandas()

    def killed(self: Lake, partitions: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Lake, "write_manifest", killed)
    changed = tmp_path / "changed"
    shutil.copytree(offenders, changed)
    (changed / "offenders.csv").write_text(
        "\n".join((offenders / "offenders.csv").read_text().splitlines()[:5]) + "\n"
    )
    with pytest.raises(KeyboardInterrupt):
        load_offender_extract(changed, FORCE, data, snapshot="offenders-later")
    with pytest.raises(KeyboardInterrupt):
        vstore.load_file(vulnerability / "cases.csv", "cases", FORCE, data, snapshot="later")
    monkeypatch.undo()
    assert pq.read_table(Lake(data).manifest_path).equals(manifest)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(stored_table(table, FORCE, data).to_pandas(), frame)
    pd.testing.assert_frame_equal(vstore.stored("cases", data).to_pandas(), cases)
    # The next load tidies what the killed ones left and loads as usual.
    again = load_offender_extract(offenders, FORCE, data)
    assert again.rows_replaced["offenders"] == len(before["offenders"])
    listed = {p.data_path for p in Lake(data).partitions()}
    parts = {
        p.relative_to(Lake(data).root).as_posix()
        for p in (Lake(data).root / "offenders").rglob("part-*.parquet")
    }
    assert parts <= listed
