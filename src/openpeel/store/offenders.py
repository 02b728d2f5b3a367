"""Load a force's offender management extract into the lake, replacing rows by key.

Layout under ``<data_dir>/lake/offenders/``::

    force_id=<force>/CURRENT                  name of the current generation (swapped atomically)
    force_id=<force>/<generation>/<table>.parquet   every stored row of each extract table
    force_id=<force>/<generation>/rejects.parquet   rows refused by the latest load of each file
    load_log/<load_id>.parquet                one row per file per load (read/loaded/rejected)

A load reads every file of the extract folder (:mod:`openpeel.sources.offenders`), rejects rows
that name an offender found neither in this extract nor in the lake, then writes a new generation
in which each new row replaces the stored row with the same key (force and the file's id) and
stored rows the extract does not mention are kept. Swapping ``CURRENT`` commits every table at
once; an interrupted load leaves the previous generation intact. Loading the same extract twice
therefore changes nothing: the same keys are replaced by the same rows.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from openpeel.config import Where, workspace_for
from openpeel.errors import SourceFormatError, UserInputError
from openpeel.provenance import is_synthetic_label
from openpeel.reference.forces import force as lookup_force
from openpeel.sources.internal_extract import (
    REJECT_SCHEMA,
    ExtractCounts,
    ExtractRead,
    counts,
    read_extract_file,
)
from openpeel.sources.offenders import (
    EXTRACT_FILES,
    MARKER_FILE,
    OFFENDERS,
    REFERS_TO_OFFENDERS,
)
from openpeel.sql import sql_list
from openpeel.store.lake import Lake, atomic_write_parquet, new_ingest_id

#: Extra columns every stored row carries besides the declared ones and the file lineage.
STORED_FIELDS: tuple[pa.Field, ...] = (
    pa.field("force_id", pa.string()),
    pa.field("snapshot", pa.string()),
)

LOAD_LOG_SCHEMA = pa.schema(
    [
        ("load_id", pa.string()),
        ("loaded_at", pa.timestamp("us", tz="UTC")),
        ("force_id", pa.string()),
        ("snapshot", pa.string()),
        ("as_at", pa.date32()),
        ("table_name", pa.string()),
        ("source_file", pa.string()),
        ("rows_read", pa.int64()),
        ("rows_loaded", pa.int64()),
        ("rows_rejected", pa.int64()),
        ("rows_replaced", pa.int64()),
    ]
)

STORED_REJECT_SCHEMA = pa.schema([pa.field("force_id", pa.string()), *REJECT_SCHEMA])

#: Dates that say how recent an extract is (its ``as_at`` when none is given).
_ACTIVITY_DATES: dict[str, tuple[str, ...]] = {
    "offenders": ("registered_on", "status_since"),
    "offender_assessments": ("completed_on",),
    "offender_visits": ("done_on",),
    "offender_device_checks": ("checked_on",),
    "offender_orders": ("granted_on",),
    "offender_events": ("occurred_on",),
}


def table_schema(table: str) -> pa.Schema:
    """Arrow schema of a stored offender table (declared columns, lineage, force, snapshot)."""
    spec = next(f for f in EXTRACT_FILES if f.table == table)
    return pa.schema([*spec.schema, *STORED_FIELDS])


@dataclass
class OffenderLoadReport:
    """What one load did: per file, rows read = rows loaded + rows rejected."""

    load_id: str
    force_id: str
    snapshot: str
    as_at: date
    files: list[ExtractCounts]
    rows_replaced: dict[str, int] = field(default_factory=dict)
    files_absent: list[str] = field(default_factory=list)

    @property
    def is_synthetic(self) -> bool:
        """The extract was made by openpeel's synthetic generator."""
        return is_synthetic_label(self.snapshot)

    @property
    def rows_rejected(self) -> int:
        """Rows refused across every file."""
        return sum(f.rows_rejected for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        out = asdict(self)
        out["as_at"] = self.as_at.isoformat()
        out["synthetic_data"] = self.is_synthetic
        return out


def _force_dir(lake: Lake, force_id: str) -> Path:
    return lake.root / "offenders" / f"force_id={force_id}"


def current_generation(lake: Lake, force_id: str) -> Path | None:
    """The folder of a force's current generation, or None before its first load."""
    pointer = _force_dir(lake, force_id) / "CURRENT"
    if not pointer.is_file():
        return None
    folder = _force_dir(lake, force_id) / pointer.read_text(encoding="utf-8").strip()
    return folder if folder.is_dir() else None


def _marker(folder: Path) -> dict[str, Any] | None:
    """The synthetic marker's content ({} when unreadable), or None for a real extract."""
    marker = folder / MARKER_FILE
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _snapshot_label(marker: dict[str, Any] | None, as_at: date) -> str:
    if marker is None:
        return f"offenders-{as_at.isoformat()}"
    label = str(marker.get("snapshot") or "")
    return label if is_synthetic_label(label) else "synthetic-unknown"


def read_extract(folder: Path | str) -> tuple[dict[str, ExtractRead], list[str]]:
    """Read every file of an extract folder (not stored). Returns reads by table, absent files.

    Raises:
        SourceFormatError: the folder or a required file is missing or malformed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceFormatError(f"{folder.name}: not a folder (give the extract's folder)")
    reads: dict[str, ExtractRead] = {}
    absent: list[str] = []
    for spec in EXTRACT_FILES:
        path = folder / spec.file_name
        if not path.exists():
            if spec.required_file:
                raise SourceFormatError(
                    f"{folder.name}: {spec.file_name} is missing (required: "
                    + ", ".join(f.file_name for f in EXTRACT_FILES if f.required_file)
                    + ")"
                )
            absent.append(spec.file_name)
            continue
        reads[spec.table] = read_extract_file(path, spec)
    return reads, absent


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
    try:
        lookup_force(force_id)
    except KeyError as err:
        raise UserInputError(str(err)) from None
    folder = Path(folder)
    reads, absent = read_extract(folder)
    marker = _marker(folder)
    if as_at is None and marker and marker.get("as_at"):
        as_at = date.fromisoformat(str(marker["as_at"]))
    as_at = as_at or _extract_as_at(reads)
    label = snapshot or _snapshot_label(marker, as_at)
    if marker is not None and not is_synthetic_label(label):
        label = f"synthetic-{label}"  # a synthetic extract is never relabelled as real
    lake = Lake(workspace_for(data_dir).data_dir)
    load_id = new_ingest_id()
    with lake.lock():
        old = current_generation(lake, force_id)
        stored = {
            spec.table: _read_stored(old, spec.table, table_schema(spec.table))
            for spec in EXTRACT_FILES
        }
        known = set(reads[OFFENDERS.table].data["offender_id"]) | set(
            stored[OFFENDERS.table]["offender_id"]
        )
        for table in REFERS_TO_OFFENDERS:
            if table in reads:
                data = reads[table].data
                reads[table].reject_rows(
                    ~data["offender_id"].isin(known),
                    "offender_id is not in offenders.csv (nor loaded before)",
                )
        files = [counts(reads[s.table]) for s in EXTRACT_FILES if s.table in reads]
        report = OffenderLoadReport(load_id, force_id, label, as_at, files, files_absent=absent)
        generation = _force_dir(lake, force_id) / load_id
        generation.mkdir(parents=True, exist_ok=True)
        for spec in EXTRACT_FILES:
            schema = table_schema(spec.table)
            merged = stored[spec.table]
            if spec.table in reads:
                new = reads[spec.table].data_arrow()
                new = new.append_column(
                    "force_id", pa.array([force_id] * new.num_rows, pa.string())
                )
                new = new.append_column("snapshot", pa.array([label] * new.num_rows, pa.string()))
                merged, replaced = _keyed_replace(merged, new.cast(schema), spec.key)
                report.rows_replaced[spec.table] = replaced
            _write(merged, generation / f"{spec.table}.parquet")
        rejects = _merged_rejects(old, reads, force_id)
        _write(rejects, generation / "rejects.parquet")
        _commit(lake, force_id, load_id)
        _write_log(lake, report)
    return report


def _read_stored(generation: Path | None, table: str, schema: pa.Schema) -> pa.Table:
    if generation is None or not (generation / f"{table}.parquet").is_file():
        return schema.empty_table()
    return pq.read_table(generation / f"{table}.parquet", schema=schema)


def _keyed_replace(stored: pa.Table, new: pa.Table, key: tuple[str, ...]) -> tuple[pa.Table, int]:
    """Stored rows whose key is not in ``new``, then ``new``, sorted by key; and rows replaced."""
    if stored.num_rows == 0:
        merged = new
        replaced = 0
    else:
        new_keys = {tuple(r.values()) for r in new.select(list(key)).to_pylist()}
        keep = [tuple(r.values()) not in new_keys for r in stored.select(list(key)).to_pylist()]
        kept = stored.filter(pa.array(keep, pa.bool_()))
        replaced = stored.num_rows - kept.num_rows
        merged = pa.concat_tables([kept, new])
    return merged.sort_by([(k, "ascending") for k in key]), replaced


def _merged_rejects(old: Path | None, reads: dict[str, ExtractRead], force_id: str) -> pa.Table:
    """Rejects of earlier loads of files not read now, then this load's rejects."""
    previous = _read_stored(old, "rejects", STORED_REJECT_SCHEMA)
    files_now = [r.source_file for r in reads.values()]
    if previous.num_rows:
        keep = [f not in files_now for f in previous.column("source_file").to_pylist()]
        previous = previous.filter(pa.array(keep, pa.bool_()))
    parts = [previous]
    for read in reads.values():
        rejects = read.rejects_arrow()
        parts.append(
            pa.Table.from_arrays(
                [pa.array([force_id] * rejects.num_rows, pa.string()), *rejects.columns],
                schema=STORED_REJECT_SCHEMA,
            )
        )
    order = [("source_file", "ascending"), ("source_row", "ascending")]
    return pa.concat_tables(parts).sort_by(order)


def _write(table: pa.Table, path: Path) -> None:
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd")
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _commit(lake: Lake, force_id: str, generation: str) -> None:
    base = _force_dir(lake, force_id)
    pointer = base / "CURRENT"
    previous = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None
    tmp = base / f".CURRENT.{uuid.uuid4().hex[:8]}.tmp"
    tmp.write_text(generation, encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, pointer)
    # Keep the previous generation for a reader that opened it just before the swap.
    for child in base.iterdir():
        if child.is_dir() and child.name not in {generation, previous}:
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(".CURRENT."):
            child.unlink(missing_ok=True)


def _write_log(lake: Lake, report: OffenderLoadReport) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "load_id": report.load_id,
            "loaded_at": now,
            "force_id": report.force_id,
            "snapshot": report.snapshot,
            "as_at": report.as_at,
            "table_name": f.table_name,
            "source_file": f.source_file,
            "rows_read": f.rows_read,
            "rows_loaded": f.rows_loaded,
            "rows_rejected": f.rows_rejected,
            "rows_replaced": report.rows_replaced.get(f.table_name, 0),
        }
        for f in report.files
    ]
    atomic_write_parquet(
        pa.Table.from_pylist(rows, schema=LOAD_LOG_SCHEMA),
        lake.root / "offenders" / "load_log" / f"{report.load_id}.parquet",
    )


# --- reading back ---------------------------------------------------------------------------


def _empty_select(schema: pa.Schema) -> str:
    types = {
        pa.string(): "VARCHAR",
        pa.date32(): "DATE",
        pa.float64(): "DOUBLE",
        pa.int64(): "BIGINT",
        pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
    }
    cols = ", ".join(f"CAST(NULL AS {types[f.type]}) AS {f.name}" for f in schema)
    return f"SELECT {cols} WHERE false"


def offender_view_sql(lake: Lake) -> dict[str, str]:
    """The SELECT behind each offender view (every force's current generation; empty until
    loaded): the extract tables, ``offender_rejects`` and ``offender_loads``."""
    base = lake.root / "offenders"
    generations = (
        [g for d in sorted(base.glob("force_id=*")) if (g := _current_of(d)) is not None]
        if base.is_dir()
        else []
    )
    sql: dict[str, str] = {}
    for spec in EXTRACT_FILES:
        files = [str(g / f"{spec.table}.parquet") for g in generations]
        sql[spec.table] = _parquet_or_empty(files, table_schema(spec.table))
    sql["offender_rejects"] = _parquet_or_empty(
        [str(g / "rejects.parquet") for g in generations], STORED_REJECT_SCHEMA
    )
    logs = sorted(str(p) for p in (base / "load_log").glob("*.parquet")) if base.is_dir() else []
    sql["offender_loads"] = _parquet_or_empty(logs, LOAD_LOG_SCHEMA)
    return sql


def _current_of(force_dir: Path) -> Path | None:
    pointer = force_dir / "CURRENT"
    if not pointer.is_file():
        return None
    folder = force_dir / pointer.read_text(encoding="utf-8").strip()
    return folder if folder.is_dir() else None


def _parquet_or_empty(files: list[str], schema: pa.Schema) -> str:
    if not files:
        return _empty_select(schema)
    listed = sql_list(files)
    return f"SELECT * FROM read_parquet({listed}, union_by_name = true)"


def stored_table(table: str, force_id: str, data_dir: Where = None) -> pa.Table:
    """One stored table of one force (empty with its schema before any load)."""
    lake = Lake(workspace_for(data_dir).data_dir)
    schema = STORED_REJECT_SCHEMA if table == "rejects" else table_schema(table)
    return _read_stored(current_generation(lake, force_id), table, schema)
