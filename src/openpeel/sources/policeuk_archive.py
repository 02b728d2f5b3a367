"""data.police.uk bulk archive files: find them, check them, and say how to read them.

Inputs are a monthly archive zip (``YYYY-MM.zip``), an unpacked archive folder, or any folder or
list of CSV files named as in the archive (``YYYY-MM-<force>-street.csv``, ``-outcomes.csv``,
``-stop-and-search.csv``). This module knows the file formats; it does not write anything. The
SQL that turns raw columns into the canonical tables is built here and run by the store.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpeel.errors import SourceFormatError, UserInputError
from openpeel.reference.forces import forces, unknown_force_message
from openpeel.reference.vocabularies import lookup, normalise, normalise_sql, vocabulary
from openpeel.sources.archive_zip import ZipLimitError, extract_members
from openpeel.sources.policeuk_tables import KIND_TABLE, TABLES
from openpeel.sql import sql_text as _sql_text

FILE_NAME = re.compile(
    r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|outcomes|stop-and-search)\.csv$"
)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: Longest reason given for a refused file or a rejected row.
MAX_REASON = 300

#: The first headers of the street and outcomes files alike: the crime and where it is.
_CRIME_HEADERS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
)

#: Published headers, by schema. The schema decides how a file is read.
HEADERS: dict[str, tuple[str, ...]] = {
    "stop_search": (
        "Type",
        "Date",
        "Part of a policing operation",
        "Policing operation",
        "Latitude",
        "Longitude",
        "Gender",
        "Age range",
        "Self-defined ethnicity",
        "Officer-defined ethnicity",
        "Legislation",
        "Object of search",
        "Outcome",
        "Outcome linked to object of search",
        "Removal of more than just outer clothing",
    ),
    "street": (*_CRIME_HEADERS, "Crime type", "Last outcome category", "Context"),
    # Street files of 2010-12..2011-?? had eight columns and OS grid references (method.md §1).
    "street_legacy": (
        "Month",
        "Reported by",
        "Falls within",
        "Easting",
        "Northing",
        "Location",
        "Crime type",
        "Context",
    ),
    "outcomes": (*_CRIME_HEADERS, "Outcome type"),
}

SCHEMA_KIND = {
    "stop_search": "stop-and-search",
    "street": "street",
    "street_legacy": "street",
    "outcomes": "outcomes",
}


def one_line(text: str, limit: int = MAX_REASON) -> str:
    """A reason as one line of at most ``limit`` characters (control characters as spaces)."""
    flat = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _names(names: Sequence[str], most: int = 5) -> str:
    """Up to ``most`` header names, each cut short, and how many more there are."""
    shown = ", ".join(n if len(n) <= 40 else n[:39] + "…" for n in names[:most])
    return shown + (f" and {len(names) - most:,} more" if len(names) > most else "")


def raw_name(header: str) -> str:
    """The raw column name of a header: ``Self-defined ethnicity`` -> ``self_defined_ethnicity``."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


class ArchiveError(SourceFormatError):
    """A source that cannot be read at all (missing path, unreadable zip)."""


@dataclass(frozen=True)
class ArchiveFile:
    """One police.uk CSV file ready to read."""

    path: Path
    source_file: str
    kind: str
    force_id: str
    month: date
    schema: str
    snapshot: str

    @property
    def table(self) -> str:
        """The canonical table this file loads into."""
        return KIND_TABLE[self.kind]

    @property
    def vintage(self) -> str:
        """The snapshot's date part (``YYYY-MM`` or ``YYYY-MM-DD``): larger is newer."""
        return snapshot_vintage(self.snapshot)


@dataclass
class FileResult:
    """What happened to one file: refused with its reason (by discovery or by reading), or read
    and loaded, or loaded and then superseded by a newer snapshot."""

    source_file: str
    kind: str | None
    force_id: str | None
    month: date | None
    snapshot: str | None
    status: str  # loaded | superseded | refused
    reason: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    unknown_values: int = 0


def refused_file(
    source_file: str,
    reason: str,
    kind: str | None = None,
    force_id: str | None = None,
    month: date | None = None,
    snapshot: str | None = None,
) -> FileResult:
    """A file refused, with what its name says and its reason as one line."""
    return FileResult(source_file, kind, force_id, month, snapshot, "refused", one_line(reason))


@dataclass
class Discovery:
    """What a set of sources holds: files to read and files refused."""

    files: list[ArchiveFile] = field(default_factory=list)
    refused: list[FileResult] = field(default_factory=list)


def snapshot_vintage(snapshot: str) -> str:
    """The date part of a snapshot label such as ``policeuk-2021-11``."""
    found = re.search(r"\d{4}-\d{2}(-\d{2})?$", snapshot)
    return found.group(0) if found else snapshot


def month_date(text: str) -> date:
    """``2021-04`` -> ``date(2021, 4, 1)``; raises ValueError with a clear message."""
    if not MONTH.match(text):
        raise UserInputError(f"not a month: {text!r} (expected YYYY-MM)")
    return date(int(text[:4]), int(text[5:7]), 1)


def check_header(path: Path, kind: str | None = None) -> str:
    """The schema of a CSV file from its first line; raises ValueError with the reason.

    A header that matches no schema is described against the schemas of ``kind`` (the kind of
    file its name says it is: ``stop-and-search``, ``street``, ``outcomes``) when given, so a
    broken stop-and-search file is not reported as a wrong street header.
    """
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip():
        raise SourceFormatError("empty file")
    if b"\x00" in head:
        raise SourceFormatError("not a CSV text file (binary content)")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        # The cut at 64 KiB can split a character; only the first line matters.
        text = head[: err.start].decode("utf-8-sig") if err.start > 200 else ""
        if not text:
            raise SourceFormatError("not a UTF-8 CSV text file") from None
    first_line = text.splitlines()[0] if text.splitlines() else ""
    header = tuple(h.strip() for h in next(csv.reader([first_line]), []))
    for schema, expected in HEADERS.items():
        if header == expected:
            return schema
    if len(header) <= 1:
        raise SourceFormatError("not a police.uk CSV file (no comma-separated header)")
    candidates = [s for s in HEADERS if kind is None or SCHEMA_KIND[s] == kind] or list(HEADERS)
    best = min(candidates, key=lambda s: len(set(HEADERS[s]) ^ set(header)))
    missing = [h for h in HEADERS[best] if h not in header]
    extra = [h for h in header if h not in HEADERS[best]]
    detail = "; ".join(
        part
        for part in (
            f"missing {_names(missing)}" if missing else "",
            f"unexpected {_names(extra)}" if extra else "",
            "columns out of order" if not missing and not extra else "",
        )
        if part
    )
    raise SourceFormatError(one_line(f"wrong header for a {SCHEMA_KIND[best]} file: {detail}"))


def _archive_root_vintage(root: Path) -> str | None:
    """The newest ``YYYY-MM`` month folder or file month directly inside an archive root."""
    months = []
    if root.is_dir():
        for child in root.iterdir():
            name = child.name
            if child.is_dir() and MONTH.match(name):
                months.append(name)
            elif child.is_file() and (m := FILE_NAME.match(name)):
                months.append(m.group("month"))
    return max(months) if months else None


def _synthetic_marker(root: Path) -> str | None:
    """The snapshot label written by ``openpeel synth`` in an archive root, if any."""
    marker = root / "SYNTHETIC.json"
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "synthetic-unknown"
    return str(data.get("snapshot") or "synthetic-unknown")


def _archive_root(path: Path) -> Path:
    """The archive root holding a file or folder (the folder above ``YYYY-MM/``)."""
    if path.is_file():
        path = path.parent
    return path.parent if MONTH.match(path.name) else path


def source_snapshot(path: Path, explicit: str | None = None) -> str:
    """The snapshot label of a source.

    A newer snapshot of a force-month supersedes an older one. "Newer" is decided by the
    archive's vintage: data.police.uk names each monthly archive after its latest month and
    later archives carry corrections to earlier months, so the vintage is the name of a
    ``YYYY-MM.zip``, else the newest month folder in the archive root, else the file's month.
    Synthetic archives carry their label in ``SYNTHETIC.json``.
    """
    if explicit:
        return explicit if not re.match(r"^\d{4}-\d{2}", explicit) else f"policeuk-{explicit}"
    if path.suffix == ".zip" and MONTH.match(path.stem):
        return f"policeuk-{path.stem}"
    root = _archive_root(path)
    if marker := _synthetic_marker(root):
        return marker
    vintage = _archive_root_vintage(root)
    if vintage:
        return f"policeuk-{vintage}"
    if m := FILE_NAME.match(path.name):
        return f"policeuk-{m.group('month')}"
    return "policeuk-unknown"


def _candidate_csvs(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
    else:
        yield from sorted(p for p in path.rglob("*.csv") if p.is_file())


def _display_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.name


def extract_zip(zip_path: Path, into: Path) -> Path:
    """Unpack the police.uk CSV members of an archive zip into a folder; returns the folder."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            members = [
                m
                for m in zf.infolist()
                if not m.is_dir() and FILE_NAME.match(Path(m.filename.replace("\\", "/")).name)
            ]
            if not members:
                raise ArchiveError(f"{zip_path.name}: no police.uk CSV files inside the zip")
            target = into / zip_path.stem
            extract_members(zf, members, target, zip_path.name)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        zlib.error,
        NotImplementedError,
    ) as err:
        raise ArchiveError(
            one_line(f"{zip_path.name}: not a readable zip archive ({err})")
        ) from None
    except ZipLimitError as err:
        raise ArchiveError(one_line(str(err))) from None
    return target


@dataclass(frozen=True)
class FileSelection:
    """Which police.uk files a load keeps, and how it labels them.

    Attributes:
        force_ids: keep only these forces (all when None).
        start: first month to keep (inclusive; no limit when None).
        end: last month to keep (inclusive; no limit when None).
        snapshot: label all files with this snapshot instead of the detected one.
    """

    force_ids: Sequence[str] | None = None
    start: date | None = None
    end: date | None = None
    snapshot: str | None = None

    def keeps(self, force_id: str, month: date) -> bool:
        """The file of this force and month is wanted."""
        if self.force_ids and force_id not in self.force_ids:
            return False
        return not ((self.start and month < self.start) or (self.end and month > self.end))


def discover(
    sources: Sequence[Path],
    selection: FileSelection | None = None,
    *,
    unzip_into: Path | None = None,
) -> Discovery:
    """Find the police.uk files in the sources that ``selection`` keeps (all by default).

    Args:
        sources: zip archives, archive folders, or CSV files.
        selection: forces and months to keep, and the snapshot label to give.
        unzip_into: folder where zip archives are unpacked (required for zips).

    Raises:
        ArchiveError: a source does not exist or a zip cannot be opened.
    """
    selection = selection or FileSelection()
    snapshot = selection.snapshot
    known = forces()
    found = Discovery()
    seen: set[Path] = set()
    for source in sources:
        source = Path(source)
        if not source.exists():
            raise ArchiveError(f"{source}: no such file or folder")
        zip_label = None
        if source.suffix == ".zip":
            if unzip_into is None:
                raise ArchiveError(f"{source}: zip archives need a folder to unpack into")
            zip_label = source_snapshot(source, snapshot)
            source = extract_zip(source, unzip_into)
        labels: dict[Path, str] = {}
        for path in _candidate_csvs(source):
            root = _archive_root(path)
            if root not in labels:
                labels[root] = zip_label or source_snapshot(path, snapshot)
            label = labels[root]
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            name = _display_name(path, root)
            m = FILE_NAME.match(path.name)
            if not m:
                found.refused.append(
                    refused_file(
                        name,
                        "not a police.uk file name (expected YYYY-MM-<force>-street.csv, "
                        "-outcomes.csv or -stop-and-search.csv)",
                    )
                )
                continue
            kind, force_id = m.group("kind"), m.group("force")
            try:
                month = month_date(m.group("month"))
            except ValueError as err:
                found.refused.append(refused_file(name, str(err), kind, force_id))
                continue
            if not selection.keeps(force_id, month):
                continue
            if force_id not in known:
                found.refused.append(
                    refused_file(name, unknown_force_message(force_id), kind, None, month)
                )
                continue
            try:
                schema = check_header(path, kind)
            except (OSError, ValueError) as err:
                found.refused.append(refused_file(name, str(err), kind, force_id, month))
                continue
            if SCHEMA_KIND[schema] != kind:
                found.refused.append(
                    refused_file(
                        name,
                        f"the header is that of a {SCHEMA_KIND[schema]} file, "
                        f"but the name says {kind}",
                        kind,
                        force_id,
                        month,
                    )
                )
                continue
            found.files.append(ArchiveFile(path, name, kind, force_id, month, schema, label))
    return _one_file_per_partition(found)


def _one_file_per_partition(found: Discovery) -> Discovery:
    """Refuse files that claim the same force-month, kind and snapshot as another file.

    Two such files would replace each other's rows in one load. Byte-identical copies load
    once (the first, by name) and the others are refused as copies; files that differ are
    all refused, since nothing says which one is right.
    """
    groups: dict[tuple[str, str, date, str], list[ArchiveFile]] = {}
    for f in found.files:
        groups.setdefault((f.kind, f.force_id, f.month, f.snapshot), []).append(f)
    kept: list[ArchiveFile] = []
    for (kind, force_id, month, snapshot), group in groups.items():
        if len(group) == 1:
            kept += group
            continue
        group = sorted(group, key=lambda f: f.source_file)
        digests = {_digest(f.path) for f in group}
        if len(digests) == 1:
            kept.append(group[0])
            refused = group[1:]
            reason = f"identical to {group[0].source_file}, which is loaded once"
        else:
            refused = group
            names = ", ".join(f.source_file for f in group)
            reason = (
                f"{len(group)} different files hold the same force-month and snapshot "
                f"({force_id} {month:%Y-%m} {kind}, {snapshot}): {names}; load one of them"
            )
        for f in refused:
            found.refused.append(refused_file(f.source_file, reason, kind, force_id, month))
    keep = {id(f) for f in kept}
    found.files = [f for f in found.files if id(f) in keep]
    return found


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


# --- SQL: raw columns -> canonical tables -------------------------------------------------


def csv_columns(schema: str) -> dict[str, str]:
    """Columns to give DuckDB's CSV reader: every field as text, named after its header."""
    return {raw_name(h): "VARCHAR" for h in HEADERS[schema]}


def coded(raw: str, vocab: str, part: str = "code") -> str:
    """A vocabulary lookup: NULL for a blank raw value, ``unknown`` for an unseen one.

    The raw value is normalised first (whitespace and case, ``vocabularies.normalise``); a value
    that is only whitespace is blank. Written as a CASE over the vocabulary (at most a few dozen
    values) rather than a join, so the transform is a pure projection that keeps the rows in the
    order they were read.

    Nearly every value is published exactly as one of the vocabulary's raw values, so those are
    looked up as they stand first: a cast to an ENUM of the raw values is a hash lookup, and its
    position picks the code from a list. Only the rest are normalised and matched (a regular
    expression and a CASE per value are most of the cost of a lookup). The first lookup gives
    the same answer as the normalised one: a raw value's normalised form finds its own term's
    code and group (``vocabularies.lookup`` refuses two raw values that normalise alike and map
    apart). Only ASCII raw values are looked up this way, on which DuckDB's and Python's
    ``lower`` agree.
    """
    table = lookup(vocab)
    published = [
        (term.raw, getattr(table[key], part))
        for term in vocabulary(vocab).values()
        if term.raw.isascii() and (key := normalise(term.raw)) and key in table
    ]
    whens = " ".join(
        f"WHEN {_sql_text(key)} THEN {_sql_text(getattr(t, part))}" for key, t in table.items()
    )
    value = normalise_sql(f"r.{raw}")
    normalised = (
        f"CASE WHEN nullif({value}, '') IS NULL THEN NULL "
        f"ELSE CASE {value} {whens} ELSE 'unknown' END END"
    )
    if not published:
        return normalised
    raws = ", ".join(_sql_text(r) for r, _ in published)
    codes = ", ".join(_sql_text(c) for _, c in published)
    as_published = f"[{codes}][enum_code(TRY_CAST(r.{raw} AS ENUM({raws}))) + 1]"
    # A CASE, not coalesce: DuckDB evaluates every argument of coalesce on every row, while a
    # CASE runs its ELSE only on the rows that reach it (the lookup costs a third as much).
    return f"CASE WHEN {as_published} IS NOT NULL THEN {as_published} ELSE {normalised} END"


def _published(raw: str, vocab: str) -> str:
    """A field as published (``<raw>_raw``) and its vocabulary code (``<raw>_code``)."""
    return f"r.{raw} AS {raw}_raw,\n        {coded(raw, vocab)} AS {raw}_code"


def _boolean(raw: str) -> str:
    return f"CASE lower(r.{raw}) WHEN 'true' THEN true WHEN 'false' THEN false END"


def _bad_boolean(raw: str, header: str) -> str:
    return (
        f"WHEN r.{raw} IS NOT NULL AND lower(r.{raw}) NOT IN ('true', 'false') "
        f"THEN 'unreadable {header}: ' || r.{raw}"
    )


def _bad_number(raw: str, header: str) -> str:
    return (
        f"WHEN r.{raw} IS NOT NULL AND TRY_CAST(r.{raw} AS DOUBLE) IS NULL "
        f"THEN 'unreadable {header}: ' || r.{raw} "
        f"WHEN NOT isfinite(TRY_CAST(r.{raw} AS DOUBLE)) "
        f"THEN '{header} is not a finite number: ' || r.{raw}"
    )


def _month_checks() -> str:
    file_month = r"regexp_extract(r.filename, '(\d{4}-\d{2})-[a-z0-9-]+\.csv$', 1)"
    return (
        "WHEN r.month IS NULL THEN 'Month is blank' "
        "WHEN TRY_STRPTIME(r.month, '%Y-%m') IS NULL THEN 'unreadable Month: ' || r.month "
        f"WHEN r.month <> {file_month} "
        "THEN 'Month ' || r.month || ' is not the month in the file name'"
    )


#: Coded fields per schema: (CSV column, vocabulary, canonical raw column, canonical code column).
#: Used for the vocabulary joins and for counting raw values that no vocabulary knows.
CODED_FIELDS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "stop_search": (
        ("type", "stop_search_type", "search_type_raw", "search_type_code"),
        ("gender", "gender", "gender_raw", "gender_code"),
        ("age_range", "age_range", "age_range_raw", "age_range_code"),
        (
            "self_defined_ethnicity",
            "self_defined_ethnicity",
            "self_defined_ethnicity_raw",
            "self_defined_ethnicity_code",
        ),
        (
            "officer_defined_ethnicity",
            "officer_defined_ethnicity",
            "officer_defined_ethnicity_raw",
            "officer_defined_ethnic_group",
        ),
        ("legislation", "legislation", "legislation_raw", "legislation_code"),
        ("object_of_search", "object_of_search", "object_of_search_raw", "object_of_search_code"),
        ("outcome", "stop_search_outcome", "outcome_raw", "outcome_code"),
    ),
    "street": (
        ("crime_type", "crime_type", "crime_type_raw", "crime_type_code"),
        (
            "last_outcome_category",
            "crime_outcome",
            "last_outcome_category_raw",
            "last_outcome_code",
        ),
    ),
    "street_legacy": (("crime_type", "crime_type", "crime_type_raw", "crime_type_code"),),
    "outcomes": (("outcome_type", "crime_outcome", "outcome_type_raw", "outcome_code"),),
}


def _select_stop_search() -> tuple[str, str]:
    columns = f"""
        r.type AS search_type_raw,
        {coded("type", "stop_search_type")} AS search_type_code,
        {coded("type", "stop_search_type", "group")} = 'vehicle_only' AS is_vehicle_only,
        CAST(TRY_CAST(r.date AS TIMESTAMPTZ) AS TIMESTAMP) AS occurred_at,
        {_boolean("part_of_a_policing_operation")} AS is_part_of_policing_operation,
        r.policing_operation AS policing_operation,
        TRY_CAST(r.latitude AS DOUBLE) AS latitude,
        TRY_CAST(r.longitude AS DOUBLE) AS longitude,
        {_published("gender", "gender")},
        {_published("age_range", "age_range")},
        {_published("self_defined_ethnicity", "self_defined_ethnicity")},
        CASE
            WHEN r.self_defined_ethnicity IS NOT NULL
                THEN {coded("self_defined_ethnicity", "self_defined_ethnicity", "group")}
            WHEN {coded("type", "stop_search_type", "group")} = 'vehicle_only' THEN NULL
            ELSE 'not_stated'
        END AS ethnic_group,
        r.officer_defined_ethnicity AS officer_defined_ethnicity_raw,
        {coded("officer_defined_ethnicity", "officer_defined_ethnicity")}
            AS officer_defined_ethnic_group,
        {_published("legislation", "legislation")},
        {_published("object_of_search", "object_of_search")},
        r.outcome AS outcome_raw,
        {coded("outcome", "stop_search_outcome")} AS outcome_code,
        {coded("outcome", "stop_search_outcome", "group")} AS outcome_group,
        {_boolean("outcome_linked_to_object_of_search")} AS is_outcome_linked_to_object,
        {_boolean("removal_of_more_than_just_outer_clothing")}
            AS is_removal_of_more_than_outer_clothing"""
    reason = f"""CASE
        WHEN r.type IS NULL THEN 'Type is blank'
        WHEN r.date IS NULL THEN 'Date is blank'
        WHEN TRY_CAST(r.date AS TIMESTAMPTZ) IS NULL THEN 'unreadable Date: ' || r.date
        {_bad_number("latitude", "Latitude")}
        {_bad_number("longitude", "Longitude")}
        {_bad_boolean("part_of_a_policing_operation", "Part of a policing operation")}
        {_bad_boolean("outcome_linked_to_object_of_search", "Outcome linked to object of search")}
        {
        _bad_boolean(
            "removal_of_more_than_just_outer_clothing", "Removal of more than just outer clothing"
        )
    }
    END"""
    return columns, reason


#: The published location and whether there is one ('No Location' rows have none).
_LOCATION = """
        r.location AS location,
        coalesce(lower(r.location) <> 'no location', false) AS has_location,"""


def _reported_columns() -> str:
    """A street or outcomes row's crime, who published it and where it is, read as published
    (the legacy street files have no crime id, coordinates or LSOA)."""
    return f"""
        r.crime_id AS crime_id,
        r.reported_by AS reported_by,
        r.falls_within AS falls_within,
        TRY_CAST(r.longitude AS DOUBLE) AS longitude,
        TRY_CAST(r.latitude AS DOUBLE) AS latitude,{_LOCATION}
        r.lsoa_code AS lsoa_code,
        r.lsoa_name AS lsoa_name"""


def _crime_type_columns() -> str:
    return f"""
        {_published("crime_type", "crime_type")},
        r.crime_type = 'Anti-social behaviour' AS is_anti_social_behaviour,"""


def _street_reason(x: str, y: str) -> str:
    """Why a street row cannot be loaded; ``x`` and ``y`` are its coordinate columns."""
    return f"""CASE
        {_month_checks()}
        WHEN r.crime_type IS NULL THEN 'Crime type is blank'
        {_bad_number(x, x.title())}
        {_bad_number(y, y.title())}
    END"""


def _select_street() -> tuple[str, str]:
    columns = f"""
        {_reported_columns()},
        CAST(NULL AS DOUBLE) AS easting,
        CAST(NULL AS DOUBLE) AS northing,{_crime_type_columns()}
        r.last_outcome_category AS last_outcome_category_raw,
        {coded("last_outcome_category", "crime_outcome")} AS last_outcome_code,
        {coded("last_outcome_category", "crime_outcome", "group")} AS last_outcome_group,
        r.context AS context"""
    return columns, _street_reason("longitude", "latitude")


def _select_street_legacy() -> tuple[str, str]:
    columns = f"""
        CAST(NULL AS VARCHAR) AS crime_id,
        r.reported_by AS reported_by,
        r.falls_within AS falls_within,
        CAST(NULL AS DOUBLE) AS longitude,
        CAST(NULL AS DOUBLE) AS latitude,
        TRY_CAST(r.easting AS DOUBLE) AS easting,
        TRY_CAST(r.northing AS DOUBLE) AS northing,{_LOCATION}
        CAST(NULL AS VARCHAR) AS lsoa_code,
        CAST(NULL AS VARCHAR) AS lsoa_name,{_crime_type_columns()}
        CAST(NULL AS VARCHAR) AS last_outcome_category_raw,
        CAST(NULL AS VARCHAR) AS last_outcome_code,
        CAST(NULL AS VARCHAR) AS last_outcome_group,
        r.context AS context"""
    return columns, _street_reason("easting", "northing")


def _select_outcomes() -> tuple[str, str]:
    columns = f"""
        {_reported_columns()},
        r.outcome_type AS outcome_type_raw,
        {coded("outcome_type", "crime_outcome")} AS outcome_code,
        {coded("outcome_type", "crime_outcome", "group")} AS outcome_group"""
    reason = f"""CASE
        {_month_checks()}
        WHEN r.crime_id IS NULL THEN 'Crime ID is blank: an outcome must name its crime'
        WHEN r.outcome_type IS NULL THEN 'Outcome type is blank'
        {_bad_number("longitude", "Longitude")}
        {_bad_number("latitude", "Latitude")}
    END"""
    return columns, reason


_SELECTS = {
    "stop_search": _select_stop_search,
    "street": _select_street,
    "street_legacy": _select_street_legacy,
    "outcomes": _select_outcomes,
}

SCHEMA_TABLE = {s: KIND_TABLE[k] for s, k in SCHEMA_KIND.items()}


def typed_select_sql(schema: str, source: str) -> str:
    """SQL turning raw CSV fields of one schema into canonical columns.

    ``source`` is a relation with the CSV fields as text, ``filename`` and ``record_number``.
    The result has ``filename``, ``record_number``, the table's data columns in declared order,
    ``reject_reason`` (NULL for a loadable row) and ``raw_row`` (the row re-joined, for rejects).
    It is a projection only: no joins, so it streams.
    """
    columns, reason = _SELECTS[schema]()
    names = ", ".join(c.name for c in TABLES[SCHEMA_TABLE[schema]])
    inner = f"""
        SELECT r.filename, r.record_number, {columns},
            {reason} AS reject_reason,
            CASE WHEN reject_reason IS NOT NULL THEN {raw_row_sql(schema)} END AS raw_row
        FROM {source} AS r"""
    return f"SELECT filename, record_number, {names}, reject_reason, raw_row FROM ({inner})"


def raw_row_sql(schema: str) -> str:
    """SQL expression re-joining a raw row's fields as a CSV line (for the rejects table)."""
    parts = [
        f"coalesce(CASE WHEN r.{c} LIKE '%,%' OR r.{c} LIKE '%\"%' "
        f"THEN '\"' || replace(r.{c}, '\"', '\"\"') || '\"' ELSE r.{c} END, '')"
        for c in csv_columns(schema)
    ]
    return " || ',' || ".join(parts)
