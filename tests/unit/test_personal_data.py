"""Personal data in force-internal extracts is recognised and named (never loaded)."""

from __future__ import annotations

import duckdb
import pytest

from openpeel.sources.personal_data import PATTERNS, personal_data_reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19/123456X", "PNC"),
        ("2019/1234567a", "PNC"),
        ("AB 12 34 56 C", "National Insurance"),
        ("JK123456A", "National Insurance"),
        ("01/02/1980", "date"),
        ("1980-02-01", "date"),
        ("someone@example.org", "e-mail"),
        ("07700 900123", "telephone"),
        ("+44 7700 900123", "telephone"),
        ("123456", "collar"),
        ("John Smith", "name"),
        ("Mary Ann Jones", "name"),
    ],
)
def test_personal_identifiers_are_named(value: str, expected: str) -> None:
    reason = personal_data_reason(value)
    assert reason is not None and expected.lower() in reason.lower()


@pytest.mark.parametrize(
    "value",
    ["rso-7f3a9c21", "om-0042", "a1b2c3d4e5f6", "INC-2021-000123", "", None, "high", "mappa-1"],
)
def test_opaque_ids_and_codes_pass(value: str | None) -> None:
    assert personal_data_reason(value) is None


def test_kinds_limit_the_checks() -> None:
    assert personal_data_reason("John Smith", kinds=("pnc_number",)) is None
    assert personal_data_reason("19/123456X", kinds=("pnc_number",)) is not None


def test_patterns_mean_the_same_in_duckdb() -> None:
    samples = [
        "19/123456X",
        "AB 12 34 56 C",
        "01/02/1980",
        "a@b.uk",
        "07700 900123",
        "12345",
        "John Smith",
        "rso-7f3a9c21",
    ]
    con = duckdb.connect()
    for p in PATTERNS:
        for s in samples:
            in_sql = con.execute("SELECT regexp_matches(?, ?)", [s, p.regex]).fetchone()
            assert in_sql is not None
            assert bool(in_sql[0]) == bool(__import__("re").search(p.regex, s)), (p.name, s)
