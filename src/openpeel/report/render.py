"""Write a report as one self-contained HTML file (no network needed) or as a PDF."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import jinja2
from markupsafe import Markup

from openpeel.provenance import SYNTHETIC_MARK
from openpeel.report.model import Report
from openpeel.report.summary import evidence_words
from openpeel.report.wording import plain

#: What must never appear in a report: a script, style or font fetched from elsewhere.
EXTERNAL_REFERENCE = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("openpeel.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["svg"] = lambda s: Markup(s)  # SVG made by vl-convert from our own data
    env.filters["svg_image"] = svg_image
    env.globals["evidence_words"] = evidence_words
    env.filters["plain"] = plain
    return env


def svg_image(svg: str, description: str) -> Markup:
    """A chart's SVG as an image for the PDF: the same drawing, which WeasyPrint reads as one
    image instead of parsing and styling every element of the SVG as part of the page (a
    sixth of the function calls of laying out the report's pages went there)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img class="chart-image" alt="{}" src="data:image/svg+xml;base64,{}">').format(
        description, Markup(data)
    )


def _css() -> str:
    return resources.files("openpeel.report").joinpath("templates", "report.css").read_text()


def render_html(report: Report, for_print: bool = False, chart_folder: str | None = None) -> str:
    """The report as an HTML string with its styles and charts inline; with ``chart_folder``
    (a relative path), each chart links to its PNG and HTML exports there
    (:func:`openpeel.report.chart_export.write_report_charts`)."""
    html = (
        _environment()
        .get_template("report.html")
        .render(
            report=report,
            css=_css(),
            for_print=for_print,
            synthetic_mark=SYNTHETIC_MARK,
            chart_folder=None if for_print else chart_folder,
            for_report=True,
            data_is_synthetic=report.is_synthetic,
        )
    )
    if EXTERNAL_REFERENCE.search(html):
        raise RuntimeError("the report refers to an external resource")  # never ship one
    return html


def write_html(report: Report, path: Path | str, chart_folder: str | None = None) -> Path:
    """Write the self-contained HTML report (linking each chart to its exports in
    ``chart_folder``, relative to the report, when given); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(report, chart_folder=chart_folder), encoding="utf-8")
    return out


def pdf_document(report: Report) -> Any:
    """The WeasyPrint document of the report (one section per PEEL area, each on a new page)."""
    from weasyprint import HTML, default_url_fetcher

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if url.startswith("data:"):  # the charts, inline in the page
            return cast(dict[str, Any], default_url_fetcher(url, *args, **kwargs))
        raise ValueError(f"the report may not fetch {url}")

    return HTML(string=render_html(report, for_print=True), url_fetcher=no_fetch).render()


def write_pdf(
    report: Report, path: Path | str, progress: Callable[[str], None] | None = None
) -> Path:
    """Write the PDF report; returns the path. ``progress`` is told each stage as it starts
    (laying out the pages, writing the file)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tell = progress or (lambda stage: None)
    tell("Laying out the PDF pages")
    document = pdf_document(report)
    tell(f"Writing the PDF ({len(document.pages)} pages)")
    document.write_pdf(str(out))
    return out
