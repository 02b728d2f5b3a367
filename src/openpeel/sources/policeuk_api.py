"""Fetch data from data.police.uk: the monthly bulk archive and the JSON API.

Two ways in, both ending in files in the bulk archive's own layout so one reader serves both:

- :func:`download_archive` fetches the monthly ``YYYY-MM.zip`` (a rolling 36-month snapshot of
  street, outcomes and stop-and-search CSVs for every force). The right path for whole
  force-months.
- :class:`PoliceUkApi` and :func:`fetch_stops` pull one force-month of stop and search from the
  API and write it as ``YYYY-MM/YYYY-MM-<force>-stop-and-search.csv``, byte-compatible with the
  archive's CSV. Useful for a recent month before the next archive is cut.

Nothing here knows about the lake or indicators: files in, files out. Every failure a user can
cause or meet (a month that does not exist, a force with no data, a corrupt download, a server
that keeps failing) raises :class:`FetchError` with a one-line reason.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import httpx

from openpeel.errors import OpenpeelError
from openpeel.sources.policeuk_archive import HEADERS

ARCHIVE_URL = "https://data.police.uk/data/archive/{month}.zip"
API_BASE_URL = "https://data.police.uk/api/"
USER_AGENT = "openpeel (python-httpx)"

#: Header of the bulk archive's ``-stop-and-search.csv`` files (15 columns, latitude first).
STOP_AND_SEARCH_HEADER: tuple[str, ...] = HEADERS["stop_search"]

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_FORCE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A member such as "2024-02/2024-02-west-midlands-stop-and-search.csv": folder and file name
# carry the same month.
_ARCHIVE_MEMBER_RE = re.compile(
    r"^(\d{4}-\d{2})/\1-[a-z0-9]+(?:-[a-z0-9]+)*-(?:street|outcomes|stop-and-search)\.csv$"
)

ProgressCallback = Callable[[int, int | None], None]
Sleep = Callable[[float], None]


class FetchError(OpenpeelError):
    """A download or API call that cannot give what was asked for; the message is one line."""


# --------------------------------------------------------------------------------------------
# Shared helpers


def _check_month(month: str) -> str:
    """Return ``month`` if it is a ``YYYY-MM`` string, else raise FetchError."""
    if not isinstance(month, str) or not _MONTH_RE.match(month):
        raise FetchError(f"not a month: {month!r} (expected YYYY-MM, e.g. 2024-01)")
    return month


def _check_force_id(force_id: str) -> str:
    """Return ``force_id`` if it looks like a data.police.uk force id (it ends up in a path)."""
    if not isinstance(force_id, str) or not _FORCE_ID_RE.match(force_id):
        raise FetchError(f"not a force id: {force_id!r} (expected e.g. west-midlands)")
    return force_id


def _backoff_seconds(attempt: int, base_seconds: float, max_seconds: float) -> float:
    """Exponential backoff: ``base``, ``2 * base``, ``4 * base``, ... capped at ``max``."""
    return float(min(max_seconds, base_seconds * (2**attempt)))


def _is_retryable_status(status_code: int) -> bool:
    return status_code == 429 or 500 <= status_code <= 599


def _retry_after_seconds(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP-date), if any."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _describe_error(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------------------------
# Bulk archive


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


# --------------------------------------------------------------------------------------------
# Rate limiter


class RateLimiter:
    """Token bucket: ``rate_per_second`` sustained, bursts up to ``burst``; thread-safe.

    data.police.uk allows 15 requests per second with bursts of 30 (a leaky bucket) and answers
    HTTP 429 beyond. The bucket starts full. Each :meth:`acquire` takes one token; when none is
    left it reserves the next one and sleeps until it is due, so concurrent callers are served
    in order and the long-run rate never exceeds ``rate_per_second``.

    Args:
        rate_per_second: Tokens added per second.
        burst: Bucket size: most requests allowed at one instant.
        clock: Monotonic clock in seconds (injectable for tests).
        sleep: Function used to wait (injectable for tests).
    """

    def __init__(
        self,
        rate_per_second: float = 15.0,
        burst: int = 30,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be > 0")
        if burst < 1:
            raise ValueError("burst must be >= 1")
        self.rate_per_second = float(rate_per_second)
        self.burst = int(burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def acquire(self) -> float:
        """Take one token, waiting if the bucket is empty.

        Returns:
            Seconds waited (0.0 when a token was free).
        """
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate_per_second)
            self._updated = now
            self._tokens -= 1.0
            wait = -self._tokens / self.rate_per_second if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


# --------------------------------------------------------------------------------------------
# API client


class PoliceUkApi:
    """A small client for the data.police.uk JSON API.

    Every request goes through a :class:`RateLimiter`. HTTP 429 (honouring ``Retry-After``),
    HTTP 5xx and connection errors are retried with exponential backoff, at most ``retries``
    times; then, or on any other HTTP error, :class:`FetchError` is raised with a one-line
    reason.

    Args:
        client: An httpx client to use; the caller keeps ownership (it is not closed here).
        transport: A transport for a client made here (e.g. ``httpx.MockTransport`` in tests).
        base_url: API root, ``https://data.police.uk/api/`` by default.
        rate_limiter: Shared limiter; by default a new 15/s, burst-30 bucket.
        retries: Retries after the first attempt of each request.
        sleep: Function used to wait between attempts (and by the default rate limiter).
        backoff_seconds: First backoff delay; doubles on each retry.
        max_backoff_seconds: Cap on one backoff delay.
        max_retry_after_seconds: Cap on a server's ``Retry-After`` request.
        timeout_seconds: Per-request timeout for a client made here.
    """

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        base_url: str = API_BASE_URL,
        rate_limiter: RateLimiter | None = None,
        retries: int = 3,
        sleep: Sleep = time.sleep,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        max_retry_after_seconds: float = 120.0,
        timeout_seconds: float = 60.0,
    ) -> None:
        if client is not None and transport is not None:
            raise ValueError("give either client or transport, not both")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self._own_client = client is None
        self._client = client or httpx.Client(
            transport=transport,
            timeout=timeout_seconds,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.rate_limiter = rate_limiter or RateLimiter(sleep=sleep)
        self.retries = retries
        self._sleep = sleep
        self._backoff_seconds = backoff_seconds
        self._max_backoff_seconds = max_backoff_seconds
        self._max_retry_after_seconds = max_retry_after_seconds

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP client if it was made here."""
        if self._own_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- endpoints -------------------------------------------------------------------------

    def available_months(self) -> dict[str, set[str]]:
        """Months the API holds, each with the force ids that have stop and search for it.

        From ``GET crimes-street-dates``. A month can be present with an empty set: street
        crime exists for it but no force's stop and search does.

        Returns:
            ``{"YYYY-MM": {force_id, ...}}``.

        Raises:
            FetchError: The request failed or the answer is not in the documented shape.
        """
        payload = self.get_json("crimes-street-dates")
        if not isinstance(payload, list):
            raise FetchError("crimes-street-dates: expected a JSON list")
        months: dict[str, set[str]] = {}
        for entry in payload:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("date"), str):
                raise FetchError(f"crimes-street-dates: unexpected entry {entry!r:.80}")
            forces = entry.get("stop-and-search") or []
            if not isinstance(forces, list):
                raise FetchError(f"crimes-street-dates: unexpected entry {entry!r:.80}")
            months.setdefault(entry["date"], set()).update(str(f) for f in forces)
        return months

    def forces(self) -> list[dict[str, Any]]:
        """All forces the API knows, as ``[{"id": ..., "name": ...}, ...]`` (``GET forces``).

        Raises:
            FetchError: The request failed or the answer is not a list of objects.
        """
        return self._list_of_objects("forces")

    def stops_force(self, force_id: str, month: str) -> list[dict[str, Any]]:
        """Stop and search records reported by one force for one month (``GET stops-force``).

        The API falls back to its latest month when ``date`` is missing or unknown, so check
        ``month`` against :meth:`available_months` first (as :func:`fetch_stops` does).

        Args:
            force_id: data.police.uk force id, e.g. ``west-midlands``.
            month: ``YYYY-MM``.

        Returns:
            The records as published (including those with ``"location": null``).

        Raises:
            FetchError: The request failed or the answer is not a list of objects.
        """
        _check_month(month)
        return self._list_of_objects("stops-force", {"force": force_id, "date": month})

    # -- plumbing --------------------------------------------------------------------------

    def _list_of_objects(
        self, path: str, params: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        payload = self.get_json(path, params)
        if not isinstance(payload, list) or not all(isinstance(x, dict) for x in payload):
            raise FetchError(f"{path}: expected a JSON list of objects")
        return payload

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``base_url + path`` with retries and rate limiting; return the decoded JSON.

        Args:
            path: Endpoint relative to the base URL, e.g. ``forces``.
            params: Query parameters.

        Returns:
            The decoded JSON body.

        Raises:
            FetchError: A non-retryable HTTP error, retries exhausted, or a body that is not
                JSON. The message is one line and names the endpoint.
        """
        url = self.base_url + path.lstrip("/")
        what = path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        attempts = self.retries + 1
        last_reason = "no attempt made"
        for attempt in range(attempts):
            retry_after: float | None = None
            self.rate_limiter.acquire()
            try:
                response = self._client.get(url, params=params, follow_redirects=True)
            except httpx.TransportError as exc:
                last_reason = _describe_error(exc)
            else:
                status = response.status_code
                if response.is_success:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise FetchError(
                            f"data.police.uk API {what}: answer is not JSON "
                            f"(HTTP {status}, {len(response.content)} bytes)"
                        ) from exc
                if not _is_retryable_status(status):
                    reason = f"HTTP {status} {response.reason_phrase}".rstrip()
                    raise FetchError(f"data.police.uk API {what}: {reason}")
                last_reason = f"HTTP {status}"
                if status == 429:
                    retry_after = _retry_after_seconds(response)
            if attempt + 1 < attempts:
                if retry_after is not None:
                    delay = min(retry_after, self._max_retry_after_seconds)
                else:
                    delay = _backoff_seconds(
                        attempt, self._backoff_seconds, self._max_backoff_seconds
                    )
                self._sleep(delay)
        raise FetchError(
            f"data.police.uk API {what}: failed after {attempts} "
            f"attempt{'s' if attempts != 1 else ''}: {last_reason}"
        )


# --------------------------------------------------------------------------------------------
# Stop and search from the API, written in the archive's format


def fetch_stops(
    force_id: str,
    month: str,
    out_dir: Path,
    *,
    api: PoliceUkApi | None = None,
) -> Path:
    """Fetch one force-month of stop and search from the API and write it as the archive does.

    Availability is checked first with ``crimes-street-dates``: ``stops-force`` silently answers
    with the latest month when asked for one it does not hold, which would file the wrong
    month's searches under ``month``.

    The file is ``out_dir/YYYY-MM/YYYY-MM-<force>-stop-and-search.csv`` with the archive's
    15-column header, written to a temporary file and renamed into place. A force-month that
    the API lists but returns no records for gives a header-only file (zero searches).

    Args:
        force_id: data.police.uk force id, e.g. ``west-midlands``.
        month: ``YYYY-MM``.
        out_dir: Root folder; the month folder is created inside it.
        api: Client to use; one is made (and closed) when omitted.

    Returns:
        Path of the written CSV.

    Raises:
        FetchError: Malformed arguments, the month or force is not available, or the API failed.
    """
    _check_force_id(force_id)
    _check_month(month)
    own_api = api is None
    client = api or PoliceUkApi()
    try:
        months = client.available_months()
        if force_id not in months.get(month, set()):
            raise FetchError(
                f"no stop and search for {force_id} in {month} on data.police.uk; "
                f"available months: {_available_months_text(months, force_id)}"
            )
        records = client.stops_force(force_id, month)
        _check_records_month(records, force_id, month)
    finally:
        if own_api:
            client.close()
    target = Path(out_dir) / month / f"{month}-{force_id}-stop-and-search.csv"
    write_stop_and_search_csv(records, target)
    return target


def _check_records_month(records: Sequence[Mapping[str, Any]], force_id: str, month: str) -> None:
    """Raise FetchError when no record falls in ``month``: the API answered another month.

    A safety net behind the availability check (the two endpoints are read moments apart). A
    few records dated just outside the month are normal and are kept.
    """
    if not records:
        return
    dated = [str(r.get("datetime") or "") for r in records]
    if any(d.startswith(month) for d in dated) or not any(dated):
        return
    seen = sorted({d[:7] for d in dated if d})
    shown = ", ".join(seen[:3]) + (" ..." if len(seen) > 3 else "")
    raise FetchError(
        f"data.police.uk answered stops-force for {force_id} in {month} with records from "
        f"{shown}; refusing to file them under {month}"
    )


def _available_months_text(months: Mapping[str, set[str]], force_id: str) -> str:
    """The months holding ``force_id``'s stop and search, runs collapsed, e.g. ``a to b, c``."""
    held = sorted(m for m, forces in months.items() if force_id in forces)
    if not held:
        return f"none for {force_id} (API months {_month_span(sorted(months))})"
    return _month_span(held)


def _month_span(months: Sequence[str]) -> str:
    if not months:
        return "none"
    runs: list[list[str]] = []
    for month in months:
        if runs and _month_index(month) == _month_index(runs[-1][-1]) + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs)


def _month_index(month: str) -> int:
    match = _MONTH_RE.match(month)
    if not match:
        return -10  # never adjacent to a real month
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def write_stop_and_search_csv(records: Iterable[Mapping[str, Any]], target: Path) -> Path:
    """Write API stop and search records to ``target`` in the bulk archive's CSV format.

    UTF-8, ``\\n`` line ends, minimal quoting, the 15-column header, rows in the order given.
    Written to a temporary file beside ``target`` and renamed into place.

    Args:
        records: Records as returned by ``stops-force``.
        target: CSV path; its folder is created if missing.

    Returns:
        ``target``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp_path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            _write_rows(out, records)
        os.replace(tmp_path, target)
    except BaseException:
        _remove_quietly(tmp_path)
        raise
    return target


def _write_rows(out: IO[str], records: Iterable[Mapping[str, Any]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STOP_AND_SEARCH_HEADER)
    for record in records:
        writer.writerow(stop_to_archive_row(record))


def stop_to_archive_row(record: Mapping[str, Any]) -> list[str]:
    """Map one API stop and search record to an archive CSV row (15 strings).

    Booleans become ``True``/``False``; null stays blank (unknown, never False). A null
    ``location`` gives blank latitude and longitude. ``outcome`` is used when it is a string;
    otherwise (older JSON has ``"outcome": false`` for none) ``outcome_object.name`` when
    present, else blank. ``datetime`` is written as ISO-8601 with a ``+00:00`` offset.

    Args:
        record: One record from ``stops-force`` (or ``stops-street``).

    Returns:
        Values in :data:`STOP_AND_SEARCH_HEADER` order.
    """
    location = record.get("location")
    latitude = longitude = ""
    if isinstance(location, Mapping):
        latitude = _coordinate(location.get("latitude"))
        longitude = _coordinate(location.get("longitude"))
    return [
        _text(record.get("type")),
        _archive_datetime(record.get("datetime")),
        _boolean(record.get("operation")),
        _text(record.get("operation_name")),
        latitude,
        longitude,
        _text(record.get("gender")),
        _text(record.get("age_range")),
        _text(record.get("self_defined_ethnicity")),
        _text(record.get("officer_defined_ethnicity")),
        _text(record.get("legislation")),
        _text(record.get("object_of_search")),
        _outcome(record),
        _boolean(record.get("outcome_linked_to_object_of_search")),
        _boolean(record.get("removal_of_more_than_outer_clothing")),
    ]


def _text(value: Any) -> str:
    # Kept exactly as published, no strip: the archive has "Environmental Protection Act 1990
    # (section 34B )" with its inner space, and the vocabulary maps match raw values.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _boolean(value: Any) -> str:
    """``True``/``False`` for booleans, blank for null (unknown is not false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered == "true":
            return "True"
        if lowered == "false":
            return "False"
        if lowered == "":
            return ""
    return str(value)


def _coordinate(value: Any) -> str:
    # The API sends coordinates as strings with six decimals, as in the archive; keep them.
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


def _outcome(record: Mapping[str, Any]) -> str:
    outcome = record.get("outcome")
    if isinstance(outcome, str):
        return outcome
    outcome_object = record.get("outcome_object")
    if isinstance(outcome_object, Mapping):
        name = outcome_object.get("name")
        if isinstance(name, str):
            return name
    return ""


def _archive_datetime(value: Any) -> str:
    """ISO-8601 with a ``+00:00`` offset, as the archive writes dates.

    A value without an offset is taken as UTC; one with another offset is converted to UTC.
    A value that does not parse is kept as published, for the loader to reject with a reason.
    """
    if value is None:
        return ""
    text = str(value)
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return parsed.isoformat(timespec="seconds")


__all__ = [
    "API_BASE_URL",
    "ARCHIVE_URL",
    "STOP_AND_SEARCH_HEADER",
    "FetchError",
    "PoliceUkApi",
    "RateLimiter",
    "download_archive",
    "fetch_stops",
    "stop_to_archive_row",
    "write_stop_and_search_csv",
]
