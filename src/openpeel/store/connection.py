"""``openpeel.connect()``: an Ibis connection with the lake's tables registered.

Indicator code is written as Ibis expressions over these tables, so the same code can run on
another Ibis backend later. DuckDB (embedded) is the default engine. The views read exactly the
Parquet files the manifest lists as current, so superseded snapshots and files left by an
interrupted ingest never reach a query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis

from openpeel.config import Where, workspace_for
from openpeel.errors import UserInputError
from openpeel.sources.policeuk_tables import TABLES, Column, table_columns
from openpeel.sql import sql_list
from openpeel.sql import sql_text as _quote
from openpeel.store.calls import calls_view_sql
from openpeel.store.lake import Lake
from openpeel.store.offenders import offender_view_sql

#: Tables the connection always has (empty until loaded).
LAKE_TABLES = (*TABLES, "rejects")


def _empty_select(columns: tuple[Column, ...]) -> str:
    cols = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in columns)
    return f"SELECT {cols} WHERE false"


def _parquet_select(paths: list[Path], columns: tuple[Column, ...], hive: dict[str, str]) -> str:
    files = sql_list(str(p) for p in paths)
    types = "{" + ", ".join(f"{_quote(k)}: {_quote(v)}" for k, v in hive.items()) + "}"
    cols = ", ".join(f"CAST({c.name} AS {c.type}) AS {c.name}" for c in columns)
    return (
        f"SELECT {cols} FROM read_parquet({files}, hive_partitioning = true, "
        f"hive_types = {types}, union_by_name = true)"
    )


def view_sql(lake: Lake) -> dict[str, str]:
    """The SELECT behind each view, from the lake's manifest."""
    current = lake.current()
    hive = {"force_id": "VARCHAR", "month": "DATE"}
    sql: dict[str, str] = {}
    for table in TABLES:
        paths = [lake.path(p.data_path) for p in current if p.table_name == table]
        columns = table_columns(table)
        sql[table] = _parquet_select(paths, columns, hive) if paths else _empty_select(columns)
    rejects = [lake.path(p.rejects_path) for p in current if p.rejects_path]
    columns = table_columns("rejects")
    sql["rejects"] = (
        _parquet_select(rejects, columns, {"table": "VARCHAR", **hive}).replace(
            "CAST(table_name AS VARCHAR)", 'CAST("table" AS VARCHAR)'
        )
        if rejects
        else _empty_select(columns)
    )
    if lake.manifest_path.exists():
        sql["lake_partitions"] = f"SELECT * FROM read_parquet({_quote(str(lake.manifest_path))})"
    for kind, name in (("files", "ingest_log"), ("unknown", "unknown_values")):
        logs = lake.log_paths(kind)
        if logs:
            files = sql_list(str(p) for p in logs)
            sql[name] = f"SELECT * FROM read_parquet({files}, union_by_name = true)"
    population = lake.reference_path("population")
    if population:
        sql["population"] = f"SELECT * FROM read_parquet({_quote(str(population))})"
    # Call handling: calls_999_monthly, call_log, incidents, calls_rejects, calls_load_log.
    sql.update(calls_view_sql(lake))
    # Offender management: offenders, offender_assessments, ... offender_rejects, offender_loads.
    sql.update(offender_view_sql(lake))
    return sql


def connect(data_dir: Where = None, *, engine: str | None = None, **kwargs: Any) -> Any:
    """An Ibis connection with the lake's tables registered as views.

    Tables: ``stop_searches``, ``crimes``, ``outcomes`` and ``rejects`` (always present, empty
    until loaded); ``lake_partitions``, ``ingest_log``, ``unknown_values`` and ``population``
    once something has been loaded.

    Args:
        data_dir: a :class:`~openpeel.config.Workspace` resolved by a face, or a data
            directory (default: ``OPENPEEL_DATA_DIR`` or the per-user folder).
        engine: ``duckdb`` or ``spark`` (default: the workspace's engine).
        **kwargs: passed to ``ibis.duckdb.connect`` (for example ``threads``).

    Example:
        >>> con = openpeel.connect()                          # doctest: +SKIP
        >>> con.table("stop_searches").count().execute()      # doctest: +SKIP
    """
    where = workspace_for(data_dir)
    engine = engine or where.engine
    if engine == "spark":
        from openpeel.store.spark import connect_spark

        return connect_spark(where)
    if engine != "duckdb":
        raise UserInputError(f"unknown engine {engine!r}: choose duckdb or spark")
    lake = Lake(where.data_dir)
    con = ibis.duckdb.connect(**kwargs)
    con.raw_sql("SET TimeZone = 'UTC'")
    for name, select in view_sql(lake).items():
        con.raw_sql(f"CREATE OR REPLACE VIEW {name} AS {select}")
    return con
