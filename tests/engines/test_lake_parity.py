"""The lake's tables read the same on DuckDB and Spark."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import openpeel


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns)).reset_index(drop=True)


@pytest.mark.parametrize("table", ["stop_searches", "crimes", "outcomes", "rejects"])
def test_row_counts_match_the_manifest(backend: Any, engine_lake: Any, table: str) -> None:
    parts = openpeel.store.lake.Lake(engine_lake).current(table)
    expected = sum(p.rows_loaded for p in parts) if table != "rejects" else 0
    assert backend.table(table).count().execute() == expected


def test_schema_is_the_declared_one(backend: Any) -> None:
    from openpeel.sources.policeuk_tables import table_columns

    for table in ("stop_searches", "crimes", "outcomes"):
        assert list(backend.table(table).schema().names) == [c.name for c in table_columns(table)]


def test_group_counts_agree(backend: Any, engine_lake: Any) -> None:
    reference = openpeel.connect(engine_lake, engine="duckdb")

    def counts(con: Any) -> pd.DataFrame:
        ss = con.table("stop_searches")
        return _sorted(
            ss.group_by(["force_id", "month", "ethnic_group"])
            .agg(searches=ss.count())
            .execute()
            .assign(month=lambda d: pd.to_datetime(d.month))
            .fillna({"ethnic_group": "(none)"})
        )

    pd.testing.assert_frame_equal(counts(backend), counts(reference), check_dtype=False)
