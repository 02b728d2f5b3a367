"""Stop-and-search records from the API written as the bulk archive's CSV, byte-compatible."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from openpeel.sources.policeuk_api.retry import (
    _remove_quietly,
)
from openpeel.sources.policeuk_archive import HEADERS

#: Header of the bulk archive's ``-stop-and-search.csv`` files (15 columns, latitude first).
STOP_AND_SEARCH_HEADER: tuple[str, ...] = HEADERS["stop_search"]


def write_stop_and_search_csv(records: Iterable[Mapping[str, Any]], target: Path) -> Path:
    """Write API stop and search records to ``target`` in the bulk archive's CSV format.

    UTF-8, ``\\n`` line ends, minimal quoting, the 15-column header, rows in the order given.
    Written to a temporary file beside ``target`` and renamed into place.

    Args:
        records: Records as returned by ``stops-force``.
        target: CSV path; its folder is created if missing.

    Returns:
        ``target``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp_path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            _write_rows(out, records)
        os.replace(tmp_path, target)
    except BaseException:
        _remove_quietly(tmp_path)
        raise
    return target


def _write_rows(out: IO[str], records: Iterable[Mapping[str, Any]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STOP_AND_SEARCH_HEADER)
    for record in records:
        writer.writerow(stop_to_archive_row(record))


def stop_to_archive_row(record: Mapping[str, Any]) -> list[str]:
    """Map one API stop and search record to an archive CSV row (15 strings).

    Booleans become ``True``/``False``; null stays blank (unknown, never False). A null
    ``location`` gives blank latitude and longitude. ``outcome`` is used when it is a string;
    otherwise (older JSON has ``"outcome": false`` for none) ``outcome_object.name`` when
    present, else blank. ``datetime`` is written as ISO-8601 with a ``+00:00`` offset.

    Args:
        record: One record from ``stops-force`` (or ``stops-street``).

    Returns:
        Values in :data:`STOP_AND_SEARCH_HEADER` order.
    """
    location = record.get("location")
    latitude = longitude = ""
    if isinstance(location, Mapping):
        latitude = _coordinate(location.get("latitude"))
        longitude = _coordinate(location.get("longitude"))
    return [
        _text(record.get("type")),
        _archive_datetime(record.get("datetime")),
        _boolean(record.get("operation")),
        _text(record.get("operation_name")),
        latitude,
        longitude,
        _text(record.get("gender")),
        _text(record.get("age_range")),
        _text(record.get("self_defined_ethnicity")),
        _text(record.get("officer_defined_ethnicity")),
        _text(record.get("legislation")),
        _text(record.get("object_of_search")),
        _outcome(record),
        _boolean(record.get("outcome_linked_to_object_of_search")),
        _boolean(record.get("removal_of_more_than_outer_clothing")),
    ]


def _text(value: Any) -> str:
    # Kept exactly as published, no strip: the archive has "Environmental Protection Act 1990
    # (section 34B )" with its inner space, and the vocabulary maps match raw values.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _boolean(value: Any) -> str:
    """``True``/``False`` for booleans, blank for null (unknown is not false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered == "true":
            return "True"
        if lowered == "false":
            return "False"
        if lowered == "":
            return ""
    return str(value)


def _coordinate(value: Any) -> str:
    # The API sends coordinates as strings with six decimals, as in the archive; keep them.
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


def _outcome(record: Mapping[str, Any]) -> str:
    outcome = record.get("outcome")
    if isinstance(outcome, str):
        return outcome
    outcome_object = record.get("outcome_object")
    if isinstance(outcome_object, Mapping):
        name = outcome_object.get("name")
        if isinstance(name, str):
            return name
    return ""


def _archive_datetime(value: Any) -> str:
    """ISO-8601 with a ``+00:00`` offset, as the archive writes dates.

    A value without an offset is taken as UTC; one with another offset is converted to UTC.
    A value that does not parse is kept as published, for the loader to reject with a reason.
    """
    if value is None:
        return ""
    text = str(value)
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return parsed.isoformat(timespec="seconds")
