"""The stop and search suite gives the same tables on DuckDB and on Spark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import openpeel
from openpeel.indicators.period import Period
from openpeel.indicators.stop_search_suite import suite
from tests.engines.test_indicator_parity import _normalise

PERIOD = Period.from_months("2021-01", "2021-06")
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


@pytest.fixture(scope="module")
def reference(engine_lake: Path) -> dict[str, Any]:
    con = openpeel.connect(engine_lake, engine="duckdb")
    return suite(con, PERIOD, "west-midlands", population=_population())


def test_suite_matches_duckdb(backend: Any, reference: dict[str, Any]) -> None:
    got = suite(backend, PERIOD, "west-midlands", population=_population())
    assert set(got) == set(NAMES)
    for name in NAMES:
        expected = reference[name]
        assert len(expected.table) > 0, name
        pd.testing.assert_frame_equal(
            _normalise(got[name].table),
            _normalise(expected.table),
            check_dtype=False,
            atol=1e-8,
            obj=name,
        )
        assert got[name].caveats == expected.caveats, name
