"""Panels of the report, one module per section family (calls, stop and search, crime,
investigations), most declared as a ``PanelSpec`` (indicator, rows, chart, table columns and
wording) and built by one function; the sections read from a force's own extracts and the
official statistics have their own modules, imported when first built. ``section_panels`` is
what the report and the web pages call."""

from __future__ import annotations

from typing import Any, cast

from openpeel.calendar import Period
from openpeel.formatting import number_text
from openpeel.indicators.computed_once import computing_once
from openpeel.provenance import lake_provenance
from openpeel.report import charts
from openpeel.report.model import Panel
from openpeel.report.panels.calls import calls_panels
from openpeel.report.panels.crime import crime_panels
from openpeel.report.panels.declare import (
    EXPECTED_ERRORS,
    Builder,
    HandBuilt,
    PanelSpec,
    build,
    safe,
    safe_result,
    section,
)
from openpeel.report.panels.format import (
    display,
    interval_text,
    label,
    limits_text,
    share_text,
    side,
)
from openpeel.report.panels.investigations import OUTCOME_MEASURES, investigation_panels
from openpeel.report.panels.stop_search import (
    BASIS_LABELS,
    REFERENCE_LABELS,
    _ss_trend,
    largest_ratio,
    ratio_facet,
    stop_search_panels,
)

#: The name the official statistics' and peers' panels import the safe builder by.
_safe = safe


def offender_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Managing offenders, from the force's own extract (openpeel.report.offender_panels)."""
    from openpeel.report.offender_panels import offender_panels as build_section

    return build_section(con, force_id, period)


def vulnerability_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Protecting vulnerable people, from the force's own extract
    (openpeel.report.vulnerability_panels)."""
    from openpeel.report.vulnerability_panels import vulnerability_panels as build_section

    return build_section(con, force_id, period)


def official_panels(section_name: str) -> Builder:
    """The panels of the official statistics published for every force
    (openpeel.report.official_panels), imported when first built."""

    def build_section(con: Any, force_id: str, period: Period) -> list[Panel]:
        from openpeel.report import official_panels

        builder = getattr(official_panels, f"{section_name}_panels")
        return cast(Builder, builder)(con, force_id, period)

    return build_section


def crime_recording_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Recording data about crime, from the force's crime data integrity audits
    (openpeel.report.audit_panels)."""
    from openpeel.report.audit_panels import crime_recording_panels as build_section

    return build_section(con, force_id, period)


BUILDERS: dict[str, Builder] = {
    "calls": calls_panels,
    "stop_search": stop_search_panels,
    "crime": crime_panels,
    "investigations": investigation_panels,
    "offenders": offender_panels,
    "vulnerability": vulnerability_panels,
    "official_crime": official_panels("official_crime"),
    "official_outcome": official_panels("official_outcome"),
    "official_use_of_force": official_panels("official_use_of_force"),
    "official_workforce": official_panels("official_workforce"),
    "crime_recording": crime_recording_panels,
    "official_money": official_panels("official_money"),
    "official_demand": official_panels("official_demand"),
}


def section_panels(
    con: Any, section: str, force_id: str, period: Period, lake_is_synthetic: bool | None = None
) -> list[Panel]:
    """The panels of one section (report and web pages alike), every chart marked as synthetic
    when the data behind it is (the force's lake rows, or the indicator's own inputs).

    ``lake_is_synthetic``: the force's lake provenance when the caller already knows it (it is
    looked up otherwise).
    """
    with computing_once():  # the section's panels share what they compute
        panels = BUILDERS[section](con, force_id, period)
    if lake_is_synthetic is None:
        lake_is_synthetic = lake_provenance(con, [force_id]).is_synthetic
    for panel in panels:
        if lake_is_synthetic or (panel.result is not None and panel.result.is_synthetic):
            panel.chart_svg = charts.mark_synthetic(panel.chart_svg)
    return panels


__all__ = [
    "BASIS_LABELS",
    "BUILDERS",
    "EXPECTED_ERRORS",
    "OUTCOME_MEASURES",
    "REFERENCE_LABELS",
    "Builder",
    "HandBuilt",
    "PanelSpec",
    "_safe",
    "_ss_trend",
    "build",
    "calls_panels",
    "crime_panels",
    "crime_recording_panels",
    "display",
    "interval_text",
    "investigation_panels",
    "label",
    "largest_ratio",
    "limits_text",
    "number_text",
    "offender_panels",
    "official_panels",
    "ratio_facet",
    "safe",
    "safe_result",
    "section",
    "section_panels",
    "share_text",
    "side",
    "stop_search_panels",
    "vulnerability_panels",
]
