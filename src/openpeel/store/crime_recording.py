"""Load a force's crime recording extract (incidents and recorded crimes) into the lake.

Each table (``recording_incidents``, ``recorded_crimes``) holds one partition per force
(``store/tables.py``), committed through the lake's one commit path (``store/commit.py``) with
its rejected rows in the one ``rejects`` table and each load in the one load log.

A load reads both files of an extract folder (:mod:`openpeel.sources.crime_recording`, through
the shared extract reader), rejects crimes that name an incident found neither in this extract
nor in the lake, merges each table with the force's stored partition by key (a row replaces the
stored row with the same id; stored rows the extract does not mention are kept) and commits both
tables in one manifest swap: an interrupted load leaves the previous state. Loading the same
extract twice changes nothing. After every load, per file, rows read = rows loaded + rows
rejected, printed and stored in the load log.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from openpeel.config import Where, workspace_for
from openpeel.errors import SourceFormatError, UserInputError
from openpeel.provenance import is_synthetic_label
from openpeel.reference.forces import force as lookup_force
from openpeel.sources.crime_recording import (
    EXTRACT_FILES,
    INCIDENTS,
    MARKER_FILE,
    RECORDED_CRIMES,
)
from openpeel.sources.internal_extract import ExtractCounts, ExtractRead, counts, read_extract_file
from openpeel.store.calls import next_generation
from openpeel.store.commit import StagedPart, commit
from openpeel.store.lake import ARROW_TYPES, Lake, LoggedFile, new_load_id, rejects_table
from openpeel.store.migrate import migrate
from openpeel.store.tables import LAKE_TABLES, lake_table


@dataclass
class RecordingLoadReport:
    """What one load did: per file, rows read = rows loaded + rows rejected."""

    load_id: str
    force_id: str
    snapshot: str
    files: list[ExtractCounts]
    rows_replaced: dict[str, int] = field(default_factory=dict)
    rows_stored: dict[str, int] = field(default_factory=dict)

    @property
    def is_synthetic(self) -> bool:
        """The extract was made by openpeel's synthetic generator."""
        return is_synthetic_label(self.snapshot)

    @property
    def rows_rejected(self) -> int:
        """Rows refused across both files."""
        return sum(f.rows_rejected for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        out = asdict(self)
        out["synthetic_data"] = self.is_synthetic
        return out


def _stored_schema(table: str) -> pa.Schema:
    """Arrow schema of a stored data file: every column but the force (the path names it)."""
    return pa.schema(
        [
            pa.field(c.name, ARROW_TYPES[c.type])
            for c in lake_table(table).columns
            if c.name != "force_id"
        ]
    )


def read_extract(folder: Path | str) -> dict[str, ExtractRead]:
    """Read both files of an extract folder (not stored), by table.

    Raises:
        SourceFormatError: the folder or a file is missing or cannot be read as declared.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceFormatError(f"{folder.name}: not a folder (give the extract's folder)")
    for spec in EXTRACT_FILES:
        if not (folder / spec.file_name).exists():
            raise SourceFormatError(
                f"{folder.name}: {spec.file_name} is missing (required: "
                + ", ".join(f.file_name for f in EXTRACT_FILES)
                + ")"
            )
    return {s.table: read_extract_file(folder / s.file_name, s) for s in EXTRACT_FILES}


def _snapshot_label(folder: Path, reads: dict[str, ExtractRead]) -> str:
    marker = folder / MARKER_FILE
    if marker.is_file():
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        label = str(data.get("snapshot") or "") if isinstance(data, dict) else ""
        # A synthetic extract is never labelled as real.
        return label if is_synthetic_label(label) else f"synthetic-{label or 'unknown'}"
    latest = pd.to_datetime(reads[INCIDENTS.table].data["opened_at"]).max()
    return f"crime-recording-{latest.date().isoformat() if pd.notna(latest) else 'empty'}"


def _current(lake: Lake, table: str, force_id: str) -> Any:
    return next((p for p in lake.current(table) if p.force_id == force_id), None)


def _stored_frame(lake: Lake, table: str, force_id: str) -> pd.DataFrame:
    old = _current(lake, table, force_id)
    schema = _stored_schema(table)
    if old is None:
        return schema.empty_table().to_pandas()
    return pq.read_table(lake.path(old.data_path), schema=schema).to_pandas()


def load_crime_recording_extract(
    folder: Path | str,
    force_id: str,
    data_dir: Where = None,
    snapshot: str | None = None,
) -> RecordingLoadReport:
    """Read an extract folder and merge it into the force's crime recording tables.

    Args:
        folder: the folder holding ``incidents.csv`` and ``recorded_crimes.csv``.
        force_id: the force the extract belongs to.
        data_dir: the data directory (default from the settings).
        snapshot: label of the load (default: the synthetic marker's, else
            ``crime-recording-<latest incident date>``).

    Raises:
        UserInputError: unknown force.
        SourceFormatError: the folder or a file cannot be read as declared.
    """
    try:
        lookup_force(force_id)
    except KeyError:
        raise UserInputError(f"unknown force id {force_id!r}") from None
    folder = Path(folder)
    reads = read_extract(folder)
    label = _snapshot_label(folder, reads)
    if snapshot:
        label = snapshot if not is_synthetic_label(label) or is_synthetic_label(snapshot) else label
    lake = Lake(workspace_for(data_dir).data_dir)
    load_id = new_load_id()
    with lake.lock():
        migrate(lake)
        lake.tidy(LAKE_TABLES)
        stored = {s.table: _stored_frame(lake, s.table, force_id) for s in EXTRACT_FILES}
        known = set(reads[INCIDENTS.table].data["incident_id"]) | set(
            stored[INCIDENTS.table]["incident_id"]
        )
        crimes = reads[RECORDED_CRIMES.table]
        crimes.reject_rows(
            crimes.data["incident_id"].notna() & ~crimes.data["incident_id"].isin(known),
            "incident_id is not in incidents.csv (nor loaded before)",
        )
        report = RecordingLoadReport(
            load_id, force_id, label, [counts(reads[s.table]) for s in EXTRACT_FILES]
        )
        work = lake.staging(load_id)
        parts: list[StagedPart] = []
        for spec in EXTRACT_FILES:
            read = reads[spec.table]
            new = read.data.assign(snapshot=label)
            old = stored[spec.table]
            key = list(spec.key)
            replaced = old[key].apply(tuple, axis=1).isin(set(new[key].apply(tuple, axis=1)))
            merged = pd.concat(
                [old[~replaced.to_numpy(dtype=bool)] if len(old) else old, new], ignore_index=True
            ).sort_values(key, kind="stable")
            report.rows_replaced[spec.table] = int(replaced.sum()) if len(old) else 0
            report.rows_stored[spec.table] = len(merged)
            data_file = work / f"{spec.table}.parquet"
            schema = _stored_schema(spec.table)
            pq.write_table(
                pa.Table.from_pandas(merged[schema.names], schema=schema, preserve_index=False),
                data_file,
                compression="zstd",
            )
            rejects = rejects_table(
                [
                    {
                        **{str(k): v for k, v in r.items()},
                        "table_name": spec.table,
                        "force_id": force_id,
                        "snapshot": label,
                        "load_id": load_id,
                    }
                    for r in read.rejects.to_dict(orient="records")
                ]
            )
            previous = _current(lake, spec.table, force_id)
            parts.append(
                StagedPart(
                    table=spec.table,
                    data=data_file,
                    rejects=rejects,
                    snapshot=label,
                    vintage=next_generation(previous.vintage if previous else None),
                    source_file=read.source_file,
                    rows_read=read.rows_read,
                    rows_loaded=read.rows_loaded,
                    rows_rejected=read.rows_rejected,
                    force_id=force_id,
                )
            )
        commit(lake, load_id, parts)
        lake.log_load(
            load_id,
            [
                LoggedFile(
                    table_name=f.table_name,
                    kind=None,
                    source_file=f.source_file,
                    force_id=force_id,
                    forces=force_id,
                    month=None,
                    snapshot=label,
                    status="loaded",
                    reason=None,
                    rows_read=f.rows_read,
                    rows_loaded=f.rows_loaded,
                    rows_rejected=f.rows_rejected,
                    rows_replaced=report.rows_replaced.get(f.table_name, 0),
                    unknown_values=0,
                )
                for f in report.files
            ],
        )
        lake.tidy(LAKE_TABLES)
    return report


def stored_extract(table: str, force_id: str, data_dir: Where = None) -> pd.DataFrame:
    """One stored table of one force, with its ``force_id`` (empty before any load)."""
    if table not in {s.table for s in EXTRACT_FILES}:
        raise KeyError(f"no crime recording table {table!r}")
    lake = Lake(workspace_for(data_dir).data_dir)
    frame = _stored_frame(lake, table, force_id)
    frame.insert(0, "force_id", force_id)
    return frame


def publish_audit_figures(
    figures: pd.DataFrame, force_id: str, audit_id: int, data_dir: Where = None
) -> int:
    """Store one audit's figures in ``crime_recording_audits`` (replacing that audit's earlier
    figures; other audits of the force are kept). Returns the rows stored for the force.

    Args:
        figures: one row per measure and domain, with the table's columns but ``force_id``.
    """
    table = "crime_recording_audits"
    schema = _stored_schema(table)
    missing = [n for n in schema.names if n not in figures]
    if missing:
        raise ValueError(f"audit figures lack {', '.join(missing)}")
    lake = Lake(workspace_for(data_dir).data_dir)
    load_id = new_load_id()
    with lake.lock():
        migrate(lake)
        lake.tidy(LAKE_TABLES)
        old = _stored_frame(lake, table, force_id)
        kept = old[old["audit_id"] != audit_id] if len(old) else old
        merged = pd.concat([kept, figures[schema.names]], ignore_index=True).sort_values(
            ["audit_id", "measure", "domain"], kind="stable"
        )
        data_file = lake.staging(load_id) / f"{table}.parquet"
        pq.write_table(pa.Table.from_pandas(merged, schema=schema, preserve_index=False), data_file)
        previous = _current(lake, table, force_id)
        snapshot = str(figures["snapshot"].iloc[0]) if len(figures) else ""
        commit(
            lake,
            load_id,
            [
                StagedPart(
                    table=table,
                    data=data_file,
                    rejects=None,
                    snapshot=snapshot,
                    vintage=next_generation(previous.vintage if previous else None),
                    source_file=f"audit-{audit_id}",
                    rows_read=len(figures),
                    rows_loaded=len(figures),
                    rows_rejected=0,
                    force_id=force_id,
                )
            ],
        )
        lake.tidy(LAKE_TABLES)
    return len(merged)
