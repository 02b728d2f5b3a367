"""What a report is made of: areas of the PEEL framework, each with panels of indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from openpeel.calendar import Period
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.peel_framework import Area, Framework, Grade

NEEDS_INTERNAL = (
    "Needs force-internal data: nothing in the published open data measures this area. A force "
    "(or an inspector) can add its own records; until then this report says nothing about it."
)


@dataclass
class Headline:
    """One headline number: its value, interval and definition, as text for people."""

    label: str
    value: str
    interval: str
    definition: str


@dataclass
class Panel:
    """One indicator shown: headlines, a chart with its table, comparisons and caveats.

    Attributes:
        panel_id: a slug unique in the report (anchors, CSV file names).
        title: what the panel shows.
        result: the library's result (the CSV download is ``result.records()``).
        headlines: the headline numbers.
        chart_svg: the chart as inline SVG ('' when there is nothing to draw).
        chart_spec: the chart's Vega-Lite specification, data included (empty when the panel
            does not keep it), so that tests and exports can read what each mark shows.
        chart_description: the text alternative of the chart.
        table: the table shown beside the chart (formatted strings).
        comparison: sentences comparing with peers and targets.
        caveats: plain-English data-quality caveats.
        unavailable: why the panel has no numbers ('' when it has).
    """

    panel_id: str
    title: str
    result: IndicatorResult | None
    headlines: list[Headline] = field(default_factory=list)
    chart_svg: str = ""
    chart_spec: dict[str, Any] = field(default_factory=dict)
    chart_description: str = ""
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    comparison: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    unavailable: str = ""

    @property
    def definition(self) -> str:
        """The library's definition of every number in the panel."""
        return self.result.definition if self.result is not None else ""


@dataclass
class AreaSection:
    """One PEEL area in the report."""

    area: Area
    panels: list[Panel] = field(default_factory=list)
    #: The PEEL assessment of this area (suggested and recorded grades, reasons, improvements)
    #: when the framework has rules; None otherwise.
    assessment: Any = None

    @property
    def needs_internal(self) -> bool:
        """True when openpeel has no published data for this area."""
        return not self.area.has_open_data


@dataclass
class Report:
    """A force's report for a period, organised by the PEEL areas of the framework in force."""

    force_id: str
    force_name: str
    period: Period
    framework: Framework
    grades: tuple[Grade, ...]
    sections: list[AreaSection]
    is_synthetic: bool
    generated_at: datetime
    data_notes: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    #: The first page (``report.summary.Summary``): None until ``build_report`` sets it.
    summary: Any = None

    def panels(self) -> list[Panel]:
        """Every panel, in order (a panel may appear under two areas: listed once)."""
        seen: dict[str, Panel] = {}
        for section in self.sections:
            for panel in section.panels:
                seen.setdefault(panel.panel_id, panel)
        return list(seen.values())
