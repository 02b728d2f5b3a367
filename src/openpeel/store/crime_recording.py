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

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.config import Where, workspace_for
from openpeel.provenance import is_synthetic_label, marker_snapshot, read_marker
from openpeel.reference.forces import force as lookup_force
from openpeel.sources.crime_recording import (
    EXTRACT_FILES,
    INCIDENTS,
    RECORDED_CRIMES,
)
from openpeel.sources.internal_extract import (
    ExtractCounts,
    ExtractRead,
    counts,
    read_extract_folder,
)
from openpeel.store.commit import commit, load_lock
from openpeel.store.force_extract import (
    ExtractLoadSummary,
    logged_files,
    read_stored,
    stage_partition,
    stage_reads,
    stored_schema,
)
from openpeel.store.lake import Lake, new_load_id


@dataclass
class RecordingLoadReport(ExtractLoadSummary):
    """What one load did: per file, rows read = rows loaded + rows rejected."""

    load_id: str
    force_id: str
    snapshot: str
    files: list[ExtractCounts]
    rows_replaced: dict[str, int] = field(default_factory=dict)
    rows_stored: dict[str, int] = field(default_factory=dict)


def read_extract(folder: Path | str) -> dict[str, ExtractRead]:
    """Read both files of an extract folder (not stored), by table.

    Raises:
        SourceFormatError: the folder or a file is missing or cannot be read as declared.
    """
    return read_extract_folder(folder, EXTRACT_FILES)[0]


def _snapshot_label(folder: Path, reads: dict[str, ExtractRead]) -> str:
    marker = read_marker(folder)
    if marker is not None:
        return marker_snapshot(marker)
    latest = pd.to_datetime(reads[INCIDENTS.table].data["opened_at"]).max()
    return f"crime-recording-{latest.date().isoformat() if pd.notna(latest) else 'empty'}"


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
    lookup_force(force_id)  # UnknownIdError (a UserInputError) names the nearest ids
    folder = Path(folder)
    reads = read_extract(folder)
    label = _snapshot_label(folder, reads)
    if snapshot:
        label = snapshot if not is_synthetic_label(label) or is_synthetic_label(snapshot) else label
    lake = Lake(workspace_for(data_dir).data_dir)
    load_id = new_load_id()
    with load_lock(lake):
        stored_ids = read_stored(lake, INCIDENTS.table, force_id).column("incident_id")
        known = set(reads[INCIDENTS.table].data["incident_id"]) | set(stored_ids.to_pylist())
        crimes = reads[RECORDED_CRIMES.table]
        crimes.reject_rows(
            crimes.data["incident_id"].notna() & ~crimes.data["incident_id"].isin(known),
            "incident_id is not in incidents.csv (nor loaded before)",
        )
        report = RecordingLoadReport(
            load_id, force_id, label, [counts(reads[s.table]) for s in EXTRACT_FILES]
        )
        parts, report.rows_replaced, report.rows_stored = stage_reads(
            lake, load_id, force_id, label, reads
        )
        commit(lake, load_id, parts)
        lake.log_load(load_id, logged_files(force_id, label, report.files, report.rows_replaced))
    return report


def stored_extract(table: str, force_id: str, data_dir: Where = None) -> pd.DataFrame:
    """One stored table of one force, with its ``force_id`` (empty before any load)."""
    if table not in {s.table for s in EXTRACT_FILES}:
        raise KeyError(f"no crime recording table {table!r}")
    lake = Lake(workspace_for(data_dir).data_dir)
    frame = read_stored(lake, table, force_id).to_pandas()
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
    schema = stored_schema(table)
    missing = [n for n in schema.names if n not in figures]
    if missing:
        raise ValueError(f"audit figures lack {', '.join(missing)}")
    lake = Lake(workspace_for(data_dir).data_dir)
    load_id = new_load_id()
    with load_lock(lake):
        old = read_stored(lake, table, force_id)
        kept = old.filter(pc.not_equal(old.column("audit_id"), audit_id))
        new = pa.Table.from_pandas(figures[schema.names], schema=schema, preserve_index=False)
        merged = pa.concat_tables([kept, new]).sort_by(
            [(k, "ascending") for k in ("audit_id", "measure", "domain")]
        )
        snapshot = str(figures["snapshot"].iloc[0]) if len(figures) else ""
        rows = (len(figures), len(figures), 0)
        part = stage_partition(
            lake, load_id, table, force_id, merged, None, snapshot, f"audit-{audit_id}", rows
        )
        commit(lake, load_id, [part])
    return merged.num_rows
