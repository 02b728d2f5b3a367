"""Importing the call-handling sources: published 999 figures, call logs, incidents."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import openpeel
from openpeel.sources.calls_999 import match_force, parse_months
from openpeel.sources.calls_log import parse_column_mapping, resolve_columns
from openpeel.store import calls as store
from openpeel.store.lake import LakeBusyError

PUBLISHED = (
    (
        "Force Name,Month,Total 999 calls,Average answer time (seconds),"
        "Number answered in under 10 seconds,% answered in under 10 seconds\n"
    )
    + """West Midlands Police,Nov-21,"60,000",23.2,"37,800",63%
West Midlands Police,Dec-21,58000,20.1,,65%
Kent Police,2021-11,20000,5,19000,95%
Police Scotland,2021-11,1,1,1,100%
England and Wales,2021-11,1000000,10,710000,71%
Kent Police,2021-11,20000,5,19000,95%
Essex,bad,1,1,1,1
Essex Police,2021-12,100,4,90,50%
Essex,2021-12,1,2
"""
)

LOG = """call_id,line,offered_at,answered_at,abandoned_at,handling_seconds
1,999,2022-05-01T10:00:00,2022-05-01T10:00:05,,300
2,999,2022-05-01 10:01:00,,2022-05-01 10:01:40,
3,101,01/05/2022 10:02,01/05/2022 10:05,,200
4,Live Chat,2022-05-01T10:03:00+01:00,2022-05-01T10:04:00+01:00,,100
5,fax,2022-05-02T10:03:00,2022-05-02T10:04:00,,100
5,999,2022-05-01T10:03:00,2022-05-01T10:04:00,,100
6,999,2022-05-01T10:03:00,,,
7,999,2022-05-01T10:03:00,2022-05-01T10:02:00,,
8,999,garbage,,,
9,999,2022-05-01T10:03:00,2022-05-01T10:04:00,,-5
10,999,2022-05-01T10:03:00,2022-05-01T10:04:00,,5,extra
11,999,2022-10-30T01:59:50+01:00,2022-10-30T01:00:05+00:00,,60
"""

INCIDENTS = """incident_id,priority,created_at,arrived_at
A1,Grade 1,2022-05-01T10:00:00,2022-05-01T10:10:00
A2,P3,2022-05-01T10:00:00,2022-05-04T09:00:00
A3,Email,2022-05-06T16:00:00,2022-05-09T09:00:00
A4,Immediate,2022-05-01T10:00:00,
A5,Grade 9,2022-05-01T10:00:00,2022-05-01T10:30:00
A6,Grade 1,2022-05-01T10:00:00,2022-05-01T09:30:00
A1,Grade 1,2022-05-01T10:00:00,2022-05-01T10:10:00
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_published_999_reads_aliases_formats_and_rejects(tmp_path: Path, data_dir: Path) -> None:
    report = store.load_calls_999(write(tmp_path, "999.csv", PUBLISHED), data_dir)
    assert report.rows_read == report.rows_loaded + report.rows_rejected == 9
    assert report.rows_loaded == 3
    reasons = {r["source_row"]: r["reason"] for r in report.rejects}
    assert reasons[4].startswith("unknown force: Police Scotland")
    assert reasons[5].startswith("a total row")
    assert reasons[6] == "duplicate force-month (first at row 3)"
    assert reasons[7] == "unreadable month: bad"
    assert "contradicts share_under_10s" in reasons[8]
    assert reasons[9].startswith("MISSING COLUMNS")
    df = store.stored("calls_999_monthly", data_dir).set_index(["force_id", "month"])
    wm = df.loc[("west-midlands", pd.Timestamp("2021-12-01").date())]
    assert wm["answered_under_10s"] == round(0.65 * 58000)
    assert bool(wm["is_derived_from_shares"])
    nov = df.loc[("west-midlands", pd.Timestamp("2021-11-01").date())]
    assert (nov["calls"], nov["answered_under_10s"]) == (60000, 37800)
    assert nov["share_under_10s_published"] == pytest.approx(0.63)
    assert set(df["snapshot"]) == {"policeuk-999-2021-12"}


def test_column_mapping_for_unverified_headers(tmp_path: Path, data_dir: Path) -> None:
    text = "Name,When,Volume,Fast\nKent,2022-01,100,91\nKent,2022-02,100,89\n"
    path = write(tmp_path, "odd.csv", text)
    with pytest.raises(ValueError, match="no column for force, month, calls"):
        store.load_calls_999(path, data_dir)
    mapping = parse_column_mapping(
        ["force=Name", "month=When", "calls=Volume", "answered_under_10s=Fast"]
    )
    report = store.load_calls_999(path, data_dir, mapping)
    assert report.rows_loaded == 2
    with pytest.raises(ValueError, match="not a column of the file"):
        store.load_calls_999(path, data_dir, {**mapping, "calls": "Nope"})
    with pytest.raises(ValueError, match="not a field"):
        store.load_calls_999(path, data_dir, {**mapping, "callz": "Volume"})
    with pytest.raises(ValueError, match="FIELD=HEADER"):
        parse_column_mapping(["calls"])


def test_header_resolution_refuses_one_column_for_two_fields() -> None:
    from openpeel.sources.calls_999 import CALLS_999_FIELDS

    with pytest.raises(ValueError, match="used for both"):
        resolve_columns(
            ["force", "month", "calls", "x"],
            CALLS_999_FIELDS,
            {"answered_under_10s": "x", "share_under_10s": "x"},
            "999",
        )


def test_force_names_and_months() -> None:
    assert match_force("Devon & Cornwall Police")[0] == "devon-and-cornwall"
    assert match_force("Metropolitan Police Service")[0] == "metropolitan"
    assert match_force("Police Service of Northern Ireland")[0] == "northern-ireland"
    assert match_force("city-of-london")[0] == "city-of-london"
    assert match_force("Dyfed-Powys Police")[0] == "dyfed-powys"
    months = parse_months(
        pd.Series(["2021-11", "2021-11-15", "01/11/2021", "Nov-21", "November 2021", "x"])
    )
    assert list(months[:5].dt.strftime("%Y-%m")) == ["2021-11"] * 5
    assert pd.isna(months[5])


def test_reloading_replaces_instead_of_duplicating(tmp_path: Path, data_dir: Path) -> None:
    path = write(tmp_path, "999.csv", PUBLISHED)
    store.load_calls_999(path, data_dir)
    again = store.load_calls_999(path, data_dir)
    assert again.rows_replaced == 3
    assert len(store.stored("calls_999_monthly", data_dir)) == 3
    assert len(store.stored("calls_rejects", data_dir)) == 6
    newer = write(
        tmp_path, "newer.csv", "force,month,calls,answered_under_10s\nkent,2021-11,10,9\n"
    )
    store.load_calls_999(newer, data_dir)
    df = store.stored("calls_999_monthly", data_dir)
    kent = df[df.force_id == "kent"]
    assert list(kent["calls"]) == [10]
    assert list(kent["source_file"]) == ["newer.csv"]


def test_call_log_types_checks_and_counts(tmp_path: Path, data_dir: Path) -> None:
    report = store.load_call_log(write(tmp_path, "log.csv", LOG), "west-midlands", data_dir)
    assert report.rows_read == report.rows_loaded + report.rows_rejected == 12
    reasons = {r["source_row"]: r["reason"] for r in report.rejects}
    assert reasons == {
        6: "duplicate call_id 5 (first at row 5)",
        7: "neither answered_at nor abandoned_at given",
        8: "answered_at before offered_at",
        9: "unreadable offered_at: garbage",
        10: "unreadable handling_seconds: -5",
        11: reasons[11],
    }
    assert reasons[11].startswith("TOO MANY COLUMNS")
    assert [(u.raw_value, u.rows) for u in report.unknown] == [("fax", 1)]
    df = store.stored("call_log", data_dir).set_index("call_id")
    assert df.loc["1", "answer_seconds"] == 5
    assert df.loc["2", "abandon_seconds"] == 40 and not df.loc["2", "is_answered"]
    assert df.loc["3", "answer_seconds"] == 180 and df.loc["3", "line_code"] == "101"
    assert df.loc["4", "line_code"] == "chat"
    assert str(df.loc["4", "offered_at"]) == "2022-05-01 10:03:00"
    # 1 May 2022 was a Sunday; the clocks went back at 02:00 BST on 30 October 2022.
    assert (df.loc["1", "weekday"], df.loc["1", "hour"]) == (6, 10)
    assert df.loc["11", "answer_seconds"] == 15
    assert df.loc["5", "line_code"] == "unknown"


def test_incidents_priorities_and_rejects(tmp_path: Path, data_dir: Path) -> None:
    report = store.load_incidents(write(tmp_path, "inc.csv", INCIDENTS), "kent", data_dir)
    assert (report.rows_loaded, report.rows_rejected) == (5, 2)
    df = store.stored("incidents", data_dir).set_index("incident_id")
    assert list(df["priority_code"]) == [
        "emergency",
        "appointment",
        "correspondence",
        "emergency",
        "unknown",
    ]
    assert df.loc["A1", "attend_seconds"] == 600
    assert not df.loc["A4", "has_arrival"]
    reasons = [r["reason"] for r in report.rejects]
    assert reasons == ["arrived_at before created_at", "duplicate incident_id A1 (first at row 1)"]


def test_bad_files_are_one_line_errors(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(ValueError, match="no such file"):
        store.load_call_log(tmp_path / "missing.csv", "kent", data_dir)
    with pytest.raises(ValueError, match="empty file"):
        store.load_call_log(write(tmp_path, "empty.csv", ""), "kent", data_dir)
    with pytest.raises(ValueError, match="not a call log file"):
        store.load_call_log(write(tmp_path, "x.csv", "a,b\n1,2\n"), "kent", data_dir)
    with pytest.raises(ValueError, match="unknown force 'atlantis'"):
        store.load_call_log(write(tmp_path, "log.csv", LOG), "atlantis", data_dir)
    with pytest.raises(ValueError, match="give --force"):
        store.load_export(write(tmp_path, "log.csv", LOG), "call_log", data_dir)


def test_an_interrupted_load_leaves_the_previous_state(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "log.csv", LOG)
    store.load_call_log(path, "west-midlands", data_dir)
    before = store.stored("call_log", data_dir)

    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store.Lake, "write_manifest", crash)
    other = write(tmp_path, "other.csv", LOG.replace("\n1,999", "\n99,999"))
    with pytest.raises(KeyboardInterrupt):
        store.load_call_log(other, "west-midlands", data_dir)
    pd.testing.assert_frame_equal(store.stored("call_log", data_dir), before)
    con = openpeel.connect(data_dir)
    assert con.table("call_log").count().execute() == len(before)


def test_the_lake_lock_keeps_one_writer(tmp_path: Path, data_dir: Path) -> None:
    from openpeel.store.lake import Lake

    with Lake(data_dir).lock(), pytest.raises(LakeBusyError):
        store.load_call_log(write(tmp_path, "log.csv", LOG), "kent", data_dir)


def test_views_are_registered(tmp_path: Path, data_dir: Path) -> None:
    con = openpeel.connect(data_dir)
    for name in ("calls_999_monthly", "call_log", "incidents", "calls_rejects"):
        assert con.table(name).count().execute() == 0
    store.load_incidents(write(tmp_path, "inc.csv", INCIDENTS), "kent", data_dir)
    con = openpeel.connect(data_dir)
    assert con.table("incidents").count().execute() == 5
    assert con.table("calls_rejects").count().execute() == 2
    assert con.table("calls_load_log").execute()["rows_read"].tolist() == [7]


def test_every_field_and_column_is_documented() -> None:
    from openpeel.sources.calls_999 import CALLS_999_COLUMNS, CALLS_999_FIELDS
    from openpeel.sources.calls_log import CALL_LOG_COLUMNS, CALL_LOG_FIELDS
    from openpeel.sources.incidents import INCIDENT_COLUMNS, INCIDENT_FIELDS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "calls.md").read_text("utf-8")
    names = [f.name for f in (*CALLS_999_FIELDS, *CALL_LOG_FIELDS, *INCIDENT_FIELDS)]
    names += [c.name for c in (*CALLS_999_COLUMNS, *CALL_LOG_COLUMNS, *INCIDENT_COLUMNS)]
    names += [c.name for c in store.REJECT_COLUMNS] + store.LOAD_LOG_SCHEMA.names
    missing = sorted({n for n in names if f"`{n}`" not in docs})
    assert not missing, f"not in docs/calls.md: {missing}"
