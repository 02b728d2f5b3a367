"""Coded fields whose raw value no vocabulary recognises, and the caveat they put on results.

At ingest every coded field is looked up in its vocabulary after normalising whitespace and
case; a value still not found is loaded with code ``unknown`` (the raw value is kept) and
counted, per file and field, in the load log's ``unknown_values``. A figure that uses such a
field cannot place those rows, so every result over the files holding one says so. The counts
come from the log of the partitions currently loaded (small tables: no scan of the rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from openpeel.sources.policeuk_archive import CODED_FIELDS, HEADERS, raw_name


def _field_names(schema: str) -> dict[str, str]:
    """raw column -> the field's header as published (``Type``, ``Legislation``, ...)."""
    headers = {raw_name(h): h for h in HEADERS[schema]}
    return {
        raw_col: headers.get(csv_col, csv_col) for csv_col, _, raw_col, _ in CODED_FIELDS[schema]
    }


#: Stop and search: raw column -> the published field it comes from.
STOP_SEARCH_FIELDS = _field_names("stop_search")

#: Per lake table: raw column -> the published field (the crimes table reads both street
#: generations; the current one names every coded field).
FIELDS_BY_TABLE = {
    "stop_searches": STOP_SEARCH_FIELDS,
    "crimes": _field_names("street"),
    "outcomes": _field_names("outcomes"),
}


def fields_of(table_name: str) -> dict[str, str]:
    """The coded fields of a lake table (none for a table without vocabularies)."""
    return FIELDS_BY_TABLE.get(table_name, {})


def unknown_code_counts(
    con: Any,
    table_name: str,
    force_ids: Sequence[str],
    start: date,
    end: date,
    fields: Mapping[str, str],
) -> dict[str, int]:
    """Rows per coded field loaded as ``unknown``, in the current partitions of a table.

    Args:
        con: an ``openpeel.connect()`` connection.
        table_name: the lake table (``stop_searches``).
        force_ids, start, end: the forces and months.
        fields: raw column -> field name (e.g. ``STOP_SEARCH_FIELDS``).

    Returns:
        Field name -> rows, only for fields with at least one unrecognised value.
    """
    tables = con.list_tables()
    if not fields or "unknown_values" not in tables or "lake_partitions" not in tables:
        return {}
    parts = con.table("lake_partitions")
    parts = parts.filter(
        (parts.table_name == table_name)
        & (parts.status == "current")
        & parts.force_id.isin(list(force_ids))
        & parts.month.between(start, end)
    ).select(part_file=parts.source_file, part_load=parts.ingest_id)
    unknown = con.table("unknown_values")
    unknown = unknown.filter(unknown.field.isin(list(fields)))
    joined = unknown.join(
        parts, [unknown.source_file == parts.part_file, unknown.load_id == parts.part_load]
    )
    counts = joined.group_by("field").agg(rows=joined.rows.sum()).execute()
    out = {}
    for raw_col, name in fields.items():
        n = int(counts.loc[counts["field"] == raw_col, "rows"].sum())
        if n > 0:
            out[name] = n
    return out


def unknown_code_caveats(counts: Mapping[str, int]) -> list[str]:
    """One caveat per field with unrecognised values."""
    return [
        f"{field}: {n:,} row{'s' if n != 1 else ''} hold a value openpeel does not recognise "
        f"(loaded as 'unknown', the published text kept); figures by {field} cannot place "
        "them (see the unknown_values table)."
        for field, n in counts.items()
    ]
