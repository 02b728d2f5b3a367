"""Every crime/outcome indicator gives the expected table on every engine.

One test per indicator, run once per engine (the ``backend`` fixture). The expected counts are
computed independently by pandas from the raw CSV rows (``expected.py``), so a wrong Ibis
expression fails on DuckDB as on Spark. Statistics run in Python on the aggregated counts; on an
engine other than DuckDB the whole table (statistics included) and the caveats must also equal
DuckDB's, which catches a difference in the columns the oracle does not recompute.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators import crime, investigations
from tests.engines import expected as ex
from tests.engines.conftest import END, MISSING_MONTHS, START

PERIOD = Period.from_months(START, END)
FORCE = "west-midlands"
FIRST, LAST = PERIOD.start, PERIOD.end


def _normalise(table: pd.DataFrame) -> pd.DataFrame:
    df = table.copy()
    for col in df.columns:
        if df[col].dtype == object and df[col].map(lambda v: hasattr(v, "isoformat")).any():
            df[col] = pd.to_datetime(df[col])
        elif str(df[col].dtype).startswith("datetime"):
            df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def is_duckdb(con: Any) -> bool:
    """True for the DuckDB connection (the engine the other engines are also compared with)."""
    return getattr(con, "name", "") == "duckdb"


def _street(archive: Path, force_id: str | None = FORCE) -> pd.DataFrame:
    return ex.street(archive, force_id, FIRST, LAST)


def _classes(archive: Path, force_id: str | None = FORCE) -> pd.DataFrame:
    return ex.crime_classes(_street(archive, force_id), ex.read_raw(archive, "outcomes"), LAST)


def _by_type(archive: Path) -> pd.DataFrame:
    c = _classes(archive)
    return pd.concat(
        [
            ex.outcome_measures(c, ["crime_type"]),
            ex.outcome_measures(c.assign(crime_type="all_crime"), ["crime_type"]),
        ]
    )


def _quality(archive: Path) -> pd.DataFrame:
    rows = _street(archive)
    outcomes = ex.read_raw(archive, "outcomes")
    outcomes = outcomes[
        (outcomes["force_id"] == FORCE)
        & (outcomes["file_month"] >= FIRST)
        & (outcomes["file_month"] <= LAST)
    ].rename(columns={"Crime ID": "crime_id"})
    return ex.outcome_quality_counts(rows[~rows["is_asb"]], rows, outcomes)


Case = tuple[
    Callable[[Any], openpeel.indicators.result.IndicatorResult],
    Callable[[Path], pd.DataFrame],
    list[str],
    bool,
]
INDICATORS: dict[str, Case] = {
    "crime_volumes": (
        lambda con: crime.crime_volumes(con, FORCE, PERIOD),
        lambda a: ex.crime_volumes(_street(a)),
        ["force_id", "month", "crime_type"],
        False,
    ),
    "crime_trend": (
        lambda con: crime.crime_trend(con, FORCE, PERIOD),
        lambda a: ex.crime_trend(_street(a)),
        ["series", "month"],
        False,
    ),
    "outcome_summary": (
        lambda con: investigations.outcome_summary(con, FORCE, PERIOD),
        lambda a: ex.outcome_measures(
            _classes(a).rename(columns={"month": "crime_month"}), ["crime_month"]
        ),
        ["crime_month", "measure"],
        False,
    ),
    "outcomes_by_type": (
        lambda con: investigations.outcomes_by_type(con, FORCE, PERIOD),
        _by_type,
        ["crime_type", "measure"],
        False,
    ),
    "time_to_outcome": (
        lambda con: investigations.time_to_outcome(con, FORCE, PERIOD),
        lambda a: ex.time_to_outcome(_classes(a), ex.outcomes_rows(a, FORCE)),
        ["event", "months_since_crime"],
        False,
    ),
    "outcome_peers": (
        lambda con: investigations.outcome_peers(con, PERIOD),
        lambda a: ex.outcome_measures(_classes(a, None), ["force_id"]),
        ["force_id", "measure"],
        False,
    ),
    "outcome_quality": (
        lambda con: investigations.outcome_quality(con, FORCE, PERIOD),
        _quality,
        ["measure"],
        True,  # the oracle recomputes the plain counts, not the linkage diagnostics
    ),
}


@pytest.mark.parametrize("indicator", sorted(INDICATORS))
def test_expected_result_on_every_engine(
    backend: Any, engine_archive: Path, engine_lake: Path, indicator: str
) -> None:
    compute, expected, keys, subset = INDICATORS[indicator]
    got = compute(backend)
    want = expected(engine_archive)
    assert len(want) > 0
    ex.assert_counts(
        got.table,
        want,
        keys,
        missing_months=MISSING_MONTHS,
        only_expected_keys=subset,
        name=indicator,
    )
    if not is_duckdb(backend):
        reference = compute(openpeel.connect(engine_lake, engine="duckdb"))
        pd.testing.assert_frame_equal(
            _normalise(got.table), _normalise(reference.table), check_dtype=False, atol=1e-9
        )
        assert got.caveats == reference.caveats
