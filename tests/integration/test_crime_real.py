"""Crime volumes and outcomes on the real data.police.uk files in ../shared/data/policeuk.

Every expected number is counted here independently with Python's csv module from the file the
lake says is current for each force-month.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators.crime import crime_volumes
from openpeel.indicators.investigations import (
    CLASS_OF_GROUP,
    CLOSING_CLASSES,
    outcome_history,
    outcome_peers,
    outcome_quality,
    outcome_summary,
    time_to_outcome,
)
from tests.conftest import shared_data

POLICEUK = shared_data() / "policeuk"
ASB = "Anti-social behaviour"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not POLICEUK.is_dir(), reason=f"real data not found at {POLICEUK}"),
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _reference(name: str) -> dict[str, tuple[str, str]]:
    """raw -> (code, group) read straight from the vocabulary CSV."""
    path = resources.files("openpeel.reference").joinpath("vocabularies", f"{name}.csv")
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return {r["raw"]: (r["code"], r["group"]) for r in rows}


def _class(raw: str) -> str:
    if not raw:
        return "no_status"
    return CLASS_OF_GROUP[_reference("crime_outcome")[raw][1]]


def _ingest(tmp_path_factory: pytest.TempPathFactory, name: str, files: list[Path]) -> Path:
    data_dir = tmp_path_factory.mktemp(name)
    report = openpeel.ingest(files, data_dir)
    assert report.totals()["rows_rejected"] == 0
    assert report.totals()["unknown_values"] == 0
    return data_dir


@pytest.fixture(scope="module")
def streets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Street files of City of London (two vintages), Cumbria 2022 and 41 forces in 2022-01."""
    files = [
        p
        for folder in ("download-2021-05", "download-2022-01", "download-2023-03")
        for p in sorted((POLICEUK / folder).glob("*/*-street.csv"))
    ]
    return _ingest(tmp_path_factory, "streets", files)


@pytest.fixture(scope="module")
def older(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the older City of London vintage (download-2021-05)."""
    return _ingest(
        tmp_path_factory,
        "older",
        sorted((POLICEUK / "download-2021-05").glob("*/*-street.csv")),
    )


@pytest.fixture(scope="module")
def col_2024(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """City of London 2024-02: street and outcomes."""
    return _ingest(
        tmp_path_factory, "col-2024", sorted((POLICEUK / "download-2024-04").glob("*/*.csv"))
    )


def _check_volumes_against_files(data_dir: Path) -> int:
    """Compare every current street force-month with a csv count; returns force-months."""
    con = openpeel.connect(data_dir)
    parts = con.table("lake_partitions").execute()
    current = parts[(parts.table_name == "crimes") & (parts.status == "current")]
    crime_types = _reference("crime_type")
    checked = 0
    for force_id, group in current.groupby("force_id"):
        months = sorted(pd.to_datetime(group["month"]).dt.date)
        period = Period(months[0], months[-1], "test")
        volumes = crime_volumes(con, str(force_id), period).table
        for row in group.itertuples():
            month = pd.Timestamp(row.month).date()
            path = POLICEUK / row.source_file
            expected = Counter(crime_types[r["Crime type"]][0] for r in _rows(path))
            got = volumes[volumes["month"] == month]
            assert got["crimes"].notna().all()
            counts = {t: int(c) for t, c in zip(got["crime_type"], got["crimes"], strict=True)}
            assert {t: c for t, c in counts.items() if c} == dict(expected), (force_id, month)
            assert sum(counts.values()) == len(_rows(path)) == row.rows_loaded
            checked += 1
        missing = volumes[volumes["crimes"].isna()]["month"]
        assert set(missing).isdisjoint(months)
    return checked


def test_volumes_equal_a_direct_count_of_every_current_file(streets: Path) -> None:
    checked = _check_volumes_against_files(streets)
    # City of London 2018-04..2021-11 (44) and 10 months of 2022; Cumbria 2022-01..11 adds 10
    # months to its 2022-01; 41 forces in 2022-01.
    assert checked == 44 + 9 + 10 + 41
    con = openpeel.connect(streets)
    parts = con.table("lake_partitions").execute()
    col = parts[(parts.force_id == "city-of-london") & (parts.status == "current")]
    by_snapshot = col.groupby("snapshot").size().to_dict()
    assert by_snapshot["policeuk-2021-11"] == 36  # download-2022-01 supersedes 2018-12..2020-11
    assert by_snapshot["policeuk-2020-11"] == 8  # 2018-04..2018-11 only in download-2021-05


def test_volumes_of_the_older_vintage(older: Path) -> None:
    assert _check_volumes_against_files(older) == 32


def test_vintages_share_volumes_but_not_outcomes(streets: Path, older: Path) -> None:
    month = Period.from_months("2020-11", "2020-11")
    new_v = crime_volumes(openpeel.connect(streets), "city-of-london", month).table
    old_v = crime_volumes(openpeel.connect(older), "city-of-london", month).table
    pd.testing.assert_frame_equal(new_v, old_v)
    for data_dir, folder in ((streets, "download-2022-01"), (older, "download-2021-05")):
        rows = _rows(POLICEUK / folder / "2020-11" / "2020-11-city-of-london-street.csv")
        expected = Counter(
            _class(r["Last outcome category"]) for r in rows if r["Crime type"] != ASB
        )
        t = outcome_summary(openpeel.connect(data_dir), "city-of-london", month).table
        got = dict(zip(t["measure"], t["crimes_in_measure"], strict=True))
        classes = set(CLASS_OF_GROUP.values())
        assert {m: n for m, n in got.items() if m in classes and n} == dict(expected), folder
    # The later download has moved 102 crimes from under investigation to no suspect (and more).
    new_s = outcome_summary(openpeel.connect(streets), "city-of-london", month).table
    old_s = outcome_summary(openpeel.connect(older), "city-of-london", month).table
    open_new = new_s.set_index("measure").loc["under_investigation", "crimes_in_measure"]
    open_old = old_s.set_index("measure").loc["under_investigation", "crimes_in_measure"]
    assert open_old - open_new >= 102


def test_outcomes_file_links_to_its_crimes(col_2024: Path) -> None:
    folder = POLICEUK / "download-2024-04" / "2024-02"
    street = _rows(folder / "2024-02-city-of-london-street.csv")
    outcomes = _rows(folder / "2024-02-city-of-london-outcomes.csv")
    street_ids = {r["Crime ID"] for r in street if r["Crime ID"]}
    ids = Counter(r["Crime ID"] for r in outcomes)
    linked = {i for i in ids if i in street_ids}
    # The figures of ../shared/data/README.md, counted from the files.
    assert (len(outcomes), len(ids), len(linked)) == (613, 598, 169)

    con = openpeel.connect(col_2024)
    month = Period.from_months("2024-02", "2024-02")
    q = outcome_quality(con, "city-of-london", month).table.set_index("measure")
    expected = {
        "outcome_rows": 613,
        "outcome_crime_ids": 598,
        "linked_outcome_crime_ids": 169,
        "linked_same_month_crime_ids": 169,
        "orphan_outcome_crime_ids": 598 - 169,
        "orphan_outcome_rows": sum(n for i, n in ids.items() if i not in linked),
        "outcome_crime_ids_with_several_rows": sum(1 for n in ids.values() if n > 1),
        "crime_ids_repeated": sum(1 for r in street if r["Crime ID"]) - len(street_ids),
        "crimes_without_location": sum(
            1 for r in street if r["Crime type"] != ASB and r["Location"] == "No Location"
        ),
    }
    assert {m: int(q.loc[m, "count"]) for m in expected} == expected
    extra = sum(n - 1 for n in ids.values())
    assert (
        f"{extra} rows beyond the first" in q.loc["outcome_crime_ids_with_several_rows", "detail"]
    )

    history = outcome_history(con, "city-of-london", month).table
    assert len(history) == sum(n for i, n in ids.items() if i in linked)
    assert (history["months_to_outcome"] == 0).all()

    crimes = [r for r in street if r["Crime type"] != ASB]
    summary = outcome_summary(con, "city-of-london", month).table.set_index("measure")
    assert (summary["crimes"] == len(crimes)).all()
    # Street file and outcomes file come from one download: the street category stands.
    by_class = Counter(_class(r["Last outcome category"]) for r in crimes)
    for cls, n in by_class.items():
        assert summary.loc[cls, "crimes_in_measure"] == n
    assert summary["is_incomplete"].all()

    closing = {r["Crime ID"] for r in outcomes if _class(r["Outcome type"]) in CLOSING_CLASSES}
    t = time_to_outcome(con, "city-of-london", month).table
    anyo = t[t["event"] == "any_outcome"].iloc[0]
    events = sum(1 for r in crimes if r["Crime ID"] in closing)
    assert (anyo["at_risk"], anyo["events"]) == (len(crimes), events)
    assert anyo["share_with_outcome"] == pytest.approx(events / len(crimes))


def test_peers_in_january_2022(streets: Path) -> None:
    month = Period.from_months("2022-01", "2022-01")
    result = outcome_peers(
        openpeel.connect(streets), month, force_id="cumbria", measure="charged_summonsed"
    )
    t = result.table.set_index("force_id")
    assert len(t) == 41
    assert t.loc["cumbria", "is_selected"]
    for force_id in ("btp", "northern-ireland"):
        assert t.loc[force_id, "funnel_position"] == "no_outcomes_published"
    for force_id in ("cumbria", "surrey", "btp"):
        path = POLICEUK / "download-2023-03" / "2022-01" / f"2022-01-{force_id}-street.csv"
        crimes = [r for r in _rows(path) if r["Crime type"] != ASB]
        assert t.loc[force_id, "crimes"] == len(crimes)
        charged = sum(
            1 for r in crimes if _class(r["Last outcome category"]) == "charged_summonsed"
        )
        assert t.loc[force_id, "crimes_in_measure"] == charged
        assert (
            t.loc[force_id, "share_low"]
            <= t.loc[force_id, "share"]
            <= t.loc[force_id, "share_high"]
        )
    publishing = t[t["funnel_position"] != "no_outcomes_published"]
    pooled = publishing["crimes_in_measure"].sum() / publishing["crimes"].sum()
    assert t["target"].iloc[0] == pytest.approx(pooled)
    assert set(t["as_of_month"]) == {date(2022, 11, 1)}
