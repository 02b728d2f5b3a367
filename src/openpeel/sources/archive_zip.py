"""Unpack chosen members of a zip archive within limits, so a zip bomb cannot fill the disk.

Each member is checked twice: before extraction by what the zip declares (its size, and its
size over its compressed size), and while extracting by the bytes actually written, which may
exceed neither the declared size nor the limits. A zip over a limit is refused with a one-line
reason and what was written of it is removed.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from openpeel.errors import SourceFormatError

#: Largest member: a police.uk CSV of one force-month is tens of megabytes.
MAX_MEMBER_BYTES = 4 * 1024**3
#: Largest total unpacked from one zip (a full police.uk archive is a few gigabytes).
MAX_TOTAL_BYTES = 64 * 1024**3
#: Largest uncompressed / compressed size of a member of more than a mebibyte. CSV text
#: compresses about ten-fold; a bomb compresses a thousand-fold.
MAX_RATIO = 100
_RATIO_FROM = 1024 * 1024
_CHUNK = 1024 * 1024


class ZipLimitError(SourceFormatError):
    """A zip archive that would unpack to more than the limits allow."""


def extract_members(
    zf: zipfile.ZipFile, members: Sequence[zipfile.ZipInfo], target: Path, label: str
) -> None:
    """Extract ``members`` of ``zf`` under ``target``, within the size and ratio limits.

    Raises:
        ZipLimitError: a member or the whole is over a limit (declared or actual); nothing of
            the zip is left under ``target``.
    """
    declared = 0
    for info in members:
        _check_declared(info, label)
        declared += info.file_size
    if declared > MAX_TOTAL_BYTES:
        raise ZipLimitError(
            f"{label}: would unpack to {declared:,} bytes, more than {MAX_TOTAL_BYTES:,} bytes"
        )
    written = 0
    try:
        for info in members:
            dest = _destination(target, info.filename)
            dest.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            with zf.open(info) as src, dest.open("wb") as out:
                while chunk := src.read(_CHUNK):
                    size += len(chunk)
                    written += len(chunk)
                    if size > info.file_size:
                        raise ZipLimitError(
                            f"{label}: {info.filename} holds more than its declared "
                            f"{info.file_size:,} bytes"
                        )
                    if written > MAX_TOTAL_BYTES:
                        raise ZipLimitError(
                            f"{label}: unpacks to more than {MAX_TOTAL_BYTES:,} bytes"
                        )
                    out.write(chunk)
    except ZipLimitError:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _check_declared(info: zipfile.ZipInfo, label: str) -> None:
    if info.file_size > MAX_MEMBER_BYTES:
        raise ZipLimitError(
            f"{label}: {info.filename} would unpack to {info.file_size:,} bytes, more than "
            f"{MAX_MEMBER_BYTES:,} bytes"
        )
    if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise ZipLimitError(
            f"{label}: {info.filename} has a compression ratio of {ratio:,.0f} to 1, more than "
            f"{MAX_RATIO} to 1 (a zip bomb, not a CSV export)"
        )


def _destination(target: Path, name: str) -> Path:
    """Where a member goes: its path under ``target``, without drive, root or ``..`` parts."""
    parts = [
        p
        for p in PurePosixPath(name.replace("\\", "/")).parts
        if p not in ("", ".", "..", "/") and not p.endswith(":")
    ]
    if not parts:
        raise ZipLimitError(f"member name {name!r} names no file")
    dest = target.joinpath(*parts)
    if not dest.resolve().is_relative_to(target.resolve()):
        raise ZipLimitError(f"member name {name!r} points outside the folder")
    return dest
