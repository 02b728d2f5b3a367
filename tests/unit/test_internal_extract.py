"""Reading a force-internal extract against its declared schema: every row loaded or rejected
with a reason, personal data refused and never stored, a malformed file refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpeel.errors import SourceFormatError
from openpeel.sources.internal_extract import (
    WITHHELD,
    ExtractColumn,
    ExtractFile,
    RowRule,
    read_extract_file,
)

SPEC = ExtractFile(
    "things.csv",
    "things",
    "test file",
    (
        ExtractColumn("thing_id", "pseudonym", "id"),
        ExtractColumn("level", "code", "level", codes=("high", "low")),
        ExtractColumn("start_on", "date", "start"),
        ExtractColumn("end_on", "date", "end", required=False),
        ExtractColumn("share", "number", "share", required=False, minimum=0, maximum=1),
        ExtractColumn("count", "integer", "count", required=False),
    ),
    ("thing_id",),
    (RowRule("end_on is before start_on", lambda f: f.end_on.isna() | (f.end_on >= f.start_on)),),
)

HEADER = "thing_id,level,start_on,end_on,share,count\n"


def _write(tmp_path: Path, text: str, name: str = "things.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_row_is_loaded_or_rejected_with_its_reasons(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "t-1,high,2020-01-01,,0.5,3\n"  # fine
        + "19/123456X,high,2020-01-01,,,\n"  # PNC number as an id
        + "John Smith,low,2020-01-01,,,\n"  # a name as an id
        + "01/02/1980,low,2020-01-01,,,\n"  # a date of birth as an id
        + "t-2,medium,2020-01-01,,,\n"  # code not in the list
        + "t-3,high,2020-13-01,,,\n"  # not a date
        + "t-4,high,2020-01-01,2019-01-01,,\n"  # rule broken
        + "t-1,low,2021-01-01,,,\n"  # duplicate key
        + "t-5,high,2020-01-01,,1.5,2.5\n"  # number out of range, not whole
        + "t-6,high\n"  # too few fields
        + ",high,2020-01-01,,,\n"  # required id empty
        + "\n"  # a blank line is not a row
        + "t-7,low,2020-02-01,2020-03-01,0,0\n",  # fine
    )
    read = read_extract_file(path, SPEC)
    assert read.rows_read == 12
    assert read.rows_loaded + read.rows_rejected == read.rows_read
    assert list(read.data["thing_id"]) == ["t-1", "t-7"]
    assert list(read.data["source_row"]) == [1, 13]
    reasons = dict(zip(read.rejects["source_row"], read.rejects["reason"], strict=True))
    assert "Police National Computer" in reasons[2]
    assert "person's name" in reasons[3]
    assert "date" in reasons[4] and "thing_id" in reasons[4]
    assert "'medium' is not one of high, low" in reasons[5]
    assert "start_on is not a date" in reasons[6]
    assert reasons[7] == "end_on is before start_on"
    assert "duplicate key thing_id=t-1 (first at row 1)" in reasons[8]
    assert "share is above 1" in reasons[9] and "count is not a whole number" in reasons[9]
    assert "2 fields, the header has 6" in reasons[10]
    assert reasons[11].startswith("thing_id is empty")
    assert read.data_arrow().schema.field("start_on").type == "date32[day]"


def test_personal_data_is_withheld_from_the_rejects(tmp_path: Path) -> None:
    path = _write(
        tmp_path, HEADER + "19/123456X,high,2020-01-01,,,\nJohn Smith,low,2020-01-01,,,\n"
    )
    read = read_extract_file(path, SPEC)
    raw = " ".join(read.rejects["raw_row"])
    assert "19/123456X" not in raw and "John Smith" not in raw
    assert raw.count(WITHHELD) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("thing_id,level\nt-1,high\n", "missing column(s) start_on"),
        (HEADER.strip() + ",name\n", "undeclared column(s) name"),
        ("thing_id,thing_id,level,start_on\n", "appear twice"),
    ],
)
def test_a_bad_file_is_refused_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourceFormatError) as err:
        read_extract_file(_write(tmp_path, text), SPEC)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("things.csv:")


def test_a_spreadsheet_or_a_missing_file_is_refused(tmp_path: Path) -> None:
    binary = tmp_path / "things.csv"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00garbage")
    with pytest.raises(SourceFormatError, match="not UTF-8"):
        read_extract_file(binary, SPEC)
    with pytest.raises(SourceFormatError, match="file not found"):
        read_extract_file(tmp_path / "absent.csv", SPEC)


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    read = read_extract_file(
        _write(tmp_path, "thing_id,level,start_on\nt-1,low,2020-01-01\n"), SPEC
    )
    assert read.rows_loaded == 1 and read.data["end_on"].isna().all()


def test_rows_can_be_rejected_afterwards_with_a_reason(tmp_path: Path) -> None:
    read = read_extract_file(_write(tmp_path, HEADER + "t-1,high,2020-01-01,,,\n"), SPEC)
    read.reject_rows(read.data["thing_id"] == "t-1", "not known")
    assert read.rows_loaded == 0 and list(read.rejects["reason"]) == ["not known"]
    assert read.rejects["raw_row"].iloc[0].startswith("t-1,high,2020-01-01")


def test_a_declaration_error_is_caught_early() -> None:
    with pytest.raises(ValueError, match="unknown column kind"):
        ExtractColumn("x", "name", "bad kind")
    with pytest.raises(ValueError, match="declares no codes"):
        ExtractColumn("x", "code", "no codes")
