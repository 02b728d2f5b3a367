"""Migrations of the operational database (Alembic) and the check that they have been run."""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy import Engine, inspect

from openpeel.errors import UserInputError


class DatabaseError(UserInputError):
    """The database cannot be used as asked (not migrated, bad URL): a user error."""


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    location = resources.files("openpeel").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` (``openpeel db upgrade``)."""
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to ``revision`` (``base`` removes every table)."""
    from alembic import command

    command.downgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def require_schema(engine: Engine) -> None:
    """Raise a one-line error when the database has not been migrated yet."""
    if not inspect(engine).has_table("users"):
        raise DatabaseError(
            f"the database at {engine.url.render_as_string(hide_password=True)} has no tables: "
            "run `openpeel db upgrade` first"
        )
