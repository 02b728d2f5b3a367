"""Coded fields whose raw value no vocabulary recognises, and the caveat they put on results.

At ingest every coded field is looked up in its vocabulary after normalising whitespace and
case; a value still not found is loaded with code ``unknown`` (the raw value is kept). A figure
that uses such a field cannot place those rows, so every result over rows holding one says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from openpeel.sources.policeuk_archive import CODED_FIELDS, HEADERS, raw_name


def _field_names(schema: str) -> dict[str, str]:
    """code column -> the field's header as published (``Type``, ``Legislation``, ...)."""
    headers = {raw_name(h): h for h in HEADERS[schema]}
    return {
        code_col: headers.get(csv_col, csv_col) for csv_col, _, _, code_col in CODED_FIELDS[schema]
    }


#: Stop and search: code column -> the published field it comes from.
STOP_SEARCH_FIELDS = _field_names("stop_search")


def unknown_code_counts(
    table: Any, force_ids: Sequence[str], start: date, end: date, fields: Mapping[str, str]
) -> dict[str, int]:
    """Rows per coded field whose value is ``unknown``, over the forces and months given.

    Args:
        table: an Ibis table with ``force_id``, ``month`` and the code columns.
        fields: code column -> field name (e.g. ``STOP_SEARCH_FIELDS``).

    Returns:
        Field name -> rows, only for fields with at least one unknown value.
    """
    rows = table.filter(table.force_id.isin(list(force_ids)) & table.month.between(start, end))
    counts = rows.aggregate(
        **{f"n{i}": (rows[col] == "unknown").cast("int64").sum() for i, col in enumerate(fields)}
    ).execute()
    out = {}
    for i, name in enumerate(fields.values()):
        value = counts[f"n{i}"].iloc[0]
        if not pd.isna(value) and int(value) > 0:  # no rows: no unknown value
            out[name] = int(value)
    return out


def unknown_code_caveats(counts: Mapping[str, int]) -> list[str]:
    """One caveat per field with unrecognised values."""
    return [
        f"{field}: {n:,} row{'s' if n != 1 else ''} hold a value openpeel does not recognise "
        f"(loaded as 'unknown', the published text kept); figures by {field} cannot place "
        "them (see the unknown_values table)."
        for field, n in counts.items()
    ]
