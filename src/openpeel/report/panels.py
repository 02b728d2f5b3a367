"""Panels of the report, one builder per openpeel section (calls, stop and search, crime,
investigations). Each calls the indicators through their public functions and turns the results
into headlines, a chart, its table, comparisons with peers and targets, and caveats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import OpenpeelError
from openpeel.formatting import number_text, percent_text
from openpeel.indicators import calls, charter, crime, investigations
from openpeel.indicators import stop_search as ss
from openpeel.indicators import stop_search_outcomes as sso
from openpeel.indicators import stop_search_quality as ssq
from openpeel.indicators.computed_once import computing_once
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import any_synthetic, lake_provenance
from openpeel.report import charts
from openpeel.report.model import Headline, Panel
from openpeel.stats.control_chart import OUTSIDE_MEANING
from openpeel.stats.funnel import MIN_FUNNEL_UNITS, position_words

Builder = Callable[[Any, str, Period], list[Panel]]
#: What a panel shows as "not available" with the reason. Anything else is a bug and propagates.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (OpenpeelError,)
share_text = percent_text


def interval_text(low: Any, high: Any, share: bool = False, confidence: float = 0.95) -> str:
    """'95% interval 1.2 to 1.5' (empty when the interval is missing)."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "no interval"
    fmt = share_text if share else number_text
    return f"{confidence:.0%} interval {fmt(low)} to {fmt(high)}"


def display(df: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A table for people: chosen columns, renamed, formatted ('share', 'int', 'num', 'text')."""
    out = pd.DataFrame(index=df.index)
    for col, (title, kind) in columns.items():
        if col not in df.columns:
            continue
        values = df[col]
        if kind == "share":
            out[title] = values.map(share_text)
        elif kind == "int":
            out[title] = values.map(lambda v: number_text(v, 0))
        elif kind == "num":
            out[title] = values.map(number_text)
        elif kind == "month":
            out[title] = pd.to_datetime(values).dt.strftime("%b %Y")
        elif kind == "limits":
            out[title] = values.map(limits_text)
        else:
            out[title] = values.map(lambda v: "" if v is None or pd.isna(v) else str(v))
    return out.reset_index(drop=True)


def limits_text(is_outside: Any) -> str:
    """A control-limit flag in words: a lay reader does not know what "True" means."""
    if is_outside is None or pd.isna(is_outside):
        return ""
    return "Outside: unusual month" if bool(is_outside) else "Within"


def label(code: Any) -> str:
    """A code as words: 'no_suspect_identified' -> 'No suspect identified'."""
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def _unavailable(panel_id: str, title: str, error: Exception) -> Panel:
    return Panel(panel_id, title, None, unavailable=str(error).split("\n")[0])


def _safe(panel_id: str, title: str, make: Callable[[], Panel]) -> Panel:
    try:
        return make()
    except EXPECTED_ERRORS as error:
        return _unavailable(panel_id, title, error)


# --- stop and search -------------------------------------------------------------------------


def _population_caveat(result: IndicatorResult, con: Any) -> list[str]:
    if "population" not in con.list_tables():
        return []
    sources = con.table("population").source.execute().unique().tolist()
    if any_synthetic(sources):
        return [
            "The population denominators loaded are SYNTHETIC (made up for the demo), whatever "
            "the population source named in the definition: the rates are not real."
        ]
    return []


def _scope(con: Any, force_id: str, period: Period) -> ss.Scope:
    """The force's searches of the period read once into a temporary table, shared by the
    panels (and the assessment) of one report or page (``computing_once``)."""
    return ss.cached_scope(con, period, force_id)


def stop_search_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Rates, disproportionality ratios with peers, outcomes and the monthly trend."""
    return [
        _safe(
            "stop-search-rates",
            "Search rates by ethnic group",
            lambda: _ss_rates(con, force_id, period),
        ),
        _safe(
            "stop-search-ratios",
            "Disproportionality ratios",
            lambda: _ss_ratios(con, force_id, period),
        ),
        _safe(
            "stop-search-outcomes",
            "Outcomes of searches",
            lambda: _ss_outcomes(con, force_id, period),
        ),
        _safe("stop-search-trend", "Searches a month", lambda: _ss_trend(con, force_id, period)),
    ]


def _ss_rates(con: Any, force_id: str, period: Period) -> Panel:
    r = ss.rates(con, _scope(con, force_id, period))
    t = r.table
    overall = t[t.group == "all"].iloc[0]
    groups = t[(t.group != "all") & t.rate_per_1000.notna()].assign(
        group=lambda d: d.group.map(label)
    )
    panel = Panel(
        "stop-search-rates", "Search rates per 1,000 residents a year by self-defined group", r
    )
    panel.headlines.append(
        Headline(
            "Person searches per 1,000 residents a year",
            number_text(overall.rate_per_1000),
            interval_text(overall.rate_low, overall.rate_high),
            f"{number_text(overall.searches, 0)} person searches over {int(overall.months)} months",
        )
    )
    panel.chart_description = "Bar chart of search rates per 1,000 residents a year by group: " + (
        "; ".join(f"{g.group} {number_text(g.rate_per_1000)}" for g in groups.itertuples())
    )
    panel.chart_svg = charts.to_svg(
        charts.interval_bars(
            groups,
            "group",
            "rate_per_1000",
            "rate_low",
            "rate_high",
            "Searches per 1,000 a year",
            "Self-defined group",
        ),
        panel.chart_description,
    )
    panel.table = display(
        t.assign(group=t.group.map(label)),
        {
            "group": ("Group", "text"),
            "searches": ("Searches", "int"),
            "population": ("Population", "int"),
            "rate_per_1000": ("Rate per 1,000", "num"),
            "rate_low": ("Low", "num"),
            "rate_high": ("High", "num"),
            "reason": ("Why empty", "text"),
        },
    )
    panel.caveats = [*r.caveats, *_population_caveat(r, con)]
    return panel


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
    r = ss.ratios(con, _scope(con, force_id, period))
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
        {
            "basis": ("Basis", "text"),
            "reference": ("Reference", "text"),
            "group": ("Group", "text"),
            "searches": ("Searches", "int"),
            "ratio": ("Ratio", "num"),
            "ratio_low": ("Low", "num"),
            "ratio_high": ("High", "num"),
            "ratio_bound_low": ("Bound if no not-stated search were this group", "num"),
            "ratio_bound_high": ("Bound if every not-stated search were this group", "num"),
            "reason": ("Why empty", "text"),
        },
    )
    panel.caveats = [*r.caveats, *_population_caveat(r, con)]
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
        return [
            f"{n} force{'s' if n != 1 else ''} with stop and search data in the period: at "
            f"least {MIN_FUNNEL_UNITS} are needed to compare with peers (load other forces with "
            "openpeel ingest)."
        ]
    out = [f"{n} forces compared (every force with data and a resident population)."]
    mine = p[(p.force_id == force_id) & p.rate_per_1000.notna()]
    for group, rate, target, position in zip(
        mine.group, mine.rate_per_1000, mine.target_per_1000, mine.funnel_position, strict=True
    ):
        who = "All person searches" if group == ss.ALL else f"{label(group)} (self-defined)"
        side = _side(float(rate), float(target))
        out.append(
            f"{who}: {number_text(rate)} per 1,000 a year, {side} the all-force rate of "
            f"{number_text(target)}; {position_words(str(position))}."
        )
    return out


def _side(value: float, target: float) -> str:
    """'above', 'below' or 'equal to': where a force's figure sits against the all-force one."""
    return "above" if value > target else "below" if value < target else "equal to"


def _ss_outcomes(con: Any, force_id: str, period: Period) -> Panel:
    r = sso.outcomes(con, _scope(con, force_id, period))
    t = r.table
    by_group = t[(t.object_of_search == "all") & (t.legislation == "all")]
    overall = by_group[by_group.ethnic_group == "all"].iloc[0]
    panel = Panel("stop-search-outcomes", "Arrests after a search, by ethnic group", r)
    panel.headlines.append(
        Headline(
            "Searches ending in arrest",
            share_text(overall.arrest_rate),
            interval_text(overall.arrest_low, overall.arrest_high, share=True),
            "Arrests / all person searches (the Home Office convention, comparable with its "
            f"published figures). Over searches with a known outcome only: "
            f"{share_text(overall.arrest_known_outcome_rate)}.",
        )
    )
    if pd.isna(overall.linked_rate):
        finds = f"not shown: {overall.linked_reason}" if overall.linked_reason else "no searches"
        panel.headlines.append(
            Headline(
                "Searches that found what was looked for",
                "not available",
                "no interval",
                "A find = a positive outcome (not no further action) linked to the object of "
                f"search; {finds}.",
            )
        )
    else:
        panel.headlines.append(
            Headline(
                "Searches that found what was looked for",
                share_text(overall.linked_rate),
                interval_text(overall.linked_low, overall.linked_high, share=True),
                "Positive outcomes (not no further action) linked to the object of search / all "
                "person searches.",
            )
        )
    shown = by_group[by_group.ethnic_group != "all"].assign(
        ethnic_group=lambda d: d.ethnic_group.map(label)
    )
    panel.chart_description = (
        "Bar chart of arrest rates (over all searches) by self-defined group: "
        + "; ".join(f"{g.ethnic_group} {share_text(g.arrest_rate)}" for g in shown.itertuples())
    )
    panel.chart_svg = charts.to_svg(
        charts.interval_bars(
            shown,
            "ethnic_group",
            "arrest_rate",
            "arrest_low",
            "arrest_high",
            "Share of all searches ending in arrest",
            "Self-defined group",
            reference=float(overall.arrest_rate),
            percent=True,
        ),
        panel.chart_description,
    )
    panel.table = display(
        by_group.assign(ethnic_group=by_group.ethnic_group.map(label)),
        {
            "ethnic_group": ("Group", "text"),
            "searches": ("Searches", "int"),
            "arrest_rate": ("Arrest rate (all searches)", "share"),
            "arrest_low": ("Low", "share"),
            "arrest_high": ("High", "share"),
            "arrest_known_outcome_rate": ("Arrest rate (known outcome)", "share"),
            "any_action_rate": ("Any action (known outcome)", "share"),
            "linked_rate": ("Finds: positive outcome linked to object (all searches)", "share"),
        },
    )
    panel.comparison = ["The dashed line is the force's arrest rate over all groups."]
    panel.caveats = list(r.caveats)
    return panel


def _ss_trend(con: Any, force_id: str, period: Period) -> Panel:
    r = ssq.trend(con, _scope(con, force_id, period))
    t = r.table[r.table.force_id == force_id]
    panel = Panel("stop-search-trend", "Searches a month with control limits", r)
    panel.headlines.append(
        Headline(
            "Searches in the period",
            number_text(t.searches.sum(), 0),
            "a count: no interval",
            "All searches, vehicle-only included, in the months loaded.",
        )
    )
    outside = int(t.is_outside.fillna(False).astype(bool).sum())
    panel.comparison = [
        f"{outside} month(s) outside the control limits, which allow for how much this "
        f"force's searches usually vary from month to month. {OUTSIDE_MEANING}"
    ]
    panel.chart_description = (
        f"Line chart of searches a month from {period.start:%b %Y} to {period.end:%b %Y}, "
        f"centre {number_text(t.centre.iloc[0], 0) if len(t) else ''}; {outside} month(s) "
        "outside the limits."
    )
    panel.chart_svg = charts.to_svg(
        charts.monthly_line(
            t, "month", "searches", "Searches", limits=("centre", "lower", "upper")
        ),
        panel.chart_description,
    )
    panel.table = display(
        t,
        {
            "month": ("Month", "month"),
            "status": ("Status", "text"),
            "searches": ("Searches", "int"),
            "lower": ("Lower limit", "int"),
            "upper": ("Upper limit", "int"),
            "is_outside": ("Against the limits", "limits"),
        },
    )
    quality = _safe_result(lambda: ssq.quality(con, _scope(con, force_id, period)))
    panel.caveats = [*r.caveats, *(quality.caveats if quality else [])]
    return panel


def _safe_result(make: Callable[[], IndicatorResult]) -> IndicatorResult | None:
    try:
        return make()
    except EXPECTED_ERRORS:
        return None


# --- crime ----------------------------------------------------------------------------------


def crime_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Crime rates by type and the monthly trend with control limits."""
    return [
        _safe(
            "crime-rates", "Crimes per 1,000 residents", lambda: _crime_rates(con, force_id, period)
        ),
        _safe("crime-trend", "Crimes a month", lambda: _crime_trend(con, force_id, period)),
    ]


def _crime_rates(con: Any, force_id: str, period: Period) -> Panel:
    r = crime.crime_rates(con, force_id, period)
    t = r.table
    col, low, high = (
        "rate_per_1000_per_year",
        "rate_per_1000_per_year_low",
        "rate_per_1000_per_year_high",
    )
    panel = Panel("crime-rates", "Crimes per 1,000 residents a year, by type", r)
    allc = t[t.crime_type == "all_crime"]
    if len(allc):
        a = allc.iloc[0]
        panel.headlines.append(
            Headline(
                "All crime per 1,000 residents a year",
                number_text(a[col]),
                interval_text(a[low], a[high]),
                f"{number_text(a.crimes, 0)} crimes (anti-social behaviour excluded)",
            )
        )
    shown = (
        t[t.crime_type != "all_crime"]
        .sort_values(col, ascending=False)
        .assign(crime_type=lambda d: d.crime_type.map(label))
    )
    panel.chart_description = "Bar chart of crimes per 1,000 residents a year by type: " + (
        "; ".join(f"{g.crime_type} {number_text(getattr(g, col))}" for g in shown.itertuples())
    )
    panel.chart_svg = charts.to_svg(
        charts.interval_bars(
            shown, "crime_type", col, low, high, "Per 1,000 residents a year", "Crime type"
        ),
        panel.chart_description,
    )
    panel.table = display(
        t.assign(crime_type=t.crime_type.map(label)),
        {
            "crime_type": ("Crime type", "text"),
            "crimes": ("Crimes", "int"),
            col: ("Per 1,000 a year", "num"),
            low: ("Low", "num"),
            high: ("High", "num"),
        },
    )
    panel.caveats = [*r.caveats, *_population_caveat(r, con)]
    return panel


def _crime_trend(con: Any, force_id: str, period: Period) -> Panel:
    r = crime.crime_trend(con, force_id, period)
    t = r.table[r.table.series == "all_crime"]
    panel = Panel("crime-trend", "All crime a month with control limits", r)
    # Too few months for a trend (under six) leave it None: the panel then has no headline.
    trend = (r.meta.get("trend") or {}).get("all_crime") or {}
    change = trend.get("percent_change_per_year")
    if change is not None and not pd.isna(change):
        panel.headlines.append(
            Headline(
                "Trend in all crime",
                f"{float(change):+.1f}% a year",
                interval_text(
                    trend.get("percent_change_per_year_low"),
                    trend.get("percent_change_per_year_high"),
                ),
                "Log-linear trend over the months supplied (see the definition).",
            )
        )
    outside = int(t.is_outside_limits.fillna(False).astype(bool).sum())
    panel.comparison = [
        f"{outside} month(s) outside the control limits, which allow for how much this "
        f"force's crime usually varies from month to month. {OUTSIDE_MEANING}"
    ]
    panel.chart_description = (
        f"Line chart of crimes a month from {period.start:%b %Y} to {period.end:%b %Y}; "
        f"{outside} month(s) outside the control limits."
    )
    panel.chart_svg = charts.to_svg(
        charts.monthly_line(
            t, "month", "crimes", "Crimes", limits=("centre", "lower_limit", "upper_limit")
        ),
        panel.chart_description,
    )
    panel.table = display(
        t,
        {
            "month": ("Month", "month"),
            "crimes": ("Crimes", "int"),
            "lower_limit": ("Lower limit", "int"),
            "upper_limit": ("Upper limit", "int"),
            "is_outside_limits": ("Against the limits", "limits"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


# --- investigations --------------------------------------------------------------------------

OUTCOME_MEASURES = (
    "charged_summonsed",
    "out_of_court",
    "evidential_difficulties",
    "no_suspect_identified",
    "other_closed",
    "under_investigation_or_awaiting_court",
    "no_status",
)


def investigation_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Outcome shares with peers, and time to outcome."""
    return [
        _safe("outcomes", "Outcomes of crimes", lambda: _outcomes(con, force_id, period)),
        _safe(
            "time-to-outcome", "Time to outcome", lambda: _time_to_outcome(con, force_id, period)
        ),
    ]


def _outcomes(con: Any, force_id: str, period: Period) -> Panel:
    r = investigations.outcomes_by_type(con, force_id, period)
    t = r.table[(r.table.crime_type == "all_crime") & r.table.measure.isin(OUTCOME_MEASURES)]
    panel = Panel("outcomes", "Latest outcome of crimes recorded in the period", r)
    charged = t[t.measure == "charged_summonsed"]
    if len(charged):
        c = charged.iloc[0]
        panel.headlines.append(
            Headline(
                "Crimes charged or summonsed",
                share_text(c.share),
                interval_text(c.share_low, c.share_high, share=True),
                "Crimes whose latest outcome is a charge or summons / crimes recorded.",
            )
        )
    shown = t.assign(measure=t.measure.map(label))
    panel.chart_description = "Bar chart of the share of crimes by latest outcome: " + "; ".join(
        f"{g.measure} {share_text(g.share)}" for g in shown.itertuples()
    )
    panel.chart_svg = charts.to_svg(
        charts.interval_bars(
            shown,
            "measure",
            "share",
            "share_low",
            "share_high",
            "Share of crimes",
            "Latest outcome",
            percent=True,
        ),
        panel.chart_description,
    )
    panel.table = display(
        shown,
        {
            "measure": ("Latest outcome", "text"),
            "crimes_in_measure": ("Crimes", "int"),
            "share": ("Share", "share"),
            "share_low": ("Low", "share"),
            "share_high": ("High", "share"),
        },
    )
    panel.caveats = list(r.caveats)
    quality = _safe_result(lambda: investigations.outcome_quality(con, force_id, period))
    if quality is not None:
        panel.caveats += quality.caveats
    panel.comparison = _outcome_peer_sentences(con, force_id, period)
    return panel


def _outcome_peer_sentences(con: Any, force_id: str, period: Period) -> list[str]:
    try:
        p = investigations.outcome_peers(con, period, force_id).table
    except EXPECTED_ERRORS as error:
        return [f"Peers not available: {error}"]
    forces = p.force_id.nunique()
    if forces < MIN_FUNNEL_UNITS:
        return [
            f"{forces} force{'s' if forces != 1 else ''} with outcomes in the period: at least "
            f"{MIN_FUNNEL_UNITS} are needed to compare with peers (load other forces' files)."
        ]
    row = p[(p.force_id == force_id) & (p.measure == "charged_summonsed")]
    if not len(row):
        return [f"{forces} forces with outcomes in the period."]
    share, target = float(row.share.iloc[0]), float(row.target.iloc[0])
    return [
        f"{forces} forces compared; charge or summons share {share_text(share)}, "
        f"{_side(share, target)} the all-force share of {share_text(target)}; "
        f"{position_words(str(row.funnel_position.iloc[0]))}."
    ]


def _time_to_outcome(con: Any, force_id: str, period: Period) -> Panel:
    r = investigations.time_to_outcome(con, force_id, period)
    t = r.table[r.table.event == "any_outcome"]
    events = r.meta.get("events", {}).get("any_outcome", {})
    panel = Panel("time-to-outcome", "Time from crime to first outcome (Kaplan–Meier)", r)
    within3 = events.get("share_within_3_months")
    row3 = t[t.months_since_crime == 3]
    if within3 is not None and len(row3):
        x = row3.iloc[0]
        panel.headlines.append(
            Headline(
                "Crimes with an outcome within 3 months",
                share_text(within3),
                interval_text(x.share_with_outcome_low, x.share_with_outcome_high, True),
                "Kaplan–Meier estimate: crimes followed for less time are censored.",
            )
        )
    panel.chart_description = "Line chart of the share of crimes with an outcome by months " + (
        "since the crime: "
        + "; ".join(
            f"{int(cast(Any, g.months_since_crime))} months {share_text(g.share_with_outcome)}"
            for g in t.itertuples()
        )
    )
    plot = t.assign(months=t.months_since_crime.astype(int))
    chart = charts.interval_bars(
        plot.assign(months=plot.months.map(lambda m: f"{m} months")),
        "months",
        "share_with_outcome",
        "share_with_outcome_low",
        "share_with_outcome_high",
        "Share with an outcome",
        "Months since the crime",
        percent=True,
    )
    panel.chart_svg = charts.to_svg(chart, panel.chart_description)
    panel.table = display(
        t,
        {
            "months_since_crime": ("Months since crime", "int"),
            "at_risk": ("Followed", "int"),
            "events": ("Outcomes", "int"),
            "share_with_outcome": ("Share with outcome", "share"),
            "share_with_outcome_low": ("Low", "share"),
            "share_with_outcome_high": ("High", "share"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


# --- calls ----------------------------------------------------------------------------------


def calls_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """999 answering (call log, else the published figures) and Citizens' Charter compliance."""
    return [
        _safe("calls-999", "999 calls answered in time", lambda: _calls_999(con, force_id, period)),
        _safe("charter", "Citizens' Charter", lambda: _charter(con, force_id, period)),
    ]


def _calls_999(con: Any, force_id: str, period: Period) -> Panel:
    r = calls.answer_performance(con, force_id, period, lines=("999",))
    t = r.table
    panel = Panel("calls-999", "999 calls answered within 10 seconds, by month", r)
    if t.empty:
        return _published_999(con, force_id, period, r.caveats)
    offered, within = float(t.offered.sum()), float(t.answered_within.sum())
    share = within / offered if offered else float("nan")
    panel.headlines.append(
        Headline(
            "999 calls answered within 10 seconds",
            share_text(share),
            "monthly intervals in the table",
            f"{number_text(within, 0)} of {number_text(offered, 0)} calls offered "
            "(abandoned calls count as not answered in time).",
        )
    )
    below = int(t.is_below_standard.fillna(False).astype(bool).sum())
    panel.comparison = [
        f"Target: 90% within 10 seconds (the national standard); {below} month(s) below it."
    ]
    panel.chart_description = (
        "Line chart of the monthly share of 999 calls answered within 10 seconds, with its "
        "interval and the 90% target: "
        + "; ".join(
            f"{pd.Timestamp(cast(Any, g.month)):%b %Y} {share_text(g.share_within)}"
            for g in t.itertuples()
        )
    )
    panel.chart_svg = charts.to_svg(
        charts.monthly_line(
            t,
            "month",
            "share_within",
            "Answered within 10 s",
            low="share_within_low",
            high="share_within_high",
            target=0.9,
            percent=True,
        ),
        panel.chart_description,
    )
    panel.table = display(
        t,
        {
            "month": ("Month", "month"),
            "offered": ("Offered", "int"),
            "answered_within": ("Within 10 s", "int"),
            "share_within": ("Share", "share"),
            "share_within_low": ("Low", "share"),
            "share_within_high": ("High", "share"),
            "abandonment_share": ("Abandoned", "share"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


def _published_999(con: Any, force_id: str, period: Period, earlier: Sequence[str]) -> Panel:
    r = calls.published_999_trend(con, [force_id], period)
    t = r.table.dropna(subset=["share_under_10s"])
    panel = Panel("calls-999", "999 calls answered within 10 seconds (published)", r)
    if t.empty:
        panel.unavailable = "No 999 figures (call log or published) are loaded for this period."
        panel.caveats = [*earlier, *r.caveats]
        return panel
    panel.chart_description = "Line chart of the published monthly share of 999 calls answered" + (
        " in under 10 seconds, with the 90% target."
    )
    panel.chart_svg = charts.to_svg(
        charts.monthly_line(
            t,
            "month",
            "share_under_10s",
            "Under 10 s",
            low="share_under_10s_low",
            high="share_under_10s_high",
            target=0.9,
            percent=True,
        ),
        panel.chart_description,
    )
    panel.table = display(
        t,
        {
            "month": ("Month", "month"),
            "calls": ("Calls", "int"),
            "share_under_10s": ("Share", "share"),
            "share_under_10s_low": ("Low", "share"),
            "share_under_10s_high": ("High", "share"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


def _charter(con: Any, force_id: str, period: Period) -> Panel:
    r = charter.charter_compliance(con, force_id, period)
    t = r.table[(r.table.scope == "period") & (r.table.measured > 0)]
    panel = Panel("charter", "Citizens' Charter standards met over the period", r)
    if t.empty:
        panel.unavailable = "No records to measure the Charter standards in this period."
        panel.caveats = list(r.caveats)
        return panel
    panel.chart_description = "Bar chart of the share of each Charter standard met: " + "; ".join(
        f"{g.standard} {share_text(g.compliance_share)}" for g in t.itertuples()
    )
    panel.chart_svg = charts.to_svg(
        charts.interval_bars(
            t,
            "standard",
            "compliance_share",
            "compliance_low",
            "compliance_high",
            "Share met",
            "Standard",
            percent=True,
        ),
        panel.chart_description,
    )
    panel.table = display(
        t,
        {
            "standard": ("Standard", "text"),
            "measured": ("Measured", "int"),
            "met": ("Met", "int"),
            "compliance_share": ("Share met", "share"),
            "compliance_low": ("Low", "share"),
            "compliance_high": ("High", "share"),
            "target_share": ("Target", "share"),
        },
    )
    targets = t.dropna(subset=["target_share"])
    panel.comparison = [
        f"{g.standard}: target {share_text(g.target_share)}, "
        f"{'below' if bool(g.is_below_target) else 'not below'} target."
        for g in targets.itertuples()
    ] or ["The Charter states no target share except for 999 (90%)."]
    panel.caveats = list(r.caveats)
    return panel


def offender_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Managing offenders, from the force's own extract (openpeel.report.offender_panels)."""
    from openpeel.report.offender_panels import offender_panels as build

    return build(con, force_id, period)


def vulnerability_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Protecting vulnerable people, from the force's own extract
    (openpeel.report.vulnerability_panels)."""
    from openpeel.report.vulnerability_panels import vulnerability_panels as build

    return build(con, force_id, period)


def official_panels(section: str) -> Builder:
    """The panels of the official statistics published for every force
    (openpeel.report.official_panels), imported when first built."""

    def build(con: Any, force_id: str, period: Period) -> list[Panel]:
        from openpeel.report import official_panels

        return cast(Builder, getattr(official_panels, f"{section}_panels"))(con, force_id, period)

    return build


def crime_recording_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Recording data about crime, from the force's crime data integrity audits
    (openpeel.report.audit_panels)."""
    from openpeel.report.audit_panels import crime_recording_panels as build

    return build(con, force_id, period)


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
    with computing_once():
        panels = BUILDERS[section](con, force_id, period)
    if lake_is_synthetic is None:
        lake_is_synthetic = lake_provenance(con, [force_id]).is_synthetic
    for panel in panels:
        if lake_is_synthetic or (panel.result is not None and panel.result.is_synthetic):
            panel.chart_svg = charts.mark_synthetic(panel.chart_svg)
    return panels
