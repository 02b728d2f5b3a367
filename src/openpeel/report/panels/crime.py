"""Crime panels: crimes per 1,000 residents a year by type, and all crime a month against
control limits with its trend."""

from __future__ import annotations

import pandas as pd

from openpeel.formatting import number_text
from openpeel.indicators import crime
from openpeel.report.model import Headline
from openpeel.report.panels.declare import (
    Bars,
    ControlLimits,
    Estimate,
    Inputs,
    PanelSpec,
    control_chart,
    headline_where,
    months_outside,
    population_caveat,
    section,
)
from openpeel.report.panels.format import interval_text, label, panel_columns

RATE = Estimate.of("rate_per_1000_per_year")


RATES = PanelSpec(
    panel_id="crime-rates",
    heading="Crimes per 1,000 residents",
    title="Crimes per 1,000 residents a year, by type",
    indicator=crime.crime_rates,
    headlines=headline_where(
        "crime_type",
        "all_crime",
        lambda a: RATE.headline(
            a,
            "All crime per 1,000 residents a year",
            f"{number_text(a.crimes, 0)} crimes (anti-social behaviour excluded)",
        ),
    ),
    description="Bar chart of crimes per 1,000 residents a year by type: ",
    shown=lambda t: (
        t[t.crime_type != "all_crime"]
        .sort_values(RATE.value, ascending=False)
        .assign(crime_type=lambda d: d.crime_type.map(label))
    ),
    chart=Bars("crime_type", RATE, "Per 1,000 residents a year", "Crime type"),
    table_rows=lambda t: t.assign(crime_type=t.crime_type.map(label)),
    columns=panel_columns("crime-rates"),
    caveats=lambda inputs: population_caveat(inputs.con),
)


def _trend_headlines(inputs: Inputs) -> list[Headline]:
    # Too few months for a trend (under six) leave it None: the panel then has no headline.
    trend = (inputs.result.meta.get("trend") or {}).get("all_crime") or {}
    change = trend.get("percent_change_per_year")
    if change is None or pd.isna(change):
        return []
    return [
        Headline(
            "Trend in all crime",
            f"{float(change):+.1f}% a year",
            interval_text(
                trend.get("percent_change_per_year_low"),
                trend.get("percent_change_per_year_high"),
            ),
            "Log-linear trend over the months supplied (see the definition).",
        )
    ]


def _trend_description(inputs: Inputs) -> str:
    period, outside = inputs.period, months_outside(inputs.rows, LIMITS.flag)
    return (
        f"Line chart of crimes a month from {period.start:%b %Y} to {period.end:%b %Y}; "
        f"{outside} month(s) outside the control limits."
    )


#: The crime indicator gives the control chart's limits names of its own.
LIMITS = ControlLimits(
    count="crimes",
    title="Crimes",
    varies="crime usually varies",
    lower="lower_limit",
    upper="upper_limit",
    flag="is_outside_limits",
)

TREND = control_chart(
    LIMITS,
    panel_id="crime-trend",
    heading="Crimes a month",
    title="All crime a month with control limits",
    indicator=crime.crime_trend,
    rows=lambda t: t[t.series == "all_crime"],
    headlines=_trend_headlines,
    description=_trend_description,
)

#: Crime rates by type and the monthly trend with control limits.
crime_panels = section(RATES, TREND)
