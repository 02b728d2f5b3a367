"""Refusing personal data in force-internal extracts.

Force-internal extracts (scrutiny records, offender management, vulnerability, incident audits)
must arrive pseudonymised: openpeel holds keyed hashes or opaque references, never names, dates
of birth or national identifiers. A value that looks like one of those is rejected with the reason,
so that a mistaken export cannot slip personal data into the lake.

The checks are deliberately conservative patterns, not a classifier: they catch the usual
mistakes (a PNC number or a National Insurance number in an id column, a date in an id column, a
column of names) and say which pattern matched. Pseudonymised ids should be opaque (for example a
keyed hash, ``rso-7f3a9c...``) and so match none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalDataPattern:
    """One kind of personal identifier and how to recognise it in a text value."""

    name: str
    regex: str
    reason: str


#: The patterns, most specific first. The regexes are written for both Python and DuckDB
#: (``regexp_matches``), so a loader can apply them in SQL and a test in Python.
PATTERNS: tuple[PersonalDataPattern, ...] = (
    PersonalDataPattern(
        "pnc_number",
        # Police National Computer id: 2 or 4 digit year, slash, up to 7 digits, check letter.
        r"^\s*(\d{2}|\d{4})/\d{1,7}[A-Za-z]\s*$",
        "looks like a Police National Computer (PNC) number",
    ),
    PersonalDataPattern(
        "national_insurance_number",
        r"^\s*[A-CEGHJ-PR-TW-Za-ceghj-pr-tw-z][A-CEGHJ-NPR-TW-Za-ceghj-npr-tw-z]\s?\d{2}\s?\d{2}"
        r"\s?\d{2}\s?[A-Da-d]\s*$",
        "looks like a National Insurance number",
    ),
    PersonalDataPattern(
        "date_of_birth",
        r"^\s*(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\s*$",
        "looks like a date (a date of birth?) where an opaque id is expected",
    ),
    PersonalDataPattern(
        "email_address",
        r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$",
        "looks like an e-mail address",
    ),
    PersonalDataPattern(
        "phone_number",
        r"^\s*(\+44\s?|0)\d[\d\s]{8,12}\s*$",
        "looks like a UK telephone number",
    ),
    PersonalDataPattern(
        "collar_number",
        r"^\s*\d{3,8}\s*$",
        "is all digits, like a raw collar or warrant number: pseudonymise it first",
    ),
    PersonalDataPattern(
        "personal_name",
        # Two or three capitalised words, e.g. "John Smith" or "Mary Ann Jones".
        r"^\s*[A-Z][a-z'\-]+(\s+[A-Z][a-z'\-]+){1,2}\s*$",
        "looks like a person's name",
    ),
)

_COMPILED = tuple((p, re.compile(p.regex)) for p in PATTERNS)


def personal_data_reason(value: object, *, kinds: tuple[str, ...] | None = None) -> str | None:
    """Why a value looks like personal data, or None when it does not.

    Args:
        value: a raw cell value (anything; only text and integers are checked).
        kinds: pattern names to apply (default: all of :data:`PATTERNS`). An id column applies all
            of them; a free-text column might apply only ``pnc_number`` and
            ``national_insurance_number``.

    Returns:
        The reason, e.g. ``"looks like a Police National Computer (PNC) number"``.
    """
    if value is None:
        return None
    text = str(value)
    if not text.strip():
        return None
    for pattern, compiled in _COMPILED:
        if kinds is not None and pattern.name not in kinds:
            continue
        if compiled.search(text):
            return pattern.reason
    return None


def pattern(name: str) -> PersonalDataPattern:
    """The pattern called ``name`` (for a loader building the same check in SQL)."""
    for p in PATTERNS:
        if p.name == name:
            return p
    raise KeyError(f"no personal-data pattern called {name!r}")
