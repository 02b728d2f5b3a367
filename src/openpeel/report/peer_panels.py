"""Panels of one force among its peers and over every month loaded: stop and search rates of all
forces (a funnel plot and ranked dots, the force highlighted) and the multi-year monthly trend."""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

import pandas as pd

from openpeel.calendar import Period
from openpeel.formatting import number_text
from openpeel.indicators import stop_search as ss
from openpeel.reference.forces import force_label
from openpeel.report import charts, peer_charts
from openpeel.report.model import Headline, Panel
from openpeel.report.panels import _safe, _ss_trend, display, label
from openpeel.report.panels.declare import Estimate, show_chart
from openpeel.report.panels.format import panel_columns
from openpeel.stats.funnel import MIN_FUNNEL_UNITS, position_words

VALUE_TITLE = "Person searches per 1,000 residents a year"


def peer_groups(con: Any, period: Period) -> list[str]:
    """The self-defined groups the peers page can compare (``all`` first)."""
    table = ss.peers(con, period, None).table
    groups = [g for g in dict.fromkeys(table["group"]) if g != ss.ALL]
    return [ss.ALL, *groups]


def _group_words(group: str) -> str:
    return "All person searches" if group == ss.ALL else f"{label(group)} people (self-defined)"


def _peer_table(con: Any, force_id: str, period: Period, group: str) -> tuple[Any, pd.DataFrame]:
    result = ss.peers(con, period, [force_id])
    t = result.table[result.table["group"] == group].copy()
    t["force"] = t["force_id"].map(force_label)
    t["rate"] = t["rate_per_1000"]
    t["target"] = t["target_per_1000"]
    t["is_focus"] = t["force_id"] == force_id
    return result, t


def _charted(t: pd.DataFrame, force_id: str) -> tuple[pd.DataFrame, str]:
    """The forces drawn: every force but those with so few residents that a rate per resident
    is not comparable (City of London's daytime population is many times its residents), which
    would squash every other force into a corner. They stay in the table; the text says so."""
    small = (t["population"] < ss.SMALL_RESIDENT_POPULATION) & (t["force_id"] != force_id)
    left_out = t[small]["force"].tolist()
    note = (
        f" Left out of the chart (fewer than {ss.SMALL_RESIDENT_POPULATION:,} residents, so a "
        f"rate per resident is not comparable; shown in the table): {', '.join(left_out)}."
        if left_out
        else ""
    )
    return t[~small], note


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return "The" if n == 1 else f"{n}{suffix}"


def _peer_headline(t: pd.DataFrame, force_id: str, group: str) -> tuple[Headline | None, str]:
    mine = t[t["force_id"] == force_id]
    if mine.empty or pd.isna(mine["rate"].iloc[0]):
        return None, ""
    row = mine.iloc[0]
    ranked = t.dropna(subset=["rate"]).sort_values("rate", ascending=False)
    rank = int((ranked["force_id"] == force_id).to_numpy().argmax()) + 1
    n = len(ranked)
    headline = Estimate("rate", "rate_low", "rate_high").headline(
        row,
        f"{_group_words(group)}: rate per 1,000 residents a year",
        (
            f"{_ordinal(rank)} highest of {n} forces; the rate of all {n} forces together is "
            f"{number_text(row['target'])}."
            if n > 1
            else "The only force with data loaded for the period: nothing to compare it with."
        ),
    )
    position = str(row["funnel_position"])
    sentence = (
        f"{force_label(force_id)} is {position_words(position)}."
        if position != "withheld"
        else f"Fewer than {MIN_FUNNEL_UNITS} forces have data for the period: no funnel limits."
    )
    return headline, sentence


def _table(t: pd.DataFrame) -> pd.DataFrame:
    shown = t.sort_values("rate", ascending=False).assign(
        funnel_position=lambda d: d["funnel_position"].map(lambda p: position_words(str(p)))
    )
    return display(
        shown,
        panel_columns("peers"),
    )


def _ranked(con: Any, force_id: str, period: Period, group: str) -> Panel:
    result, t = _peer_table(con, force_id, period, group)
    name = force_label(force_id)
    panel = Panel("peers-ranked", f"{_group_words(group)}: every force ranked by its rate", result)
    headline, sentence = _peer_headline(t, force_id, group)
    if headline is not None:
        panel.headlines.append(headline)
        panel.comparison = [sentence]
    drawn, note = _charted(t, force_id)
    shown = drawn.dropna(subset=["rate"]).sort_values("rate", ascending=False)
    panel.chart_description = (
        f"Dot chart of {_forces(len(shown))} rates per 1,000 residents a year with 95% intervals, "
        f"highest first; {name} highlighted: "
        + "; ".join(f"{r.force} {number_text(r.rate)}" for r in shown.itertuples())
        + "."
        + note
    )
    chart = peer_charts.ranked_dots(drawn, VALUE_TITLE, name)
    show_chart(panel, chart)
    panel.table = _table(t)
    panel.caveats = list(result.caveats)
    return panel


def _funnel(con: Any, force_id: str, period: Period, group: str) -> Panel:
    result, t = _peer_table(con, force_id, period, group)
    name = force_label(force_id)
    panel = Panel("peers-funnel", f"{_group_words(group)}: funnel plot of every force", result)
    _headline, sentence = _peer_headline(t, force_id, group)
    if sentence:
        panel.comparison = [sentence]
    drawn, note = _charted(t, force_id)
    panel.chart_description = (
        f"Funnel plot: each force's rate per 1,000 residents a year against its resident "
        f"population, with the 95% and 99.8% limits around the rate of all forces together; "
        f"{name} highlighted. {sentence}{note}"
    )
    if drawn["lower_95"].notna().any():
        show_chart(panel, peer_charts.funnel(drawn, VALUE_TITLE, name))
    panel.table = _table(t)
    panel.caveats = list(result.caveats)
    return panel


def stop_search_peer_panels(
    con: Any, force_id: str, period: Period, group: str = ss.ALL
) -> list[Panel]:
    """Ranked dots and the funnel plot of every force's search rate for one group."""
    return [
        _safe("peers-ranked", "Every force ranked", lambda: _ranked(con, force_id, period, group)),
        _safe("peers-funnel", "Funnel plot", lambda: _funnel(con, force_id, period, group)),
    ]


def financial_year_of(month: Any) -> str:
    """The financial year (April to March) a month falls in: ``2021/22``."""
    first = month.year if month.month >= 4 else month.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def long_trend_panel(con: Any, force_id: str, months: list[Any]) -> Panel:
    """Searches a month over every month loaded (not only the chosen period), with control
    limits, and the total of each financial year."""
    if not months:
        return Panel("trend-all-months", "Searches a month", None, unavailable="no months loaded")
    period = Period(months[0], months[-1], f"{months[0]:%B %Y} to {months[-1]:%B %Y}")
    panel = _safe("trend-all-months", "Searches a month", lambda: _ss_trend(con, force_id, period))
    panel.panel_id = "trend-all-months"
    panel.title = f"Searches a month, every month loaded ({period.label})"
    if panel.result is not None:
        t = panel.result.table
        t = t[t.force_id == force_id]
        by_year = t.assign(year=t["month"].map(financial_year_of)).groupby("year")
        panel.comparison = [
            f"{year}: {number_text(rows['searches'].sum(), 0)} searches in {len(rows)} "
            f"month{'s' if len(rows) != 1 else ''} loaded"
            for year, rows in by_year
        ] + panel.comparison
    return panel


# --- Official statistics: every force from one comparison ------------------------------------


def official_peer_table(result: Any) -> pd.DataFrame:
    """The rows of a comparison of every force (``compare_forces``) as the ranked dots draw
    them: ``force``, ``rate`` (the value), ``rate_low``, ``rate_high`` (the value itself when
    it has no interval: an amount), ``is_focus``, with the rank and funnel position."""
    t = result.table[result.table["value"].notna()].copy()
    t["force"] = t["force_name"]
    t["rate"] = t["value"]
    t["rate_low"] = t["value_low"].fillna(t["value"])
    t["rate_high"] = t["value_high"].fillna(t["value"])
    t["is_focus"] = t["is_focus"].astype(bool)
    return t.sort_values("rate", ascending=False).reset_index(drop=True)


class OfficialPeer(NamedTuple):
    """An official comparison of every force: the panel's id, what it is in words, the function
    of ``official_for_period`` making it, the value's title, its decimals and the scale that
    multiplies every value and interval for display (100: a share as a percentage)."""

    panel_id: str
    title: str
    function: str
    value_title: str
    decimals: int = 2
    scale: float = 1.0

    def panel(self, con: Any, force_id: str, period: Period) -> Panel:
        """The comparison for a force and period, as a panel (``official_peer_panel``)."""
        from openpeel.indicators import official_for_period

        result = getattr(official_for_period, self.function)(con, force_id, period)
        return official_peer_panel(self, result, force_id)


def official_peer_panel(peer: OfficialPeer, result: Any, force_id: str) -> Panel:
    """Every force's value with its interval, ranked, the force highlighted, and a table
    whose values are the chart's marks (the same rounded numbers)."""
    panel_id, _title, _function, value_title, decimals, scale = peer
    t = official_peer_table(result)
    for column in ("rate", "rate_low", "rate_high", "value_low", "value_high", "target"):
        t[column] = t[column] * scale
    name = force_label(force_id)
    panel = Panel(panel_id, result.title, result)
    mine = t[t["force_id"] == force_id]
    has_interval = bool(result.table["value_low"].notna().any())
    if not mine.empty:
        row = mine.iloc[0]
        rank_interval = (
            f" (95% interval of the rank {int(row['rank_low'])} to {int(row['rank_high'])})"
            if pd.notna(row["rank_low"])
            else ""
        )
        position = str(row["funnel_position"])
        unit = "%" if scale == 100 else ""
        panel.headlines.append(
            Headline(
                f"{name}: {value_title[:1].lower()}{value_title[1:]}",
                number_text(row["rate"], decimals) + unit,
                f"95% interval {number_text(row['value_low'], decimals)}{unit} to "
                f"{number_text(row['value_high'], decimals)}{unit}"
                if has_interval and pd.notna(row["value_low"])
                else "no interval: not a count of people",
                f"{_ordinal(int(row['rank']))} highest of {len(t)} forces{rank_interval}; all "
                f"forces together {number_text(row['target'], decimals)}{unit}.",
            )
        )
        if position not in ("withheld", "no_value"):
            panel.comparison = [f"{name} is {position_words(position)}."]
    rounded = t.assign(
        rate=t["rate"].round(decimals),
        rate_low=t["rate_low"].round(decimals),
        rate_high=t["rate_high"].round(decimals),
    )
    drawn, note = rounded, ""
    if result.meta.get("kind") != "proportion":
        # Per resident: City of London's few residents would squash every other force.
        drawn, note = _charted(rounded.assign(population=rounded["denominator"]), force_id)
    panel.chart_description = (
        f"Dot chart of {len(drawn)} forces' {value_title[:1].lower()}{value_title[1:]}"
        + (" with 95% intervals" if has_interval else "")
        + f", highest first; {name} highlighted: "
        + "; ".join(f"{r.force} {number_text(r.rate, decimals)}" for r in drawn.itertuples())
        + "."
        + note
    )
    chart = peer_charts.ranked_dots(drawn, value_title, name)
    show_chart(panel, chart)
    panel.table = display(
        rounded.assign(
            rate=rounded["rate"].map(lambda v: number_text(v, decimals)),
            rate_low=rounded["rate_low"].map(lambda v: number_text(v, decimals)),
            rate_high=rounded["rate_high"].map(lambda v: number_text(v, decimals)),
            funnel_position=rounded["funnel_position"].map(lambda p: position_words(str(p))),
        ),
        panel_columns("peers-official", value_title=value_title),
    )
    if result.is_synthetic:
        panel.chart_svg = charts.mark_synthetic(panel.chart_svg)
    panel.caveats = list(result.caveats)
    return panel


#: The official comparisons of every force on the peers page.
OFFICIAL_PEERS = (
    OfficialPeer(
        "peers-official-crime",
        "Recorded crime per 1,000 residents, every force",
        "recorded_crime_peers_for",
        "Offences per 1,000 residents (ONS)",
        decimals=1,
    ),
    OfficialPeer(
        "peers-official-charged",
        "Crimes charged or summonsed, every force",
        "outcome_peers_for",
        "Share of crimes charged or summonsed (%)",
        decimals=1,
        scale=100.0,
    ),
    OfficialPeer(
        "peers-official-use-of-force",
        "Use of force per 1,000 residents, every force",
        "use_of_force_peers_for",
        "Use of force incidents per 1,000 residents",
    ),
    OfficialPeer(
        "peers-official-officers",
        "Officers per 1,000 residents by headcount, every force",
        "workforce_peers_for",
        "Officers per 1,000 residents (headcount)",
    ),
)


def official_peers_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """The official statistics of every force, each ranked with its interval and the force
    highlighted (recorded crime, charge rate, use of force, officers by headcount)."""
    return [
        _safe(peer.panel_id, peer.title, partial(peer.panel, con, force_id, period))
        for peer in OFFICIAL_PEERS
    ]


def _forces(n: int) -> str:
    """'1 force's' or 'n forces'' (whose rates a chart shows)."""
    return "1 force's" if n == 1 else f"{n:,} forces'"
