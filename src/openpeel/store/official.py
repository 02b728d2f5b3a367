"""Official statistics in the lake: one Parquet file per publication and period, with a manifest.

Layout under ``<data_dir>/lake``::

    official/publication=<name>/period=<slug>/part-<ingest_id>-<uid>.parquet   tidy figures
    official_rejects/publication=<name>/period=<slug>/part-….parquet           rejected rows
    official/_manifest.parquet          one row per (publication, period, load): current or not
    load_log/<ingest_id>-<n>-files.parquet        one row per file (the lake's one load log)

A load writes new files, then swaps the manifest in one atomic rename: killed at any moment, the
previous manifest and every file it names are intact. Loading a publication and period again
replaces it (the earlier edition moves to ``_superseded`` and out of queries); loading the same
file again changes nothing. All writes go through :class:`openpeel.store.lake.Lake` (lock, staging,
unique file names, atomic Parquet writes).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from openpeel.errors import DataUnavailableError
from openpeel.sources.publications import PublicationRead, read_publication
from openpeel.sources.publications.reader import REJECTS_SCHEMA, TIDY_SCHEMA
from openpeel.store.lake import Lake, LoggedFile, atomic_write_parquet, new_ingest_id

TABLE = "official"
REJECTS = "official_rejects"
MANIFEST_SCHEMA = pa.schema(
    [
        ("publication", pa.string()),
        ("period", pa.string()),
        ("source_file", pa.string()),
        ("file_sha256", pa.string()),
        ("status", pa.string()),  # current | superseded
        ("ingest_id", pa.string()),
        ("rows_read", pa.int64()),
        ("rows_loaded", pa.int64()),
        ("rows_rejected", pa.int64()),
        ("figures", pa.int64()),
        ("data_path", pa.string()),
        ("rejects_path", pa.string()),
        ("loaded_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass
class OfficialFileResult:
    """What one file gave: its publication, periods, rows and what happened."""

    source_file: str
    publication: str
    periods: list[str]
    status: str  # loaded | unchanged
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    figures: int
    replaced: list[str] = field(default_factory=list)


@dataclass
class OfficialLoad:
    """One ``official load``: per file."""

    ingest_id: str
    files: list[OfficialFileResult] = field(default_factory=list)


def period_slug(period: str) -> str:
    """A folder-safe form of a period label (``2019/20`` -> ``2019-20``)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", period).strip("-").lower() or "none"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(lake: Lake) -> Path:
    """The official-statistics manifest."""
    return lake.path(f"{TABLE}/_manifest.parquet")


def manifest(data_dir: Path | str) -> list[dict[str, object]]:
    """Every load the manifest records, current and superseded."""
    path = manifest_path(Lake(data_dir))
    if not path.exists():
        return []
    return pq.read_table(path, schema=MANIFEST_SCHEMA).to_pylist()


def _tidy_orphans(lake: Lake, listed: set[str]) -> None:
    for top in (TABLE, REJECTS, f"_superseded/{TABLE}", f"_superseded/{REJECTS}"):
        base = lake.path(top)
        if base.exists():
            for file in base.rglob("part-*.parquet"):
                if file.relative_to(lake.root).as_posix() not in listed:
                    file.unlink()


def load_official(
    files: Sequence[Path],
    data_dir: Path | str,
    publication: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> OfficialLoad:
    """Read published files and load their tidy figures and rejects into the lake.

    Every file is read before anything is written, so a file that cannot be read stops the load
    with the lake unchanged.
    """
    lake = Lake(data_dir)
    reads: list[tuple[Path, PublicationRead, str]] = []
    for i, path in enumerate(files):
        reads.append((path, read_publication(path, publication), _sha256(Path(path))))
        if progress:
            progress(i + 1, len(files) + 1)
    report = OfficialLoad(new_ingest_id())
    with lake.lock():
        entries = manifest(data_dir)
        _tidy_orphans(lake, {str(e[k]) for e in entries for k in ("data_path", "rejects_path")})
        staging = lake.staging(report.ingest_id)
        now = datetime.now(UTC)
        for path, read, sha in reads:
            report.files.append(
                _load_one(lake, staging, report.ingest_id, path, read, sha, entries, now)
            )
        atomic_write_parquet(
            pa.Table.from_pylist(
                sorted(
                    entries,
                    key=lambda e: (str(e["publication"]), str(e["period"]), str(e["ingest_id"])),
                ),
                schema=MANIFEST_SCHEMA,
            ),
            manifest_path(lake),
        )
        lake.log_load(
            report.ingest_id,
            [
                LoggedFile(
                    table_name=TABLE,
                    kind=f.publication,
                    source_file=f.source_file,
                    force_id=None,
                    forces=None,
                    month=None,
                    snapshot=", ".join(f.periods),
                    status=f.status,
                    reason=None,
                    rows_read=f.rows_read,
                    rows_loaded=f.rows_loaded,
                    rows_rejected=f.rows_rejected,
                    rows_replaced=0,
                    unknown_values=0,
                )
                for f in report.files
            ],
        )
        for old in [e for e in entries if e["status"] == "superseded"]:
            for key in ("data_path", "rejects_path"):
                kept = lake.retire(str(old[key]), keep=True)
                old[key] = kept
        atomic_write_parquet(
            pa.Table.from_pylist(entries, schema=MANIFEST_SCHEMA), manifest_path(lake)
        )
        shutil.rmtree(staging, ignore_errors=True)
    if progress:
        progress(len(files) + 1, len(files) + 1)
    return report


def _load_one(
    lake: Lake,
    staging: Path,
    ingest_id: str,
    path: Path,
    read: PublicationRead,
    sha: str,
    entries: list[dict[str, object]],
    now: datetime,
) -> OfficialFileResult:
    pub = read.publication.name
    periods = sorted(set(read.tidy.column("period").to_pylist())) or [read.period]
    result = OfficialFileResult(
        read.source_file,
        pub,
        periods,
        "loaded",
        read.rows_read,
        read.rows_loaded,
        read.rows_rejected,
        read.tidy.num_rows,
    )
    current = {(e["publication"], e["period"]): e for e in entries if e["status"] == "current"}
    if all(current.get((pub, p), {}).get("file_sha256") == sha for p in periods):
        result.status = "unchanged"
        return result
    for period in periods:
        slug = period_slug(period)
        tidy = read.tidy.filter(pc.equal(read.tidy.column("period"), period))
        rejects = read.rejects if period == periods[0] else read.rejects.slice(0, 0)
        staged = staging / f"{pub}-{slug}.parquet"
        pq.write_table(tidy.cast(TIDY_SCHEMA), staged)
        data_path = lake.place(staged, f"{TABLE}/publication={pub}/period={slug}", ingest_id)
        staged_rejects = staging / f"{pub}-{slug}-rejects.parquet"
        pq.write_table(rejects.cast(REJECTS_SCHEMA), staged_rejects)
        rejects_path = lake.place(
            staged_rejects, f"{REJECTS}/publication={pub}/period={slug}", ingest_id
        )
        old = current.get((pub, period))
        if old is not None:
            old["status"] = "superseded"
            result.replaced.append(f"{period} ({old['source_file']})")
        entries.append(
            {
                "publication": pub,
                "period": period,
                "source_file": read.source_file,
                "file_sha256": sha,
                "status": "current",
                "ingest_id": ingest_id,
                "rows_read": read.rows_read,
                "rows_loaded": read.rows_loaded,
                "rows_rejected": read.rows_rejected,
                "figures": tidy.num_rows,
                "data_path": data_path,
                "rejects_path": rejects_path,
                "loaded_at": now,
            }
        )
    return result


def current_paths(data_dir: Path | str, publication: str | None = None) -> list[Path]:
    """The Parquet files of the current figures (of one publication, or all)."""
    lake = Lake(data_dir)
    return [
        lake.path(str(e["data_path"]))
        for e in manifest(data_dir)
        if e["status"] == "current" and (publication is None or e["publication"] == publication)
    ]


def official_figures(data_dir: Path | str, publication: str | None = None) -> pa.Table:
    """Every current official figure (of one publication, or all) as one Arrow table."""
    paths = current_paths(data_dir, publication)
    if not paths:
        what = f"publication {publication!r}" if publication else "official statistics"
        raise DataUnavailableError(
            f"no {what} loaded in {data_dir}; load the files with 'openpeel official load FILE...'"
        )
    return pa.concat_tables([pq.read_table(p, schema=TIDY_SCHEMA) for p in paths])


def official_status(data_dir: Path | str) -> list[dict[str, object]]:
    """One row per publication and period currently loaded, for ``openpeel status``."""
    return [
        {
            "publication": e["publication"],
            "period": e["period"],
            "source_file": e["source_file"],
            "figures": e["figures"],
            "rows_read": e["rows_read"],
            "rows_rejected": e["rows_rejected"],
            "loaded_at": str(e["loaded_at"])[:16],
        }
        for e in manifest(data_dir)
        if e["status"] == "current"
    ]


def select_figures(
    data_dir: Path | str,
    publication: str,
    force_id: str | None = None,
    period: str | None = None,
    table_id: str | None = None,
    measure: str | None = None,
) -> list[dict[str, object]]:
    """Current figures of one publication, filtered, as published (for ``official figures``)."""
    figures = official_figures(data_dir, publication)
    mask = pc.is_valid(figures["publication"])
    for column, value in (("force_id", force_id), ("period", period), ("table_id", table_id)):
        if value is not None:
            mask = pc.and_(mask, pc.equal(figures[column], value))
    if measure:
        mask = pc.and_(mask, pc.match_substring(figures["measure"], measure, ignore_case=True))
    chosen = figures.filter(mask).sort_by(
        [("source_sheet", "ascending"), ("source_row", "ascending")]
    )
    return [
        {
            "period": r["period"],
            "table": r["table_id"],
            "area": r["area_id"],
            "measure": r["measure"],
            "dimensions": r["dimensions"],
            # Spreadsheet arithmetic leaves float noise (6755.960000000001): six decimals is
            # finer than any published figure.
            "value": None if r["value"] is None else round(r["value"], 6),
            "status": r["value_status"],
            "unit": r["unit"],
            "source": f"{r['source_file']} {r['source_sheet'].strip()} "
            f"{r['source_column']}{r['source_row']}",
        }
        for r in chosen.to_pylist()
    ]
