"""Maps drawn offline: GeoJSON shapes (hexagons or the user's area boundaries) filled by a
count, as Vega-Lite geoshapes rendered by vl-convert (no tile server, no web fetch)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from openpeel.report.charts import WIDTH, _config

#: A sequential scheme readable with the common colour-vision deficiencies (light = few).
SCHEME: Any = "yellowgreenblue"  # a Vega colour scheme name (typed loosely for Altair)


def _features(
    table: pd.DataFrame, geometry: dict[str, dict[str, Any]], key: str, fields: list[str]
) -> list[dict[str, Any]]:
    """One GeoJSON feature per row with a geometry, carrying ``fields`` as properties."""
    out = []
    for row in table.to_dict("records"):
        shape = geometry.get(str(row[key]))
        if shape is None:
            continue
        properties = {f: (None if pd.isna(row[f]) else row[f]) for f in fields}
        out.append({"type": "Feature", "geometry": shape, "properties": properties})
    return out


def count_map(
    table: pd.DataFrame,
    geometry: dict[str, dict[str, Any]],
    key: str,
    value: str,
    value_title: str,
    outlines: list[dict[str, Any]] | None = None,
) -> alt.TopLevelMixin:
    """Shapes filled by ``value`` (shapes with none are left out), Mercator projection.

    Args:
        table: one row per shape.
        geometry: ``table[key]`` -> GeoJSON geometry (rings wound clockwise, as d3-geo wants).
        key: the column naming each row's shape.
        value: the count to fill by.
        value_title: the legend's title.
        outlines: GeoJSON features drawn as grey outlines underneath (the user's areas).
    """
    shown = table[table[value].fillna(0) > 0]
    features = _features(shown, geometry, key, [key, value])
    fill = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.4)
        .encode(
            color=alt.Color(
                f"properties.{value}:Q",
                title=value_title,
                scale=alt.Scale(scheme=SCHEME, type="sqrt", zero=False),
                legend=alt.Legend(format=",.0f", orient="right"),
            )
        )
    )
    layers: list[Any] = [fill]
    if outlines:
        under = (
            alt.Chart(alt.Data(values=outlines))
            .mark_geoshape(fill="#f2f2f2", stroke="#707070", strokeWidth=0.6)
            .encode()
        )
        layers = [under, fill]
    chart = alt.layer(*layers).project(type="mercator").properties(width=WIDTH - 120, height=360)
    return _config(chart)
