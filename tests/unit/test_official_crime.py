"""``openpeel official crime``: ONS recorded crime by offence group with exact rate intervals."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from scipy import stats

from openpeel.cli import main
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.official_crime import recorded_crime
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.store.official import load_official, official_figures
from tests.unit.official_fixtures import ons_workbook

TOTAL = "Total recorded crime (excluding fraud)"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    load_official([ons_workbook(tmp_path / "pfatablesdec19.xlsx")], tmp_path / "data")
    return tmp_path / "data"


def test_rate_and_exact_interval(data_dir: Path) -> None:
    result = recorded_crime(
        OfficialQuery(official_figures(data_dir), "west-midlands", "December 2019")
    )
    row = result.table.set_index("offence_group").loc[TOTAL]
    assert row["offences"] == 259638 and row["population"] == 2916500
    assert row["rate_per_1000"] == pytest.approx(259638 / 2916.5)
    # Oracle: the Garwood interval from scipy's chi-square quantiles.
    low = stats.chi2.ppf(0.025, 2 * 259638) / 2 / 2916.5
    high = stats.chi2.ppf(0.975, 2 * 259638 + 2) / 2 / 2916.5
    assert row["rate_per_1000_low"] == pytest.approx(low)
    assert row["rate_per_1000_high"] == pytest.approx(high)
    assert row["published_rate_per_1000"] == pytest.approx(89.02511)
    assert "Garwood" in result.definition


def test_not_supplied_is_not_zero(data_dir: Path) -> None:
    result = recorded_crime(
        OfficialQuery(official_figures(data_dir), "greater-manchester", "December 2019")
    )
    row = result.table.set_index("offence_group").loc[TOTAL]
    assert row["status"] == "not_available"
    assert row["offences"] is None or row["offences"] != row["offences"]  # None or NaN
    assert row["rate_per_1000"] is None or row["rate_per_1000"] != row["rate_per_1000"]
    assert any("not zero" in c for c in result.caveats)


def test_errors(data_dir: Path) -> None:
    figures = official_figures(data_dir)
    with pytest.raises(UserInputError):
        recorded_crime(OfficialQuery(figures, "atlantis", "December 2019"))
    with pytest.raises(DataUnavailableError, match="loaded periods: December 2019"):
        recorded_crime(OfficialQuery(figures, "west-midlands", "June 2019"))
    with pytest.raises(DataUnavailableError):
        official_figures(data_dir / "empty")


def test_cli_gives_the_check_value(data_dir: Path) -> None:
    runner = CliRunner()
    args = ["--data-dir", str(data_dir), "official", "crime", "--force", "west-midlands"]
    result = runner.invoke(main, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert f"{TOTAL},259638.0,reported" in result.stdout
    missing = runner.invoke(main, [*args, "--year", "June 2019"])
    assert missing.exit_code == 1 and "not loaded" in missing.output
    figures = runner.invoke(
        main,
        [
            "--data-dir",
            str(data_dir),
            "official",
            "figures",
            "--publication",
            "ons-recorded-crime",
            "--force",
            "city-of-london",
            "--table",
            "P1",
            "--measure",
            "total recorded",
            "--format",
            "csv",
        ],
    )
    assert figures.exit_code == 0, figures.output
    assert ",8638.0,reported,offences,pfatablesdec19.xlsx Table P1 C12" in figures.stdout
