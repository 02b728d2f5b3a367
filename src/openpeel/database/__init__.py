"""The operational database: one declarative base, the engine and sessions, every model registered.

Operational records (users, panels, reviews, assessments, improvements) are not analytics: they
live in a transactional database through SQLAlchemy (SQLite by default, PostgreSQL for many
users) with Alembic migrations. This package owns that database: ``base`` (the declarative
``Base`` every model sits on, and ``utcnow``), ``engine`` (engines and sessions), ``models``
(the declared list of model modules and ``metadata()``, which imports them all) and
``migrate`` (upgrade, downgrade, schema checks). Each area's models (``scrutiny.models``,
``assess.models``, ...) import ``base`` from here and never each other.

May import: SQLAlchemy, Alembic, ``openpeel.errors``. The model modules of the areas are imported
only by name, from the list in ``models.MODEL_MODULES``.
"""
