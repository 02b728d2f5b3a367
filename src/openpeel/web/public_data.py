"""What the public pages read: the force and period a URL asks for, and the panels and results
they show, computed by the report library and kept in a bounded cache.

- **Bounded**: at most ``CACHE_SIZE`` results, least recently used forgotten first; the force
  and period of a URL are checked against what the lake holds before anything is computed, so
  made-up values cost a 400, not memory.
- **Concurrent**: a value missing from the cache is computed once (later askers for the same key
  wait for it), while computations of different keys run side by side, each on its own DuckDB
  connection from a small pool (``COMPUTE_SLOTS`` per data directory; a DuckDB connection is
  not safe to share between threads).
- **Apart**: the heavy computations (a section's panels, an explorer view) run in worker
  processes (``computed``, ``compute_pool``), so that they never hold the server's process.
- **Fair**: a computation counts against its client's allowance (``openpeel.web.admission``);
  a client asking for too many new views at once gets a 429 while everyone else is served.
- **Stored**: below the memory cache, each view is read from the data directory's stored views
  (``openpeel.report.stored_views``: computed once per state of the lake, warmed by the loads),
  so the first view of a page after a start or a load reads files instead of computing.
- **Fresh**: the cache and the connections are forgotten when the lake changes (a load changes
  its version, ``openpeel.store.lake_version``; checked at most every ``STAMP_SECONDS`` and
  before every computation), so a running app picks up new data without a restart.
  Connections read a hard-linked snapshot of the lake (``lake_snapshot``), which a load cannot
  pull files from; a computation that meets replaced files anyway runs again on the new state:
  readers see the old state or the new, never an error.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import openpeel
from openpeel import exports
from openpeel.calendar import Period, default_period
from openpeel.errors import UnknownIdError, UserInputError
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import force
from openpeel.report import stored_views
from openpeel.report.model import Panel
from openpeel.report.stored_views import Views
from openpeel.store.lake_version import lake_version
from openpeel.web import admission, compute_pool, lake_snapshot
from openpeel.web.admission import ServerBusy

T = TypeVar("T")
CACHE_SIZE = 256
#: DuckDB connections per data directory: how many computations run at once.
COMPUTE_SLOTS = 2
#: Longest wait for a free connection before answering "busy" (503).
WAIT_SECONDS = 30.0
STAMP_SECONDS = 2.0
#: How many times a computation runs when loads keep replacing the files it reads.
ATTEMPTS = 3
_MISSING = object()
_LOCK = threading.RLock()
_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
#: Views in the words of a label (``in_words``): (key, label) -> (the view, it reworded).
_WORDED: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
#: key -> [its lock, how many threads want it]: one computation per key at a time.
_KEY_LOCKS: dict[tuple[Any, ...], list[Any]] = {}
#: data directory -> (when last checked, version of its lake).
_STAMPS: dict[str, tuple[float, str]] = {}
#: data directory -> (lake version, pool of connections made for it, the folder they read,
#: the version that folder holds when known).
_POOLS: dict[str, tuple[str, queue.LifoQueue[Any], Path, str | None]] = {}
_HELD = threading.local()


def cached(key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """The value for key, computed once. A hit takes no lock (single OrderedDict operations are
    atomic); a miss admits the request against its client's allowance (``admission.admit``),
    waits only for a computation of the same key, and runs ``make`` with a connection checked
    out for this thread (``connection`` returns it), retrying once when a concurrent load
    replaced the files it read."""
    value = _CACHE.get(key, _MISSING)
    if value is not _MISSING:
        with suppress(KeyError):  # evicted meanwhile by another thread: still a valid value
            _CACHE.move_to_end(key)
        return value
    if getattr(_HELD, "depth", 0):  # inside another computation: its allowance and connection
        return _store(key, make)
    with computing(key):
        value = _CACHE.get(key, _MISSING)
        if value is not _MISSING:
            return value
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return _store(key, make)
            except Exception as error:
                if attempt == ATTEMPTS or not _files_replaced(error):
                    raise
            _release_connections()  # a load changed the lake under the query: again, anew
            for data_dir in list(_POOLS):
                refresh(Path(data_dir), force=True)
        raise AssertionError("unreachable")


def computed(data_dir: Path, key: tuple[Any, ...], function: Callable[..., T], *args: Any) -> T:
    """The view ``key`` (its kind, then what it is of) of a data directory, as ``cached`` gives
    it under ``(kind, data_dir, ...)``: on a miss, read stored before computing
    (``stored_views.stored_or``: a view the loads prepared is read here, so a prepared page
    never waits for a worker, nor for the workers to start), else computed as
    ``function(*args)`` in a worker process of the compute pool (``compute_pool``; the server's
    process only waits for it). ``function`` is defined at a module's top level and it, its
    arguments and its value pickle; inside it, ``cached`` and ``connection`` work as on the
    server (the worker's own)."""
    # The worker's own cache knows no load: its key carries the lake versions this process
    # sees (checked by ``refresh`` on every request), so a value of an earlier lake is never
    # served from a worker once the server has seen a load.
    versions = tuple(sorted((folder, seen[1]) for folder, seen in _STAMPS.items()))
    memory = (key[0], str(data_dir), *key[1:])

    def make() -> T:
        return stored_views.stored_or(
            data_dir,
            key,
            lambda: compute_pool.pool().run(_compute, (*memory, versions), function, args),
        )

    return cached(memory, make)


def force_view(
    data_dir: Path, kind: str, function: Callable[..., T], force_id: str, period: Period, *rest: Any
) -> T:
    """A view of a force and period (``computed``): the view ``(kind, force_id, period's first
    and last day, *rest)``, computed as ``function(data_dir, force_id, period, *rest)``."""
    key = (kind, force_id, period.start, period.end, *rest)
    return computed(data_dir, key, function, data_dir, force_id, period, *rest)


def _compute(key: tuple[Any, ...], function: Callable[..., T], args: tuple[Any, ...]) -> T:
    """Run in a worker: the value for key from the worker's cache, else computed there."""
    return cached(key, lambda: function(*args))


def is_cached(key: tuple[Any, ...]) -> bool:
    """Whether the cache holds a value for key."""
    return key in _CACHE


@contextmanager
def computing(key: tuple[Any, ...], admit: bool = True) -> Iterator[None]:
    """Run a computation of ``key`` on this thread: admitted against the client's allowance
    (unless ``admit`` is False), alone for its key, and with ``connection`` giving connections
    checked out for it (given back at the end). Nested computations share the outer one's."""
    if getattr(_HELD, "depth", 0):
        yield
        return
    if admit:
        admission.admit()
    with _key_lock(key):
        _HELD.depth = 1
        _HELD.connections = {}
        try:
            yield
        finally:
            _release_connections()
            _HELD.depth = 0


def _store(key: tuple[Any, ...], make: Callable[[], T]) -> T:
    made = make()
    with _LOCK:
        _CACHE[key] = made
        _CACHE.move_to_end(key)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return made


def _files_replaced(error: BaseException) -> bool:
    """Whether an error comes from reading lake files a concurrent load replaced."""
    text = str(error)
    return "No files found" in text or "No such file or directory" in text


@contextmanager
def _key_lock(key: tuple[Any, ...]) -> Iterator[None]:
    with _LOCK:
        entry = _KEY_LOCKS.setdefault(key, [threading.Lock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            yield
    finally:
        with _LOCK:
            entry[1] -= 1
            if entry[1] == 0:
                _KEY_LOCKS.pop(key, None)


def in_words(key: tuple[Any, ...], view: T, period: Period) -> T:
    """``view`` (kept under ``key``, which names its months, not their label) in the words of
    ``period`` (``stored_views.worded``), reworded once per label: kept until the view under
    the key is another object (computed again, or of a new lake), at most ``CACHE_SIZE``."""
    place = (*key, period.label)
    found = _WORDED.get(place)
    if found is not None and found[0] is view:
        return found[1]
    worded = stored_views.worded(view, period)
    with _LOCK:
        _WORDED[place] = (view, worded)
        _WORDED.move_to_end(place)
        while len(_WORDED) > CACHE_SIZE:
            _WORDED.popitem(last=False)
    return worded


def clear_cache() -> None:
    """Forget every cached result and connection (after loading new data)."""
    with _LOCK:
        _CACHE.clear()
        _WORDED.clear()
        _STAMPS.clear()
        _POOLS.clear()


def cache_size() -> int:
    """How many results the cache holds (at most ``CACHE_SIZE``)."""
    return len(_CACHE)


def _stamp(data_dir: Path) -> str:
    """The lake's version: changes whenever a load commits (``store.lake_version``)."""
    return lake_version(data_dir)


def refresh(data_dir: Path, now: float | None = None, force: bool = False) -> None:
    """Forget the cache and the connections when the lake changed since the last look (looks
    at most every ``STAMP_SECONDS`` unless ``force``; a request calls this once)."""
    now = time.monotonic() if now is None else now
    checked = _STAMPS.get(str(data_dir))
    if not force and checked is not None and now - checked[0] < STAMP_SECONDS:
        return
    stamp = _stamp(data_dir)
    with _LOCK:
        if checked is not None and stamp != checked[1]:
            _CACHE.clear()
        _STAMPS[str(data_dir)] = (now, stamp)


def _pool(data_dir: Path) -> tuple[queue.LifoQueue[Any], Path, str | None]:
    """The connections of a data directory for its current lake (a new pool, on a new snapshot,
    once it changed), the folder they read and the lake version they read (None when they read
    the lake itself, which a load may change under them)."""
    stamp = _stamp(data_dir)
    with _LOCK:
        found = _POOLS.get(str(data_dir))
        if found is not None and found[0] == stamp:
            return found[1], found[2], found[3]
        if found is not None:
            _CACHE.clear()  # results of the old lake
        reads = lake_snapshot.snapshot(data_dir, stamp) or data_dir
        # The snapshot holds this version unless a load committed while it was linked.
        known = stamp if reads != data_dir and _stamp(data_dir) == stamp else None
        fresh: queue.LifoQueue[Any] = queue.LifoQueue()
        for _ in range(COMPUTE_SLOTS):
            fresh.put(None)  # a slot: its connection is made on first use
        _POOLS[str(data_dir)] = (stamp, fresh, reads, known)
        return fresh, reads, known


def connection(data_dir: Path) -> Any:
    """The Ibis connection of the computation running on this thread (checked out of the data
    directory's pool for the whole computation; only ``cached`` computations may query)."""
    held: dict[str, tuple[queue.LifoQueue[Any], Any, str | None]] | None = getattr(
        _HELD, "connections", None
    )
    if held is None or not getattr(_HELD, "depth", 0):
        raise RuntimeError("public_data.connection is used inside a cached computation only")
    found = held.get(str(data_dir))
    if found is not None:
        return found[1]
    pool, reads, version = _pool(data_dir)
    try:
        con = pool.get(timeout=WAIT_SECONDS)
    except queue.Empty:
        raise ServerBusy("The server is busy: try again in a few seconds.") from None
    if con is None:
        try:
            con = openpeel.connect(reads)
        except BaseException:
            pool.put(None)
            raise
    held[str(data_dir)] = (pool, con, version)
    return con


def _read_version(data_dir: Path) -> str | None:
    """The lake version the connection this thread holds reads (None: none held, or one on
    the lake itself)."""
    held: dict[str, tuple[Any, Any, str | None]] = getattr(_HELD, "connections", None) or {}
    found = held.get(str(data_dir))
    return found[2] if found is not None else None


def views(data_dir: Path) -> Views:
    """The stored views of a data directory, computed (on a miss) on this thread's connection
    and kept under the version of the lake that connection reads."""
    return Views(
        data_dir,
        connect=lambda: connection(data_dir),
        read_version=lambda: _read_version(data_dir),
    )


def _release_connections() -> None:
    held: dict[str, tuple[queue.LifoQueue[Any], Any, str | None]] = getattr(
        _HELD, "connections", {}
    )
    for pool, con, _version in held.values():
        pool.put(con)
    held.clear()


def loaded_forces(data_dir: Path) -> list[str]:
    """Forces with any police.uk data in the lake."""

    return cached(("forces", str(data_dir)), lambda: views(data_dir).loaded_forces())


def loaded_months(data_dir: Path, force_id: str) -> list[date]:
    """The force's months with crimes or stop and search loaded, in order."""
    return cached(
        ("months", str(data_dir), force_id), lambda: views(data_dir).loaded_months(force_id)
    )


def latest_month(data_dir: Path, force_id: str) -> date | None:
    """The force's last month with crimes or stop and search loaded."""
    months = loaded_months(data_dir, force_id)
    return months[-1] if months else None


def lake_is_synthetic(data_dir: Path, force_id: str | None = None) -> bool:
    """True when any data in the lake (of one force, or of any) is synthetic: the provenance
    rule over every table's snapshot or source labels."""
    return cached(
        ("synthetic", str(data_dir), force_id), lambda: views(data_dir).is_synthetic(force_id)
    )


class BadRequest(UserInputError):
    """The URL asks for something the app cannot show (a one-line reason)."""


def choose(
    data_dir: Path, force_id: str | None, fy: str | None, start: str | None, end: str | None
) -> tuple[str, Period]:
    """The force and period of a URL, with defaults: the first force loaded, and the default
    period (``default_period``) of its months loaded. A force with no data loaded, or a period
    outside the force's months loaded, is refused (nothing is computed or cached for it)."""
    refresh(data_dir)
    forces = loaded_forces(data_dir)
    if not forces:
        raise BadRequest("no data is loaded: run 'openpeel demo' or 'openpeel ingest'")
    chosen = force_id or forces[0]
    try:
        force(chosen)
    except UnknownIdError as error:
        raise BadRequest(str(error)) from error
    if chosen not in forces:
        raise BadRequest(f"no data is loaded for {chosen}")
    months = loaded_months(data_dir, chosen)
    if not months:
        raise BadRequest(f"no data is loaded for {chosen}")
    if not (fy or start or end):
        return chosen, default_period(months[-1])
    try:
        if fy:  # the financial-year control wins over the month fields sent beside it
            period = Period.financial_year(fy)
        else:
            if not (start and end):
                raise UserInputError("give both a first and a last month (YYYY-MM)")
            period = Period.from_months(start, end)
    except UserInputError as error:
        raise BadRequest(str(error)) from error
    if period.end < months[0] or period.start > months[-1]:
        raise BadRequest(
            f"no data is loaded for {chosen} in {period.label}: its months run from "
            f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}"
        )
    return chosen, period


def section_panels(data_dir: Path, section: str, force_id: str, period: Period) -> list[Panel]:
    """The report's panels of one section (cached; stored)."""
    key = ("section", section, force_id, period.start, period.end)
    panels = computed(data_dir, key, _section_panels, data_dir, section, force_id, period)
    return in_words((str(data_dir), *key), panels, period)  # kept under the months


def _section_panels(data_dir: Path, section: str, force_id: str, period: Period) -> list[Panel]:
    return views(data_dir).section_panels(section, force_id, period)


def csv_text(result: IndicatorResult) -> str:
    """A result as CSV: its notes as ``#`` lines, then the rows (with the ``synthetic_data``
    column when synthetic); the convention of :mod:`openpeel.exports`."""
    return exports.csv_text(result.records(), result.notes(), result.columns())


def assessment(data_dir: Path, engine: Any, force_id: str, period: Period) -> Any:
    """The PEEL assessment of a force and period (cached; None when the framework in force has
    no rules): the overview's summary reads its suggested grades and reasons. The indicators
    its rules name are the stored views' (computed once per lake state); only recorded
    evidence, grades and improvements are read from the database."""
    from openpeel.assess.assessment import assess
    from openpeel.assess.framework_rules import RulesError

    def make() -> Any:
        cache = indicator_cache(data_dir, force_id, period)
        try:
            return assess(cache, force_id, period, db=engine)
        except RulesError:
            return None

    key = ("assessment", str(data_dir), force_id, period.start, period.end)
    return in_words(key, cached(key, make), period)  # kept under the months


def financial_years(data_dir: Path, force_id: str) -> list[str]:
    """The financial years (``2021/22``) with any month of the force's data loaded, latest
    first: the choices of the financial-year control."""
    years = {m.year if m.month >= 4 else m.year - 1 for m in loaded_months(data_dir, force_id)}
    return [f"{y}/{(y + 1) % 100:02d}" for y in sorted(years, reverse=True)]


def missing_months(data_dir: Path, force_id: str, period: Period) -> list[date]:
    """The months of the period with no data of the force loaded (a period wider than the
    data is shown with a warning naming them, never silently relabelled)."""
    loaded = set(loaded_months(data_dir, force_id))
    return [m for m in period.months if m not in loaded]


def indicator_cache(data_dir: Path, force_id: str, period: Period) -> Any:
    """The assessment's ``IndicatorCache`` for the period's framework: the stored results and
    judgments of every rule (``stored_views.Views.assessment_data``); any other indicator
    asked for is computed on this thread's connection (inside a cached computation)."""
    from dataclasses import replace

    from openpeel.assess.framework_rules import assessed_framework_id

    data = views(data_dir).assessment_data(force_id, period, assessed_framework_id(period.end))
    return replace(
        data,
        results=dict(data.results),
        judged=dict(data.judged),
        connect=lambda: connection(data_dir),
    )


#: The public pages whose first view ``prepare`` makes ready, besides every area page and
#: /assess (the explorer's further charts, asked for by the reader, included).
PREPARED_PAGES = (
    "/",
    "/overview",
    "/crime",
    "/calls",
    "/stop-search",
    "/stop-search/charts",
    "/peers",
    "/trends",
)


def prepare(where: Any) -> list[Any]:
    """Compute and keep every view the public pages show first, for each force loaded (views
    already kept for the lake and code as they are cost nothing): ``stored_views.warm``, then
    the explorer's drawn first view and further charts. Returns what ``warm`` prepared."""
    from openpeel.config import workspace_for
    from openpeel.errors import OpenpeelError
    from openpeel.web.routes_stop_search import prepared_more, prepared_view

    ws = workspace_for(where)
    prepared = stored_views.warm(ws)
    for done in prepared:
        args = (ws.data_dir, done.force_id, done.period)
        with suppress(OpenpeelError):  # a force with no searches: the page says so itself
            cached(("prepare-view", *args), partial(prepared_view, *args))
            cached(
                ("prepare-more", *args), partial(prepared_more, *args, None, ws.settings.boundaries)
            )
    return prepared
