"""The explorer's map: hexagonal bins, user-supplied boundaries and the counts per area, checked
against independent counts (a brute-force nearest-centre rule, hand-drawn squares)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.errors import SourceFormatError, UserInputError
from openpeel.indicators.explorer import ExplorerFilters, explore
from openpeel.indicators.explorer_map import area_map, hexagon_map
from openpeel.reference.boundaries import area_of_points, read_boundaries
from openpeel.stats.hexbin import KM_PER_DEGREE, hex_cells
from tests.unit.report_lake import END, FORCE, START, shared_lake

PERIOD = Period.from_months(START, END)


def test_each_point_goes_to_the_nearest_hexagon_centre() -> None:
    rng = np.random.default_rng(7)
    lat = 52.48 + rng.normal(0, 0.05, 2000)
    lon = -1.89 + rng.normal(0, 0.08, 2000)
    cells = hex_cells(lat, lon, 1.0)
    assert cells["count"].sum() == 2000
    # Brute force: in the plane, a hexagonal cell is the set of points nearest its centre.
    scale = math.cos(math.radians(float(np.mean(lat))))
    cx = cells.longitude.to_numpy() * KM_PER_DEGREE * scale
    cy = cells.latitude.to_numpy() * KM_PER_DEGREE
    px, py = lon * KM_PER_DEGREE * scale, lat * KM_PER_DEGREE
    nearest = np.argmin((px[:, None] - cx) ** 2 + (py[:, None] - cy) ** 2, axis=1)
    counts = np.bincount(nearest, minlength=len(cells))
    assert counts.tolist() == cells["count"].tolist()


def test_hexagon_outline_is_closed_clockwise_and_sized() -> None:
    cells = hex_cells([52.0], [-1.0], 2.0)
    ring = np.array(cells.outline.iloc[0]["coordinates"][0])
    assert len(ring) == 7 and (ring[0] == ring[-1]).all()
    x, y = ring[:, 0], ring[:, 1]
    assert np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) < 0  # clockwise, as d3-geo wants
    # Centre to corner is 2 km.
    centre = cells.iloc[0]
    dy = (ring[0, 1] - centre.latitude) * KM_PER_DEGREE
    dx = (ring[0, 0] - centre.longitude) * KM_PER_DEGREE * math.cos(math.radians(52.0))
    assert math.hypot(dx, dy) == pytest.approx(2.0, rel=1e-3)


def test_missing_coordinates_are_left_out() -> None:
    cells = hex_cells([52.0, np.nan], [-1.0, -1.0], 1.0, weights=[3, 4])
    assert cells["count"].tolist() == [3]


def square(x0: float, y0: float, side: float, anticlockwise: bool = True) -> list[list[float]]:
    ring = [[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side], [x0, y0]]
    return ring if anticlockwise else ring[::-1]


def write_geojson(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_points_fall_in_their_area_and_holes_are_outside(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "areas.geojson",
        [
            {
                "type": "Feature",
                "properties": {"LAD22CD": "E1", "LAD22NM": "Westshire"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [square(-2, 52, 1), square(-1.6, 52.4, 0.2, False)],
                },
            },
            {
                "type": "Feature",
                "properties": {"LAD22CD": "E2", "LAD22NM": "Eastshire"},
                "geometry": {"type": "MultiPolygon", "coordinates": [[square(-1, 52, 1)]]},
            },
        ],
    )
    b = read_boundaries(path)
    assert [(a.code, a.name) for a in b.areas] == [("E1", "Westshire"), ("E2", "Eastshire")]
    lat = [52.1, 52.5, 52.5, 53.5, np.nan]
    lon = [-1.9, -1.5, -0.5, -1.5, -1.5]
    assert area_of_points(b, lat, lon).tolist() == ["E1", "", "E2", "", ""]
    # Drawn rings are wound for d3: exterior clockwise, hole anticlockwise.
    rings = b.geojson["features"][0]["geometry"]["coordinates"][0]
    areas = [
        np.sum(np.array(r)[:-1, 0] * np.array(r)[1:, 1] - np.array(r)[1:, 0] * np.array(r)[:-1, 1])
        for r in rings
    ]
    assert areas[0] < 0 < areas[1]


def test_bad_boundaries_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="not found"):
        read_boundaries(tmp_path / "missing.geojson")
    grid = write_geojson(
        tmp_path / "bng.geojson",
        [
            {
                "type": "Feature",
                "properties": {"code": "E1"},
                "geometry": {"type": "Polygon", "coordinates": [square(400000, 280000, 1000)]},
            }
        ],
    )
    with pytest.raises(SourceFormatError, match="longitude/latitude"):
        read_boundaries(grid)
    (tmp_path / "bad.geojson").write_text("{not json")
    with pytest.raises(SourceFormatError, match="not GeoJSON"):
        read_boundaries(tmp_path / "bad.geojson")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


def test_hexagon_map_counts_every_located_search(lake: Path) -> None:
    con = openpeel.connect(lake)
    filters = ExplorerFilters(sex="male")
    result = hexagon_map(con, FORCE, PERIOD, filters)
    total = explore(con, FORCE, PERIOD, filters).table.set_index("group").loc["all", "searches"]
    lost = sum(int(c.split()[0].replace(",", "")) for c in result.caveats if "no published" in c)
    assert result.table["searches"].sum() + lost == total
    assert set(result.meta["outlines"]) == set(result.table.cell)
    assert any("snap point" in c for c in result.caveats)
    if "crimes" in result.table:
        crimes = con.table("crimes").execute()
        crimes = crimes[(crimes.force_id == FORCE) & crimes.latitude.notna()]
        month = pd.to_datetime(crimes.month).dt.date
        in_period = crimes[(month >= PERIOD.start) & (month <= PERIOD.end)]
        assert result.table["crimes"].sum() == len(in_period)


def test_area_map_counts_searches_per_area(lake: Path, tmp_path: Path) -> None:
    con = openpeel.connect(lake)
    hexes = hexagon_map(con, FORCE, PERIOD)
    west = float(hexes.table.longitude.median())
    path = write_geojson(
        tmp_path / "halves.geojson",
        [
            {
                "type": "Feature",
                "properties": {"code": "W", "name": "West half"},
                "geometry": {"type": "Polygon", "coordinates": [square(west - 10, 47, 10)]},
            },
            {
                "type": "Feature",
                "properties": {"code": "E", "name": "East half"},
                "geometry": {"type": "Polygon", "coordinates": [square(west, 47, 10)]},
            },
        ],
    )
    result = area_map(con, FORCE, PERIOD, read_boundaries(path))
    rows = con.table("stop_searches").execute()
    rows = rows[(rows.force_id == FORCE) & ~rows.is_vehicle_only.fillna(False).astype(bool)]
    month = pd.to_datetime(rows.month).dt.date
    rows = rows[(month >= PERIOD.start) & (month <= PERIOD.end) & rows.longitude.notna()]
    expected = {"W": int((rows.longitude < west).sum()), "E": int((rows.longitude > west).sum())}
    got = result.table.set_index("area_code")["searches"].to_dict()
    assert got == {k: v for k, v in expected.items() if v}
    assert result.table.share.sum() == pytest.approx(1.0)
    assert set(result.table.area_name) <= {"West half", "East half"}
