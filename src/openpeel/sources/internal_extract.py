"""Reading a force-internal extract against a schema declared as data.

Force-internal extracts (offender management, vulnerability, audits) arrive as CSV files whose
columns openpeel declares: name, kind, whether required, the codes allowed. This module reads one
such file and sorts every row into *loaded* (typed, with its lineage) or *rejected* (with every
reason), so that rows read = rows loaded + rows rejected, always.

What is refused, and how:

- **The whole file** (:class:`~openpeel.errors.SourceFormatError`, one line): missing, empty, not
  UTF-8 text, a required column absent, or a column the schema does not declare. Undeclared
  columns are refused rather than ignored because an extra column is the usual way a name or a
  date of birth slips into an export.
- **A row** (a reject with its reasons): a required value empty, a value of the wrong kind (a
  date not in ``YYYY-MM-DD``, a number out of range, a code not in the list), a value that looks
  like personal data (:func:`openpeel.sources.personal_data.personal_data_reason`: a name, a
  date of birth or a PNC number where an opaque id or code is expected), a row-level rule broken
  (an end before a start), or a key already seen earlier in the file. A rejected row is kept
  with the values that look like personal data replaced by ``[withheld]``, so the rejects table
  never holds what it refused.

This is the one validator of force-internal extracts: a source module (offender management
:mod:`openpeel.sources.offenders`, crime recording :mod:`openpeel.sources.crime_recording`,
vulnerability :mod:`openpeel.sources.vulnerability_extract`) has its files and their columns
catalogued as data (``reference/extract_files.csv``, ``reference/lake_columns.csv``: names,
kinds, vocabularies, keys), builds each :class:`ExtractFile` with :func:`declared_file` and its
row rules, and calls :func:`read_extract_file`. A file may be declared to match its headers loosely
(``match_headers``: case and spacing ignored, ``--columns`` mappings honoured, other columns
ignored) and its times leniently (``lenient``: any ISO 8601 form, or UK day-first
``DD/MM/YYYY HH:MM``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from openpeel.errors import SourceFormatError, known_id
from openpeel.reference.lake_columns import arrow_schema, extract_file_row, table_rows
from openpeel.sources.calls_log import InputField, resolve_columns
from openpeel.sources.personal_data import personal_data_reason

if TYPE_CHECKING:
    import pandas as pd

#: Column kinds and the Arrow type each is loaded as.
KIND_TYPES: dict[str, pa.DataType] = {
    "pseudonym": pa.string(),
    "code": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("s"),
    "number": pa.float64(),
    "integer": pa.int64(),
    "flag": pa.bool_(),
    "month": pa.timestamp("s"),
    "text": pa.string(),
}

#: The values of a ``flag`` column (compared lower-case).
FLAG_TRUE = frozenset({"y", "yes", "true", "1", "t"})
FLAG_FALSE = frozenset({"n", "no", "false", "0", "f"})

#: Written in place of a rejected value that looks like personal data.
WITHHELD = "[withheld]"

#: Lineage columns every loaded row carries (added by the reader, not in the file).
LINEAGE_FIELDS: tuple[pa.Field, ...] = tuple(arrow_schema("lineage", without=("snapshot",)))

#: Rejected rows as the reader gives them: the lake's rejects table without the partition and
#: the load, which the store adds.
REJECT_SCHEMA = arrow_schema("rejects", without=("force_id", "month", "snapshot", "load_id"))


@dataclass(frozen=True)
class ExtractColumn:
    """One declared column of an extract file.

    Attributes:
        name: the header, exactly.
        kind: ``pseudonym`` (an opaque id: checked against every personal-data pattern),
            ``code`` (one of ``codes``), ``date`` (``YYYY-MM-DD``), ``timestamp``
            (``YYYY-MM-DD HH:MM``, seconds optional, UK clock time), ``month`` (``YYYY-MM``,
            loaded as its first day), ``flag`` (Y or N), ``number``, ``integer`` or ``text``
            (free text, unchecked).
        definition: what the column holds, for the documentation.
        required: an empty value rejects the row.
        codes: the allowed values of a ``code`` column.
        minimum: smallest allowed value of a number (inclusive).
        maximum: largest allowed value of a number (inclusive).
        normalise: a code is compared (and loaded) lower-case with every run of other
            characters as ``_`` (``Non-molestation`` is ``non_molestation``).
        lenient: a timestamp may come in any ISO 8601 form (a date alone is midnight) or as
            ``DD/MM/YYYY HH:MM``.
    """

    name: str
    kind: str
    definition: str
    required: bool = True
    codes: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    normalise: bool = False
    lenient: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KIND_TYPES:
            raise ValueError(f"unknown column kind {self.kind!r} for {self.name}")
        if self.kind == "code" and not self.codes:
            raise ValueError(f"code column {self.name} declares no codes")


def declared_columns(
    table: str, vocabularies: Mapping[str, tuple[str, ...]] | None = None
) -> tuple[ExtractColumn, ...]:
    """The columns of the extract file that loads into ``table``, as catalogued in
    ``reference/lake_columns.csv``; a ``codes`` cell in capitals (``RISK_LEVELS``) names one of
    ``vocabularies``, any other lists the codes separated by spaces."""
    vocabularies = vocabularies or {}
    out = []
    for row in table_rows(table):
        codes: tuple[str, ...] = tuple(row["codes"].split())
        if row["codes"].replace("_", "").isalpha() and row["codes"].isupper():
            try:
                codes = vocabularies[row["codes"]]
            except KeyError:
                raise ValueError(f"{table}.{row['column']}: no vocabulary {row['codes']}") from None
        options = set(row["options"].split())
        out.append(
            ExtractColumn(
                row["column"],
                row["type"],
                row["definition"],
                required=row["required"] == "yes",
                codes=codes,
                minimum=_number(row["minimum"]),
                maximum=_number(row["maximum"]),
                normalise="normalise" in options,
                lenient="lenient" in options,
            )
        )
    return tuple(out)


def declared_file(
    table: str,
    vocabularies: Mapping[str, tuple[str, ...]] | None = None,
    rules: tuple[RowRule, ...] = (),
) -> ExtractFile:
    """The extract file that loads into ``table``, as catalogued (``reference/extract_files.csv``
    and its columns in ``reference/lake_columns.csv``), with its row rules."""
    row = extract_file_row(table)
    return ExtractFile(
        row["file_name"],
        table,
        row["description"],
        declared_columns(table, vocabularies),
        tuple(row["key"].split()),
        rules,
        required_file=row["required_file"] == "yes",
        match_headers=row["match_headers"] == "yes",
    )


def _number(text: str) -> float | None:
    if not text:
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


@dataclass(frozen=True)
class RowRule:
    """A rule over several columns of a row; ``holds`` returns True where a row is fine.

    ``holds`` gets the typed columns (dates as ``datetime64``, NaT/NaN where empty); a
    comparison with a missing value is False, so write rules as ``a.isna() | (a >= b)``.
    """

    reason: str
    holds: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class ExtractFile:
    """One file of an extract: its name, the table it loads into, its columns and key.

    ``match_headers``: find each declared column by its name compared loosely (or a
    ``--columns`` mapping) and ignore other columns, rather than refuse any header that is not
    declared exactly.
    """

    file_name: str
    table: str
    description: str
    columns: tuple[ExtractColumn, ...]
    key: tuple[str, ...]
    rules: tuple[RowRule, ...] = ()
    required_file: bool = True
    match_headers: bool = False

    def column(self, name: str) -> ExtractColumn:
        """The declared column called ``name`` (UnknownIdError, a KeyError, naming the columns)."""
        return known_id({c.name: c for c in self.columns}, name, f"column of {self.file_name}")

    @property
    def schema(self) -> pa.Schema:
        """Arrow schema of the loaded table (declared columns, then lineage)."""
        return pa.schema(
            [pa.field(c.name, KIND_TYPES[c.kind]) for c in self.columns] + list(LINEAGE_FIELDS)
        )


@dataclass
class ExtractRead:
    """One file read: typed rows loaded and rows rejected with reasons."""

    spec: ExtractFile
    source_file: str
    data: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int

    @property
    def rows_loaded(self) -> int:
        """Rows that passed every check."""
        return len(self.data)

    @property
    def rows_rejected(self) -> int:
        """Rows refused, each with its reason."""
        return len(self.rejects)

    def reject_rows(self, mask: pd.Series, reason: str) -> None:
        """Move loaded rows where ``mask`` is True to the rejects (a check across files)."""
        import pandas as pd  # here: loading police.uk files imports this module, not pandas

        mask = mask.reindex(self.data.index, fill_value=False).astype(bool)
        if not mask.any():
            return
        moved = self.data[mask]
        extra = pd.DataFrame(
            {
                "table_name": self.spec.table,
                "source_file": self.source_file,
                "source_row": moved["source_row"].astype("int64"),
                "reason": reason,
                "raw_row": [
                    _raw_row([_text(moved[c.name].iloc[i]) for c in self.spec.columns])
                    for i in range(len(moved))
                ],
            }
        )
        self.rejects = (
            pd.concat([self.rejects, extra], ignore_index=True)
            .sort_values("source_row", kind="stable")
            .reset_index(drop=True)
        )
        self.data = self.data[~mask].reset_index(drop=True)

    def data_arrow(self) -> pa.Table:
        """Loaded rows as Arrow in the declared schema."""
        return pa.Table.from_pandas(self.data, schema=self.spec.schema, preserve_index=False)

    def rejects_arrow(self) -> pa.Table:
        """Rejected rows as Arrow in :data:`REJECT_SCHEMA`."""
        return pa.Table.from_pandas(self.rejects, schema=REJECT_SCHEMA, preserve_index=False)


def _text(value: object) -> str:
    import pandas as pd  # here: loading police.uk files imports this module, not pandas

    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        if value == value.normalize():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


def _raw_row(values: list[str]) -> str:
    return ",".join(v if "," not in v else f'"{v}"' for v in values)


def read_header(
    path: Path, spec: ExtractFile, columns: Mapping[str, str] | None = None
) -> tuple[list[str], list[list[str]]]:
    """The header (declared names) and the records of a file, or SourceFormatError naming what
    is wrong. ``columns`` maps declared names to headers (``match_headers`` files only)."""
    name = path.name
    if not path.is_file():
        raise SourceFormatError(f"{name}: file not found")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            records = list(csv.reader(fh))
    except UnicodeDecodeError:
        raise SourceFormatError(f"{name}: not UTF-8 text (is it a spreadsheet?)") from None
    except csv.Error as err:
        raise SourceFormatError(f"{name}: not a readable CSV file ({err})") from None
    if not records or not any(h.strip() for h in records[0]):
        raise SourceFormatError(f"{name}: empty file (expected a header row)")
    header = [h.strip() for h in records[0]]
    if spec.match_headers:
        fields = [InputField(c.name, c.definition) for c in spec.columns]
        try:
            index = resolve_columns(header, fields, columns, spec.description)
        except ValueError as err:
            raise SourceFormatError(f"{name}: {err}") from None
        at = {i: field for field, i in index.items()}
        # Columns nobody declared keep a name no declared column can have.
        return [at.get(i, f"\x00{i}") for i in range(len(header))], records[1:]
    declared = [c.name for c in spec.columns]
    undeclared = [h for h in header if h not in declared]
    if undeclared:
        raise SourceFormatError(
            f"{name}: undeclared column(s) {', '.join(undeclared)}: only "
            f"{', '.join(declared)} may be exported"
        )
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    if missing:
        raise SourceFormatError(f"{name}: missing column(s) {', '.join(missing)}")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise SourceFormatError(f"{name}: column(s) {', '.join(duplicated)} appear twice")
    return header, records[1:]


def read_extract_file(
    path: Path | str, spec: ExtractFile, columns: Mapping[str, str] | None = None
) -> ExtractRead:
    """Read one extract file and sort every row into loaded or rejected.

    Args:
        path: the CSV file (UTF-8, comma separated, a header row).
        spec: the file's declared schema.
        columns: ``{column: header}`` for headers that differ (``match_headers`` files).

    Returns:
        :class:`ExtractRead` with typed rows (declared columns plus ``source_file`` and
        ``source_row``, 1 = the first row after the header) and rejects with their reasons.

    Raises:
        SourceFormatError: the file cannot be read as declared (one-line message).
    """
    import pandas as pd  # here: loading police.uk files imports this module, not pandas

    path = Path(path)
    header, records = read_header(path, spec, columns)
    width = len(header)
    source_rows = np.arange(1, len(records) + 1, dtype=np.int64)
    # Blank lines are not rows; rows with the wrong number of fields are rejected as such.
    kept = [i for i, r in enumerate(records) if any(v.strip() for v in r)]
    records = [records[i] for i in kept]
    source_rows = source_rows[kept]
    reasons: list[list[str]] = [[] for _ in records]
    withheld: list[set[int]] = [set() for _ in records]
    cells: list[list[str]] = []
    # A row with the wrong number of fields is rejected as such (its cells are not checked).
    misshapen = {i: len(r) for i, r in enumerate(records) if len(r) != width}
    for r in records:
        cells.append([v.strip() for v in (r + [""] * width)[:width]])
    raw = (
        pd.DataFrame(cells, columns=header, dtype=object)
        if cells
        else pd.DataFrame({h: pd.Series(dtype=object) for h in header})
    )
    typed: dict[str, pd.Series] = {}
    for column in spec.columns:
        values = raw[column.name] if column.name in raw else pd.Series([""] * len(raw))
        values = values.reset_index(drop=True)
        typed[column.name], problems = _check_column(column, values)
        position = header.index(column.name) if column.name in header else None
        for i, problem in problems.items():
            reasons[i].append(problem)
            if position is not None and "looks like" in problem:
                withheld[i].add(position)
    frame = pd.DataFrame(typed)
    for rule in spec.rules:
        if not len(frame):
            continue
        holds = rule.holds(frame).fillna(True).to_numpy(dtype=bool)
        for row in np.flatnonzero(~holds):
            reasons[int(row)].append(rule.reason)
    for i, fields in misshapen.items():
        reasons[i] = [f"row has {fields} fields, the header has {width}"]
    _check_duplicates(frame, spec, source_rows, reasons)
    is_rejected = np.array([bool(r) for r in reasons], dtype=bool)
    data = frame[~is_rejected].copy() if len(frame) else frame
    data["source_file"] = path.name
    data["source_row"] = source_rows[~is_rejected] if len(frame) else np.array([], np.int64)
    rejects = pd.DataFrame(
        {
            "table_name": spec.table,
            "source_file": path.name,
            "source_row": source_rows[is_rejected],
            "reason": ["; ".join(reasons[i]) for i in np.flatnonzero(is_rejected)],
            "raw_row": [
                _raw_row(
                    [
                        WITHHELD if j in withheld[i] and i not in misshapen else v.strip()
                        for j, v in enumerate(records[i])
                    ]
                )
                for i in np.flatnonzero(is_rejected)
            ],
        }
    )
    return ExtractRead(spec, path.name, data.reset_index(drop=True), rejects, len(records))


def read_extract_folder(
    folder: Path | str, files: tuple[ExtractFile, ...]
) -> tuple[dict[str, ExtractRead], list[str]]:
    """Read every declared file of an extract folder: the reads by table, and the names of the
    optional files that are absent.

    Raises:
        SourceFormatError: the folder or a required file is missing, or a file cannot be read
            as declared.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceFormatError(f"{folder.name}: not a folder (give the extract's folder)")
    missing = [f for f in files if f.required_file and not (folder / f.file_name).exists()]
    if missing:
        raise SourceFormatError(
            f"{folder.name}: {missing[0].file_name} is missing (required: "
            + ", ".join(f.file_name for f in files if f.required_file)
            + ")"
        )
    reads = {
        f.table: read_extract_file(folder / f.file_name, f)
        for f in files
        if (folder / f.file_name).exists()
    }
    absent = [f.file_name for f in files if f.table not in reads]
    return reads, absent


def _check_column(column: ExtractColumn, values: pd.Series) -> tuple[pd.Series, dict[int, str]]:
    """Typed values (None/NaT/NaN where empty or invalid) and a problem per bad row."""
    import pandas as pd  # here: loading police.uk files imports this module, not pandas

    problems: dict[int, str] = {}
    empty = values.eq("") | values.isna()
    if column.required:
        for i in np.flatnonzero(empty.to_numpy()):
            problems[int(i)] = f"{column.name} is empty"
    present = ~empty
    name = column.name
    if column.kind == "text":
        return values.where(present, None).astype(object), problems
    if column.kind == "flag":
        low = values.str.lower()
        for i in np.flatnonzero((present & ~low.isin(FLAG_TRUE | FLAG_FALSE)).to_numpy()):
            problems[int(i)] = f"{name} is not Y or N"
        return low.isin(FLAG_TRUE), problems
    if column.kind == "month":
        parsed = pd.to_datetime(values.where(present, None), format="%Y-%m", errors="coerce")
        for i in np.flatnonzero((present & parsed.isna()).to_numpy()):
            problems[int(i)] = f"{name} is not a month in YYYY-MM form"
        return parsed, problems
    if column.kind == "code" and column.normalise:
        values = values.str.lower().str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
    if column.kind in ("pseudonym", "code"):
        # Codes are checked against their list first; an id against every personal-data pattern.
        reasons: dict[str, str | None] = {}
        for value in values[present].unique():
            if column.kind == "code":
                reasons[value] = (
                    None
                    if value in column.codes
                    else f"{name} {value!r} is not one of {', '.join(column.codes)}"
                )
                if reasons[value] is not None and personal_data_reason(value):
                    reasons[value] = f"{name} {personal_data_reason(value)}"
            else:
                why = personal_data_reason(value)
                reasons[value] = f"{name} {why}" if why else None
        for i in np.flatnonzero(present.to_numpy()):
            why = reasons[values.iloc[i]]
            if why:
                problems[int(i)] = why
        out = values.where(present, None).astype(object)
        bad = pd.Series(False, index=values.index)
        bad.iloc[list(problems)] = True
        return out.where(~bad, None), problems
    if column.kind == "date":
        parsed = pd.to_datetime(values.where(present, None), format="%Y-%m-%d", errors="coerce")
        for i in np.flatnonzero((present & parsed.isna()).to_numpy()):
            problems[int(i)] = f"{name} is not a date in YYYY-MM-DD form"
        return parsed, problems
    if column.kind == "timestamp":
        text = values.where(present, None).str.replace("T", " ", n=1, regex=False)
        parsed = pd.to_datetime(text, format="%Y-%m-%d %H:%M", errors="coerce")
        with_seconds = pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S", errors="coerce")
        parsed = parsed.fillna(with_seconds)
        if column.lenient:
            iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
            uk = pd.to_datetime(text, format="%d/%m/%Y %H:%M", errors="coerce")
            parsed = parsed.fillna(iso).fillna(uk)
        for i in np.flatnonzero((present & parsed.isna()).to_numpy()):
            problems[int(i)] = f"{name} is not a time in YYYY-MM-DD HH:MM form"
        return parsed, problems
    number = pd.to_numeric(values.where(present, None), errors="coerce")
    number = number.where(np.isfinite(number.astype(float)))  # "inf" is not a number
    for i in np.flatnonzero((present & number.isna()).to_numpy()):
        problems[int(i)] = f"{name} is not a number"
    if column.kind == "integer":
        fractional = present & number.notna() & (number != np.floor(number))
        for i in np.flatnonzero(fractional.to_numpy()):
            problems[int(i)] = f"{name} is not a whole number"
        number = number.where(~fractional)
    if column.minimum is not None:
        for i in np.flatnonzero((number < column.minimum).to_numpy()):
            problems[int(i)] = f"{name} is below {column.minimum:g}"
    if column.maximum is not None:
        for i in np.flatnonzero((number > column.maximum).to_numpy()):
            problems[int(i)] = f"{name} is above {column.maximum:g}"
    if column.kind == "integer":
        return number.astype("Int64"), problems
    return number.astype(float), problems


def _check_duplicates(
    frame: pd.DataFrame,
    spec: ExtractFile,
    source_rows: np.ndarray,
    reasons: list[list[str]],
) -> None:
    if not len(frame):
        return
    keys = frame[list(spec.key)]
    usable = keys.notna().all(axis=1).to_numpy()
    first_row: dict[tuple[object, ...], int] = {}
    for i, key in enumerate(keys.itertuples(index=False, name=None)):
        if not usable[i]:
            continue
        if key in first_row:
            label = ", ".join(f"{k}={v}" for k, v in zip(spec.key, key, strict=True))
            reasons[i].append(f"duplicate key {label} (first at row {first_row[key]})")
        else:
            first_row[key] = int(source_rows[i])


@dataclass
class ExtractCounts:
    """Rows read, loaded and rejected for one file (what a load report prints)."""

    table_name: str
    source_file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    first_reasons: list[str] = field(default_factory=list)


def counts(read: ExtractRead, max_reasons: int = 5) -> ExtractCounts:
    """The counts of one read file, with its first few reject reasons."""
    return ExtractCounts(
        read.spec.table,
        read.source_file,
        read.rows_read,
        read.rows_loaded,
        read.rows_rejected,
        [
            f"row {r.source_row}: {r.reason}"
            for r in read.rejects.head(max_reasons).itertuples(index=False)
        ],
    )
