"""``openpeel official outcomes``: outcome-group shares by force with Wilson intervals."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from statsmodels.stats.proportion import proportion_confint

from openpeel.cli import main
from openpeel.errors import UserInputError
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_outcomes import outcome_shares
from openpeel.store.official import load_official, official_figures

HEADER = (
    "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
    "Offence Subgroup,Offence Code,Offence Code Expired,Outcome Description,Outcome Group,"
    "Outcome Type,Force outcomes for offences recorded in quarter,"
    "Force outcomes recorded in quarter"
)
# Invented counts in the published layout (not real figures).
ROWS = [
    ("West Midlands", "Robbery", "Charged/Summonsed", 30),
    ("West Midlands", "Robbery", "Investigation complete – no suspect identified", 60),
    ("West Midlands", "Sexual offences", "Charged/Summonsed", 10),
    ("Wiltshire", "Robbery", "Charged/Summonsed", 5),
    ("Wiltshire", "Robbery", "Investigation complete – no suspect identified", 45),
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    lines = [HEADER] + [
        f"2017/18,1,{force},x,{group},x,1,NA,x,{outcome},1,{n},0"
        for force, group, outcome, n in ROWS
    ]
    path = tmp_path / "prc-outcomes-open-data-mar2018.csv"
    path.write_text("\n".join(lines) + "\n")
    load_official([path], tmp_path / "data")
    return tmp_path / "data"


def test_shares_national_and_rank(data_dir: Path) -> None:
    result = outcome_shares(OfficialQuery(official_figures(data_dir), "west-midlands", "2017/18"))
    charged = result.table.set_index("outcome_group").loc["Charged/Summonsed"]
    assert charged["crimes"] == 40 and charged["share"] == pytest.approx(0.4)
    low, high = proportion_confint(40, 100, alpha=0.05, method="wilson")
    assert (charged["share_low"], charged["share_high"]) == pytest.approx((low, high))
    assert charged["england_and_wales_share"] == pytest.approx(45 / 150)
    assert charged["rank_among_forces"] == 1 and charged["forces_compared"] == 2


def test_one_offence_group(data_dir: Path) -> None:
    figures = official_figures(data_dir)
    result = outcome_shares(OfficialQuery(figures, "wiltshire", "2017/18"), offence_group="Robbery")
    charged = result.table.set_index("outcome_group").loc["Charged/Summonsed"]
    assert charged["share"] == pytest.approx(0.1)
    with pytest.raises(UserInputError, match="one of: Robbery, Sexual offences"):
        outcome_shares(OfficialQuery(figures, "wiltshire", "2017/18"), offence_group="Fraud")


def test_cli(data_dir: Path) -> None:
    out = CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(data_dir),
            "official",
            "outcomes",
            "--force",
            "west-midlands",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "Charged/Summonsed,40.0,0.4," in out.stdout
