"""What every data.police.uk request shares: the one-line error, input checks, back-off with
Retry-After, and the rate limiter that keeps under the API's limits."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from openpeel.errors import OpenpeelError

ProgressCallback = Callable[[int, int | None], None]
Sleep = Callable[[float], None]

USER_AGENT = "openpeel (python-httpx)"


_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


_FORCE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FetchError(OpenpeelError):
    """A download or API call that cannot give what was asked for; the message is one line."""


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
