"""Census 2021 TS021 -> police force area population on the real ONS files in ../shared/data."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pyarrow as pa
import pytest

from openpeel.reference.forces import forces
from openpeel.sources.census import BROAD_GROUPS, ETHNIC_GROUPS, read_population

pytestmark = pytest.mark.realdata


def shared_data() -> Path:
    """``OPENPEEL_SHARED_DATA`` if set, else ``../shared/data`` beside the repository."""
    override = os.environ.get("OPENPEEL_SHARED_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


CENSUS_DIR = shared_data() / "census2021"
TS021 = CENSUS_DIR / "ts021-ethnic-group-by-ltla.csv"
LOOKUP = CENSUS_DIR / "lad22-csp22-pfa22-lookup.csv"


@pytest.fixture(scope="module")
def population() -> pa.Table:
    for path in (TS021, LOOKUP):
        if not path.is_file():
            pytest.skip(f"real census data not present: {path} (set OPENPEEL_SHARED_DATA)")
    return read_population(TS021, LOOKUP)


def by_force_group(table: pa.Table) -> dict[tuple[str, str], int]:
    return {(r["force_id"], r["ethnic_group"]): r["population"] for r in table.to_pylist()}


def test_west_midlands_check_figures(population: pa.Table) -> None:
    # method.md §3: Birmingham, Coventry, Dudley, Sandwell, Solihull, Walsall, Wolverhampton.
    got = by_force_group(population)
    assert {g: got[("west-midlands", g)] for g in ETHNIC_GROUPS} == {
        "asian": 667_315,
        "black": 236_047,
        "mixed": 121_685,
        "white": 1_793_173,
        "other": 101_435,
        "total": 2_919_655,
    }
    rows = [r for r in population.to_pylist() if r["force_id"] == "west-midlands"]
    assert {(r["pfa_code"], r["pfa_name"]) for r in rows} == {("E23000014", "West Midlands")}


def test_every_territorial_force_has_a_row_per_group(population: pa.Table) -> None:
    territorial = {f.force_id for f in forces().values() if f.pfa_code is not None}
    assert len(territorial) == 43
    rows = population.to_pylist()
    assert population.num_rows == 43 * len(ETHNIC_GROUPS)
    assert {(r["force_id"], r["ethnic_group"]) for r in rows} == {
        (force_id, group) for force_id in territorial for group in ETHNIC_GROUPS
    }
    for r in rows:
        assert forces()[r["force_id"]].pfa_code == r["pfa_code"]
        assert r["population"] > 0


def test_totals_add_up(population: pa.Table) -> None:
    got = by_force_group(population)
    force_ids = {force_id for force_id, _ in got}
    for force_id in force_ids:
        assert got[(force_id, "total")] == sum(got[(force_id, g)] for g in BROAD_GROUPS)
    # Every person in the file lands in exactly one force: the force totals add up to the sum of
    # all category counts, read here with the csv module as an independent oracle (59,597,578;
    # ONS's published 59,597,542 usual residents differs by disclosure control).
    with TS021.open(encoding="utf-8-sig", newline="") as f:
        in_file = sum(int(r["count"]) for r in csv.DictReader(f) if r["eth_code"] != "-8")
    assert sum(got[(force_id, "total")] for force_id in force_ids) == in_file == 59_597_578
