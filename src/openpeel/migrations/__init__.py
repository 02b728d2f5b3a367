"""Alembic migrations of the operational database (shipped with the package)."""
