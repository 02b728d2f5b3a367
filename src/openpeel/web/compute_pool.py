"""The public pages' expensive computations run in a small pool of worker processes, so that the
server's own process stays free for everything else.

A computation (DuckDB queries, pandas, chart rendering) holds Python's global interpreter lock
for much of its time; run on the server's threads it would make every other request of the
process (a login page, a page the cache holds) wait behind it. Run in another process, it costs
the server only the wait for its answer, on a thread that holds no lock.

- **Bounded**: ``processes`` worker processes, and at most ``waiting`` computations queued
  beyond those running; one more is turned away at once with :class:`ServerBusy` (503 with
  Retry-After) instead of queuing without end.
- **Separate**: workers start with the ``spawn`` method (a fork would copy the server's threads
  and DuckDB connections) and ignore Ctrl-C (the server stops them); a worker that dies is
  replaced on the next computation, the request that met it answered "busy".
- ``processes=0`` runs computations on the calling thread, in the server's process (for a
  machine with one core, or to profile a computation).

Workers keep their own caches and DuckDB connections (``public_data``), so a computation repeated
for another key reuses what the worker already read.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from typing import Any, TypeVar

from openpeel.web.admission import ServerBusy

T = TypeVar("T")

#: Worker processes by default: one per core of a small server, the server's process beside them.
DEFAULT_PROCESSES = 2
#: Computations that may wait for a worker, per worker, before more are turned away.
WAITING_PER_PROCESS = 2


#: How much lower the workers' CPU priority is than the server's: on a busy machine the
#: operating system then runs the server's cheap requests before the workers' computations.
#: The lowest priority: at 5, a flood from 60 addresses put the login page's p95 at 4.2-4.5x
#: its idle value (benchmarks/filter_flood.py, idle 2-core machine); at 19, 1.1-2.6x.
NICENESS = 19
#: How often a worker checks that the server that started it still runs.
PARENT_CHECK_SECONDS = 2.0


def _worker_started(parent: int) -> None:
    """Set up a worker process: Ctrl-C is the server's to handle, a worker computes on its own
    threads (it never hands work to a pool of its own), and it ends when the server is gone
    (even killed, when no one would tell it to)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with suppress(OSError):
        os.nice(NICENESS)
    _POOL.resize(0)
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _import(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)
    time.sleep(0.5)  # held a moment, so that each worker gets one of the imports


class ComputePool:
    """A bounded pool of worker processes running expensive computations (thread-safe)."""

    def __init__(self, processes: int = DEFAULT_PROCESSES) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._running = 0
        self.processes = processes

    @property
    def capacity(self) -> int:
        """Computations admitted at once: running plus waiting for a worker."""
        return self.processes * (1 + WAITING_PER_PROCESS)

    def resize(self, processes: int) -> None:
        """Use ``processes`` workers from now on (0: compute on the calling thread); the old
        workers finish what they run and stop."""
        if processes < 0:
            raise ValueError("processes must be 0 or more")
        with self._lock:
            if processes == self.processes:
                return
            old, self._executor, self.processes = self._executor, None, processes
        if old is not None:
            old.shutdown(wait=False, cancel_futures=False)

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` computed in a worker process (``function`` and ``args`` picklable,
        ``function`` defined at a module's top level); the calling thread waits for it. Raises
        ServerBusy when the pool is full or its worker died, else what ``function`` raised."""
        with self._lock:
            if self.processes == 0:
                executor = None
            elif self._running >= self.capacity:
                raise ServerBusy("The server is busy: try again in a few seconds.")
            else:
                executor = self._executor or self._start()
                self._running += 1
        if executor is None:
            return function(*args)
        try:
            return executor.submit(function, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._executor is executor:
                    self._executor = None  # replaced on the next computation
            raise ServerBusy("The server is busy: try again in a few seconds.") from None
        finally:
            with self._lock:
                self._running -= 1

    def warm(self, modules: tuple[str, ...]) -> None:
        """Start the workers now and have each import ``modules`` (without waiting), so that
        the first computations do not wait for a worker to start."""
        with self._lock:
            if self.processes == 0:
                return
            executor = self._executor or self._start()
        for _ in range(self.processes):
            executor.submit(_import, modules)

    def running(self) -> int:
        """Computations running or waiting for a worker now."""
        return self._running

    def close(self) -> None:
        """Stop the workers (a later computation starts new ones)."""
        with self._lock:
            old, self._executor = self._executor, None
        if old is not None:
            old.shutdown(wait=True, cancel_futures=True)

    def _start(self) -> ProcessPoolExecutor:
        self._executor = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_started,
            initargs=(os.getpid(),),
        )
        return self._executor


#: The process's pool (the caches it fills are the process's too).
_POOL = ComputePool()


def pool() -> ComputePool:
    """The pool of this process."""
    return _POOL


def prepare_in_background(where: Any) -> multiprocessing.process.BaseProcess:
    """Start preparing the public pages' missing views (``public_data.prepare``) in a process of
    its own at the lowest CPU priority, and return it: after a load every view is kept already
    (it costs a look), after a code upgrade (new stored-view folder) they are computed here, so
    the first visitor reads them rather than waiting. The server serves meanwhile; a page asked
    for before its view is ready computes it as usual. The process ends with the server."""
    process = multiprocessing.get_context("spawn").Process(
        target=_prepare, args=(where, os.getpid()), name="openpeel-prepare", daemon=True
    )
    process.start()
    return process


def _prepare(where: Any, parent: int) -> None:
    """In the preparing process: lowest priority, Ctrl-C left to the server, every failure
    left to the pages (which compute on first view)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with suppress(OSError):
        os.nice(NICENESS)
    _POOL.resize(0)  # computed here, never handed on
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    from openpeel.web import public_data

    with suppress(Exception):
        public_data.prepare(where)
