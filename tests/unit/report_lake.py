"""A small synthetic lake for the report and public-page tests (two forces, six months, the demo
population, a little call data and an offender extract), built once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpeel.demo import build_demo

FORCE = "west-midlands"
START, END = "2021-10", "2022-03"


def build_lake(folder: Path) -> Path:
    """Write and load the lake into folder (through the demo library); returns the data
    directory."""
    build_demo(
        folder,
        forces=(FORCE, "west-mercia"),
        start=START,
        end=END,
        seed=3,
        scale=0.02,
        calls_scale=0.01,
        offenders=150,
        offenders_period=("2021-04", END),
        vulnerability_scale=0.01,
    )
    return folder


_SHARED: dict[str, object] = {}


def shared_lake(factory: object) -> Path:
    """One lake per test session, whichever module asks first (factory: tmp_path_factory)."""
    if "lake" not in _SHARED:
        _SHARED["lake"] = build_lake(factory.mktemp("report-lake"))  # type: ignore[attr-defined]
    return _SHARED["lake"]  # type: ignore[return-value]


@contextmanager
def lake_app(lake: Path, factory: Any, db_folder: str = "db") -> Iterator[Any]:
    """The web app over ``lake`` with a fresh, migrated SQLite operational database (in a new
    folder of ``factory``, tmp_path_factory) and the public pages' cache emptied; the database
    is closed after."""
    from openpeel.database.engine import make_engine
    from openpeel.database.migrate import upgrade
    from openpeel.web import public_data
    from openpeel.web.app import create_app

    engine = make_engine(f"sqlite:///{factory.mktemp(db_folder) / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    try:
        yield create_app(engine=engine, data_dir=lake)
    finally:
        engine.dispose()
