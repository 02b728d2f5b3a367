"""One audit's own report: a self-contained HTML file (no network needed) and the same as PDF.

What an audit found and how: the force and period, the design (strata, frame and sample sizes,
seed and frame hash, whether the draw reproduces), progress, the estimates with their intervals
and a chart, the auditors' agreement, the definition and the caveats. The figures are those of
``openpeel.crime_audit.estimates``; this module only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from openpeel.crime_audit.audits import design_info, verify_sample
from openpeel.crime_audit.decisions import progress
from openpeel.crime_audit.design import STRATUM_TITLES
from openpeel.crime_audit.estimates import (
    DOMAIN_TITLES,
    MEASURE_TITLES,
    AuditEstimate,
    audit_estimates,
)
from openpeel.crime_audit.models import CrimeAudit
from openpeel.provenance import SYNTHETIC_MARK
from openpeel.report import charts
from openpeel.report.render import EXTERNAL_REFERENCE, _css, _environment


@dataclass
class AuditReport:
    """What the audit report shows."""

    audit: CrimeAudit
    estimate: AuditEstimate
    info: dict[str, Any]
    is_verified: bool
    strata: list[dict[str, Any]]
    rows: list[dict[str, str]]
    chart_svg: str
    chart_description: str
    generated_at: datetime


def _figure(value: Any, measure: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if measure == "unrecorded_crimes_per_year":
        return f"{value:,.0f}"
    if measure == "agreement_kappa":
        return f"{value:.2f}"
    return f"{value:.1%}"


def audit_report(audit: CrimeAudit) -> AuditReport:
    """Gather an audit's report (its sample must have been drawn)."""
    estimate = audit_estimates(audit)
    state = progress(audit)
    sizes = {r.stratum: r.stratum_size for r in audit.records}
    strata = [
        {
            "stratum": STRATUM_TITLES.get(h, h),
            "frame": f"{sizes[h]:,}",
            "sampled": total,
            "decided": done,
            "weight": f"{sizes[h] / total:.1f}",
        }
        for h, (done, total) in state.by_stratum.items()
    ]
    rows = [
        {
            "measure": MEASURE_TITLES.get(r["measure"], r["measure"]),
            "domain": DOMAIN_TITLES.get(r["domain"], r["domain"]),
            "estimate": _figure(r["estimate"], r["measure"]),
            "interval": f"{_figure(r['low'], r['measure'])} to {_figure(r['high'], r['measure'])}",
            "counted": f"{r['numerator_sampled']} of {r['denominator_sampled']}",
        }
        for r in estimate.table.to_dict(orient="records")
    ]
    rates = estimate.table[estimate.table.measure == "recording_rate"].copy()
    rates["label"] = rates.domain.map(lambda d: DOMAIN_TITLES.get(d, d))
    description = (
        "Bars: the share of crimes that should have been recorded that were, overall, for "
        "violence, sexual offences and each stratum, with 95% intervals."
    )
    svg = ""
    if len(rates):
        chart = charts.interval_bars(
            rates, "label", "estimate", "low", "high", "Share of crimes recorded", "", percent=True
        )
        svg = charts.to_svg(chart, description)
        if audit.is_synthetic:
            svg = charts.mark_synthetic(svg)
    return AuditReport(
        audit,
        estimate,
        design_info(audit),
        verify_sample(audit),
        strata,
        rows,
        svg,
        description,
        datetime.now().replace(microsecond=0),
    )


def render_audit_html(report: AuditReport) -> str:
    """The audit report as one HTML string with its styles and chart inline."""
    html = (
        _environment()
        .get_template("audit.html")
        .render(r=report, css=_css(), synthetic_mark=SYNTHETIC_MARK)
    )
    if EXTERNAL_REFERENCE.search(html):
        raise RuntimeError("the audit report refers to an external resource")
    return html


def audit_pdf(report: AuditReport) -> bytes:
    """The audit report as PDF bytes (fetching nothing)."""
    from weasyprint import HTML

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the report may not fetch {url}")

    pdf = HTML(string=render_audit_html(report), url_fetcher=no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def write_audit_report(report: AuditReport, path: Path | str) -> Path:
    """Write the audit report as HTML (``.html``) or PDF (``.pdf``); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".pdf":
        out.write_bytes(audit_pdf(report))
    else:
        out.write_text(render_audit_html(report), encoding="utf-8")
    return out
