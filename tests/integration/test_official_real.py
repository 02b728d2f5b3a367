"""Every published file in ../shared/data/official reads with every row accounted for, and the
check values of the official-statistics and workforce issues come out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openpeel.sources.publications import PublicationRead, read_publication
from tests.conftest import shared_data

pytestmark = pytest.mark.realdata

OFFICIAL = shared_data() / "official"
FOLDERS = (
    "ons-recorded-crime",
    "home-office-outcomes",
    "home-office-use-of-force",
    "home-office-workforce",
    "hmicfrs-vfm",
)
FILES = sorted(p for f in FOLDERS for p in (OFFICIAL / f).glob("*") if p.is_file())

needs_data = pytest.mark.skipif(
    not OFFICIAL.is_dir(), reason=f"real official statistics not found at {OFFICIAL}"
)


def _read(relative: str) -> PublicationRead:
    path = OFFICIAL / relative
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return read_publication(path)


def _figures(read: PublicationRead, **where: object) -> list[dict[str, object]]:
    return [r for r in read.tidy.to_pylist() if all(r[k] == v for k, v in where.items())]


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_file_reads_with_every_row_accounted_for(path: Path) -> None:
    read = read_publication(path)
    assert read.tidy.num_rows > 0
    for table in read.tables:
        assert table.rows_read == table.rows_loaded + table.rows_rejected, table
        if table.rows_read == 0 and table.figures == 0:
            assert table.skipped_reason, f"{table.sheet}: no rows and no reason"
    reasons = read.rejects.column("reason").to_pylist()
    assert all(reasons), "every reject carries a reason"
    # A rejected row is a small minority: a table that loses its forces is a layout change.
    assert read.rows_rejected <= max(3, read.rows_read // 100)
    # Aggregates are never counted as forces.
    forces = {r for r in read.tidy.column("force_id").to_pylist() if r}
    assert not any(f.startswith(("region-", "england")) for f in forces)
    assert len(forces) >= 40


@needs_data
def test_ons_year_ending_december_2019() -> None:
    read = _read("ons-recorded-crime/pfatablesdec19.xlsx")
    assert read.period == "December 2019"
    total = "Total recorded crime (excluding fraud)"

    def p1(area_id: str) -> dict[str, object]:
        (row,) = _figures(read, table_id="P1", area_id=area_id, measure=total)
        return row

    assert p1("west-midlands")["value"] == 259638
    assert p1("west-midlands")["area_code"] == "E23000014"
    assert p1("city-of-london")["value"] == 8638
    assert p1("greater-manchester")["value"] is None
    assert p1("greater-manchester")["value_status"] == "not_available"
    assert p1("region-west-midlands")["force_id"] is None
    population = _figures(
        read,
        table_id="P3",
        force_id="west-midlands",
        measure="Population figures (mid-2018) rounded to 100",
    )
    assert population[0]["value"] == 2916500
    (rate,) = _figures(read, table_id="P3", force_id="west-midlands", measure=total)
    assert round(float(rate["value"]), 2) == 89.03  # type: ignore[arg-type]


@needs_data
def test_use_of_force_2019_20() -> None:
    read = _read("home-office-use-of-force/police-use-of-force-apr2019-mar2020-hosb3720-tables.ods")
    assert read.period == "2019/20"
    (incidents,) = _figures(read, table_id="12", force_id="west-midlands")
    assert incidents["value"] == 11187
    by_ethnicity = {
        json.loads(str(r["dimensions"]))["perceived_ethnicity"]: r["value"]
        for r in _figures(read, table_id="16", force_id="west-midlands")
        if json.loads(str(r["dimensions"]))["Tactic"] == "Total Tactics"
    }
    assert by_ethnicity == {
        "White": 10868,
        "Black (or Black British)": 3512,
        "Asian (or Asian British)": 2540,
        "Mixed": 982,
        "Other": 272,
        "Not reported": 284,
        "Number of times tactic reported": 18458,
    }


@needs_data
def test_workforce_31_march_2017() -> None:
    read = _read("home-office-workforce/police-workforce-tabs-jul17.ods")
    assert read.period == "31 March 2017"
    h1 = {
        str(r["measure"]): r["value"]
        for r in _figures(read, table_id="H1", force_id="west-midlands")
    }
    assert h1["All officers (full-time equivalent) | Total"] == pytest.approx(6755.96)
    assert h1["All officers (full-time equivalent) | Male"] == pytest.approx(4722.19)
    assert h1["All officers (full-time equivalent) | Female"] == pytest.approx(2033.77)
    d2 = {
        str(r["measure"]): r["value"]
        for r in _figures(read, table_id="D2", force_id="west-midlands")
    }
    expected = {
        "White": 4206.09,
        "Black or Black British": 73.0,
        "Asian or Asian British": 274.19,
        "Chinese or Other ethnic group": 11.0,
        "Mixed": 86.0,
        "Not stated": 71.91,
    }
    for group, value in expected.items():
        assert d2[f"Male | {group}"] == pytest.approx(value), group


@needs_data
def test_outcomes_and_workforce_long_tables() -> None:
    outcomes = _read("home-office-outcomes/detection-rates-data-2017-18.csv.gz")
    assert outcomes.rows_read == 450913 and outcomes.rows_rejected == 1
    assert "empty row" in outcomes.rejects.column("reason").to_pylist()[0]
    forces = set(outcomes.tidy.column("force_id").to_pylist())
    assert len(forces) == 44 and "btp" in forces
    workforce = _read("home-office-workforce/officer-rank-from-2003.csv")
    assert workforce.rows_rejected == 0
    statuses = set(workforce.tidy.column("value_status").to_pylist())
    assert statuses == {"reported", "zero_or_suppressed"}


@needs_data
def test_value_for_money_wide_tables() -> None:
    adr = _read("hmicfrs-vfm/HMICFRS-VFM-2017-open-data-ADR.ods")
    stray = [t for t in adr.tables if t.sheet.startswith("'file:")]
    assert stray and all("reordering tool" in str(t.skipped_reason) for t in stray)
    calls = [r for r in adr.tidy.to_pylist() if "ADR 441" in str(r["measure"])]
    assert len({r["force_id"] for r in calls}) >= 43


@needs_data
@pytest.mark.slow
def test_check_values_from_the_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from openpeel.cli import main

    files = [
        OFFICIAL / "ons-recorded-crime" / "pfatablesdec19.xlsx",
        OFFICIAL
        / "home-office-use-of-force"
        / "police-use-of-force-apr2019-mar2020-hosb3720-tables.ods",
        OFFICIAL / "home-office-workforce" / "police-workforce-tabs-jul17.ods",
    ]
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    loaded = runner.invoke(main, [*base, "official", "load", *map(str, files), "--format", "csv"])
    assert loaded.exit_code == 0, loaded.output
    again = runner.invoke(main, [*base, "official", "load", *map(str, files), "--format", "csv"])
    assert again.stdout.count(",unchanged,") == 3

    crime = runner.invoke(
        main,
        [
            *base,
            "official",
            "crime",
            "--force",
            "west-midlands",
            "--year",
            "December 2019",
            "--format",
            "csv",
        ],
    )
    assert "Total recorded crime (excluding fraud),259638.0,reported" in crime.stdout
    gmp = runner.invoke(
        main, [*base, "official", "crime", "--force", "greater-manchester", "--format", "csv"]
    )
    assert "Total recorded crime (excluding fraud),,not_available" in gmp.stdout

    def figures(*args: str) -> str:
        out = runner.invoke(main, [*base, "official", "figures", *args, "--format", "csv"])
        assert out.exit_code == 0, out.output
        return out.stdout

    incidents = figures(
        "--publication", "home-office-use-of-force", "--force", "west-midlands", "--table", "12"
    )
    assert ",11187.0,reported," in incidents
    h1 = figures(
        "--publication",
        "home-office-workforce-bulletin",
        "--force",
        "west-midlands",
        "--table",
        "H1",
        "--measure",
        "All officers",
    )
    for value in ("4722.19", "2033.77", "6755.96"):
        assert f",{value},reported,fte," in h1
