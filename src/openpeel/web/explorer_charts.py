"""The explorer's further charts, each with its table (the same numbers as the chart's marks),
its definition and caveats: matching searches by age, sex, object and outcome; section 60 and
strip searches by ethnic group; and maps of where the searches (and street crimes) happened.

Every chart keeps its Vega-Lite spec, so that it can be exported as a PNG or a standalone HTML
page (:mod:`openpeel.report.chart_export`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from openpeel.errors import OpenpeelError
from openpeel.formatting import number_text
from openpeel.formatting import percent_text as share_text
from openpeel.indicators import explorer_map
from openpeel.indicators.explorer import ExplorerFilters
from openpeel.indicators.explorer_breakdowns import breakdown_cube, thorough_searches_cube
from openpeel.indicators.explorer_cube import ExplorerCube
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.boundaries import Boundaries, cached_boundaries
from openpeel.reference.vocabularies import code_name
from openpeel.report import charts, map_charts
from openpeel.report.panels import display, label
from openpeel.report.panels.declare import Estimate

#: Breakdown -> (chart title, axis title, vocabulary of its codes or None for words).
BREAKDOWN_TITLES: dict[str, tuple[str, str, str | None]] = {
    "age": ("Matching searches by age", "Age", "age_range"),
    "sex": ("Matching searches by sex", "Sex", "gender"),
    "object": (
        "Matching searches by what was searched for",
        "Object of search",
        "object_of_search",
    ),
    "outcome": ("Matching searches by outcome", "Outcome", None),
}
MEASURE_NAMES = {
    "section_60": "Section 60 searches (no suspicion needed)",
    "strip_search": "Strip searches (more than outer clothing removed)",
}
#: The share of matching searches, with its interval: the bars' and the tables' columns.
SHARE = Estimate.of("share")
#: Rows of a map's table shown on the page (the CSV holds them all).
MAP_ROWS = 15


@dataclass
class ChartView:
    """One chart of the explorer, as the page and the exports show it."""

    chart_id: str
    title: str
    result: IndicatorResult
    spec: dict[str, Any]
    svg: str
    description: str
    table: pd.DataFrame
    note: str = ""
    caveats: list[str] = field(default_factory=list)
    is_synthetic: bool = False

    @classmethod
    def drawn(
        cls,
        chart_id: str,
        title: str,
        result: IndicatorResult,
        chart: Any,
        description: str,
        table: pd.DataFrame,
        note: str = "",
    ) -> ChartView:
        """The view of an Altair ``chart`` of ``result``: its spec, its SVG (described by
        ``description`` for screen readers), its table and the result's caveats."""
        spec = chart.to_dict()
        svg = charts.to_svg(chart, description)
        return cls(chart_id, title, result, spec, svg, description, table, note, result.caveats)


def category_text(dimension: str, code: str) -> str:
    """A breakdown's category as people read it."""
    vocabulary = BREAKDOWN_TITLES[dimension][2]
    return code_name(vocabulary, code) if vocabulary else label(code)


def _bars(
    chart_id: str,
    title: str,
    result: IndicatorResult,
    shown: pd.DataFrame,
    category_title: str,
    table: pd.DataFrame,
    facet: str | None = None,
) -> ChartView | None:
    """Interval bars of ``shown`` (columns ``name``, ``share``, ``share_low``, ``share_high``,
    ``searches``), or None when nothing is drawn."""
    drawn = shown[shown.share.notna()]
    if drawn.empty or int(drawn.searches.sum()) == 0:
        return None
    chart = charts.interval_bars(
        drawn,
        "name",
        *SHARE,
        "Share of matching searches" if facet is None else "Share of the group's searches",
        category_title,
        percent=True,
        facet=facet,
    )
    if facet is None:
        description = f"Bar chart, {title.lower()}: " + "; ".join(
            f"{r['name']} {share_text(r['share'])} ({number_text(r['searches'], 0)})"
            for r in drawn.to_dict("records")
        )
    else:
        description = f"Bar charts, {title.lower()}. " + " ".join(
            f"{kind}: "
            + "; ".join(
                f"{r['name']} {share_text(r['share'])} ({number_text(r['searches'], 0)} of "
                f"{number_text(r['of_searches'], 0)})"
                for r in rows.to_dict("records")
            )
            + "."
            for kind, rows in drawn.groupby(facet, sort=False)
        )
    return ChartView.drawn(chart_id, title, result, chart, description, table)


def breakdown_chart(result: IndicatorResult, dimension: str) -> ChartView | None:
    """The bar chart and table of one breakdown."""
    title, axis, _ = BREAKDOWN_TITLES[dimension]
    t = result.table.assign(name=result.table.category.map(lambda c: category_text(dimension, c)))
    table = display(
        t,
        {
            "name": (axis, "text"),
            "searches": ("Searches", "int"),
            **SHARE.columns("Share", "share"),
        },
    )
    return _bars(dimension, title, result, t, axis, table)


def thorough_chart(result: IndicatorResult) -> ChartView | None:
    """Section 60 and strip searches as shares of each group's matching searches."""
    t = result.table.assign(
        name=result.table.group.map(label), measure_name=result.table.measure.map(MEASURE_NAMES)
    )
    table = display(
        t,
        {
            "measure_name": ("Kind of search", "text"),
            "name": ("Group", "text"),
            "searches": ("Searches of this kind", "int"),
            "of_searches": ("Of all the group's searches", "int"),
            **SHARE.columns("Share", "share"),
        },
    )
    title = "Section 60 and strip searches by ethnic group"
    return _bars("thorough", title, result, t, "Ethnic group", table, facet="measure_name")


def _map_view(
    chart_id: str,
    title: str,
    result: IndicatorResult,
    t: pd.DataFrame,
    value: str,
    geometry: dict[str, dict[str, Any]],
    key: str,
    columns: dict[str, tuple[str, str]],
    place: str,
    outlines: list[dict[str, Any]] | None = None,
) -> ChartView | None:
    """A map of ``value`` per shape of ``t`` (which has a ``where`` column naming each row),
    with the rows holding the most beside it."""
    if value not in t or int(t[value].sum()) == 0:
        return None
    chart = map_charts.count_map(
        t, geometry, key, value, f"{value.capitalize()} per {place}", outlines
    )
    ranked = t.sort_values(value, ascending=False)
    busiest = ranked.head(3)
    at = "the hexagon centred at " if place == "hexagon" else ""
    description = (
        f"Map of {value} per {place}, darker for more: {len(t[t[value] > 0]):,} {place}s hold "
        f"{int(t[value].sum()):,} {value}; the most: "
        + "; ".join(
            f"{number_text(r[value], 0)} in {at}{r['where']}" for _, r in busiest.iterrows()
        )
        + ". North is up; no background map is drawn."
    )
    shown = display(ranked.head(MAP_ROWS), columns)
    note = (
        f"The {MAP_ROWS} {place}s with the most {value}, of the {len(t):,} {place}s holding a "
        "search or a street crime; the CSV holds every one."
        if len(t) > MAP_ROWS
        else ""
    )
    return ChartView.drawn(chart_id, title, result, chart, description, shown, note)


def _compass(t: pd.DataFrame) -> pd.Series:
    """Where a hexagon is, in words a reader can place: its centre's latitude and longitude."""
    return t.apply(
        lambda r: (
            f"{abs(r.latitude):.3f}°{'N' if r.latitude >= 0 else 'S'}, "
            f"{abs(r.longitude):.3f}°{'E' if r.longitude >= 0 else 'W'}"
        ),
        axis=1,
    )


def hexagon_charts(result: IndicatorResult) -> list[ChartView]:
    """Maps of searches and (when loaded) street crimes per hexagon."""
    t = result.table.assign(where=_compass(result.table))
    across = 2 * float(result.meta["size_km"]) * 3**0.5 / 2
    columns = {
        "where": ("Where (centre, latitude and longitude)", "text"),
        "searches": ("Searches", "int"),
        "crimes": ("Street crimes", "int"),
    }
    out = []
    for value, what in (("searches", "searches"), ("crimes", "street crimes")):
        view = _map_view(
            f"map-{value}",
            f"Where the matching {what} happened (hexagons {across:.1f} km across)",
            result,
            t,
            value,
            result.meta["outlines"],
            "cell",
            columns,
            "hexagon",
        )
        if view is not None:
            out.append(view)
    return out


def area_charts(result: IndicatorResult, boundaries: Boundaries) -> list[ChartView]:
    """Choropleth of searches per area of the user's boundaries."""
    shapes = {f["properties"]["code"]: f["geometry"] for f in boundaries.geojson["features"]}
    t = result.table.assign(where=result.table.area_name)
    held = set(t.area_code)
    outlines = [f for f in boundaries.geojson["features"] if f["properties"]["code"] in held]
    columns = {
        "area_name": ("Area", "text"),
        "searches": ("Searches", "int"),
        **SHARE.columns("Share", "share"),
        "crimes": ("Street crimes", "int"),
    }
    view = _map_view(
        "map-areas",
        f"Matching searches by area ({boundaries.source})",
        result,
        t,
        "searches",
        shapes,
        "area_code",
        columns,
        "area",
        outlines,
    )
    return [] if view is None else [view]


def boundaries_of(path: Path | None) -> Boundaries | None:
    """The user's boundaries (read once per file version), or None when none are set."""
    if path is None:
        return None
    return cached_boundaries(str(path), path.stat().st_mtime if path.exists() else 0.0)


def explorer_charts(
    connect: Callable[[], Any],
    cube: ExplorerCube,
    filters: ExplorerFilters,
    boundaries: Path | None = None,
) -> tuple[list[ChartView], list[str]]:
    """Every further chart of the explorer for one filter set, and why any could not be drawn:
    the breakdowns counted from the force-period's cube, the maps queried on ``connect()``."""
    force_id, period = cube.force_id, cube.period
    views: list[ChartView] = []
    problems: list[str] = []
    for dimension in BREAKDOWN_TITLES:
        view = breakdown_chart(breakdown_cube(cube, dimension, filters), dimension)
        if view is not None:
            views.append(view)
    view = thorough_chart(thorough_searches_cube(cube, filters))
    if view is not None:
        views.append(view)
    con = connect()
    views.extend(hexagon_charts(explorer_map.hexagon_map(con, force_id, period, filters)))
    try:
        areas = boundaries_of(boundaries)
        if areas is not None:
            views.extend(
                area_charts(explorer_map.area_map(con, force_id, period, areas, filters), areas)
            )
    except OpenpeelError as error:
        problems.append(f"No map by area: {str(error).splitlines()[0]}")
    return views, problems
