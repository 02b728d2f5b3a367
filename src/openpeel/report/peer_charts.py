"""Charts of one force among all forces: a funnel plot and ranked dots, the force highlighted.

Both draw one mark per force from a table with ``force`` (a name), ``rate``, ``rate_low``,
``rate_high``, ``is_focus`` and, for the funnel, ``population`` with the funnel limits at each
force's exposure (``lower_95``, ``upper_95``, ``lower_99_8``, ``upper_99_8``) and ``target``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from openpeel.report.charts import OKABE_ITO, TEXT_COLOUR, WIDTH, _config

FOCUS_COLOUR = OKABE_ITO[1]
OTHER_COLOUR = "#8a8a8a"


def _colour(focus_name: str) -> alt.Color:
    return alt.Color(
        "is_focus:N",
        scale=alt.Scale(domain=[True, False], range=[FOCUS_COLOUR, OTHER_COLOUR]),
        legend=alt.Legend(title=None, labelExpr=f"datum.value ? '{focus_name}' : 'Other forces'"),
    )


def ranked_dots(df: pd.DataFrame, value_title: str, focus_name: str) -> alt.TopLevelMixin:
    """Every force's rate with its interval, ranked from highest to lowest."""
    data = df[["force", "rate", "rate_low", "rate_high", "is_focus"]].dropna(subset=["rate"])
    data = data.sort_values("rate", ascending=False)
    order = data["force"].tolist()
    y = alt.Y("force:N", title=None, sort=order)
    base = alt.Chart().encode(y=y)
    whiskers = base.mark_rule(strokeWidth=1.5).encode(
        x=alt.X("rate_low:Q", title=value_title), x2="rate_high:Q", color=_colour(focus_name)
    )
    dots = base.mark_point(filled=True, size=60).encode(
        x="rate:Q", color=_colour(focus_name), shape=alt.Shape("is_focus:N", legend=None)
    )
    height = max(80, 14 * len(data))
    layered = alt.layer(whiskers, dots, data=data).properties(width=WIDTH - 260, height=height)
    return _config(layered)


def funnel(df: pd.DataFrame, value_title: str, focus_name: str) -> alt.TopLevelMixin:
    """Rate against resident population with the 95% and 99.8% limits around the pooled rate:
    a force outside the outer limits differs by more than chance would allow."""
    cols = ["force", "population", "rate", "is_focus", "target"]
    limits = ["lower_95", "upper_95", "lower_99_8", "upper_99_8"]
    data = df[cols + limits].dropna(subset=["rate", "population"]).sort_values("population")
    x = alt.X("population:Q", title="Residents", axis=alt.Axis(format="~s"))
    layers: list[Any] = []
    for column, dash in (("lower_99_8", [6, 3]), ("upper_99_8", [6, 3])):
        layers.append(
            alt.Chart(data)
            .mark_line(color=OKABE_ITO[3], strokeDash=dash)
            .encode(x=x, y=f"{column}:Q")
        )
    for column in ("lower_95", "upper_95"):
        layers.append(
            alt.Chart(data).mark_line(color=OKABE_ITO[5], strokeDash=[2, 2]).encode(x=x, y=column)
        )
    layers.append(
        alt.Chart(data).mark_line(color=TEXT_COLOUR, strokeWidth=1).encode(x=x, y="target:Q")
    )
    layers.append(
        alt.Chart(data)
        .mark_point(filled=True, size=70)
        .encode(
            x=x,
            y=alt.Y("rate:Q", title=value_title, scale=alt.Scale(zero=False)),
            color=_colour(focus_name),
            shape=alt.Shape("is_focus:N", legend=None),
        )
    )
    focus = data[data["is_focus"]]
    if not focus.empty:
        layers.append(
            alt.Chart(focus)
            .mark_text(align="left", dx=8, dy=-8, color=TEXT_COLOUR, fontWeight="bold")
            .encode(x=x, y="rate:Q", text="force:N")
        )
    return _config(alt.layer(*layers).properties(width=WIDTH - 140, height=300))
