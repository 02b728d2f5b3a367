"""``openpeel official use-of-force``: incidents, tactics by perceived ethnicity, rates, ratios."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner
from scipy import stats

from openpeel.cli import main
from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_use_of_force import group_of, use_of_force
from openpeel.store.official import load_official, official_figures
from tests.unit.official_fixtures import use_of_force_workbook

PERIOD = "2019/20"
RESIDENTS = {
    "white": 1_500_000,
    "black": 130_000,
    "asian": 560_000,
    "mixed": 120_000,
    "other": 100_000,
    "total": 2_410_000,
}  # illustrative, not Census figures


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = use_of_force_workbook(tmp_path / "police-use-of-force-apr2019-mar2020-tables.xlsx")
    load_official([path], tmp_path / "data")
    return tmp_path / "data"


def _population() -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"force_id": "west-midlands", "ethnic_group": g, "population": n}
            for g, n in RESIDENTS.items()
        ]
    )


def test_labels_to_groups() -> None:
    assert group_of("Black (or Black British)") == "black"
    assert group_of("Chinese or Other") == "other"
    assert group_of("Not reported") == "not_reported"
    assert group_of("Number of times tactic reported") == "total"


def test_counts_shares_rates_and_ratios(data_dir: Path) -> None:
    result = use_of_force(
        OfficialQuery(official_figures(data_dir), "west-midlands", PERIOD, population=_population())
    )
    table = result.table.set_index("perceived_ethnicity")
    assert table.loc["all", "incidents"] == 11187 and table.loc["all", "tactics"] == 18458
    assert table.loc["black", "tactics"] == 3512
    assert table.loc["black", "share"] == pytest.approx(3512 / 18458)
    assert table.loc["black", "rate_per_1000"] == pytest.approx(3512 / 130)
    high = stats.chi2.ppf(0.975, 2 * 3512 + 2) / 2 / 130
    assert table.loc["black", "rate_per_1000_high"] == pytest.approx(high)
    ratio = (3512 / 130_000) / (10868 / 1_500_000)
    assert table.loc["black", "ratio_to_white"] == pytest.approx(ratio)
    assert table.loc["black", "ratio_low"] < ratio < table.loc["black", "ratio_high"]
    assert any("lower bound" in c for c in result.caveats)


def test_without_population_rates_are_not_available(data_dir: Path) -> None:
    result = use_of_force(OfficialQuery(official_figures(data_dir), "west-midlands", PERIOD))
    assert result.table["rate_per_1000"].isna().all()
    assert any("No population loaded" in c for c in result.caveats)
    with pytest.raises(DataUnavailableError, match="loaded: 2019/20"):
        use_of_force(OfficialQuery(official_figures(data_dir), "west-midlands", "2015/16"))


def test_cli(data_dir: Path) -> None:
    out = CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(data_dir),
            "official",
            "use-of-force",
            "--force",
            "west-midlands",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.output
    rows = [line for line in out.stdout.splitlines() if not line.startswith("#")]
    assert rows[1].startswith("all,11187.0,18458.0")
