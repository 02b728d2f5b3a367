"""One test, two engines: a ``backend`` fixture that yields an Ibis connection per engine.

Each engine's results are compared with tables computed independently by pandas from the raw
CSV files of the same synthetic archive (``expected.py``), so the suite can fail on DuckDB too.

The Spark session is created once per test run (``local[2]``, small shuffles) and shared; the
Spark cases skip cleanly where PySpark or Java is missing. Known gaps are marked per test with
``pytest.mark.notimpl(["spark"], reason=...)``, in the style of Ibis's own suite.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import openpeel
from openpeel.synth import write_archive

ENGINES = ("duckdb", "spark")
FORCES = ("west-midlands", "city-of-london")
START, END = "2021-01", "2021-06"
MISSING_MONTHS = ("2021-04",)


def spark_missing() -> str | None:
    """Why the Spark engine cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed"
    if shutil.which("java") is None:
        return "no Java runtime on PATH"
    return None


@pytest.fixture(scope="session")
def engine_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic police.uk archive: two forces, six months (one missing), every kind
    of file. The expected tables are computed from these CSV files."""
    archive = tmp_path_factory.mktemp("engines") / "archive"
    write_archive(
        archive,
        forces=list(FORCES),
        start=START,
        end=END,
        seed=3,
        scale=0.05,
        missing_months=list(MISSING_MONTHS),
    )
    return archive


@pytest.fixture(scope="session")
def engine_lake(engine_archive: Path) -> Path:
    """The archive loaded into a lake."""
    data = engine_archive.parent / "data"
    openpeel.ingest([engine_archive], data)
    return data


@pytest.fixture(scope="session", params=ENGINES)
def backend(request: pytest.FixtureRequest, engine_lake: Path) -> Iterator[Any]:
    """An Ibis connection to the synthetic lake on each engine."""
    engine = request.param
    if engine == "spark" and (why := spark_missing()):
        pytest.skip(why)
    yield openpeel.connect(engine_lake, engine=engine)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip a test on an engine named in its ``notimpl`` marker, with the marker's reason."""
    for item in items:
        marker = item.get_closest_marker("notimpl")
        callspec = getattr(item, "callspec", None)
        if marker is None or callspec is None:
            continue
        engine = callspec.params.get("backend")
        if engine in marker.args[0]:
            item.add_marker(pytest.mark.xfail(reason=marker.kwargs.get("reason", "not done")))
