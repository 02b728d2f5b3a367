"""`openpeel population load` on the real ONS files stores the West Midlands check figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import openpeel
from openpeel.cli import main
from tests.conftest import shared_data

CENSUS = shared_data() / "census2021"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not CENSUS.is_dir(), reason=f"real data not found at {CENSUS}"),
]


def test_population_load_and_read_back(tmp_path: Path) -> None:
    with pytest.raises(openpeel.store.population.PopulationMissingError, match="population load"):
        openpeel.population(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(tmp_path),
            "population",
            "load",
            str(CENSUS / "ts021-ethnic-group-by-ltla.csv"),
            str(CENSUS / "lad22-csp22-pfa22-lookup.csv"),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "west-midlands,667315,236047,121685,1793173,101435,2919655" in result.stdout
    table = openpeel.population(tmp_path).to_pandas()
    wm = table[table.force_id == "west-midlands"].set_index("ethnic_group").population
    assert wm.to_dict() == {
        "asian": 667315,
        "black": 236047,
        "mixed": 121685,
        "white": 1793173,
        "other": 101435,
        "total": 2919655,
    }
    con = openpeel.connect(tmp_path)
    assert con.table("population").count().execute() == len(table)
