"""Hexagonal binning of longitude/latitude points, for maps drawn without a tile server.

Points are projected to kilometres on a local equirectangular plane (x east scaled by the cosine
of the mean latitude, y north), binned into pointy-top hexagons of a given size with cube-rounded
axial coordinates (Red Blob Games, "Hexagonal Grids", 2013), and each cell is returned with its
centre and its outline as a GeoJSON polygon in longitude/latitude.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

#: Kilometres per degree of latitude (mean Earth radius 6,371 km).
KM_PER_DEGREE = 2 * math.pi * 6371.0 / 360


def _plane(latitude: np.ndarray, longitude: np.ndarray, lat0: float) -> tuple[Any, Any]:
    scale = math.cos(math.radians(lat0))
    return longitude * KM_PER_DEGREE * scale, latitude * KM_PER_DEGREE


def _cube_round(q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hexagon holding each fractional axial coordinate (cube rounding)."""
    s = -q - r
    rq, rr, rs = np.round(q), np.round(r), np.round(s)
    dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    rq = np.where(fix_q, -rr - rs, rq)
    rr = np.where(fix_r, -rq - rs, rr)
    return rq.astype("int64"), rr.astype("int64")


def hex_cells(
    latitude: Any,
    longitude: Any,
    size_km: float,
    weights: Any | None = None,
    origin_latitude: float | None = None,
) -> pd.DataFrame:
    """Count points per hexagon.

    Args:
        latitude: degrees (array-like); rows with a missing coordinate are left out.
        longitude: degrees, same length.
        size_km: hexagon size, centre to corner, in kilometres.
        weights: optional count per point (default 1 each).
        origin_latitude: the latitude whose scale the plane keeps (default: the points' mean);
            give the same value to bin two sets of points on one grid.

    Returns:
        One row per non-empty cell, most points first: ``cell`` (``q:r``), ``q``, ``r``,
        ``latitude``, ``longitude`` (the centre), ``count`` and ``outline`` (a GeoJSON Polygon
        whose ring runs clockwise, the winding d3-geo and so Vega expect).
    """
    if size_km <= 0:
        raise ValueError("size_km must be positive")
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    w = np.ones_like(lat) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(lat) & np.isfinite(lon)
    lat, lon, w = lat[keep], lon[keep], w[keep]
    columns = ["cell", "q", "r", "latitude", "longitude", "count", "outline"]
    if lat.size == 0:
        return pd.DataFrame(columns=columns)
    lat0 = float(np.mean(lat)) if origin_latitude is None else origin_latitude
    x, y = _plane(lat, lon, lat0)
    q, r = _cube_round((math.sqrt(3) / 3 * x - y / 3) / size_km, (2 / 3 * y) / size_km)
    counts = pd.DataFrame({"q": q, "r": r, "count": w}).groupby(["q", "r"])["count"].sum()
    cells = counts.reset_index()
    cx = size_km * math.sqrt(3) * (cells.q + cells.r / 2)
    cy = size_km * 1.5 * cells.r
    scale = math.cos(math.radians(lat0))
    cells["latitude"] = cy / KM_PER_DEGREE
    cells["longitude"] = cx / (KM_PER_DEGREE * scale)
    # Corners at 330, 270, ..., 30 degrees: decreasing angles run clockwise.
    angles = [math.radians(30 - 60 * i) for i in range(7)]
    cells["outline"] = pd.Series(
        [
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [
                            round((x0 + size_km * math.cos(a)) / (KM_PER_DEGREE * scale), 6),
                            round((y0 + size_km * math.sin(a)) / KM_PER_DEGREE, 6),
                        ]
                        for a in angles
                    ]
                ],
            }
            for x0, y0 in zip(cx, cy, strict=True)
        ],
        index=cells.index,
        dtype=object,
    )
    cells["cell"] = cells.q.astype(str) + ":" + cells.r.astype(str)
    cells = cells.sort_values(["count", "cell"], ascending=[False, True], ignore_index=True)
    return cells[columns]
