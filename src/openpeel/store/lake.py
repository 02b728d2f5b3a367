"""The lake: Parquet files listed in one manifest that says which of them are current.

Layout under ``<data_dir>/lake``::

    <table>/<partition>/part-<load_id>-<id>.parquet     data (``store/tables.py`` names the
                                                        partitions: force_id=.../month=... for
                                                        police.uk, none for keyed tables)
    rejects/table=<table>/<partition>/part-....parquet  rejected rows, one schema for all tables
    reference/<name>.parquet                            population and other small tables
    load_log/<load_id>-<n>-files.parquet                one row per file a load read or refused
    load_log/<load_id>-<n>-unknown.parquet              raw values not in a vocabulary
    _superseded/...                                     older snapshots, kept out of queries
    _staging/<load_id>/                                 work in progress; removed on the next load
    _manifest.parquet                                   one row per partition: current or superseded

Every data file has a unique name and is never overwritten. A load stages its files, then
``store.commit.commit`` moves them in and swaps the manifest in one atomic rename, then tidies the
files the manifest no longer points to. Killing the process at any moment leaves the previous
manifest, and every file it names, intact: queries read only the files the manifest lists.
Lakes written before this layout are brought to it once by ``store.migrate``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from openpeel.errors import OpenpeelError
from openpeel.reference.lake_columns import Column, arrow_schema, arrow_types
from openpeel.sources.policeuk_tables import table_columns
from openpeel.sql import sql_list, sql_text

#: The manifest: one row per partition, current or superseded.
MANIFEST_SCHEMA = arrow_schema("manifest")

#: Arrow types of the lake's column types.
ARROW_TYPES = arrow_types()


def sql_type(arrow: pa.DataType) -> str:
    """The lake's SQL type of an Arrow type (a timestamp of any unit is ``TIMESTAMP``, or
    ``TIMESTAMPTZ`` with a time zone)."""
    if pa.types.is_timestamp(arrow):
        return "TIMESTAMPTZ" if arrow.tz else "TIMESTAMP"
    return next(name for name, t in ARROW_TYPES.items() if t == arrow)


#: The one rejects table: every row of every table that could not be loaded, with its file,
#: record number, reason and load.
REJECT_COLUMNS = table_columns("rejects")
REJECT_SCHEMA = arrow_schema(REJECT_COLUMNS)

#: The one load log: one row per file a load read or refused.
LOAD_LOG_SCHEMA = arrow_schema("load_log")

#: Raw values no vocabulary knows, per load and file.
UNKNOWN_LOG_SCHEMA = arrow_schema("unknown_values")


def cast_sql(columns: Iterable[Column]) -> str:
    """SQL select items: each column cast to its declared type, under its own name."""
    return ", ".join(f"CAST({c.name} AS {c.type}) AS {c.name}" for c in columns)


def table_rows_sql(select: str, columns: Iterable[str], tables: Iterable[str]) -> str:
    """SQL: one family's rows of the one rejects table or the one load log (``select``), some
    of its columns (``loaded_at`` is the log's ``logged_at``)."""
    cols = ", ".join("logged_at AS loaded_at" if c == "loaded_at" else c for c in columns)
    listed = "(" + ", ".join(sql_text(t) for t in tables) + ")"
    return f"SELECT {cols} FROM ({select}) WHERE table_name IN {listed}"


def parquet_sql(paths: Iterable[Path | str], *options: str) -> str:
    """SQL: ``read_parquet`` over some files, their columns matched by name."""
    listing = sql_list(str(p) for p in paths)
    return f"read_parquet({', '.join((listing, 'union_by_name = true', *options))})"


@dataclass(frozen=True)
class LoggedFile:
    """One load-log row: what a load did with one file.

    ``status`` is ``loaded``, ``superseded`` (a newer snapshot of its partition is current) or
    ``refused`` (not read; ``reason`` says why). ``forces`` lists the forces the file held,
    space-separated; ``force_id`` is set when it held one. ``as_at`` is the date a
    force-internal extract describes, when it says.
    """

    table_name: str | None
    kind: str | None
    source_file: str
    force_id: str | None
    forces: str | None
    month: date | None
    snapshot: str | None
    status: str
    reason: str | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_replaced: int
    unknown_values: int
    as_at: date | None = None


@dataclass(frozen=True)
class LoggedUnknown:
    """A raw value no vocabulary knows, loaded as ``unknown``."""

    table_name: str
    source_file: str
    field: str
    raw_value: str
    rows: int


def rejects_table(rows: Sequence[Mapping[str, object]]) -> pa.Table:
    """Rejected rows in the one rejects schema (missing columns are NULL)."""
    return pa.Table.from_pylist(
        [{n: r.get(n) for n in REJECT_SCHEMA.names} for r in rows], schema=REJECT_SCHEMA
    )


def published_rejects(
    rows: Sequence[Mapping[str, object]], table: str, snapshot: str | None
) -> pa.Table:
    """Cells of a published spreadsheet that could not be read (``source_file``,
    ``source_sheet``, ``source_row``, ``source_column``, ``reason``, ``raw``) in the one rejects
    schema: the sheet and cell lead the reason."""
    return rejects_table(
        [
            {
                "table_name": table,
                "source_file": r["source_file"],
                "source_row": r["source_row"],
                "reason": f"{str(r['source_sheet'] or '').strip()} "
                f"{r['source_column'] or ''}{r['source_row']}: {r['reason']}",
                "raw_row": r["raw"],
                "snapshot": snapshot,
            }
            for r in rows
        ]
    )


class LakeBusyError(OpenpeelError, RuntimeError):
    """Another ingest holds the lake's lock."""


@dataclass(frozen=True)
class Partition:
    """One partition of one table, as the manifest records it."""

    table_name: str
    partition: str
    force_id: str | None
    month: date | None
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
    def key(self) -> tuple[str, str]:
        """(table, partition): the unit that a load replaces."""
        return (self.table_name, self.partition)


def new_load_id() -> str:
    """A sortable unique id for one load: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


#: The former name of :func:`new_load_id`.
new_ingest_id = new_load_id


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
        rows = pq.read_table(self.manifest_path).to_pylist()
        for row in rows:
            if "partition" not in row:  # a manifest written before tables chose partitions
                row["partition"] = f"force_id={row['force_id']}/month={row['month'].isoformat()}"
        return [Partition(**{f: row.get(f) for f in MANIFEST_SCHEMA.names}) for row in rows]

    def current(self, table: str | None = None) -> list[Partition]:
        """Current partitions, optionally of one table."""
        return [
            p
            for p in self.partitions()
            if p.status == "current" and (table is None or p.table_name == table)
        ]

    def write_manifest(self, partitions: list[Partition]) -> None:
        """Replace the manifest atomically (write a temporary file, fsync, rename)."""
        rows = sorted(partitions, key=lambda p: (p.table_name, p.partition, p.vintage, p.status))
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

    def tidy(self, tables: Iterable[str] = ()) -> int:
        """Remove what an interrupted load left: staging folders and unlisted part files.

        Args:
            tables: the table folders to look in (with ``rejects`` and ``_superseded``).

        Returns the number of files removed. Call only while holding the lock.
        """
        listed = set()
        for p in self.partitions():
            listed.add(p.data_path)
            if p.rejects_path:
                listed.add(p.rejects_path)
        removed = 0
        shutil.rmtree(self.root / "_staging", ignore_errors=True)
        for top in (*tables, "rejects", "_superseded"):
            base = self.root / top
            if not base.exists():
                continue
            # Only part files: a lake in an earlier layout keeps other names until migrated.
            for file in base.rglob("part-*.parquet"):
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

    # -- the load log ------------------------------------------------------------------------

    def log_paths(self, kind: str) -> list[Path]:
        """Load log files of one kind (``files`` or ``unknown``), oldest first."""
        base = self.root / "load_log"
        return sorted(base.glob(f"*-{kind}.parquet")) if base.exists() else []

    def log_load(
        self,
        load_id: str,
        files: Sequence[LoggedFile],
        unknown: Sequence[LoggedUnknown] = (),
    ) -> None:
        """Append what one load (or one step of it) did to the load log.

        Args:
            load_id: the load.
            files: one row per file read or refused.
            unknown: raw values no vocabulary knows, with their row counts.
        """
        now = datetime.now(UTC)
        stamp = f"{load_id}-{now.strftime('%H%M%S%f')}"
        if files:
            rows = [{"load_id": load_id, "logged_at": now, **asdict(f)} for f in files]
            atomic_write_parquet(
                pa.Table.from_pylist(rows, schema=LOAD_LOG_SCHEMA),
                self.root / "load_log" / f"{stamp}-files.parquet",
            )
        if unknown:
            rows = [{"load_id": load_id, **asdict(u)} for u in unknown]
            atomic_write_parquet(
                pa.Table.from_pylist(rows, schema=UNKNOWN_LOG_SCHEMA),
                self.root / "load_log" / f"{stamp}-unknown.parquet",
            )


def atomic_write_parquet(table: pa.Table, path: Path) -> None:
    """Write a Parquet file so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    pq.write_table(table, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
