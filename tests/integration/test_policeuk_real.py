"""The real data.police.uk files in ../shared/data/policeuk: every row accounted for."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

import openpeel
from openpeel.store.ingest import IngestReport
from tests.conftest import shared_data

POLICEUK = shared_data() / "policeuk"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not POLICEUK.is_dir(), reason=f"real data not found at {POLICEUK}"),
]


def _records(path: Path) -> int:
    """Records in a CSV file counted independently of the ingest (Python's csv module)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return sum(1 for row in csv.reader(fh) if row) - 1


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestReport]:
    data_dir = tmp_path_factory.mktemp("real")
    return data_dir, openpeel.ingest([POLICEUK], data_dir)


def test_every_row_of_every_file_is_accounted_for(loaded: tuple[Path, IngestReport]) -> None:
    _, report = loaded
    files = sorted(POLICEUK.rglob("*.csv"))
    assert len(report.files) == len(files) > 300
    assert report.refused == []
    by_name = {f.source_file: f for f in report.files}
    for path in files:
        result = by_name[path.relative_to(POLICEUK).as_posix()]
        assert result.rows_read == result.rows_loaded + result.rows_rejected
        assert result.rows_read == _records(path), path
    assert report.totals()["unknown_values"] == 0
    assert report.totals()["rows_rejected"] == 0


def test_overlapping_vintages_keep_the_newer(loaded: tuple[Path, IngestReport]) -> None:
    data_dir, _ = loaded
    con = openpeel.connect(data_dir)
    parts = con.table("lake_partitions").execute()
    # download-2020-04 and download-2021-12 both hold Merseyside 2019-12..2020-02.
    col = parts[
        (parts.table_name == "stop_searches")
        & (parts.force_id == "merseyside")
        & (parts.month.dt.date == date(2019, 12, 1))
    ]
    assert sorted(zip(col.status, col.snapshot, strict=True)) == [
        ("current", "policeuk-2021-11"),
        ("superseded", "policeuk-2020-02"),
    ]
    ss = con.table("stop_searches")
    dec = ss.filter((ss.force_id == "merseyside") & (ss.month == date(2019, 12, 1)))
    assert set(dec.snapshot.execute()) == {"policeuk-2021-11"}
    assert dec.count().execute() == int(col[col.status == "current"].rows_loaded.iloc[0])
    # The older vintage left Outcome blank where the newer says 'A no further action disposal'.
    assert dec.filter(dec.outcome_raw.isnull()).count().execute() == 0


def test_each_force_month_counted_once(loaded: tuple[Path, IngestReport]) -> None:
    data_dir, _ = loaded
    con = openpeel.connect(data_dir)
    parts = con.table("lake_partitions").execute()
    current = parts[parts.status == "current"]
    assert not current.duplicated(["table_name", "force_id", "month"]).any()
    for table in ("stop_searches", "crimes", "outcomes"):
        expected = int(current[current.table_name == table].rows_loaded.sum())
        assert con.table(table).count().execute() == expected


def test_known_quirks_of_the_real_files(loaded: tuple[Path, IngestReport]) -> None:
    data_dir, _ = loaded
    con = openpeel.connect(data_dir)
    ss = con.table("stop_searches")
    wm = ss.filter((ss.force_id == "west-midlands") & (ss.month == date(2019, 1, 1))).execute()
    assert wm.gender_raw.isna().all()  # West Midlands 2019-01..2020-03: Gender blank throughout
    assert wm.officer_defined_ethnicity_raw.isna().mean() > 0.5
    gm = ss.filter(ss.force_id == "greater-manchester").execute()
    assert "W1" in set(gm.self_defined_ethnicity_code)  # legacy PACE-coded vocabulary
    assert set(gm.outcome_code) <= {
        "no_further_action",
        "arrest",
        "summons",
        "caution",
        "penalty_notice",
        "community_resolution",
        "drugs_warning",
        "article_found",
        "psychoactive_seized_no_further_action",
    }
    crimes = con.table("crimes")
    asb = crimes.filter(crimes.is_anti_social_behaviour)
    assert asb.filter(asb.crime_id.notnull()).count().execute() == 0
    assert asb.count().execute() > 0


def test_ingesting_again_changes_nothing(loaded: tuple[Path, IngestReport]) -> None:
    data_dir, _ = loaded
    before = {
        t: openpeel.connect(data_dir).table(t).count().execute()
        for t in ("stop_searches", "crimes")
    }
    again = openpeel.ingest([POLICEUK / "download-2021-12"], data_dir)
    assert again.refused == []
    after = {
        t: openpeel.connect(data_dir).table(t).count().execute()
        for t in ("stop_searches", "crimes")
    }
    assert before == after


def test_source_row_points_at_the_row_in_the_file(loaded: tuple[Path, IngestReport]) -> None:
    """Lineage: every loaded row's (source_file, source_row) finds the same values in the CSV."""
    data_dir, report = loaded
    con = openpeel.connect(data_dir)
    checked = 0
    current = {f.source_file for f in report.files if f.status == "loaded"}
    samples = {
        "stop_searches": ("stop-and-search", ("Self-defined ethnicity", "Legislation", "Outcome")),
        "crimes": ("street", ("Crime ID", "Location", "Crime type")),
    }
    for table, (kind, headers) in samples.items():
        files = sorted(p for p in POLICEUK.rglob(f"*-{kind}.csv"))[::15]
        for path in files:
            name = path.relative_to(POLICEUK).as_posix()
            if name not in current:
                continue
            t = con.table(table)
            cols = {
                "stop_searches": [
                    "self_defined_ethnicity_raw",
                    "legislation_raw",
                    "outcome_raw",
                ],
                "crimes": ["crime_id", "location", "crime_type_raw"],
            }[table]
            got = (
                t.filter(t.source_file == name)
                .select("source_row", *cols)
                .order_by("source_row")
                .execute()
            )
            with path.open(newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
            assert list(got.source_row) == list(range(1, len(rows) + 1))
            for r, expect in zip(got.itertuples(index=False), rows, strict=True):
                assert [getattr(r, c) if isinstance(getattr(r, c), str) else "" for c in cols] == [
                    expect[h] for h in headers
                ]
            checked += 1
    assert checked >= 10
