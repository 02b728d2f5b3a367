"""Stop and search panels: search rates and disproportionality ratios by ethnic group with
peers, the outcomes of searches and searches a month against control limits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from openpeel.calendar import Period
from openpeel.formatting import number_text
from openpeel.indicators import stop_search as ss
from openpeel.indicators import stop_search_outcomes as sso
from openpeel.indicators import stop_search_quality as ssq
from openpeel.report import charts
from openpeel.report.model import Headline, Panel
from openpeel.report.panels.declare import (
    EXPECTED_ERRORS,
    Bars,
    ControlLimits,
    Estimate,
    HandBuilt,
    Inputs,
    PanelSpec,
    build,
    control_chart,
    months_outside,
    population_caveat,
    safe_result,
    section,
    too_few_forces,
)
from openpeel.report.panels.format import (
    display,
    interval_text,
    label,
    panel_columns,
    share_text,
    side,
)
from openpeel.stats.funnel import MIN_FUNNEL_UNITS, position_words

RATE = Estimate("rate_per_1000", "rate_low", "rate_high")
ARREST = Estimate("arrest_rate", "arrest_low", "arrest_high")
LINKED = Estimate("linked_rate", "linked_low", "linked_high")


def scope(con: Any, force_id: str, period: Period) -> ss.Scope:
    """The force's searches of the period read once into a temporary table, shared by the
    panels (and the assessment) of one report or page (``computing_once``)."""
    return ss.cached_scope(con, period, force_id)


def _rates_headlines(inputs: Inputs) -> list[Headline]:
    t = inputs.rows
    overall = t[t.group == "all"].iloc[0]
    return [
        RATE.headline(
            overall,
            "Person searches per 1,000 residents a year",
            f"{number_text(overall.searches, 0)} person searches over {int(overall.months)} months",
        )
    ]


RATES = PanelSpec(
    panel_id="stop-search-rates",
    heading="Search rates by ethnic group",
    title="Search rates per 1,000 residents a year by self-defined group",
    indicator=lambda con, force_id, period: ss.rates(con, scope(con, force_id, period)),
    headlines=_rates_headlines,
    description="Bar chart of search rates per 1,000 residents a year by group: ",
    shown=lambda t: t[(t.group != "all") & t.rate_per_1000.notna()].assign(
        group=lambda d: d.group.map(label)
    ),
    chart=Bars("group", RATE, "Searches per 1,000 a year", "Self-defined group"),
    table_rows=lambda t: t.assign(group=t.group.map(label)),
    columns=panel_columns("stop-search-rates"),
    caveats=lambda inputs: population_caveat(inputs.con),
)


BASIS_LABELS = {"self_defined": "Self-defined", "officer_defined": "Officer-defined"}
REFERENCE_LABELS = {"white": "against White", "population": "against the whole population"}


def ratio_facet(basis: Any, reference: Any) -> str:
    """The title of one small chart of ratios: 'Self-defined, against White'."""
    return f"{BASIS_LABELS.get(str(basis), label(basis))}, {REFERENCE_LABELS[str(reference)]}"


def largest_ratio(table: pd.DataFrame, basis: str = "self_defined") -> Any:
    """The row with the largest ratio against White on a basis (None when no ratio is defined):
    the headline names it with its group, whichever group it is."""
    rows = table[(table.basis == basis) & (table.reference == ss.REFERENCE) & table.ratio.notna()]
    if rows.empty:
        return None
    return rows.iloc[int(np.argmax(rows.ratio.to_numpy(dtype=float)))]


def _ss_ratios(con: Any, force_id: str, period: Period) -> Panel:
    r = ss.ratios(con, scope(con, force_id, period))
    t = r.table.assign(
        panel=lambda d: [ratio_facet(b, x) for b, x in zip(d.basis, d.reference, strict=True)]
    )
    panel = Panel(
        "stop-search-ratios",
        "Disproportionality ratios, by ethnicity basis and reference",
        r,
    )
    top = largest_ratio(t)
    if top is not None:
        group = label(top.group)
        panel.headlines.append(
            Headline(
                "Largest disproportionality ratio (self-defined, against White)",
                f"{group} {top.ratio:.2f}",
                interval_text(top.ratio_low, top.ratio_high),
                f"{group} residents are searched {top.ratio:.2f} times as often per head as "
                "White residents (1 = the same rate); the largest of every group's ratio to "
                "White, whichever group it is.",
            )
        )
    shown = t.dropna(subset=["ratio"]).assign(group=lambda d: d.group.map(label))
    panel.chart_description = (
        "Bar charts of disproportionality ratios, one per ethnicity basis and reference, with a "
        "line at 1: "
        + "; ".join(
            f"{facet}: " + ", ".join(f"{g.group} {g.ratio:.2f}" for g in rows.itertuples())
            for facet, rows in shown.groupby("panel", sort=False)
        )
    )
    chart = charts.interval_bars(
        shown,
        "group",
        "ratio",
        "ratio_low",
        "ratio_high",
        "Ratio (1 = the same rate per head)",
        "Group",
        reference=1.0,
        facet="panel",
    )
    panel.chart_spec = chart.to_dict()
    panel.chart_svg = charts.to_svg(chart, panel.chart_description)
    panel.table = display(
        t.assign(
            basis=t.basis.map(lambda b: BASIS_LABELS.get(str(b), label(b))),
            reference=t.reference.map(lambda x: REFERENCE_LABELS[str(x)]),
            group=t.group.map(label),
        ),
        panel_columns("stop-search-ratios"),
    )
    panel.caveats = [*r.caveats, *population_caveat(con)]
    panel.comparison = _ss_peer_sentences(con, force_id, period)
    return panel


def _ss_peer_sentences(con: Any, force_id: str, period: Period) -> list[str]:
    try:
        result = ss.peers(con, period, None)
    except EXPECTED_ERRORS as error:
        return [f"Peers not available: {error}"]
    p = result.table
    n = int(result.meta.get("forces_compared", p.force_id.nunique()))
    if n < MIN_FUNNEL_UNITS:
        return too_few_forces(n, "stop and search data", "load other forces with openpeel ingest")
    out = [f"{n} forces compared (every force with data and a resident population)."]
    mine = p[(p.force_id == force_id) & p.rate_per_1000.notna()]
    for group, rate, target, position in zip(
        mine.group, mine.rate_per_1000, mine.target_per_1000, mine.funnel_position, strict=True
    ):
        who = "All person searches" if group == ss.ALL else f"{label(group)} (self-defined)"
        where = side(float(rate), float(target))
        out.append(
            f"{who}: {number_text(rate)} per 1,000 a year, {where} the all-force rate of "
            f"{number_text(target)}; {position_words(str(position))}."
        )
    return out


def _overall(by_group: pd.DataFrame) -> Any:
    return by_group[by_group.ethnic_group == "all"].iloc[0]


def _outcome_headlines(inputs: Inputs) -> list[Headline]:
    overall = _overall(inputs.rows)
    arrests = ARREST.headline(
        overall,
        "Searches ending in arrest",
        "Arrests / all person searches (the Home Office convention, comparable with its "
        f"published figures). Over searches with a known outcome only: "
        f"{share_text(overall.arrest_known_outcome_rate)}.",
        share=True,
    )
    if pd.isna(overall.linked_rate):
        finds = f"not shown: {overall.linked_reason}" if overall.linked_reason else "no searches"
        return [
            arrests,
            Headline(
                "Searches that found what was looked for",
                "not available",
                "no interval",
                "A find = a positive outcome (not no further action) linked to the object of "
                f"search; {finds}.",
            ),
        ]
    return [
        arrests,
        LINKED.headline(
            overall,
            "Searches that found what was looked for",
            "Positive outcomes (not no further action) linked to the object of search / all "
            "person searches.",
            share=True,
        ),
    ]


OUTCOMES = PanelSpec(
    panel_id="stop-search-outcomes",
    heading="Outcomes of searches",
    title="Arrests after a search, by ethnic group",
    indicator=lambda con, force_id, period: sso.outcomes(con, scope(con, force_id, period)),
    rows=lambda t: t[(t.object_of_search == "all") & (t.legislation == "all")],
    headlines=_outcome_headlines,
    description="Bar chart of arrest rates (over all searches) by self-defined group: ",
    shown=lambda t: t[t.ethnic_group != "all"].assign(
        ethnic_group=lambda d: d.ethnic_group.map(label)
    ),
    chart=Bars(
        "ethnic_group",
        ARREST,
        "Share of all searches ending in arrest",
        "Self-defined group",
        percent=True,
        reference=lambda inputs: float(_overall(inputs.rows).arrest_rate),
    ),
    table_rows=lambda t: t.assign(ethnic_group=t.ethnic_group.map(label)),
    columns=panel_columns("stop-search-outcomes"),
    comparison=lambda inputs: ["The dashed line is the force's arrest rate over all groups."],
)


def _trend_description(inputs: Inputs) -> str:
    t, period = inputs.rows, inputs.period
    return (
        f"Line chart of searches a month from {period.start:%b %Y} to {period.end:%b %Y}, "
        f"centre {number_text(t.centre.iloc[0], 0) if len(t) else ''}; "
        f"{months_outside(t, LIMITS.flag)} month(s) outside the limits."
    )


def _quality_caveats(inputs: Inputs) -> list[str]:
    con, force_id, period = inputs.con, inputs.force_id, inputs.period
    quality = safe_result(lambda: ssq.quality(con, scope(con, force_id, period)))
    return list(quality.caveats) if quality else []


LIMITS = ControlLimits(count="searches", title="Searches", varies="searches usually vary")

TREND = control_chart(
    LIMITS,
    extra_columns={"status": ("Status", "text")},
    panel_id="stop-search-trend",
    heading="Searches a month",
    title="Searches a month with control limits",
    indicator=lambda con, force_id, period: ssq.trend(con, scope(con, force_id, period)),
    force_column="force_id",
    headlines=lambda inputs: [
        Headline(
            "Searches in the period",
            number_text(inputs.rows.searches.sum(), 0),
            "a count: no interval",
            "All searches, vehicle-only included, in the months loaded.",
        )
    ],
    description=_trend_description,
    caveats=_quality_caveats,
)


def _ss_trend(con: Any, force_id: str, period: Period) -> Panel:
    """Searches a month against control limits (the peers' section draws it too)."""
    return build(TREND, con, force_id, period)


#: Rates, disproportionality ratios with peers, outcomes and the monthly trend.
stop_search_panels = section(
    RATES,
    HandBuilt("stop-search-ratios", "Disproportionality ratios", _ss_ratios),
    OUTCOMES,
    TREND,
)
