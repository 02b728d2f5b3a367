"""The tables of a force-internal extract in the lake: one partition per force, merged by key.

Offender management, vulnerability and crime recording extracts arrive from one force at a
time and are loaded again and again as the force's systems move on. Each of their tables is
registered in ``store/tables.py`` partitioned by ``force_id`` and keyed by the force and the
file's id. A load reads the force's current partition (:func:`read_stored`), merges the new rows
into it by key (:func:`merge_by_key`: a row replaces the stored row with the same key, stored
rows the extract does not mention are kept) and stages the merged whole with its rejects
(:func:`stage_partition`); ``store.commit.commit`` then swaps every staged table in at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import date
from typing import Any, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from openpeel.provenance import SnapshotLabelled
from openpeel.reference.lake_columns import arrow_schema
from openpeel.sources.internal_extract import ExtractCounts, ExtractRead
from openpeel.store.calls import next_generation
from openpeel.store.commit import StagedPart
from openpeel.store.lake import (
    REJECT_SCHEMA,
    Lake,
    LoggedFile,
    Partition,
    rejects_table,
)
from openpeel.store.tables import lake_table


class ExtractLoadSummary(SnapshotLabelled):
    """Mixed into the load report of a force-internal extract: its ``files``' counts."""

    files: list[ExtractCounts]

    @property
    def rows_rejected(self) -> int:
        """Rows refused across every file."""
        return sum(f.rows_rejected for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (dates as ISO text)."""
        fields = asdict(cast(Any, self))
        out = {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}
        out["synthetic_data"] = self.is_synthetic
        return out


def stored_schema(table: str) -> pa.Schema:
    """Arrow schema of a stored data file: every column but the force (its path names it)."""
    return arrow_schema(lake_table(table).columns, without=("force_id",))


def table_schema(table: str) -> pa.Schema:
    """Arrow schema of a table as read back: the force, then the stored columns."""
    return pa.schema([pa.field("force_id", pa.string()), *stored_schema(table)])


def current_partition(lake: Lake, table: str, force_id: str) -> Partition | None:
    """The force's current partition of a table (None before its first load)."""
    return next((p for p in lake.current(table) if p.force_id == force_id), None)


def _with_force(data: pa.Table, force_id: str) -> pa.Table:
    return data.add_column(0, "force_id", pa.array([force_id] * data.num_rows, pa.string()))


def read_stored(lake: Lake, table: str, force_id: str | None = None) -> pa.Table:
    """Stored rows of one force's partition without the ``force_id`` column (empty before a
    load); with ``force_id=None`` every force's rows, with the ``force_id`` column."""
    schema = stored_schema(table)
    if force_id is not None:
        part = current_partition(lake, table, force_id)
        if part is None:
            return schema.empty_table()
        return pq.read_table(lake.path(part.data_path), schema=schema)
    parts = sorted(lake.current(table), key=lambda p: str(p.force_id))
    tables = [
        _with_force(pq.read_table(lake.path(p.data_path), schema=schema), str(p.force_id))
        for p in parts
    ]
    return pa.concat_tables(tables) if tables else table_schema(table).empty_table()


def read_stored_rejects(lake: Lake, tables: Iterable[str], force_id: str | None) -> pa.Table:
    """Rejected rows of the current partitions of some tables (one force, or every force), in
    the one rejects schema."""
    out = [REJECT_SCHEMA.empty_table()]
    for table in tables:
        for part in lake.current(table):
            if part.rejects_path is None or (force_id is not None and part.force_id != force_id):
                continue
            stored = pq.read_table(lake.path(part.rejects_path))
            n = stored.num_rows
            filled = {
                "table_name": pa.array([table] * n, pa.string()),
                "force_id": pa.array([part.force_id] * n, pa.string()),
            }
            out.append(
                pa.table(
                    {
                        f.name: filled[f.name]
                        if f.name in filled
                        else stored.column(f.name).cast(f.type)
                        if f.name in stored.schema.names
                        else pa.nulls(n, f.type)
                        for f in REJECT_SCHEMA
                    },
                    schema=REJECT_SCHEMA,
                )
            )
    return pa.concat_tables(out)


def merge_by_key(
    stored: pa.Table, new: pa.Table, key: tuple[str, ...], drop: pa.Array | None = None
) -> tuple[pa.Table, int]:
    """Stored rows whose key is not in ``new`` (nor marked in ``drop``), then ``new``, sorted
    by key; and how many stored rows were replaced."""
    if stored.num_rows == 0:
        merged, replaced = new, 0
    else:
        new_keys = {tuple(r.values()) for r in new.select(list(key)).to_pylist()}
        clash = pa.array(
            [tuple(r.values()) in new_keys for r in stored.select(list(key)).to_pylist()],
            pa.bool_(),
        )
        gone = clash if drop is None else pc.or_(clash, drop)
        kept = stored.filter(pc.invert(gone))
        replaced = stored.num_rows - kept.num_rows
        merged = pa.concat_tables([kept, new.select(stored.schema.names).cast(stored.schema)])
    return merged.sort_by([(k, "ascending") for k in key]), replaced


def stage_partition(
    lake: Lake,
    load_id: str,
    table: str,
    force_id: str,
    data: pa.Table,
    rejects: pa.Table | None,
    snapshot: str,
    source_file: str,
    counts: tuple[int, int, int],
) -> StagedPart:
    """Write a force's merged partition to the load's staging folder, ready to commit.

    Args:
        data: every row the partition will hold, in :func:`stored_schema` (no ``force_id``).
        rejects: rows refused, in the one rejects schema (or None).
        counts: rows read, loaded and rejected by this load.
    """
    schema = stored_schema(table)
    staged = lake.staging(load_id) / f"{table}-{uuid.uuid4().hex[:8]}.parquet"
    pq.write_table(data.select(schema.names).cast(schema), staged, compression="zstd")
    previous = current_partition(lake, table, force_id)
    rows_read, rows_loaded, rows_rejected = counts
    return StagedPart(
        table=table,
        data=staged,
        rejects=rejects,
        snapshot=snapshot,
        vintage=next_generation(previous.vintage if previous else None),
        source_file=source_file,
        rows_read=rows_read,
        rows_loaded=rows_loaded,
        rows_rejected=rows_rejected,
        force_id=force_id,
    )


def stage_reads(
    lake: Lake, load_id: str, force_id: str, snapshot: str, reads: Mapping[str, ExtractRead]
) -> tuple[list[StagedPart], dict[str, int], dict[str, int]]:
    """Merge files read with ``sources.internal_extract`` into the force's partitions of their
    tables and stage them. Returns the parts, and per table the rows replaced and stored."""
    parts: list[StagedPart] = []
    replaced: dict[str, int] = {}
    stored: dict[str, int] = {}
    for table, read in reads.items():
        new = read.data_arrow()
        new = new.append_column("snapshot", pa.array([snapshot] * new.num_rows, pa.string()))
        merged, replaced[table] = merge_by_key(
            read_stored(lake, table, force_id),
            new.select(stored_schema(table).names).cast(stored_schema(table)),
            read.spec.key,
        )
        stored[table] = merged.num_rows
        rejects = rejects_table(
            [
                {**r, "force_id": force_id, "snapshot": snapshot, "load_id": load_id}
                for r in read.rejects_arrow().to_pylist()
            ]
        )
        counts = (read.rows_read, read.rows_loaded, read.rows_rejected)
        parts.append(
            stage_partition(
                lake, load_id, table, force_id, merged, rejects, snapshot, read.source_file, counts
            )
        )
    return parts, replaced, stored


def logged_files(
    force_id: str,
    snapshot: str,
    files: Iterable[ExtractCounts],
    replaced: Mapping[str, int],
    as_at: date | None = None,
) -> list[LoggedFile]:
    """The load-log rows of an extract's files."""
    return [
        LoggedFile(
            table_name=f.table_name,
            kind=None,
            source_file=f.source_file,
            force_id=force_id,
            forces=force_id,
            month=None,
            snapshot=snapshot,
            status="loaded",
            reason=None,
            rows_read=f.rows_read,
            rows_loaded=f.rows_loaded,
            rows_rejected=f.rows_rejected,
            rows_replaced=replaced.get(f.table_name, 0),
            unknown_values=0,
            as_at=as_at,
        )
        for f in files
    ]
