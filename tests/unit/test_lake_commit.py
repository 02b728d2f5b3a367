"""The lake's one commit path, rejects table and load log, and the migration of older lakes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import openpeel
from openpeel.sources.policeuk_tables import Column
from openpeel.store import calls as store
from openpeel.store import tables
from openpeel.store.commit import StagedPart, commit
from openpeel.store.lake import Lake, rejects_table
from openpeel.store.migrate import needs_migration
from openpeel.store.tables import LakeTable
from tests.conftest import write_police_csv
from tests.unit.test_calls_import import INCIDENTS, LOG, write

EDITION = LakeTable(
    "test_editions",
    (Column("vintage", "VARCHAR", "edition"), Column("value", "BIGINT", "a number")),
    ("vintage",),
)


@pytest.fixture
def editions(monkeypatch: pytest.MonkeyPatch) -> LakeTable:
    monkeypatch.setitem(tables.LAKE_TABLES, EDITION.name, EDITION)
    return EDITION


def _stage(lake: Lake, load_id: str, vintage: str, values: list[int]) -> StagedPart:
    path = lake.staging(load_id) / f"{vintage}.parquet"
    pq.write_table(pa.table({"value": pa.array(values, pa.int64())}), path)
    bad = rejects_table([{"source_file": "x.csv", "source_row": 9, "reason": "unreadable"}])
    return StagedPart(EDITION.name, path, bad, vintage, vintage, "x.csv", 3, 2, 1)


def test_a_table_partitioned_by_edition_keeps_each_edition(
    data_dir: Path, editions: LakeTable
) -> None:
    lake = Lake(data_dir)
    with lake.lock():
        commit(
            lake,
            "20260101T000000-aaaaaaaa",
            [_stage(lake, "20260101T000000-aaaaaaaa", "2024", [1, 2])],
        )
        commit(
            lake,
            "20260101T000001-bbbbbbbb",
            [_stage(lake, "20260101T000001-bbbbbbbb", "2025", [3, 4])],
        )
        # The same edition again replaces it; the other edition stays current.
        commit(
            lake,
            "20260101T000002-cccccccc",
            [_stage(lake, "20260101T000002-cccccccc", "2024", [5, 6])],
        )
    current = sorted((p.partition, p.ingest_id) for p in lake.current(EDITION.name))
    assert current == [
        ("vintage=2024", "20260101T000002-cccccccc"),
        ("vintage=2025", "20260101T000001-bbbbbbbb"),
    ]
    assert len(lake.partitions()) == 2  # the replaced load of 2024 is gone, not superseded
    files = list((lake.root / EDITION.name).rglob("*.parquet"))
    assert len(files) == 2
    rejects = pq.read_table(lake.path(lake.current(EDITION.name)[0].rejects_path))
    assert rejects.column("load_id").to_pylist() == ["20260101T000002-cccccccc"]


def test_an_interrupted_commit_leaves_the_previous_state(
    data_dir: Path, editions: LakeTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = Lake(data_dir)
    with lake.lock():
        commit(
            lake,
            "20260101T000000-aaaaaaaa",
            [_stage(lake, "20260101T000000-aaaaaaaa", "2024", [1])],
        )
    before = lake.partitions()

    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Lake, "write_manifest", crash)
    with lake.lock(), pytest.raises(KeyboardInterrupt):
        commit(
            lake,
            "20260101T000001-bbbbbbbb",
            [_stage(lake, "20260101T000001-bbbbbbbb", "2024", [7])],
        )
    monkeypatch.undo()
    assert lake.partitions() == before
    assert pq.read_table(lake.path(before[0].data_path)).column("value").to_pylist() == [1]
    with lake.lock():
        assert lake.tidy([EDITION.name]) == 2  # the data and rejects files the crash left
    assert len(list((lake.root / EDITION.name).rglob("*.parquet"))) == 1


def test_every_table_shares_the_rejects_table_and_the_load_log(
    tmp_path: Path, data_dir: Path
) -> None:
    write_police_csv(
        tmp_path / "a",
        "2021-04-kent-stop-and-search.csv",
        ["Person search,not a date,,,52.4,-1.9,Male,18-24,,White,,Arrest,,"],
    )
    openpeel.ingest([tmp_path / "a"], data_dir)
    store.load_incidents(write(tmp_path, "inc.csv", INCIDENTS), "kent", data_dir)
    con = openpeel.connect(data_dir)
    rejects = con.table("rejects").execute()
    assert sorted(rejects.table_name.unique()) == ["incidents", "stop_searches"]
    assert rejects.load_id.notna().all() and rejects.source_row.notna().all()
    log = con.table("load_log").execute()
    assert sorted(log.table_name) == ["incidents", "stop_searches"]
    assert set(rejects.load_id) == set(log.load_id)
    # The older views read the same rows.
    assert con.table("calls_rejects").count().execute() == 2
    assert con.table("ingest_log").count().execute() == 1
    assert con.table("calls_load_log").execute().rows_rejected.tolist() == [2]
    assert con.table("lake_partitions").execute().table_name.tolist() == ["stop_searches"]


def _write_legacy_layout(lake: Lake, source: Path) -> None:
    """Rewrite a lake holding call tables in the layout openpeel used before the one commit
    path: generations with a CURRENT file, their own load log, the police.uk log in
    ingest_log/, a manifest without the partition column."""
    new = Lake(source)
    for table in ("call_log", "incidents"):
        generation = "20250101T000000-0000000" + str(len(table) % 10)
        folder = lake.root / "calls" / table / generation
        folder.mkdir(parents=True)
        (p,) = new.current(table)
        shutil.copyfile(new.path(p.data_path), folder / "data.parquet")
        rejects = store.stored("calls_rejects", source)
        rejects = rejects[rejects.table_name == table]
        pq.write_table(
            pa.Table.from_pandas(rejects, preserve_index=False), folder / "rejects.parquet"
        )
        (lake.root / "calls" / table / "CURRENT").write_text(generation)
        log = pa.Table.from_pylist(
            [
                {
                    "load_id": generation,
                    "loaded_at": pd.Timestamp("2025-01-01", tz="UTC"),
                    "table_name": table,
                    "source_file": p.source_file,
                    "forces": "kent",
                    "snapshot": p.snapshot,
                    "rows_read": p.rows_read,
                    "rows_loaded": p.rows_loaded,
                    "rows_rejected": p.rows_rejected,
                    "rows_replaced": 0,
                    "unknown_values": p.unknown_values,
                }
            ],
            schema=store.LOAD_LOG_SCHEMA,
        )
        (lake.root / "calls" / "load_log").mkdir(parents=True, exist_ok=True)
        pq.write_table(log, lake.root / "calls" / "load_log" / f"{generation}.parquet")
    police = [p for p in new.partitions() if p.table_name == "stop_searches"]
    for p in police:
        for rel in (p.data_path, p.rejects_path):
            if rel:
                lake.path(rel).parent.mkdir(parents=True, exist_ok=True)
                old = pq.read_table(new.path(rel))
                if "load_id" in old.schema.names:  # older rejects files had no load id
                    old = old.drop_columns(["load_id"])
                pq.write_table(old, lake.path(rel))
    manifest = pq.read_table(new.manifest_path).filter(
        pa.compute.equal(pq.read_table(new.manifest_path).column("table_name"), "stop_searches")
    )
    pq.write_table(manifest.drop_columns(["partition"]), lake.manifest_path)
    (lake.root / "ingest_log").mkdir()
    # Every load log of the new lake (their order by name is not the order of the loads).
    files = pd.concat([pq.read_table(p).to_pandas() for p in new.log_paths("files")])
    files = files[files.table_name == "stop_searches"].rename(columns={"load_id": "ingest_id"})
    files = files.drop(columns=["table_name", "forces", "rows_replaced"])
    pq.write_table(
        pa.Table.from_pandas(files, preserve_index=False),
        lake.root / "ingest_log" / "20250101T000000-00000000-files.parquet",
    )


def test_a_lake_in_the_older_layout_is_migrated_once(tmp_path: Path) -> None:
    source = tmp_path / "new"
    write_police_csv(
        tmp_path / "a",
        "2021-04-kent-stop-and-search.csv",
        ["Person search,not a date,,,52.4,-1.9,Male,18-24,,White,,Arrest,,"],
    )
    openpeel.ingest([tmp_path / "a"], source)
    log_file = write(tmp_path, "log.csv", LOG)
    store.load_call_log(log_file, "kent", source)
    store.load_incidents(write(tmp_path, "inc.csv", INCIDENTS), "kent", source)
    expected = {t: store.stored(t, source) for t in ("call_log", "incidents", "calls_rejects")}
    old = tmp_path / "old"
    lake = Lake(old)
    _write_legacy_layout(lake, source)
    assert needs_migration(lake)

    con = openpeel.connect(old)  # a reader migrates a lake nobody is writing to
    assert not needs_migration(lake) and not (lake.root / "calls").exists()
    for table in ("call_log", "incidents"):
        pd.testing.assert_frame_equal(store.stored(table, old), expected[table])
        assert con.table(table).count().execute() == len(expected[table])
    assert len(store.stored("calls_rejects", old)) == len(expected["calls_rejects"])
    assert con.table("calls_rejects").count().execute() == len(expected["calls_rejects"])
    assert sorted(con.table("calls_load_log").execute().table_name) == ["call_log", "incidents"]
    police = con.table("rejects").execute()
    police = police[police.table_name == "stop_searches"]
    assert len(police) == 1 and police.load_id.iloc[0] == lake.current("stop_searches")[0].ingest_id
    assert con.table("ingest_log").count().execute() == 1

    # Loading into the migrated lake merges with what was migrated, as before.
    again = store.load_call_log(log_file, "kent", old)
    assert again.rows_replaced == len(expected["call_log"])
    assert len(store.stored("call_log", old)) == len(expected["call_log"])
    report = openpeel.ingest([tmp_path / "a"], old)
    assert report.totals()["rows_rejected"] == 1
    assert openpeel.connect(old).table("rejects").count().execute() == 1 + len(
        expected["calls_rejects"]
    )


def test_a_load_log_written_before_a_column_was_added_still_reads(
    tmp_path: Path, data_dir: Path
) -> None:
    """A lake whose load log files predate a column (``as_at``, added for the force extracts)
    opens, and every view over the load log reads the column as empty."""
    write_police_csv(
        tmp_path / "a",
        "2021-04-kent-stop-and-search.csv",
        ["Person search,2021-04-03T10:00:00+00:00,,,52.4,-1.9,Male,18-24,,White,,Arrest,,"],
    )
    openpeel.ingest([tmp_path / "a"], data_dir)
    for path in Lake(data_dir).log_paths("files"):
        older = pq.read_table(path)
        pq.write_table(older.drop_columns(["as_at"]), path)
    con = openpeel.connect(data_dir)
    log = con.table("load_log").execute()
    assert len(log) == 1 and log.as_at.isna().all()
    assert con.table("ingest_log").count().execute() == 1
    assert con.table("offender_loads").count().execute() == 0
