"""What the public pages read: the force and period a URL asks for, and the panels and results
they show, computed by the report library and kept in a bounded cache. The cache is forgotten
when the lake changes (a load rewrites its manifest or reference tables; checked at most every
``STAMP_SECONDS``), so a running app picks up new data without a restart."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import openpeel
from openpeel import exports
from openpeel.calendar import Period, default_period
from openpeel.errors import UnknownIdError, UserInputError
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import lake_provenance
from openpeel.reference.forces import force
from openpeel.report import panels
from openpeel.report.model import Panel

T = TypeVar("T")
_LOCK = threading.RLock()
_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
CACHE_SIZE = 256
STAMP_SECONDS = 2.0
_MISSING = object()
#: data directory -> (when last checked, stamp of its lake files).
_STAMPS: dict[str, tuple[float, tuple[float, ...]]] = {}


def cached(key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """The value for key, computed once (one computation at a time: DuckDB and the caches are
    shared between request threads). A hit takes no lock: single OrderedDict operations are
    atomic, and the request threads would otherwise queue on every cached lookup."""
    value = _CACHE.get(key, _MISSING)
    if value is not _MISSING:
        with suppress(KeyError):  # evicted meanwhile by another thread: still a valid value
            _CACHE.move_to_end(key)
        return value
    with _LOCK:
        value = _CACHE.get(key, _MISSING)
        if value is not _MISSING:
            return value
        made = make()
        _CACHE[key] = made
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return made


def clear_cache() -> None:
    """Forget every cached result (after loading new data)."""
    with _LOCK:
        _CACHE.clear()
        _STAMPS.clear()


def _stamp(data_dir: Path) -> tuple[float, ...]:
    """Modification times of what a load rewrites: the manifests (police.uk and official
    statistics) and the reference table folder (0 when missing)."""
    lake = data_dir / "lake"
    out = []
    for path in (
        lake / "_manifest.parquet",
        lake / "official" / "_manifest.parquet",
        lake / "reference",
    ):
        try:
            out.append(path.stat().st_mtime)
        except OSError:
            out.append(0.0)
    return tuple(out)


def refresh(data_dir: Path, now: float | None = None) -> None:
    """Forget the cache when the lake changed since the last look (looks at most every
    ``STAMP_SECONDS``; a request calls this once)."""
    now = time.monotonic() if now is None else now
    checked = _STAMPS.get(str(data_dir))
    if checked is not None and now - checked[0] < STAMP_SECONDS:
        return
    stamp = _stamp(data_dir)
    with _LOCK:
        if checked is not None and stamp != checked[1]:
            _CACHE.clear()
        _STAMPS[str(data_dir)] = (now, stamp)


def connection(data_dir: Path) -> Any:
    """One Ibis connection per data directory."""
    return cached(("connection", str(data_dir)), lambda: openpeel.connect(data_dir))


def loaded_forces(data_dir: Path) -> list[str]:
    """Forces with any police.uk data in the lake."""

    def make() -> list[str]:
        con = connection(data_dir)
        if "lake_partitions" not in con.list_tables():
            return []
        parts = con.table("lake_partitions")
        return sorted(parts.force_id.execute().unique().tolist())

    return cached(("forces", str(data_dir)), make)


def loaded_months(data_dir: Path, force_id: str) -> list[date]:
    """The force's months with crimes or stop and search loaded, in order."""

    def make() -> list[date]:
        parts = connection(data_dir).table("lake_partitions")
        months = parts.filter(parts.force_id == force_id).month.execute()
        return sorted({m.date() if hasattr(m, "date") else m for m in months})

    return cached(("months", str(data_dir), force_id), make)


def latest_month(data_dir: Path, force_id: str) -> date | None:
    """The force's last month with crimes or stop and search loaded."""
    months = loaded_months(data_dir, force_id)
    return months[-1] if months else None


def lake_is_synthetic(data_dir: Path, force_id: str | None = None) -> bool:
    """True when any data in the lake (of one force, or of any) is synthetic: the provenance
    rule over every table's snapshot or source labels."""

    def make() -> bool:
        forces = None if force_id is None else [force_id]
        return lake_provenance(connection(data_dir), forces).is_synthetic

    return cached(("synthetic", str(data_dir), force_id), make)


class BadRequest(UserInputError):
    """The URL asks for something the app cannot show (a one-line reason)."""


def choose(
    data_dir: Path, force_id: str | None, fy: str | None, start: str | None, end: str | None
) -> tuple[str, Period]:
    """The force and period of a URL, with defaults: the first force loaded, and the default
    period (``default_period``) of its months loaded."""
    refresh(data_dir)
    forces = loaded_forces(data_dir)
    if not forces:
        raise BadRequest("no data is loaded: run 'openpeel demo' or 'openpeel ingest'")
    chosen = force_id or forces[0]
    try:
        force(chosen)
    except UnknownIdError as error:
        raise BadRequest(str(error)) from error
    try:
        if fy:  # the financial-year control wins over the month fields sent beside it
            return chosen, Period.financial_year(fy)
        if start or end:
            if not (start and end):
                raise UserInputError("give both a first and a last month (YYYY-MM)")
            return chosen, Period.from_months(start, end)
    except UserInputError as error:
        raise BadRequest(str(error)) from error
    last = latest_month(data_dir, chosen)
    if last is None:
        raise BadRequest(f"no data is loaded for {chosen}")
    return chosen, default_period(last)


def section_panels(data_dir: Path, section: str, force_id: str, period: Period) -> list[Panel]:
    """The report's panels of one section (cached)."""
    key = ("section", str(data_dir), section, force_id, period.start, period.end)
    return cached(
        key,
        lambda: panels.section_panels(
            connection(data_dir),
            section,
            force_id,
            period,
            lake_is_synthetic(data_dir, force_id),
        ),
    )


def csv_text(result: IndicatorResult) -> str:
    """A result as CSV: its notes as ``#`` lines, then the rows (with the ``synthetic_data``
    column when synthetic); the convention of :mod:`openpeel.exports`."""
    return exports.csv_text(result.records(), result.notes(), result.columns())


def assessment(data_dir: Path, engine: Any, force_id: str, period: Period) -> Any:
    """The PEEL assessment of a force and period (cached; None when the framework in force has
    no rules): the overview's summary reads its suggested grades and reasons."""
    from openpeel.assess.assessment import assess
    from openpeel.assess.evidence import IndicatorCache
    from openpeel.assess.framework_rules import RulesError

    def make() -> Any:
        cache = IndicatorCache(connection(data_dir), force_id, period)
        try:
            return assess(cache, force_id, period, db=engine)
        except RulesError:
            return None

    return cached(("assessment", str(data_dir), force_id, period.start, period.end), make)


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
