"""The lake: Parquet files partitioned by table, force and month, and the manifest that says
which of them are current.

Layout under ``<data_dir>/lake``::

    stop_searches/force_id=west-midlands/month=2021-04-01/part-<ingest_id>.parquet
    crimes/..., outcomes/...                      (same layout)
    rejects/table=<table>/force_id=.../month=.../part-<ingest_id>.parquet
    reference/<name>.parquet                      (population and other small tables)
    ingest_log/<ingest_id>-files.parquet          (one row per file read)
    ingest_log/<ingest_id>-unknown.parquet        (raw values not in a vocabulary)
    _superseded/...                               (older snapshots, kept out of queries)
    _staging/<ingest_id>/                         (work in progress; removed on the next run)
    _manifest.parquet                             (one row per partition: current or superseded)

Every data file has a unique name and is never overwritten. An ingest writes new files, then
swaps the manifest in one atomic rename, then tidies the files the manifest no longer points
to. Killing the process at any moment leaves the previous manifest, and every file it names,
intact: queries read only the files the manifest lists.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from openpeel.errors import OpenpeelError

MANIFEST_SCHEMA = pa.schema(
    [
        ("table_name", pa.string()),
        ("force_id", pa.string()),
        ("month", pa.date32()),
        ("snapshot", pa.string()),
        ("vintage", pa.string()),
        ("status", pa.string()),  # current | superseded
        ("ingest_id", pa.string()),
        ("source_file", pa.string()),
        ("rows_read", pa.int64()),
        ("rows_loaded", pa.int64()),
        ("rows_rejected", pa.int64()),
        ("unknown_values", pa.int64()),
        ("data_path", pa.string()),
        ("rejects_path", pa.string()),
        ("loaded_at", pa.timestamp("us", tz="UTC")),
    ]
)


class LakeBusyError(OpenpeelError, RuntimeError):
    """Another ingest holds the lake's lock."""


@dataclass(frozen=True)
class Partition:
    """One force-month of one table, as the manifest records it."""

    table_name: str
    force_id: str
    month: date
    snapshot: str
    vintage: str
    status: str
    ingest_id: str
    source_file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    unknown_values: int
    data_path: str
    rejects_path: str | None
    loaded_at: datetime

    @property
    def key(self) -> tuple[str, str, date]:
        """(table, force, month): the unit that a load replaces."""
        return (self.table_name, self.force_id, self.month)


def new_ingest_id() -> str:
    """A sortable unique id for one ingest run: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def partition_dir(table: str, force_id: str, month: date) -> str:
    """Hive-style relative folder of a partition (Spark and DuckDB read it directly)."""
    return f"{table}/force_id={force_id}/month={month.isoformat()}"


def rejects_dir(table: str, force_id: str, month: date) -> str:
    """Relative folder of a partition's rejected rows."""
    return f"rejects/table={table}/force_id={force_id}/month={month.isoformat()}"


class Lake:
    """The Parquet lake in one data directory."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "lake"

    # -- paths ------------------------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        """The manifest file."""
        return self.root / "_manifest.parquet"

    def staging(self, ingest_id: str) -> Path:
        """A private work folder for one ingest run."""
        path = self.root / "_staging" / ingest_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def path(self, relative: str) -> Path:
        """Absolute path of a lake-relative path."""
        return self.root / relative

    # -- locking ----------------------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the lake's write lock (one writer at a time; readers never wait)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "_lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LakeBusyError(
                    f"another openpeel ingest is writing to {self.root}; try again when it ends"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- manifest ---------------------------------------------------------------------------

    def partitions(self) -> list[Partition]:
        """Every partition the manifest records, current and superseded."""
        if not self.manifest_path.exists():
            return []
        table = pq.read_table(self.manifest_path, schema=MANIFEST_SCHEMA)
        return [Partition(**row) for row in table.to_pylist()]

    def current(self, table: str | None = None) -> list[Partition]:
        """Current partitions, optionally of one table."""
        return [
            p
            for p in self.partitions()
            if p.status == "current" and (table is None or p.table_name == table)
        ]

    def write_manifest(self, partitions: list[Partition]) -> None:
        """Replace the manifest atomically (write a temporary file, fsync, rename)."""
        rows = sorted(partitions, key=lambda p: (p.table_name, p.force_id, p.month, p.vintage))
        table = pa.Table.from_pylist([p.__dict__ for p in rows], schema=MANIFEST_SCHEMA)
        atomic_write_parquet(table, self.manifest_path)

    # -- files ------------------------------------------------------------------------------

    def place(self, staged: Path, relative_dir: str, ingest_id: str) -> str:
        """Move a staged file into the lake under a unique name; returns its relative path."""
        # Unique per file, not per run: one run can load two snapshots of the same partition.
        relative = f"{relative_dir}/part-{ingest_id}-{uuid.uuid4().hex[:8]}.parquet"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        return relative

    def retire(self, relative: str, keep: bool) -> str | None:
        """Take a file out of the query tree: into ``_superseded`` when kept, else delete it."""
        source = self.root / relative
        if not keep:
            source.unlink(missing_ok=True)
            return None
        target_rel = relative if relative.startswith("_superseded/") else f"_superseded/{relative}"
        target = self.root / target_rel
        if source.exists() and source != target:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        return target_rel

    def tidy(self) -> int:
        """Remove what an interrupted ingest left: staging folders and unlisted part files.

        Returns the number of files removed. Call only while holding the lock.
        """
        listed = set()
        for p in self.partitions():
            listed.add(p.data_path)
            if p.rejects_path:
                listed.add(p.rejects_path)
        removed = 0
        shutil.rmtree(self.root / "_staging", ignore_errors=True)
        for top in ("stop_searches", "crimes", "outcomes", "rejects", "_superseded"):
            base = self.root / top
            if not base.exists():
                continue
            for file in base.rglob("*.parquet"):
                if file.relative_to(self.root).as_posix() not in listed:
                    file.unlink()
                    removed += 1
        return removed

    # -- small whole tables -----------------------------------------------------------------

    def write_reference(self, name: str, table: pa.Table) -> Path:
        """Replace a small reference table (population, ...) atomically."""
        path = self.root / "reference" / f"{name}.parquet"
        atomic_write_parquet(table, path)
        return path

    def reference_path(self, name: str) -> Path | None:
        """Path of a reference table when it has been loaded."""
        path = self.root / "reference" / f"{name}.parquet"
        return path if path.exists() else None

    def log_paths(self, kind: str) -> list[Path]:
        """Ingest log files of one kind (``files`` or ``unknown``), oldest first."""
        base = self.root / "ingest_log"
        return sorted(base.glob(f"*-{kind}.parquet")) if base.exists() else []

    def write_log(self, ingest_id: str, kind: str, table: pa.Table) -> Path:
        """Write one ingest log file atomically."""
        path = self.root / "ingest_log" / f"{ingest_id}-{kind}.parquet"
        atomic_write_parquet(table, path)
        return path


def atomic_write_parquet(table: pa.Table, path: Path) -> None:
    """Write a Parquet file so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    pq.write_table(table, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
