"""Alembic environment: runs on the engine handed over by ``openpeel.scrutiny.db``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from openpeel.config import settings
from openpeel.scrutiny.db import make_engine
from openpeel.scrutiny.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate on the engine from the config attributes, else the configured database."""
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        engine = make_engine(settings().resolved_database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
