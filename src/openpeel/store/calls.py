"""Load the call-handling sources into the lake: published 999 monthly figures, call logs and
incidents exports.

Each table is one partition of the lake (``store/tables.py``: keyed, no partition columns),
committed through the lake's one commit path (``store/commit.py``) with its rejected rows in the
lake's one ``rejects`` table and each load in the one load log.

A load reads one file (DuckDB, columns given, no sniffing; rows the parser cannot split go to
the rejects with DuckDB's reason), types and checks it (rows that fail go to the rejects with
ours), merges it with the table's current partition and stages the merged whole; the manifest
swap commits it. An interrupted load leaves the previous state, data and rejects together,
intact. After every load rows read = rows loaded + rows rejected, printed and stored in the load
log.

Re-loading never duplicates: a row replaces the stored row with the same key (force and month
for the 999 figures, force and call id for call logs, force and incident id for incidents),
and the rows and rejects an earlier load of the same file left are replaced too. The last load
wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from openpeel.config import Where, workspace_for
from openpeel.errors import SourceFormatError, UserInputError
from openpeel.provenance import SnapshotLabelled, marker_snapshot, read_marker
from openpeel.reference.forces import force as lookup_force
from openpeel.sources.calls_999 import CALLS_999_COLUMNS, CALLS_999_FIELDS, parse_published_999
from openpeel.sources.calls_log import (
    CALL_LOG_COLUMNS,
    CALL_LOG_FIELDS,
    LOCAL_TZ,
    InputField,
    call_log_select_sql,
    raw_row_sql,
    read_header,
    resolve_columns,
)
from openpeel.sources.incidents import INCIDENT_COLUMNS, INCIDENT_FIELDS, incidents_select_sql
from openpeel.sources.policeuk_tables import Column
from openpeel.sql import sql_text as _sql_text
from openpeel.store.commit import StagedPart, commit, load_lock
from openpeel.store.lake import LOAD_LOG_SCHEMA as LAKE_LOAD_LOG
from openpeel.store.lake import REJECT_COLUMNS as LAKE_REJECT_COLUMNS
from openpeel.store.lake import (
    Lake,
    LoggedFile,
    LoggedUnknown,
    cast_sql,
    new_load_id,
)

#: Columns of the ``calls_rejects`` view: the call-handling rows of the lake's one rejects table
#: (their month and load id left out).
REJECT_COLUMNS: tuple[Column, ...] = tuple(
    c for c in LAKE_REJECT_COLUMNS if c.name not in ("month", "load_id")
)

#: Columns of the ``calls_load_log`` view: the call-handling rows of the lake's one load log
#: (its ``logged_at`` named ``loaded_at``).
LOAD_LOG_SCHEMA = pa.schema(
    [
        LAKE_LOAD_LOG.field(name).with_name("loaded_at" if name == "logged_at" else name)
        for name in LAKE_LOAD_LOG.names
        if name not in ("kind", "force_id", "month", "status", "reason", "as_at")
    ]
)


@dataclass(frozen=True)
class ExportKind:
    """One importable source: its fields, its table and how rows are keyed."""

    table: str
    what: str
    fields: tuple[InputField, ...]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    snapshot_prefix: str
    needs_force: bool
    unknown_field: str | None = None


KINDS: dict[str, ExportKind] = {
    "calls_999_monthly": ExportKind(
        "calls_999_monthly",
        "published 999 monthly figures",
        CALLS_999_FIELDS,
        CALLS_999_COLUMNS,
        ("force_id", "month"),
        "policeuk-999",
        needs_force=False,
    ),
    "call_log": ExportKind(
        "call_log",
        "call log",
        CALL_LOG_FIELDS,
        CALL_LOG_COLUMNS,
        ("force_id", "call_id"),
        "call-log",
        needs_force=True,
        unknown_field="line",
    ),
    "incidents": ExportKind(
        "incidents",
        "incidents export",
        INCIDENT_FIELDS,
        INCIDENT_COLUMNS,
        ("force_id", "incident_id"),
        "incidents",
        needs_force=True,
        unknown_field="priority",
    ),
}


@dataclass
class UnknownCount:
    """A raw value no vocabulary maps, loaded as ``unknown``."""

    field: str
    raw_value: str
    rows: int


@dataclass
class CallsLoadReport(SnapshotLabelled):
    """What one load did. rows_read = rows_loaded + rows_rejected."""

    load_id: str
    table_name: str
    source_file: str
    forces: list[str]
    snapshot: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_replaced: int = 0
    unknown: list[UnknownCount] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, max_rejects: int = 20) -> dict[str, Any]:
        """JSON-ready summary with the first rejects."""
        out = asdict(self)
        out["unknown_values"] = sum(u.rows for u in self.unknown)
        out["rejects"] = self.rejects[:max_rejects]
        out["synthetic_data"] = self.is_synthetic
        return out


@dataclass
class ReadResult:
    """A file read and checked, not yet stored."""

    data: pa.Table
    rejects: pa.Table
    report: CallsLoadReport


# --- reading --------------------------------------------------------------------------------


def _connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"preserve_insertion_order": True})
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    # Times without an offset are UK clock time (docs/calls.md).
    con.execute(f"SET TimeZone = '{LOCAL_TZ}'")
    return con


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    result = con.execute(sql).arrow()
    return result.read_all() if hasattr(result, "read_all") else result


def _synthetic_label(path: Path) -> str | None:
    marker = read_marker(path.parent)
    return None if marker is None else marker_snapshot(marker)


def _read_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: ExportKind,
    columns: Mapping[str, str] | None,
    force_id: str | None,
) -> None:
    """Create the temp view ``src`` (one text column per field, record_number, force_id,
    source_file, snapshot) and the table ``parse_rejects``."""
    header = read_header(path)
    index = resolve_columns(header, kind.fields, columns, kind.what)
    if kind.table == "calls_999_monthly" and not {"answered_under_10s", "share_under_10s"} & set(
        index
    ):
        raise SourceFormatError(
            f"not a {kind.what} file: no column for answered_under_10s or share_under_10s "
            f"(columns: {', '.join(header)}); map one with --columns FIELD=HEADER"
        )
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE raw0 AS SELECT * FROM read_csv({_sql_text(str(path))},
            columns = {cols}, header = true, auto_detect = false, delim = ',', quote = '"',
            escape = '"', store_rejects = true, rejects_table = 'csv_rejects',
            rejects_scan = 'csv_scans', max_line_size = 1048576)"""
    )
    # DuckDB numbers lines from the header (line 1): record = line - 1. Rows it could not split
    # are slotted back in between the rows it read, so every record keeps its number.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE parse_rejects AS
        SELECT e.line - 1 AS record_number,
            string_agg(DISTINCT e.error_type || ': ' || e.error_message, '; ') AS reason,
            regexp_replace(first(e.csv_line), '^[\r\n]+|[\r\n]+$', '', 'g') AS raw_row
        FROM csv_rejects AS e GROUP BY ALL"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE raw1 AS
        WITH o AS (SELECT *, row_number() OVER (ORDER BY rowid) AS ordinal FROM raw0),
        th AS (
            SELECT record_number - row_number() OVER (ORDER BY record_number) AS threshold
            FROM parse_rejects
        ), shift AS (
            SELECT o.ordinal, count(th.threshold) AS before
            FROM o JOIN th ON th.threshold < o.ordinal GROUP BY ALL
        )
        SELECT o.* EXCLUDE (ordinal), o.ordinal + coalesce(shift.before, 0) AS record_number
        FROM o LEFT JOIN shift USING (ordinal)"""
    )
    selects = [
        f"c{index[f.name]} AS {f.name}" if f.name in index else f"CAST(NULL AS VARCHAR) AS {f.name}"
        for f in kind.fields
    ]
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW src AS SELECT {", ".join(selects)}, record_number,
            {_sql_text(force_id) if force_id else "CAST(NULL AS VARCHAR)"} AS force_id,
            {_sql_text(path.name)} AS source_file, CAST(NULL AS VARCHAR) AS snapshot
        FROM raw1"""
    )


def _cast_select(columns: tuple[Column, ...], source: str) -> str:
    return f"SELECT {cast_sql(columns)} FROM {source}"


def read_export(
    path: Path | str,
    table: str,
    force_id: str | None = None,
    columns: Mapping[str, str] | None = None,
    snapshot: str | None = None,
    allow_no_force: bool = False,
    threads: int | None = None,
) -> ReadResult:
    """Read and check one file without storing it.

    Args:
        path: the CSV file.
        table: ``calls_999_monthly``, ``call_log`` or ``incidents``.
        force_id: the force the export belongs to (call logs and incidents).
        columns: ``{field: header}`` for headers that differ from the documented ones.
        snapshot: label for the load (default: the synthetic label, else the newest month or
            day in the file).
        allow_no_force: read a call log or incidents export without a force (for staffing
            from a file; ``force_id`` is then NULL).
        threads: DuckDB threads (the workspace's ``duckdb_threads``; None: DuckDB's default).

    Raises:
        ValueError: the file cannot be read at all (missing, empty, wrong header, unknown force).
    """
    path = Path(path)
    kind = KINDS[table]
    if kind.needs_force and not (allow_no_force and not force_id):
        if not force_id:
            raise UserInputError(f"a {kind.what} belongs to one force: give --force")
        lookup_force(force_id)  # UnknownIdError (a UserInputError) names the nearest ids
    con = _connect(threads)
    try:
        _read_raw(con, path, kind, columns, force_id if kind.needs_force else None)
        names = [f.name for f in kind.fields]
        if table == "calls_999_monthly":
            raw = con.execute(f"SELECT *, {raw_row_sql(names, 's')} AS raw_row FROM src AS s").df()
            loaded, rejected = parse_published_999(raw)
            loaded["source_file"] = path.name
            loaded["snapshot"] = None
            rejected["source_file"] = path.name
            con.register("loaded_df", loaded)
            con.register("rejected_df", rejected)
            con.execute(
                "CREATE OR REPLACE TEMP TABLE typed AS "
                + _cast_select(kind.columns, "loaded_df")
                + " ORDER BY force_id, month"
            )
            con.execute(
                """CREATE OR REPLACE TEMP TABLE typed_rejects AS
                SELECT force_id, source_file, source_row, reason, raw_row FROM rejected_df"""
            )
            vintage_sql = "SELECT strftime(max(month), '%Y-%m') FROM typed"
        else:
            select = (call_log_select_sql if table == "call_log" else incidents_select_sql)(
                "src", names
            )
            con.execute(f"CREATE OR REPLACE TEMP TABLE checked AS {select}")
            order = "offered_at" if table == "call_log" else "created_at"
            con.execute(
                "CREATE OR REPLACE TEMP TABLE typed AS "
                + _cast_select(kind.columns, "(SELECT * FROM checked WHERE reject_reason IS NULL)")
                + f" ORDER BY month, {order}"
            )
            con.execute(
                """CREATE OR REPLACE TEMP TABLE typed_rejects AS
                SELECT force_id, source_file, source_row, reject_reason AS reason, raw_row
                FROM checked WHERE reject_reason IS NOT NULL"""
            )
            vintage_sql = f"SELECT strftime(max({order}), '%Y-%m-%d') FROM typed"
        vintage = con.execute(vintage_sql).fetchone()
        label = snapshot or _synthetic_label(path)
        if not label:
            label = f"{kind.snapshot_prefix}-{vintage[0] if vintage and vintage[0] else 'empty'}"
        con.execute("UPDATE typed SET snapshot = ?", [label])
        rejects = _fetch(
            con,
            f"""SELECT {_sql_text(table)} AS table_name, force_id, source_file,
                CAST(source_row AS BIGINT) AS source_row, reason, raw_row,
                {_sql_text(label)} AS snapshot
            FROM typed_rejects
            UNION ALL
            SELECT {_sql_text(table)}, {
                _sql_text(force_id) if kind.needs_force and force_id else "CAST(NULL AS VARCHAR)"
            }, {_sql_text(path.name)},
                CAST(record_number AS BIGINT), reason, raw_row, {_sql_text(label)}
            FROM parse_rejects
            ORDER BY source_row""",
        )
        data = _fetch(con, "SELECT * FROM typed")
        unknown: list[UnknownCount] = []
        if kind.unknown_field:
            raw_col = f"{kind.unknown_field}_raw"
            code_col = f"{kind.unknown_field}_code"
            unknown = [
                UnknownCount(kind.unknown_field, str(v), int(n))
                for v, n in con.execute(
                    f"SELECT {raw_col}, count(*) FROM typed WHERE {code_col} = 'unknown' "
                    "GROUP BY ALL ORDER BY 2 DESC"
                ).fetchall()
            ]
    finally:
        con.close()
    forces_seen = sorted({f for f in data.column("force_id").to_pylist() if f})
    if kind.needs_force and force_id:
        forces_seen = [force_id]
    report = CallsLoadReport(
        load_id=new_load_id(),
        table_name=table,
        source_file=path.name,
        forces=forces_seen,
        snapshot=label,
        rows_read=data.num_rows + rejects.num_rows,
        rows_loaded=data.num_rows,
        rows_rejected=rejects.num_rows,
        unknown=unknown,
        rejects=[
            {"source_row": r["source_row"], "reason": r["reason"]}
            for r in rejects.select(["source_row", "reason"]).slice(0, 100).to_pylist()
        ],
    )
    return ReadResult(data, rejects, report)


# --- storing --------------------------------------------------------------------------------


def load_export(
    path: Path | str,
    table: str,
    data_dir: Where = None,
    force_id: str | None = None,
    columns: Mapping[str, str] | None = None,
    snapshot: str | None = None,
) -> CallsLoadReport:
    """Read one file and merge it into its table in the lake (see the module docstring).

    Raises:
        ValueError: the file cannot be read at all.
        LakeBusyError: another load holds the lake's lock.
    """
    where = workspace_for(data_dir)
    threads = where.settings.duckdb_threads
    lake = Lake(where.data_dir)
    read = read_export(path, table, force_id, columns, snapshot, threads=threads)
    kind = KINDS[table]
    report = read.report
    with load_lock(lake):
        work = lake.staging(report.load_id)
        old = next(iter(lake.current(table)), None)
        con = _connect(threads)
        try:
            con.register("new_rows", read.data)
            n = read.rejects.num_rows
            con.register(
                "new_rejects",
                read.rejects.append_column("month", pa.nulls(n, pa.date32())).append_column(
                    "load_id", pa.array([report.load_id] * n, pa.string())
                ),
            )
            same_file = f"o.source_file = {_sql_text(report.source_file)}"
            if kind.needs_force:
                same_file += f" AND o.force_id = {_sql_text(force_id or '')}"
            key_match = " AND ".join(f"n.{k} = o.{k}" for k in kind.key)
            merged = "SELECT * FROM new_rows"
            merged_rejects = "SELECT * FROM new_rejects"
            if old is not None:
                old_data = f"read_parquet({_sql_text(str(lake.path(old.data_path)))})"
                kept = f"""SELECT o.* FROM {old_data} AS o
                    WHERE NOT ({same_file})
                    AND NOT EXISTS (SELECT 1 FROM new_rows AS n WHERE {key_match})"""
                before = con.execute(f"SELECT count(*) FROM {old_data}").fetchone()
                report.rows_replaced = int(before[0] if before else 0) - int(
                    (con.execute(f"SELECT count(*) FROM ({kept})").fetchone() or (0,))[0]
                )
                merged = f"SELECT * FROM ({kept}) UNION ALL BY NAME SELECT * FROM new_rows"
                if old.rejects_path:
                    old_rejects = (
                        f"read_parquet({_sql_text(str(lake.path(old.rejects_path)))}, "
                        "union_by_name = true)"
                    )
                    merged_rejects = f"""SELECT {_sql_text(table)} AS table_name, o.*
                        FROM {old_rejects} AS o WHERE NOT ({same_file})
                        UNION ALL BY NAME SELECT * FROM new_rejects"""
            order = ", ".join(dict.fromkeys((kind.key[0], "month", *kind.key[1:])))
            data_file = work / "data.parquet"
            con.execute(
                f"COPY ({_cast_select(kind.columns, f'({merged})')} ORDER BY {order}) "
                f"TO {_sql_text(str(data_file))} (FORMAT parquet, COMPRESSION zstd)"
            )
            rejects = _fetch(
                con,
                _cast_select(LAKE_REJECT_COLUMNS, f"({merged_rejects})")
                + " ORDER BY table_name, source_file, source_row",
            )
            rows = int((con.execute(f"SELECT count(*) FROM ({merged})").fetchone() or (0,))[0])
        finally:
            con.close()
        part = StagedPart(
            table=table,
            data=data_file,
            rejects=rejects,
            snapshot=report.snapshot,
            vintage=next_generation(old.vintage if old else None),
            source_file=report.source_file,
            rows_read=rows + rejects.num_rows,
            rows_loaded=rows,
            rows_rejected=rejects.num_rows,
            unknown_values=sum(u.rows for u in report.unknown),
            force_id=force_id if kind.needs_force else None,
        )
        commit(lake, report.load_id, [part])
        lake.log_load(
            report.load_id,
            [
                LoggedFile(
                    table_name=table,
                    kind=None,
                    source_file=report.source_file,
                    force_id=report.forces[0] if len(report.forces) == 1 else None,
                    forces=" ".join(report.forces),
                    month=None,
                    snapshot=report.snapshot,
                    status="loaded",
                    reason=None,
                    rows_read=report.rows_read,
                    rows_loaded=report.rows_loaded,
                    rows_rejected=report.rows_rejected,
                    rows_replaced=report.rows_replaced,
                    unknown_values=sum(u.rows for u in report.unknown),
                )
            ],
            [
                LoggedUnknown(table, report.source_file, u.field, u.raw_value, u.rows)
                for u in report.unknown
            ],
        )
    return report


def next_generation(vintage: str | None) -> str:
    """The vintage of a keyed table's next state: a zero-padded counter (every load replaces
    the whole table, so the counter, not the clock, orders them)."""
    return f"{int(vintage) + 1 if vintage and vintage.isdigit() else 1:012d}"


def load_calls_999(
    path: Path | str,
    data_dir: Where = None,
    columns: Mapping[str, str] | None = None,
    snapshot: str | None = None,
) -> CallsLoadReport:
    """Load a published 999 monthly CSV (all forces in one file)."""
    return load_export(path, "calls_999_monthly", data_dir, None, columns, snapshot)


@dataclass(frozen=True)
class ForceExportLoader:
    """Loads one force's export into its table: ``load_call_log(path, force_id, data_dir)``."""

    table: str

    def __call__(
        self,
        path: Path | str,
        force_id: str,
        data_dir: Where = None,
        columns: Mapping[str, str] | None = None,
        snapshot: str | None = None,
    ) -> CallsLoadReport:
        """Load the file (see :func:`load_export`)."""
        return load_export(path, self.table, data_dir, force_id, columns, snapshot)


#: Load one force's call-log export.
load_call_log = ForceExportLoader("call_log")
#: Load one force's incidents export.
load_incidents = ForceExportLoader("incidents")


# --- reading back ---------------------------------------------------------------------------


def stored(table: str, data_dir: Where = None) -> pd.DataFrame:
    """A stored table as a DataFrame (empty with the declared columns before any load).

    ``calls_rejects`` gives the rejected rows of the three call-handling tables.
    """
    lake = Lake(workspace_for(data_dir).data_dir)
    if table == "calls_rejects":
        parts = [
            pq.read_table(lake.path(p.rejects_path)).to_pandas().assign(table_name=p.table_name)
            for t in KINDS
            for p in lake.current(t)
            if p.rejects_path
        ]
        names = [c.name for c in REJECT_COLUMNS]
        return pd.concat(parts, ignore_index=True)[names] if parts else pd.DataFrame(columns=names)
    current = lake.current(table)
    if not current:
        return pd.DataFrame(columns=[c.name for c in KINDS[table].columns])
    return pq.read_table(lake.path(current[0].data_path)).to_pandas()
