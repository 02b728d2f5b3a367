"""``openpeel official workforce``: representation of officers, joiners and leavers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_workforce import workforce_representation
from openpeel.store.official import load_official, official_figures
from tests.unit.official_fixtures import workforce_bulletin_workbook
from tests.unit.test_official_reader import shared_data_file


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    load_official([workforce_bulletin_workbook(tmp_path / "tabs.xlsx")], tmp_path / "data")
    return tmp_path / "data"


def test_officers_share_from_d2(data_dir: Path) -> None:
    result = workforce_representation(
        OfficialQuery(official_figures(data_dir), "west-midlands", "31 March 2017")
    )
    officers = result.table.set_index("group").loc["officers"]
    minority = 73.0 + 274.19 + 11.0 + 86.0  # the fixture has the male columns only
    assert officers["ethnic_minority_fte"] == pytest.approx(minority)
    assert officers["ethnic_minority_share"] == pytest.approx(minority / (minority + 4206.09))
    assert officers["share_low"] < officers["ethnic_minority_share"] < officers["share_high"]
    # No D1/D3/D4 in the fixture: no residents' share, no joiners or leavers rows.
    assert pd.isna(officers["representation_ratio"])
    assert list(result.table["group"]) == ["officers"]
    with pytest.raises(DataUnavailableError):
        workforce_representation(
            OfficialQuery(official_figures(data_dir), "west-midlands", "31 March 2016")
        )


def test_real_share_matches_the_published_figure(tmp_path: Path) -> None:
    path = shared_data_file("home-office-workforce/police-workforce-tabs-jul17.ods")
    load_official([path], tmp_path)
    result = workforce_representation(
        OfficialQuery(official_figures(tmp_path), "west-midlands", "31 March 2017")
    )
    table = result.table.set_index("group")
    published = result.meta["published_officers_share_percent"]
    assert 100 * table.loc["officers", "ethnic_minority_share"] == pytest.approx(published, 1e-4)
    assert set(table.index) == {"officers", "joiners", "leavers"}
    assert table.loc["joiners", "ethnic_minority_fte"] == 41.0
    residents = table.loc["officers", "residents_ethnic_minority_share"]
    assert residents == pytest.approx(0.29868, abs=1e-5)
    assert table.loc["officers", "representation_ratio"] == pytest.approx(
        table.loc["officers", "ethnic_minority_share"] / residents
    )
    out = CliRunner().invoke(
        main, ["--data-dir", str(tmp_path), "official", "workforce", "--force", "west-midlands"]
    )
    assert out.exit_code == 0, out.output
