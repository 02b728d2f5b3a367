"""Alembic environment: runs on the engine handed over by ``openpeel.database.migrate``.

The target metadata is every operational model (``openpeel.database.models.metadata``), so a
migration sees the scrutiny and assessment tables whichever module was imported first.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from openpeel.config import settings
from openpeel.database.engine import make_engine
from openpeel.database.models import metadata

target_metadata = metadata()


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
