"""The data.police.uk JSON API client and :func:`fetch_stops` (one force-month of stop and
search written in the archive's layout)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from openpeel.sources.policeuk_api.retry import (
    _MONTH_RE,
    USER_AGENT,
    FetchError,
    RateLimiter,
    Sleep,
    _backoff_seconds,
    _check_force_id,
    _check_month,
    _describe_error,
    _is_retryable_status,
    _retry_after_seconds,
)
from openpeel.sources.policeuk_api.writer import (
    write_stop_and_search_csv,
)

API_BASE_URL = "https://data.police.uk/api/"


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
