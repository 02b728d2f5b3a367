"""Ingest of tiny inline police.uk files: vocabularies, rejects, lineage, snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

import openpeel
from openpeel.sources.policeuk_archive import ArchiveError
from tests.conftest import write_police_csv

WM_DRUGS = "Misuse of Drugs Act 1971 (section 23),Controlled drugs"
CRIME_ID = "a" * 64


def _ss(date: str, ethnicity: str, outcome: str = "Arrest", extra: str = ",,") -> str:
    return (
        f"Person search,{date},,,52.4,-1.9,Male,18-24,{ethnicity},White,{WM_DRUGS},{outcome}{extra}"
    )


def _table(data_dir: Path, name: str):
    return openpeel.connect(data_dir).table(name).execute()


def test_both_vocabularies_map_to_the_same_codes(tmp_path: Path, data_dir: Path) -> None:
    write_police_csv(
        tmp_path / "a",
        "2016-03-greater-manchester-stop-and-search.csv",
        [
            _ss("2016-03-01T03:00:00+00:00", "White - White British (W1)", "Suspect arrested"),
            _ss("2016-03-02T03:00:00+00:00", "Chinese or other ethnic group - Chinese (O1)"),
            _ss(
                "2016-03-03T03:00:00+00:00", "Not Stated (NS)", "Nothing found - no further action"
            ),
        ],
    )
    write_police_csv(
        tmp_path / "a",
        "2016-03-essex-stop-and-search.csv",
        [
            _ss(
                "2016-03-01T03:00:00+00:00", "White - English/Welsh/Scottish/Northern Irish/British"
            ),
            _ss("2016-03-02T03:00:00+00:00", "Asian/Asian British - Chinese"),
            _ss(
                "2016-03-03T03:00:00+00:00",
                "Other ethnic group - Not stated",
                "A no further action disposal",
            ),
        ],
    )
    report = openpeel.ingest([tmp_path / "a"], data_dir)
    assert report.totals()["rows_loaded"] == 6
    assert report.totals()["unknown_values"] == 0
    df = _table(data_dir, "stop_searches").sort_values(["force_id", "source_row"])
    gm = df[df.force_id == "greater-manchester"]
    essex = df[df.force_id == "essex"]
    assert list(gm.self_defined_ethnicity_code) == ["W1", "O1", "NS"]
    assert list(essex.self_defined_ethnicity_code) == ["W1", "A4", "NS"]
    # Chinese moved from Other (PACE 16+1) to Asian (2011 classification): mapped per generation.
    assert list(gm.ethnic_group) == ["white", "other", "not_stated"]
    assert list(essex.ethnic_group) == ["white", "asian", "not_stated"]
    assert list(gm.outcome_code) == ["arrest", "arrest", "no_further_action"]
    assert list(essex.outcome_code) == ["arrest", "arrest", "no_further_action"]


def test_blank_booleans_are_unknown_and_vehicle_searches_have_no_group(
    tmp_path: Path, data_dir: Path
) -> None:
    write_police_csv(
        tmp_path,
        "2020-01-essex-stop-and-search.csv",
        [
            _ss("2020-01-01T10:00:00.177000+00:00", "White - Irish", extra=",True,"),
            "Vehicle search,2020-01-02T00:00:00+00:00,False,,,,,,,,"
            "Police and Criminal Evidence Act 1984 (section 1),Stolen goods,"
            "A no further action disposal,,False",
            _ss("2020-01-03T10:00:00+00:00", "", extra=",False,True"),
        ],
        newline="\r\n",
    )
    openpeel.ingest([tmp_path], data_dir)
    df = _table(data_dir, "stop_searches").sort_values("source_row").reset_index()
    assert str(df.occurred_at[0]) == "2020-01-01 10:00:00.177000"
    assert df.is_outcome_linked_to_object[0] is True or df.is_outcome_linked_to_object[0] == 1
    assert df.is_removal_of_more_than_outer_clothing.isna()[0]  # blank is unknown, not False
    assert bool(df.is_vehicle_only[1]) and df.ethnic_group.isna()[1]
    assert df.is_part_of_policing_operation[1] == 0
    assert df.ethnic_group[2] == "not_stated"  # a person searched with ethnicity left blank
    assert df.self_defined_ethnicity_code.isna()[2]


def test_bad_rows_are_rejected_with_reasons_and_good_rows_keep_their_numbers(
    tmp_path: Path, data_dir: Path
) -> None:
    path = write_police_csv(
        tmp_path,
        "2020-01-essex-stop-and-search.csv",
        [
            _ss("2020-01-01T10:00:00+00:00", "White - Irish"),
            _ss("2020-01-02T10:00:00+00:00", "White - Irish") + ",EXTRA",
            _ss("not a date", "White - Irish"),
            _ss("2020-01-04T10:00:00+00:00", "White - Irish", extra=",Maybe,"),
            _ss("2020-01-05T10:00:00+00:00", "White - Irish"),
        ],
    )
    path.write_bytes(path.read_bytes() + b'Person search,2020-01-06T10:00:00+00:00,,,52.4,"-1.9')
    report = openpeel.ingest([tmp_path], data_dir)
    [f] = report.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (6, 2, 4)
    loaded = _table(data_dir, "stop_searches")
    assert sorted(loaded.source_row) == [1, 5]
    rejects = _table(data_dir, "rejects").sort_values("source_row")
    assert list(rejects.source_row) == [2, 3, 4, 6]
    reasons = list(rejects.reason)
    assert "TOO MANY COLUMNS" in reasons[0]
    assert reasons[1] == "unreadable Date: not a date"
    assert reasons[2].startswith("unreadable Outcome linked to object of search: Maybe")
    assert "quote" in reasons[3].lower() or "column" in reasons[3].lower()
    assert rejects.raw_row.iloc[1].startswith("Person search,not a date")
    assert set(rejects.table_name) == {"stop_searches"}


def test_unknown_values_load_as_unknown_and_are_counted(tmp_path: Path, data_dir: Path) -> None:
    write_police_csv(
        tmp_path,
        "2020-01-essex-stop-and-search.csv",
        [_ss("2020-01-01T10:00:00+00:00", "Martian"), _ss("2020-01-02T10:00:00+00:00", "Martian")],
    )
    report = openpeel.ingest([tmp_path], data_dir)
    assert report.totals()["unknown_values"] == 2
    [u] = report.unknown
    assert (u.field, u.raw_value, u.rows) == ("self_defined_ethnicity_raw", "Martian", 2)
    df = _table(data_dir, "stop_searches")
    assert set(df.self_defined_ethnicity_code) == {"unknown"}
    assert set(df.ethnic_group) == {"unknown"}
    logged = openpeel.connect(data_dir).table("unknown_values").execute()
    assert int(logged.rows.sum()) == 2


def test_street_outcomes_and_legacy_street(tmp_path: Path, data_dir: Path) -> None:
    street = [
        f"{CRIME_ID},2022-01,Cumbria Constabulary,Cumbria Constabulary,-3.38,54.86,"
        "On or near Station Road,E01019126,Allerdale 001A,Burglary,Under investigation,",
        ",2022-01,Cumbria Constabulary,Cumbria Constabulary,-3.38,54.86,On or near Park,"
        "E01019126,Allerdale 001A,Anti-social behaviour,,",
        f"{'b' * 64},2022-01,Cumbria Constabulary,Cumbria Constabulary,,,No Location,,,"
        "Violence and sexual offences,Unable to prosecute suspect,",
        f"{'c' * 64},2022-02,Cumbria Constabulary,Cumbria Constabulary,,,No Location,,,"
        "Drugs,Local resolution,",
    ]
    write_police_csv(tmp_path, "2022-01-cumbria-street.csv", street)
    write_police_csv(
        tmp_path,
        "2022-01-cumbria-outcomes.csv",
        [
            f"{CRIME_ID},2022-01,Cumbria Constabulary,Cumbria Constabulary,-3.38,54.86,"
            "On or near Station Road,E01019126,Allerdale 001A,Suspect charged",
            ",2022-01,Cumbria Constabulary,Cumbria Constabulary,,,,,,Suspect charged",
        ],
    )
    write_police_csv(
        tmp_path / "old",
        "2011-01-cumbria-street.csv",
        [
            "2011-01,Cumbria Constabulary,Cumbria Constabulary,340000,560000,On or near X,"
            "Burglary and vehicle crime,"
        ],
        schema="street_legacy",
    )
    report = openpeel.ingest([tmp_path], data_dir)
    assert report.totals()["rows_read"] == 7
    crimes = _table(data_dir, "crimes").sort_values(["month", "source_row"]).reset_index()
    assert len(crimes) == 4
    legacy = crimes.iloc[0]
    assert (legacy.easting, legacy.northing) == (340000.0, 560000.0)
    assert legacy.crime_type_code == "burglary_and_vehicle_crime"
    modern = crimes.iloc[1:]
    assert list(modern.is_anti_social_behaviour) == [False, True, False]
    assert modern.crime_id.isna().tolist() == [False, True, False]
    assert list(modern.has_location) == [True, True, False]
    assert list(modern.last_outcome_group.fillna("-")) == [
        "under_investigation",
        "-",
        "evidential_difficulties",
    ]
    rejects = _table(data_dir, "rejects")
    assert sorted(rejects.reason) == [
        "Crime ID is blank: an outcome must name its crime",
        "Month 2022-02 is not the month in the file name",
    ]
    outcomes = _table(data_dir, "outcomes")
    assert list(outcomes.outcome_group) == ["charged_summonsed"]


def test_reloading_replaces_and_never_duplicates(tmp_path: Path, data_dir: Path) -> None:
    write_police_csv(
        tmp_path,
        "2020-01-essex-stop-and-search.csv",
        [_ss("2020-01-01T10:00:00+00:00", "White - Irish")],
    )
    first = openpeel.ingest([tmp_path], data_dir)
    second = openpeel.ingest([tmp_path], data_dir)
    assert first.totals() == second.totals()
    assert len(_table(data_dir, "stop_searches")) == 1
    lake_files = list((data_dir / "lake" / "stop_searches").rglob("*.parquet"))
    assert len(lake_files) == 1


def test_newer_snapshot_supersedes_older_in_either_order(tmp_path: Path, data_dir: Path) -> None:
    old = tmp_path / "download-old"
    new = tmp_path / "download-new"
    write_police_csv(
        old,
        "2020-01-essex-stop-and-search.csv",
        [_ss("2020-01-01T10:00:00+00:00", "White - Irish", "")],
    )
    write_police_csv(
        new,
        "2020-01-essex-stop-and-search.csv",
        [_ss("2020-01-01T10:00:00+00:00", "White - Irish", "A no further action disposal")],
    )
    (new / "2020-05").mkdir()  # the newer download's latest month folder sets its vintage
    openpeel.ingest([old], data_dir)
    openpeel.ingest([new], data_dir)
    df = _table(data_dir, "stop_searches")
    assert list(df.snapshot) == ["policeuk-2020-05"]
    assert list(df.outcome_code) == ["no_further_action"]
    # Loading the older vintage again keeps it out of queries.
    report = openpeel.ingest([old], data_dir)
    assert [f.status for f in report.files] == ["superseded"]
    assert list(_table(data_dir, "stop_searches").snapshot) == ["policeuk-2020-05"]
    partitions = openpeel.connect(data_dir).table("lake_partitions").execute()
    assert sorted(partitions.status) == ["current", "superseded"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("2020-01-essex-stop-and-search.csv", b"", "empty file"),
        ("2020-01-essex-stop-and-search.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV"),
        (
            "2020-01-essex-stop-and-search.csv",
            b"Type,When,Where\nx,y,z\n",
            "wrong header for a stop-and-search file",  # the kind the name says, not street
        ),
        (
            "2020-01-essex-stop-and-search.csv",
            b"Crime ID,Month,Location\nx,y,z\n",
            "wrong header for a stop-and-search file: missing Type, Date",
        ),
        (
            "2020-01-essex-street.csv",
            b"Type,Date,Part of a policing operation,Policing operation,"
            b"Latitude,Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,"
            b"Legislation,Object of search,Outcome,Outcome linked to object of search,"
            b"Removal of more than just outer clothing\n",
            "header is that of a stop-and-search",
        ),
        ("notes.csv", b"a,b\n", "not a police.uk file name"),
        ("2020-01-atlantis-street.csv", b"x\n", "unknown force 'atlantis'"),
        ("2020-01-westyorkshire-street.csv", b"x\n", "did you mean west-yorkshire?"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    tmp_path: Path, data_dir: Path, name: str, content: bytes, reason: str
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / name).write_bytes(content)
    write_police_csv(
        src, "2020-01-kent-stop-and-search.csv", [_ss("2020-01-01T10:00:00+00:00", "White - Irish")]
    )
    report = openpeel.ingest([src], data_dir)
    [refused] = report.refused
    assert reason in refused.reason
    assert "\n" not in refused.reason
    assert report.totals()["rows_loaded"] == 1  # the good file still loads


def test_missing_source_raises_archive_error(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(ArchiveError, match="no such file"):
        openpeel.ingest([tmp_path / "nope"], data_dir)


def test_zip_archive_and_filters(tmp_path: Path, data_dir: Path) -> None:
    import zipfile

    for force in ("essex", "kent"):
        for month in ("2020-01", "2020-02"):
            write_police_csv(
                tmp_path / "2020-02",
                f"{month}-{force}-stop-and-search.csv",
                [_ss(f"{month}-03T10:00:00+00:00", "White - Irish")],
            )
    archive = tmp_path / "2020-02.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in (tmp_path / "2020-02").rglob("*.csv"):
            zf.write(p, p.relative_to(tmp_path / "2020-02").as_posix())
    report = openpeel.ingest(
        [archive],
        data_dir,
        force_ids=["kent"],
        start=openpeel.lake_months.__globals__["date"](2020, 2, 1),
    )
    assert [(f.force_id, f.month.isoformat()) for f in report.files] == [("kent", "2020-02-01")]
    assert report.files[0].snapshot == "policeuk-2020-02"
    months = openpeel.lake_months(data_dir)
    assert [(m.force_id, m.status) for m in months] == [("kent", "loaded")]


def test_every_column_is_documented() -> None:
    from openpeel.sources.policeuk_tables import table_columns
    from tests.conftest import REPO

    docs = (REPO / "docs" / "data.md").read_text()
    for table in ("stop_searches", "crimes", "outcomes", "rejects"):
        for column in table_columns(table):
            assert f"`{column.name}`" in docs, f"{table}.{column.name} is not in docs/data.md"


def test_each_partition_is_one_file_in_record_order(tmp_path: Path, data_dir: Path) -> None:
    """The single pass writes each file's rows to one staged file as they are read: every
    partition is one Parquet file, its rows numbered 1..n in the order of the CSV, also when a
    batch holds many files and the reader hands them over in batches that straddle files."""
    import pyarrow.parquet as pq

    from openpeel.store.lake import Lake

    rows = 300_000
    for force in ("kent", "essex", "surrey"):
        lines = [
            _ss(f"2020-01-{1 + i % 28:02d}T03:00:00+00:00", "Not Stated (NS)") for i in range(7)
        ]
        write_police_csv(tmp_path / "a", f"2020-01-{force}-stop-and-search.csv", lines)
    big = [_ss("2020-02-01T03:00:00+00:00", "Not Stated (NS)")] * rows
    write_police_csv(tmp_path / "a", "2020-02-kent-stop-and-search.csv", big)
    report = openpeel.ingest([tmp_path / "a"], data_dir)
    assert report.totals()["rows_loaded"] == 3 * 7 + rows
    lake = Lake(data_dir)
    parts = [p for p in lake.current() if p.table_name == "stop_searches"]
    assert len(parts) == 4
    for part in parts:
        numbers = pq.read_table(lake.path(part.data_path)).column("source_row").to_pylist()
        assert numbers == list(range(1, part.rows_loaded + 1)), part.partition


def test_files_read_in_one_scan_number_their_own_records(tmp_path: Path, data_dir: Path) -> None:
    """A batch's files are read in one scan; each file's records are still numbered from 1,
    also after a file whose rows the parser skips or whose values are rejected."""
    good = _ss("2020-01-01T10:00:00+00:00", "White - Irish")
    write_police_csv(tmp_path, "2020-01-essex-stop-and-search.csv", [good] * 3)
    write_police_csv(
        tmp_path,
        "2020-01-kent-stop-and-search.csv",
        [good, good + ",EXTRA", _ss("not a date", "White - Irish"), good],
    )
    write_police_csv(tmp_path, "2020-01-surrey-stop-and-search.csv", [good] * 2)
    report = openpeel.ingest([tmp_path], data_dir)
    counts = {f.force_id: (f.rows_read, f.rows_loaded, f.rows_rejected) for f in report.files}
    assert counts == {"essex": (3, 3, 0), "kent": (4, 2, 2), "surrey": (2, 2, 0)}
    loaded = _table(data_dir, "stop_searches")
    rows = loaded.groupby("force_id").source_row.apply(sorted).to_dict()
    assert rows == {"essex": [1, 2, 3], "kent": [1, 4], "surrey": [1, 2]}
    rejects = _table(data_dir, "rejects").sort_values("source_row")
    assert list(rejects.force_id) == ["kent", "kent"]
    assert list(rejects.source_row) == [2, 3]
    assert rejects.reason.iloc[1] == "unreadable Date: not a date"


def test_loading_police_files_does_not_import_pandas() -> None:
    import subprocess
    import sys

    script = "import sys, openpeel.store.ingest; print('pandas' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "False"


def test_a_scan_that_interleaves_files_is_read_again_a_file_at_a_time(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the scan ever hand over a file's rows apart, the batch is read a file at a time."""
    from openpeel.store import ingest as ingest_module

    cut = ingest_module._runs

    def interleaved(batch):  # the first file's last row moved behind the next file's rows
        runs = cut(batch)
        if len(runs) < 2 or runs[0][1].num_rows < 2:
            return runs
        (path, rows), rest = runs[0], runs[1:]
        head, tail = rows.slice(0, rows.num_rows - 1), rows.slice(rows.num_rows - 1)
        return [(path, head), *rest, (path, tail)]

    monkeypatch.setattr(ingest_module, "_runs", interleaved)
    good = _ss("2020-01-01T10:00:00+00:00", "White - Irish")
    write_police_csv(tmp_path, "2020-01-essex-stop-and-search.csv", [good] * 3)
    write_police_csv(tmp_path, "2020-01-kent-stop-and-search.csv", [good] * 2)
    report = openpeel.ingest([tmp_path], data_dir)
    assert {f.force_id: (f.status, f.rows_loaded) for f in report.files} == {
        "essex": ("loaded", 3),
        "kent": ("loaded", 2),
    }
    rows = _table(data_dir, "stop_searches").groupby("force_id").source_row.apply(sorted)
    assert rows.to_dict() == {"essex": [1, 2, 3], "kent": [1, 2]}
