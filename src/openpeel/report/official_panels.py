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
import tomllib
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from openpeel.calendar import Period
from openpeel.formatting import number_text, percent_text
from openpeel.indicators import official_for_period as official
from openpeel.indicators.result import IndicatorResult
from openpeel.report import peer_panels
from openpeel.report.model import Headline, Panel
from openpeel.report.panels import label
from openpeel.report.panels.declare import (
    Bars,
    Estimate,
    HandBuilt,
    Inputs,
    PanelSpec,
    build_from,
    section,
)
from openpeel.report.panels.format import panel_columns

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


def _rank_text(rank: Any, compared: Any, what: str) -> str:
    if rank is None or pd.isna(rank) or not compared:
        return ""
    return f"{int(rank)} of {int(compared)} forces by {what} (1 = the highest)."


def _words(template: str) -> Callable[[Inputs], str]:
    """A title or chart description naming the edition shown: ``template`` with ``{edition}``
    (in words) and ``{as_at}`` (the date a headcount is taken) filled in from the result."""

    def words(inputs: Inputs) -> str:
        meta = inputs.result.meta
        return template.format(edition=_edition(inputs.result), as_at=meta.get("as_at", ""))

    return words


def _first(rows: pd.DataFrame, where: Any) -> Any:
    """The first row where ``where`` holds, or None."""
    chosen = rows[where]
    return chosen.iloc[0] if len(chosen) else None


def _no_interval(rows: pd.DataFrame) -> pd.DataFrame:
    """An amount drawn as a bar with no whiskers: its 'interval' is the value itself."""
    return rows.assign(no_low=rows["value"], no_high=rows["value"])


#: A value with no interval, drawn as a bar (``_no_interval``).
AMOUNT = Estimate("value", "no_low", "no_high")


@cache
def _wording() -> dict[str, Any]:
    """``official_panels.toml`` beside this module: the words codes are shown by."""
    text = resources.files("openpeel.report").joinpath("official_panels.toml").read_text("utf-8")
    return tomllib.loads(text)


def _words_for(codes: str) -> dict[str, str]:
    """The words of each code of ``codes`` (a table of ``words`` in the wording file)."""
    return dict(_wording()["words"][codes])


def _official(**spec: Any) -> PanelSpec:
    """A panel of official statistics: its table's columns are those declared for its id
    (``panel_columns``); the chart's Vega-Lite spec is kept (the web pages and tests read each
    mark)."""
    return PanelSpec(keep_spec=True, columns=panel_columns(spec["panel_id"]), **spec)


# --- Preventing crime: recorded crime (ONS) ---------------------------------------------------

RATE = Estimate.of("rate_per_1000")


def _crime_total(inputs: Inputs) -> Any:
    return _first(inputs.rows, inputs.rows["is_total"])


def _crime_headlines(inputs: Inputs) -> list[Headline]:
    a = _crime_total(inputs)
    if a is None:
        return []
    edition = _edition(inputs.result)
    headlines = [
        RATE.headline(
            a,
            f"Recorded crime per 1,000 residents ({edition}, excluding fraud)",
            f"{number_text(a['offences'], 0)} offences recorded; England and Wales "
            f"{number_text(a['england_and_wales_rate_per_1000'])} per 1,000.",
        )
    ]
    if pd.notna(a["published_change_percent"]):
        headlines.append(
            Headline(
                "Change in recorded crime on the previous year (ONS)",
                f"{a['published_change_percent']:+.1f}%",
                "no interval",
                f"England and Wales {a['england_and_wales_change_percent']:+.1f}%"
                if pd.notna(a["england_and_wales_change_percent"])
                else "England and Wales: not published",
            )
        )
    return headlines


def _crime_comparison(inputs: Inputs) -> list[str]:
    a = _crime_total(inputs)
    if a is None:
        return []
    ratio = _interval(a["rate_to_england_and_wales_low"], a["rate_to_england_and_wales_high"])
    return [
        s
        for s in (
            f"The force's rate is {a['rate_to_england_and_wales']:.2f} times the England "
            f"and Wales rate ({ratio})."
            if pd.notna(a["rate_to_england_and_wales"])
            else "",
            _rank_text(a["rank_among_forces"], a["forces_compared"], "recorded crime per 1,000"),
        )
        if s
    ]


CRIME = _official(
    panel_id="official-recorded-crime",
    heading="Police recorded crime (ONS, every force)",
    title=_words("Police recorded crime per 1,000 residents, {edition}"),
    indicator=official.recorded_crime_for,
    rows=lambda t: t[t["offences"].notna()].assign(
        group=lambda d: d["offence_group"].map(offence_label)
    ),
    headlines=_crime_headlines,
    comparison=_crime_comparison,
    shown=lambda t: t[~t["is_total"] & t["rate_per_1000"].notna()].drop_duplicates("group"),
    description=_words("Bar chart of offences per 1,000 residents by offence group, {edition}: "),
    chart=Bars("group", RATE, "Offences per 1,000 residents", "Offence group"),
    table_rows=lambda t: _fixed(t, (*RATE, "england_and_wales_rate_per_1000")),
)

#: Recorded crime per 1,000 residents by offence group, against England and Wales.
official_crime_panels = section(CRIME)


# --- Investigating crime: crime outcomes (Home Office) ---------------------------------------

SHARE = Estimate.of("share")


def _charged(inputs: Inputs) -> Any:
    return _first(inputs.rows, inputs.rows["outcome_group"] == official.CHARGED)


def _outcome_headlines(inputs: Inputs) -> list[Headline]:
    c = _charged(inputs)
    if c is None:
        return []
    return [
        SHARE.headline(
            c,
            f"Crimes recorded in {_edition(inputs.result)} ending in a charge or summons",
            f"{number_text(c['crimes'], 0)} crimes; England and Wales "
            f"{percent_text(c['england_and_wales_share'])}.",
            share=True,
        )
    ]


def _outcome_comparison(inputs: Inputs) -> list[str]:
    c = _charged(inputs)
    if c is None:
        return []
    ratio = _interval(c["share_to_england_and_wales_low"], c["share_to_england_and_wales_high"])
    return [
        f"The force's charge or summons share is {c['share_to_england_and_wales']:.2f} "
        f"times the England and Wales share ({ratio}).",
        _rank_text(c["rank_among_forces"], c["forces_compared"], "charge or summons share"),
    ]


OUTCOMES = _official(
    panel_id="official-crime-outcomes",
    heading="Crime outcomes (Home Office, every force)",
    title=_words("Outcomes of the crimes recorded in {edition}"),
    indicator=official.crime_outcomes_for,
    headlines=_outcome_headlines,
    comparison=_outcome_comparison,
    description=_words("Bar chart of the share of crimes recorded in {edition} by outcome: "),
    chart=Bars("outcome_group", SHARE, "Share of crimes recorded", "Outcome", percent=True),
)

#: The outcome of every crime recorded in the year, against England and Wales.
official_outcome_panels = section(OUTCOMES)


# --- Treating the public fairly: use of force (Home Office) ----------------------------------

RATIO_TO_WHITE = Estimate("ratio_to_white", "ratio_low", "ratio_high")


def _use_of_force_headlines(inputs: Inputs) -> list[Headline]:
    t = inputs.rows
    headlines = []
    a = _first(t, t["perceived_ethnicity"] == "all")
    if a is not None:
        headlines.append(
            Headline(
                f"Incidents in which force was used ({_edition(inputs.result)})",
                number_text(a["incidents"], 0),
                "a count: no interval",
                f"{number_text(a['tactics'], 0)} uses of tactics.",
            )
        )
    ratios = t[t["ratio_to_white"].notna()]
    if len(ratios):
        top = ratios.sort_values("ratio_to_white", ascending=False).iloc[0]
        group = label(top["perceived_ethnicity"])
        headlines.append(
            Headline(
                "Largest use-of-force ratio to White (perceived ethnicity)",
                f"{group} {top['ratio_to_white']:.2f}",
                _interval(top["ratio_low"], top["ratio_high"]),
                f"Force was used on {group} residents {top['ratio_to_white']:.2f} times as often "
                "per head as on White residents (1 = the same rate).",
            )
        )
    return headlines


def _groups_with(column: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The rows with a ``column``, each perceived ethnicity in words as ``group``."""
    return lambda t: t[t[column].notna()].assign(
        group=lambda d: d["perceived_ethnicity"].map(label)
    )


#: Use of force by ratio to White: drawn by share when no ratio is published.
USE_OF_FORCE_BY_RATIO = _official(
    panel_id="official-use-of-force",
    heading="Use of force by perceived ethnicity (Home Office)",
    title=_words("Use of force by perceived ethnicity, {edition}"),
    indicator=official.use_of_force_for,
    headlines=_use_of_force_headlines,
    comparison=lambda inputs: [
        "Stop and search by ethnicity, from police.uk, is shown in the same area: use of force "
        "counts uses of tactics by the officer's perception, searches count people by their "
        "own description, so the two ratios are beside each other, not the same measure."
    ],
    shown=_groups_with("ratio_to_white"),
    description=_words(
        "Bar chart of use-of-force rate ratios to White by perceived ethnicity, {edition}, "
        "with a line at 1: "
    ),
    chart=Bars(
        "group",
        RATIO_TO_WHITE,
        "Ratio to White (1 = the same rate per head)",
        "Perceived ethnicity",
        reference=1.0,
        decimals=2,
    ),
    table_rows=lambda t: _fixed(t, tuple(RATIO_TO_WHITE)).assign(
        perceived_ethnicity=t["perceived_ethnicity"].map(label)
    ),
)

USE_OF_FORCE_BY_SHARE = replace(
    USE_OF_FORCE_BY_RATIO,
    shown=_groups_with("share"),
    description=_words(
        "Bar chart of the share of uses of force by perceived ethnicity, {edition}: "
    ),
    chart=Bars("group", SHARE, "Share of uses of tactics", "Perceived ethnicity", percent=True),
)


def _use_of_force(con: Any, force_id: str, period: Period) -> Panel:
    result = official.use_of_force_for(con, force_id, period)
    t = result.table
    spec = USE_OF_FORCE_BY_RATIO if t["ratio_to_white"].notna().any() else USE_OF_FORCE_BY_SHARE
    return build_from(spec, Inputs(con, force_id, period, result, t))


#: Use of force by officer-perceived ethnicity, beside stop and search.
official_use_of_force_panels = section(
    HandBuilt(USE_OF_FORCE_BY_RATIO.panel_id, USE_OF_FORCE_BY_RATIO.heading, _use_of_force)
)


# --- Workforce: representation (Home Office police workforce) --------------------------------

GROUP_WORDS = _words_for("workforce-group")

MINORITY_SHARE = Estimate("ethnic_minority_share", "share_low", "share_high")
REPRESENTATION = Estimate(
    "representation_ratio", "representation_ratio_low", "representation_ratio_high"
)


def _officers(inputs: Inputs, column: str, code: str = "officers") -> Any:
    return _first(inputs.rows, inputs.rows[column] == code)


def _residents(inputs: Inputs) -> float | None:
    """The ethnic-minority share of the area's residents (None when not published)."""
    o = _officers(inputs, "group")
    residents = None if o is None else o["residents_ethnic_minority_share"]
    return float(residents) if residents is not None and pd.notna(residents) else None


def _representation_headlines(inputs: Inputs) -> list[Headline]:
    o = _officers(inputs, "group")
    if o is None:
        return []
    residents = o["residents_ethnic_minority_share"]
    headlines = [
        MINORITY_SHARE.headline(
            o,
            f"Officers from ethnic minorities ({_edition(inputs.result)})",
            f"Residents of the force area: {percent_text(residents)} (2011 Census).",
            share=True,
        )
    ]
    if pd.notna(o["representation_ratio"]):
        headlines.append(
            Headline(
                "Ratio of representation, officers (1 = looks like the community)",
                number_text(o["representation_ratio"], 2),
                _interval(o["representation_ratio_low"], o["representation_ratio_high"]),
                "The officers' ethnic-minority share divided by the residents' share.",
            )
        )
    return headlines


def _representation_description(inputs: Inputs) -> str:
    residents = _residents(inputs)
    return (
        "Bar chart of the ethnic-minority share of officers, joiners and leavers, "
        f"{_edition(inputs.result)}"
        + (
            f", with a line at the residents' share {percent_text(residents)}: "
            if residents is not None
            else ": "
        )
    )


WORKFORCE = _official(
    panel_id="official-workforce-representation",
    heading="Workforce representation (Home Office police workforce)",
    title=_words("Officers from ethnic minorities against the area's residents, {edition}"),
    indicator=official.workforce_representation_for,
    rows=lambda t: t.assign(who=lambda d: d["group"].map(lambda g: GROUP_WORDS.get(g, label(g)))),
    headlines=_representation_headlines,
    description=_representation_description,
    chart=Bars(
        "who",
        MINORITY_SHARE,
        "Share from ethnic minorities",
        "Group",
        reference=_residents,
        percent=True,
    ),
    table_rows=lambda t: _fixed(t, tuple(REPRESENTATION)),
)

RESOURCE_WORDS = _words_for("resource")


def _resource_headlines(inputs: Inputs) -> list[Headline]:
    o = _officers_per_1000(inputs)
    if o is None:
        return []
    headlines = [
        Headline(
            f"Officers per 1,000 residents ({_edition(inputs.result)})",
            number_text(o["value"], 2),
            NO_INTERVAL,
            f"{number_text(o['workforce_fte'], 0)} officers (FTE); England and Wales "
            f"{number_text(o['england_and_wales_value'], 2)} per 1,000.",
        )
    ]
    if pd.notna(o["change_percent"]):
        headlines.append(
            Headline(
                f"Change in officers since 31 March {int(o['base_year'])}",
                f"{o['change_percent']:+.1f}%",
                NO_INTERVAL,
                f"{number_text(o['change_fte'], 0)} FTE: {number_text(o['base_fte'], 0)} "
                f"then, {number_text(o['workforce_fte'], 0)} at 31 March "
                f"{int(o['as_at_31_march'])}.",
            )
        )
    return headlines


def _ranked(find: Callable[[Inputs], Any], what: str) -> Callable[[Inputs], list[str]]:
    """The sentence ranking the force's row (``find``; none without it) among forces by
    ``what``."""

    def comparison(inputs: Inputs) -> list[str]:
        row = find(inputs)
        return [] if row is None else [_rank_text(row["rank"], row["forces_compared"], what)]

    return comparison


def _officers_per_1000(inputs: Inputs) -> Any:
    return _officers(inputs, "measure", "officers_per_1000")


RESOURCES = _official(
    panel_id="official-workforce-resources",
    heading="Officers, staff and PCSOs per 1,000 residents (HMICFRS value for money profiles)",
    title=_words("Officers, staff and PCSOs per 1,000 residents, {edition}"),
    indicator=official.workforce_resources_for,
    rows=lambda t: t[t["measure"].isin(tuple(RESOURCE_WORDS))].assign(
        who=lambda d: d["measure"].map(RESOURCE_WORDS)
    ),
    headlines=_resource_headlines,
    comparison=_ranked(_officers_per_1000, "officers per 1,000 residents"),
    shown=_no_interval,
    description=_words("Bar chart of the workforce per 1,000 residents, {edition}: "),
    chart=Bars("who", AMOUNT, "Per 1,000 residents (FTE)", "Who", decimals=2),
    table_rows=lambda t: _fixed(t, ("value", "england_and_wales_value")),
)

WORKER_WORDS = _words_for("worker")

HEADCOUNT_RATE = Estimate.of("headcount_per_1000")


def _headcount_headlines(inputs: Inputs) -> list[Headline]:
    o = _officers(inputs, "worker")
    if o is None:
        return []
    as_at = str(inputs.result.meta["as_at"])
    fte = (
        f" ({number_text(o['workforce_fte'], 0)} FTE: {number_text(o['fte_per_1000'], 2)} "
        "per 1,000)"
        if pd.notna(o["workforce_fte"])
        else ""
    )
    headlines = [
        Headline(
            f"Officers per 1,000 residents by headcount ({as_at})",
            number_text(o["headcount_per_1000"], 2),
            _interval(o["headcount_per_1000_low"], o["headcount_per_1000_high"]),
            f"{number_text(o['workforce_headcount'], 0)} officers{fte}; England and Wales "
            f"{number_text(o['england_and_wales_value'], 2)} per 1,000 by headcount.",
        )
    ]
    if pd.notna(o["change_percent"]):
        headlines.append(
            Headline(
                f"Change in officers (headcount) since {o['base_as_at']}",
                f"{o['change_percent']:+.1f}%",
                "a count of every officer: no interval",
                f"{number_text(o['base_count'], 0)} then, "
                f"{number_text(o['workforce_headcount'], 0)} at {as_at} "
                f"({number_text(o['change_count'], 0)}).",
            )
        )
    return headlines


def _headcount_comparison(inputs: Inputs) -> list[str]:
    ranked = _ranked(lambda i: _officers(i, "worker"), "officers per 1,000 residents (headcount)")(
        inputs
    )
    return [*ranked, official_headcount_coverage(inputs.result)]


HEADCOUNT = _official(
    panel_id="official-workforce-headcount",
    heading="Workforce per 1,000 residents by headcount and FTE (Home Office police workforce)",
    title=_words("Workforce per 1,000 residents by headcount and FTE, {as_at}"),
    indicator=official.workforce_headcount_for,
    rows=lambda t: t.assign(who=lambda d: d["worker"].map(WORKER_WORDS)),
    headlines=_headcount_headlines,
    comparison=_headcount_comparison,
    shown=lambda t: t[t["headcount_per_1000"].notna()],
    description=_words(
        "Bar chart of the workforce per 1,000 residents by headcount with 95% intervals, {as_at}: "
    ),
    chart=Bars("who", HEADCOUNT_RATE, "Per 1,000 residents (headcount)", "Who", decimals=2),
    table_rows=lambda t: _fixed(t, (*HEADCOUNT_RATE, "fte_per_1000", "england_and_wales_value")),
)


def official_headcount_coverage(result: IndicatorResult) -> str:
    """The caveat that says which dates, workers and forces have a headcount loaded."""
    return next(
        (c for c in result.caveats if c.startswith(("Headcount is in", "No headcount"))), ""
    )


WORKFORCE_PEERS = peer_panels.OfficialPeer(
    "official-workforce-peers",
    "Officers per 1,000 residents by headcount, every force",
    "workforce_peers_for",
    "Officers per 1,000 residents (headcount)",
)


#: Ethnic-minority share of officers, joiners and leavers against the area's residents;
#: officers, staff and PCSOs per 1,000 residents and their change.
official_workforce_panels = section(
    WORKFORCE,
    RESOURCES,
    HEADCOUNT,
    HandBuilt(WORKFORCE_PEERS.panel_id, WORKFORCE_PEERS.title, WORKFORCE_PEERS.panel),
)


# --- Strategic planning and value for money: money (HMICFRS value for money profiles) ---------

#: Funding lines shown beside spending: the two sources a force's budget comes from and their sum.
FUNDING_SHOWN = _words_for("funding")


def function_label(item: Any) -> str:
    """'TOTAL LOCAL POLICING' -> 'Local policing'."""
    text = str(item).strip()
    if text.upper().startswith("TOTAL "):
        text = text[6:]
    return text[:1].upper() + text[1:].lower()


def _funding(t: pd.DataFrame) -> pd.DataFrame:
    return t[(t["section"] == "funding") & t["item"].isin(list(FUNDING_SHOWN))]


def _functions(t: pd.DataFrame) -> pd.DataFrame:
    """Spending by function (the totals left out), each function in words."""
    return t[
        (t["section"] == "spending")
        & ~t["item"].str.upper().str.startswith(("TOTAL EXCL",))
        & (t["item"].str.upper() != "TOTAL")
    ].assign(item=lambda d: d["item"].map(function_label))


def _total_funding(inputs: Inputs) -> tuple[Any, dict[str, Any]]:
    """The total funding row (None when not published) and the funding rows by item."""
    by_item = {str(f["item"]): f for _, f in _funding(inputs.rows).iterrows()}
    total = by_item.get("Total funding")
    return (total if total is not None and pd.notna(total["value"]) else None), by_item


def _money_headlines(inputs: Inputs) -> list[Headline]:
    t = inputs.rows
    edition = _edition(inputs.result)
    headlines = []
    h = _first(t, t["is_headline"])
    if h is not None:
        headlines.append(
            Headline(
                f"Spending per resident, national policing excluded ({edition})",
                f"£{number_text(h['value'], 0)}",
                NO_INTERVAL,
                f"England and Wales £{number_text(h['england_and_wales_value'], 0)} per "
                "resident (gross revenue expenditure).",
            )
        )
    total, by_item = _total_funding(inputs)
    if total is not None:
        parts = [
            f"{words} £{number_text(by_item[item]['value'], 0)} (England and Wales "
            f"£{number_text(by_item[item]['england_and_wales_value'], 0)})"
            for item, words in (
                ("Central Funding", "central government grants"),
                ("Council Tax Precept Income", "council tax precept"),
            )
            if item in by_item and pd.notna(by_item[item]["value"])
        ]
        headlines.append(
            Headline(
                f"Funding per resident ({edition})",
                f"£{number_text(total['value'], 0)}",
                NO_INTERVAL,
                f"England and Wales £{number_text(total['england_and_wales_value'], 0)}"
                + (f"; of it {' and '.join(parts)}." if parts else "."),
            )
        )
    return headlines


def _money_comparison(inputs: Inputs) -> list[str]:
    t = inputs.rows
    comparison = []
    h = _first(t, t["is_headline"])
    if h is not None:
        comparison = [
            f"The force spends {h['value_to_england_and_wales']:.2f} times the England and "
            "Wales figure per resident.",
            _rank_text(h["rank"], h["forces_compared"], "spending per resident"),
        ]
    total, _by_item = _total_funding(inputs)
    if total is not None:
        comparison.append(
            _rank_text(total["rank"], total["forces_compared"], "funding per resident")
        )
    return comparison


def _money_listed(t: pd.DataFrame) -> pd.DataFrame:
    """Funding, then spending by function: the rows of the table."""
    funding = _funding(t).assign(item=lambda d: d["item"].map(FUNDING_SHOWN))
    listed = pd.concat([funding, _functions(t)])
    return _fixed(listed, ("value", "england_and_wales_value"))


MONEY = _official(
    panel_id="official-money",
    heading="Spending per resident (HMICFRS value for money profiles)",
    title=_words("Spending per resident by function, {edition}"),
    indicator=official.money_for,
    headlines=_money_headlines,
    comparison=_money_comparison,
    shown=lambda t: _no_interval(_functions(t).dropna(subset=["value"])),
    description=_words("Bar chart of spending per resident by function, {edition}: "),
    chart=Bars("item", AMOUNT, "Pounds per resident", "Function", decimals=0, prefix="£"),
    table_rows=_money_listed,
)

#: Spending per resident by function against England and Wales.
official_money_panels = section(MONEY)


# --- Responding to the public: demand (HMICFRS value for money profiles) -----------------------

DEMAND_WORDS = _words_for("demand")


def _calls(inputs: Inputs) -> Any:
    return _first(inputs.rows, inputs.rows["measure"] == "calls_999")


def _demand_headlines(inputs: Inputs) -> list[Headline]:
    c = _calls(inputs)
    if c is None:
        return []
    return [
        RATE.headline(
            c,
            f"999 calls received per 1,000 residents ({_edition(inputs.result)})",
            f"{number_text(c['count'], 0)} calls; England and Wales "
            f"{number_text(c['england_and_wales_rate_per_1000'])} per 1,000.",
        )
    ]


DEMAND = _official(
    panel_id="official-demand",
    heading="Demand: 999 calls and incidents (HMICFRS value for money profiles)",
    title=_words("999 calls and incidents per 1,000 residents, {edition}"),
    indicator=official.demand_for,
    rows=lambda t: t.assign(
        what=lambda d: d["measure"].map(lambda m: DEMAND_WORDS.get(m, label(m)))
    ),
    headlines=_demand_headlines,
    comparison=_ranked(_calls, "999 calls per 1,000 residents"),
    shown=lambda t: t[t["rate_per_1000"].notna()],
    description=_words("Bar chart of 999 calls and incidents per 1,000 residents, {edition}: "),
    chart=Bars("what", RATE, "Per 1,000 residents a year", "Demand"),
)

#: 999 calls received and incidents by grade per 1,000 residents.
official_demand_panels = section(DEMAND)
