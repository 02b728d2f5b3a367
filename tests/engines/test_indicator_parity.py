"""Every crime/outcome indicator gives the same table on DuckDB and on Spark.

One test per indicator, run once per engine (the ``backend`` fixture); the DuckDB result is the
reference. Statistics run in Python on the aggregated results, so a difference here can only
come from the Ibis expressions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import openpeel
from openpeel.indicators import crime, investigations
from openpeel.indicators.period import Period

PERIOD = Period.from_months("2021-01", "2021-06")
FORCE = "west-midlands"


def _normalise(table: pd.DataFrame) -> pd.DataFrame:
    df = table.copy()
    for col in df.columns:
        if df[col].dtype == object and df[col].map(lambda v: hasattr(v, "isoformat")).any():
            df[col] = pd.to_datetime(df[col])
        elif str(df[col].dtype).startswith("datetime"):
            df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    return df.sort_values(list(df.columns)).reset_index(drop=True)


INDICATORS: dict[str, Callable[[Any], openpeel.indicators.result.IndicatorResult]] = {
    "crime_volumes": lambda con: crime.crime_volumes(con, FORCE, PERIOD),
    "crime_trend": lambda con: crime.crime_trend(con, FORCE, PERIOD),
    "outcome_summary": lambda con: investigations.outcome_summary(con, FORCE, PERIOD),
    "outcomes_by_type": lambda con: investigations.outcomes_by_type(con, FORCE, PERIOD),
    "time_to_outcome": lambda con: investigations.time_to_outcome(con, FORCE, PERIOD),
    "outcome_peers": lambda con: investigations.outcome_peers(con, PERIOD),
    "outcome_quality": lambda con: investigations.outcome_quality(con, FORCE, PERIOD),
}


@pytest.mark.parametrize("indicator", sorted(INDICATORS))
def test_same_result_on_every_engine(backend: Any, engine_lake: Path, indicator: str) -> None:
    compute = INDICATORS[indicator]
    expected = compute(openpeel.connect(engine_lake, engine="duckdb"))
    got = compute(backend)
    assert len(expected.table) > 0
    pd.testing.assert_frame_equal(
        _normalise(got.table), _normalise(expected.table), check_dtype=False, atol=1e-9
    )
    assert got.caveats == expected.caveats
