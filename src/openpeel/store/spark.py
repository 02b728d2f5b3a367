"""The lake on Spark: one SparkSession per process and an Ibis PySpark connection over it.

Spark reads the lake's hive-style partitions directly (``force_id=.../month=...``). As with
DuckDB, only the files the manifest lists as current are read, so superseded snapshots and files
left by an interrupted ingest never reach a query. Statistics stay in Python on aggregated
results, so the same indicator code (Ibis expressions) runs on either engine.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import ibis

from openpeel.config import Settings, Where, workspace_for
from openpeel.errors import OpenpeelError
from openpeel.sources.policeuk_tables import TABLES, Column, table_columns
from openpeel.store.lake import Lake
from openpeel.store.migrate import migrate_if_idle

#: DuckDB column types of the table declarations, as Spark SQL types.
SPARK_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "double",
    "BOOLEAN": "boolean",
    # Timestamps are stored without a time zone (as published, UTC): Spark's TIMESTAMP_NTZ.
    "TIMESTAMP": "timestamp_ntz",
    "BIGINT": "bigint",
    "DATE": "date",
}

_lock = threading.Lock()
_session: Any = None


class SparkUnavailableError(OpenpeelError, RuntimeError):
    """PySpark or a Java runtime is missing."""


def spark_session(conf: Settings | None = None) -> Any:
    """The process's SparkSession, created on first use from the settings (``conf``, else the
    configured ones).

    ``OPENPEEL_SPARK_MASTER`` (default ``local[2]``) names the cluster; shuffle partitions are
    kept small because the aggregated results are small.
    """
    global _session
    with _lock:
        if _session is not None:
            return _session
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise SparkUnavailableError(
                "the Spark engine needs PySpark: pip install 'openpeel[spark]' (and Java 17)"
            ) from None
        conf = conf or workspace_for(None).settings
        builder = (
            SparkSession.builder.master(conf.spark_master)
            .appName("openpeel")
            .config("spark.sql.shuffle.partitions", str(conf.spark_shuffle_partitions))
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", conf.spark_driver_memory)
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        )
        try:
            _session = builder.getOrCreate()
        except Exception as err:  # Java missing or failing to start: say so in one line
            raise SparkUnavailableError(f"Spark could not start: {err}") from None
        _session.sparkContext.setLogLevel("ERROR")
        return _session


def _schema(columns: tuple[Column, ...]) -> str:
    return ", ".join(f"`{c.name}` {SPARK_TYPES[c.type]}" for c in columns)


def _register(session: Any, name: str, frame: Any, columns: tuple[Column, ...]) -> None:
    from pyspark.sql import functions as sf

    frame = frame.select(
        *[sf.col(f"`{c.name}`").cast(SPARK_TYPES[c.type]).alias(c.name) for c in columns]
    )
    frame.createOrReplaceTempView(name)


def register_lake(session: Any, lake: Lake) -> list[str]:
    """Register the lake's current tables as temporary views; returns their names."""
    from pyspark.sql import functions as sf

    current = lake.current()
    names = []
    for table in TABLES:
        columns = table_columns(table)
        paths = [str(lake.path(p.data_path)) for p in current if p.table_name == table]
        frame = (
            session.read.option("basePath", str(lake.root / table)).parquet(*paths)
            if paths
            else session.createDataFrame([], _schema(columns))
        )
        _register(session, table, frame, columns)
        names.append(table)
    rejects = [
        str(lake.path(p.rejects_path)) for p in current if p.rejects_path and p.table_name in TABLES
    ]
    columns = table_columns("rejects")
    if rejects:
        frame = (
            session.read.option("basePath", str(lake.root / "rejects"))
            .option("mergeSchema", "true")
            .parquet(*rejects)
            .withColumnRenamed("table", "table_name")
            .withColumn(
                "load_id",
                sf.regexp_extract(sf.input_file_name(), r"part-(\d{8}T\d{6}-[0-9a-f]{8})", 1),
            )
        )
    else:
        frame = session.createDataFrame([], _schema(columns))
    _register(session, "rejects", frame, columns)
    names.append("rejects")
    if lake.manifest_path.exists():
        # Spark skips files whose names start with "_" (Hadoop's hidden files), so the small
        # manifest goes through Arrow instead.
        import pyarrow.parquet as pq

        manifest = pq.read_table(lake.manifest_path).to_pandas()
        manifest = manifest[manifest["table_name"].isin(list(TABLES))]
        session.createDataFrame(manifest).createOrReplaceTempView("lake_partitions")
        names.append("lake_partitions")
    extra: dict[str, list[Path]] = {
        "load_log": lake.log_paths("files"),
        "unknown_values": lake.log_paths("unknown"),
    }
    population = lake.reference_path("population")
    if population:
        extra["population"] = [population]
    for name, files in extra.items():
        if files:
            session.read.option("mergeSchema", "true").parquet(
                *[str(f) for f in files]
            ).createOrReplaceTempView(name)
            names.append(name)
    if "load_log" in names:
        session.sql("SELECT load_id AS ingest_id, * FROM load_log").createOrReplaceTempView(
            "ingest_log"
        )
        names.append("ingest_log")
    return names


def connect_spark(data_dir: Where = None) -> Any:
    """An Ibis PySpark connection with the lake's tables registered as views."""
    where = workspace_for(data_dir)
    lake = Lake(where.data_dir)
    migrate_if_idle(lake)
    session = spark_session(where.settings)
    register_lake(session, lake)
    return ibis.pyspark.connect(session)
