"""Import force-internal stop and search records (a superset of police.uk) from CSV.

The CSV schema is declared once in ``COLUMNS`` (see ``docs/scrutiny.md``). Coded fields take the
codes of ``openpeel.reference`` vocabularies (``cjpoa_s60``, ``W1``, ``no_further_action``) or the
raw strings published by police.uk; a value no vocabulary knows is loaded as ``unknown`` and
counted. Every row is loaded or rejected with its reason (rows read = loaded + rejected), and a
search id already in the database is never loaded twice.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpeel.errors import SourceFormatError
from openpeel.reference.forces import forces
from openpeel.reference.vocabularies import UNKNOWN, vocabulary
from openpeel.scrutiny.models import ImportReject, ImportRun, SearchRecord


@dataclass(frozen=True)
class Column:
    """One column of the force-internal CSV."""

    name: str
    required: bool
    description: str
    vocabulary: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("search_id", True, "The force's unique id of the search record (at most 64 chars)."),
    Column("force_id", True, "data.police.uk force id, e.g. west-midlands."),
    Column(
        "officer_pseudonym",
        True,
        "Pseudonymised id of the searching officer (e.g. a keyed hash of the collar number); "
        "all-digit values look like raw collar numbers and are rejected.",
    ),
    Column("datetime", True, "Date and time of the search, ISO 8601 (2024-03-01T14:05:00)."),
    Column("latitude", False, "WGS84 latitude (blank when not recorded)."),
    Column("longitude", False, "WGS84 longitude (blank when not recorded)."),
    Column("location", False, "Street-level description of the location."),
    Column("type", True, "person / person_and_vehicle / vehicle.", "stop_search_type"),
    Column("gender", False, "male / female / other.", "gender"),
    Column("age_range", False, "under_10 / 10_17 / 18_24 / 25_34 / over_34.", "age_range"),
    Column(
        "self_defined_ethnicity",
        False,
        "16+1 census code (W1, B2, ..., NS).",
        "self_defined_ethnicity",
    ),
    Column(
        "officer_defined_ethnicity",
        False,
        "white / black / asian / mixed / other.",
        "officer_defined_ethnicity",
    ),
    Column("legislation", True, "Power used, e.g. pace_s1, mda_s23, cjpoa_s60.", "legislation"),
    Column(
        "object_of_search", False, "e.g. controlled_drugs, offensive_weapons.", "object_of_search"
    ),
    Column(
        "grounds", False, "The grounds for the search as the officer recorded them (free text)."
    ),
    Column("outcome", True, "e.g. no_further_action, arrest.", "stop_search_outcome"),
    Column("outcome_linked_to_object", False, "true / false / blank."),
    Column("removal_of_more_than_outer_clothing", False, "true / false (a strip search)."),
    Column("bwv_available", False, "true / false: body-worn video footage exists."),
    Column("bwv_reference", False, "Reference of the footage in the force's video system."),
    Column("is_synthetic", False, "true for synthetic records (the generator writes it)."),
)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
KNOWN = tuple(c.name for c in COLUMNS)
_SEARCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


class RecordsFileError(SourceFormatError):
    """A file that cannot be imported at all (not CSV, empty, missing columns)."""


class RowError(SourceFormatError):
    """A row that cannot be loaded; the message is the reject reason."""


@dataclass
class ImportResult:
    """What one import did: rows read = rows loaded + rows rejected."""

    source_file: str
    import_run_id: int
    rows_read: int = 0
    rows_loaded: int = 0
    rows_new: int = 0
    rows_already_present: int = 0
    rows_rejected: int = 0
    unknown_values: dict[str, int] = field(default_factory=dict)
    rejects: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary (the first 20 rejects)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["rejects"] = [{"row": r, "reason": why} for r, why in self.rejects[:20]]
        return out


def _codes(name: str) -> dict[str, tuple[str, str]]:
    """value (raw string or code, case-folded) -> (code, group)."""
    out: dict[str, tuple[str, str]] = {}
    for term in vocabulary(name).values():
        out.setdefault(term.code.casefold(), (term.code, term.group))
        out.setdefault(term.raw.casefold(), (term.code, term.group))
    return out


def _coded(value: str, name: str, unknown: Counter[str]) -> tuple[str, str]:
    value = value.strip()
    if not value:
        return ("not_recorded", "not_recorded")
    found = _codes(name).get(value.casefold())
    if found is None:
        unknown[f"{name}={value[:40]}"] += 1
        return (UNKNOWN, UNKNOWN)
    return found


def _bool(value: str, column: str) -> bool | None:
    v = value.strip().casefold()
    if not v:
        return None
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise RowError(f"{column} is not true/false: {value[:40]!r}")


def _coordinate(value: str, column: str, limit: float) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(f"{column} is not a number: {value[:40]!r}") from None
    if not -limit <= number <= limit:
        raise RowError(f"{column} out of range: {value[:40]!r}")
    return number


def parse_row(row: dict[str, str], unknown: Counter[str]) -> dict[str, Any]:
    """The SearchRecord fields of one CSV row, or RowError with the reason."""
    get = {k: (row.get(k) or "") for k in KNOWN}
    for name in REQUIRED:
        if not get[name].strip():
            raise RowError(f"{name} is blank")
    search_id = get["search_id"].strip()
    if not _SEARCH_ID.match(search_id):
        raise RowError(f"search_id has characters other than letters, digits, ._/-: {search_id!r}")
    force_id = get["force_id"].strip()
    if force_id not in forces():
        raise RowError(f"unknown force_id {force_id[:40]!r}")
    officer = get["officer_pseudonym"].strip()
    if officer.isdigit():
        raise RowError("officer_pseudonym looks like a raw collar number: pseudonymise it first")
    if len(officer) > 64:
        raise RowError("officer_pseudonym longer than 64 characters")
    try:
        occurred_at = datetime.fromisoformat(get["datetime"].strip())
    except ValueError:
        raise RowError(f"datetime is not ISO 8601: {get['datetime'][:40]!r}") from None
    if occurred_at.tzinfo is not None:
        occurred_at = occurred_at.astimezone(tz=None).replace(tzinfo=None)
    type_code, _ = _coded(get["type"], "stop_search_type", unknown)
    gender_code, _ = _coded(get["gender"], "gender", unknown)
    age_code, age_group = _coded(get["age_range"], "age_range", unknown)
    sde_code, ethnic_group = _coded(
        get["self_defined_ethnicity"], "self_defined_ethnicity", unknown
    )
    ode_code, _ = _coded(get["officer_defined_ethnicity"], "officer_defined_ethnicity", unknown)
    leg_code, leg_group = _coded(get["legislation"], "legislation", unknown)
    obj_code, _ = _coded(get["object_of_search"], "object_of_search", unknown)
    out_code, out_group = _coded(get["outcome"], "stop_search_outcome", unknown)
    bwv_reference = get["bwv_reference"].strip() or None
    if bwv_reference is not None and len(bwv_reference) > 100:
        raise RowError("bwv_reference longer than 100 characters")
    has_bwv = _bool(get["bwv_available"], "bwv_available")
    return {
        "search_id": search_id,
        "force_id": force_id,
        "officer_pseudonym": officer,
        "occurred_at": occurred_at,
        "latitude": _coordinate(get["latitude"], "latitude", 90),
        "longitude": _coordinate(get["longitude"], "longitude", 180),
        "location": get["location"].strip()[:200],
        "type_code": type_code,
        "gender_code": gender_code,
        "age_range_code": age_code,
        "age_group": age_group,
        "self_defined_ethnicity_code": sde_code,
        "ethnic_group": ethnic_group,
        "officer_defined_ethnicity_code": ode_code,
        "legislation_code": leg_code,
        "legislation_group": leg_group,
        "object_of_search_code": obj_code,
        "grounds_text": get["grounds"].strip(),
        "outcome_code": out_code,
        "outcome_group": out_group,
        "outcome_linked": _bool(get["outcome_linked_to_object"], "outcome_linked_to_object"),
        "is_strip_search": bool(
            _bool(get["removal_of_more_than_outer_clothing"], "removal_of_more_than_outer_clothing")
        ),
        "has_bwv": bool(has_bwv) or bwv_reference is not None,
        "bwv_reference": bwv_reference,
        "is_synthetic": bool(_bool(get["is_synthetic"], "is_synthetic")),
    }


_COMPARED = (
    "force_id",
    "officer_pseudonym",
    "occurred_at",
    "legislation_code",
    "outcome_code",
    "grounds_text",
    "bwv_reference",
)


def import_text(session: Session, text: str, source_file: str) -> ImportResult:
    """Import the CSV text of one file; the caller commits."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise RecordsFileError(f"{source_file}: empty file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RecordsFileError(
            f"{source_file}: not a force-internal search records file "
            f"(missing columns: {', '.join(missing)})"
        )
    reader.fieldnames = header
    run = ImportRun(source_file=source_file[:500])
    session.add(run)
    session.flush()
    result = ImportResult(source_file=source_file, import_run_id=run.id)
    unknown: Counter[str] = Counter()
    parsed: list[tuple[int, dict[str, Any], str]] = []
    seen: set[str] = set()
    synthetic = True
    try:
        for line_no, row in enumerate(reader, start=2):
            result.rows_read += 1
            raw = ",".join(v if isinstance(v, str) else "" for v in row.values())[:2000]
            try:
                if None in row:
                    raise RowError("more fields than columns")
                fields = parse_row(row, unknown)
                if fields["search_id"] in seen:
                    raise RowError(f"duplicate search_id {fields['search_id']!r} in this file")
            except RowError as err:
                result.rejects.append((line_no, str(err)))
                session.add(
                    ImportReject(import_run_id=run.id, source_row=line_no, reason=str(err), raw=raw)
                )
                continue
            seen.add(fields["search_id"])
            synthetic = synthetic and fields["is_synthetic"]
            parsed.append((line_no, fields, raw))
    except csv.Error as err:
        raise RecordsFileError(f"{source_file}: not readable as CSV ({err})") from None
    existing: dict[str, SearchRecord] = {}
    ids = [f["search_id"] for _, f, _ in parsed]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for rec in session.scalars(select(SearchRecord).where(SearchRecord.search_id.in_(chunk))):
            existing[rec.search_id] = rec
    for line_no, fields, raw in parsed:
        old = existing.get(fields["search_id"])
        if old is not None:
            if all(getattr(old, k) == fields[k] for k in _COMPARED):
                result.rows_already_present += 1
                result.rows_loaded += 1
                continue
            reason = f"search_id {fields['search_id']!r} already imported with different content"
            result.rejects.append((line_no, reason))
            session.add(
                ImportReject(import_run_id=run.id, source_row=line_no, reason=reason, raw=raw)
            )
            continue
        session.add(
            SearchRecord(
                **fields, source_file=source_file[:500], source_row=line_no, import_run_id=run.id
            )
        )
        result.rows_new += 1
        result.rows_loaded += 1
    result.rows_rejected = len(result.rejects)
    result.unknown_values = dict(unknown)
    run.rows_read = result.rows_read
    run.rows_loaded = result.rows_loaded
    run.rows_already_present = result.rows_already_present
    run.rows_rejected = result.rows_rejected
    run.is_synthetic = synthetic and bool(parsed)
    session.flush()
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    return result


def import_file(session: Session, path: Path) -> ImportResult:
    """Import one CSV file; a file that cannot be read raises RecordsFileError."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise RecordsFileError(f"{path}: cannot read ({err.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordsFileError(f"{path}: not UTF-8 text") from None
    return import_text(session, text, path.name)


def has_synthetic_records(session: Session) -> bool:
    """Whether any record in the database is synthetic (pages then show the banner)."""
    return (
        session.scalar(select(SearchRecord.id).where(SearchRecord.is_synthetic).limit(1))
        is not None
    )
