"""Panels of the official statistics published for every force (ONS recorded crime, Home Office
crime outcomes, use of force and police workforce): the numbers a PEEL area starts from when the
force's own records are not at hand, each against England and Wales and every force.

Each panel calls :mod:`openpeel.indicators.official_for_period` (the edition of the publication
that speaks to the period, never a later one) and names its publication and edition in the
headline and the caveats. The report and the web pages (overview, area pages, CSV downloads)
show the same panels.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from openpeel.calendar import Period
from openpeel.formatting import number_text, percent_text
from openpeel.indicators import official_for_period as official
from openpeel.indicators.result import IndicatorResult
from openpeel.report import charts, peer_panels
from openpeel.report.model import Headline, Panel
from openpeel.report.panels import _safe, display, interval_text, label

#: A figure that is a count of a whole population or an amount of money: no sampling interval.
NO_INTERVAL = "no interval: not a sample"

FOOTNOTE = re.compile(r"\s*\d+(,\d+)*$")


def offence_label(group: Any) -> str:
    """A published offence group as words: the part after the heading, footnote digits gone
    ('Victim-based crime | Stalking and harassment 5' -> 'Stalking and harassment')."""
    text = str(group).split(" | ")[-1]
    return FOOTNOTE.sub("", text).strip()


def _interval(low: Any, high: Any, decimals: int = 2) -> str:
    """'95% interval 1.39 to 1.42': ratios near one need two decimals to say anything."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "no interval"
    return f"95% interval {number_text(low, decimals)} to {number_text(high, decimals)}"


def _fixed(df: pd.DataFrame, columns: tuple[str, ...], decimals: int = 2) -> pd.DataFrame:
    """The columns as text with ``decimals`` places (small rates and ratios)."""
    return df.assign(**{c: df[c].map(lambda v: number_text(v, decimals)) for c in columns})


def _edition(result: IndicatorResult) -> str:
    """The edition shown, in words ('year ending December 2019', '2019/20')."""
    return str(result.meta.get("edition_words") or result.meta.get("edition", ""))


def _draw(panel: Panel, description: str, chart: Any) -> None:
    """The panel's chart: its text alternative, its Vega-Lite spec and its SVG."""
    panel.chart_description = description
    panel.chart_spec = chart.to_dict()
    panel.chart_svg = charts.to_svg(chart, description)


def _rank_text(rank: Any, compared: Any, what: str) -> str:
    if rank is None or pd.isna(rank) or not compared:
        return ""
    return f"{int(rank)} of {int(compared)} forces by {what} (1 = the highest)."


# --- Preventing crime: recorded crime (ONS) ---------------------------------------------------


def official_crime_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Recorded crime per 1,000 residents by offence group, against England and Wales."""
    title = "Police recorded crime (ONS, every force)"
    return [_safe("official-recorded-crime", title, lambda: _crime(con, force_id, period))]


def _crime(con: Any, force_id: str, period: Period) -> Panel:
    r = official.recorded_crime_for(con, force_id, period)
    t = r.table[r.table["offences"].notna()].copy()
    t["group"] = t["offence_group"].map(offence_label)
    edition = _edition(r)
    panel = Panel(
        "official-recorded-crime", f"Police recorded crime per 1,000 residents, {edition}", r
    )
    total = t[t["is_total"]]
    if len(total):
        a = total.iloc[0]
        panel.headlines.append(
            Headline(
                f"Recorded crime per 1,000 residents ({edition}, excluding fraud)",
                number_text(a["rate_per_1000"]),
                interval_text(a["rate_per_1000_low"], a["rate_per_1000_high"]),
                f"{number_text(a['offences'], 0)} offences recorded; England and Wales "
                f"{number_text(a['england_and_wales_rate_per_1000'])} per 1,000.",
            )
        )
        if pd.notna(a["published_change_percent"]):
            panel.headlines.append(
                Headline(
                    "Change in recorded crime on the previous year (ONS)",
                    f"{a['published_change_percent']:+.1f}%",
                    "no interval",
                    f"England and Wales {a['england_and_wales_change_percent']:+.1f}%"
                    if pd.notna(a["england_and_wales_change_percent"])
                    else "England and Wales: not published",
                )
            )
        ratio = _interval(a["rate_to_england_and_wales_low"], a["rate_to_england_and_wales_high"])
        panel.comparison = [
            s
            for s in (
                f"The force's rate is {a['rate_to_england_and_wales']:.2f} times the England "
                f"and Wales rate ({ratio})."
                if pd.notna(a["rate_to_england_and_wales"])
                else "",
                _rank_text(
                    a["rank_among_forces"], a["forces_compared"], "recorded crime per 1,000"
                ),
            )
            if s
        ]
    shown = t[~t["is_total"] & t["rate_per_1000"].notna()]
    shown = shown.drop_duplicates("group")
    _draw(
        panel,
        (
            f"Bar chart of offences per 1,000 residents by offence group, {edition}: "
            + "; ".join(f"{g.group} {number_text(g.rate_per_1000)}" for g in shown.itertuples())
        ),
        charts.interval_bars(
            shown,
            "group",
            "rate_per_1000",
            "rate_per_1000_low",
            "rate_per_1000_high",
            "Offences per 1,000 residents",
            "Offence group",
        ),
    )
    rates = ("rate_per_1000", "rate_per_1000_low", "rate_per_1000_high")
    panel.table = display(
        _fixed(t, (*rates, "england_and_wales_rate_per_1000")),
        {
            "group": ("Offence group", "text"),
            "offences": ("Offences", "int"),
            "rate_per_1000": ("Per 1,000", "text"),
            "rate_per_1000_low": ("Low", "text"),
            "rate_per_1000_high": ("High", "text"),
            "england_and_wales_rate_per_1000": ("England and Wales per 1,000", "text"),
            "published_change_percent": ("Change on previous year %", "num"),
            "rank_among_forces": ("Rank among forces", "int"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


# --- Investigating crime: crime outcomes (Home Office) ---------------------------------------


def official_outcome_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """The outcome of every crime recorded in the year, against England and Wales."""
    title = "Crime outcomes (Home Office, every force)"
    return [_safe("official-crime-outcomes", title, lambda: _outcomes(con, force_id, period))]


def _outcomes(con: Any, force_id: str, period: Period) -> Panel:
    r = official.crime_outcomes_for(con, force_id, period)
    t = r.table
    edition = _edition(r)
    panel = Panel("official-crime-outcomes", f"Outcomes of the crimes recorded in {edition}", r)
    charged = t[t["outcome_group"] == official.CHARGED]
    if len(charged):
        c = charged.iloc[0]
        panel.headlines.append(
            Headline(
                f"Crimes recorded in {edition} ending in a charge or summons",
                percent_text(c["share"]),
                interval_text(c["share_low"], c["share_high"], share=True),
                f"{number_text(c['crimes'], 0)} crimes; England and Wales "
                f"{percent_text(c['england_and_wales_share'])}.",
            )
        )
        ratio = _interval(c["share_to_england_and_wales_low"], c["share_to_england_and_wales_high"])
        panel.comparison = [
            f"The force's charge or summons share is {c['share_to_england_and_wales']:.2f} "
            f"times the England and Wales share ({ratio}).",
            _rank_text(c["rank_among_forces"], c["forces_compared"], "charge or summons share"),
        ]
    _draw(
        panel,
        (
            f"Bar chart of the share of crimes recorded in {edition} by outcome: "
            + "; ".join(f"{g.outcome_group} {percent_text(g.share)}" for g in t.itertuples())
        ),
        charts.interval_bars(
            t,
            "outcome_group",
            "share",
            "share_low",
            "share_high",
            "Share of crimes recorded",
            "Outcome",
            percent=True,
        ),
    )
    panel.table = display(
        t,
        {
            "outcome_group": ("Outcome", "text"),
            "crimes": ("Crimes", "int"),
            "share": ("Share", "share"),
            "share_low": ("Low", "share"),
            "share_high": ("High", "share"),
            "england_and_wales_share": ("England and Wales", "share"),
            "rank_among_forces": ("Rank among forces", "int"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


# --- Treating the public fairly: use of force (Home Office) ----------------------------------


def official_use_of_force_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Use of force by officer-perceived ethnicity, beside stop and search."""
    title = "Use of force by perceived ethnicity (Home Office)"
    return [_safe("official-use-of-force", title, lambda: _use_of_force(con, force_id, period))]


def _use_of_force(con: Any, force_id: str, period: Period) -> Panel:
    r = official.use_of_force_for(con, force_id, period)
    t = r.table
    edition = _edition(r)
    panel = Panel("official-use-of-force", f"Use of force by perceived ethnicity, {edition}", r)
    everyone = t[t["perceived_ethnicity"] == "all"]
    if len(everyone):
        a = everyone.iloc[0]
        panel.headlines.append(
            Headline(
                f"Incidents in which force was used ({edition})",
                number_text(a["incidents"], 0),
                "a count: no interval",
                f"{number_text(a['tactics'], 0)} uses of tactics.",
            )
        )
    ratios = t[t["ratio_to_white"].notna()]
    if len(ratios):
        top = ratios.sort_values("ratio_to_white", ascending=False).iloc[0]
        group = label(top["perceived_ethnicity"])
        panel.headlines.append(
            Headline(
                "Largest use-of-force ratio to White (perceived ethnicity)",
                f"{group} {top['ratio_to_white']:.2f}",
                _interval(top["ratio_low"], top["ratio_high"]),
                f"Force was used on {group} residents {top['ratio_to_white']:.2f} times as often "
                "per head as on White residents (1 = the same rate).",
            )
        )
        shown = ratios.assign(group=ratios["perceived_ethnicity"].map(label))
        description = (
            f"Bar chart of use-of-force rate ratios to White by perceived ethnicity, {edition}, "
            "with a line at 1: "
            + "; ".join(f"{g.group} {g.ratio_to_white:.2f}" for g in shown.itertuples())
        )
        chart = charts.interval_bars(
            shown,
            "group",
            "ratio_to_white",
            "ratio_low",
            "ratio_high",
            "Ratio to White (1 = the same rate per head)",
            "Perceived ethnicity",
            reference=1.0,
        )
    else:
        shown = t[t["share"].notna()].assign(group=lambda d: d["perceived_ethnicity"].map(label))
        description = (
            f"Bar chart of the share of uses of force by perceived ethnicity, {edition}: "
            + "; ".join(f"{g.group} {percent_text(g.share)}" for g in shown.itertuples())
        )
        chart = charts.interval_bars(
            shown,
            "group",
            "share",
            "share_low",
            "share_high",
            "Share of uses of tactics",
            "Perceived ethnicity",
            percent=True,
        )
    _draw(panel, description, chart)
    panel.table = display(
        _fixed(t, ("ratio_to_white", "ratio_low", "ratio_high")).assign(
            perceived_ethnicity=t["perceived_ethnicity"].map(label)
        ),
        {
            "perceived_ethnicity": ("Perceived ethnicity", "text"),
            "tactics": ("Uses of tactics", "int"),
            "share": ("Share", "share"),
            "rate_per_1000": ("Per 1,000 residents", "num"),
            "rate_per_1000_low": ("Low", "num"),
            "rate_per_1000_high": ("High", "num"),
            "ratio_to_white": ("Ratio to White", "text"),
            "ratio_low": ("Ratio low", "text"),
            "ratio_high": ("Ratio high", "text"),
        },
    )
    panel.comparison = [
        "Stop and search by ethnicity, from police.uk, is shown in the same area: use of force "
        "counts uses of tactics by the officer's perception, searches count people by their "
        "own description, so the two ratios are beside each other, not the same measure."
    ]
    panel.caveats = list(r.caveats)
    return panel


# --- Workforce: representation (Home Office police workforce) --------------------------------


def official_workforce_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Ethnic-minority share of officers, joiners and leavers against the area's residents;
    officers, staff and PCSOs per 1,000 residents and their change."""
    title = "Workforce representation (Home Office police workforce)"
    return [
        _safe(
            "official-workforce-representation",
            title,
            lambda: _workforce(con, force_id, period),
        ),
        _safe(
            "official-workforce-resources",
            "Officers, staff and PCSOs per 1,000 residents (HMICFRS value for money profiles)",
            lambda: _resources(con, force_id, period),
        ),
        _safe(
            "official-workforce-headcount",
            "Workforce per 1,000 residents by headcount and FTE (Home Office police workforce)",
            lambda: _headcount(con, force_id, period),
        ),
        _safe(
            "official-workforce-peers",
            "Officers per 1,000 residents by headcount, every force",
            lambda: peer_panels.official_peer_panel(
                "official-workforce-peers",
                official.workforce_peers_for(con, force_id, period),
                force_id,
                "Officers per 1,000 residents (headcount)",
            ),
        ),
    ]


GROUP_WORDS = {"officers": "Officers", "joiners": "Joiners in the year", "leavers": "Leavers"}


def _workforce(con: Any, force_id: str, period: Period) -> Panel:
    r = official.workforce_representation_for(con, force_id, period)
    t = r.table.assign(who=lambda d: d["group"].map(lambda g: GROUP_WORDS.get(g, label(g))))
    edition = _edition(r)
    panel = Panel(
        "official-workforce-representation",
        f"Officers from ethnic minorities against the area's residents, {edition}",
        r,
    )
    officers = t[t["group"] == "officers"]
    residents = None
    if len(officers):
        o = officers.iloc[0]
        residents = o["residents_ethnic_minority_share"]
        panel.headlines.append(
            Headline(
                f"Officers from ethnic minorities ({edition})",
                percent_text(o["ethnic_minority_share"]),
                interval_text(o["share_low"], o["share_high"], share=True),
                f"Residents of the force area: {percent_text(residents)} (2011 Census).",
            )
        )
        if pd.notna(o["representation_ratio"]):
            panel.headlines.append(
                Headline(
                    "Ratio of representation, officers (1 = looks like the community)",
                    number_text(o["representation_ratio"], 2),
                    _interval(o["representation_ratio_low"], o["representation_ratio_high"]),
                    "The officers' ethnic-minority share divided by the residents' share.",
                )
            )
    _draw(
        panel,
        (
            f"Bar chart of the ethnic-minority share of officers, joiners and leavers, {edition}"
            + (
                f", with a line at the residents' share {percent_text(residents)}: "
                if residents is not None and pd.notna(residents)
                else ": "
            )
            + "; ".join(f"{g.who} {percent_text(g.ethnic_minority_share)}" for g in t.itertuples())
        ),
        charts.interval_bars(
            t,
            "who",
            "ethnic_minority_share",
            "share_low",
            "share_high",
            "Share from ethnic minorities",
            "Group",
            reference=float(residents) if residents is not None and pd.notna(residents) else None,
            percent=True,
        ),
    )
    panel.table = display(
        _fixed(
            t, ("representation_ratio", "representation_ratio_low", "representation_ratio_high")
        ),
        {
            "who": ("Group", "text"),
            "ethnic_minority_fte": ("Ethnic minority (FTE)", "num"),
            "ethnic_minority_share": ("Share", "share"),
            "share_low": ("Low", "share"),
            "share_high": ("High", "share"),
            "residents_ethnic_minority_share": ("Residents", "share"),
            "representation_ratio": ("Ratio of representation", "text"),
            "representation_ratio_low": ("Ratio low", "text"),
            "representation_ratio_high": ("Ratio high", "text"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


def _resources(con: Any, force_id: str, period: Period) -> Panel:
    r = official.workforce_resources_for(con, force_id, period)
    t = r.table
    edition = _edition(r)
    panel = Panel(
        "official-workforce-resources",
        f"Officers, staff and PCSOs per 1,000 residents, {edition}",
        r,
    )
    per_1000 = t[t["measure"].isin(tuple(RESOURCE_WORDS))].assign(
        who=lambda d: d["measure"].map(RESOURCE_WORDS)
    )
    officers = per_1000[per_1000["measure"] == "officers_per_1000"]
    if len(officers):
        o = officers.iloc[0]
        panel.headlines.append(
            Headline(
                f"Officers per 1,000 residents ({edition})",
                number_text(o["value"], 2),
                NO_INTERVAL,
                f"{number_text(o['workforce_fte'], 0)} officers (FTE); England and Wales "
                f"{number_text(o['england_and_wales_value'], 2)} per 1,000.",
            )
        )
        if pd.notna(o["change_percent"]):
            panel.headlines.append(
                Headline(
                    f"Change in officers since 31 March {int(o['base_year'])}",
                    f"{o['change_percent']:+.1f}%",
                    NO_INTERVAL,
                    f"{number_text(o['change_fte'], 0)} FTE: {number_text(o['base_fte'], 0)} "
                    f"then, {number_text(o['workforce_fte'], 0)} at 31 March "
                    f"{int(o['as_at_31_march'])}.",
                )
            )
        panel.comparison = [
            _rank_text(o["rank"], o["forces_compared"], "officers per 1,000 residents")
        ]
    shown = per_1000.assign(no_low=per_1000["value"], no_high=per_1000["value"])
    _draw(
        panel,
        (
            f"Bar chart of the workforce per 1,000 residents, {edition}: "
            + "; ".join(f"{g.who} {number_text(g.value, 2)}" for g in shown.itertuples())
        ),
        charts.interval_bars(
            shown, "who", "value", "no_low", "no_high", "Per 1,000 residents (FTE)", "Who"
        ),
    )
    panel.table = display(
        _fixed(per_1000, ("value", "england_and_wales_value")),
        {
            "who": ("Who", "text"),
            "workforce_fte": ("FTE", "int"),
            "value": ("Per 1,000 residents", "text"),
            "england_and_wales_value": ("England and Wales", "text"),
            "base_year": ("Base year", "text"),
            "change_percent": ("Change since base year %", "num"),
            "rank": ("Rank among forces", "int"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


WORKER_WORDS = {
    "officers": "Officers",
    "police_staff": "Police staff",
    "pcsos": "PCSOs",
    "special_constables": "Special constables",
}


def _headcount(con: Any, force_id: str, period: Period) -> Panel:
    r = official.workforce_headcount_for(con, force_id, period)
    t = r.table.assign(who=lambda d: d["worker"].map(WORKER_WORDS))
    as_at = str(r.meta["as_at"])
    panel = Panel(
        "official-workforce-headcount",
        f"Workforce per 1,000 residents by headcount and FTE, {as_at}",
        r,
    )
    officers = t[t["worker"] == "officers"]
    if len(officers):
        o = officers.iloc[0]
        fte = (
            f" ({number_text(o['workforce_fte'], 0)} FTE: {number_text(o['fte_per_1000'], 2)} "
            "per 1,000)"
            if pd.notna(o["workforce_fte"])
            else ""
        )
        panel.headlines.append(
            Headline(
                f"Officers per 1,000 residents by headcount ({as_at})",
                number_text(o["headcount_per_1000"], 2),
                _interval(o["headcount_per_1000_low"], o["headcount_per_1000_high"]),
                f"{number_text(o['workforce_headcount'], 0)} officers{fte}; England and Wales "
                f"{number_text(o['england_and_wales_value'], 2)} per 1,000 by headcount.",
            )
        )
        if pd.notna(o["change_percent"]):
            panel.headlines.append(
                Headline(
                    f"Change in officers (headcount) since {o['base_as_at']}",
                    f"{o['change_percent']:+.1f}%",
                    "a count of every officer: no interval",
                    f"{number_text(o['base_count'], 0)} then, "
                    f"{number_text(o['workforce_headcount'], 0)} at {as_at} "
                    f"({number_text(o['change_count'], 0)}).",
                )
            )
        panel.comparison = [
            _rank_text(o["rank"], o["forces_compared"], "officers per 1,000 residents (headcount)")
        ]
    panel.comparison.append(official_headcount_coverage(r))
    shown = t[t["headcount_per_1000"].notna()]
    _draw(
        panel,
        (
            "Bar chart of the workforce per 1,000 residents by headcount with 95% intervals, "
            f"{as_at}: "
            + "; ".join(
                f"{g.who} {number_text(g.headcount_per_1000, 2)}" for g in shown.itertuples()
            )
        ),
        charts.interval_bars(
            shown,
            "who",
            "headcount_per_1000",
            "headcount_per_1000_low",
            "headcount_per_1000_high",
            "Per 1,000 residents (headcount)",
            "Who",
        ),
    )
    per_1000 = (
        "headcount_per_1000",
        "headcount_per_1000_low",
        "headcount_per_1000_high",
        "fte_per_1000",
        "england_and_wales_value",
    )
    panel.table = display(
        _fixed(t, per_1000),
        {
            "who": ("Who", "text"),
            "workforce_headcount": ("Headcount", "int"),
            "headcount_per_1000": ("Per 1,000 (headcount)", "text"),
            "headcount_per_1000_low": ("Low", "text"),
            "headcount_per_1000_high": ("High", "text"),
            "workforce_fte": ("FTE", "int"),
            "fte_per_1000": ("Per 1,000 (FTE)", "text"),
            "england_and_wales_value": ("England and Wales (headcount)", "text"),
            "rank": ("Rank among forces", "int"),
            "base_as_at": ("Change since", "text"),
            "change_percent": ("Change %", "num"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


def official_headcount_coverage(result: IndicatorResult) -> str:
    """The caveat that says which dates, workers and forces have a headcount loaded."""
    return next(
        (c for c in result.caveats if c.startswith(("Headcount is in", "No headcount"))), ""
    )


RESOURCE_WORDS = {
    "officers_per_1000": "Officers",
    "police_staff_per_1000": "Police staff",
    "pcsos_per_1000": "PCSOs",
}


# --- Strategic planning and value for money: money (HMICFRS value for money profiles) ---------


def official_money_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Spending per resident by function against England and Wales."""
    title = "Spending per resident (HMICFRS value for money profiles)"
    return [_safe("official-money", title, lambda: _money(con, force_id, period))]


#: Funding lines shown beside spending: the two sources a force's budget comes from and their sum.
FUNDING_SHOWN = {
    "Central Funding": "Funding: central government grants",
    "Council Tax Precept Income": "Funding: council tax precept",
    "Total funding": "Funding: total",
}


def function_label(item: Any) -> str:
    """'TOTAL LOCAL POLICING' -> 'Local policing'."""
    text = str(item).strip()
    if text.upper().startswith("TOTAL "):
        text = text[6:]
    return text[:1].upper() + text[1:].lower()


def _money(con: Any, force_id: str, period: Period) -> Panel:
    r = official.money_for(con, force_id, period)
    t = r.table
    edition = _edition(r)
    panel = Panel("official-money", f"Spending per resident by function, {edition}", r)
    headline = t[t["is_headline"]]
    if len(headline):
        h = headline.iloc[0]
        panel.headlines.append(
            Headline(
                f"Spending per resident, national policing excluded ({edition})",
                f"£{number_text(h['value'], 0)}",
                NO_INTERVAL,
                f"England and Wales £{number_text(h['england_and_wales_value'], 0)} per "
                "resident (gross revenue expenditure).",
            )
        )
        panel.comparison = [
            f"The force spends {h['value_to_england_and_wales']:.2f} times the England and "
            "Wales figure per resident.",
            _rank_text(h["rank"], h["forces_compared"], "spending per resident"),
        ]
    funding = t[(t["section"] == "funding") & t["item"].isin(list(FUNDING_SHOWN))]
    by_item = {str(f["item"]): f for _, f in funding.iterrows()}
    total = by_item.get("Total funding")
    if total is not None and pd.notna(total["value"]):
        parts = [
            f"{words} £{number_text(by_item[item]['value'], 0)} (England and Wales "
            f"£{number_text(by_item[item]['england_and_wales_value'], 0)})"
            for item, words in (
                ("Central Funding", "central government grants"),
                ("Council Tax Precept Income", "council tax precept"),
            )
            if item in by_item and pd.notna(by_item[item]["value"])
        ]
        panel.headlines.append(
            Headline(
                f"Funding per resident ({edition})",
                f"£{number_text(total['value'], 0)}",
                NO_INTERVAL,
                f"England and Wales £{number_text(total['england_and_wales_value'], 0)}"
                + (f"; of it {' and '.join(parts)}." if parts else "."),
            )
        )
        panel.comparison.append(
            _rank_text(total["rank"], total["forces_compared"], "funding per resident")
        )
    functions = t[
        (t["section"] == "spending")
        & ~t["item"].str.upper().str.startswith(("TOTAL EXCL",))
        & (t["item"].str.upper() != "TOTAL")
    ].assign(item=lambda d: d["item"].map(function_label))
    shown = functions[functions["value"].notna()].assign(
        no_low=lambda d: d["value"], no_high=lambda d: d["value"]
    )
    _draw(
        panel,
        (
            f"Bar chart of spending per resident by function, {edition}: "
            + "; ".join(f"{g.item} £{number_text(g.value, 0)}" for g in shown.itertuples())
        ),
        charts.interval_bars(
            shown, "item", "value", "no_low", "no_high", "Pounds per resident", "Function"
        ),
    )
    listed = pd.concat([funding.assign(item=lambda d: d["item"].map(FUNDING_SHOWN)), functions])
    panel.table = display(
        _fixed(listed, ("value", "england_and_wales_value")),
        {
            "item": ("Funding or function", "text"),
            "value": ("£ per resident", "text"),
            "england_and_wales_value": ("England and Wales", "text"),
            "share_of_spending": ("Share of spending", "share"),
            "rank": ("Rank among forces", "int"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel


# --- Responding to the public: demand (HMICFRS value for money profiles) -----------------------


def official_demand_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """999 calls received and incidents by grade per 1,000 residents."""
    title = "Demand: 999 calls and incidents (HMICFRS value for money profiles)"
    return [_safe("official-demand", title, lambda: _demand(con, force_id, period))]


DEMAND_WORDS = {
    "calls_999": "999 calls received",
    "emergency": "Emergency incidents",
    "priority": "Priority incidents",
    "scheduled": "Scheduled incidents",
    "resolved_without_deployment": "Resolved without deployment",
}


def _demand(con: Any, force_id: str, period: Period) -> Panel:
    r = official.demand_for(con, force_id, period)
    t = r.table.assign(what=lambda d: d["measure"].map(lambda m: DEMAND_WORDS.get(m, label(m))))
    edition = _edition(r)
    panel = Panel("official-demand", f"999 calls and incidents per 1,000 residents, {edition}", r)
    calls = t[t["measure"] == "calls_999"]
    if len(calls):
        c = calls.iloc[0]
        panel.headlines.append(
            Headline(
                f"999 calls received per 1,000 residents ({edition})",
                number_text(c["rate_per_1000"]),
                interval_text(c["rate_per_1000_low"], c["rate_per_1000_high"]),
                f"{number_text(c['count'], 0)} calls; England and Wales "
                f"{number_text(c['england_and_wales_rate_per_1000'])} per 1,000.",
            )
        )
        panel.comparison = [
            _rank_text(c["rank"], c["forces_compared"], "999 calls per 1,000 residents")
        ]
    shown = t[t["rate_per_1000"].notna()]
    _draw(
        panel,
        (
            f"Bar chart of 999 calls and incidents per 1,000 residents, {edition}: "
            + "; ".join(f"{g.what} {number_text(g.rate_per_1000)}" for g in shown.itertuples())
        ),
        charts.interval_bars(
            shown,
            "what",
            "rate_per_1000",
            "rate_per_1000_low",
            "rate_per_1000_high",
            "Per 1,000 residents a year",
            "Demand",
        ),
    )
    panel.table = display(
        t,
        {
            "what": ("Demand", "text"),
            "count": ("Number", "int"),
            "rate_per_1000": ("Per 1,000", "num"),
            "rate_per_1000_low": ("Low", "num"),
            "rate_per_1000_high": ("High", "num"),
            "england_and_wales_rate_per_1000": ("England and Wales per 1,000", "num"),
            "share": ("Share of incidents", "share"),
            "rank": ("Rank among forces", "int"),
        },
    )
    panel.caveats = list(r.caveats)
    return panel
