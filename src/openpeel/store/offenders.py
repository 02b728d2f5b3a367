"""Load a force's offender management extract into the lake, replacing rows by key.

Each extract table (``offenders``, ``offender_assessments``, ...) holds one partition per force
(``store/tables.py``), committed through the lake's one commit path (``store/commit.py``), with
its rejected rows in the one ``rejects`` table (view ``offender_rejects``) and every load in the
one load log (view ``offender_loads``, with the date the extract describes).

A load reads every file of the extract folder (:mod:`openpeel.sources.offenders`), rejects rows
that name an offender found neither in this extract nor in the lake, then merges each table
with the force's stored partition (``store/force_extract.py``): a new row replaces the stored
row with the same key (force and the file's id) and stored rows the extract does not mention
are kept. Every table read is committed in one manifest swap; an interrupted load leaves the
previous state. Loading the same extract twice therefore changes nothing: the same keys are
replaced by the same rows. A table whose optional file is absent keeps its partition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from openpeel.config import Where, workspace_for
from openpeel.errors import SourceFormatError
from openpeel.provenance import is_synthetic_label, marker_snapshot, read_marker
from openpeel.reference.forces import force as lookup_force
from openpeel.sources.internal_extract import (
    ExtractCounts,
    ExtractRead,
    counts,
    read_extract_folder,
)
from openpeel.sources.offenders import (
    EXTRACT_FILES,
    OFFENDERS,
    REFERS_TO_OFFENDERS,
)
from openpeel.store.commit import commit, load_lock
from openpeel.store.force_extract import (
    ExtractLoadSummary,
    logged_files,
    read_stored,
    read_stored_rejects,
    stage_reads,
)
from openpeel.store.lake import Lake, new_load_id, table_rows_sql
from openpeel.store.migrate import migrate_if_idle

#: The offender tables, in load order.
OFFENDER_TABLES: tuple[str, ...] = tuple(f.table for f in EXTRACT_FILES)

#: Columns of ``stored_table("rejects", ...)`` and of the ``offender_rejects`` view.
REJECT_COLUMNS: tuple[str, ...] = (
    "force_id",
    "table_name",
    "source_file",
    "source_row",
    "reason",
    "raw_row",
)

#: Columns of the ``offender_loads`` view (from the one load log).
LOAD_COLUMNS: tuple[str, ...] = (
    "load_id",
    "loaded_at",
    "force_id",
    "snapshot",
    "as_at",
    "table_name",
    "source_file",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "rows_replaced",
)

#: Dates that say how recent an extract is (its ``as_at`` when none is given).
_ACTIVITY_DATES: dict[str, tuple[str, ...]] = {
    "offenders": ("registered_on", "status_since"),
    "offender_assessments": ("completed_on",),
    "offender_visits": ("done_on",),
    "offender_device_checks": ("checked_on",),
    "offender_orders": ("granted_on",),
    "offender_events": ("occurred_on",),
}


@dataclass
class OffenderLoadReport(ExtractLoadSummary):
    """What one load did: per file, rows read = rows loaded + rows rejected."""

    load_id: str
    force_id: str
    snapshot: str
    as_at: date
    files: list[ExtractCounts]
    rows_replaced: dict[str, int] = field(default_factory=dict)
    files_absent: list[str] = field(default_factory=list)


def _snapshot_label(marker: dict[str, Any] | None, as_at: date) -> str:
    if marker is None:
        return f"offenders-{as_at.isoformat()}"
    return marker_snapshot(marker)


def read_extract(folder: Path | str) -> tuple[dict[str, ExtractRead], list[str]]:
    """Read every file of an extract folder (not stored). Returns reads by table, absent files.

    Raises:
        SourceFormatError: the folder or a required file is missing or malformed.
    """
    return read_extract_folder(folder, EXTRACT_FILES)


def _extract_as_at(reads: dict[str, ExtractRead]) -> date:
    latest: list[pd.Timestamp] = []
    for table, columns in _ACTIVITY_DATES.items():
        if table not in reads:
            continue
        for c in columns:
            value = pd.to_datetime(reads[table].data[c]).max()
            if pd.notna(value):
                latest.append(value)
    if not latest:
        raise SourceFormatError("the extract holds no dated activity: give --as-at")
    return max(latest).date()


def load_offender_extract(
    folder: Path | str,
    force_id: str,
    data_dir: Where = None,
    as_at: date | None = None,
    snapshot: str | None = None,
) -> OffenderLoadReport:
    """Read an extract folder and merge it into the force's offender tables in the lake.

    Args:
        folder: the folder holding the extract's CSV files.
        force_id: the force the extract belongs to.
        data_dir: the data directory (default from the settings).
        as_at: the date the extract describes (default: the synthetic marker's, else the latest
            activity date in the extract).
        snapshot: label of the load (default: the synthetic marker's, else ``offenders-<as_at>``;
            a synthetic extract's label always starts with ``synthetic``).

    Raises:
        UserInputError: unknown force.
        SourceFormatError: the folder or a file cannot be read as declared.
    """
    lookup_force(force_id)  # UnknownIdError (a UserInputError) names the nearest ids
    folder = Path(folder)
    reads, absent = read_extract(folder)
    marker = read_marker(folder)
    if as_at is None and marker and marker.get("as_at"):
        as_at = date.fromisoformat(str(marker["as_at"]))
    as_at = as_at or _extract_as_at(reads)
    label = snapshot or _snapshot_label(marker, as_at)
    if marker is not None and not is_synthetic_label(label):
        label = f"synthetic-{label}"  # a synthetic extract is never relabelled as real
    lake = Lake(workspace_for(data_dir).data_dir)
    load_id = new_load_id()
    with load_lock(lake):
        stored_ids = read_stored(lake, OFFENDERS.table, force_id).column("offender_id")
        known = set(reads[OFFENDERS.table].data["offender_id"]) | set(stored_ids.to_pylist())
        for table in REFERS_TO_OFFENDERS:
            if table in reads:
                data = reads[table].data
                reads[table].reject_rows(
                    ~data["offender_id"].isin(known),
                    "offender_id is not in offenders.csv (nor loaded before)",
                )
        files = [counts(reads[s.table]) for s in EXTRACT_FILES if s.table in reads]
        report = OffenderLoadReport(load_id, force_id, label, as_at, files, files_absent=absent)
        parts, report.rows_replaced, _ = stage_reads(lake, load_id, force_id, label, reads)
        commit(lake, load_id, parts)
        lake.log_load(
            load_id, logged_files(force_id, label, report.files, report.rows_replaced, as_at)
        )
    return report


def offender_view_sql(sql: dict[str, str]) -> dict[str, str]:
    """The SELECTs behind ``offender_rejects`` and ``offender_loads``, over the one rejects
    table and the one load log (given in ``sql``, as ``store.connection.view_sql`` builds
    them; empty until something is loaded)."""
    out = {"offender_rejects": table_rows_sql(sql["rejects"], REJECT_COLUMNS, OFFENDER_TABLES)}
    if "load_log" in sql:
        out["offender_loads"] = table_rows_sql(sql["load_log"], LOAD_COLUMNS, OFFENDER_TABLES)
    else:
        types = {"loaded_at": "TIMESTAMPTZ", "as_at": "DATE"}
        types |= {c: "BIGINT" for c in LOAD_COLUMNS if c.startswith("rows_")}
        cols = ", ".join(f"CAST(NULL AS {types.get(c, 'VARCHAR')}) AS {c}" for c in LOAD_COLUMNS)
        out["offender_loads"] = f"SELECT {cols} WHERE false"
    return out


def stored_table(table: str, force_id: str, data_dir: Where = None) -> pa.Table:
    """One stored table of one force (empty with its schema before any load); ``rejects``:
    the force's rejected rows of every offender table."""
    lake = Lake(workspace_for(data_dir).data_dir)
    migrate_if_idle(lake)
    if table == "rejects":
        rejects = read_stored_rejects(lake, OFFENDER_TABLES, force_id).select(list(REJECT_COLUMNS))
        return rejects.sort_by([("source_file", "ascending"), ("source_row", "ascending")])
    if table not in OFFENDER_TABLES:
        raise KeyError(f"no offender table {table!r}")
    stored = read_stored(lake, table, force_id)
    return stored.add_column(0, "force_id", pa.array([force_id] * stored.num_rows, pa.string()))
