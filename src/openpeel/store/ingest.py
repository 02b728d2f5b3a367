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
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from openpeel.config import Settings, Where, workspace_for
from openpeel.reference.lake_columns import arrow_schema
from openpeel.reference.vocabularies import UNKNOWN
from openpeel.sources.policeuk_archive import (
    CODED_FIELDS,
    SCHEMA_TABLE,
    ArchiveFile,
    Discovery,
    FileResult,
    FileSelection,
    csv_columns,
    discover,
    refused_file,
    typed_select_sql,
)
from openpeel.sources.policeuk_lines import (
    MAX_RAW,
    LineCount,
    Records,
    TooManyRejects,
    UnaccountedRecords,
    count_lines,
    read_records,
)
from openpeel.sources.policeuk_tables import KIND_TABLE, TABLES, table_columns
from openpeel.sql import sql_text as _sql_text
from openpeel.store.commit import StagedPart, commit
from openpeel.store.lake import (
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


@dataclass
class StagedBatch:
    """A batch read: each loadable file with its staged partition, the raw values no
    vocabulary knows, and the files refused while reading (with their reasons)."""

    staged: list[tuple[ArchiveFile, StagedPart]] = field(default_factory=list)
    unknown: list[UnknownValue] = field(default_factory=list)
    refused: list[FileResult] = field(default_factory=list)

    def add(self, other: StagedBatch) -> None:
        """Take in another batch's results."""
        self.staged += other.staged
        self.unknown += other.unknown
        self.refused += other.refused


def _stage_batch(
    batch: list[ArchiveFile], work: Path, conf: Settings, careful: frozenset[Path] = frozenset()
) -> StagedBatch:
    """Read one batch; a batch DuckDB's reader fails on is read again a file at a time, and a
    file it fails on alone is read record by record (``policeuk_lines``)."""
    work.mkdir(parents=True, exist_ok=True)
    try:
        con = _connect(work, conf, threads=1)
        try:
            return _read_batch(con, batch, work, conf.ingest_max_rejects, careful)
        finally:
            con.close()
    except (*_UNREADABLE, _Interleaved) as err:
        if len(batch) > 1:
            out = StagedBatch()
            for i, f in enumerate(batch):
                out.add(_stage_batch([f], work / f"file-{i}", conf, careful))
            return out
        if batch[0].path not in careful:
            return _stage_batch(batch, work / "careful", conf, careful | {batch[0].path})
        return StagedBatch(refused=[_refused_file(batch[0], f"cannot be read: {err}")])


#: What DuckDB raises on a file it cannot read (its other errors are bugs, and raised).
_UNREADABLE = (
    duckdb.InvalidInputException,
    duckdb.ConversionException,
    duckdb.OutOfMemoryException,
    duckdb.IOException,
)


class _Interleaved(Exception):
    """The scan of a batch handed over one file's rows apart (each file is then read alone)."""


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
    return con


def _read_batch(
    con: duckdb.DuckDBPyConnection,
    files: list[ArchiveFile],
    work: Path,
    max_rejects: int,
    careful: frozenset[Path] = frozenset(),
) -> StagedBatch:
    """Read one batch into staged Parquet partitions, in one streaming pass over the CSVs.

    Every file's lines are counted from its bytes first (``policeuk_lines``). A clean file is
    read by DuckDB; one that is not (a stray line break, an unbalanced quote) is read record by
    record in Python. Then one DuckDB pass reads every file, checks and maps each row, and
    hands the rows over in record batches: the loadable rows of each file are written to its
    staged Parquet file as they come, the rows whose values cannot be read are kept as
    rejects, and the raw values no vocabulary knows are counted (``_write_files``). The records
    DuckDB's parser could not split are the difference between the line count and its count:
    none is the rule, and only a file with some is scanned again, with DuckDB's reject table,
    to record them; a file with more bad rows than ``max_rejects`` is refused as not a file of
    its kind, and one whose records do not add up is refused with where they stop. Nothing is
    materialised, so memory stays flat whatever the batch size or the number of bad rows.
    """
    schema = files[0].schema
    raw_columns = list(csv_columns(schema))
    out = StagedBatch()
    lines: dict[str, LineCount] = {}
    records: dict[str, Records] = {}
    accepted: list[ArchiveFile] = []
    for f in files:
        path = str(f.path.resolve())
        count = lines[path] = count_lines(f.path)
        if count.clean and f.path not in careful:
            accepted.append(f)
            continue
        try:
            records[path] = read_records(f.path, len(raw_columns), count.newline, max_rejects)
        except TooManyRejects as err:
            out.refused.append(_not_this_format(f, err.rejected, err.records, max_rejects))
            continue
        except UnaccountedRecords as err:
            out.refused.append(_refused_file(f, str(err)))
            continue
        accepted.append(f)
    if not accepted:
        return out
    views = _register_records(con, records, raw_columns)
    options = f"""columns = {{{", ".join(f"{_sql_text(c)}: 'VARCHAR'" for c in raw_columns)}}},
        header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
        filename = true, max_line_size = 1048576"""
    quoted = ", ".join(f'"{c}"' for c in raw_columns)

    def source(chosen: Sequence[ArchiveFile]) -> str:
        # One scan of all the CSV files (a scan per file costs more than the rows of a small
        # file), numbering its rows as read: row_number() OVER () with no partition or order is
        # DuckDB's streaming window, and on one thread (preserve_insertion_order) it numbers the
        # rows in the order the reader yields them, a file at a time in list order. A file's
        # record numbers are these less the number before its first row (``_write_files``).
        # The files read record by record come with their own numbers.
        paths = [str(f.path.resolve()) for f in chosen]
        scans = [
            f"SELECT {quoted}, filename, record_number FROM {views[path]}"
            for path in paths
            if path in views
        ]
        if scanned := [path for path in paths if path not in views]:
            listed = "[" + ", ".join(_sql_text(path) for path in scanned) + "]"
            scans.append(
                f"SELECT {quoted}, filename, row_number() OVER () AS record_number "
                f"FROM read_csv({listed}, {options}, ignore_errors = true)"
            )
        return "(" + " UNION ALL ".join(scans) + ")"

    written = _write_files(
        con, schema, source(accepted), accepted, work, max_rejects, numbered=frozenset(views)
    )

    for n, f in enumerate(accepted):
        path = str(f.path.resolve())
        done = written[path]
        parsed, loaded = done.parsed, done.loaded
        if path in records:
            expected, found = records[path].records, records[path].rejects
        else:
            expected = lines[path].records
            found = []
            if expected < parsed:
                out.refused.append(
                    _refused_file(
                        f, f"the CSV reader found {parsed:,} records in {expected:,} lines"
                    )
                )
                continue
        missing = expected - parsed
        if missing + done.value_rejected > max_rejects:
            out.refused.append(
                _not_this_format(f, missing + done.value_rejected, expected, max_rejects)
            )
            continue
        if path not in records and missing:
            found = _parser_rejects(con, path, options, n)
            if len(found) != missing:
                where = f" (the first on line {found[0][0] + 1})" if found else ""
                out.refused.append(
                    _refused_file(
                        f,
                        f"its records cannot be accounted for: {expected:,} lines, of which "
                        f"the CSV reader read {parsed:,} and rejected {len(found):,}{where}",
                    )
                )
                continue
            # DuckDB's streaming numbering counts only rows its parser could split; each
            # parser reject before a row pushes that row's record number up by one.
            done.renumber([record - i - 1 for i, (record, _, _) in enumerate(found)])
        rejects = list(found) + done.rejects
        data = done.data
        if data is None:  # a file with no loadable rows is a supplied month with zero rows
            data = work / f"empty-{n}.parquet"
            pq.write_table(_empty_table(f.table), data)
        unknown = [
            UnknownValue(f.source_file, column, value, count)
            for (column, value), count in sorted(done.unknown.items())
        ]
        out.unknown += unknown
        staged_part = StagedPart(
            table=f.table,
            data=data,
            rejects=_rejects_table(f, rejects) if rejects else None,
            snapshot=f.snapshot,
            vintage=f.vintage,
            source_file=f.source_file,
            rows_read=loaded + len(rejects),
            rows_loaded=loaded,
            rows_rejected=len(rejects),
            unknown_values=sum(u.rows for u in unknown),
            force_id=f.force_id,
            month=f.month,
        )
        out.staged.append((f, staged_part))
    out.unknown.sort(key=lambda u: (u.source_file, u.field, u.raw_value))
    return out


@dataclass
class _Written:
    """One file as the single pass left it: its loadable rows in a staged Parquet file, the
    rows whose values cannot be read, and the raw values no vocabulary knows."""

    data: Path | None = None
    #: The running number before the file's first row (the scan numbers rows across files).
    offset: int | None = None
    parsed: int = 0
    loaded: int = 0
    value_rejected: int = 0
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    unknown: dict[tuple[str, str], int] = field(default_factory=dict)

    def renumber(self, thresholds: list[int]) -> None:
        """Shift record numbers up by the parser rejects before them (``thresholds``: a row
        numbered n by the reader is record n + the count of thresholds below n)."""
        if not thresholds:
            return
        cuts = np.asarray(sorted(thresholds), dtype=np.int64)

        def shifted(numbers: np.ndarray) -> np.ndarray:
            return numbers + np.searchsorted(cuts, numbers, side="left")

        self.rejects = [
            (int(shifted(np.asarray([row]))[0]), reason, raw) for row, reason, raw in self.rejects
        ]
        if self.data is not None:
            table = pq.read_table(self.data)
            index = table.schema.get_field_index("source_row")
            rows = shifted(table.column(index).to_numpy())
            table = table.set_column(index, "source_row", pa.array(rows, pa.int64()))
            pq.write_table(table, self.data, compression="zstd")


def _write_files(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    source: str,
    files: list[ArchiveFile],
    work: Path,
    max_rejects: int,
    numbered: frozenset[str] = frozenset(),
) -> dict[str, _Written]:
    """The one pass over a batch's files: DuckDB reads, checks and maps every row as it
    streams past, and each file's loadable rows are written to its own staged Parquet file
    (zstd, the partition's file schema) while its rejected rows and unknown values are kept
    (at most ``max_rejects + 1`` rejects a file: more refuse it). Memory holds one record
    batch at a time, whatever the batch size or the number of bad rows.

    ``source`` yields each file's rows together, in the file's order. Its ``record_number``
    is the record within the file for the files in ``numbered``, and a running number over
    the whole scan for the others: a file's records are then numbered from its first row.
    """
    table = SCHEMA_TABLE[schema]
    data_columns = [c.name for c in TABLES[table]]
    file_schema = _empty_table(table).schema
    coded = [(raw_col, code_col) for _, _, raw_col, code_col in CODED_FIELDS[schema]]
    by_path = {str(f.path.resolve()): f for f in files}
    out = {path: _Written(offset=0 if path in numbered else None) for path in by_path}
    writers: dict[str, pq.ParquetWriter] = {}
    previous: str | None = None
    reader = con.execute(typed_select_sql(schema, source)).to_arrow_reader(_STREAM_ROWS)
    try:
        for batch in reader:
            for path, chunk in _runs(batch):
                done = out[path]
                if path != previous and done.parsed:
                    raise _Interleaved(f"the rows of {path} did not come together")
                previous = path
                if done.offset is None:
                    done.offset = int(chunk.column("record_number")[0].as_py()) - 1
                if path not in writers:
                    writers[path] = pq.ParquetWriter(
                        work / f"part-{len(writers)}.parquet", file_schema, compression="zstd"
                    )
                    done.data = Path(writers[path].where)
                _take(chunk, done, by_path[path], writers[path], data_columns, coded,
                      max_rejects)  # fmt: skip
    finally:
        for writer in writers.values():
            writer.close()
    return out


def _runs(batch: pa.RecordBatch) -> list[tuple[str, pa.RecordBatch]]:
    """A record batch cut where its first column (the file name) changes: (name, rows)."""
    names = batch.column(0)
    if not len(names):
        return []
    changed = pc.not_equal(names.slice(1), names.slice(0, len(names) - 1))
    cuts = [0, *(np.flatnonzero(changed.to_numpy(zero_copy_only=False)) + 1), len(names)]
    return [
        (str(names[start].as_py()), batch.slice(start, end - start))
        for start, end in pairwise(cuts)
    ]


#: Rows in each record batch the single pass hands over (DuckDB's row group size).
_STREAM_ROWS = 122_880


def _take(
    chunk: pa.RecordBatch,
    done: _Written,
    f: ArchiveFile,
    writer: pq.ParquetWriter,
    data_columns: list[str],
    coded: list[tuple[str, str]],
    max_rejects: int,
) -> None:
    """One file's rows of one record batch: count them, keep the rejected, count the raw values
    no vocabulary knows, and write the loadable rows with their lineage."""
    done.parsed += chunk.num_rows
    if done.offset:
        index = chunk.schema.get_field_index("record_number")
        numbers = pc.subtract(chunk.column(index), pa.scalar(done.offset, pa.int64()))
        chunk = chunk.set_column(index, "record_number", numbers)
    reasons = chunk.column("reject_reason")
    good = chunk
    if reasons.null_count < len(reasons):
        loadable = pc.is_null(reasons)
        bad = chunk.filter(pc.invert(loadable))
        done.value_rejected += bad.num_rows
        room = max(0, max_rejects + 1 - len(done.rejects))
        kept = bad.slice(0, room)
        done.rejects += [
            (int(row), str(reason), str(raw or "")[:MAX_RAW])
            for row, reason, raw in zip(
                kept.column("record_number").to_pylist(),
                kept.column("reject_reason").to_pylist(),
                kept.column("raw_row").to_pylist(),
                strict=True,
            )
        ]
        good = chunk.filter(loadable)
    rows = good.num_rows
    if not rows:
        return
    done.loaded += rows
    for raw_col, code_col in coded:
        unknown = pc.equal(good.column(code_col), UNKNOWN)
        if pc.any(unknown).as_py():
            for item in pc.value_counts(good.column(raw_col).filter(unknown)).to_pylist():
                key = (raw_col, str(item["values"]))
                done.unknown[key] = done.unknown.get(key, 0) + int(item["counts"])
    lineage = [
        pa.repeat(pa.scalar(f.source_file, pa.string()), rows),
        good.column("record_number").cast(pa.int64()),
        pa.repeat(pa.scalar(f.snapshot, pa.string()), rows),
    ]
    columns = [good.column(name) for name in data_columns] + lineage
    table = pa.Table.from_arrays(columns, names=writer.schema.names)
    writer.write_table(table.cast(writer.schema))


def _register_records(
    con: duckdb.DuckDBPyConnection, records: dict[str, Records], raw_columns: list[str]
) -> dict[str, str]:
    """Register the files read record by record as relations; returns their names by path."""
    views = {}
    for i, (path, read) in enumerate(records.items()):
        views[path] = f"records_{i}"
        columns = {
            c: pa.array(v, pa.string()) for c, v in zip(raw_columns, read.columns, strict=True)
        }
        con.register(
            views[path],
            pa.table(
                {
                    **columns,
                    "filename": pa.array([path] * len(read.numbers), pa.string()),
                    "record_number": pa.array(read.numbers, pa.int64()),
                }
            ),
        )
    return views


def _parser_rejects(
    con: duckdb.DuckDBPyConnection, path: str, options: str, n: int
) -> list[tuple[int, str, str]]:
    """The records of one file DuckDB's parser cannot split: (record, reason, raw line).

    Its line number counts the header as line 1, so record = line - 1.
    """
    # Every column is read, as in the pass that found the rows missing: a scan that skips a
    # column does not see its invalid bytes. The rejects table fills as the scan is consumed.
    con.execute(
        f"""SELECT max(hash(COLUMNS(*))) FROM read_csv({_sql_text(path)}, {options},
            store_rejects = true, rejects_table = 'csv_rejects_{n}',
            rejects_scan = 'csv_scans_{n}')"""
    ).fetchall()
    return [
        (int(line), reason, raw)
        for line, reason, raw in con.execute(
            f"""SELECT e.line - 1,
                string_agg(DISTINCT e.error_type || ': ' || e.error_message, '; '),
                left(regexp_replace(first(e.csv_line), '^[\r\n]+|[\r\n]+$', '', 'g'), {MAX_RAW})
            FROM csv_rejects_{n} AS e GROUP BY ALL ORDER BY 1"""
        ).fetchall()
    ]


def _refused_file(f: ArchiveFile, reason: str) -> FileResult:
    return refused_file(f.source_file, reason, f.kind, f.force_id, f.month, f.snapshot)


def _not_this_format(f: ArchiveFile, rejected: int, records: int, limit: int) -> FileResult:
    return _refused_file(
        f,
        f"not a police.uk {f.kind} file: {rejected:,} of its {records:,} rows cannot be read "
        f"(more than {limit:,})",
    )


def _empty_table(table: str) -> pa.Table:
    """A table with no rows and the file schema of a partition (partition columns excluded)."""
    return arrow_schema(table_columns(table), without=("force_id", "month")).empty_table()


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


def _commit(
    lake: Lake, ingest_id: str, staged: list[tuple[ArchiveFile, StagedPart]]
) -> list[FileResult]:
    """Commit one batch's partitions; returns per-file results.

    A file of which every row was rejected is refused, not committed, when it would replace a
    loaded partition that has rows: a load that kept nothing never replaces one (the reason
    names the snapshot kept). With nothing to replace it is committed (its rejects recorded).
    """
    current = {(p.table_name, p.force_id, p.month): p for p in lake.current()}
    refused: list[FileResult] = []
    kept: list[tuple[ArchiveFile, StagedPart]] = []
    for f, part in staged:
        old = current.get((part.table, f.force_id, f.month))
        if (
            not part.rows_read
            or part.rows_loaded
            or old is None
            or not old.rows_loaded
            or old.vintage > part.vintage
        ):
            kept.append((f, part))
            continue
        first = part.rejects.column("reason")[0].as_py() if part.rejects is not None else ""
        refused.append(
            _refused_file(
                f,
                f"every one of its {part.rows_read:,} rows was rejected; the loaded snapshot "
                f"{old.snapshot} ({old.rows_loaded:,} rows) is kept; the first because: {first}",
            )
        )
    rows = commit(lake, ingest_id, [part for _, part in kept]) if kept else []
    return refused + [
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
        for (f, _), p in zip(kept, rows, strict=True)
    ]


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
            FileSelection(force_ids, start, end, snapshot),
            unzip_into=work / "unzipped",
        )
        report = IngestReport(ingest_id, list(found.refused))
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
            for batch, read in zip(batches, staged_batches, strict=True):
                results = _commit(lake, ingest_id, read.staged) + read.refused
                _write_logs(lake, ingest_id, results, read.unknown)
                report.files += results
                report.unknown += read.unknown
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
