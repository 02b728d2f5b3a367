"""One chart on its own, to save or share: a PNG image, and a standalone HTML page.

- **PNG**: the chart's SVG (synthetic band included) rasterised by vl-convert, at twice the
  on-screen size.
- **HTML**: one file that works offline: with the chart's Vega-Lite specification, the spec and
  its data inline and the Vega JavaScript bundled into the page (vl-convert's bundle: no CDN is
  fetched when it is viewed); without one, the chart's SVG. Either way the page carries the
  title, the table beside the chart, the definition and the caveats, and a synthetic banner when
  the data are synthetic.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pandas as pd
import vl_convert as vlc

from openpeel.provenance import SYNTHETIC_MARK
from openpeel.report.charts import mark_synthetic
from openpeel.report.wording import plain

PNG_SCALE = 2.0
STYLE = (
    "body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;color:#1a1a1a;"
    "max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.4}"
    "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;padding:.2rem .5rem;"
    "text-align:left}.synthetic{background:#F0E442;border:2px solid #000;padding:.4rem;"
    "font-weight:bold}svg{max-width:100%;height:auto}"
)


def chart_png(svg: str, scale: float = PNG_SCALE) -> bytes:
    """The chart's SVG as a PNG image."""
    return bytes(vlc.svg_to_png(svg, scale=scale))


def _table_html(table: pd.DataFrame) -> str:
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False, name=None)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def chart_html(
    title: str,
    svg: str,
    description: str,
    table: pd.DataFrame,
    definition: str = "",
    caveats: list[str] | None = None,
    is_synthetic: bool = False,
    spec: dict[str, Any] | None = None,
) -> str:
    """A standalone HTML page of one chart with its table, definition and caveats.

    Args:
        title: the chart's title.
        svg: the chart as SVG (shown when there is no ``spec``).
        description: the text alternative of the chart.
        table: the table beside the chart, formatted for people.
        definition: what every number means.
        caveats: the data caveats.
        is_synthetic: the data are synthetic (a banner says so).
        spec: the Vega-Lite specification, data inline; when given the page draws it with the
            bundled Vega JavaScript.
    """
    banner = (
        f'<p class="synthetic" role="note">{html.escape(SYNTHETIC_MARK)}</p>'
        if is_synthetic
        else ""
    )
    notes = "".join(f"<li>{html.escape(c)}</li>" for c in caveats or [])
    body = (
        f"{banner}<h1>{html.escape(title)}</h1>"
        "{chart}"
        f"<p>{html.escape(description)}</p>"
        f"{_table_html(table)}"
        + (f"<h2>Definition</h2><p>{html.escape(definition)}</p>" if definition else "")
        + (f"<h2>Caveats</h2><ul>{notes}</ul>" if notes else "")
    )
    if spec is None:
        chart = f'<figure role="img" aria-label="{html.escape(description)}">{svg}</figure>'
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>{body.replace('{chart}', chart)}</body></html>"
        )
    page = str(vlc.vegalite_to_html(spec, bundle=True))
    # No "open in the Vega editor" menu: it would send the data to a web site.
    page = re.sub(
        r"const opts = \{[^}]*\}", 'const opts = {"renderer":"svg","actions":false}', page
    )
    page = page.replace("<title>Chart</title>", f"<title>{html.escape(title)}</title>", 1)
    page = page.replace("<html>", '<html lang="en">', 1)
    page = page.replace("</head>", f"<style>{STYLE}</style></head>", 1)
    chart = f'<div id="vega-chart" role="img" aria-label="{html.escape(description)}"></div>'
    head, rest = page.split('<div id="vega-chart"></div>', 1)
    return head + body.replace("{chart}", chart) + rest


def write_report_charts(report: Any, folder: Path | str) -> list[Path]:
    """Write every chart of a report as ``<panel id>.png`` and ``<panel id>.html`` into
    ``folder`` (the report's links point there); returns the files written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for panel in report.panels():
        if not panel.chart_svg:
            continue
        svg = mark_synthetic(panel.chart_svg) if report.is_synthetic else panel.chart_svg
        png = out / f"{panel.panel_id}.png"
        png.write_bytes(chart_png(svg))
        page = out / f"{panel.panel_id}.html"
        page.write_text(
            chart_html(
                f"{panel.title}: {report.force_name}, {report.period.label}",
                svg,
                plain(panel.chart_description),
                panel.table,
                panel.definition,
                [plain(c) for c in panel.caveats],
                report.is_synthetic,
                panel.chart_spec or None,
            ),
            encoding="utf-8",
        )
        written += [png, page]
    return written
