"""The PEEL report: ``build_report`` computes, ``write_html`` and ``write_pdf`` write.

Panels are built from the indicators (and the assessment) for one force and period and arranged
by the PEEL framework in force. May import: ``assess``, ``scrutiny`` and every layer below
(``indicators``, ``store``, ``database``, ``stats``, ``reference``, ``config``, ``calendar``,
``errors``); never ``web`` or ``cli``.

Example::

    from openpeel.calendar import Period
    report = build_report("demo-data", "west-midlands", Period.financial_year("2021/22"))
    write_html(report, "report.html")
    write_pdf(report, "report.pdf")
"""

from openpeel.report.build import build_report
from openpeel.report.model import AreaSection, Headline, Panel, Report
from openpeel.report.render import pdf_document, render_html, write_html, write_pdf

__all__ = [
    "AreaSection",
    "Headline",
    "Panel",
    "Report",
    "build_report",
    "pdf_document",
    "render_html",
    "write_html",
    "write_pdf",
]
