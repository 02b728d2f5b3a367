"""Area boundaries the user supplies (for example ONS local authority or LSOA boundaries as
GeoJSON) and which area each point falls in.

No boundaries ship with openpeel: ONS publishes them under the Open Government Licence, in
several projections. openpeel reads GeoJSON in longitude/latitude (WGS 84, EPSG:4326), the
projection of the ONS "GeoJSON" downloads and of police.uk's coordinates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from openpeel.errors import SourceFormatError, UserInputError

#: Property names tried, in order, for an area's code and name (ONS files use e.g. LAD22CD and
#: LAD22NM, LSOA21CD and LSOA21NM).
CODE_KEYS = ("code", "id", "areacode")
NAME_KEYS = ("name", "areaname")


@dataclass(frozen=True)
class Area:
    """One area: its code, its name, and its polygons' rings as (n, 2) longitude/latitude."""

    code: str
    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class Boundaries:
    """Areas read from one GeoJSON file, and the file re-wound for drawing."""

    source: str
    areas: tuple[Area, ...]
    geojson: dict[str, Any]


def _pick(properties: dict[str, Any], suffix: str, keys: tuple[str, ...]) -> str | None:
    for key, value in properties.items():
        if value is not None and key.upper().endswith(suffix) and len(key) > len(suffix):
            return str(value)
    lowered = {k.lower(): v for k, v in properties.items()}
    for key in keys:
        if lowered.get(key) is not None:
            return str(lowered[key])
    return None


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) / 2)


def _for_drawing(ring: np.ndarray, exterior: bool) -> list[list[float]]:
    """A ring wound as d3-geo (Vega) expects: exterior clockwise, holes anticlockwise. RFC 7946
    files wind the other way, and d3 would fill the whole globe but the area."""
    clockwise = _signed_area(ring) < 0
    if clockwise != exterior:
        ring = ring[::-1]
    return [[round(float(x), 6), round(float(y), 6)] for x, y in ring]


def _polygons(geometry: dict[str, Any]) -> list[list[np.ndarray]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        return [[np.asarray(ring, dtype=float)[:, :2] for ring in coords]]  # type: ignore[union-attr]
    if kind == "MultiPolygon":
        return [
            [np.asarray(ring, dtype=float)[:, :2] for ring in polygon]
            for polygon in coords  # type: ignore[union-attr]
        ]
    raise SourceFormatError(f"boundaries: geometry {kind!r} is not a Polygon or MultiPolygon")


def read_boundaries(path: Path | str) -> Boundaries:
    """Read a GeoJSON FeatureCollection of areas.

    Raises:
        UserInputError: the file does not exist.
        SourceFormatError: not GeoJSON polygons in longitude/latitude, or an area has no code.
    """
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"boundaries file not found: {path.name}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceFormatError(f"{path.name} is not GeoJSON: {error}") from error
    features = data.get("features") if isinstance(data, dict) else None
    if not features:
        raise SourceFormatError(f"{path.name}: no features (expected a GeoJSON FeatureCollection)")
    areas: list[Area] = []
    drawn: list[dict[str, Any]] = []
    for i, feature in enumerate(features):
        properties = feature.get("properties") or {}
        code = _pick(properties, "CD", CODE_KEYS) or str(feature.get("id") or "")
        if not code:
            raise SourceFormatError(
                f"{path.name}: feature {i + 1} has no code property (e.g. LAD22CD or 'code')"
            )
        name = _pick(properties, "NM", NAME_KEYS) or code
        polygons = _polygons(feature.get("geometry") or {})
        every = np.concatenate([ring for polygon in polygons for ring in polygon])
        if np.abs(every[:, 0]).max() > 180 or np.abs(every[:, 1]).max() > 90:
            raise SourceFormatError(
                f"{path.name}: coordinates are not longitude/latitude (a British National Grid "
                "file?). Download the WGS 84 GeoJSON, or convert: ogr2ogr -t_srs EPSG:4326"
            )
        bbox = (
            float(every[:, 0].min()),
            float(every[:, 1].min()),
            float(every[:, 0].max()),
            float(every[:, 1].max()),
        )
        areas.append(Area(code, name, tuple(tuple(p) for p in polygons), bbox))
        drawn.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [_for_drawing(ring, j == 0) for j, ring in enumerate(polygon)]
                        for polygon in polygons
                    ],
                },
            }
        )
    return Boundaries(path.name, tuple(areas), {"type": "FeatureCollection", "features": drawn})


@cache
def cached_boundaries(path: str, modified: float) -> Boundaries:
    """:func:`read_boundaries`, once per file version (``modified``: its mtime)."""
    return read_boundaries(path)


def _inside(ring: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Even-odd ray casting: which points lie inside the ring."""
    inside = np.zeros(x.shape, dtype=bool)
    x1, y1 = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    for ax, ay, bx, by in zip(x1, y1, x2, y2, strict=True):
        crosses = (ay > y) != (by > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = ax + (y - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (x < at)
    return inside


def area_of_points(boundaries: Boundaries, latitude: Any, longitude: Any) -> np.ndarray:
    """The code of the area each point falls in ('' for none or a missing coordinate)."""
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    out = np.full(lat.shape, "", dtype=object)
    open_ = np.isfinite(lat) & np.isfinite(lon)
    for area in boundaries.areas:
        west, south, east, north = area.bbox
        candidates = np.flatnonzero(
            open_ & (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        )
        if candidates.size == 0:
            continue
        x, y = lon[candidates], lat[candidates]
        hit = np.zeros(candidates.size, dtype=bool)
        for polygon in area.polygons:
            within = _inside(polygon[0], x, y)
            for hole in polygon[1:]:
                within &= ~_inside(hole, x, y)
            hit |= within
        out[candidates[hit]] = area.code
        open_[candidates[hit]] = False
    return out
