"""Bring a lake written by an earlier openpeel to the one layout, once.

Earlier lakes kept the call-handling tables in their own generations (``calls/<table>/CURRENT``
naming ``calls/<table>/<generation>/data.parquet`` and ``rejects.parquet``) with their own load
log (``calls/load_log``), and the police.uk load log in ``ingest_log/``; the offender management
extract in generations per force (``offenders/force_id=<force>/CURRENT`` naming a folder of
``<table>.parquet`` and ``rejects.parquet``, its log in ``offenders/load_log``); the
vulnerability extract in generations per table (``vulnerability/<table>/CURRENT``, every force
in one ``data.parquet``); official statistics in their own manifest
(``official/_manifest.parquet``) with their own rejects (``official_rejects/``). :func:`migrate`
moves each into the manifest, the one rejects table and the one load log. Every step can be
repeated: a migration killed part-way is finished by the next one, and nothing is lost in
between (old files are removed only after the manifest or log that replaces them is written).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from openpeel.reference.lake_columns import arrow_schema
from openpeel.sources.offenders import EXTRACT_FILES as OFFENDER_FILES
from openpeel.sources.policeuk_tables import KIND_TABLE
from openpeel.sources.vulnerability_extract import TABLES as VULNERABILITY_TABLES
from openpeel.store.lake import (
    LOAD_LOG_SCHEMA,
    REJECT_SCHEMA,
    UNKNOWN_LOG_SCHEMA,
    Lake,
    LakeBusyError,
    Partition,
    atomic_write_parquet,
    published_rejects,
)
from openpeel.store.tables import LAKE_TABLES

LEGACY_CALLS = "calls"
LEGACY_INGEST_LOG = "ingest_log"
LEGACY_OFFENDERS = "offenders"
LEGACY_VULNERABILITY = "vulnerability"
LEGACY_OFFICIAL_MANIFEST = "official/_manifest.parquet"
LEGACY_OFFICIAL_REJECTS = "official_rejects"


def _legacy_vulnerability(lake: Lake) -> list[str]:
    """Vulnerability tables still in generations (the ``area`` folder stays where it is)."""
    base = lake.root / LEGACY_VULNERABILITY
    return [t for t in VULNERABILITY_TABLES if (base / t).is_dir()]


def _legacy_offenders_dirs(lake: Lake) -> list[Path]:
    """What the offender generations left: each force's ``CURRENT`` and generation folders,
    and their load log (the ``offenders`` table's own partitions share the folder)."""
    base = lake.root / LEGACY_OFFENDERS
    if not base.is_dir():
        return []
    found = [base / "load_log"] if (base / "load_log").is_dir() else []
    for force_dir in sorted(base.glob("force_id=*")):
        found += [p for p in force_dir.iterdir() if p.is_dir() or "CURRENT" in p.name]
    return found


def needs_migration(lake: Lake) -> bool:
    """The lake holds something in an earlier layout."""
    return (
        any((lake.root / d).exists() for d in (LEGACY_CALLS, LEGACY_INGEST_LOG))
        or bool(_legacy_offenders_dirs(lake))
        or bool(_legacy_vulnerability(lake))
        or (lake.root / LEGACY_OFFICIAL_MANIFEST).exists()
    )


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
    _migrate_force_extracts(lake)
    _migrate_official(lake)
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
                "as_at": day,
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


def _current_generation(base: Path) -> Path | None:
    pointer = base / "CURRENT"
    if not pointer.is_file():
        return None
    folder = base / pointer.read_text(encoding="utf-8").strip()
    return folder if folder.is_dir() else None


def _adopt(
    lake: Lake,
    name: str,
    force_id: str,
    generation: str,
    data: pa.Table,
    rejects: pa.Table,
    source_file: str,
) -> Partition:
    """Write one force's rows of a legacy generation as the table's partition; returns its
    manifest row (not yet written)."""
    table = LAKE_TABLES[name]
    partition = table.partition({"force_id": force_id})
    stored = arrow_schema(table.columns, without=("force_id",))
    data = data.select(stored.names).cast(stored)
    data_rel = f"{table.data_dir(partition)}/part-{generation}-migrated.parquet"
    atomic_write_parquet(data, lake.path(data_rel))
    rejects_rel = None
    n = rejects.num_rows
    if n:
        snapshot = data.column("snapshot")[0].as_py() if data.num_rows else None
        filled = {
            "month": pa.nulls(n, pa.date32()),
            "snapshot": pa.array([snapshot] * n, pa.string()),
            "load_id": pa.array([generation] * n, pa.string()),
        }
        kept = [f for f in REJECT_SCHEMA if f.name not in ("table_name", "force_id")]
        rejects = pa.table(
            {
                f.name: rejects.column(f.name).cast(f.type)
                if f.name in rejects.schema.names and f.name not in filled
                else filled.get(f.name, pa.nulls(n, f.type))
                for f in kept
            }
        )
        rejects_rel = f"{table.rejects_dir(partition)}/part-{generation}-migrated.parquet"
        atomic_write_parquet(rejects, lake.path(rejects_rel))
    snapshots = sorted(set(data.column("snapshot").to_pylist()) - {None})
    return Partition(
        table_name=name,
        partition=partition,
        force_id=force_id,
        month=None,
        snapshot=snapshots[-1] if snapshots else "unknown",
        vintage=f"{1:012d}",  # the first generation of the one layout
        status="current",
        ingest_id=generation,
        source_file=source_file,
        rows_read=data.num_rows + n,
        rows_loaded=data.num_rows,
        rows_rejected=n,
        unknown_values=0,
        data_path=data_rel,
        rejects_path=rejects_rel,
        loaded_at=datetime.now(UTC),
    )


def _by_force(table: pa.Table, force_id: str) -> pa.Table:
    return table.filter(pc.equal(table.column("force_id"), force_id))


def _legacy_offenders(lake: Lake) -> list[Partition]:
    base = lake.root / LEGACY_OFFENDERS
    out: list[Partition] = []
    for force_dir in sorted(base.glob("force_id=*")) if base.is_dir() else []:
        folder = _current_generation(force_dir)
        if folder is None:
            continue
        force_id = force_dir.name.removeprefix("force_id=")
        rejects_file = folder / "rejects.parquet"
        rejects = pq.read_table(rejects_file) if rejects_file.is_file() else None
        for spec in OFFENDER_FILES:
            if not (folder / f"{spec.table}.parquet").is_file():
                continue
            data = pq.read_table(folder / f"{spec.table}.parquet")
            mine = (
                rejects.filter(pc.equal(rejects.column("table_name"), spec.table))
                if rejects is not None
                else REJECT_SCHEMA.empty_table()
            )
            out.append(_adopt(lake, spec.table, force_id, folder.name, data, mine, spec.file_name))
    return out


def _legacy_vulnerability_partitions(lake: Lake) -> list[Partition]:
    out: list[Partition] = []
    for short in _legacy_vulnerability(lake):
        folder = _current_generation(lake.root / LEGACY_VULNERABILITY / short)
        if folder is None or not (folder / "data.parquet").is_file():
            continue
        data = pq.read_table(folder / "data.parquet")
        rejects_file = folder / "rejects.parquet"
        rejects = pq.read_table(rejects_file) if rejects_file.is_file() else None
        forces = set(data.column("force_id").to_pylist())
        if rejects is not None:
            forces |= set(rejects.column("force_id").to_pylist())
        for force_id in sorted(f for f in forces if f):
            mine = (
                _by_force(rejects, force_id) if rejects is not None else REJECT_SCHEMA.empty_table()
            )
            rows = _by_force(data, force_id)
            files = sorted(set(rows.column("source_file").to_pylist()))
            out.append(
                _adopt(
                    lake,
                    f"vulnerability_{short}",
                    force_id,
                    folder.name,
                    rows,
                    mine,
                    ", ".join(files) or f"{short}.csv",
                )
            )
    return out


def _migrate_force_extracts(lake: Lake) -> None:
    """Offender and vulnerability generations into the manifest, then their load log."""
    partitions = lake.partitions()
    current = {p.key for p in partitions if p.status == "current"}
    adopted = {(p.table_name, p.partition, p.ingest_id) for p in partitions}
    added = [
        p
        for p in [*_legacy_offenders(lake), *_legacy_vulnerability_partitions(lake)]
        if (p.table_name, p.partition, p.ingest_id) not in adopted and p.key not in current
    ]
    if added:
        lake.write_manifest(partitions + added)
    log = lake.root / LEGACY_OFFENDERS / "load_log"
    for path in sorted(log.glob("*.parquet")) if log.is_dir() else []:
        rows = pq.read_table(path).to_pylist()
        new = pa.Table.from_pylist(
            [
                {
                    **{k: v for k, v in r.items() if k in LOAD_LOG_SCHEMA.names},
                    "logged_at": r["loaded_at"],
                    "forces": r["force_id"],
                    "status": "loaded",
                    "unknown_values": 0,
                }
                for r in rows
            ],
            schema=LOAD_LOG_SCHEMA,
        )
        atomic_write_parquet(new, lake.root / "load_log" / f"{path.stem}-offenders-files.parquet")
        path.unlink()
    # The generations go only once the manifest and the log that replace them are written.
    for legacy in _legacy_offenders_dirs(lake):
        if legacy.is_dir():
            shutil.rmtree(legacy, ignore_errors=True)
        else:
            legacy.unlink(missing_ok=True)
    for short in _legacy_vulnerability(lake):
        shutil.rmtree(lake.root / LEGACY_VULNERABILITY / short, ignore_errors=True)


def _migrate_official(lake: Lake) -> None:
    """The official statistics' own manifest into the one manifest (their data files are
    already where the ``official`` table keeps them), their rejects into the one rejects
    table."""
    old_manifest = lake.root / LEGACY_OFFICIAL_MANIFEST
    if not old_manifest.exists():
        return
    partitions = lake.partitions()
    have = {(p.table_name, p.partition, p.ingest_id) for p in partitions}
    added: list[Partition] = []
    entries = sorted(
        pq.read_table(old_manifest).to_pylist(), key=lambda e: (e["loaded_at"], e["ingest_id"])
    )
    for n, e in enumerate(entries, start=1):
        data_path = str(e["data_path"])
        partition = "/".join(data_path.removeprefix("_superseded/").split("/")[1:3])
        if ("official", partition, e["ingest_id"]) in have:
            continue
        superseded = e["status"] == "superseded"
        rejects_rel = None
        old_rejects = lake.path(str(e["rejects_path"])) if e["rejects_path"] else None
        if old_rejects is not None and old_rejects.is_file():
            rows = pq.read_table(old_rejects).to_pylist()
            if rows:
                base = f"{'_superseded/' if superseded else ''}rejects/table=official/{partition}"
                rejects_rel = f"{base}/part-{e['ingest_id']}-migrated.parquet"
                table = published_rejects(rows, "official", str(e["period"]))
                load_ids = pa.array([e["ingest_id"]] * len(rows), pa.string())
                table = table.set_column(
                    table.schema.get_field_index("load_id"), "load_id", load_ids
                ).drop_columns(["table_name"])
                atomic_write_parquet(table, lake.path(rejects_rel))
        added.append(
            Partition(
                table_name="official",
                partition=partition,
                force_id=None,
                month=None,
                snapshot=str(e["period"]),
                vintage=f"{n:012d}/{e['file_sha256']}",  # loads in the order they ran
                status=str(e["status"]),
                ingest_id=str(e["ingest_id"]),
                source_file=str(e["source_file"]),
                rows_read=int(e["rows_read"]),
                rows_loaded=int(e["figures"]),
                rows_rejected=int(e["rows_rejected"]),
                unknown_values=0,
                data_path=data_path,
                rejects_path=rejects_rel,
                loaded_at=e["loaded_at"],
            )
        )
    if added:
        lake.write_manifest(partitions + added)
    # The old manifest and rejects go only once the one manifest lists what they did.
    old_manifest.unlink()
    for top in (LEGACY_OFFICIAL_REJECTS, f"_superseded/{LEGACY_OFFICIAL_REJECTS}"):
        shutil.rmtree(lake.root / top, ignore_errors=True)
