"""The canonical tables made from data.police.uk files, declared once as data.

Each column has a DuckDB type and a one-line definition, declared in the lake's column catalogue
(``reference/lake_columns.csv``). The ingest casts to these types, the
store builds empty tables from them, and the documentation lists them.
"""

from __future__ import annotations

from openpeel.reference.lake_columns import Column, columns

#: Columns every police.uk row carries: the file and record it came from, and its download.
LINEAGE = columns("lineage")
#: Columns that name a police.uk partition: the force and the month of the file.
PARTITION = columns("partition")
STOP_SEARCHES = columns("stop_searches")
CRIMES = columns("crimes")
OUTCOMES = columns("outcomes")
#: The one rejects table's own columns (after its table name and partition).
REJECTS = columns("rejects")[1 + len(PARTITION) :]

TABLES: dict[str, tuple[Column, ...]] = {
    "stop_searches": STOP_SEARCHES,
    "crimes": CRIMES,
    "outcomes": OUTCOMES,
}

#: The kind in the file name (``YYYY-MM-<force>-<kind>.csv``) and the table it loads into.
KIND_TABLE = {"stop-and-search": "stop_searches", "street": "crimes", "outcomes": "outcomes"}


def table_columns(table: str) -> tuple[Column, ...]:
    """All columns of a canonical table in storage order: partition, data, lineage (the one
    rejects table: its name, partition and own columns)."""
    if table == "rejects":
        return columns("rejects")
    return (*PARTITION, *TABLES[table], *LINEAGE)
