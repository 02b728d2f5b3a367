"""Bring a lake written by an earlier openpeel to the one layout, once.

Earlier lakes kept the call-handling tables in their own generations (``calls/<table>/CURRENT``
naming ``calls/<table>/<generation>/data.parquet`` and ``rejects.parquet``) with their own load
log (``calls/load_log``), and the police.uk load log in ``ingest_log/``. :func:`migrate` moves
each into the manifest, the one rejects table and the one load log. Every step can be repeated:
a migration killed part-way is finished by the next one, and nothing is lost in between (old
files are removed only after the manifest or log that replaces them is written).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from openpeel.sources.policeuk_tables import KIND_TABLE
from openpeel.store.lake import (
    LOAD_LOG_SCHEMA,
    UNKNOWN_LOG_SCHEMA,
    Lake,
    LakeBusyError,
    Partition,
    atomic_write_parquet,
)
from openpeel.store.tables import LAKE_TABLES

LEGACY_CALLS = "calls"
LEGACY_INGEST_LOG = "ingest_log"


def needs_migration(lake: Lake) -> bool:
    """The lake holds something in an earlier layout."""
    return (lake.root / LEGACY_CALLS).exists() or (lake.root / LEGACY_INGEST_LOG).exists()


def migrate(lake: Lake) -> bool:
    """Move everything in an earlier layout to the current one. Call holding the lock.

    Returns:
        True when something was migrated.
    """
    if not needs_migration(lake):
        return False
    _migrate_calls_tables(lake)
    _migrate_calls_log(lake)
    _migrate_ingest_log(lake)
    return True


def migrate_if_idle(lake: Lake) -> None:
    """Migrate when nobody is writing (a reader's courtesy; a writer migrates anyway)."""
    if not needs_migration(lake):
        return
    try:
        with lake.lock():
            migrate(lake)
    except (LakeBusyError, OSError):  # busy, or a read-only lake: the next writer migrates
        return


def _legacy_log(lake: Lake) -> dict[str, dict[str, object]]:
    """The calls load log, by load id."""
    base = lake.root / LEGACY_CALLS / "load_log"
    rows: dict[str, dict[str, object]] = {}
    for path in sorted(base.glob("*.parquet")) if base.exists() else []:
        for row in pq.read_table(path).to_pylist():
            rows[str(row["load_id"])] = row
    return rows


def _migrate_calls_tables(lake: Lake) -> None:
    log = _legacy_log(lake)
    partitions = lake.partitions()
    have = {(p.table_name, p.ingest_id) for p in partitions}
    added: list[Partition] = []
    for name in ("calls_999_monthly", "call_log", "incidents"):
        base = lake.root / LEGACY_CALLS / name
        pointer = base / "CURRENT"
        if not pointer.is_file():
            continue
        generation = pointer.read_text(encoding="utf-8").strip()
        folder = base / generation
        if not (folder / "data.parquet").is_file() or (name, generation) in have:
            continue
        table = LAKE_TABLES[name]
        data_rel = f"{table.data_dir('')}/part-{generation}-migrated.parquet"
        target = lake.path(data_rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        shutil.copyfile(folder / "data.parquet", target)
        rows = pq.read_metadata(target).num_rows
        rejects_rel = None
        rejected = 0
        if (folder / "rejects.parquet").is_file():
            rejects = pq.read_table(folder / "rejects.parquet")
            rejected = rejects.num_rows
            if rejected:
                rejects = (
                    rejects.drop_columns(["table_name"])
                    .append_column("month", pa.nulls(rejected, pa.date32()))
                    .append_column("load_id", pa.array([generation] * rejected, pa.string()))
                )
                rejects_rel = f"{table.rejects_dir('')}/part-{generation}-migrated.parquet"
                atomic_write_parquet(rejects, lake.path(rejects_rel))
        last = log.get(generation, {})
        added.append(
            Partition(
                table_name=name,
                partition="",
                force_id=None,
                month=None,
                snapshot=str(last.get("snapshot") or "unknown"),
                vintage=f"{1:012d}",  # the first generation of the one layout
                status="current",
                ingest_id=generation,
                source_file=str(last.get("source_file") or ""),
                rows_read=rows + rejected,
                rows_loaded=rows,
                rows_rejected=rejected,
                unknown_values=int(last.get("unknown_values") or 0),  # type: ignore[call-overload]
                data_path=data_rel,
                rejects_path=rejects_rel,
                loaded_at=datetime.now(UTC),
            )
        )
    if added:
        kept = [p for p in partitions if p.table_name not in {a.table_name for a in added}]
        lake.write_manifest(kept + added)
    # The load logs are migrated next; the generations go only once they are in the manifest.
    for name in ("calls_999_monthly", "call_log", "incidents"):
        shutil.rmtree(lake.root / LEGACY_CALLS / name, ignore_errors=True)


def _migrate_calls_log(lake: Lake) -> None:
    base = lake.root / LEGACY_CALLS / "load_log"
    for path in sorted(base.glob("*.parquet")) if base.exists() else []:
        old = pq.read_table(path)
        n = old.num_rows
        forces = old.column("forces")
        one_force = pc.if_else(pc.match_substring(forces, " "), None, forces)
        text, day = pa.nulls(n, pa.string()), pa.nulls(n, pa.date32())
        new = pa.table(
            {
                "load_id": old.column("load_id"),
                "logged_at": old.column("loaded_at"),
                "table_name": old.column("table_name"),
                "kind": text,
                "source_file": old.column("source_file"),
                "force_id": one_force,
                "forces": forces,
                "month": day,
                "snapshot": old.column("snapshot"),
                "status": pa.array(["loaded"] * n, pa.string()),
                "reason": text,
                "rows_read": old.column("rows_read"),
                "rows_loaded": old.column("rows_loaded"),
                "rows_rejected": old.column("rows_rejected"),
                "rows_replaced": old.column("rows_replaced"),
                "unknown_values": old.column("unknown_values"),
            }
        ).cast(LOAD_LOG_SCHEMA)
        atomic_write_parquet(new, lake.root / "load_log" / f"{path.stem}-calls-files.parquet")
        path.unlink()
    shutil.rmtree(lake.root / LEGACY_CALLS, ignore_errors=True)


def _table_of(source_file: str) -> str | None:
    for kind, table in KIND_TABLE.items():
        if Path(source_file).name.endswith(f"-{kind}.csv"):
            return table
    return None


def _migrate_ingest_log(lake: Lake) -> None:
    base = lake.root / LEGACY_INGEST_LOG
    for path in sorted(base.glob("*.parquet")) if base.exists() else []:
        old = pq.read_table(path)
        rows = old.to_pylist()
        if path.stem.endswith("-unknown"):
            new = pa.Table.from_pylist(
                [
                    {
                        "load_id": r["ingest_id"],
                        "table_name": _table_of(r["source_file"]),
                        "source_file": r["source_file"],
                        "field": r["field"],
                        "raw_value": r["raw_value"],
                        "rows": r["rows"],
                    }
                    for r in rows
                ],
                schema=UNKNOWN_LOG_SCHEMA,
            )
        else:
            new = pa.Table.from_pylist(
                [
                    {
                        **{k: v for k, v in r.items() if k in LOAD_LOG_SCHEMA.names},
                        "load_id": r["ingest_id"],
                        "table_name": KIND_TABLE.get(r["kind"] or ""),
                        "forces": r["force_id"],
                        "rows_replaced": 0,
                    }
                    for r in rows
                ],
                schema=LOAD_LOG_SCHEMA,
            )
        atomic_write_parquet(new, lake.root / "load_log" / path.name)
        path.unlink()
    shutil.rmtree(base, ignore_errors=True)
