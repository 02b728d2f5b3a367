"""The one commit path: staged partitions go into the lake in one atomic manifest swap.

A load (police.uk archives, call logs, an official spreadsheet, ...) does three things:

1. takes the lake's lock and a load id, and writes each partition it made as a Parquet file in
   its staging folder (``lake.staging(load_id)``), with its rejected rows as a table;
2. calls :func:`commit` with those :class:`StagedPart` — the files move into the lake under
   unique names and the manifest is replaced in one rename, so readers see the old state or the
   new, and a load killed at any point leaves the previous state;
3. writes what it did to the load log (``lake.log_load``).

Which partition a part replaces is decided by its table's partitioning (``store/tables.py``):
a part replaces the current partition with the same name when its vintage is the same or newer;
an older vintage is stored as superseded (kept out of queries).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from openpeel.store.lake import Lake, Partition
from openpeel.store.migrate import migrate
from openpeel.store.tables import LAKE_TABLES, lake_table


@dataclass(frozen=True)
class StagedPart:
    """One partition a load made, staged and not yet in the lake.

    Attributes:
        table: the registered table name.
        data: the staged Parquet file: the table's columns except those its partition names.
        rejects: rows that could not be loaded, in ``lake.REJECT_SCHEMA`` (or None).
        snapshot: the download or load label of the rows.
        vintage: orders snapshots of one partition: the greater is current.
        source_file: the file the rows were read from.
        force_id, month: the partition's force and month when the table is partitioned by them
            (a keyed table may give the one force of the file, for the record).
        partition_values: values of other partition columns (``publication``, ``period``).
    """

    table: str
    data: Path
    rejects: pa.Table | None
    snapshot: str
    vintage: str
    source_file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    unknown_values: int = 0
    force_id: str | None = None
    month: date | None = None
    partition_values: Mapping[str, str] = field(default_factory=dict)


@contextmanager
def load_lock(lake: Lake) -> Iterator[Lake]:
    """Hold the lake's lock for one load (step 1): before it, the lake is brought to the current
    layout and cleared of what an interrupted load left; after it succeeds, of the files its
    commit made obsolete. Raises LakeBusyError when another load holds the lock."""
    with lake.lock():
        migrate(lake)
        lake.tidy(LAKE_TABLES)
        yield lake
        lake.tidy(LAKE_TABLES)


def commit(lake: Lake, load_id: str, parts: Sequence[StagedPart]) -> list[Partition]:
    """Move staged parts into the lake and swap the manifest once; returns their manifest rows.

    Call while holding ``lake.lock()``. Older files are hard-linked into ``_superseded`` before
    the swap and unlinked from the query tree after it, so a crash at any point leaves every
    listed file in place.

    Returns:
        One manifest row per part, in order: ``status`` is ``current``, or ``superseded`` when
        a newer vintage of its partition is already current.
    """
    now = datetime.now(UTC)
    partitions = {(p.key, p.status, p.data_path): p for p in lake.partitions()}
    current = {p.key: p for p in partitions.values() if p.status == "current"}
    # The manifest rows of each partition name: a load's parts find theirs without a scan of
    # the whole manifest each (a national load commits thousands of parts).
    by_key: dict[tuple[str, str], set[tuple[tuple[str, str], str, str]]] = {}
    for k in partitions:
        by_key.setdefault(k[0], set()).add(k)
    to_unlink: list[str] = []
    out: list[Partition] = []
    for s in parts:
        table = lake_table(s.table)
        name = table.partition(
            {"force_id": s.force_id, "month": s.month, "vintage": s.vintage, **s.partition_values}
        )
        key = (table.name, name)
        old = current.get(key)
        newer_exists = old is not None and old.vintage > s.vintage
        dir_data, dir_rej = table.data_dir(name), table.rejects_dir(name)
        if newer_exists:
            dir_data, dir_rej = f"_superseded/{dir_data}", f"_superseded/{dir_rej}"
        data_path = lake.place(s.data, dir_data, load_id)
        rejects_path = None
        if s.rejects is not None and s.rejects.num_rows:
            staged = lake.staging(load_id) / f"rejects-{uuid.uuid4().hex[:8]}.parquet"
            pq.write_table(_rejects_file(s.rejects, table.partition_by, load_id), staged)
            rejects_path = lake.place(staged, dir_rej, load_id)
        new = Partition(
            table_name=table.name,
            partition=name,
            force_id=s.force_id,
            month=s.month,
            snapshot=s.snapshot,
            vintage=s.vintage,
            status="superseded" if newer_exists else "current",
            ingest_id=load_id,
            source_file=s.source_file,
            rows_read=s.rows_read,
            rows_loaded=s.rows_loaded,
            rows_rejected=s.rows_rejected,
            unknown_values=s.unknown_values,
            data_path=data_path,
            rejects_path=rejects_path,
            loaded_at=now,
        )
        # A snapshot loaded again replaces its earlier load, whether current or superseded.
        same = by_key.setdefault(key, set())
        for k in sorted(k for k in same if partitions[k].vintage == s.vintage):
            to_unlink += [x for x in (partitions[k].data_path, partitions[k].rejects_path) if x]
            del partitions[k]
            same.discard(k)
        if old is not None and old.vintage < s.vintage:
            del partitions[(old.key, old.status, old.data_path)]
            same.discard((old.key, old.status, old.data_path))
            to_unlink += [p for p in (old.data_path, old.rejects_path) if p]
            if table.keep_superseded:  # keep the older snapshot, unqueried
                kept = replace(
                    old,
                    status="superseded",
                    data_path=_link_superseded(lake, old.data_path),
                    rejects_path=(
                        _link_superseded(lake, old.rejects_path) if old.rejects_path else None
                    ),
                )
                partitions[(kept.key, kept.status, kept.data_path)] = kept
                same.add((kept.key, kept.status, kept.data_path))
        partitions[(new.key, new.status, new.data_path)] = new
        same.add((new.key, new.status, new.data_path))
        if new.status == "current":
            current[key] = new
        out.append(new)
    lake.write_manifest(list(partitions.values()))
    listed = {x for p in partitions.values() for x in (p.data_path, p.rejects_path) if x}
    for relative in set(to_unlink) - listed:
        lake.path(relative).unlink(missing_ok=True)
    return out


def _rejects_file(rejects: pa.Table, partition_by: tuple[str, ...], load_id: str) -> pa.Table:
    """Rejected rows as stored: without the columns the path names (the table and the
    partition), and with the load id where the load left it empty."""
    if "load_id" in rejects.schema.names:
        index = rejects.schema.get_field_index("load_id")
        filled = pc.fill_null(rejects.column(index), pa.scalar(load_id, pa.string()))
        rejects = rejects.set_column(index, "load_id", filled)
    drop = [c for c in ("table_name", *partition_by) if c in rejects.schema.names]
    return rejects.drop_columns(drop)


def _link_superseded(lake: Lake, relative: str) -> str:
    if relative.startswith("_superseded/"):
        return relative
    target_rel = f"_superseded/{relative}"
    target = lake.path(target_rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.link(lake.path(relative), target)
    return target_rel
