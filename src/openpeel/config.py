"""Settings: where the data lives and which engine runs the queries.

Order of precedence for the data directory: the ``--data-dir`` option, then the
``OPENPEEL_DATA_DIR`` environment variable, then a per-user default.

Settings are resolved once, at a face (the CLI's context object, ``create_app``, the public
``openpeel.connect``), into a :class:`Workspace` that is passed down. A library function that is
handed a data directory instead (a notebook user's call) resolves it through
:func:`workspace_for`, the one place that reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The per-user data directory (for example ``~/.local/share/openpeel`` on Linux)."""
    return Path(user_data_dir("openpeel", appauthor=False))


class Settings(BaseSettings):
    """openpeel settings, read from ``OPENPEEL_*`` environment variables.

    Every setting has a description: ``openpeel config`` lists them with their environment
    variable, default and current value, and ``docs/configuration.md`` is tested against them.
    """

    model_config = SettingsConfigDict(env_prefix="OPENPEEL_")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Data directory: the lake, downloads and (by default) the operational "
        "database. The --data-dir option overrides it.",
    )
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Query engine: duckdb (embedded) or spark (PySpark and Java 17). The "
        "--engine option overrides it.",
    )
    spark_master: str = Field(
        default="local[2]",
        description="Spark master URL: local[2] runs on this machine; spark://host:7077 a cluster.",
    )
    spark_shuffle_partitions: int = Field(
        default=4,
        description="Spark shuffle partitions (kept small: the aggregated results are small).",
    )
    spark_driver_memory: str = Field(default="2g", description="Memory of the Spark driver.")
    duckdb_memory_limit: str = Field(
        default="2GB",
        description="Memory limit of each DuckDB connection an ingest opens (spills over).",
    )
    duckdb_threads: int | None = Field(
        default=None,
        description="DuckDB threads, and how many ingest batches are read at once "
        "(default: one per core).",
    )
    ingest_batch_files: int = Field(
        default=200,
        description="An ingest reads files in batches of at most this many files; each batch is "
        "committed on its own (bounds memory on national loads).",
    )
    ingest_batch_bytes: int = Field(
        default=64 * 1024 * 1024,
        description="An ingest batch holds at most this many bytes of files.",
    )
    ingest_max_rejects: int = Field(
        default=10_000,
        description="A police.uk file with more rows that cannot be read than this is refused "
        "as not a file of its kind, rather than loaded row by row (bounds memory).",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the operational database (users, panels, reviews, "
        "assessments); empty means a SQLite file openpeel.db in the data directory. The "
        "--database-url option overrides it.",
    )

    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses of the reverse proxies in front of 'openpeel "
        "serve' whose X-Forwarded-For header names the client (login throttling and request "
        "limits then count each client, not the proxy); empty trusts no header.",
    )

    web_compute_processes: int = Field(
        default=2,
        ge=0,
        le=32,
        description="Worker processes of 'openpeel serve' that compute the public pages' "
        "views (each serve worker has its own); 0 computes them in the server's own process.",
    )
    boundaries: Path | None = Field(
        default=None,
        description="A GeoJSON file of areas (for example ONS local authority or LSOA "
        "boundaries, in longitude/latitude) over which the stop and search explorer maps the "
        "searches; empty: the map shows hexagons only.",
    )

    def trusted_proxy_addresses(self) -> tuple[str, ...]:
        """The trusted proxies' addresses, one per comma-separated item."""
        return tuple(a.strip() for a in self.trusted_proxies.split(",") if a.strip())

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'openpeel.db'}"


def settings(data_dir: Path | str | None = None) -> Settings:
    """Settings with an explicit data directory taking precedence over the environment."""
    base = Settings()
    if data_dir is not None:
        return base.model_copy(update={"data_dir": Path(data_dir)})
    return base


@dataclass(frozen=True)
class Workspace:
    """Where openpeel works, resolved once at a face and passed down to the library.

    Attributes:
        settings: every setting, resolved (options over environment over defaults).
    """

    settings: Settings

    @property
    def data_dir(self) -> Path:
        """The data directory holding the lake and (by default) the operational database."""
        return self.settings.data_dir

    @property
    def engine(self) -> str:
        """The query engine: ``duckdb`` or ``spark``."""
        return self.settings.engine

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL of the operational database."""
        return self.settings.resolved_database_url()


#: What a library function accepts for "where": a resolved workspace, a data directory, or
#: None for the configured one.
Where: TypeAlias = Workspace | Path | str | None


def workspace(
    data_dir: Path | str | None = None,
    *,
    engine: str | None = None,
    database_url: str | None = None,
) -> Workspace:
    """Resolve the settings once: explicit values (a face's options) over the environment."""
    update: dict[str, object] = {}
    if data_dir is not None:
        update["data_dir"] = Path(data_dir)
    if engine is not None:
        update["engine"] = engine
    if database_url:
        update["database_url"] = database_url
    base = Settings()
    return Workspace(base.model_copy(update=update) if update else base)


def workspace_for(where: Where) -> Workspace:
    """The workspace a library function runs in: the one it was handed, else one resolved from
    a data directory (or the configured one)."""
    return where if isinstance(where, Workspace) else workspace(where)


@dataclass(frozen=True)
class SettingInfo:
    """One setting as ``openpeel config`` lists it."""

    name: str
    env_var: str
    default: str
    value: str
    description: str


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def _database_url_shown(where: Workspace) -> str:
    """The database URL in use, with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(where.database_url).render_as_string(hide_password=True)


def describe_settings(where: Workspace | None = None) -> list[SettingInfo]:
    """Every setting: its environment variable, default, value in ``where`` and description."""
    where = where or workspace()
    current = where.settings
    prefix = str(Settings.model_config.get("env_prefix", ""))
    out = []
    for name, info in Settings.model_fields.items():
        if info.default_factory is not None:
            default = "per-user data folder (platformdirs)"
        else:
            default = _shown(info.default)
        out.append(
            SettingInfo(
                name=name,
                env_var=(prefix + name).upper(),
                default=default,
                value=_database_url_shown(where)
                if name == "database_url"
                else _shown(getattr(current, name)),
                description=info.description or "",
            )
        )
    return out
