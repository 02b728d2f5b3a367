"""Machine-readable outputs (CSV and JSON) that carry what a reader needs to trust the numbers.

The one convention, for the CLI's ``--format csv`` and every CSV download of the web app:
a CSV starts with **notes**, one per line, each beginning with ``#`` — the title, the
"synthetic — not real figures" marking when the data is synthetic, the definition of every
column, each caveat, and the scope (period, forces). The header row follows the last note line,
then the rows. Nothing else in the file starts with ``#`` at the beginning of a line.

Every cell is written inert: text that a spreadsheet would run as a formula (a leading ``=``,
``+``, ``-``, ``@``, tab or carriage return, as in ``=HYPERLINK(...)``) gets a leading ``'``
(numbers such as ``-1.5`` stay numbers), and control characters other than tab and line breaks
are dropped. Every CSV openpeel writes, from the CLI or the web, goes through ``csv_text``.

JSON carries the same as fields (``definition``, ``caveats``, ``synthetic_data``, ``notice``)
beside its ``rows``.

Reading such a CSV: skip the leading lines that begin with ``#`` (for example
``pandas.read_csv(path, comment="#")`` when no value contains ``#``, or
``pandas.read_csv(path, skiprows=n)`` with ``n`` the number of note lines).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from openpeel.provenance import SYNTHETIC_MARK

NOTE_PREFIX = "# "
#: What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def inert(value: Any) -> Any:
    """A cell value a spreadsheet shows as text, never runs (see the module docstring)."""
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_STARTS) and not NUMBER.match(value):
        return "'" + value
    return value


def note_lines(
    *,
    title: str = "",
    is_synthetic: bool = False,
    definition: str = "",
    caveats: Iterable[str] = (),
    scope: Mapping[str, Any] | None = None,
) -> list[str]:
    """The notes of a CSV, each a single line of text (without the ``#``)."""
    out: list[str] = []
    if is_synthetic:
        out.append(f"{SYNTHETIC_MARK}: made up for demonstration, not a real force's figures.")
    if title:
        out.append(f"title: {title}")
    if definition:
        out.append(f"definition: {definition}")
    out.extend(f"caveat: {c}" for c in caveats if c)
    for key, value in (scope or {}).items():
        if value is None or value == "" or (isinstance(value, dict | list | tuple) and not value):
            continue
        out.append(f"{key}: {_plain(value)}")
    return [" ".join(str(line).split()) for line in out]


def csv_text(
    rows: Sequence[Mapping[str, Any]],
    notes: Sequence[str] = (),
    columns: Sequence[str] | None = None,
) -> str:
    """Rows as CSV text, preceded by the notes as ``#`` lines (see the module docstring)."""
    out = io.StringIO()
    for note in notes:
        out.write(f"{NOTE_PREFIX}{' '.join(str(note).split())}\n")
    fields = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if not fields:
        return out.getvalue()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writerow({f: inert(f) for f in fields})
    for row in rows:
        writer.writerow({k: "" if v is None else inert(v) for k, v in row.items()})
    return out.getvalue()


def read_notes(text: str) -> list[str]:
    """The notes at the top of a CSV written by :func:`csv_text` (without the ``#``)."""
    notes = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        notes.append(line[1:].strip())
    return notes


def strip_notes(text: str) -> str:
    """The CSV without its leading note lines (header and rows only)."""
    lines = text.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[first:])


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()[:7] if value.day == 1 else value.isoformat()
    if isinstance(value, tuple | list):
        return " ".join(str(_plain(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return value
