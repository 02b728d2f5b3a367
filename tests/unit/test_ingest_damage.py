"""Damaged police.uk files: nothing lost, nothing hidden, one-line reasons (issue 21).

Each test names the defect it guards: a stray line break, an unbalanced quote, a file of junk
rows, the same force-month twice in one run, a zip bomb, a snapshot whose every row is
rejected, non-finite coordinates, a huge header.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import openpeel
from openpeel.cli import main
from openpeel.sources.policeuk_archive import HEADERS, ArchiveError
from openpeel.store.ingest import IngestReport
from tests.conftest import shared_data, write_police_csv

CITY = "download-2022-01/2021-08/2021-08-city-of-london-street.csv"


def street_row(n: int, month: str = "2021-08", lat: str = "51.52", lon: str = "-0.10") -> str:
    """A synthetic street-level crime row (made up, not a real crime)."""
    crime_id = f"{n:064x}"
    return (
        f"{crime_id},{month},City of London Police,City of London Police,{lon},{lat},"
        f"On or near Synthetic Street,E01000001,City of London 001A,Burglary,"
        f"Under investigation,"
    )


def synthetic_street(
    folder: Path, rows: int = 40, newline: str = "\r\n", force: str = "kent"
) -> Path:
    return write_police_csv(
        folder,
        f"2021-08-{force}-street.csv",
        [street_row(i) for i in range(rows)],
        newline=newline,
    )


def lake_counts(data_dir: Path) -> tuple[int, int]:
    con = openpeel.connect(data_dir)
    crimes = con.table("crimes").count().execute()
    rejects = con.table("rejects").count().execute()
    return int(crimes), int(rejects)


def assert_accounted(report: IngestReport, data_dir: Path) -> None:
    """Every file: one-line reason or rows read = loaded + rejected, and the lake agrees."""
    for f in report.files:
        if f.status == "refused":
            assert f.reason and "\n" not in f.reason and "\r" not in f.reason
            assert len(f.reason) <= 500, len(f.reason)
        else:
            assert f.rows_read == f.rows_loaded + f.rows_rejected, f
    loaded = sum(f.rows_loaded for f in report.files if f.status == "loaded")
    rejected = sum(f.rows_rejected for f in report.files if f.status == "loaded")
    assert lake_counts(data_dir) == (loaded, rejected)


# --- 2: a stray line break inside an unquoted row -------------------------------------------


@pytest.mark.parametrize("stray", [b"\n", b"\r"])
def test_a_stray_line_break_rejects_one_row_and_the_rest_loads(
    tmp_path: Path, data_dir: Path, stray: bytes
) -> None:
    src = tmp_path / "src"
    damaged = synthetic_street(src, rows=40)
    good = synthetic_street(src, rows=5, force="essex")
    lines = damaged.read_bytes().split(b"\r\n")
    lines[10] = lines[10].replace(b",Burglary,", b",Burg" + stray + b"lary,")  # record 10
    damaged.write_bytes(b"\r\n".join(lines))
    report = openpeel.ingest([src], data_dir)
    by_name = {Path(f.source_file).name: f for f in report.files}
    hit = by_name[damaged.name]
    assert (hit.status, hit.rows_read, hit.rows_loaded, hit.rows_rejected) == ("loaded", 40, 39, 1)
    assert by_name[good.name].rows_loaded == 5
    [reject] = openpeel.connect(data_dir).table("rejects").execute().itertuples()
    assert reject.source_row == 10
    assert "line break" in reject.reason
    assert_accounted(report, data_dir)


def test_a_stray_line_feed_in_the_real_city_of_london_file(tmp_path: Path) -> None:
    real = shared_data() / "policeuk" / CITY
    if not real.is_file():
        pytest.skip("real police.uk data not available")
    data = real.read_bytes()
    lines = data.split(b"\r\n")
    assert len(lines) > 30
    lines[20] = lines[20][:30] + b"\n" + lines[20][30:]
    target = tmp_path / "src" / "2021-08" / real.name
    target.parent.mkdir(parents=True)
    target.write_bytes(b"\r\n".join(lines))
    synthetic_street(tmp_path / "src", rows=3, force="essex")
    result = CliRunner().invoke(
        main, ["--data-dir", str(tmp_path / "d"), "ingest", str(tmp_path / "src")]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    records = data.count(b"\r\n") - 1
    report_rows = openpeel.connect(tmp_path / "d").table("load_log").execute()
    city = report_rows[report_rows.force_id == "city-of-london"].iloc[0]
    assert (city.rows_read, city.rows_rejected) == (records, 1)
    assert lake_counts(tmp_path / "d") == (records - 1 + 3, 1)


# --- 5: an unbalanced quote -----------------------------------------------------------------


def test_an_unbalanced_quote_refuses_the_file_with_its_line(tmp_path: Path, data_dir: Path) -> None:
    src = tmp_path / "src"
    damaged = synthetic_street(src, rows=60, newline="\n")
    lines = damaged.read_bytes().split(b"\n")
    lines[20] = lines[20].replace(b"On or near", b'"On or near')  # opened, never closed
    damaged.write_bytes(b"\n".join(lines))
    synthetic_street(src, rows=5, force="essex", newline="\n")
    report = openpeel.ingest([src], data_dir)
    [refused] = report.refused
    assert "quote" in refused.reason and "line 21" in refused.reason
    assert_accounted(report, data_dir)
    assert lake_counts(data_dir) == (5, 0)


def test_a_quoted_line_break_that_closes_is_one_record(tmp_path: Path, data_dir: Path) -> None:
    src = tmp_path / "src"
    path = synthetic_street(src, rows=10, newline="\n")
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"On or near Synthetic Street", b'"On or near\nSynthetic, Street"')
    path.write_bytes(b"\n".join(lines))
    report = openpeel.ingest([src], data_dir)
    [f] = report.files
    assert (f.status, f.rows_read, f.rows_loaded, f.rows_rejected) == ("loaded", 10, 10, 0)
    crimes = openpeel.connect(data_dir).table("crimes").execute()
    assert sorted(crimes.source_row) == list(range(1, 11))
    assert "On or near\nSynthetic, Street" in set(crimes.location)


# --- 3: a file of junk rows -----------------------------------------------------------------


def test_a_file_of_junk_rows_is_refused_with_a_count(tmp_path: Path, data_dir: Path) -> None:
    src = tmp_path / "src"
    path = synthetic_street(src, rows=3, newline="\n")
    path.write_bytes(path.read_bytes() + b"x\n" * 20_000)
    synthetic_street(src, rows=4, force="essex")
    report = openpeel.ingest([src], data_dir)
    [refused] = report.refused
    assert "20,000" in refused.reason and "not a police.uk street file" in refused.reason
    assert_accounted(report, data_dir)
    assert lake_counts(data_dir) == (4, 0)


def test_a_few_bad_rows_are_still_rejected_row_by_row(tmp_path: Path, data_dir: Path) -> None:
    src = tmp_path / "src"
    path = synthetic_street(src, rows=30, newline="\n")
    path.write_bytes(path.read_bytes() + b"x\n" * 3 + street_row(99).encode() + b"\n")
    report = openpeel.ingest([src], data_dir)
    [f] = report.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (34, 31, 3)
    rejects = openpeel.connect(data_dir).table("rejects").execute()
    assert sorted(rejects.source_row) == [31, 32, 33]
    crimes = openpeel.connect(data_dir).table("crimes").execute()
    assert crimes.source_row.max() == 34


# --- 4: the same force-month twice in one run -----------------------------------------------


def test_two_files_of_one_force_month_and_snapshot_are_refused(
    tmp_path: Path, data_dir: Path
) -> None:
    full = synthetic_street(tmp_path / "a", rows=50)
    short = synthetic_street(tmp_path / "b", rows=10)
    assert full.name == short.name
    synthetic_street(tmp_path / "b", rows=2, force="essex")
    report = openpeel.ingest([tmp_path / "a", tmp_path / "b"], data_dir)
    refused = sorted(f.source_file for f in report.refused)
    assert refused == ["a/2021-08/2021-08-kent-street.csv", "b/2021-08/2021-08-kent-street.csv"]
    assert all("same force-month" in f.reason for f in report.refused)
    assert_accounted(report, data_dir)
    assert lake_counts(data_dir) == (2, 0)


def test_identical_copies_load_once_and_say_so(tmp_path: Path, data_dir: Path) -> None:
    synthetic_street(tmp_path / "a", rows=12)
    synthetic_street(tmp_path / "b", rows=12)
    report = openpeel.ingest([tmp_path / "a", tmp_path / "b"], data_dir)
    statuses = sorted((f.status, f.source_file) for f in report.files)
    assert [s for s, _ in statuses] == ["loaded", "refused"]
    [refused] = report.refused
    assert "identical" in refused.reason
    assert_accounted(report, data_dir)
    assert lake_counts(data_dir) == (12, 0)


# --- 17: a newer snapshot whose every row is rejected ---------------------------------------


def test_a_newer_snapshot_that_keeps_nothing_never_replaces_a_good_one(
    tmp_path: Path, data_dir: Path
) -> None:
    synthetic_street(tmp_path / "old", rows=25)
    openpeel.ingest([tmp_path / "old"], data_dir, snapshot="2021-09")
    write_police_csv(
        tmp_path / "new", "2021-08-kent-street.csv", [street_row(i, month="") for i in range(25)]
    )
    report = openpeel.ingest([tmp_path / "new"], data_dir, snapshot="2021-12")
    [refused] = report.refused
    assert "every one of its 25 rows" in refused.reason
    assert "policeuk-2021-09" in refused.reason  # the partition kept
    assert lake_counts(data_dir) == (25, 0)
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(data_dir), "ingest", str(tmp_path / "new"), "--snapshot", "2021-12"],
    )
    assert result.exit_code == 1
    assert "every one of its 25 rows" in result.output


# --- 18: non-finite coordinates -------------------------------------------------------------


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "-inf", "1e999"])
def test_non_finite_coordinates_are_rejected(tmp_path: Path, data_dir: Path, value: str) -> None:
    write_police_csv(
        tmp_path / "src",
        "2021-08-kent-street.csv",
        [street_row(1), street_row(2, lat=value), street_row(3, lon=value)],
    )
    report = openpeel.ingest([tmp_path / "src"], data_dir)
    [f] = report.files
    assert (f.rows_loaded, f.rows_rejected) == (1, 2)
    rejects = openpeel.connect(data_dir).table("rejects").execute()
    assert all("not a finite number" in r for r in rejects.reason)


# --- 19: a huge header ----------------------------------------------------------------------


def test_a_refused_wide_header_gives_a_short_reason(tmp_path: Path, data_dir: Path) -> None:
    header = ",".join([*HEADERS["street"], *(f"extra column number {i}" for i in range(2000))])
    write_police_csv(tmp_path / "src", "2021-08-kent-street.csv", [street_row(1)], header=header)
    report = openpeel.ingest([tmp_path / "src"], data_dir)
    [refused] = report.refused
    assert len(refused.reason) <= 300
    assert "unexpected extra column number 0" in refused.reason
    assert "1,99" in refused.reason  # says how many more it left out


# --- 13: zip limits -------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_it_fills_the_disk(tmp_path: Path, data_dir: Path) -> None:
    head = ",".join(HEADERS["street"]).encode() + b"\n"
    bomb = tmp_path / "2021-08.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2021-08/2021-08-kent-street.csv", head + b"," * (64 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(ArchiveError, match="compression ratio"):
        openpeel.ingest([bomb], data_dir)
    written = sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file())
    assert written < 8 * 1024 * 1024


def test_a_zip_over_its_size_limit_is_refused(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpeel.sources import archive_zip

    src = tmp_path / "2021-08"
    synthetic_street(tmp_path, rows=200)
    archive = tmp_path / "2021-08.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in src.rglob("*.csv"):
            zf.write(p, p.relative_to(tmp_path).as_posix())
    monkeypatch.setattr(archive_zip, "MAX_TOTAL_BYTES", 10_000)
    with pytest.raises(ArchiveError, match="more than 10,000 bytes"):
        openpeel.ingest([archive], data_dir)


# Peak memory of this process alone: VmHWM (ru_maxrss keeps the parent's peak across exec).
JUNK_LOAD = """
import json, pathlib, sys
import openpeel
report = openpeel.ingest([sys.argv[1]], sys.argv[2])
status = pathlib.Path("/proc/self/status").read_text().splitlines()
peak = int(next(x for x in status if x.startswith("VmHWM:")).split()[1]) / 1024
print(json.dumps({"peak_mb": peak, "refused": [f.reason for f in report.refused]}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("newline", "junk", "reader"),
    [
        ("\n", b"x\n" * 600_000, "DuckDB"),
        ("\r\n", b"x\r\n" * 599_999 + b"x\ny\r\n", "record by record (a stray LF)"),
    ],
)
def test_memory_stays_flat_whatever_the_number_of_bad_rows(
    tmp_path: Path, newline: str, junk: bytes, reader: str
) -> None:
    """600,000 unparseable rows (1.2 MB) once took 7.4 GB; now the file is refused."""
    import json
    import subprocess
    import sys

    src = tmp_path / "src"
    path = synthetic_street(src, rows=2, newline=newline)
    path.write_bytes(path.read_bytes() + junk)
    done = subprocess.run(
        [sys.executable, "-c", JUNK_LOAD, str(src), str(tmp_path / "d")],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    [reason] = result["refused"]
    assert "600,000 of its 600,002 rows cannot be read" in reason, (reader, reason)
    assert result["peak_mb"] < 400, (reader, result["peak_mb"])


def test_line_counts_agree_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpeel.sources import policeuk_lines

    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\r\n" + b"1,2\r\n\r\n" * 50 + b'3,"4\r\n5"\r\n6,7')
    whole = policeuk_lines.count_lines(path)
    monkeypatch.setattr(policeuk_lines, "CHUNK", 7)
    assert policeuk_lines.count_lines(path) == whole
    assert whole.newline == b"\r\n" and whole.stray == 0 and whole.odd_quote_lines == 2
    assert whole.records == 50 + 2 + 1 and not whole.clean
    read = policeuk_lines.read_records(path, 2, whole.newline, 10)
    assert read.records == 52 and read.numbers[-2:] == [51, 52] and read.rejects == []
    assert read.columns[1][-2:] == ["4\r\n5", "7"]


def test_a_file_duckdb_fails_on_is_read_record_by_record(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net: damage the line check misses still fails one file, not the run."""
    from openpeel.sources.policeuk_lines import LineCount
    from openpeel.store import ingest as ingest_module

    src = tmp_path / "src"
    damaged = synthetic_street(src, rows=30)
    damaged.write_bytes(damaged.read_bytes().replace(b"Burglary", b"Burg\nlary", 1))
    synthetic_street(src, rows=4, force="essex")
    real = ingest_module.count_lines

    def says_clean(path: Path) -> LineCount:
        return replace(real(path), stray=0)

    monkeypatch.setattr(ingest_module, "count_lines", says_clean)
    report = openpeel.ingest([src], data_dir)
    by_force = {f.force_id: (f.status, f.rows_read, f.rows_rejected) for f in report.files}
    assert by_force == {"kent": ("loaded", 30, 1), "essex": ("loaded", 4, 0)}
    assert_accounted(report, data_dir)


@pytest.mark.parametrize("disagreement", ["parser names fewer rejects", "fewer lines than records"])
def test_records_that_do_not_add_up_refuse_the_file(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, disagreement: str
) -> None:
    """The line count and the parser's count are reconciled; a file that does not add up is
    refused, and the other files load."""
    from openpeel.sources.policeuk_lines import LineCount
    from openpeel.store import ingest as ingest_module

    src = tmp_path / "src"
    path = synthetic_street(src, rows=20, newline="\n")
    path.write_bytes(path.read_bytes() + b"x\n" * 3)
    synthetic_street(src, rows=4, force="essex", newline="\n")
    if disagreement == "parser names fewer rejects":
        monkeypatch.setattr(ingest_module, "_parser_rejects", lambda *args: [])
    else:
        real = ingest_module.count_lines

        def fewer(p: Path) -> LineCount:
            count = real(p)
            return replace(count, records=count.records - 5) if "kent" in p.name else count

        monkeypatch.setattr(ingest_module, "count_lines", fewer)
    report = openpeel.ingest([src], data_dir)
    [refused] = report.refused
    assert refused.force_id == "kent"
    assert "cannot be accounted for" in refused.reason or "records in" in refused.reason
    assert_accounted(report, data_dir)
    assert lake_counts(data_dir) == (4, 0)
