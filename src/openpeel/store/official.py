"""Official statistics in the lake: the table ``official``, one partition per publication and
period, on the lake's one commit path.

Layout under ``<data_dir>/lake`` (``store/tables.py``, ``store/commit.py``)::

    official/publication=<name>/period=<slug>/part-<load_id>-<uid>.parquet   tidy figures
    rejects/table=official/publication=<name>/period=<slug>/part-….parquet   rejected rows
    _manifest.parquet        the lake's one manifest: a row per edition, current or superseded
    load_log/<load_id>-…-files.parquet        one row per file (the lake's one load log)

A load stages its files, then swaps the manifest in one atomic rename: killed at any moment, the
previous manifest and every file it names are intact. Loading a publication and period again
replaces it (the earlier edition moves to ``_superseded`` and out of queries); loading the same
file again changes nothing. In the manifest an edition's ``snapshot`` is its period as
published and its ``vintage`` is ``<counter>/<sha256 of the file>``: the counter grows with
every file loaded (so a later load always supersedes an earlier one), and the digest says
whether a file was loaded before. The query view
``official_figures`` reads the current editions (:func:`current_paths`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from openpeel.errors import DataUnavailableError
from openpeel.sources.publications import PublicationRead, read_publication
from openpeel.sources.publications.reader import TIDY_SCHEMA
from openpeel.store.commit import StagedPart, commit, load_lock
from openpeel.store.lake import Lake, LoggedFile, Partition, new_load_id, published_rejects
from openpeel.store.migrate import migrate_if_idle

TABLE = "official"


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


def _publication(partition: Partition) -> str:
    return partition.partition.split("/")[0].removeprefix("publication=")


def _sha(partition: Partition) -> str:
    return partition.vintage.rpartition("/")[2]


def manifest(data_dir: Path | str) -> list[dict[str, object]]:
    """Every edition the lake's manifest records, current and superseded."""
    lake = Lake(data_dir)
    migrate_if_idle(lake)
    return [
        {
            "publication": _publication(p),
            "period": p.snapshot,
            "source_file": p.source_file,
            "file_sha256": _sha(p),
            "status": p.status,
            "ingest_id": p.ingest_id,
            "rows_read": p.rows_read,
            "rows_loaded": p.rows_loaded,
            "rows_rejected": p.rows_rejected,
            "figures": p.rows_loaded,
            "data_path": p.data_path,
            "rejects_path": p.rejects_path,
            "loaded_at": p.loaded_at,
        }
        for p in lake.partitions()
        if p.table_name == TABLE
    ]


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
    report = OfficialLoad(new_load_id())
    with load_lock(lake):
        # The edition each partition holds now: (sha256, source file), updated as files stage.
        held = {p.partition: (_sha(p), p.source_file) for p in lake.current(TABLE)}
        loaded = [p.vintage.partition("/")[0] for p in lake.partitions() if p.table_name == TABLE]
        counter = max((int(v) for v in loaded if v.isdigit()), default=0)
        parts: list[StagedPart] = []
        for n, (_, read, sha) in enumerate(reads, start=counter + 1):
            result, staged = _stage_one(lake, report.ingest_id, n, read, sha, held)
            report.files.append(result)
            parts += staged
        commit(lake, report.ingest_id, parts)
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
    if progress:
        progress(len(files) + 1, len(files) + 1)
    return report


def _stage_one(
    lake: Lake,
    load_id: str,
    n: int,
    read: PublicationRead,
    sha: str,
    held: dict[str, tuple[str, str]],
) -> tuple[OfficialFileResult, list[StagedPart]]:
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
    names = {p: f"publication={pub}/period={period_slug(p)}" for p in periods}
    if all(held.get(names[p], ("", ""))[0] == sha for p in periods):
        result.status = "unchanged"
        return result, []
    staging = lake.staging(load_id)
    parts: list[StagedPart] = []
    for period in periods:
        slug = period_slug(period)
        tidy = read.tidy.filter(pc.equal(read.tidy.column("period"), period))
        staged = staging / f"{pub}-{slug}-{n}.parquet"
        pq.write_table(tidy.cast(TIDY_SCHEMA), staged)
        # The file's rejects go with its first period.
        rejects = read.rejects.to_pylist() if period == periods[0] else []
        old = held.get(names[period])
        if old is not None:
            result.replaced.append(f"{period} ({old[1]})")
        held[names[period]] = (sha, read.source_file)
        parts.append(
            StagedPart(
                table=TABLE,
                data=staged,
                rejects=published_rejects(rejects, TABLE, period),
                snapshot=period,
                vintage=f"{n:012d}/{sha}",
                source_file=read.source_file,
                rows_read=read.rows_read,
                rows_loaded=tidy.num_rows,
                rows_rejected=read.rows_rejected,
                partition_values={"publication": pub, "period": slug},
            )
        )
    return result, parts


def current_paths(data_dir: Path | str, publication: str | None = None) -> list[Path]:
    """The Parquet files of the current figures (of one publication, or all)."""
    lake = Lake(data_dir)
    return [
        lake.path(p.data_path)
        for p in lake.current(TABLE)
        if publication is None or _publication(p) == publication
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
