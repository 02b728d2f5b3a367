"""What the pages of a force and period show, computed once per state of the lake and kept on
disk: section panels, the indicator results the assessment judges, the peers and trends panels,
the explorer's default view, and the forces and months loaded.

A page's first view then reads a file instead of computing every indicator and drawing every
chart (seconds on a force-year). The loads (``openpeel ingest``, ``official load``,
``population load``, the demo) call :func:`warm` for the default period of each force loaded;
anything else (another period, an explorer filter) is computed on first use and kept too.

Each value is stored under ``<data dir>/_views/<lake version>-<code version>/`` (the lake's
version: ``openpeel.store.lake_version``; the code's: the installed openpeel's source files), in
a file named by a digest of its key. A load changes the lake's version, so a value of an earlier
state is never read again (and its folder is removed by the next store); a value computed while
a load committed is not kept. Files are written to a temporary name and renamed, so a reader
sees a whole file or none. The folder is a cache: deleting it loses nothing.

A view is kept under its period's months, so a period asked for in other words (the financial
year ``2021/22`` or the months ``2021-04 to 2022-03``) reads the same view: every view of a
period is read through :func:`worded`, which puts the words of the period asked for wherever
the view names its months in the other words (titles, captions, charts, reasons).

The files are Python pickles, read only from the data directory openpeel itself writes (the same
trust as the lake beside them).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import pickle
import shutil
import uuid
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

from openpeel.calendar import Period, default_period
from openpeel.config import Where, workspace_for
from openpeel.errors import OpenpeelError
from openpeel.indicators.computed_once import computing_once
from openpeel.report.model import Panel
from openpeel.store.lake_version import lake_version

T = TypeVar("T")
#: The folder (in the data directory) holding the stored views.
FOLDER = "_views"
#: Errors that mean a stored file cannot be used (cut short, or written by other code).
UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)


def folder(data_dir: Path | str) -> Path:
    """The folder of a data directory's stored views."""
    return Path(data_dir) / FOLDER


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the installed openpeel's source and reference files (names, sizes, times):
    views stored by other code are not read."""
    import openpeel

    root = Path(openpeel.__file__).parent
    digest = hashlib.sha256(openpeel.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".csv", ".json", ".yaml", ".toml") and path.is_file():
            found = path.stat()
            digest.update(f"{path.relative_to(root)}:{found.st_size}:{found.st_mtime_ns};".encode())
    return digest.hexdigest()[:8]


def _path(data_dir: Path, version: str, key: tuple[Any, ...]) -> Path:
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    return folder(data_dir) / f"{version}-{code_version()}" / f"{name}.pickle"


def stored(
    data_dir: Path | str,
    key: tuple[Any, ...],
    make: Callable[[], T],
    read_version: Callable[[], str | None] | None = None,
) -> T:
    """The value of ``key`` for the lake as it is now: read from disk, else made and kept.

    Args:
        data_dir: the data directory.
        key: what the value is (plain values with a stable ``repr``: text, numbers, dates,
            frozen dataclasses).
        make: computes the value from the lake.
        read_version: the lake version ``make`` read, when the caller knows it (a connection
            on a snapshot); otherwise the value is kept only if the lake did not change while
            it was made.
    """
    data_dir = Path(data_dir)
    version = lake_version(data_dir)
    path = _path(data_dir, version, key)
    try:
        with path.open("rb") as file:
            return cast(T, pickle.load(file))
    except FileNotFoundError:
        pass
    except UNREADABLE:
        path.unlink(missing_ok=True)
    value = make()
    source = read_version() if read_version is not None else None
    if source is None and lake_version(data_dir) == version:
        source = version
    if source is not None:
        _write(_path(data_dir, source, key), value)
    return value


def labels(period: Period) -> tuple[str, ...]:
    """Every label of the period's months: the months (``2021-04 to 2022-03``) and, for an
    April-to-March year, the financial year (``2021/22``)."""
    found = [Period.from_months(f"{period.start:%Y-%m}", f"{period.end:%Y-%m}").label]
    if period.start.month == 4 and period.n_months == 12:
        found.append(Period.financial_year(f"{period.start.year}/{period.end.year}").label)
    return tuple(found)


def worded(value: T, period: Period) -> T:
    """A view of the period's months in the words of ``period``: wherever it names the months
    in another label (text, chart specifications and images, text cells of tables, the
    periods it holds), the label asked for instead. The view itself is left as it is (a
    stored or cached value is shared); parts that change are copied."""
    result = value
    for other in labels(period):
        if other != period.label:
            result = _reworded(result, other, period.label, {})
    return result


def _reworded(value: Any, old: str, new: str, done: dict[int, Any]) -> Any:
    """``value`` with ``old`` replaced by ``new`` in every text it holds (itself when none)."""
    if isinstance(value, str):
        return value.replace(old, new) if old in value else value
    if id(value) in done:
        return done[id(value)]
    done[id(value)] = value  # a cycle reads the value as it is
    found = value
    if isinstance(value, list | tuple | set | frozenset):
        items = [_reworded(item, old, new, done) for item in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            found = type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    elif isinstance(value, dict):
        pairs = [
            (_reworded(k, old, new, done), _reworded(v, old, new, done)) for k, v in value.items()
        ]
        if any(
            a is not k or b is not v for (a, b), (k, v) in zip(pairs, value.items(), strict=True)
        ):
            found = copy.copy(value)
            found.clear()
            found.update(pairs)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for f in dataclasses.fields(value):
            before = getattr(value, f.name)
            after = _reworded(before, old, new, done)
            if after is not before:
                changed[f.name] = after
        if changed:
            found = copy.copy(value)
            for name, after in changed.items():
                object.__setattr__(found, name, after)  # frozen dataclasses too
    elif _is_frame(value):
        found = _reworded_frame(value, old, new, done)
    done[id(value)] = found
    return found


def _is_frame(value: Any) -> bool:
    import sys

    pandas = sys.modules.get("pandas")  # a frame exists only when pandas is imported
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _reworded_frame(frame: Any, old: str, new: str, done: dict[int, Any]) -> Any:
    """A table with its column names and text cells reworded (itself when none changes)."""
    columns = [_reworded(c, old, new, done) for c in frame.columns]
    texts = {}
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if column.dtype.kind == "O":  # text: object or string cells
            cells = column.tolist()
            if any(isinstance(c, str) and old in c for c in cells):
                texts[position] = [_reworded(c, old, new, done) for c in cells]
    if not texts and columns == list(frame.columns):
        return frame
    found = frame.copy()
    for position, cells in texts.items():
        found.isetitem(position, cells)
    found.columns = columns
    return found


#: What ``peek`` gives when nothing is kept for a key.
MISSING: Any = object()


def peek(data_dir: Path | str, key: tuple[Any, ...]) -> Any:
    """The value kept for ``key`` for the lake as it is now, or ``MISSING``: a read that
    never computes (the web reads stored views in its own process before it asks a worker)."""
    data_dir = Path(data_dir)
    path = _path(data_dir, lake_version(data_dir), key)
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except FileNotFoundError:
        return MISSING
    except UNREADABLE:
        return MISSING


def stored_or(data_dir: Path | str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Read stored before computing: the value kept for ``key`` for the lake as it is now, else
    ``compute()`` (which may keep it: ``stored``, ``Views``). The one rule by which every face
    reads a view (the web reads it in its own process before asking a compute worker)."""
    value = peek(data_dir, key)
    return compute() if value is MISSING else cast(T, value)


def is_stored(data_dir: Path | str, key: tuple[Any, ...]) -> bool:
    """Whether a value of ``key`` is kept for the lake as it is now."""
    data_dir = Path(data_dir)
    return _path(data_dir, lake_version(data_dir), key).exists()


def _write(path: Path, value: Any) -> None:
    """Write atomically; remove the folders of other versions. A store that cannot be written
    (a read-only data directory, a folder removed meanwhile) is skipped: the value stands."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        with temporary.open("wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        return
    except (pickle.PicklingError, TypeError, AttributeError):
        temporary.unlink(missing_ok=True)
        return
    for other in path.parent.parent.iterdir():
        if other != path.parent and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)


@dataclass
class Views:
    """The stored views of one data directory, each computed on ``connect()`` when missing.

    Attributes:
        data_dir: the data directory.
        connect: gives the Ibis connection to compute with (called only on a miss).
        read_version: the lake version the connection reads, when known (see ``stored``).
    """

    data_dir: Path
    connect: Callable[[], Any]
    read_version: Callable[[], str | None] | None = None
    computed: list[tuple[Any, ...]] = field(default_factory=list)

    def _stored(self, key: tuple[Any, ...], make: Callable[[Any], T], keep: bool = True) -> T:
        """The view of key; ``keep`` False computes it without storing it."""
        return self.kept(key, lambda: make(self.connect()), keep)

    def kept(self, key: tuple[Any, ...], make: Callable[[], T], keep: bool = True) -> T:
        """The view of key made by ``make`` (which reads the lake through ``connect``, as
        a face's own view does: a page's drawn charts), stored when ``keep``."""

        def run() -> T:
            self.computed.append(key)
            return make()

        return stored(self.data_dir, key, run, self.read_version) if keep else run()

    def keeps(self, force_id: str, period: Period) -> bool:
        """Whether the views of a period are stored: the force's default period and whole
        financial years (what the pages link to). Others (any range of months a URL names)
        are computed and left to the web's bounded memory cache, so that no client can fill
        the disk with them."""
        if period.start.month == 4 and period.n_months == 12:
            return True
        months = self.loaded_months(force_id)
        if not months:
            return False
        default = default_period(months[-1])
        return (period.start, period.end) == (default.start, default.end)

    def loaded_forces(self) -> list[str]:
        """Forces with any police.uk data in the lake."""

        def make(con: Any) -> list[str]:
            if "lake_partitions" not in con.list_tables():
                return []
            parts = con.table("lake_partitions")
            return sorted(parts.force_id.execute().unique().tolist())

        return self._stored(("forces",), make)

    def loaded_months(self, force_id: str) -> list[date]:
        """The force's months with crimes or stop and search loaded, in order."""

        def make(con: Any) -> list[date]:
            parts = con.table("lake_partitions")
            months = parts.filter(parts.force_id == force_id).month.execute()
            return sorted({m.date() if hasattr(m, "date") else m for m in months})

        return self._stored(("months", force_id), make)

    def is_synthetic(self, force_id: str | None = None) -> bool:
        """True when any data in the lake (of one force, or of any) is synthetic."""
        from openpeel.provenance import lake_provenance

        forces = None if force_id is None else [force_id]
        return self._stored(
            ("synthetic", force_id), lambda con: lake_provenance(con, forces).is_synthetic
        )

    def provenance(self, force_id: str) -> Any:
        """The provenance of the force's data in the lake (``provenance.lake_provenance``):
        whether it is synthetic and which tables are (the report's notes name them)."""
        from openpeel.provenance import lake_provenance

        return self._stored(("provenance", force_id), lambda con: lake_provenance(con, [force_id]))

    def section_panels(self, section: str, force_id: str, period: Period) -> list[Panel]:
        """The report's panels of one section (``report.panels.section_panels``)."""
        synthetic = self.is_synthetic(force_id)

        def make(con: Any) -> list[Panel]:
            from openpeel.report import panels  # imported only to compute (scipy, altair...)

            return panels.section_panels(con, section, force_id, period, synthetic)

        return worded(
            self._stored(
                ("section", section, force_id, period.start, period.end),
                make,
                keep=self.keeps(force_id, period),
            ),
            period,
        )

    def assessment_data(self, force_id: str, period: Period, framework_id: str) -> Any:
        """What the assessment reads from the lake: an ``assess.evidence.IndicatorCache``
        holding the result of every indicator the framework's rules name (or the reason it
        could not be computed) and each rule's judgment of it. Recorded evidence, grades and
        improvements are the database's, read by ``assess`` on every call."""
        from openpeel.assess.evidence import IndicatorCache, evaluate

        rules = assessment_rules(self.data_dir, framework_id)

        def make(con: Any) -> IndicatorCache:
            cache = IndicatorCache(con, force_id, period)
            for rule in rules:
                if rule.kind == "indicator":
                    evaluate(rule, cache)
            cache.con = None  # kept without its connection
            return cache

        return worded(
            self._stored(
                ("assessment-data", force_id, period.start, period.end, framework_id),
                make,
                keep=self.keeps(force_id, period),
            ),
            period,
        )

    def peer_groups(self, period: Period) -> list[str]:
        """The self-defined groups the peers page can compare."""
        from openpeel.report.peer_panels import peer_groups

        return self._stored(
            ("peer-groups", period.start, period.end), lambda con: peer_groups(con, period)
        )

    def peer_panels(self, force_id: str, period: Period, group: str) -> list[Panel]:
        """Every force's search rate for one group: ranked and in a funnel plot."""
        from openpeel.report.peer_panels import stop_search_peer_panels

        return worded(
            self._stored(
                ("peers", force_id, period.start, period.end, group),
                lambda con: stop_search_peer_panels(con, force_id, period, group),
                keep=self.keeps(force_id, period),
            ),
            period,
        )

    def official_peer_panels(self, force_id: str, period: Period) -> list[Panel]:
        """Every force in the official statistics, the force highlighted (peers page)."""
        from openpeel.report.peer_panels import official_peers_panels

        return worded(
            self._stored(
                ("peers-official", force_id, period.start, period.end),
                lambda con: official_peers_panels(con, force_id, period),
                keep=self.keeps(force_id, period),
            ),
            period,
        )

    def trend_panel(self, force_id: str) -> Panel:
        """Searches a month over every month loaded for the force."""
        from openpeel.report.peer_panels import long_trend_panel

        months = self.loaded_months(force_id)
        return self._stored(
            ("trend-all", force_id, tuple(months)),
            lambda con: long_trend_panel(con, force_id, months),
        )

    def explorer_cube(self, force_id: str, period: Period) -> Any:
        """The explorer's cube of the force's person searches of the period
        (``indicators.explorer_cube``): every explorer figure of any filter set is counted
        from it."""
        from openpeel.indicators.explorer_cube import explorer_cube

        return self._stored(
            ("explorer-cube", force_id, period.start, period.end),
            lambda con: explorer_cube(con, force_id, period),
            keep=self.keeps(force_id, period),
        )

    def explorer_options(self, force_id: str, period: Period) -> dict[str, list[str]]:
        """The values each explorer filter takes in the force's searches of the period."""
        from openpeel.indicators.explorer_cube import cube_options

        return self._stored(
            ("options", force_id, period.start, period.end),
            lambda con: cube_options(self.explorer_cube(force_id, period)),
            keep=self.keeps(force_id, period),
        )

    def explore(self, force_id: str, period: Period, filters: Any) -> Any:
        """The explorer's result for one set of filters (``indicators.explorer.explore``),
        counted from the stored cube."""
        from openpeel.indicators.explorer import explore_cube

        return worded(explore_cube(self.explorer_cube(force_id, period), filters), period)


def assessment_rules(data_dir: Path | str, framework_id: str) -> tuple[Any, ...]:
    """The assessment rules of a framework: the packaged ones and the data directory's edited
    copy (none when the framework has no rules)."""
    from openpeel.assess.framework_rules import USER_FOLDER, RulesError, load_rules

    found: dict[Any, None] = {}
    user = Path(data_dir) / USER_FOLDER
    for rules_dir in (None, user if user.is_dir() else None):
        try:
            found.update(dict.fromkeys(load_rules(framework_id, rules_dir)))
        except RulesError:
            continue
    return tuple(found)


@dataclass
class Warmed:
    """What :func:`warm` prepared: per force, the period and how many views it computed."""

    force_id: str
    period: Period
    computed: int


def warm(where: Where, forces: Iterable[str] | None = None, con: Any = None) -> list[Warmed]:
    """Compute and keep every view the public pages show by default for each force loaded (or
    those named): its default period's section panels, assessment indicators, peers, trends and
    explorer. Views already kept for the lake as it is are not computed again.

    Args:
        where: the workspace or data directory.
        forces: the forces to prepare (default: every force with police.uk data loaded).
        con: an open connection to compute with (default: one opened on the first miss).
    """
    ws = workspace_for(where)
    data_dir = ws.data_dir
    opened: list[Any] = [con] if con is not None else []

    def connect() -> Any:
        if not opened:
            import openpeel

            opened.append(openpeel.connect(ws))
        return opened[0]

    views = Views(data_dir, connect)
    chosen = list(forces) if forces is not None else views.loaded_forces()
    with computing_once():  # the sections and the assessment share the indicators they ask
        return [w for force_id in chosen if (w := _warm_force(views, data_dir, force_id))]


def _warm_force(views: Views, data_dir: Path, force_id: str) -> Warmed | None:
    """The default views of one force (None when it has no months loaded)."""
    from openpeel.assess.framework_rules import assessed_framework_id
    from openpeel.report.panels import BUILDERS

    before = len(views.computed)
    months = views.loaded_months(force_id)
    if not months:
        return None
    period = default_period(months[-1])
    views.is_synthetic(force_id)
    views.is_synthetic(None)
    views.provenance(force_id)
    for section in BUILDERS:
        views.section_panels(section, force_id, period)
    views.assessment_data(force_id, period, assessed_framework_id(period.end))
    # What a page shows as "not available" (no peers, no searches) is left to the page.
    with suppress(OpenpeelError):
        views.peer_panels(force_id, period, views.peer_groups(period)[0])
    with suppress(OpenpeelError):
        views.official_peer_panels(force_id, period)
    with suppress(OpenpeelError):
        views.trend_panel(force_id)
    with suppress(OpenpeelError):
        views.explorer_options(force_id, period)  # and the cube it is counted from
    return Warmed(force_id, period, len(views.computed) - before)
