"""The records of a police.uk CSV file, counted from its bytes apart from the CSV parser.

A police.uk file has one line ending (CRLF or LF) and one record per line. Two kinds of damage
break that: a stray line break (a bare LF or CR inside a row of a CRLF file, a CR in an LF
file), which a CSV parser either chokes on or reads as two short rows; and an unbalanced quote,
after which a parser reads the rest of the file as one field and the records after it vanish.

:func:`count_lines` reads the bytes once (C-speed counts, a few regular expressions) and says
how many records the file holds and whether it is clean: one line ending and an even number of
quotes on every line. DuckDB reads clean files; the ingest checks that its count of records
equals this one. A file that is not clean is read by :func:`read_records` instead: records split
on the file's own line ending, quotes followed across lines, every record either kept or
rejected with its reason and line — or, when a quote never closes where a field ends, the file
is refused with the line where the records stop adding up.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpeel.errors import SourceFormatError

CHUNK = 8 * 1024 * 1024
#: Characters of a rejected row kept in the rejects table.
MAX_RAW = 10_000
_BLANK_LINE = re.compile(rb"(?<=\n)\r?\n")
#: A whole line holding a quote. Anchored at line starts: unanchored, the search tries every
#: position of a line without quotes and scans to its end (a few large files took seconds).
_QUOTED_LINE = re.compile(rb'(?m)^[^\n"]*"[^\n]*')
_QUOTED_FIELD = re.compile(rb'"[^"]*"')


@dataclass(frozen=True)
class LineCount:
    """What the bytes of a file say about its records.

    Attributes:
        records: non-blank lines after the header: the records of a clean file.
        newline: the file's line ending, ``b"\\r\\n"``, ``b"\\n"`` or ``b"\\r"`` (the most
            common; a file of bare CRs is read record by record).
        stray: line breaks that are not the file's line ending.
        odd_quote_lines: lines with an odd number of ``"`` (a quote left open, or a quoted
            field running onto the next line).
    """

    records: int
    newline: bytes
    stray: int
    odd_quote_lines: int

    @property
    def clean(self) -> bool:
        """One record per line: a CSV reader's count of records must equal ``records``."""
        return not self.stray and not self.odd_quote_lines and self.newline != b"\r"


def count_lines(path: Path) -> LineCount:
    """Count a file's lines, line endings and lines of unbalanced quotes, in chunks."""
    lf = crlf = cr = blank = odd = lines = 0
    carry = b""
    after_newline = False  # the previous chunk ended a line
    with path.open("rb") as fh:
        while True:
            block = fh.read(CHUNK)
            data = carry + block
            if block:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    carry = data
                    continue
                data, carry = data[:cut], data[cut:]
            else:
                carry = b""
            if not data:
                break
            newlines = data.count(b"\n")
            lf += newlines
            has_cr = b"\r" in data
            if has_cr:
                crlf += data.count(b"\r\n")
                cr += data.count(b"\r")
            if (b"\n\r\n" if has_cr else b"\n\n") in data or (has_cr and b"\n\n" in data):
                blank += len(_BLANK_LINE.findall(data))
            if after_newline and (data.startswith(b"\n") or data.startswith(b"\r\n")):
                blank += 1
            if b'"' in data:
                odd += sum(1 for m in _QUOTED_LINE.finditer(data) if m.group().count(b'"') % 2)
            lines += newlines + (0 if data.endswith(b"\n") else 1)
            after_newline = data.endswith(b"\n")
            if not block:
                break
    endings = {b"\r\n": crlf, b"\n": lf - crlf, b"\r": cr - crlf}
    newline = max(endings, key=lambda e: endings[e])
    stray = sum(endings.values()) - endings[newline]
    return LineCount(max(lines - 1 - blank, 0), newline, stray, odd)


class UnaccountedRecords(SourceFormatError):
    """A file whose records cannot be told apart from some line on."""


class TooManyRejects(SourceFormatError):
    """A file in which more rows cannot be read than a file of its kind would ever have."""

    def __init__(self, rejected: int, records: int) -> None:
        super().__init__(f"{rejected:,} of {records:,} rows cannot be read")
        self.rejected = rejected
        self.records = records


@dataclass
class Records:
    """A file read record by record: the fields of kept records, and the rejected ones.

    ``columns[i][k]`` is field ``i`` of kept record ``numbers[k]``; ``rejects`` holds
    (record number, reason, raw text). Records are numbered from 1 after the header.
    """

    columns: list[list[str | None]]
    numbers: list[int] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Records read: kept plus rejected."""
        return len(self.numbers) + len(self.rejects)


def read_records(path: Path, width: int, newline: bytes, max_rejects: int) -> Records:
    """Read a file that is not clean, accounting for every line.

    Records are split on the file's own line ending (a bare LF in a CRLF file is damage, not
    a new record); a quoted field may run onto following lines. A record with a stray line
    break outside quotes, the wrong number of fields, or bytes that are not UTF-8 is rejected
    with its reason and line.

    Raises:
        UnaccountedRecords: a quote that never closes, or closes only after swallowing lines
            into a record of the wrong width: the records after it cannot be told apart.
        TooManyRejects: more than ``max_rejects`` records are rejected.
    """
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    segments = data.split(newline)
    out = Records([[] for _ in range(width)])
    rejected = 0
    i, record = 1, 0  # segments[0] is the header
    while i < len(segments):
        start = i
        text = segments[i]
        if not text:  # a blank line (or the end of the file) is no record
            i += 1
            continue
        unclosed = False
        if text.count(b'"') % 2:
            joined, j = text, i
            while joined.count(b'"') % 2 and j + 1 < len(segments):
                j += 1
                joined += newline + segments[j]
            if joined.count(b'"') % 2:
                left = sum(1 for x in segments[start:] if x)
                if left > 1:
                    raise UnaccountedRecords(
                        f"a quote opened on line {start + 1} is never closed: the "
                        f"{left:,} lines from there cannot be read as records"
                    )
                unclosed = True  # the last record: nothing after it is lost
            else:
                text, i = joined, j
        i += 1
        record += 1
        reason, fields = _check_record(text, width, start + 1)
        if unclosed:
            reason, fields = f"a quote opened on line {start + 1} is never closed", None
        if reason and i - start > 1 and fields is not None and len(fields) != width:
            raise UnaccountedRecords(
                f"a quote on line {start + 1} runs on to line {i}: the "
                f"{i - start:,} lines from there cannot be read as records"
            )
        if reason is None and fields is not None:
            out.numbers.append(record)
            for column, value in zip(out.columns, fields, strict=True):
                column.append(value if value != "" else None)
            continue
        rejected += 1
        if rejected <= max_rejects:
            raw = text.decode("utf-8", errors="replace")
            out.rejects.append((record, reason or "unreadable row", raw[:MAX_RAW]))
    if rejected > max_rejects:
        raise TooManyRejects(rejected, record)
    return out


def _check_record(text: bytes, width: int, line: int) -> tuple[str | None, list[str] | None]:
    """(reason or None, fields) for one record's bytes."""
    outside = _QUOTED_FIELD.sub(b"", text)
    for char, name in ((b"\n", "LF"), (b"\r", "CR")):
        if char in outside:
            return (
                f"a stray line break ({name}) inside the row on line {line} cuts it in two",
                None,
            )
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not UTF-8 text at byte {err.start + 1} of the row on line {line}", None
    if "\x00" in decoded:
        return f"a NUL byte in the row on line {line}", None
    try:
        fields = next(csv.reader([decoded], strict=False), [])
    except csv.Error as err:  # a field over the csv module's limit
        return f"unreadable row on line {line}: {err}", None
    if len(fields) != width:
        return (
            f"{'TOO MANY' if len(fields) > width else 'MISSING'} COLUMNS: {len(fields)} fields "
            f"where the header has {width} (line {line})",
            fields,
        )
    return None, fields
