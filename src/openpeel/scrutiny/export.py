"""Exports of the published panel summary: CSV, one self-contained HTML file, and PDF.

Exports carry aggregates only (no search ids, officer ids, comments or names) and a
``synthetic_data`` column or banner when the records were synthetic. The PDF writer is a small
text-only PDF 1.4 generator (Helvetica, A4), so no PDF library is needed.
"""

from __future__ import annotations

from jinja2 import Environment, select_autoescape

from openpeel.exports import csv_text, note_lines
from openpeel.formatting import percent_text as pct
from openpeel.provenance import SYNTHETIC_MARK_ASCII
from openpeel.scrutiny.report import (
    GROUPINGS,
    MEASURES,
    SMALL_CELL,
    SUMMARY_CAVEATS,
    SUMMARY_DEFINITION,
    PanelReport,
)

CSV_COLUMNS = (
    "measure",
    "grouping",
    "group",
    "records",
    "effective_records",
    "share",
    "low",
    "high",
    "suppressed",
    "synthetic_data",
)


def summary_csv(report: PanelReport) -> str:
    """The published summary as CSV text: notes (marking, definition, caveats, scope) as ``#``
    lines, then the rows (the convention of :mod:`openpeel.exports`)."""
    notes = note_lines(
        title=f"Scrutiny panel summary: {report.title}",
        is_synthetic=report.is_synthetic,
        definition=SUMMARY_DEFINITION,
        caveats=SUMMARY_CAVEATS,
        scope={
            "panel": report.panel_name,
            "force_id": report.force_id,
            "meeting_date": report.meeting_date,
            "period": report.period,
        },
    )
    return csv_text(report.published_rows(), notes, CSV_COLUMNS)


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scrutiny panel summary: {{ r.title }}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
td.n{text-align:right}
.synthetic{background:#fde725;color:#000;padding:.5rem;font-weight:bold;border:2px solid #000}
</style></head><body>
{% if r.is_synthetic %}
<p class="synthetic">SYNTHETIC DATA: not a real force's figures.</p>
{% endif %}
<h1>Scrutiny panel summary: {{ r.title }}</h1>
<p>{{ r.panel_name }} ({{ r.force_id }}), meeting of {{ r.meeting_date }}; searches from
{{ r.period }}. Sample design: {{ r.sample.get("design", "none") }};
{{ r.records_sampled }} records sampled, {{ r.records_reviewed }} reviewed.
Records graded red: {{ r.red_records|length }}, of which the force has answered
{{ r.red_records|selectattr("response")|list|length }}.</p>
<p>Shares are weighted by the sampling design; 95% Wilson intervals on the Kish effective sample
size. Cells with fewer than {{ small }} reviewed records are suppressed.</p>
{% for grouping, label in groupings.items() %}
<h2>{{ label }}</h2>
<table><thead><tr><th scope="col">Group</th><th scope="col">Measure</th>
<th scope="col">Records</th><th scope="col">Share</th><th scope="col">95% interval</th></tr></thead>
<tbody>
{% for row in r.rows if row.grouping == grouping %}
<tr><td>{{ row.group }}</td><td>{{ measures[row.measure] }}</td>
<td class="n">{{ "fewer than %d"|format(small) if row.suppressed else row.records }}</td>
{% if row.suppressed %}<td colspan="2">suppressed (fewer than {{ small }} records)</td>
{% else %}<td class="n">{{ pct(row.share) }}</td>
<td class="n">{{ pct(row.low) }} to {{ pct(row.high) }}</td>{% endif %}</tr>
{% endfor %}
</tbody></table>
{% endfor %}
</body></html>
"""


def summary_html(report: PanelReport) -> str:
    """The published summary as one self-contained HTML page (no scripts, no CDN)."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(_HTML).render(
        r=report, groupings=GROUPINGS, measures=MEASURES, pct=pct, small=SMALL_CELL
    )


def summary_lines(report: PanelReport) -> list[str]:
    """The published summary as plain text lines (for the PDF)."""
    lines = []
    if report.is_synthetic:
        lines.append("SYNTHETIC DATA: not a real force's figures.")
    lines += [
        f"Scrutiny panel summary: {report.title}",
        f"{report.panel_name} ({report.force_id}), meeting of {report.meeting_date}",
        f"Searches from {report.period}; design {report.sample.get('design', 'none')}; "
        f"{report.records_sampled} sampled, {report.records_reviewed} reviewed.",
        f"Records graded red: {len(report.red_records)}; answered by the force: "
        f"{sum(1 for r in report.red_records if r.response)}.",
        "Shares weighted by the sampling design; 95% Wilson intervals on the Kish effective n.",
        "",
    ]
    for grouping, label in GROUPINGS.items():
        lines.append(label)
        for row in report.rows:
            if row.grouping != grouping:
                continue
            value = (
                "suppressed"
                if row.suppressed
                else f"{pct(row.share)} ({pct(row.low)} to {pct(row.high)})"
            )
            n = f"<{SMALL_CELL}" if row.suppressed else str(row.records)
            lines.append(f"  {row.group:<22} {MEASURES[row.measure]:<36} n={n:<4} {value}")
        lines.append("")
    return lines


def _pdf_text(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(lines: list[str], lines_per_page: int = 60, header: str = "") -> bytes:
    """A minimal PDF 1.4 document of monospaced text lines on A4 pages (``header``, when given,
    is the first line of every page)."""
    per_page = lines_per_page - 2 if header else lines_per_page
    pages = [lines[i : i + per_page] for i in range(0, max(len(lines), 1), per_page)]
    if header:
        pages = [[header, "", *page] for page in pages]
    objects: list[bytes] = []
    # 1: catalog, 2: pages, 3: font, then a page and a content stream per page.
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>")
    for i, page in enumerate(pages):
        body = ["BT", "/F1 8 Tf", "10 TL", "36 806 Td"]
        body += [f"({_pdf_text(line)}) '" for line in page]
        body.append("ET")
        stream = "\n".join(body).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def summary_pdf(report: PanelReport) -> bytes:
    """The published summary as a PDF (synthetic: the marking heads every page)."""
    lines = summary_lines(report)
    if report.is_synthetic:
        return text_pdf(lines[1:], header=f"{SYNTHETIC_MARK_ASCII}: not a real force's figures.")
    return text_pdf(lines)
