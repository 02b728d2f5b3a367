"""The stop and search suite gives the expected tables on every engine.

The expected counts come from pandas on the raw CSV rows (``expected.py``); on an engine other
than DuckDB every table (statistics included) and its caveats must also equal DuckDB's. The veil
of darkness is compared across engines only: its engine part is a row filter, the rest (the
twilight window, the model) runs in Python on the rows and is checked in ``tests/unit``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators.stop_search_suite import suite
from tests.engines import expected as ex
from tests.engines.conftest import END, MISSING_MONTHS, START
from tests.engines.test_indicator_parity import _normalise, is_duckdb

PERIOD = Period.from_months(START, END)
FORCE = "west-midlands"
NAMES = (
    "quality",
    "rates",
    "ratios",
    "outcomes",
    "s60",
    "age_sex",
    "trend",
    "hit_rate",
    "darkness",
    "peers",
)


def _population() -> pd.DataFrame:
    rows = []
    for force_id, people in (("west-midlands", 2_919_655), ("city-of-london", 8_600)):
        shares = {"asian": 0.23, "black": 0.08, "mixed": 0.04, "white": 0.61, "other": 0.04}
        rows += [(force_id, g, round(people * s)) for g, s in shares.items()]
        rows.append((force_id, "total", people))
    return pd.DataFrame(rows, columns=["force_id", "ethnic_group", "population"])


def _quality(archive: Path, rows: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(
        [
            ex.quality_counts(rows),
            ex.search_type_counts(archive, FORCE, PERIOD.start, PERIOD.end),
        ],
        ignore_index=True,
    )


def _peers(archive: Path, rows: pd.DataFrame) -> pd.DataFrame:
    every = ex.group_searches(ex.searches(archive, None, PERIOD.start, PERIOD.end))
    return every[every["group"] != "not_stated"]


# name -> (expected from the archive and the force's rows, key columns, compare only those keys)
EXPECTED: dict[str, tuple[Callable[[Path, pd.DataFrame], pd.DataFrame], list[str], bool]] = {
    "trend": (lambda a, r: ex.trend(r), ["force_id", "month"], False),
    "rates": (
        lambda a, r: ex.group_searches(r).drop(columns="force_id").assign(basis="self_defined"),
        ["basis", "group"],
        False,
    ),
    "ratios": (lambda a, r: ex.ratios_counts(r), ["basis", "group", "reference"], False),
    "hit_rate": (lambda a, r: ex.hit_rate_counts(r), ["group"], False),
    "outcomes": (
        lambda a, r: ex.outcome_cells(r),
        ["ethnic_group", "object_of_search", "legislation"],
        False,
    ),
    "age_sex": (lambda a, r: ex.age_sex_counts(r), ["age_range", "gender", "ethnic_group"], False),
    "s60": (lambda a, r: ex.s60_counts(r), ["measure", "group"], False),
    "quality": (_quality, ["section", "item"], True),  # completeness and clock not recomputed
    "peers": (_peers, ["force_id", "group"], False),
}


@pytest.fixture(scope="module")
def expected(engine_archive: Path) -> dict[str, tuple[pd.DataFrame, list[str], bool]]:
    rows = ex.searches(engine_archive, FORCE, PERIOD.start, PERIOD.end)
    return {
        name: (make(engine_archive, rows), keys, subset)
        for name, (make, keys, subset) in EXPECTED.items()
    }


def test_suite_gives_the_expected_tables(
    backend: Any,
    expected: dict[str, tuple[pd.DataFrame, list[str], bool]],
    engine_lake: Path,
) -> None:
    got = suite(backend, PERIOD, FORCE, population=_population())
    assert set(got) == set(NAMES)
    for name, (want, keys, subset) in expected.items():
        assert len(want) > 0, name
        ex.assert_counts(
            got[name].table,
            want,
            keys,
            missing_months=MISSING_MONTHS,
            only_expected_keys=subset,
            name=name,
        )
    if is_duckdb(backend):
        return
    # Another engine: every table, statistics included, and its caveats equal DuckDB's.
    reference = suite(
        openpeel.connect(engine_lake, engine="duckdb"), PERIOD, FORCE, population=_population()
    )
    for name in NAMES:
        assert len(reference[name].table) > 0, name
        pd.testing.assert_frame_equal(
            _normalise(got[name].table),
            _normalise(reference[name].table),
            check_dtype=False,
            atol=1e-8,
            obj=name,
        )
        assert got[name].caveats == reference[name].caveats, name
