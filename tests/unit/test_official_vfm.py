"""Demand, workforce resources and money from the HMICFRS value for money profiles: rates with
exact intervals, change since a named base year, joining and leaving as the Home Office
computes them, funding and spending per resident; through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from click.testing import CliRunner
from scipy import stats

from openpeel.cli import main
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.exports import strip_notes
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_money import money, money_peers
from openpeel.reference.columns import output_columns
from tests.unit.official_fixtures import write_workbook

INCIDENTS = "[ADR 342 - Emergency and Priority Incidents year to end 31 March"
FORCES = ["Avon and Somerset", "Cambridgeshire", "Cheshire", "Kent", "West Midlands", "Essex"]
# Illustrative figures in the ADR layout (not the published ones).
ADR_ROWS = [
    ("Population (1000s) [Office of National Statistics mid-2016 estimates]", "Population"),
    ("999 calls [ADR 441 - 999 calls received by force year to 31 March 2017]", "999 calls"),
    (f"NSIR incidents - Emergency {INCIDENTS} 2016]", "Incidents"),
    (f"NSIR incidents - Emergency {INCIDENTS} 2017]", "Incidents"),
    (f"NSIR incidents - Priority {INCIDENTS} 2017]", "Incidents"),
    ("Officers - 2009/10 (FTE) [ADR 502 - Officers as of years end]", "Historic officers"),
    ("Officers - 2015/16 (FTE) [ADR 502 - Officers as of years end]", "Historic officers"),
    ("Officers - 2016/17 (FTE) [ADR 502 - Officers as of years end]", "Historic officers"),
    ("Joiners - Officers (FTE) [ADR 521 - Joiners year to 31 March 2017]", "Joiners"),
    ("Leavers - Officers (FTE) [ADR 531 - Leavers year to 31 March 2017]", "Leavers"),
]
VALUES = {
    "Population": [1000.0, 800.0, 1000.0, 1800.0, 2800.0, 1800.0],
    "999 calls": [100000.0, "..", 120000.0, 200000.0, 600000.0, 190000.0],
    "Emergency 2016": [9.0, 9.0, 9.0, 9.0, 9.0, 9.0],
    "Emergency 2017": [20000.0, 15000.0, 22000.0, 30000.0, 140000.0, 31000.0],
    "Priority 2017": [60000.0, 45000.0, 66000.0, 90000.0, 140000.0, 93000.0],
    "Officers 2010": [3000.0, 1400.0, 2100.0, 3700.0, 8600.0, 3500.0],
    "Officers 2016": [2700.0, 1300.0, 2000.0, 3300.0, 7000.0, 3200.0],
    "Officers 2017": [2600.0, 1350.0, 1950.0, 3250.0, 6800.0, 3100.0],
    "Joiners": [100.0, 50.0, 60.0, 150.0, 220.0, 120.0],
    "Leavers": [200.0, 40.0, 90.0, 180.0, 410.0, 200.0],
}


def adr_workbook(path: Path) -> Path:
    rows: list[list[Any]] = [["Home Office ADR data"], [], ["", *FORCES]]
    section = None
    for (label, heading), values in zip(ADR_ROWS, VALUES.values(), strict=True):
        if heading != section:
            rows.append([heading])
            section = heading
        rows.append([label, *values])
    return write_workbook(path, {"Notes_and_sources": [["Notes"]], "Data": rows})


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    runner = CliRunner()
    adr = adr_workbook(tmp_path / "HMICFRS-VFM-2017-open-data-ADR.xlsx")
    result = runner.invoke(
        main, ["--data-dir", str(tmp_path / "data"), "official", "load", str(adr)]
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "data"


def _csv(data_dir: Path, *args: str) -> list[dict[str, str]]:
    import csv
    import io

    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "official", *args, "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(strip_notes(result.stdout))))


def test_demand_rates_and_grades(data_dir: Path) -> None:
    rows = {r["measure"]: r for r in _csv(data_dir, "demand", "--force", "west-midlands")}
    calls = rows["calls_999"]
    assert float(calls["rate_per_1000"]) == pytest.approx(600000 / 2800)
    high = stats.chi2.ppf(0.975, 2 * 600000 + 2) / 2 / 2800
    assert float(calls["rate_per_1000_high"]) == pytest.approx(high)
    # England and Wales: every force with a figure (Cambridgeshire's '..' is left out).
    assert float(calls["england_and_wales_rate_per_1000"]) == pytest.approx(
        1000 * 1210000 / (1000 + 1000 + 1800 + 2800 + 1800) / 1000
    )
    assert calls["forces_compared"] == "5" and calls["rank"] == "1"
    emergency = rows["emergency"]
    assert emergency["year_to_31_march"] == "2017"  # the latest year, not 2016
    assert float(emergency["share"]) == pytest.approx(0.5)
    peers = _csv(data_dir, "demand", "--force", "kent", "--compare")
    by_force = {r["force_id"]: r for r in peers}
    assert by_force["cambridgeshire"]["funnel_position"] == "no_value"
    assert by_force["kent"]["is_focus"] == "True"


def test_resources_change_joining_and_leaving(data_dir: Path) -> None:
    rows = _csv(data_dir, "workforce", "--force", "west-midlands", "--view", "resources")
    t = {r["measure"]: r for r in rows}
    officers = t["officers_per_1000"]
    assert float(officers["value"]) == pytest.approx(6800 / 2800)
    assert officers["base_year"] == "2010" and float(officers["change_fte"]) == -1800
    assert float(officers["change_percent"]) == pytest.approx(-1800 / 8600 * 100)
    assert float(t["officer_joiners_share"]["value"]) == pytest.approx(220 / 6800)
    # Leavers over the officers at the start of the year (as the Home Office's wastage rate).
    assert float(t["officer_leavers_share"]["value"]) == pytest.approx(410 / 7000)
    later = _csv(
        data_dir, "workforce", "--force", "west-midlands", "--view", "resources",
        "--base-year", "2016",
    )  # fmt: skip
    assert float(later[0]["change_fte"]) == -200
    bad = CliRunner().invoke(
        main,
        [
            *("--data-dir", str(data_dir), "official", "workforce", "--force", "west-midlands"),
            *("--view", "resources", "--base-year", "2001"),
        ],
    )
    assert bad.exit_code == 1 and "not 2001" in bad.output


def poa_figures() -> pa.Table:
    """Funding and spending (sheets 3 and 8) in £000s and the ADR population, five forces."""

    def cell(
        publication: str, table: str, measure: str, force: str, value: float
    ) -> dict[str, Any]:
        return {
            "publication": publication,
            "period": "VFM profiles 2017",
            "table_id": table,
            "force_id": force,
            "measure": measure,
            "dimensions": json.dumps({}),
            "value": value,
        }

    rows = []
    for i, force in enumerate(("kent", "essex", "west-midlands", "cheshire", "dorset")):
        rows.append(cell("hmicfrs-vfm-adr", "ADR", "Population (1000s) [ONS]", force, 1000.0))
        rows.append(cell("hmicfrs-vfm-poa", "3_Funding", "Central Funding", force, 100000.0 + i))
        rows.append(cell("hmicfrs-vfm-poa", "3_Funding", "Total funding", force, 150000.0 + i))
        rows.append(cell("hmicfrs-vfm-poa", "8_GRE", "TOTAL LOCAL POLICING*", force, 60000.0))
        rows.append(cell("hmicfrs-vfm-poa", "8_GRE", "TOTAL", force, 200000.0 * (i + 1)))
    return pa.Table.from_pylist(rows)


def test_money_per_resident() -> None:
    result = money(OfficialQuery(poa_figures(), "west-midlands", "VFM profiles 2017"))
    t = result.table.set_index("item")
    assert t.loc["Total funding", "value"] == pytest.approx(150002 * 1000 / 1_000_000)
    assert t.loc["TOTAL LOCAL POLICING", "share_of_spending"] == pytest.approx(60000 / 600000)
    assert t.loc["TOTAL", "rank"] == 3 and t.loc["TOTAL", "forces_compared"] == 5
    assert set(result.table.columns) <= set(output_columns())
    ranked = money_peers(
        OfficialQuery(poa_figures(), "west-midlands", "VFM profiles 2017"),
        section="funding",
        item="total funding",
    )
    wm = ranked.table.set_index("force_id").loc["west-midlands"]
    assert wm["rank"] == 3 and wm["funnel_position"] == "withheld"
    assert set(ranked.table.columns) <= set(output_columns())
    with pytest.raises(UserInputError, match="TOTAL LOCAL POLICING"):
        money_peers(
            OfficialQuery(poa_figures(), "west-midlands", "VFM profiles 2017"),
            section="spending",
            item="piracy",
        )
    with pytest.raises(DataUnavailableError, match="loaded: VFM profiles 2017"):
        money(OfficialQuery(poa_figures(), "west-midlands", "VFM profiles 2016"))
