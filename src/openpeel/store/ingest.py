"""Load police.uk files into the lake: read, check, map vocabularies, write partitions.

One DuckDB pass per batch of files of one schema: the CSV reader is given the columns (no
sniffing), rows the parser cannot split go to the rejects with DuckDB's reason, rows whose values
cannot be read go to the rejects with ours, and the rest are written as Parquet partitions (one
per force-month) through the lake's one commit path (``store/commit.py``). For every file: rows
read = rows loaded + rows rejected.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from openpeel.config import Settings, Where, workspace_for
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
from openpeel.sources.policeuk_tables import KIND_TABLE, TABLES, table_columns
from openpeel.sql import sql_text as _sql_text
from openpeel.store.commit import StagedPart, commit
from openpeel.store.lake import (
    ARROW_TYPES,
    Lake,
    LoggedFile,
    LoggedUnknown,
    new_load_id,
    rejects_table,
)
from openpeel.store.migrate import migrate
from openpeel.store.tables import LAKE_TABLES

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


def plan_batches(
    files: Sequence[ArchiveFile], conf: Settings | None = None
) -> list[list[ArchiveFile]]:
    """Group files into batches of one schema and snapshot, oldest snapshot first.

    A batch never holds two files for the same force-month, so a newer snapshot of a
    force-month is always committed after an older one and supersedes it.
    """
    conf = conf or workspace_for(None).settings
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


def _stage_batch(
    batch: list[ArchiveFile], work: Path, conf: Settings
) -> tuple[list[tuple[ArchiveFile, StagedPart]], list[UnknownValue]]:
    work.mkdir(parents=True)
    con = _connect(work, conf, threads=1)
    try:
        return _read_batch(con, batch, work)
    finally:
        con.close()


def _connect(work: Path, conf: Settings, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        config={
            "memory_limit": conf.duckdb_memory_limit,
            "temp_directory": str(work / "spill"),
            "preserve_insertion_order": True,
        }
    )
    if threads or conf.duckdb_threads:
        con.execute(f"SET threads = {int(threads or conf.duckdb_threads or 1)}")
    con.execute("SET TimeZone = 'UTC'")
    # A partitioned COPY closes and later reopens partitions beyond this many open files, which
    # splits a partition across files; a batch's partitions must each stay in one file.
    con.execute(f"SET partitioned_write_max_open_files = {2 * conf.ingest_batch_files + 10}")
    return con


def _read_batch(
    con: duckdb.DuckDBPyConnection, files: list[ArchiveFile], work: Path
) -> tuple[list[tuple[ArchiveFile, StagedPart]], list[UnknownValue]]:
    """Read one batch into staged Parquet partitions, in two streaming passes over the CSVs.

    Pass 1 aggregates per file: rows, rejected rows with reasons, unknown vocabulary values.
    Pass 2 writes the loadable rows straight to partitioned Parquet. Nothing is materialised,
    so memory stays flat whatever the batch size; the files are read twice (from the page cache
    the second time), which costs less than holding them as a table.

    Returns each file with its staged partition, and the raw values no vocabulary knows.
    """
    schema = files[0].schema
    table = SCHEMA_TABLE[schema]
    paths = [str(f.path.resolve()) for f in files]
    by_path = dict(zip(paths, files, strict=True))
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
    options = f"""columns = {columns}, header = true, auto_detect = false, delim = ',',
        quote = '"', escape = '"', filename = true, max_line_size = 1048576"""
    # One scan per file, each numbering its rows as read. row_number() OVER () with no
    # partition or order is DuckDB's streaming window: it numbers rows in the order the CSV
    # reader yields them, which is file order (preserve_insertion_order).
    source = (
        "("
        + " UNION ALL ".join(
            f"SELECT *, row_number() OVER () AS record_number FROM read_csv({_sql_text(p)}, "
            f"{options}{{rejects}})"
            for p in paths
        )
        + ")"
    )
    first = source.replace(
        "{rejects}",
        ", store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_scans'",
    )
    # The second pass skips what the first recorded as parser rejects.
    second = source.replace("{rejects}", ", ignore_errors = true")
    coded = CODED_FIELDS[schema]
    unknown_lists = ",\n".join(
        f"list({raw_col}) FILTER (WHERE reject_reason IS NULL AND {code_col} = 'unknown') AS u_{i}"
        for i, (_, _, raw_col, code_col) in enumerate(coded)
    )
    per_file = con.execute(
        f"""SELECT filename, count(*) FILTER (WHERE reject_reason IS NULL) AS loaded,
            list({{'row': record_number, 'reason': reject_reason, 'raw': raw_row}})
                FILTER (WHERE reject_reason IS NOT NULL) AS rejects,
            {unknown_lists}
        FROM ({typed_select_sql(schema, first)}) GROUP BY filename"""
    ).fetchall()
    # Rows DuckDB's parser could not split (too many or too few fields, broken quotes, invalid
    # UTF-8). Its line number counts the header as line 1, so record = line - 1.
    parse_rejects = con.execute(
        """SELECT s.file_path, e.line - 1,
            string_agg(DISTINCT e.error_type || ': ' || e.error_message, '; '),
            regexp_replace(first(e.csv_line), '^[\r\n]+|[\r\n]+$', '', 'g')
        FROM csv_rejects AS e JOIN csv_scans AS s USING (scan_id, file_id)
        GROUP BY ALL ORDER BY 1, 2"""
    ).fetchall()

    # Record numbers: the streaming numbering counts only rows the parser could split; each
    # parser reject before a row pushes that row's record number up by one.
    shift: dict[str, list[int]] = {}
    for filename, record, _, _ in parse_rejects:
        done = shift.setdefault(filename, [])
        done.append(record - len(done) - 1)
    con.register(
        "shift",
        pa.table(
            {
                "filename": [f for f, t in shift.items() for _ in t],
                "threshold": [x for t in shift.values() for x in t],
            },
            schema=pa.schema([("filename", pa.string()), ("threshold", pa.int64())]),
        ),
    )
    record = (
        "t.record_number + (SELECT count(*) FROM shift AS h "
        "WHERE h.filename = t.filename AND h.threshold < t.record_number)"
        if shift
        else "t.record_number"
    )
    names = ", ".join(f"t.{c.name}" for c in TABLES[table])
    data_dir = work / "data"
    con.execute(
        f"""COPY (SELECT f.force_id, f.month, {names}, f.source_file,
                  {record} AS source_row, f.snapshot
                  FROM ({typed_select_sql(schema, second)}) AS t
                  JOIN batch_files AS f ON f.path = t.filename
                  WHERE t.reject_reason IS NULL)
            TO {_sql_text(str(data_dir))}
            (FORMAT parquet, PARTITION_BY (force_id, month), COMPRESSION zstd,
             OVERWRITE_OR_IGNORE true, FILENAME_PATTERN 'part-{{i}}')"""
    )

    counts: dict[str, list[int]] = {p: [0, 0] for p in paths}
    rejects: dict[str, list[tuple[int, str, str]]] = {p: [] for p in paths}
    unknown_counts: dict[tuple[str, str, str], int] = {}
    for filename, loaded, value_rejects, *unknown_lists_found in per_file:
        counts[filename][0] = loaded
        for r in value_rejects or []:
            rejects[filename].append(
                (_shifted(r["row"], shift.get(filename, [])), r["reason"], r["raw"])
            )
        for (_, _, raw_col, _), values in zip(coded, unknown_lists_found, strict=True):
            for value in values or []:
                key = (filename, raw_col, value)
                unknown_counts[key] = unknown_counts.get(key, 0) + 1
    for filename, record_number, reason, raw in parse_rejects:
        rejects[filename].append((record_number, reason, raw))
    for filename, rows in rejects.items():
        counts[filename][1] = len(rows)
    unknown = [
        UnknownValue(by_path[f].source_file, field, value, n)
        for (f, field, value), n in sorted(unknown_counts.items())
    ]
    unknown_by_file: dict[str, int] = {}
    for u in unknown:
        unknown_by_file[u.source_file] = unknown_by_file.get(u.source_file, 0) + u.rows

    staged: list[tuple[ArchiveFile, StagedPart]] = []
    for f, path in zip(files, paths, strict=True):
        loaded, rejected = counts[path]
        part = f"force_id={f.force_id}/month={f.month.isoformat()}"
        data = _one_file(con, data_dir / part)
        if data is None:  # a file with no loadable rows is a supplied month with zero rows
            data = work / f"empty-{len(staged)}.parquet"
            pq.write_table(_empty_table(table), data)
        staged_part = StagedPart(
            table=f.table,
            data=data,
            rejects=_rejects_table(f, rejects[path]) if rejects[path] else None,
            snapshot=f.snapshot,
            vintage=f.vintage,
            source_file=f.source_file,
            rows_read=loaded + rejected,
            rows_loaded=loaded,
            rows_rejected=rejected,
            unknown_values=unknown_by_file.get(f.source_file, 0),
            force_id=f.force_id,
            month=f.month,
        )
        staged.append((f, staged_part))
    return staged, unknown


def _shifted(ordinal: int, thresholds: list[int]) -> int:
    """A row's record number from its ordinal among the rows the parser could split."""
    return ordinal + sum(1 for t in thresholds if t < ordinal)


def _empty_table(table: str) -> pa.Table:
    """A table with no rows and the file schema of a partition (partition columns excluded)."""
    cols = [c for c in table_columns(table) if c.name not in ("force_id", "month")]
    return pa.table({c.name: pa.array([], ARROW_TYPES[c.type]) for c in cols})


def _rejects_table(f: ArchiveFile, rows: list[tuple[int, str, str]]) -> pa.Table:
    """One partition's rejected rows, in the lake's rejects schema."""
    return rejects_table(
        [
            {
                "table_name": f.table,
                "force_id": f.force_id,
                "month": f.month,
                "source_file": f.source_file,
                "source_row": row,
                "reason": reason,
                "raw_row": raw,
                "snapshot": f.snapshot,
            }
            for row, reason, raw in sorted(rows)
        ]
    )


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


def _commit(
    lake: Lake, ingest_id: str, staged: list[tuple[ArchiveFile, StagedPart]]
) -> list[FileResult]:
    """Commit one batch's partitions; returns per-file results."""
    rows = commit(lake, ingest_id, [part for _, part in staged])
    return [
        FileResult(
            f.source_file,
            f.kind,
            f.force_id,
            f.month,
            f.snapshot,
            "loaded" if p.status == "current" else "superseded",
            None if p.status == "current" else "a newer snapshot of this force-month is loaded",
            p.rows_read,
            p.rows_loaded,
            p.rows_rejected,
            p.unknown_values,
        )
        for (f, _), p in zip(staged, rows, strict=True)
    ]


def _refused_result(r: RefusedFile) -> FileResult:
    return FileResult(r.source_file, r.kind, r.force_id, r.month, None, "refused", r.reason)


def _write_logs(
    lake: Lake, ingest_id: str, results: list[FileResult], unknown: list[UnknownValue]
) -> None:
    kinds = {r.source_file: r.kind for r in results}
    lake.log_load(
        ingest_id,
        [
            LoggedFile(
                table_name=KIND_TABLE.get(r.kind or ""),
                kind=r.kind,
                source_file=r.source_file,
                force_id=r.force_id,
                forces=r.force_id,
                month=r.month,
                snapshot=r.snapshot,
                status=r.status,
                reason=r.reason,
                rows_read=r.rows_read,
                rows_loaded=r.rows_loaded,
                rows_rejected=r.rows_rejected,
                rows_replaced=0,
                unknown_values=r.unknown_values,
            )
            for r in results
        ],
        [
            LoggedUnknown(
                KIND_TABLE.get(kinds.get(u.source_file) or "", ""),
                u.source_file,
                u.field,
                u.raw_value,
                u.rows,
            )
            for u in unknown
        ],
    )


def ingest(
    sources: Sequence[Path | str],
    data_dir: Where = None,
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
        data_dir: the workspace or data directory (default from settings).
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
    where = workspace_for(data_dir)
    conf = where.settings
    lake = Lake(where.data_dir)
    with lake.lock():
        migrate(lake)
        lake.tidy(LAKE_TABLES)
        ingest_id = new_load_id()
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
        # Each batch is read by its own single-threaded DuckDB connection (the streaming row
        # numbering runs on one thread anyway), several batches at a time; batches are
        # committed strictly in plan order so that newer snapshots supersede older ones.
        batches = plan_batches(found.files, conf)
        workers = max(1, min(conf.duckdb_threads or os.cpu_count() or 1, len(batches)))
        with ThreadPoolExecutor(workers) as pool:
            staged_batches = pool.map(
                lambda nb: _stage_batch(nb[1], work / f"batch-{nb[0]}", conf), enumerate(batches)
            )
            for batch, (staged, unknown) in zip(batches, staged_batches, strict=True):
                results = _commit(lake, ingest_id, staged)
                _write_logs(lake, ingest_id, results, unknown)
                report.files += results
                report.unknown += unknown
                done += len(batch)
                if progress:
                    progress(done, total)
        _mark_superseded_in_run(lake, report)
        lake.tidy(LAKE_TABLES)
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
