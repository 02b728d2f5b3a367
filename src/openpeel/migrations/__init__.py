"""Alembic migrations of the operational database (shipped with the package).

``env.py`` migrates towards ``openpeel.database.models.metadata()`` (every model registered);
one file per revision under ``versions/``, its tables declared in a TOML file beside it and
turned into DDL by ``shapes`` (frozen with the revisions). May import: ``database``,
``config``, SQLAlchemy and Alembic; run by ``openpeel.database.migrate``, imported by nothing.
"""
