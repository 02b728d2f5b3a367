"""police.uk outcomes reconciled with the Home Office crime outcomes for one force and year."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner
from statsmodels.stats.proportion import proportion_confint

import openpeel
from openpeel.cli import main
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.exports import read_notes
from openpeel.indicators.official_reconciliation import reconcile_outcomes
from openpeel.store.official import load_official
from tests.conftest import write_police_csv

NAME = "Cumbria Constabulary"
ID = {k: f"{ord(k):064x}" for k in "ABCDEFGH"}  # 64-hex Crime IDs
# Illustrative Home Office counts for Cumbria 2017/18 (not the published figures).
HOME_OFFICE = {
    "Charged/Summonsed": 30.0,
    "Out-of-court (formal)": 5.0,
    "Out-of-court (informal)": 5.0,
    "Evidential difficulties (suspect identified; victim supports action)": 10.0,
    "Evidential difficulties (victim does not support action)": 20.0,
    "Investigation complete – no suspect identified": 25.0,
    "Not yet assigned an outcome": 5.0,
}


def street(key: str, month: str, crime_type: str, outcome: str) -> str:
    return (
        f"{ID[key]},{month},{NAME},{NAME},-3.38,54.86,On or near Station Road,E01019126,"
        f"Allerdale 001A,{crime_type},{outcome},"
    )


def figures() -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "publication": "home-office-crime-outcomes",
                "period": "2017/18",
                "force_id": "cumbria",
                "measure": "offences",
                "dimensions": json.dumps({"outcome_group": g, "offence_group": "Theft offences"}),
                "value": v,
                "value_status": "reported",
            }
            for g, v in HOME_OFFICE.items()
        ]
    )


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    write_police_csv(
        tmp_path / "files",
        "2017-04-cumbria-street.csv",
        [
            street("A", "2017-04", "Burglary", "Offender sent to prison"),
            street("B", "2017-04", "Burglary", "Awaiting court outcome"),
            street("C", "2017-04", "Shoplifting", "Local resolution"),
            street("D", "2017-04", "Shoplifting", "Unable to prosecute suspect"),
            street("E", "2017-04", "Shoplifting", "Investigation complete; no suspect identified"),
            street(
                "F", "2017-04", "Vehicle crime", "Investigation complete; no suspect identified"
            ),
            street("G", "2017-04", "Vehicle crime", "Under investigation"),
            ",2017-04,Cumbria Constabulary,Cumbria Constabulary,-3.38,54.86,On or near X,"
            "E01019126,Allerdale 001A,Anti-social behaviour,,",
        ],
    )
    openpeel.ingest([tmp_path / "files"], tmp_path / "data")
    return tmp_path / "data"


def test_groups_differences_and_causes(lake: Path) -> None:
    result = reconcile_outcomes(openpeel.connect(lake), figures(), "cumbria", "2017/18")
    t = result.table.set_index("outcome_group")
    assert t.loc["all_crimes", "policeuk_crimes"] == 7  # anti-social behaviour is not a crime
    assert t.loc["all_crimes", "home_office_crimes"] == 100
    charged = t.loc["charged_summonsed"]
    assert charged["policeuk_crimes"] == 2  # a court result and awaiting court: both charged
    assert charged["home_office_share"] == pytest.approx(0.30)
    assert charged["difference_share"] == pytest.approx(2 / 7 - 0.30)
    low, high = proportion_confint(2, 7, method="wilson")
    assert charged["policeuk_share_low"] == pytest.approx(low)
    assert charged["policeuk_share_high"] == pytest.approx(high)
    evidential = t.loc["evidential_difficulties"]
    assert evidential["home_office_crimes"] == 30  # outcomes 14-16 together
    assert "Unable to prosecute suspect" in evidential["known_cause"]
    assert t.loc["out_of_court", "policeuk_crimes"] == 1
    assert t.loc["not_yet_assigned", "policeuk_crimes"] == 1
    assert t["known_cause"].str.len().min() > 20  # every row says why it may differ
    assert any("Only 1 of the year's 12 months" in c for c in result.caveats)
    shares = t.drop(index="all_crimes")
    assert shares["policeuk_crimes"].sum() == 7 and shares["home_office_crimes"].sum() == 100


def test_refusals(lake: Path) -> None:
    con = openpeel.connect(lake)
    with pytest.raises(DataUnavailableError, match=r"loaded years: 2017/18"):
        reconcile_outcomes(con, figures(), "cumbria", "2018/19")
    with pytest.raises(DataUnavailableError, match="no Home Office"):
        reconcile_outcomes(con, figures(), "kent", "2017/18")
    with pytest.raises(UserInputError):
        reconcile_outcomes(con, figures(), "cumbria", "2017")


def test_cli_reconcile(lake: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--data-dir", str(lake), "official", "reconcile", "--force", "cumbria"]
    # No Home Office outcomes loaded: a one-line refusal, not a traceback.
    missing = runner.invoke(main, [*args, "--year", "2017/18"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    header = (
        "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
        "Offence Subgroup,Offence Code,Offence Code Expired,Outcome Description,Outcome Group,"
        "Outcome Type,Force outcomes for offences recorded in quarter,"
        "Force outcomes recorded in quarter"
    )
    lines = [header] + [
        f"2017/18,1,Cumbria,x,Theft offences,x,1,NA,x,{group},1,{n:.0f},0"
        for group, n in HOME_OFFICE.items()
    ]
    path = tmp_path / "prc-outcomes-open-data-mar2018.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_official([path], lake)
    result = runner.invoke(main, [*args, "--year", "2017/18", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert any(n.startswith("caveat: Only 1 of the year") for n in read_notes(result.stdout))
    assert "all_crimes,7.0," in result.stdout and ",100.0," in result.stdout
