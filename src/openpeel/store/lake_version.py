"""The lake's version: one short text that changes whenever a load commits anything.

Every load ends by an atomic rename of its commit point: the lake's one manifest (every table
the one commit path writes: police.uk, official statistics, calls, offender management,
vulnerability, audits), a reference table (population), or a vulnerability area file. A rename
gives the file a new inode and modification time, so a digest of those (with sizes) names the
state a reader sees. Results computed from the lake are
kept under this version and never served once it changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: Commit points under the lake folder: files, then folders whose files are commit points too.
COMMIT_FILES = ("_manifest.parquet",)
COMMIT_FOLDERS = ("reference", "vulnerability/area")


def lake_version(data_dir: Path | str) -> str:
    """A 16-hex-digit digest of the lake's commit points ('empty' when there is no lake)."""
    lake = Path(data_dir) / "lake"
    if not lake.is_dir():
        return "empty"
    points: list[Path] = [lake / name for name in COMMIT_FILES]
    for name in COMMIT_FOLDERS:
        points.extend(_files(lake / name))
    digest = hashlib.sha256()
    for path in points:
        try:
            found = path.stat()
        except OSError:
            continue
        relative = os.path.relpath(path, lake)
        digest.update(f"{relative}:{found.st_ino}:{found.st_mtime_ns}:{found.st_size};".encode())
    return digest.hexdigest()[:16]


def _files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_file())
    except OSError:
        return []
