"""A frozen view of the lake for the web app's readers, so that a load never breaks a page.

A load swaps the lake's manifest in one rename and then unlinks the files it replaced; a query
already planned on the old manifest would then find its files gone ("No files found"). The web
app therefore reads a *snapshot*: a folder of hard links to every file of the lake as it was
(no data is copied; a hard link keeps a file's contents alive after the lake unlinks it). Each
lake state gets one snapshot per process; a process keeps its ``KEEP`` newest and removes the
older ones, and those of processes that are gone.

Where hard links cannot be made (another file system, a read-only data folder) the app reads
the lake itself, and a computation that meets replaced files runs again on the new state.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

#: The folder (in the data directory) holding the snapshots.
SNAPSHOTS = "_web_snapshots"
#: Snapshots a process keeps: the current one and the one before (computations still on it).
KEEP = 2
#: What a snapshot leaves out: work in progress, superseded files, the writers' lock.
SKIPPED = ("_staging", "_superseded", "_lock")
_ATTEMPTS = 3


def snapshot(data_dir: Path, label: str) -> Path | None:
    """A data directory holding hard links to the lake's current files (None when links cannot
    be made). ``label`` names the lake state (distinct per state)."""
    lake = data_dir / "lake"
    if not lake.exists():
        return None
    root = data_dir / SNAPSHOTS
    target = root / f"{os.getpid()}-{label}"
    if (target / "lake").exists():
        return target
    for _ in range(_ATTEMPTS):
        partial = root / f"{os.getpid()}-{label}.{time.monotonic_ns()}.partial"
        try:
            partial.mkdir(parents=True)
            _link_tree(lake, partial / "lake")
            partial.rename(target)
        except FileExistsError:  # another thread made it meanwhile
            shutil.rmtree(partial, ignore_errors=True)
            return target if (target / "lake").exists() else None
        except OSError:  # a load removed a file while we linked, or links are impossible
            shutil.rmtree(partial, ignore_errors=True)
            time.sleep(0.05)
            continue
        _tidy(root, keep=target)
        return target
    return None


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every file of ``source`` into ``target``, the manifest first (so that every
    file it lists was still there when it was read)."""
    target.mkdir(parents=True)
    manifest = source / "_manifest.parquet"
    if manifest.exists():
        os.link(manifest, target / manifest.name)
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        relative = here.relative_to(source)
        dirs[:] = [d for d in dirs if not (relative == Path(".") and d in SKIPPED)]
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            if relative == Path(".") and name in (manifest.name, *SKIPPED):
                continue
            os.link(here / name, target / relative / name)


def _tidy(root: Path, keep: Path) -> None:
    """Remove this process's older snapshots beyond ``KEEP`` and those of dead processes."""
    mine = sorted(
        (p for p in root.iterdir() if p.name.startswith(f"{os.getpid()}-") and p != keep),
        key=lambda p: p.stat().st_mtime,
    )
    for old in mine[: max(0, len(mine) - (KEEP - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    for other in root.iterdir():
        pid = other.name.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(other, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
