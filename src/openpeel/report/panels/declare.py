"""Panels declared rather than hand-built: a ``PanelSpec`` names the indicator, the rows shown,
the chart, the table's columns and the wording; ``build`` turns it into a ``Panel``. A section is
a list of specs (and of the few panels whose shape is their own), each built so that an expected
failure shows as "not available" with its reason instead of stopping the report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import OpenpeelError
from openpeel.formatting import number_text
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import any_synthetic
from openpeel.report import charts
from openpeel.report.model import Headline, Panel
from openpeel.report.panels.format import display, interval_text, panel_columns, share_text
from openpeel.stats.control_chart import OUTSIDE_MEANING
from openpeel.stats.funnel import MIN_FUNNEL_UNITS

Builder = Callable[[Any, str, Period], list[Panel]]
#: What a panel shows as "not available" with the reason. Anything else is a bug and propagates.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (OpenpeelError,)


class Inputs(NamedTuple):
    """What a panel's wording is written from: the query and the indicator's rows for it."""

    con: Any
    force_id: str
    period: Period
    result: IndicatorResult
    rows: pd.DataFrame


def _all(table: pd.DataFrame) -> pd.DataFrame:
    return table


def _nothing(inputs: Inputs) -> list[Any]:
    return []


def _value_text(row: Any, column: str, percent: bool, decimals: int = 1) -> str:
    value = getattr(row, column)
    return share_text(value) if percent else number_text(value, decimals)


class Estimate(NamedTuple):
    """An estimate's column and its interval's: named once for the chart and the table."""

    value: str
    low: str
    high: str

    @classmethod
    def of(cls, value: str) -> Estimate:
        """The columns ``value``, ``value_low`` and ``value_high``."""
        return cls(value, f"{value}_low", f"{value}_high")

    def columns(self, title: str, kind: str) -> dict[str, tuple[str, str]]:
        """The table columns: the estimate titled ``title``, then 'Low' and 'High'."""
        return {self.value: (title, kind), self.low: ("Low", kind), self.high: ("High", kind)}

    def headline(self, row: Any, label: str, definition: str, share: bool = False) -> Headline:
        """The estimate in ``row`` (a table row or a mapping) as a headline: its value and
        interval as text, a percentage when it is a ``share``."""
        value = row[self.value]
        return Headline(
            label,
            share_text(value) if share else number_text(value),
            interval_text(row[self.low], row[self.high], share=share),
            definition,
        )


@dataclass(frozen=True)
class Bars:
    """Bars with their interval, one per category (``charts.interval_bars``)."""

    category: str
    estimate: Estimate
    value_title: str
    category_title: str
    percent: bool = False
    #: A line across the bars: a fixed level, one drawn from the inputs (the force's overall
    #: figure), or none.
    reference: float | Callable[[Inputs], float | None] | None = None
    #: How a bar's value reads in the description: its decimals and what stands before it
    #: ('£'); a share reads as a percentage.
    decimals: int = 1
    prefix: str = ""

    def draw(self, shown: pd.DataFrame, inputs: Inputs | None = None) -> Any:
        reference = self.reference
        if callable(reference):
            if inputs is None:
                raise TypeError("a reference line drawn from the inputs needs the inputs")
            reference = reference(inputs)
        value, low, high = self.estimate
        return charts.interval_bars(
            shown,
            self.category,
            value,
            low,
            high,
            self.value_title,
            self.category_title,
            reference=reference,
            percent=self.percent,
        )

    def item(self, row: Any) -> str:
        value = _value_text(row, self.estimate.value, self.percent, self.decimals)
        return f"{getattr(row, self.category)} {self.prefix}{value}"


@dataclass(frozen=True)
class Line:
    """A monthly line, with its interval when ``value`` is an ``Estimate``, a target or control
    limits (``charts.monthly_line``)."""

    month: str
    value: str | Estimate
    value_title: str
    target: float | None = None
    percent: bool = False
    #: Control limits: the centre, lower and upper columns (drawn dashed around the line).
    limits: tuple[str, str, str] | None = None

    def draw(self, shown: pd.DataFrame, inputs: Inputs | None = None) -> Any:
        value, low, high = (
            self.value if isinstance(self.value, Estimate) else (self.value, None, None)
        )
        return charts.monthly_line(
            shown,
            self.month,
            value,
            self.value_title,
            low=low,
            high=high,
            limits=self.limits,
            target=self.target,
            percent=self.percent,
        )

    def item(self, row: Any) -> str:
        when = pd.Timestamp(getattr(row, self.month))
        value = self.value.value if isinstance(self.value, Estimate) else self.value
        return f"{when:%b %Y} {_value_text(row, value, self.percent)}"


@dataclass(frozen=True)
class PanelSpec:
    """One panel declared: where its numbers come from and how they are shown.

    Attributes:
        panel_id: the panel's slug.
        heading: its title when it is not available.
        title: its title when it is (or a function of the inputs giving it: the edition).
        indicator: the indicator for a force and period (``con, force_id, period``).
        rows: the indicator's rows the panel is about.
        force_column: for an indicator of every force, the column naming the force: only the
            force's rows are kept (before ``rows``).
        chart: the chart drawn from ``shown(rows)``.
        description: the chart's text alternative (or a function of the inputs giving it),
            before one item per row shown unless ``itemise`` is false.
        columns: the table's columns (``display``), over ``table_rows(rows)``.
        headlines, comparison, caveats: wording written from the inputs (caveats follow the
            indicator's own).
        if_empty: what the panel says when ``rows`` is empty, or the panel drawn instead from
            another source (None: it is drawn anyway).
        itemise: whether the description lists the rows shown.
        keep_spec: whether the panel keeps its chart's Vega-Lite specification
            (``Panel.chart_spec``) beside the SVG.
    """

    panel_id: str
    heading: str
    title: str | Callable[[Inputs], str]
    indicator: Callable[[Any, str, Period], IndicatorResult]
    chart: Bars | Line
    description: str | Callable[[Inputs], str]
    columns: dict[str, tuple[str, str]]
    rows: Callable[[pd.DataFrame], pd.DataFrame] = _all
    force_column: str | None = None
    shown: Callable[[pd.DataFrame], pd.DataFrame] = _all
    table_rows: Callable[[pd.DataFrame], pd.DataFrame] = _all
    headlines: Callable[[Inputs], list[Headline]] = _nothing
    comparison: Callable[[Inputs], list[str]] = _nothing
    caveats: Callable[[Inputs], list[str]] = _nothing
    if_empty: str | PanelSpec | None = None
    itemise: bool = True
    keep_spec: bool = False


def build(spec: PanelSpec, con: Any, force_id: str, period: Period) -> Panel:
    """The panel a spec declares, for one force and period."""
    return build_from(spec, Inputs(con, force_id, period, *_rows(spec, con, force_id, period)))


def _rows(
    spec: PanelSpec, con: Any, force_id: str, period: Period
) -> tuple[IndicatorResult, pd.DataFrame]:
    result = spec.indicator(con, force_id, period)
    table = result.table
    if spec.force_column is not None:
        table = table[table[spec.force_column] == force_id]
    return result, spec.rows(table)


def build_from(spec: PanelSpec, inputs: Inputs, earlier: Sequence[str] = ()) -> Panel:
    """The panel of a spec from its inputs; ``earlier``: caveats of a source tried before this
    one, kept when this one is empty too."""
    result, rows = inputs.result, inputs.rows
    title = spec.title if isinstance(spec.title, str) else spec.title(inputs)
    panel = Panel(spec.panel_id, title, result)
    if isinstance(spec.if_empty, PanelSpec) and rows.empty:
        con, force_id, period = inputs.con, inputs.force_id, inputs.period
        fallback = Inputs(con, force_id, period, *_rows(spec.if_empty, con, force_id, period))
        return build_from(spec.if_empty, fallback, earlier=result.caveats)
    if isinstance(spec.if_empty, str) and rows.empty:
        panel.unavailable = spec.if_empty
        panel.caveats = [*earlier, *result.caveats]
        return panel
    panel.headlines = spec.headlines(inputs)
    panel.comparison = spec.comparison(inputs)
    description = spec.description
    draw(
        panel,
        spec.chart,
        spec.shown(rows),
        description if isinstance(description, str) else description(inputs),
        itemise=spec.itemise,
        inputs=inputs,
        keep_spec=spec.keep_spec,
    )
    panel.table = display(spec.table_rows(rows), spec.columns)
    panel.caveats = [*result.caveats, *spec.caveats(inputs)]
    return panel


def draw(
    panel: Panel,
    chart: Bars | Line,
    shown: pd.DataFrame,
    description: str,
    itemise: bool = True,
    inputs: Inputs | None = None,
    keep_spec: bool = False,
) -> None:
    """Draw a chart of the rows ``shown`` on a panel: its text alternative (``description``,
    then one item per row unless ``itemise`` is false) and its SVG carrying that text; with
    ``keep_spec``, its Vega-Lite specification too (``Panel.chart_spec``)."""
    if itemise:
        description += "; ".join(chart.item(row) for row in shown.itertuples())
    panel.chart_description = description
    show_chart(panel, chart.draw(shown, inputs), keep_spec)


def show_chart(panel: Panel, chart: Any, keep_spec: bool = True) -> None:
    """Put a drawn chart on a panel: its SVG, carrying the panel's chart description, and
    (``keep_spec``) its Vega-Lite specification, which tests and exports read each mark from."""
    if keep_spec:
        panel.chart_spec = chart.to_dict()
    panel.chart_svg = charts.to_svg(chart, panel.chart_description)


def tabled(panel: Panel, rows: pd.DataFrame, source: str, **fields: str) -> Panel:
    """A hand-built panel's last step: its table of ``rows`` in the columns declared for the
    panel's id (``panel_columns``, ``fields`` filling their names) and its caveats: ``source``
    (where the figures come from), then the indicator's own."""
    panel.table = display(rows, panel_columns(panel.panel_id, **fields))
    panel.caveats = [source, *(panel.result.caveats if panel.result else [])]
    return panel


@dataclass(frozen=True)
class HandBuilt:
    """A panel whose shape is its own (faceted charts, control charts, fallbacks)."""

    panel_id: str
    heading: str
    make: Callable[[Any, str, Period], Panel]


def section(*entries: PanelSpec | HandBuilt) -> Builder:
    """A section's builder: each of its panels, in order, each safe on its own."""

    def panels(con: Any, force_id: str, period: Period) -> list[Panel]:
        return [safe(e.panel_id, e.heading, _maker(e, con, force_id, period)) for e in entries]

    return panels


def _maker(
    entry: PanelSpec | HandBuilt, con: Any, force_id: str, period: Period
) -> Callable[[], Panel]:
    if isinstance(entry, PanelSpec):
        return lambda: build(entry, con, force_id, period)
    return lambda: entry.make(con, force_id, period)


def headline_where(
    column: str, value: str, make: Callable[[Any], Headline]
) -> Callable[[Inputs], list[Headline]]:
    """A spec's headlines: the one ``make`` writes from the first row whose ``column`` is
    ``value``, or none when no row is."""

    def headlines(inputs: Inputs) -> list[Headline]:
        rows = inputs.rows[inputs.rows[column] == value]
        return [make(rows.iloc[0])] if len(rows) else []

    return headlines


def unavailable(panel_id: str, title: str, error: Exception) -> Panel:
    """A panel that says why it has no numbers (the first line of the error)."""
    return Panel(panel_id, title, None, unavailable=str(error).split("\n")[0])


def safe(panel_id: str, title: str, make: Callable[[], Panel]) -> Panel:
    """The panel ``make`` builds, or one saying why it is not available."""
    try:
        return make()
    except EXPECTED_ERRORS as error:
        return unavailable(panel_id, title, error)


def safe_result(make: Callable[[], IndicatorResult]) -> IndicatorResult | None:
    """An indicator's result, or None when it is not available."""
    try:
        return make()
    except EXPECTED_ERRORS:
        return None


def population_caveat(con: Any) -> list[str]:
    """A caveat when the population denominators loaded are synthetic."""
    if "population" not in con.list_tables():
        return []
    sources = con.table("population").source.execute().unique().tolist()
    if any_synthetic(sources):
        return [
            "The population denominators loaded are SYNTHETIC (made up for the demo), whatever "
            "the population source named in the definition: the rates are not real."
        ]
    return []


def too_few_forces(forces: int, having: str, how: str) -> list[str]:
    """The sentence for a peer comparison with fewer forces than a funnel plot needs."""
    return [
        f"{forces} force{'s' if forces != 1 else ''} with {having} in the period: at least "
        f"{MIN_FUNNEL_UNITS} are needed to compare with peers ({how})."
    ]


def months_outside(rows: pd.DataFrame, flag: str) -> int:
    """How many months a control chart flags as outside its limits."""
    return int(rows[flag].fillna(False).astype(bool).sum())


def outside_sentence(outside: int, what_varies: str) -> list[str]:
    """What the months outside the control limits mean, for a lay reader."""
    return [
        f"{outside} month(s) outside the control limits, which allow for how much this "
        f"force's {what_varies} from month to month. {OUTSIDE_MEANING}"
    ]


@dataclass(frozen=True)
class ControlLimits:
    """Monthly counts against their control limits: the columns an indicator names them by
    (by default the names ``stats.control_chart`` gives them)."""

    count: str
    title: str
    #: What varies from month to month, for the sentence on months outside the limits.
    varies: str
    centre: str = "centre"
    lower: str = "lower"
    upper: str = "upper"
    flag: str = "is_outside"


def control_chart(
    limits: ControlLimits, extra_columns: dict[str, tuple[str, str]] | None = None, **spec: Any
) -> PanelSpec:
    """A panel of monthly counts against control limits: the line, the table (with
    ``extra_columns`` after the month) and the sentence on months outside are the same for
    every such panel; ``spec`` gives the rest (id, titles, indicator, rows, headlines,
    description, caveats)."""
    return PanelSpec(
        chart=Line(
            "month", limits.count, limits.title, limits=(limits.centre, limits.lower, limits.upper)
        ),
        columns={
            "month": ("Month", "month"),
            **(extra_columns or {}),
            limits.count: (limits.title, "int"),
            limits.lower: ("Lower limit", "int"),
            limits.upper: ("Upper limit", "int"),
            limits.flag: ("Against the limits", "limits"),
        },
        comparison=lambda inputs: outside_sentence(
            months_outside(inputs.rows, limits.flag), limits.varies
        ),
        itemise=False,
        **spec,
    )
