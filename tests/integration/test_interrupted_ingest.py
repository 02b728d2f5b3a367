"""Killing an ingest mid-way leaves the lake readable and consistent; the next run completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import openpeel
from openpeel.store.lake import Lake
from tests.conftest import write_police_csv

FORCES = ("essex", "kent", "surrey", "sussex", "dorset", "durham")
MONTHS = [f"2020-{m:02d}" for m in range(1, 11)]
ROWS_PER_FILE = 1500


def _row(month: str, i: int) -> str:
    return (
        f"Person search,{month}-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00,,,52.4,-1.9,Male,18-24,"
        "White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,,"
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    for force in FORCES:
        for month in MONTHS:
            write_police_csv(
                root,
                f"{month}-{force}-stop-and-search.csv",
                [_row(month, i) for i in range(ROWS_PER_FILE)],
            )
    return root


def _start(archive: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OPENPEEL_INGEST_BATCH_FILES": "4"}
    code = "import sys, openpeel; openpeel.ingest([sys.argv[1]], sys.argv[2])"
    return subprocess.Popen([sys.executable, "-c", code, str(archive), str(data_dir)], env=env)


def _check_consistent(data_dir: Path) -> int:
    lake = Lake(data_dir)
    current = lake.current("stop_searches")
    con = openpeel.connect(data_dir)
    ss = con.table("stop_searches")
    counted = ss.count().execute()
    assert counted == sum(p.rows_loaded for p in current)
    dupes = ss.group_by(["force_id", "month", "source_row"]).agg(n=ss.count())
    assert dupes.filter(dupes.n > 1).count().execute() == 0
    return int(counted)


@pytest.mark.parametrize("commits_before_kill", [1, 4])
def test_sigkill_mid_ingest(archive: Path, tmp_path: Path, commits_before_kill: int) -> None:
    data_dir = tmp_path / "data"
    # A first complete load, so the kill interrupts a reload over existing data.
    openpeel.ingest(
        [archive],
        data_dir,
        start=openpeel.lake_months.__globals__["date"](2020, 1, 1),
        end=openpeel.lake_months.__globals__["date"](2020, 3, 1),
    )
    before = _check_consistent(data_dir)
    assert before == len(FORCES) * 3 * ROWS_PER_FILE

    manifest = Lake(data_dir).manifest_path
    proc = _start(archive, data_dir)
    seen, last = 0, manifest.stat().st_mtime_ns
    deadline = time.monotonic() + 120
    while seen < commits_before_kill and time.monotonic() < deadline and proc.poll() is None:
        mtime = manifest.stat().st_mtime_ns
        if mtime != last:
            seen, last = seen + 1, mtime
        time.sleep(0.005)
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    during = _check_consistent(data_dir)
    assert before <= during < len(FORCES) * len(MONTHS) * ROWS_PER_FILE

    report = openpeel.ingest([archive], data_dir)
    assert report.refused == []
    after = _check_consistent(data_dir)
    assert after == len(FORCES) * len(MONTHS) * ROWS_PER_FILE
    # Nothing the interrupted run wrote is left behind.
    lake = Lake(data_dir)
    listed = {p.data_path for p in lake.partitions()} | {
        p.rejects_path for p in lake.partitions() if p.rejects_path
    }
    on_disk = {
        f.relative_to(lake.root).as_posix()
        for f in (lake.root / "stop_searches").rglob("*.parquet")
    }
    assert on_disk <= listed
    assert not (lake.root / "_staging").exists() or not any((lake.root / "_staging").iterdir())
