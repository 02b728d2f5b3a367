"""``openpeel.connect()``: an Ibis connection with the lake's tables registered.

Indicator code is written as Ibis expressions over these tables, so the same code can run on
another Ibis backend later. DuckDB (embedded) is the default engine. The views read exactly the
Parquet files the manifest lists as current, so superseded snapshots and files left by an
interrupted ingest never reach a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from openpeel.config import Where, workspace_for
from openpeel.errors import UserInputError
from openpeel.reference.lake_columns import Column, columns
from openpeel.sql import sql_text as _quote
from openpeel.store.calls import KINDS
from openpeel.store.calls import LOAD_LOG_SCHEMA as CALLS_LOAD_LOG
from openpeel.store.calls import REJECT_COLUMNS as CALLS_REJECT_COLUMNS
from openpeel.store.lake import (
    LOAD_LOG_SCHEMA,
    REJECT_COLUMNS,
    Lake,
    Partition,
    cast_sql,
    parquet_sql,
    sql_type,
    table_rows_sql,
)
from openpeel.store.migrate import migrate_if_idle
from openpeel.store.offenders import offender_view_sql
from openpeel.store.official import current_paths
from openpeel.store.tables import LAKE_TABLES, force_month_tables
from openpeel.store.vulnerability import vulnerability_view_sql

#: Tables the connection always has (empty until loaded).
VIEWS = (*(t.name for t in LAKE_TABLES.values() if not t.own_view), "rejects", "calls_rejects")

#: The call-handling tables (their own views of the rejects and the load log).
CALLS_TABLES = tuple(KINDS)

#: Types of the columns a hive-style path names (``reference/lake_columns.csv``, ``path_keys``).
HIVE_TYPES = {c.name: c.type for c in columns("path_keys")}


def _empty_select(columns: tuple[Column, ...]) -> str:
    cols = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in columns)
    return f"SELECT {cols} WHERE false"


def _typed_empty(schema: pa.Schema) -> str:
    """A SELECT of no rows with every column of an Arrow schema, typed."""
    cols = ", ".join(f"CAST(NULL AS {sql_type(f.type)}) AS {f.name}" for f in schema)
    return f"SELECT {cols} WHERE false"


def _hive(keys: Iterable[str]) -> tuple[str, ...]:
    """``read_parquet`` options: the columns a hive-style path names, typed."""
    types = "{" + ", ".join(f"{_quote(k)}: {_quote(HIVE_TYPES[k])}" for k in keys) + "}"
    return ("hive_partitioning = true", f"hive_types = {types}")


def _parquet_select(
    paths: list[Path], columns: tuple[Column, ...], partition_by: tuple[str, ...]
) -> str:
    cols = cast_sql(columns)
    # A table held in one partition has no partition columns in its path.
    options = _hive(partition_by) if partition_by else ()
    return f"SELECT {cols} FROM {parquet_sql(paths, *options)}"


def _in(names: list[str] | tuple[str, ...]) -> str:
    return "(" + ", ".join(_quote(n) for n in names) + ")"


def _rejects_select(lake: Lake, current: list[Partition]) -> str:
    """The one rejects table: the rejects files of every current partition.

    The path of a rejects file names its table and partition (``rejects/table=<t>/...``); files
    of tables partitioned alike are read together, hive-style. The load id is in the file
    (older police.uk files: in its name, ``part-<load_id>-<id>.parquet``).
    """
    layouts: dict[tuple[str, ...], list[str]] = {}
    for t in LAKE_TABLES.values():
        layouts.setdefault(t.partition_by, []).append(t.name)
    selects = []
    for partition_by, names in layouts.items():
        files = [
            lake.path(p.rejects_path) for p in current if p.rejects_path and p.table_name in names
        ]
        if not files:
            continue
        load_id = (
            r"regexp_extract(filename, 'part-(\d{8}T\d{6}-[0-9a-f]{8})', 1)"
            if partition_by
            else "load_id"
        )
        cols = ", ".join(
            'CAST("table" AS VARCHAR) AS table_name'
            if c.name == "table_name"
            else f"CAST({load_id} AS VARCHAR) AS load_id"
            if c.name == "load_id"
            else cast_sql([c])
            for c in REJECT_COLUMNS
        )
        hive = _hive(("table", *partition_by))
        selects.append(f"SELECT {cols} FROM {parquet_sql(files, *hive, 'filename = true')}")
    return " UNION ALL ".join(selects) if selects else _empty_select(REJECT_COLUMNS)


def view_sql(lake: Lake) -> dict[str, str]:
    """The SELECT behind each view, from the lake's manifest."""
    current = lake.current()
    sql: dict[str, str] = {}
    for table in LAKE_TABLES.values():
        if table.own_view:
            continue
        paths = [lake.path(p.data_path) for p in current if p.table_name == table.name]
        sql[table.name] = (
            _parquet_select(paths, table.columns, table.partition_by)
            if paths
            else _empty_select(table.columns)
        )
    sql["rejects"] = _rejects_select(lake, current)
    calls_rejects = (c.name for c in CALLS_REJECT_COLUMNS)
    sql["calls_rejects"] = table_rows_sql(sql["rejects"], calls_rejects, CALLS_TABLES)
    police = _in(force_month_tables())
    if lake.manifest_path.exists():
        sql["lake_partitions"] = (
            f"SELECT * FROM read_parquet({_quote(str(lake.manifest_path))}) "
            f"WHERE table_name IN {police}"
        )
    logs = lake.log_paths("files")
    if logs:
        # Every column of the load log, even those no file has yet: a lake written before a
        # column was added (``as_at``) reads it as empty rather than failing.
        sql["load_log"] = (
            f"SELECT * FROM {parquet_sql(logs)} UNION ALL BY NAME {_typed_empty(LOAD_LOG_SCHEMA)}"
        )
        sql["ingest_log"] = (
            "SELECT load_id AS ingest_id, logged_at, source_file, kind, force_id, month, "
            "snapshot, status, reason, rows_read, rows_loaded, rows_rejected, unknown_values "
            f"FROM ({sql['load_log']}) WHERE table_name IS NULL OR table_name IN {police}"
        )
        sql["calls_load_log"] = table_rows_sql(sql["load_log"], CALLS_LOAD_LOG.names, CALLS_TABLES)
    unknown = lake.log_paths("unknown")
    if unknown:
        sql["unknown_values"] = f"SELECT load_id AS ingest_id, * FROM {parquet_sql(unknown)}"
    population = lake.reference_path("population")
    if population:
        sql["population"] = f"SELECT * FROM read_parquet({_quote(str(population))})"
    # Official statistics (ONS, Home Office, HMICFRS): the current edition of each publication
    # and period, one published cell a row (openpeel.store.official).
    official = current_paths(lake.data_dir)
    if official:
        files = parquet_sql(official, "hive_partitioning = false")
        sql["official_figures"] = f"SELECT * FROM {files}"
    # Offender management: offenders, offender_assessments, ... offender_rejects, offender_loads.
    sql.update(offender_view_sql(sql))
    # Protecting vulnerable people: vulnerability_cases, ..._investigations, ..._capacity, ...
    sql.update(vulnerability_view_sql(lake))
    return sql


def connect(data_dir: Where = None, *, engine: str | None = None, **kwargs: Any) -> Any:
    """An Ibis connection with the lake's tables registered as views.

    Tables: ``stop_searches``, ``crimes``, ``outcomes``, ``calls_999_monthly``, ``call_log``,
    ``incidents``, ``rejects`` and ``calls_rejects`` (always present, empty until loaded);
    ``lake_partitions``, ``load_log`` (with its views ``ingest_log`` and ``calls_load_log``),
    ``unknown_values`` and ``population`` once something has been loaded.

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
    migrate_if_idle(lake)
    con = ibis.duckdb.connect(**kwargs)
    con.raw_sql("SET TimeZone = 'UTC'")
    for name, select in view_sql(lake).items():
        con.raw_sql(f"CREATE OR REPLACE VIEW {name} AS {select}")
    return con
