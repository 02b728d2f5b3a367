"""Settings: where the data lives and which engine runs the queries.

Order of precedence for the data directory: the ``--data-dir`` option, then the
``OPENPEEL_DATA_DIR`` environment variable, then a per-user default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The per-user data directory (for example ``~/.local/share/openpeel`` on Linux)."""
    return Path(user_data_dir("openpeel", appauthor=False))


class Settings(BaseSettings):
    """openpeel settings, read from ``OPENPEEL_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="OPENPEEL_")

    data_dir: Path = Field(default_factory=default_data_dir)
    #: The query engine: DuckDB (embedded, the default) or Spark (see README: when to switch).
    engine: Literal["duckdb", "spark"] = "duckdb"
    #: The Spark master URL: ``local[2]`` runs on this machine; ``spark://host:7077`` a cluster.
    spark_master: str = "local[2]"
    spark_shuffle_partitions: int = 4
    spark_driver_memory: str = "2g"
    duckdb_memory_limit: str = "2GB"
    duckdb_threads: int | None = None
    #: An ingest reads files in batches of at most this many files and bytes: it bounds memory
    #: on national loads, and each batch is committed on its own.
    ingest_batch_files: int = 200
    ingest_batch_bytes: int = 64 * 1024 * 1024
    #: SQLAlchemy URL of the operational database (users, panels, reviews, feedback);
    #: empty means a SQLite file ``openpeel.db`` in the data directory.
    database_url: str | None = None

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'openpeel.db'}"


def settings(data_dir: Path | str | None = None) -> Settings:
    """Settings with an explicit data directory taking precedence over the environment."""
    base = Settings()
    if data_dir is not None:
        return base.model_copy(update={"data_dir": Path(data_dir)})
    return base
