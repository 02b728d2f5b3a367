"""Migrations of the operational database (Alembic) and the check that they have been run."""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy import Engine, inspect

from openpeel.errors import UserInputError


class DatabaseError(UserInputError):
    """The database cannot be used as asked (not migrated, bad URL): a user error."""


def _alembic_config(engine: Engine | None) -> Any:
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


def head_revision() -> str | None:
    """The newest revision the migrations in this package define."""
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)
    return ScriptDirectory.from_config(config).get_current_head()


def migrates_itself(engine: Engine) -> bool:
    """True for an embedded database (SQLite: a file in the data directory that only openpeel
    uses), which is created and migrated when a command first needs it. A server database
    (PostgreSQL) is shared and may be migrated only by someone who means to: ``openpeel db
    upgrade``."""
    return engine.url.get_backend_name() == "sqlite"


def ensure_schema(engine: Engine) -> None:
    """Make the database ready for use: an embedded one is created or migrated to the newest
    schema here (nothing is done when it is already there); a server database must already have
    been migrated (:func:`require_schema`). A driver error (an unreachable server, a file that
    cannot be written) is a :class:`DatabaseError` with its first line."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        if not migrates_itself(engine):
            require_schema(engine)
        elif current_revision(engine) != head_revision():
            upgrade(engine)
    except SQLAlchemyError as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DatabaseError(f"cannot open the database: {first}") from None


def require_schema(engine: Engine) -> None:
    """Raise a one-line error when the database has not been migrated yet."""
    if not inspect(engine).has_table("users"):
        raise DatabaseError(
            f"the database at {engine.url.render_as_string(hide_password=True)} has no tables: "
            "run `openpeel db upgrade` first"
        )
