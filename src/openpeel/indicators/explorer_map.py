"""Where the explorer's searches happened (and the street crimes, when loaded): counts per
hexagon of the published coordinates, or per area of boundaries the user supplies.

police.uk publishes each search and crime at an anonymised "snap point" (the centre of a street
or a public place near where it happened, chosen so that no point covers fewer than eight postal
addresses), never at the exact place; a map of them shows areas, not addresses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from openpeel.calendar import Period
from openpeel.indicators import stop_search as ss
from openpeel.indicators.crime import street_rows
from openpeel.indicators.explorer_filters import ExplorerFilters, matching
from openpeel.indicators.result import IndicatorResult, force_period_result
from openpeel.reference.boundaries import Boundaries, area_of_points
from openpeel.stats.hexbin import hex_cells
from openpeel.stats.intervals import wilson_interval

SNAP_POINT_CAVEAT = (
    "police.uk coordinates are anonymised: each search or crime is moved to a nearby 'snap "
    "point' (a street or public place covering at least eight addresses), so the map shows "
    "areas, never exact places."
)
DEFAULT_HEX_KM = 1.5


def _search_points(con: Any, force_id: str, period: Period, filters: ExplorerFilters) -> Any:
    """Matching person searches per published coordinate: ``latitude, longitude, searches``
    (a missing coordinate is one row of NaN)."""
    sc = ss.scope(con, period, force_id)
    persons = matching(ss.person_searches_expr(ss.stop_searches_table(con, sc), sc), filters)
    points = persons.group_by(["latitude", "longitude"]).agg(searches=persons.count()).execute()
    return sc, points


def _crime_points(con: Any, force_id: str, period: Period) -> pd.DataFrame | None:
    """Street crimes per published coordinate, or None when none are loaded for the scope."""
    if "crimes" not in con.list_tables():
        return None
    rows = street_rows(con, [force_id], period)
    points = rows.group_by(["latitude", "longitude"]).agg(crimes=rows.count()).execute()
    return points if int(points["crimes"].sum()) else None


def _unlocated(points: pd.DataFrame, column: str) -> int:
    missing = points["latitude"].isna() | points["longitude"].isna()
    return int(points.loc[missing, column].sum())


def _caveats(searches: pd.DataFrame, crimes: pd.DataFrame | None) -> list[str]:
    caveats = [SNAP_POINT_CAVEAT]
    lost = _unlocated(searches, "searches")
    if lost:
        caveats.append(f"{lost:,} matching searches have no published location and are not mapped.")
    if crimes is None:
        caveats.append("No street crimes are loaded for these months: searches only.")
    else:
        caveats.append(
            "Street crimes are all crimes the force published for the months (the explorer's "
            "filters apply to searches only)."
        )
    return caveats


def hexagon_map(
    con: Any,
    force_id: str,
    period: Period,
    filters: ExplorerFilters | None = None,
    size_km: float = DEFAULT_HEX_KM,
) -> IndicatorResult:
    """Matching person searches (and street crimes) per hexagon of ``size_km``.

    Returns:
        One row per hexagon with a search or a crime, most searches first: ``cell, latitude,
        longitude, searches`` (and ``crimes`` when street crimes are loaded). ``meta["outlines"]``
        maps each cell to its GeoJSON polygon.
    """
    filters = filters or ExplorerFilters()
    sc, searches = _search_points(con, force_id, period, filters)
    crimes = _crime_points(con, force_id, period)
    located = searches.dropna(subset=["latitude", "longitude"])
    origin = float(np.average(located.latitude, weights=located.searches)) if len(located) else 0.0
    table = hex_cells(
        searches.latitude, searches.longitude, size_km, searches.searches, origin
    ).rename(columns={"count": "searches"})
    if crimes is not None:
        crime_cells = hex_cells(crimes.latitude, crimes.longitude, size_km, crimes.crimes, origin)
        crime_cells = crime_cells.rename(columns={"count": "crimes"})
        table = table.merge(crime_cells, on=["cell", "q", "r"], how="outer", suffixes=("", "_c"))
        for column in ("latitude", "longitude", "outline"):
            table[column] = table[column].where(table[column].notna(), table[f"{column}_c"])
        table["crimes"] = table["crimes"].fillna(0).astype("int64")
    table["searches"] = table["searches"].fillna(0).astype("int64")
    table = table.sort_values(["searches", "cell"], ascending=[False, True], ignore_index=True)
    outlines = dict(zip(table.cell, table.outline, strict=True))
    columns = [
        "cell",
        "latitude",
        "longitude",
        "searches",
        *(["crimes"] if crimes is not None else []),
    ]
    return force_period_result(
        "stop_search.explorer_hexagons",
        "Where the matching searches happened",
        force_id,
        period,
        (
            f"searches: matching person searches per hexagon {size_km:g} km from centre to "
            "corner, placed by their published (anonymised) coordinates; crimes: street crimes "
            "per hexagon likewise. latitude and longitude are the hexagon's centre; cell is its "
            "position on the grid."
        ),
        table[columns],
        _caveats(searches, crimes),
        is_synthetic=sc.is_synthetic,
        size_km=size_km,
        outlines=outlines,
    )


def area_map(
    con: Any,
    force_id: str,
    period: Period,
    boundaries: Boundaries,
    filters: ExplorerFilters | None = None,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Matching person searches (and street crimes) per area of ``boundaries``.

    Returns:
        One row per area holding a search or a crime, most searches first: ``area_code,
        area_name, searches, share, share_low, share_high`` (share of the mapped searches, Wilson
        interval) and ``crimes`` when street crimes are loaded.
    """
    filters = filters or ExplorerFilters()
    sc, searches = _search_points(con, force_id, period, filters)
    crimes = _crime_points(con, force_id, period)
    searches["area_code"] = area_of_points(boundaries, searches.latitude, searches.longitude)
    by_area = searches.groupby("area_code")["searches"].sum()
    if crimes is not None:
        crimes["area_code"] = area_of_points(boundaries, crimes.latitude, crimes.longitude)
        by_area = pd.concat([by_area, crimes.groupby("area_code")["crimes"].sum()], axis=1).fillna(
            0
        )
    table = by_area.reset_index()
    outside = table[table.area_code == ""]
    table = table[table.area_code != ""].copy()
    names = {a.code: a.name for a in boundaries.areas}
    table.insert(1, "area_name", table.area_code.map(names))
    table["searches"] = table["searches"].astype("int64")
    mapped = int(table["searches"].sum())
    low, high = wilson_interval(table["searches"], mapped, confidence)
    table["share"] = table["searches"] / mapped if mapped else float("nan")
    table["share_low"], table["share_high"] = low, high
    columns = ["area_code", "area_name", "searches", "share", "share_low", "share_high"]
    if crimes is not None:
        table["crimes"] = table["crimes"].astype("int64")
        columns.append("crimes")
    table = table.sort_values(["searches", "area_name"], ascending=[False, True], ignore_index=True)
    caveats = _caveats(searches, crimes)
    outside_searches = int(outside["searches"].sum()) - _unlocated(searches, "searches")
    if outside_searches:
        caveats.append(
            f"{outside_searches:,} located searches fall outside every area of {boundaries.source}."
        )
    return force_period_result(
        "stop_search.explorer_areas",
        f"Matching searches by area ({boundaries.source})",
        force_id,
        period,
        (
            "searches: matching person searches whose published coordinates fall inside the "
            f"area (boundaries from {boundaries.source}); share = searches / all mapped matching "
            f"searches, Wilson {confidence:.0%} interval; crimes: street crimes inside the area."
        ),
        table[columns],
        caveats,
        is_synthetic=sc.is_synthetic,
        boundaries=boundaries.source,
    )
