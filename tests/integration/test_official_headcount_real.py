"""Headcount beside FTE on the published files: every figure the indicator gives is read again
here straight from the spreadsheets (python-calamine, the csv module), not through the loader,
and regions and national totals never count as forces."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from scipy import stats

from openpeel.indicators.official_headcount import workforce_peers, workforce_per_1000
from openpeel.store.official import load_official, official_figures
from tests.conftest import shared_data

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

OFFICIAL = shared_data() / "official"
WORKFORCE = OFFICIAL / "home-office-workforce"
FILES = (
    WORKFORCE / "police-workforce-tabs-jul17.ods",
    WORKFORCE / "police-workforce-sep19-tables.ods",
    WORKFORCE / "officer-rank-from-2003.csv",
    OFFICIAL / "hmicfrs-vfm" / "HMICFRS-VFM-2017-open-data-ADR.ods",
    OFFICIAL / "ons-recorded-crime" / "pfatablesdec19.xlsx",
)
needs_data = pytest.mark.skipif(
    not all(f.is_file() for f in FILES), reason=f"real workforce files not found under {OFFICIAL}"
)


def _sheet(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _force_row(rows: list[list[object]], name: str) -> list[float]:
    """The force's row: the last row named so (a region of the same name comes first)."""
    return _numbers([r for r in rows if str(r[0]).strip() == name][-1])


def _numbers(row: list[object]) -> list[float]:
    """The row's cells as numbers (NaN where a cell is not one)."""
    out = []
    for cell in row:
        try:
            out.append(float(str(cell)))
        except ValueError:
            out.append(float("nan"))
    return out


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    where = tmp_path_factory.mktemp("headcount-real")
    load_official(list(FILES), where)
    return official_figures(where)


@needs_data
def test_31_march_2017_headcount_beside_fte(figures) -> None:  # type: ignore[no-untyped-def]
    bulletin = WORKFORCE / "police-workforce-tabs-jul17.ods"
    heads = float(_force_row(_sheet(bulletin, "Table_S2"), "West Midlands")[7])
    fte = float(_force_row(_sheet(bulletin, "Table_H1"), "West Midlands")[3])
    specials = float(_force_row(_sheet(bulletin, "Table_H9"), "West Midlands")[2])
    adr = _sheet(OFFICIAL / "hmicfrs-vfm" / "HMICFRS-VFM-2017-open-data-ADR.ods", "Data")
    column = [str(c).strip() for c in adr[2]].index("West Midlands")
    people = (
        1000 * _numbers(next(r for r in adr if str(r[0]).startswith("Population (1000s)")))[column]
    )
    assert (heads, fte, specials) == (6914, pytest.approx(6755.96), 205)
    t = workforce_per_1000(figures, "west-midlands", "31 March 2017").table.set_index("worker")
    officers = t.loc["officers"]
    assert officers["workforce_headcount"] == heads
    assert officers["workforce_fte"] == pytest.approx(fte)
    assert officers["population"] == pytest.approx(people)
    assert officers["headcount_per_1000"] == pytest.approx(1000 * heads / people)
    assert officers["headcount_per_1000_low"] == pytest.approx(
        stats.chi2.ppf(0.025, 2 * heads) / 2 / people * 1000
    )
    assert officers["headcount_per_1000_high"] == pytest.approx(
        stats.chi2.ppf(0.975, 2 * heads + 2) / 2 / people * 1000
    )
    assert t.loc["special_constables", "workforce_headcount"] == specials
    # Every police force area of England and Wales with residents, never a region or a total.
    assert officers["forces_compared"] == 43
    # Change since the open data's 31 March 2003: the West Midlands officers' headcount summed
    # over every row of the extract (' - ' is nil or suppressed).
    with (WORKFORCE / "officer-rank-from-2003.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    base = sum(
        float(r[9].replace(",", ""))
        for r in rows[1:]
        if r[0] == "2003" and r[1] == "E23000014" and r[9].strip() not in ("-", "")
    )
    assert officers["base_as_at"] == "31 March 2003" and officers["base_count"] == base
    assert officers["change_count"] == heads - base


@needs_data
def test_30_september_2019_and_every_force(figures) -> None:  # type: ignore[no-untyped-def]
    quarterly = WORKFORCE / "police-workforce-sep19-tables.ods"
    heads = float(_force_row(_sheet(quarterly, "Table_7"), "West Midlands")[2])
    region = _numbers(
        next(r for r in _sheet(quarterly, "Table_7") if str(r[0]).strip() == "West Midlands")
    )[2]
    specials = float(_force_row(_sheet(quarterly, "Table_12"), "West Midlands")[3])
    p3 = _sheet(OFFICIAL / "ons-recorded-crime" / "pfatablesdec19.xlsx", "Table P3")
    people = _numbers(next(r for r in p3 if str(r[0]).strip() == "E23000014"))[2]
    assert (heads, specials) == (6546, 205) and region != heads
    t = workforce_per_1000(figures, "west-midlands", "30 September 2019").table
    t = t.set_index("worker")
    assert t.loc["officers", "workforce_headcount"] == heads
    assert t.loc["officers", "headcount_per_1000"] == pytest.approx(1000 * heads / people)
    assert t.loc["special_constables", "workforce_headcount"] == specials
    peers = workforce_peers(figures, "west-midlands", "30 September 2019").table
    assert not peers["force_id"].str.startswith("region").any()
    assert peers["force_id"].is_unique and peers["value"].notna().sum() >= 41
    mine = peers[peers["is_focus"]].iloc[0]
    assert mine["count"] == heads and mine["value"] == pytest.approx(1000 * heads / people)
