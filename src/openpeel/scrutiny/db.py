"""Moved to :mod:`openpeel.database` (kept so that branches written before the move still import).

Import from ``openpeel.database.engine`` and ``openpeel.database.migrate`` in new code.
"""

from openpeel.database.engine import cached_engine, make_engine, session_factory, session_scope
from openpeel.database.migrate import (
    DatabaseError,
    current_revision,
    downgrade,
    require_schema,
    upgrade,
)

__all__ = [
    "DatabaseError",
    "cached_engine",
    "current_revision",
    "downgrade",
    "make_engine",
    "require_schema",
    "session_factory",
    "session_scope",
    "upgrade",
]
