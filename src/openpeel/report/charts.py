"""Charts as Vega-Altair specs, rendered offline to inline SVG by vl-convert.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
every chart is drawn beside its table, and carries a text description for screen readers.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

from openpeel.provenance import SYNTHETIC_MARK

#: Okabe & Ito (2008), "Color Universal Design": black first, then the seven colours.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
TEXT_COLOUR = "#1a1a1a"
WIDTH = 520
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


_warming: list[threading.Thread] = []


def warm_up() -> None:
    """Start vl-convert's JavaScript engine on a background thread. Its first chart takes
    about a second more than the others (the engine starting); started early, that second
    passes while the indicators' queries run. Charts drawn meanwhile simply wait for it."""
    if not _warming:
        spec = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}
        thread = threading.Thread(
            target=vlc.vegalite_to_svg, args=(spec,), name="vl-convert warm-up", daemon=True
        )
        _warming.append(thread)
        thread.start()


def to_svg(chart: alt.TopLevelMixin, description: str) -> str:
    """Render a chart to an SVG string ready to inline in HTML (no external reference).

    The SVG gets ``role="img"`` and an ``aria-label`` with ``description``.
    """
    spec: dict[str, Any] = chart.to_dict()
    svg = vlc.vegalite_to_svg(spec)
    # The root element's xlink/xmlns declarations name XML namespaces (never fetched); drop the
    # xlink one so the report holds no URL but the SVG namespace HTML parsers ignore anyway.
    svg = re.sub(r'\s+xmlns:xlink="[^"]*"', "", svg, count=1)
    label = description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR, labelLimit=220)
        .configure_view(stroke=None)
    )


def interval_bars(
    df: pd.DataFrame,
    category: str,
    value: str,
    low: str,
    high: str,
    value_title: str,
    category_title: str,
    reference: float | None = None,
    percent: bool = False,
    facet: str | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars with interval whiskers (and an optional reference line).

    Bars are never stacked: each bar is one row of ``df``. With ``facet``, one small chart per
    value of that column (in the order the values first appear), each titled with the value, so
    rows of different kinds (bases, references) are never drawn on one bar.
    """
    columns = [category, value, low, high, *([facet] if facet else [])]
    data = df[columns].dropna(subset=[value]).copy()
    keys = [category, *([facet] if facet else [])]
    if data.duplicated(keys).any():
        raise ValueError(f"interval_bars: several rows share one bar ({', '.join(keys)})")
    fmt = ".0%" if percent else ",.1f"
    y = alt.Y(f"{category}:N", title=category_title, sort=None)
    base = alt.Chart().encode(y=y)
    bars = base.mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=fmt), stack=None)
    )
    whiskers = base.mark_rule(color=TEXT_COLOUR, strokeWidth=1.5).encode(
        x=f"{low}:Q", x2=f"{high}:Q"
    )
    layers: list[Any] = [bars, whiskers]
    if reference is not None:
        rule = alt.Chart().mark_rule(color=OKABE_ITO[3], strokeDash=[6, 3], strokeWidth=2)
        layers.append(rule.encode(x=alt.datum(reference)))
    if facet is None:
        height = max(60, 22 * len(data))
        layered = alt.layer(*layers, data=data).properties(width=WIDTH - 200, height=height)
        return _config(layered)
    per_facet = int(data.groupby(facet).size().max()) if len(data) else 1
    inner = alt.layer(*layers).properties(width=WIDTH - 200, height=max(60, 22 * per_facet))
    order = list(dict.fromkeys(data[facet]))
    return _config(
        inner.facet(
            facet=alt.Facet(f"{facet}:N", title=None, sort=order, header=alt.Header(labelAngle=0)),
            columns=1,
            data=data,
        ).resolve_scale(y="independent")
    )


def monthly_line(
    df: pd.DataFrame,
    month: str,
    value: str,
    value_title: str,
    low: str | None = None,
    high: str | None = None,
    limits: tuple[str, str, str] | None = None,
    target: float | None = None,
    percent: bool = False,
) -> alt.TopLevelMixin:
    """A monthly series with an interval band or control limits and an optional target line."""
    cols = [c for c in (month, value, low, high, *(limits or ())) if c]
    data = df[cols].copy()
    data[month] = pd.to_datetime(data[month])
    fmt = ".0%" if percent else ",.0f"
    x = alt.X(f"{month}:T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-40))
    base = alt.Chart(data).encode(x=x)
    layers: list[Any] = []
    if low and high:
        layers.append(
            base.mark_area(color=OKABE_ITO[5], opacity=0.35).encode(y=f"{low}:Q", y2=f"{high}:Q")
        )
    if limits:
        centre, lower, upper = limits
        layers.append(base.mark_line(color=TEXT_COLOUR, strokeDash=[2, 2]).encode(y=f"{centre}:Q"))
        for col in (lower, upper):
            layers.append(
                base.mark_line(color=OKABE_ITO[3], strokeDash=[6, 3]).encode(y=f"{col}:Q")
            )
    layers.append(
        base.mark_line(color=OKABE_ITO[0], point=True).encode(
            y=alt.Y(
                f"{value}:Q",
                title=value_title,
                axis=alt.Axis(format=fmt),
                scale=alt.Scale(zero=False),
            )
        )
    )
    if target is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"target": [target]}))
            .mark_rule(color=OKABE_ITO[1], strokeDash=[6, 3], strokeWidth=2)
            .encode(y="target:Q")
        )
    return _config(alt.layer(*layers).properties(width=WIDTH - 80, height=220))


#: Height of the band :func:`mark_synthetic` adds above a chart.
MARK_BAND = 24
_ROOT = re.compile(r"<svg\b([^>]*)>")


def mark_synthetic(svg: str, mark: str = SYNTHETIC_MARK) -> str:
    """The chart with a yellow band above it reading ``mark``, part of the image itself (so a
    copied or saved chart keeps it). Marking twice changes nothing."""
    if not svg or 'class="synthetic-mark"' in svg:
        return svg
    root = _ROOT.search(svg)
    if root is None:
        return svg
    attrs = root.group(1)
    width = float(re.search(r'\bwidth="([\d.]+)"', attrs).group(1))  # type: ignore[union-attr]
    height = float(re.search(r'\bheight="([\d.]+)"', attrs).group(1))  # type: ignore[union-attr]
    width = max(width, 8.0 * len(mark))
    new_attrs = re.sub(r'\bwidth="[\d.]+"', f'width="{width:g}"', attrs, count=1)
    new_attrs = re.sub(r'\bheight="[\d.]+"', f'height="{height + MARK_BAND:g}"', new_attrs, count=1)
    new_attrs = re.sub(
        r'\bviewBox="[^"]*"', f'viewBox="0 0 {width:g} {height + MARK_BAND:g}"', new_attrs, count=1
    )
    text = mark.replace("&", "&amp;").replace("<", "&lt;")
    band = (
        f'<g class="synthetic-mark"><rect width="{width:g}" height="{MARK_BAND - 2}" '
        f'fill="#F0E442" stroke="#000"/><text x="6" y="{MARK_BAND - 8}" font-family="{FONT}" '
        f'font-size="13" font-weight="bold" fill="#000">{text}</text></g>'
    )
    body = svg[root.end() : svg.rindex("</svg>")]
    return (
        f"<svg{new_attrs}>{band}"
        f'<g transform="translate(0,{MARK_BAND})">{body}</g></svg>'
        + svg[svg.rindex("</svg>") + 6 :]
    )


def peer_chart(
    table: pd.DataFrame, kind: str, value_title: str, denominator_title: str
) -> alt.TopLevelMixin:
    """Every force against the one looked at, from an official peers table
    (:func:`openpeel.indicators.official_peers.compare_forces`).

    Rates and shares: a funnel plot, the value of each force against its denominator (log
    scale), the all-force target and the 95% and 99.8% limits drawn through the forces'
    denominators. Amounts (no funnel): a ranked dot plot. The force looked at is drawn larger in
    the second colour.
    """
    data = table[table["value"].notna()].copy()
    data["who"] = data["is_focus"].map({True: "this force", False: "other forces"})
    percent = kind == "proportion"
    fmt = ".0%" if percent else ",.1f"
    colour = alt.Color(
        "who:N",
        title=None,
        scale=alt.Scale(domain=["this force", "other forces"], range=[OKABE_ITO[3], OKABE_ITO[0]]),
    )
    size = alt.Size(
        "who:N", legend=None, scale=alt.Scale(domain=["this force", "other forces"], range=[90, 30])
    )
    tooltip = ["force_name:N", alt.Tooltip("value:Q", format=fmt)]
    if kind == "amount" or data["lower_95"].isna().all():
        dots = (
            alt.Chart(data)
            .mark_circle(opacity=0.9)
            .encode(
                x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=fmt)),
                y=alt.Y("force_name:N", title=None, sort="-x"),
                color=colour,
                size=size,
                tooltip=tooltip,
            )
        )
        target = (
            alt.Chart(data)
            .mark_rule(color=TEXT_COLOUR, strokeDash=[4, 3])
            .encode(x=alt.X("mean(target):Q"))
        )
        return _config(
            alt.layer(dots, target).properties(width=WIDTH - 200, height=max(80, 12 * len(data)))
        )
    x = alt.X(
        "denominator:Q",
        title=denominator_title,
        scale=alt.Scale(type="log", zero=False, nice=False),
    )
    y_axis = alt.Axis(format=fmt)
    lines = data.sort_values("denominator").melt(
        id_vars=["denominator"],
        value_vars=["lower_95", "upper_95", "lower_99_8", "upper_99_8"],
        var_name="limit",
        value_name="limit_value",
    )
    lines["level"] = lines["limit"].str.endswith("99_8").map({True: "99.8%", False: "95%"})
    limit_lines = (
        alt.Chart(lines)
        .mark_line(color=TEXT_COLOUR, strokeWidth=1)
        .encode(
            x=x,
            y=alt.Y("limit_value:Q", title=value_title, axis=y_axis, scale=alt.Scale(zero=False)),
            detail="limit:N",
            strokeDash=alt.StrokeDash(
                "level:N", title="funnel limits", scale=alt.Scale(range=[[4, 3], [1, 0]])
            ),
        )
    )
    target = alt.Chart(data).mark_rule(color=OKABE_ITO[2]).encode(y=alt.Y("mean(target):Q"))
    points = (
        alt.Chart(data)
        .mark_circle(opacity=0.9)
        .encode(x=x, y=alt.Y("value:Q", axis=y_axis), color=colour, size=size, tooltip=tooltip)
    )
    return _config(alt.layer(limit_lines, target, points).properties(width=WIDTH, height=320))
