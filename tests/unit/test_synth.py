"""Synthetic data.police.uk archives: layout, headers, vocabularies, quirks, determinism."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from openpeel.reference.vocabularies import vocabulary
from openpeel.synth import (
    MARKER_FILE,
    OUTCOMES_COLUMNS,
    STOP_AND_SEARCH_COLUMNS,
    STREET_COLUMNS,
    SynthSummary,
    national_force_ids,
    write_archive,
)

FORCE = "west-midlands"
START, END = "2021-04", "2021-06"
SCALE = 0.05
STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
OUTCOMES_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Outcome type"
)
STOP_AND_SEARCH_HEADER = (
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
    "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,"
    "Outcome,Outcome linked to object of search,Removal of more than just outer clothing"
)
HEX_ID = re.compile(r"^[0-9a-f]{64}$")
SEARCH_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$")
BOOLEAN_FIELDS = (
    "Part of a policing operation",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
)
PERSON_FIELDS = ("Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity")


def read_rows(path: Path) -> list[dict[str, str]]:
    """All rows of one CSV file as dicts."""
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def rows_of_kind(root: Path, kind: str) -> list[tuple[str, dict[str, str]]]:
    """(month folder, row) for every row of every file of one kind under an archive."""
    out: list[tuple[str, dict[str, str]]] = []
    for path in sorted(root.glob(f"*/*-{kind}.csv")):
        out.extend((path.parent.name, row) for row in read_rows(path))
    return out


def file_bytes(root: Path) -> dict[str, bytes]:
    """Every file under an archive, keyed by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    """A small three-month West Midlands archive with the middle month missing."""
    root = tmp_path_factory.mktemp("archive")
    summary = write_archive(
        root,
        force_id=FORCE,
        start="2021-03",
        end=END,
        seed=7,
        scale=SCALE,
        missing_months=["2021-05"],
    )
    return root, summary


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    """A small archive without gaps."""
    root = tmp_path_factory.mktemp("full")
    return root, write_archive(root, start=START, end=END, seed=3, scale=SCALE)


def test_layout_and_headers_are_exact(full: tuple[Path, SynthSummary]) -> None:
    root, summary = full
    for month in ("2021-04", "2021-05", "2021-06"):
        for kind, header in (
            ("street", STREET_HEADER),
            ("outcomes", OUTCOMES_HEADER),
            ("stop-and-search", STOP_AND_SEARCH_HEADER),
        ):
            path = root / month / f"{month}-{FORCE}-{kind}.csv"
            assert path.is_file()
            assert path.read_bytes().split(b"\n", 1)[0].decode() == header
    assert len(STREET_COLUMNS) == 12
    assert len(OUTCOMES_COLUMNS) == 10
    assert len(STOP_AND_SEARCH_COLUMNS) == 15
    assert len(summary.files) == 9
    assert all(p.is_file() for p in summary.files)


def test_summary_counts_match_files(full: tuple[Path, SynthSummary]) -> None:
    root, summary = full
    for kind in ("street", "outcomes", "stop-and-search"):
        assert summary.rows[kind] == len(rows_of_kind(root, kind)) > 0
    assert summary.snapshot == f"synthetic-{END}"


def test_every_line_has_the_header_width(full: tuple[Path, SynthSummary]) -> None:
    root, _ = full
    for path in root.glob("*/*.csv"):
        widths = {len(line.split(",")) for line in path.read_text().splitlines()}
        assert len(widths) == 1, path


def test_marker_file(archive: tuple[Path, SynthSummary]) -> None:
    root, _ = archive
    marker = json.loads((root / MARKER_FILE).read_text())
    assert marker["synthetic"] is True
    assert marker["generator"] == "openpeel"
    assert marker["seed"] == 7
    assert marker["forces"] == [FORCE]
    assert (marker["start"], marker["end"]) == ("2021-03", END)
    assert marker["snapshot"] == f"synthetic-{END}"
    assert marker["missing_months"] == ["2021-05"]


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    for folder, seed in (("a", 11), ("b", 11), ("c", 12)):
        write_archive(tmp_path / folder, start=START, end="2021-05", seed=seed, scale=0.02)
    a, b, c = (file_bytes(tmp_path / x) for x in "abc")
    assert a == b
    csv_names = [name for name in a if name.endswith(".csv")]
    assert csv_names
    assert all(a[name] != c[name] for name in csv_names)


def test_missing_month_has_no_files(archive: tuple[Path, SynthSummary]) -> None:
    root, summary = archive
    assert not list(root.glob("2021-05/*")) and not list(root.glob("*/2021-05-*"))
    for month in ("2021-03", "2021-04", "2021-06"):
        assert len(list((root / month).glob("*.csv"))) == 3
    assert summary.months == ["2021-03", "2021-04", "2021-06"]


def test_raw_values_are_in_the_reference_vocabularies(full: tuple[Path, SynthSummary]) -> None:
    root, _ = full
    checks = {
        "street": {"Crime type": "crime_type", "Last outcome category": "crime_outcome"},
        "outcomes": {"Outcome type": "crime_outcome"},
        "stop-and-search": {
            "Type": "stop_search_type",
            "Gender": "gender",
            "Age range": "age_range",
            "Self-defined ethnicity": "self_defined_ethnicity",
            "Officer-defined ethnicity": "officer_defined_ethnicity",
            "Legislation": "legislation",
            "Object of search": "object_of_search",
            "Outcome": "stop_search_outcome",
        },
    }
    for kind, fields in checks.items():
        rows = rows_of_kind(root, kind)
        for column, name in fields.items():
            seen = {row[column] for _, row in rows} - {""}
            assert seen, (kind, column)
            assert seen <= set(vocabulary(name)), (column, seen - set(vocabulary(name)))


def test_current_vocabulary_by_default(full: tuple[Path, SynthSummary]) -> None:
    root, _ = full
    rows = [row for _, row in rows_of_kind(root, "stop-and-search")]
    ethnicity = vocabulary("self_defined_ethnicity")
    outcome = vocabulary("stop_search_outcome")
    assert all(
        ethnicity[r["Self-defined ethnicity"]].note.startswith("current")
        for r in rows
        if r["Self-defined ethnicity"]
    )
    assert all(outcome[r["Outcome"]].note.startswith("current") for r in rows if r["Outcome"])


def test_legacy_vocabulary(tmp_path: Path) -> None:
    write_archive(
        tmp_path,
        start=START,
        end=START,
        scale=0.1,
        legacy_vocabulary=True,
        kinds=["stop-and-search"],
    )
    rows = [row for _, row in rows_of_kind(tmp_path, "stop-and-search")]
    ethnicity = vocabulary("self_defined_ethnicity")
    outcome = vocabulary("stop_search_outcome")
    seen_ethnicity = {r["Self-defined ethnicity"] for r in rows} - {""}
    seen_outcome = {r["Outcome"] for r in rows} - {""}
    assert seen_ethnicity and all(ethnicity[v].note.startswith("legacy") for v in seen_ethnicity)
    assert seen_outcome and all(outcome[v].note.startswith("legacy") for v in seen_outcome)
    assert not list(tmp_path.glob("*/*-street.csv"))


def test_vehicle_only_searches_have_blank_person_fields(full: tuple[Path, SynthSummary]) -> None:
    root, _ = full
    rows = [row for _, row in rows_of_kind(root, "stop-and-search")]
    vehicle = [r for r in rows if r["Type"] == "Vehicle search"]
    assert vehicle
    assert all(r[f] == "" for r in vehicle for f in PERSON_FIELDS)
    person = [r for r in rows if r["Type"] != "Vehicle search"]
    assert sum(r["Officer-defined ethnicity"] != "" for r in person) > 0.8 * len(person)


def test_stop_and_search_quirks(full: tuple[Path, SynthSummary]) -> None:
    root, _ = full
    rows = rows_of_kind(root, "stop-and-search")
    for month, row in rows:
        assert SEARCH_DATE.match(row["Date"]), row["Date"]
        assert row["Date"].startswith(month)
        for column in BOOLEAN_FIELDS:
            assert row[column] in ("True", "False", "")
        assert (row["Latitude"] == "") == (row["Longitude"] == "")
    dates = [row["Date"] for _, row in rows]
    assert any(d.endswith("T00:00:00+00:00") for d in dates)
    assert any(row["Latitude"] == "" for _, row in rows)
    assert any(row["Outcome linked to object of search"] == "" for _, row in rows)


def test_street_rows(full: tuple[Path, SynthSummary]) -> None:
    root, _ = full
    rows = rows_of_kind(root, "street")
    for month, row in rows:
        assert row["Month"] == month
        assert row["Reported by"] == row["Falls within"] == "West Midlands Police"
        assert row["Context"] == ""
        if row["Crime type"] == "Anti-social behaviour":
            assert row["Crime ID"] == "" and row["Last outcome category"] == ""
        else:
            assert HEX_ID.match(row["Crime ID"])
            assert row["Last outcome category"]
        if row["Location"] == "No Location":
            assert row["Longitude"] == row["Latitude"] == row["LSOA code"] == ""
        else:
            assert row["Location"].startswith("On or near ")
            assert re.match(r"^E01\d{6}$", row["LSOA code"])
            assert float(row["Latitude"]) == pytest.approx(52.48, abs=1.0)
            assert re.match(r"^-?\d+\.\d{6}$", row["Longitude"])
    asb = sum(row["Crime type"] == "Anti-social behaviour" for _, row in rows)
    assert 0.05 < asb / len(rows) < 0.2
    ids = [row["Crime ID"] for _, row in rows if row["Crime ID"]]
    assert len(ids) == len(set(ids))


def test_outcomes_follow_their_crimes(full: tuple[Path, SynthSummary]) -> None:
    root, _ = full
    crime_month = {row["Crime ID"]: month for month, row in rows_of_kind(root, "street")}
    last = {
        row["Crime ID"]: row["Last outcome category"] for _, row in rows_of_kind(root, "street")
    }
    outcomes = rows_of_kind(root, "outcomes")
    assert outcomes
    latest: dict[str, tuple[str, str]] = {}
    for month, row in outcomes:
        assert row["Month"] == month
        crime_id = row["Crime ID"]
        assert crime_id in crime_month
        assert crime_month[crime_id] <= month <= END
        if crime_id not in latest or latest[crime_id][0] <= month:
            latest[crime_id] = (month, row["Outcome type"])
    # Street rows show the latest outcome known; a charge shows as awaiting the court.
    for crime_id, (_, outcome) in latest.items():
        if outcome == "Suspect charged":
            assert last[crime_id] in ("Awaiting court outcome", "Court result unavailable")
        else:
            assert last[crime_id] == outcome
    # Crimes without any published outcome are still open or have no status.
    for crime_id, shown in last.items():
        if crime_id and crime_id not in latest:
            assert shown in ("Under investigation", "Status update unavailable")
    # Outcomes arrive in later months too.
    assert any(crime_month[row["Crime ID"]] < month for month, row in outcomes)


def test_line_ending_crlf(tmp_path: Path) -> None:
    write_archive(tmp_path, start=START, end=START, scale=0.01, line_ending="\r\n")
    for path in tmp_path.glob("*/*.csv"):
        data = path.read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n") > 0


def test_several_forces(tmp_path: Path) -> None:
    summary = write_archive(
        tmp_path,
        start=START,
        end=START,
        scale=0.01,
        forces=["city-of-london", "btp", "northern-ireland"],
    )
    names = sorted(p.name for p in tmp_path.glob("2021-04/*.csv"))
    assert names == [
        "2021-04-btp-stop-and-search.csv",
        "2021-04-btp-street.csv",
        "2021-04-city-of-london-outcomes.csv",
        "2021-04-city-of-london-stop-and-search.csv",
        "2021-04-city-of-london-street.csv",
        "2021-04-northern-ireland-street.csv",
    ]
    assert summary.forces == ["city-of-london", "btp", "northern-ireland"]
    rows = read_rows(tmp_path / "2021-04" / "2021-04-city-of-london-street.csv")
    assert {r["Reported by"] for r in rows} == {"City of London Police"}
    # BTP publishes no Crime IDs and no outcomes; PSNI no LSOAs and no outcomes.
    btp = read_rows(tmp_path / "2021-04" / "2021-04-btp-street.csv")
    assert btp and all(r["Crime ID"] == r["Last outcome category"] == "" for r in btp)
    psni = read_rows(tmp_path / "2021-04" / "2021-04-northern-ireland-street.csv")
    assert psni and all(r["LSOA code"] == r["Last outcome category"] == "" for r in psni)
    assert any(r["Crime ID"] for r in psni)


def test_force_volumes_scale_with_size(tmp_path: Path) -> None:
    summary = write_archive(
        tmp_path / "wm", start=START, end=START, scale=0.1, kinds=["street", "stop-and-search"]
    )
    # West Midlands at scale 1: ~25,000 street rows and ~2,300 searches a month.
    assert 2_000 < summary.rows["street"] < 3_000
    assert 180 < summary.rows["stop-and-search"] < 290
    small = write_archive(
        tmp_path / "cumbria",
        force_id="cumbria",
        start=START,
        end=START,
        scale=0.1,
        kinds=["street"],
    )
    assert small.rows["street"] < summary.rows["street"] / 3


def test_force_month_independent_of_other_forces(tmp_path: Path) -> None:
    write_archive(tmp_path / "one", start=START, end=START, scale=0.01)
    write_archive(
        tmp_path / "two", start=START, end=START, scale=0.01, forces=["cumbria", "west-midlands"]
    )
    name = f"{START}/{START}-{FORCE}-stop-and-search.csv"
    assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_national_force_ids() -> None:
    ids = national_force_ids()
    assert len(ids) == 44
    assert "btp" in ids and "northern-ireland" not in ids and FORCE in ids


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": "2021-06", "end": "2021-04"},
        {"start": "2021-13"},
        {"start": "21-04"},
        {"kinds": ["crimes"]},
        {"scale": -1.0},
        {"line_ending": "\r"},
    ],
)
def test_bad_arguments_raise(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        write_archive(tmp_path, **kwargs)  # type: ignore[arg-type]


def test_unknown_force_raises(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        write_archive(tmp_path, force_id="atlantis")
