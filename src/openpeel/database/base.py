"""The declarative base every operational model sits on, and the one clock they stamp rows with."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import DeclarativeBase


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (stored naive-UTC on every backend)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of the operational database."""
