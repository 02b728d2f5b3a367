"""Values the operational database can store, checked on every write before any SQL is sent.

SQLite stores a string of any length and a NUL byte; PostgreSQL refuses both (a ``String(200)``
column and a NUL inside a statement raise driver errors mid-transaction). So that both engines
behave alike, and a user's over-long or binary input is a one-line user error on every face
(web, CLI, library), every session of ``session_factory`` checks each new or changed text value
before a flush: no control character other than tab, line feed and carriage return, and no more
characters than its column declares.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from openpeel.errors import UserInputError

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ValueNotStorable(UserInputError):
    """A text value too long for its column, or holding a control character."""


def check_value(table: str, column: str, value: Any, length: int | None) -> None:
    """Raise ValueNotStorable unless the value fits its column."""
    if not isinstance(value, str):
        return
    if CONTROL_CHARACTERS.search(value):
        raise ValueNotStorable(f"{column} holds a control character (such as a NUL byte)")
    if length is not None and len(value) > length:
        raise ValueNotStorable(f"{column} is limited to {length} characters ({len(value)} given)")


def check_pending(session: Session, _context: Any = None, _instances: Any = None) -> None:
    """Check every text attribute of the new and changed objects of a session (a
    ``before_flush`` listener)."""
    for obj in (*session.new, *session.dirty):
        mapper = inspect(obj).mapper
        for column in mapper.columns:
            if not isinstance(column.type, String) or column.key not in mapper.attrs:
                continue
            value = getattr(obj, mapper.get_property_by_column(column).key, None)
            check_value(mapper.local_table.name, column.name, value, column.type.length)
