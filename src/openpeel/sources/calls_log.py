"""A force's call-level telephony export: one row per call offered to the control room.

The schema is ours (there is no national format; method.md §2), documented in
``docs/calls.md`` and declared once here: the fields a file must supply, the canonical columns
the store writes, and the SQL that turns the raw text into them. Column names in the file may
differ: ``--columns FIELD=HEADER`` maps them. This module also holds the header handling that
the 999 monthly and the incidents imports share.

Timestamps are ISO 8601 (``2022-05-01T14:03:07``, a space instead of ``T``, fractional seconds
and a UTC offset all allowed) or UK ``DD/MM/YYYY HH:MM[:SS]``. A time without an offset is
Europe/London clock time. Seconds between two times are exact across clock changes when both
carry offsets; hours and weekdays are those of the Europe/London clock.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpeel.errors import SourceFormatError, UserInputError
from openpeel.reference.lake_columns import Column, columns

#: The time zone of naive timestamps and of the hour and weekday columns.
LOCAL_TZ = "Europe/London"


@dataclass(frozen=True)
class InputField:
    """One field an import reads from a CSV file.

    Attributes:
        name: the canonical field name (also the documented default header).
        definition: what the field holds.
        required: the file must have a column for it (its cells may still be blank where the
            definition allows).
        aliases: other headers accepted without a ``--columns`` mapping (compared after
            lower-casing and turning every run of non-alphanumerics into ``_``).
    """

    name: str
    definition: str
    required: bool = True
    aliases: tuple[str, ...] = ()


def normalise_header(text: str) -> str:
    """``% answered in under 10 seconds`` -> ``percent_answered_in_under_10_seconds``."""
    text = text.replace("%", " percent ").replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def parse_column_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["calls=Total calls", "force=Force name"]`` -> ``{"calls": "Total calls", ...}``."""
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise UserInputError(f"--columns takes FIELD=HEADER, not {item!r}")
        mapping[field.strip()] = header.strip()
    return mapping


def read_header(path: Path) -> list[str]:
    """The header of a CSV file; raises ValueError with a one-line reason."""
    if not path.is_file():
        raise UserInputError(f"{path}: no such file")
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip():
        raise SourceFormatError(f"{path.name}: empty file")
    if b"\x00" in head:
        raise SourceFormatError(f"{path.name}: not a CSV text file (binary content)")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        text = head[: err.start].decode("utf-8-sig") if err.start > 0 else ""
        if "\n" not in text:
            raise SourceFormatError(f"{path.name}: not a UTF-8 CSV text file") from None
    first = text.splitlines()[0] if text.splitlines() else ""
    header = [h.strip() for h in next(csv.reader([first]), [])]
    if len(header) < 2:
        raise SourceFormatError(f"{path.name}: not a CSV file (no comma-separated header)")
    return header


def resolve_columns(
    header: Sequence[str],
    fields: Sequence[InputField],
    mapping: Mapping[str, str] | None,
    what: str,
) -> dict[str, int]:
    """Which column of the file holds each field: ``{field name: column index}``.

    A ``--columns`` mapping wins; otherwise the field's name or one of its aliases, compared
    normalised. Optional fields without a column are left out.

    Raises:
        ValueError: a required field has no column, or the mapping names an unknown field or a
            header the file does not have.
    """
    mapping = dict(mapping or {})
    known = {f.name for f in fields}
    for field in mapping:
        if field not in known:
            raise UserInputError(
                f"--columns names {field!r}, which is not a field of the {what} "
                f"(fields: {', '.join(f.name for f in fields)})"
            )
    exact = {h: i for i, h in reversed(list(enumerate(header)))}
    normal = {normalise_header(h): i for i, h in reversed(list(enumerate(header)))}
    out: dict[str, int] = {}
    missing: list[str] = []
    for f in fields:
        if f.name in mapping:
            wanted = mapping[f.name]
            index = exact.get(wanted, normal.get(normalise_header(wanted)))
            if index is None:
                raise UserInputError(
                    f"--columns maps {f.name} to {wanted!r}, which is not a column of the file "
                    f"(columns: {', '.join(header)})"
                )
            out[f.name] = index
            continue
        for candidate in (f.name, *f.aliases):
            index = normal.get(normalise_header(candidate))
            if index is not None:
                out[f.name] = index
                break
        else:
            if f.required:
                missing.append(f.name)
    if missing:
        raise SourceFormatError(
            f"not a {what} file: no column for {', '.join(missing)} "
            f"(columns: {', '.join(header)}); map them with --columns FIELD=HEADER"
        )
    taken: dict[int, str] = {}
    for name, index in out.items():
        if index in taken:
            raise SourceFormatError(
                f"column {header[index]!r} is used for both {taken[index]} and {name}; "
                "map them with --columns FIELD=HEADER"
            )
        taken[index] = name
    return out


def timestamp_sql(raw: str) -> str:
    """SQL: a raw text field as TIMESTAMPTZ (NULL when blank or unreadable).

    The connection's time zone must be Europe/London, so times without an offset are read as
    UK clock time.
    """
    v = f"nullif(trim({raw}), '')"
    return (
        f"coalesce(TRY_CAST({v} AS TIMESTAMPTZ), "
        f"CAST(try_strptime({v}, ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M']) AS TIMESTAMPTZ))"
    )


def local_sql(tz_expr: str) -> str:
    """SQL: a TIMESTAMPTZ as Europe/London clock time (TIMESTAMP)."""
    return f"timezone('{LOCAL_TZ}', {tz_expr})"


def raw_row_sql(names: Sequence[str], alias: str = "r") -> str:
    """SQL re-joining the raw fields of a row as a CSV line (for the rejects)."""
    parts = [
        f"coalesce(CASE WHEN {alias}.{c} LIKE '%,%' OR {alias}.{c} LIKE '%\"%' "
        f"THEN '\"' || replace({alias}.{c}, '\"', '\"\"') || '\"' ELSE {alias}.{c} END, '')"
        for c in names
    ]
    return " || ',' || ".join(parts)


def vocabulary_sql(raw: str, table: Mapping[str, str]) -> str:
    """SQL CASE mapping a normalised raw value through a vocabulary; ``unknown`` otherwise."""
    arms = " ".join(
        f"WHEN '{k.replace(chr(39), chr(39) * 2)}' THEN '{v}'" for k, v in table.items()
    )
    norm = f"regexp_replace(lower(trim({raw})), '[^a-z0-9]+', ' ', 'g')"
    return (
        f"CASE WHEN nullif(trim({raw}), '') IS NULL THEN NULL "
        f"ELSE CASE trim({norm}) {arms} ELSE 'unknown' END END"
    )


# --- the call-log export --------------------------------------------------------------------

CALL_LOG_FIELDS: tuple[InputField, ...] = (
    InputField(
        "call_id",
        "the telephony system's identifier of the call, unique within the force",
        aliases=("call_reference", "call_ref", "id"),
    ),
    InputField(
        "line",
        "999, 101 or chat (also accepted: emergency, non-emergency, live chat, web chat)",
        aliases=("channel", "queue"),
    ),
    InputField(
        "offered_at",
        "when the call reached the force (for 999: BT connecting it to the force)",
        aliases=("offered", "presented_at", "arrived_at_force"),
    ),
    InputField(
        "answered_at",
        "when a call handler answered; blank when the caller hung up first",
        aliases=("answered",),
    ),
    InputField(
        "abandoned_at",
        "when the caller hung up before an answer; blank when answered",
        aliases=("abandoned",),
    ),
    InputField(
        "handling_seconds",
        "talk plus wrap-up time of an answered call in seconds (optional column; blank for "
        "abandoned calls)",
        required=False,
        aliases=("handling_time_seconds", "handle_seconds", "aht_seconds"),
    ),
)

#: Raw line values (normalised: lower case, runs of other characters as one space) -> code.
LINE_CODES: dict[str, str] = {
    "999": "999",
    "emergency": "999",
    "112": "999",
    "101": "101",
    "non emergency": "101",
    "nonemergency": "101",
    "chat": "chat",
    "live chat": "chat",
    "livechat": "chat",
    "web chat": "chat",
    "webchat": "chat",
    "online chat": "chat",
}

#: The answer-time thresholds of the lines (method.md §2 and §6), in seconds.
LINE_ANSWER_SECONDS: dict[str, float] = {"999": 10.0, "101": 180.0, "chat": 180.0}


#: The stored columns (``reference/lake_columns.csv``, table ``call_log``), in the order of
#: :func:`event_select_sql`.
CALL_LOG_COLUMNS: tuple[Column, ...] = columns("call_log")


def event_select_sql(
    source: str,
    names: Sequence[str],
    *,
    key: str,
    when: str,
    parsed: Sequence[str],
    checks: Sequence[str],
    columns: Sequence[str],
) -> str:
    """SQL from a force export's raw text (one row per event) to canonical columns plus
    ``reject_reason`` and ``raw_row``: the shape the call-log and incidents imports share.

    ``source`` has one text column per field (named after the field, missing optional fields
    as NULL), ``record_number``, ``force_id``, ``snapshot`` and ``source_file``. The columns
    come out as ``force_id, month, <key>, *columns, weekday, hour`` and the lineage.

    Args:
        key: the field that identifies an event; a blank one is rejected, and a repeated one
            loads its first row and rejects the later ones.
        when: the parsed TIMESTAMPTZ (one of ``parsed``) that gives month, weekday and hour.
        parsed: ``<expression> AS v_<name>`` items computed from the raw row ``r``.
        checks: ``WHEN <condition> THEN <reason>`` arms, tried in order after the key's.
        columns: the output items between the key and ``weekday``.
    """
    local = local_sql(when)
    rows = ",\n            ".join(parsed)
    arms = "\n            ".join(checks)
    items = ",\n        ".join(columns)
    return f"""
    WITH t AS (
        SELECT r.*,
            nullif(trim(r.{key}), '') AS v_key,
            {rows},
            min(r.record_number) OVER (PARTITION BY nullif(trim(r.{key}), ''))
                AS first_row
        FROM {source} AS r
    ), checked AS (
        SELECT t.*, CASE
            WHEN v_key IS NULL THEN 'missing {key}'
            WHEN first_row < record_number
                THEN 'duplicate {key} ' || v_key || ' (first at row ' || first_row || ')'
            {arms}
        END AS reject_reason
        FROM t
    )
    SELECT
        force_id,
        CAST(date_trunc('month', {local}) AS DATE) AS month,
        v_key AS {key},
        {items},
        CAST(isodow({local}) - 1 AS SMALLINT) AS weekday,
        CAST(hour({local}) AS SMALLINT) AS hour,
        source_file,
        record_number AS source_row,
        snapshot,
        reject_reason,
        CASE WHEN reject_reason IS NOT NULL THEN {raw_row_sql(names, "checked")} END AS raw_row
    FROM checked
    """


def call_log_select_sql(source: str, names: Sequence[str]) -> str:
    """SQL from raw call-log text to canonical columns plus ``reject_reason`` and ``raw_row``
    (:func:`event_select_sql`, keyed by ``call_id``)."""
    return event_select_sql(
        source,
        names,
        key="call_id",
        when="v_offered",
        parsed=(
            f"{timestamp_sql('r.offered_at')} AS v_offered",
            f"{timestamp_sql('r.answered_at')} AS v_answered",
            f"{timestamp_sql('r.abandoned_at')} AS v_abandoned",
            "TRY_CAST(nullif(trim(r.handling_seconds), '') AS DOUBLE) AS v_handling",
            f"{vocabulary_sql('r.line', LINE_CODES)} AS v_line",
        ),
        checks=(
            "WHEN v_line IS NULL THEN 'missing line'",
            "WHEN nullif(trim(offered_at), '') IS NULL THEN 'missing offered_at'",
            "WHEN v_offered IS NULL THEN 'unreadable offered_at: ' || offered_at",
            "WHEN nullif(trim(answered_at), '') IS NOT NULL AND v_answered IS NULL "
            "THEN 'unreadable answered_at: ' || answered_at",
            "WHEN nullif(trim(abandoned_at), '') IS NOT NULL AND v_abandoned IS NULL "
            "THEN 'unreadable abandoned_at: ' || abandoned_at",
            "WHEN v_answered IS NOT NULL AND v_abandoned IS NOT NULL "
            "THEN 'both answered_at and abandoned_at given'",
            "WHEN v_answered IS NULL AND v_abandoned IS NULL "
            "THEN 'neither answered_at nor abandoned_at given'",
            "WHEN v_answered < v_offered THEN 'answered_at before offered_at'",
            "WHEN v_abandoned < v_offered THEN 'abandoned_at before offered_at'",
            "WHEN nullif(trim(handling_seconds), '') IS NOT NULL "
            "AND (v_handling IS NULL OR v_handling < 0 OR NOT isfinite(v_handling)) "
            "THEN 'unreadable handling_seconds: ' || handling_seconds",
        ),
        columns=(
            "line AS line_raw",
            "v_line AS line_code",
            f"{local_sql('v_offered')} AS offered_at",
            f"{local_sql('v_answered')} AS answered_at",
            f"{local_sql('v_abandoned')} AS abandoned_at",
            "v_answered IS NOT NULL AS is_answered",
            "epoch(v_answered) - epoch(v_offered) AS answer_seconds",
            "epoch(v_abandoned) - epoch(v_offered) AS abandon_seconds",
            "v_handling AS handling_seconds",
        ),
    )
