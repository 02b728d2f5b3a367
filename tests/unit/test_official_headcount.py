"""Officers, staff, PCSOs and specials per 1,000 residents by headcount beside FTE (Home Office
police workforce tables, residents from the value for money ADR): values, exact intervals,
change since the earliest date, every force compared; through the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from scipy import stats

from openpeel.cli import main
from openpeel.exports import strip_notes
from openpeel.reference.columns import output_columns
from tests.unit.official_fixtures import (
    HEADCOUNT_FORCES,
    vfm_adr_rows,
    workforce_headcount_workbook,
    write_workbook,
)

#: Residents (thousands) of the ADR fixture, by force id.
RESIDENTS = {
    "avon-and-somerset": 1680.715,
    "bedfordshire": 664.479,
    "cambridgeshire": 849.035,
    "cheshire": 1048.087,
    "city-of-london": 7.4,
    "west-midlands": 2864.9,
}
#: The open data table in its current shape: West Midlands officers at 31 March 2003, two rows
#: (one suppressed) summed to the force's headcount.
OPEN_DATA = (
    "As at 31 March,Geocode,Force name,Region,Sex,Rank,Worker type,Total (Headcount),"
    "Total (FTE)\n"
    '2003,E23000014,West Midlands,West Midlands,Male,Constable,Police Officer," 5,000 ",4950.5\n'
    "2003,E23000014,West Midlands,West Midlands,Female,Constable,Police Officer,2934,2800\n"
    "2003,E23000014,West Midlands,West Midlands,Female,Chief Officer,Police Officer, - , - \n"
    "2003,E12000005,West Midlands region,West Midlands,Male,Constable,Police Officer,99999,99999\n"
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("headcount")
    adr = write_workbook(
        where / "HMICFRS-VFM-2017-open-data-ADR.xlsx",
        {"Notes_and_sources": [["Notes"]], "Data": vfm_adr_rows()},
    )
    bulletin = workforce_headcount_workbook(where / "police-workforce-tabs-jul17.xlsx")
    open_data = where / "police-workforce-open-data.csv"
    open_data.write_text(OPEN_DATA)
    files = [str(p) for p in (adr, bulletin, open_data)]
    result = CliRunner().invoke(
        main, ["--data-dir", str(where / "data"), "official", "load", *files]
    )
    assert result.exit_code == 0, result.output
    return where / "data"


def _run(data_dir: Path, *args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(
        main,
        [
            *("--data-dir", str(data_dir), "official", "workforce", "--force", "west-midlands"),
            *args,
            *("--format", "csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(strip_notes(result.stdout))))


def test_headcount_beside_fte_with_exact_interval(data_dir: Path) -> None:
    rows = {r["worker"]: r for r in _run(data_dir, "--view", "resources", "--measure", "headcount")}
    officers = rows["officers"]
    people = 2864.9 * 1000
    assert officers["as_at"] == "31 March 2017"
    assert float(officers["workforce_headcount"]) == 6914
    assert float(officers["workforce_fte"]) == pytest.approx(6755.96)
    assert float(officers["headcount_per_1000"]) == pytest.approx(1000 * 6914 / people)
    assert float(officers["fte_per_1000"]) == pytest.approx(1000 * 6755.96 / people)
    assert float(officers["fte_per_headcount"]) == pytest.approx(6755.96 / 6914)
    # Exact (Garwood) Poisson interval on the headcount, from the chi-squared distribution.
    low = stats.chi2.ppf(0.025, 2 * 6914) / 2 / people * 1000
    high = stats.chi2.ppf(0.975, 2 * 6914 + 2) / 2 / people * 1000
    assert float(officers["headcount_per_1000_low"]) == pytest.approx(low)
    assert float(officers["headcount_per_1000_high"]) == pytest.approx(high)
    assert officers["value"] == officers["headcount_per_1000"]
    # England and Wales: the six forces' headcount over their residents.
    heads = {f: v[1] for f, v in zip(RESIDENTS, HEADCOUNT_FORCES.values(), strict=True)}
    national = 1000 * sum(heads.values()) / (1000 * sum(RESIDENTS.values()))
    assert float(officers["england_and_wales_value"]) == pytest.approx(national)
    per = {f: heads[f] / RESIDENTS[f] for f in heads}
    expected_rank = 1 + sum(v > per["west-midlands"] for v in per.values())
    assert officers["rank"] == str(expected_rank) and officers["forces_compared"] == "6"
    # Change since the open data's 31 March 2003 (5,000 + 2,934; the '-' cell adds nothing,
    # the region row is not the force).
    assert officers["base_as_at"] == "31 March 2003"
    assert float(officers["base_count"]) == 7934
    assert float(officers["change_count"]) == 6914 - 7934
    assert float(officers["change_percent"]) == pytest.approx(100 * (6914 - 7934) / 7934)
    specials = rows["special_constables"]
    # Table H9's West Midlands region (705) is never the force (205).
    assert float(specials["workforce_headcount"]) == 205
    assert specials["base_as_at"] == "31 March 2016" and float(specials["change_count"]) == -98
    assert specials["workforce_fte"] == ""  # specials are published as headcount only


def test_fte_measure_and_every_force_compared(data_dir: Path) -> None:
    peers = {
        r["force_id"]: r
        for r in _run(data_dir, "--view", "resources", "--measure", "headcount", "--compare")
    }
    mine = {r["worker"]: r for r in _run(data_dir, "--view", "resources", "--measure", "headcount")}
    wm = peers["west-midlands"]
    assert wm["is_focus"] == "True"
    assert float(wm["value"]) == pytest.approx(float(mine["officers"]["headcount_per_1000"]))
    assert float(wm["value_low"]) == pytest.approx(float(mine["officers"]["value_low"]))
    assert wm["rank"].split(".")[0] == mine["officers"]["rank"]
    assert wm["funnel_position"] != "withheld" and float(wm["upper_99_8"]) > float(wm["lower_95"])
    assert set(peers) == set(RESIDENTS)  # regions and the national row are never forces
    by_fte = {
        r["force_id"]: r
        for r in _run(data_dir, "--view", "resources", "--measure", "fte", "--compare")
    }
    assert float(by_fte["west-midlands"]["value"]) == pytest.approx(6755.96 / 2864.9)
    assert by_fte["west-midlands"]["value_low"] == ""  # FTE is an amount: no interval
    specials = {
        r["force_id"]: r
        for r in _run(
            data_dir,
            "--view",
            "resources",
            "--compare",
            "--worker",
            "special_constables",
            "--measure",
            "headcount",
        )
    }
    assert float(specials["west-midlands"]["count"]) == 205


def test_bad_choices_are_one_line_errors(data_dir: Path) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            main,
            [
                *("--data-dir", str(data_dir), "official", "workforce"),
                *("--force", "west-midlands", *args),
            ],
        )
        return result.exit_code, result.output

    code, out = run("--view", "strength", "--measure", "headcount")
    assert code == 2 and "needs --view resources" in out
    code, out = run("--view", "resources", "--measure", "headcount", "--year", "31 March 2012")
    assert code == 1 and "loaded: 31 March 2003" in out and "Traceback" not in out
    code, out = run("--view", "resources", "--measure", "headcount", "--year", "last spring")
    assert code == 1 and "is not a date" in out
    # No population estimate near 2003: counts without rates, and a caveat says why.
    result = CliRunner().invoke(
        main,
        [
            *("--data-dir", str(data_dir), "official", "workforce", "--force", "west-midlands"),
            *("--view", "resources", "--measure", "headcount", "--year", "2003", "--format", "csv"),
        ],
    )
    assert result.exit_code == 0 and "No ONS mid-year population estimate" in result.output
    (row,) = csv.DictReader(io.StringIO(strip_notes(result.stdout)))
    assert row["workforce_headcount"] == "7934.0" and row["headcount_per_1000"] == ""


def test_columns_are_catalogued(data_dir: Path) -> None:
    rows = _run(data_dir, "--view", "resources", "--measure", "headcount")
    assert set(rows[0]) <= set(output_columns())
