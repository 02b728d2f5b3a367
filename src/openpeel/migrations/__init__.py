"""Alembic migrations of the operational database (shipped with the package).

``env.py`` migrates towards ``openpeel.database.models.metadata()`` (every model registered);
one file per revision under ``versions/``. May import: ``database``, ``config``, SQLAlchemy and
Alembic; run by ``openpeel.database.migrate``, imported by nothing.
"""
