"""SQL text written by openpeel: how a Python string becomes a SQL string literal (once).

Paths, file names and vocabulary values are spliced into DuckDB statements (``read_parquet``
lists, ``CASE`` lookups, ``COPY ... TO``) where parameters cannot go. May import: the standard
library only.
"""

from __future__ import annotations

from collections.abc import Iterable


def sql_text(value: str) -> str:
    """``value`` as a SQL string literal: single quotes around, inner quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: Iterable[str]) -> str:
    """A SQL list literal of strings, ``['a', 'b']`` (DuckDB's list syntax)."""
    return "[" + ", ".join(sql_text(v) for v in values) + "]"
