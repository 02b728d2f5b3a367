"""The tables the lake holds, each registered once with its columns and partitioning.

A table's partitioning decides what one load replaces:

- ``("force_id", "month")`` — police.uk files: one partition per force-month; a newer snapshot
  of a force-month supersedes the older one.
- ``("publication", "period")`` — official statistics: one partition per publication and
  period; a later edition of the same publication and period supersedes the earlier one.
- ``()`` — a keyed table (call logs, incidents, published 999 figures): one partition holding the
  whole table; a load merges its rows into it by ``key`` and commits the merged whole.

Every table shares the one commit path (``store/commit.py``), the one ``rejects`` table and the
one load log (``store/lake.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from openpeel.reference.lake_columns import Column, columns
from openpeel.sources.calls_999 import CALLS_999_COLUMNS
from openpeel.sources.calls_log import CALL_LOG_COLUMNS
from openpeel.sources.crime_recording import INCIDENTS as RECORDING_INCIDENTS
from openpeel.sources.crime_recording import RECORDED_CRIMES
from openpeel.sources.incidents import INCIDENT_COLUMNS
from openpeel.sources.internal_extract import KIND_TYPES, ExtractFile
from openpeel.sources.offenders import EXTRACT_FILES as OFFENDER_FILES
from openpeel.sources.policeuk_tables import TABLES, table_columns
from openpeel.sources.vulnerability_extract import TABLES as VULNERABILITY_TABLES
from openpeel.store.lake import sql_type

#: Columns a table may be partitioned by (the manifest's, or given with a staged part): those a
#: lake path may name (``reference/lake_columns.csv``, ``path_keys``) but the rejects' table.
PARTITION_KEYS = tuple(c.name for c in columns("path_keys") if c.name != "table")


@dataclass(frozen=True)
class LakeTable:
    """One table of the lake.

    Attributes:
        name: the view name queries use.
        columns: every column, in storage order, with its type and definition.
        partition_by: manifest columns that name a partition (see the module docstring).
        key: for a keyed table, the columns that identify a row (a load replaces stored rows
            with the same key).
        keep_superseded: keep an older snapshot of a partition (out of queries) when a newer
            one replaces it, rather than deleting it.
        own_view: the table's store builds its query view (its files keep the columns the
            partition names, as published), rather than ``store.connection``.
    """

    name: str
    columns: tuple[Column, ...]
    partition_by: tuple[str, ...]
    key: tuple[str, ...] = ()
    keep_superseded: bool = True
    own_view: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.partition_by) - set(PARTITION_KEYS)
        if unknown:
            raise ValueError(f"{self.name}: cannot partition by {sorted(unknown)}")
        if not self.partition_by and not self.key:
            raise ValueError(f"{self.name}: a table with one partition needs a key")

    def partition(self, values: Mapping[str, object]) -> str:
        """The partition's hive-style folder name, e.g. ``force_id=kent/month=2021-04-01``
        (empty for a table held in one partition)."""
        parts = []
        for name in self.partition_by:
            value = values.get(name)
            if value is None:
                raise ValueError(f"{self.name}: a partition needs {name}")
            parts.append(f"{name}={value.isoformat() if isinstance(value, date) else value}")
        return "/".join(parts)

    def data_dir(self, partition: str) -> str:
        """Folder of a partition's data files, relative to the lake."""
        return f"{self.name}/{partition}" if partition else self.name

    def rejects_dir(self, partition: str) -> str:
        """Folder of a partition's rejected rows, relative to the lake."""
        base = f"rejects/table={self.name}"
        return f"{base}/{partition}" if partition else base


FORCE_MONTH = ("force_id", "month")

#: SQL types of the kinds of a force-internal extract's columns (those of their Arrow types).
EXTRACT_SQL_TYPES = {kind: sql_type(arrow) for kind, arrow in KIND_TYPES.items()}


def force_extract_columns(declared: Iterable[Column]) -> tuple[Column, ...]:
    """The lake columns of a force-internal extract table held one partition per force: the
    force, the declared columns, then the file lineage and the load's snapshot."""
    return (
        Column("force_id", "VARCHAR", "the force the extract came from"),
        *declared,
        Column("source_file", "VARCHAR", "file the row was read from"),
        Column(
            "source_row", "BIGINT", "record number within the file (1 = first row after header)"
        ),
        Column("snapshot", "VARCHAR", "the load's label (synthetic-... for synthetic extracts)"),
    )


def extract_columns(spec: ExtractFile) -> tuple[Column, ...]:
    """The lake columns of a file declared with ``sources.internal_extract``."""
    return force_extract_columns(
        Column(c.name, EXTRACT_SQL_TYPES[c.kind], c.definition) for c in spec.columns
    )


def force_extract_table(name: str, columns: tuple[Column, ...], key: tuple[str, ...]) -> LakeTable:
    """A force-internal extract table: one partition per force, merged by key on every load
    (``store/force_extract.py``)."""
    return LakeTable(name, columns, ("force_id",), ("force_id", *key), keep_superseded=False)


#: The figures of closed crime data integrity audits (published by ``crime_audit`` on closing,
#: one partition per force, keyed by audit, measure and domain).
CRIME_AUDIT_COLUMNS: tuple[Column, ...] = columns("crime_recording_audits")

#: Official statistics (``store/official.py``): every published cell, one partition per
#: publication and period (the files keep both columns, as published).
OFFICIAL_COLUMNS: tuple[Column, ...] = columns("official")

#: Every table, by name. A new source adds its tables here.
LAKE_TABLES: dict[str, LakeTable] = {
    **{name: LakeTable(name, table_columns(name), FORCE_MONTH) for name in TABLES},
    "calls_999_monthly": LakeTable(
        "calls_999_monthly", CALLS_999_COLUMNS, (), ("force_id", "month"), keep_superseded=False
    ),
    "call_log": LakeTable(
        "call_log", CALL_LOG_COLUMNS, (), ("force_id", "call_id"), keep_superseded=False
    ),
    "incidents": LakeTable(
        "incidents", INCIDENT_COLUMNS, (), ("force_id", "incident_id"), keep_superseded=False
    ),
    # Force-internal extracts, one partition per force merged by key on every load: crime
    # recording (store/crime_recording.py), offender management (store/offenders.py) and
    # protecting vulnerable people (store/vulnerability.py, views vulnerability_<table>).
    **{
        spec.table: force_extract_table(spec.table, extract_columns(spec), spec.key)
        for spec in (RECORDING_INCIDENTS, RECORDED_CRIMES, *OFFENDER_FILES)
    },
    **{
        spec.table: force_extract_table(spec.table, extract_columns(spec), spec.key)
        for spec in VULNERABILITY_TABLES.values()
    },
    "official": LakeTable("official", OFFICIAL_COLUMNS, ("publication", "period"), own_view=True),
    "crime_recording_audits": LakeTable(
        "crime_recording_audits",
        CRIME_AUDIT_COLUMNS,
        ("force_id",),
        ("force_id", "audit_id", "measure", "domain"),
        keep_superseded=False,
    ),
}


def lake_table(name: str) -> LakeTable:
    """A registered table by name."""
    try:
        return LAKE_TABLES[name]
    except KeyError:
        raise KeyError(f"no lake table {name!r}") from None


def force_month_tables() -> list[str]:
    """Tables partitioned by force and month (the police.uk tables)."""
    return [t.name for t in LAKE_TABLES.values() if t.partition_by == FORCE_MONTH]
