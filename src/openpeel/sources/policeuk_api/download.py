"""The monthly bulk archive: streamed to a temporary file with retries, checked, then moved in."""

from __future__ import annotations

import os
import re
import tempfile
import time
import zipfile
from pathlib import Path

import httpx

from openpeel.sources.policeuk_api.retry import (
    USER_AGENT,
    FetchError,
    ProgressCallback,
    Sleep,
    _backoff_seconds,
    _check_month,
    _describe_error,
    _is_retryable_status,
    _remove_quietly,
    _retry_after_seconds,
)

ARCHIVE_URL = "https://data.police.uk/data/archive/{month}.zip"


# A member such as "2024-02/2024-02-west-midlands-stop-and-search.csv": folder and file name
# carry the same month.
_ARCHIVE_MEMBER_RE = re.compile(
    r"^(\d{4}-\d{2})/\1-[a-z0-9]+(?:-[a-z0-9]+)*-(?:street|outcomes|stop-and-search)\.csv$"
)


def download_archive(
    month: str,
    dest_dir: Path,
    *,
    client: httpx.Client | None = None,
    progress: ProgressCallback | None = None,
    retries: int = 3,
    sleep: Sleep = time.sleep,
    backoff_seconds: float = 2.0,
    max_backoff_seconds: float = 60.0,
    chunk_size: int = 1 << 20,
    url: str | None = None,
) -> Path:
    """Download the data.police.uk monthly bulk archive for ``month`` into ``dest_dir``.

    The body streams to a hidden temporary file in ``dest_dir``; once complete, the zip is
    checked (it opens, every member's CRC is right, and at least one member is a
    ``YYYY-MM/YYYY-MM-<force>-<kind>.csv`` file) and only then renamed atomically to
    ``dest_dir/YYYY-MM.zip``, replacing any earlier copy. Nothing is left behind on failure.

    Connection errors, timeouts, truncated bodies, HTTP 429 and 5xx are retried up to
    ``retries`` times with exponential backoff (honouring ``Retry-After`` on 429); each retry
    starts again from byte 0 with a fresh temporary file.

    Args:
        month: Archive month, ``YYYY-MM``. The archive holds this month and the 35 before it.
        dest_dir: Folder to write into; created if missing.
        client: An httpx client to use (e.g. with a mock transport); one is made (and closed)
            when omitted.
        progress: Called as ``progress(bytes_done, total_bytes)`` as data arrives, starting with
            ``(0, total)`` on each attempt; ``total_bytes`` is None when the server does not
            send a Content-Length.
        retries: Retries after the first attempt.
        sleep: Function used to wait between attempts (injectable for tests).
        backoff_seconds: First backoff delay; doubles on each retry.
        max_backoff_seconds: Cap on one backoff delay.
        chunk_size: Bytes per read (and so per progress call at most).
        url: Override the archive URL (default ``https://data.police.uk/data/archive/YYYY-MM.zip``).

    Returns:
        Path of the verified zip, ``dest_dir/YYYY-MM.zip``.

    Raises:
        FetchError: The month is malformed, the archive does not exist (HTTP 404), the server
            refused or kept failing, or the download is not a valid archive.
    """
    _check_month(month)
    if retries < 0:
        raise ValueError("retries must be >= 0")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"{month}.zip"
    archive_url = url or ARCHIVE_URL.format(month=month)

    own_client = client is None
    http = client or httpx.Client(
        timeout=httpx.Timeout(60.0, connect=20.0), headers={"User-Agent": USER_AGENT}
    )
    try:
        attempts = retries + 1
        last_reason = "no attempt made"
        for attempt in range(attempts):
            tmp_path: Path | None = None
            retry_after: float | None = None
            try:
                with http.stream("GET", archive_url, follow_redirects=True) as response:
                    status = response.status_code
                    if status == 404:
                        raise FetchError(f"no archive for {month} on data.police.uk (HTTP 404)")
                    if _is_retryable_status(status):
                        last_reason = f"HTTP {status}"
                        if status == 429:
                            retry_after = _retry_after_seconds(response)
                    elif not response.is_success:
                        raise FetchError(
                            f"cannot download the {month} archive from data.police.uk "
                            f"(HTTP {status} {response.reason_phrase})".rstrip()
                        )
                    else:
                        tmp_path, incomplete = _stream_to_temp(
                            response, dest_dir, month, progress, chunk_size
                        )
                        if incomplete is None:
                            _check_archive(tmp_path, month)
                            os.replace(tmp_path, target)
                            tmp_path = None
                            return target
                        last_reason = incomplete
            except httpx.TransportError as exc:
                last_reason = _describe_error(exc)
            finally:
                if tmp_path is not None:
                    _remove_quietly(tmp_path)
            if attempt + 1 < attempts:
                delay = _backoff_seconds(attempt, backoff_seconds, max_backoff_seconds)
                if retry_after is not None:
                    delay = max(delay, min(retry_after, max_backoff_seconds))
                sleep(delay)
        raise FetchError(
            f"could not download the {month} archive from data.police.uk after "
            f"{attempts} attempt{'s' if attempts != 1 else ''}: {last_reason}"
        )
    finally:
        if own_client:
            http.close()


def _stream_to_temp(
    response: httpx.Response,
    dest_dir: Path,
    month: str,
    progress: ProgressCallback | None,
    chunk_size: int,
) -> tuple[Path, str | None]:
    """Write the response body to a temporary file; return it and why it is incomplete, if so."""
    total: int | None
    try:
        total = int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        total = None
    # Content-Length counts encoded bytes; a compressed transfer would make it meaningless.
    if response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity"):
        total = None
    fd, name = tempfile.mkstemp(dir=dest_dir, prefix=f".{month}.", suffix=".zip.part")
    tmp_path = Path(name)
    try:
        done = 0
        with os.fdopen(fd, "wb") as out:
            if progress is not None:
                progress(0, total)
            for chunk in response.iter_bytes(chunk_size):
                out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    except BaseException:
        _remove_quietly(tmp_path)
        raise
    if total is not None and done != total:
        return tmp_path, f"body ended after {done} of {total} bytes"
    return tmp_path, None


def _check_archive(path: Path, month: str) -> None:
    """Raise FetchError unless ``path`` is a sound data.police.uk archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad_member = archive.testzip()
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise FetchError(
            f"the {month} archive from data.police.uk is not a valid zip ({exc})"
        ) from exc
    if bad_member is not None:
        raise FetchError(f"the {month} archive from data.police.uk is corrupt at {bad_member}")
    if not any(_ARCHIVE_MEMBER_RE.match(name) for name in names):
        raise FetchError(
            f"the {month} archive from data.police.uk holds no YYYY-MM/YYYY-MM-<force>-<kind>.csv "
            f"file ({len(names)} members)"
        )
