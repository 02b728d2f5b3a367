"""Load police.uk files into the lake: read, check, map vocabularies, write partitions.

One DuckDB pass per batch of files of one schema: the CSV reader is given the columns (no
sniffing), rows the parser cannot split go to the rejects with DuckDB's reason, rows whose values
cannot be read go to the rejects with ours, and the rest are written as Parquet partitions. For
every file: rows read = rows loaded + rows rejected.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from openpeel.config import settings
from openpeel.reference.vocabularies import vocabulary_rows
from openpeel.sources.policeuk_archive import (
    CODED_FIELDS,
    SCHEMA_TABLE,
    ArchiveFile,
    Discovery,
    RefusedFile,
    csv_columns,
    discover,
    typed_select_sql,
)
from openpeel.sources.policeuk_tables import KIND_TABLE, TABLES
from openpeel.store.lake import Lake, Partition, new_ingest_id, partition_dir, rejects_dir

Progress = Callable[[int, int], None]


@dataclass
class FileResult:
    """What happened to one file."""

    source_file: str
    kind: str | None
    force_id: str | None
    month: date | None
    snapshot: str | None
    status: str  # loaded | superseded | refused
    reason: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    unknown_values: int = 0


@dataclass
class UnknownValue:
    """A raw value that no vocabulary maps, loaded as ``unknown``."""

    source_file: str
    field: str
    raw_value: str
    rows: int


@dataclass
class IngestReport:
    """The ingest report: per file, and totals."""

    ingest_id: str
    files: list[FileResult] = field(default_factory=list)
    unknown: list[UnknownValue] = field(default_factory=list)

    @property
    def refused(self) -> list[FileResult]:
        """Files that were not read, with their reasons."""
        return [f for f in self.files if f.status == "refused"]

    def totals(self) -> dict[str, int]:
        """Files and rows over the whole ingest."""
        read = [f for f in self.files if f.status != "refused"]
        return {
            "files": len(read),
            "files_refused": len(self.refused),
            "rows_read": sum(f.rows_read for f in read),
            "rows_loaded": sum(f.rows_loaded for f in read),
            "rows_rejected": sum(f.rows_rejected for f in read),
            "unknown_values": sum(f.unknown_values for f in read),
        }

    def by_kind(self) -> dict[str, dict[str, int]]:
        """The same totals for each kind of file (street, outcomes, stop-and-search)."""
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            kind = f.kind or "unrecognised"
            row = out.setdefault(
                kind,
                {
                    "files": 0,
                    "files_refused": 0,
                    "files_superseded": 0,
                    "rows_read": 0,
                    "rows_loaded": 0,
                    "rows_rejected": 0,
                    "unknown_values": 0,
                },
            )
            if f.status == "refused":
                row["files_refused"] += 1
                continue
            row["files"] += 1
            row["files_superseded"] += f.status == "superseded"
            row["rows_read"] += f.rows_read
            row["rows_loaded"] += f.rows_loaded
            row["rows_rejected"] += f.rows_rejected
            row["unknown_values"] += f.unknown_values
        return out

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready summary: totals, per kind, refused files and unknown values."""
        return {
            "ingest_id": self.ingest_id,
            **self.totals(),
            "by_kind": self.by_kind(),
            "refused": [{"file": f.source_file, "reason": f.reason} for f in self.refused],
            "unknown": [asdict(u) for u in self.unknown],
        }


@dataclass
class _Staged:
    """One file's result from a batch, with its staged Parquet files."""

    file: ArchiveFile
    rows_loaded: int
    rows_rejected: int
    unknown_values: int
    data: Path
    rejects: Path | None


def plan_batches(files: Sequence[ArchiveFile]) -> list[list[ArchiveFile]]:
    """Group files into batches of one schema and snapshot, oldest snapshot first.

    A batch never holds two files for the same force-month, so a newer snapshot of a
    force-month is always committed after an older one and supersedes it.
    """
    conf = settings()
    ordered = sorted(files, key=lambda f: (f.vintage, f.snapshot, f.schema, f.month, f.force_id))
    batches: list[list[ArchiveFile]] = []
    current: list[ArchiveFile] = []
    keys: set[tuple[str, date]] = set()
    size = 0
    for f in ordered:
        fsize = f.path.stat().st_size
        same_group = bool(current) and (current[0].schema, current[0].snapshot) == (
            f.schema,
            f.snapshot,
        )
        if current and (
            not same_group
            or (f.force_id, f.month) in keys
            or size + fsize > conf.ingest_batch_bytes
            or len(current) >= conf.ingest_batch_files
        ):
            batches.append(current)
            current, keys, size = [], set(), 0
        current.append(f)
        keys.add((f.force_id, f.month))
        size += fsize
    if current:
        batches.append(current)
    return batches


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _connect(work: Path) -> duckdb.DuckDBPyConnection:
    conf = settings()
    con = duckdb.connect(
        config={
            "memory_limit": conf.duckdb_memory_limit,
            "temp_directory": str(work / "spill"),
            "preserve_insertion_order": True,
        }
    )
    if conf.duckdb_threads:
        con.execute(f"SET threads = {int(conf.duckdb_threads)}")
    con.execute("SET TimeZone = 'UTC'")
    # A partitioned COPY closes and later reopens partitions beyond this many open files, which
    # splits a partition across files; a batch's partitions must each stay in one file.
    con.execute(f"SET partitioned_write_max_open_files = {2 * conf.ingest_batch_files + 10}")
    return con


def _read_batch(
    con: duckdb.DuckDBPyConnection, files: list[ArchiveFile], work: Path
) -> dict[str, _Staged]:
    """Read one batch into staged Parquet partitions; returns results keyed by file path."""
    schema = files[0].schema
    table = SCHEMA_TABLE[schema]
    for _, vocab, _, _ in CODED_FIELDS[schema]:
        rows = vocabulary_rows(vocab)
        con.register(
            f"vocab_{vocab}",
            pa.table(
                {
                    "raw": [r[0] for r in rows],
                    "code": [r[1] for r in rows],
                    "group": [r[2] for r in rows],
                }
            ),
        )
    paths = [str(f.path.resolve()) for f in files]
    con.register(
        "batch_files",
        pa.table(
            {
                "path": paths,
                "source_file": [f.source_file for f in files],
                "force_id": [f.force_id for f in files],
                "month": pa.array([f.month for f in files], pa.date32()),
                "snapshot": [f.snapshot for f in files],
            }
        ),
    )
    columns = "{" + ", ".join(f"{_sql_text(c)}: 'VARCHAR'" for c in csv_columns(schema)) + "}"
    file_list = "[" + ", ".join(_sql_text(p) for p in paths) + "]"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE raw0 AS SELECT * FROM read_csv({file_list},
            columns = {columns}, header = true, auto_detect = false, delim = ',',
            quote = '"', escape = '"', filename = true, store_rejects = true,
            rejects_table = 'csv_rejects', rejects_scan = 'csv_scans', max_line_size = 1048576)"""
    )
    # Rows DuckDB's parser could not split (too many or too few fields, broken quotes, invalid
    # UTF-8). Its line number counts the header as line 1, so record = line - 1.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE parse_rejects AS
        SELECT s.file_path AS filename, e.line - 1 AS record_number,
            string_agg(DISTINCT e.error_type || ': ' || e.error_message, '; ') AS reason,
            regexp_replace(first(e.csv_line), '^[\r\n]+|[\r\n]+$', '', 'g') AS raw_row
        FROM csv_rejects AS e JOIN csv_scans AS s USING (scan_id, file_id)
        GROUP BY ALL"""
    )
    # DuckDB keeps the order of the rows as read (preserve_insertion_order), so rowid numbers
    # the loaded rows in file order; parser rejects are slotted back in to give record numbers.
    con.execute(
        """CREATE OR REPLACE TEMP VIEW raw AS
        WITH o AS (
            SELECT *, row_number() OVER (PARTITION BY filename ORDER BY rowid) AS ordinal
            FROM raw0
        ), th AS (
            SELECT filename,
                record_number - row_number() OVER (PARTITION BY filename ORDER BY record_number)
                    AS threshold
            FROM parse_rejects
        ), shift AS (
            SELECT o.filename, o.ordinal, count(th.threshold) AS before
            FROM o JOIN th ON th.filename = o.filename AND th.threshold < o.ordinal
            GROUP BY ALL
        )
        SELECT o.* EXCLUDE (ordinal), o.ordinal + coalesce(shift.before, 0) AS record_number
        FROM o LEFT JOIN shift USING (filename, ordinal)"""
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE typed AS {typed_select_sql(schema, 'raw', 'batch_files')}"
    )
    data_dir = work / "data"
    rej_dir = work / "rejects"
    con.execute(
        f"""COPY (SELECT * EXCLUDE (reject_reason, raw_row) FROM typed
                  WHERE reject_reason IS NULL)
            TO {_sql_text(str(data_dir))}
            (FORMAT parquet, PARTITION_BY (force_id, month), COMPRESSION zstd,
             OVERWRITE_OR_IGNORE true, FILENAME_PATTERN 'part-{{i}}')"""
    )
    con.execute(
        f"""COPY (
            SELECT t.force_id, t.month, t.source_file, t.source_row, t.reject_reason AS reason,
                t.raw_row, t.snapshot
            FROM typed AS t WHERE t.reject_reason IS NOT NULL
            UNION ALL
            SELECT f.force_id, f.month, f.source_file, p.record_number, p.reason, p.raw_row,
                f.snapshot
            FROM parse_rejects AS p JOIN batch_files AS f ON f.path = p.filename
        ) TO {_sql_text(str(rej_dir))}
        (FORMAT parquet, PARTITION_BY (force_id, month), COMPRESSION zstd,
         OVERWRITE_OR_IGNORE true, FILENAME_PATTERN 'part-{{i}}')"""
    )
    counts = {
        row[0]: row[1:]
        for row in con.execute(
            """SELECT f.path,
                count(t.source_row) FILTER (WHERE t.reject_reason IS NULL),
                count(t.source_row) FILTER (WHERE t.reject_reason IS NOT NULL)
                    + (SELECT count(*) FROM parse_rejects AS p WHERE p.filename = f.path)
            FROM batch_files AS f LEFT JOIN typed AS t ON t.source_file = f.source_file
            GROUP BY f.path"""
        ).fetchall()
    }
    unknown_sql = " UNION ALL ".join(
        f"""SELECT source_file, '{raw_col}' AS field, {raw_col} AS raw_value, count(*) AS n
            FROM typed WHERE reject_reason IS NULL AND {code_col} = 'unknown' GROUP BY ALL"""
        for _, _, raw_col, code_col in CODED_FIELDS[schema]
    )
    unknown_rows = con.execute(unknown_sql).fetchall()
    unknown_by_file: dict[str, int] = {}
    for source_file, _, _, n in unknown_rows:
        unknown_by_file[source_file] = unknown_by_file.get(source_file, 0) + n
    con.execute("CREATE OR REPLACE TEMP TABLE unknown_values AS " + unknown_sql)

    empty = work / "empty.parquet"
    names = ", ".join(c.name for c in TABLES[table]) + ", source_file, source_row, snapshot"
    con.execute(f"COPY (SELECT {names} FROM typed LIMIT 0) TO {_sql_text(str(empty))}")

    staged: dict[str, _Staged] = {}
    for f, path in zip(files, paths, strict=True):
        loaded, rejected = counts[path]
        part = f"force_id={f.force_id}/month={f.month.isoformat()}"
        data = _one_file(con, data_dir / part)
        if data is None:  # a file with no loadable rows is a supplied month with zero rows
            data = work / f"empty-{len(staged)}.parquet"
            os.link(empty, data)
        rejects = _one_file(con, rej_dir / part)
        staged[path] = _Staged(
            f, loaded, rejected, unknown_by_file.get(f.source_file, 0), data, rejects
        )
    return staged


def _one_file(con: duckdb.DuckDBPyConnection, folder: Path) -> Path | None:
    """The single Parquet file of a staged partition, merging if DuckDB wrote several."""
    files = sorted(folder.glob("*.parquet"))
    if len(files) <= 1:
        return files[0] if files else None
    merged = folder / "merged.parquet"
    listing = "[" + ", ".join(_sql_text(str(f)) for f in files) + "]"
    con.execute(
        f"COPY (SELECT * FROM read_parquet({listing}) ORDER BY source_row) "
        f"TO {_sql_text(str(merged))} (FORMAT parquet, COMPRESSION zstd)"
    )
    return merged


def _commit(lake: Lake, ingest_id: str, staged: list[_Staged], now: datetime) -> list[FileResult]:
    """Move staged files into the lake and swap the manifest; returns per-file results.

    Older files are hard-linked into ``_superseded`` before the manifest swap and unlinked
    from the query tree after it, so a crash at any point leaves every listed file in place.
    """
    partitions = {(p.key, p.status, p.data_path): p for p in lake.partitions()}
    current = {p.key: p for p in partitions.values() if p.status == "current"}
    to_unlink: list[str] = []
    results: list[FileResult] = []
    for s in staged:
        f = s.file
        key = (f.table, f.force_id, f.month)
        old = current.get(key)
        newer_exists = old is not None and old.vintage > f.vintage
        dir_data = partition_dir(f.table, f.force_id, f.month)
        dir_rej = rejects_dir(f.table, f.force_id, f.month)
        if newer_exists:
            dir_data, dir_rej = f"_superseded/{dir_data}", f"_superseded/{dir_rej}"
        data_path = lake.place(s.data, dir_data, ingest_id)
        rejects_path = lake.place(s.rejects, dir_rej, ingest_id) if s.rejects else None
        new = Partition(
            table_name=f.table,
            force_id=f.force_id,
            month=f.month,
            snapshot=f.snapshot,
            vintage=f.vintage,
            status="superseded" if newer_exists else "current",
            ingest_id=ingest_id,
            source_file=f.source_file,
            rows_read=s.rows_loaded + s.rows_rejected,
            rows_loaded=s.rows_loaded,
            rows_rejected=s.rows_rejected,
            unknown_values=s.unknown_values,
            data_path=data_path,
            rejects_path=rejects_path,
            loaded_at=now,
        )
        # A snapshot loaded again replaces its earlier load, whether current or superseded.
        for k in [k for k, p in partitions.items() if p.key == key and p.vintage == f.vintage]:
            to_unlink += [x for x in (partitions[k].data_path, partitions[k].rejects_path) if x]
            del partitions[k]
        if old is not None and old.vintage < f.vintage:  # keep the older snapshot, unqueried
            del partitions[(old.key, old.status, old.data_path)]
            to_unlink += [p for p in (old.data_path, old.rejects_path) if p]
            kept = replace(
                old,
                status="superseded",
                data_path=_link_superseded(lake, old.data_path),
                rejects_path=_link_superseded(lake, old.rejects_path) if old.rejects_path else None,
            )
            partitions[(kept.key, kept.status, kept.data_path)] = kept
        partitions[(new.key, new.status, new.data_path)] = new
        if new.status == "current":
            current[key] = new
        results.append(
            FileResult(
                f.source_file,
                f.kind,
                f.force_id,
                f.month,
                f.snapshot,
                "loaded" if new.status == "current" else "superseded",
                None
                if new.status == "current"
                else "a newer snapshot of this force-month is loaded",
                new.rows_read,
                new.rows_loaded,
                new.rows_rejected,
                new.unknown_values,
            )
        )
    lake.write_manifest(list(partitions.values()))
    listed = {x for p in partitions.values() for x in (p.data_path, p.rejects_path) if x}
    for relative in set(to_unlink) - listed:
        lake.path(relative).unlink(missing_ok=True)
    return results


def _link_superseded(lake: Lake, relative: str) -> str:
    if relative.startswith("_superseded/"):
        return relative
    target_rel = f"_superseded/{relative}"
    target = lake.path(target_rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.link(lake.path(relative), target)
    return target_rel


def _refused_result(r: RefusedFile) -> FileResult:
    return FileResult(r.source_file, r.kind, r.force_id, r.month, None, "refused", r.reason)


def _write_logs(
    lake: Lake, ingest_id: str, results: list[FileResult], unknown: list[UnknownValue]
) -> None:
    now = datetime.now(UTC)
    if results:
        lake.write_log(
            f"{ingest_id}-{now.strftime('%H%M%S%f')}",
            "files",
            pa.Table.from_pylist(
                [{"ingest_id": ingest_id, "logged_at": now, **asdict(r)} for r in results],
                schema=pa.schema(
                    [
                        ("ingest_id", pa.string()),
                        ("logged_at", pa.timestamp("us", tz="UTC")),
                        ("source_file", pa.string()),
                        ("kind", pa.string()),
                        ("force_id", pa.string()),
                        ("month", pa.date32()),
                        ("snapshot", pa.string()),
                        ("status", pa.string()),
                        ("reason", pa.string()),
                        ("rows_read", pa.int64()),
                        ("rows_loaded", pa.int64()),
                        ("rows_rejected", pa.int64()),
                        ("unknown_values", pa.int64()),
                    ]
                ),
            ),
        )
    if unknown:
        lake.write_log(
            f"{ingest_id}-{now.strftime('%H%M%S%f')}",
            "unknown",
            pa.Table.from_pylist([{"ingest_id": ingest_id, **asdict(u)} for u in unknown]),
        )


def ingest(
    sources: Sequence[Path | str],
    data_dir: Path | str | None = None,
    *,
    force_ids: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    snapshot: str | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Load police.uk files into the lake.

    Args:
        sources: archive zips, archive folders or CSV files.
        data_dir: the data directory (default from settings).
        force_ids: load only these forces.
        start: first month to load.
        end: last month to load.
        snapshot: label the load with this snapshot instead of the detected vintage.
        progress: called with (files done, files in all) after each batch.

    Returns:
        The ingest report. Refused files are listed in it; good files are loaded regardless.

    Raises:
        ArchiveError: a source path does not exist or a zip cannot be read.
        LakeBusyError: another ingest is writing to the same lake.
    """
    lake = Lake(data_dir if data_dir is not None else settings().data_dir)
    with lake.lock():
        lake.tidy()
        ingest_id = new_ingest_id()
        work = lake.staging(ingest_id)
        found: Discovery = discover(
            [Path(s) for s in sources],
            force_ids=force_ids,
            start=start,
            end=end,
            snapshot=snapshot,
            unzip_into=work / "unzipped",
        )
        report = IngestReport(ingest_id, [_refused_result(r) for r in found.refused])
        _write_logs(lake, ingest_id, report.files, [])
        total = len(found.files)
        done = 0
        if progress:
            progress(done, total)
        for number, batch in enumerate(plan_batches(found.files)):
            batch_work = work / f"batch-{number}"
            batch_work.mkdir(parents=True)
            con = _connect(batch_work)
            try:
                staged = _read_batch(con, batch, batch_work)
                unknown = [
                    UnknownValue(*row)
                    for row in con.execute("SELECT * FROM unknown_values").fetchall()
                ]
            finally:
                con.close()
            results = _commit(lake, ingest_id, list(staged.values()), datetime.now(UTC))
            _write_logs(lake, ingest_id, results, unknown)
            report.files += results
            report.unknown += unknown
            done += len(batch)
            if progress:
                progress(done, total)
        _mark_superseded_in_run(lake, report)
        lake.tidy()
    return report


def _mark_superseded_in_run(lake: Lake, report: IngestReport) -> None:
    """Files loaded early in a run and superseded by a newer snapshot later in the same run."""
    current = {(p.force_id, p.month, p.table_name): p.snapshot for p in lake.current()}
    for r in report.files:
        if r.status != "loaded" or r.kind is None or r.force_id is None or r.month is None:
            continue
        if current.get((r.force_id, r.month, KIND_TABLE[r.kind])) != r.snapshot:
            r.status = "superseded"
            r.reason = "a newer snapshot of this force-month is loaded"
