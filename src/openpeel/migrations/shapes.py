"""The tables a revision creates, declared in a TOML file beside it and turned into DDL here.

FROZEN WITH THE MIGRATIONS: every revision under ``versions/`` has been applied to real
databases, and the SQL it emits must never change. A later schema change gets a new revision
(and, if it needs one, a new shape here); it does not edit these helpers nor an existing
revision's TOML file. The offline SQL of every revision (``alembic upgrade --sql``) is the
check: it must stay byte-identical.

A revision ``versions/NNNN_name.py`` reads ``versions/NNNN_name.toml``, a list of ``[[table]]``
entries in the order they are created::

    [[table]]
    name = "reviews"          # the table
    key = "name"              # optional: the primary key is this listed column; by default an
                              #   integer ``id`` key is the table's first column
    scope = "framework"       # optional: ``force`` adds ``force_id`` (string 64) after the key;
                              #   ``framework`` adds ``force_id`` and ``framework_id`` (string 32)
    stamps = "edited"         # optional: ``created`` ends the columns with ``created_at``;
                              #   ``edited`` with ``version``, ``created_at`` and ``updated_at``
    columns = [               # [name, type] or [name, "string", length]; a type ending in ``?``
        ["item_id", "integer"],        #   is nullable (types: integer, float, boolean, text,
        ["comments", "text?"],         #   string, date, datetime)
    ]
    foreign_keys = [["item_id", "sample_items.id", "CASCADE"]]   # column, target, on delete
    unique = [{columns = ["item_id", "reviewer_id"], name = "uq_review_item_reviewer"}]
    indexes = [{name = "ix_reviews_item", columns = ["item_id"]}]

Upgrading creates each table then its indexes; downgrading drops them in the reverse order.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

TYPES: dict[str, Callable[..., Any]] = {
    "integer": sa.Integer,
    "float": sa.Float,
    "boolean": sa.Boolean,
    "text": sa.Text,
    "date": sa.Date,
    "datetime": sa.DateTime,
}

#: The columns a ``scope`` puts after the key, and a ``stamps`` after the table's own columns.
SCOPES: dict[str, list[list[Any]]] = {
    "force": [["force_id", "string", 64]],
    "framework": [["force_id", "string", 64], ["framework_id", "string", 32]],
}
STAMPS: dict[str, list[list[Any]]] = {
    "created": [["created_at", "datetime"]],
    "edited": [["version", "integer"], ["created_at", "datetime"], ["updated_at", "datetime"]],
}


def column(name: str, kind: str, length: int | None = None) -> sa.Column[Any]:
    """One declared column: ``kind`` names its type, ``?`` at its end makes it nullable."""
    nullable = kind.endswith("?")
    base = kind.removesuffix("?")
    type_ = sa.String(length=length) if base == "string" else TYPES[base]()
    return sa.Column(name, type_, nullable=nullable)


def table_items(spec: dict[str, Any]) -> list[Any]:
    """The columns and constraints of one declared table, in the order the DDL lists them."""
    key = spec.get("key")
    declared = [
        *([] if key else [["id", "integer"]]),
        *SCOPES.get(spec.get("scope", ""), []),
        *spec["columns"],
        *STAMPS.get(spec.get("stamps", ""), []),
    ]
    items: list[Any] = [column(*declared_column) for declared_column in declared]
    for name, target, *on_delete in spec.get("foreign_keys", []):
        ondelete = on_delete[0] if on_delete else None
        items.append(sa.ForeignKeyConstraint([name], [target], ondelete=ondelete))
    items.append(sa.PrimaryKeyConstraint(key or "id"))
    for unique in spec.get("unique", []):
        items.append(sa.UniqueConstraint(*unique["columns"], name=unique.get("name")))
    return items


def declared_tables(revision_file: str) -> list[dict[str, Any]]:
    """The tables declared in the TOML file beside a revision module."""
    with Path(revision_file).with_suffix(".toml").open("rb") as handle:
        tables: list[dict[str, Any]] = tomllib.load(handle)["table"]
    return tables


def create(tables: list[dict[str, Any]]) -> None:
    """Create the declared tables, each followed by its indexes."""
    for spec in tables:
        op.create_table(spec["name"], *table_items(spec))
        for index in spec.get("indexes", []):
            op.create_index(index["name"], spec["name"], index["columns"], unique=False)


def drop(tables: list[dict[str, Any]]) -> None:
    """Drop the declared tables, last first, each after its indexes (last first)."""
    for spec in reversed(tables):
        for index in reversed(spec.get("indexes", [])):
            op.drop_index(index["name"], table_name=spec["name"])
        op.drop_table(spec["name"])


def revision_steps(revision_file: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """The ``upgrade`` and ``downgrade`` functions of a revision declared by its TOML file."""
    tables = declared_tables(revision_file)

    def upgrade() -> None:
        """Apply this revision: create its declared tables."""
        create(tables)

    def downgrade() -> None:
        """Undo this revision: drop its declared tables."""
        drop(tables)

    return upgrade, downgrade
