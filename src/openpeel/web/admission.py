"""How much expensive work one client may ask of the app: a request that needs a computation
the caches do not hold (a new force, period or filter value) is admitted only while the client
has fewer than ``concurrent`` such requests running and has made fewer than ``per_minute`` of
them in the last minute. Anything the caches hold is always served.

The app's middleware gives every request a :class:`Ticket` in a context variable; the cache
calls :func:`admit` on its first miss of the request (later misses of the same request are
already admitted), and the middleware closes the ticket when the request ends. The library code
in between knows nothing about requests.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

#: Clients remembered at once (least recently seen forgotten first).
MAX_CLIENTS = 10_000


class TooManyRequests(Exception):
    """A client asked for more new computations than it may (429, with when to retry)."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ServerBusy(Exception):
    """The app cannot take one more expensive computation now: try again shortly (503)."""


@dataclass
class _Client:
    running: int = 0
    started: deque[float] = field(default_factory=deque)


class ClientLimiter:
    """Per-client admission of expensive computations (thread-safe, bounded memory)."""

    def __init__(self, concurrent: int = 1, per_minute: int = 30) -> None:
        self.concurrent = concurrent
        self.per_minute = per_minute
        self._clients: OrderedDict[str, _Client] = OrderedDict()
        self._lock = threading.Lock()

    @contextmanager
    def admit(self, client: str, now: float | None = None) -> Iterator[None]:
        """Run one expensive request for ``client``, or raise TooManyRequests."""
        self.enter(client, now)
        try:
            yield
        finally:
            self.leave(client)

    def refusal(self, client: str, now: float | None = None) -> TooManyRequests | None:
        """What ``enter`` would refuse now (None: it would admit), changing nothing: lets the
        app turn a client over its allowance away before doing any work for the request."""
        now = time.monotonic() if now is None else now
        with self._lock:
            state = self._clients.get(client)
            if state is None:
                return None
            if state.running >= self.concurrent:
                return TooManyRequests(
                    "Too many new views asked for at once: wait for the first to finish.", 2
                )
            recent = [t for t in state.started if now - t < 60.0]
            if len(recent) >= self.per_minute:
                wait = int(60.0 - (now - recent[0])) + 1
                return TooManyRequests(
                    f"Too many new views asked for in a minute: try again in {wait} seconds.",
                    wait,
                )
            return None

    def leave(self, client: str) -> None:
        """An admitted request of ``client`` ended."""
        with self._lock:
            state = self._clients.get(client)
            if state is not None and state.running > 0:
                state.running -= 1

    def enter(self, client: str, now: float | None = None) -> None:
        """Count one more expensive request of ``client``, or raise TooManyRequests."""
        now = time.monotonic() if now is None else now
        with self._lock:
            state = self._clients.get(client)
            if state is None:
                state = self._clients[client] = _Client()
                while len(self._clients) > MAX_CLIENTS:
                    self._forget_one()
            self._clients.move_to_end(client)
            while state.started and now - state.started[0] >= 60.0:
                state.started.popleft()
            if state.running >= self.concurrent:
                raise TooManyRequests(
                    "Too many new views asked for at once: wait for the first to finish.", 2
                )
            if len(state.started) >= self.per_minute:
                wait = int(60.0 - (now - state.started[0])) + 1
                raise TooManyRequests(
                    f"Too many new views asked for in a minute: try again in {wait} seconds.",
                    wait,
                )
            state.running += 1
            state.started.append(now)

    def _forget_one(self) -> None:
        for name, state in self._clients.items():
            if state.running == 0:
                del self._clients[name]
                return
        self._clients.popitem(last=False)

    def tracked(self) -> int:
        """How many clients are remembered (bounded by ``MAX_CLIENTS``)."""
        return len(self._clients)


@dataclass
class Ticket:
    """One request's standing with the limiter: admitted on its first cache miss."""

    client: str
    limiter: ClientLimiter
    admitted: bool = False

    def close(self) -> None:
        """The request ended: its admission (if any) is given back."""
        if self.admitted:
            self.admitted = False
            self.limiter.leave(self.client)


#: The ticket of the request being served (None outside a request: never limited).
current_ticket: ContextVar[Ticket | None] = ContextVar("openpeel_ticket", default=None)


def admit() -> None:
    """Admit the current request for expensive work (once per request), or raise
    TooManyRequests."""
    ticket = current_ticket.get()
    if ticket is None or ticket.admitted or not ticket.client:
        return
    ticket.limiter.enter(ticket.client)
    ticket.admitted = True
