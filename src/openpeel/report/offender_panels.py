"""The report's *Managing offenders* panels, from the force's own offender management extract.

Aggregates only (these panels also appear on public pages): no pseudonymous id is shown, and a
count from 1 to 4 is shown as "fewer than 5" (small cells suppressed). The extract is measured at
the end of the report's period, or at the extract date when that comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from openpeel.calendar import Period, last_day
from openpeel.indicators import offenders as ind
from openpeel.indicators.offender_forecast import backlog_forecast
from openpeel.indicators.result import IndicatorResult
from openpeel.report.model import Headline, Panel
from openpeel.report.panels import (
    EXPECTED_ERRORS,
    display,
    interval_text,
    number_text,
    safe,
    share_text,
)
from openpeel.report.panels.declare import Bars, Estimate, Line, draw, tabled
from openpeel.report.panels.format import panel_columns

#: The share of registered offenders with an overdue ARMS or visit, with its interval.
OVERDUE = Estimate.of("share_any_overdue")
#: A count below this (and above zero) is not shown on its own.
SMALL_CELL = 5

EXTRACT_CAVEAT = (
    "From the force's own pseudonymised offender management extract, not from published data; "
    "figures are as good as the records behind them."
)


def count_text(value: Any) -> str:
    """A count for a public page: 'fewer than 5' for 1 to 4."""
    if value is None or pd.isna(value):
        return ""
    n = int(value)
    return f"fewer than {SMALL_CELL}" if 0 < n < SMALL_CELL else f"{n:,}"


def suppressed(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The table with small counts in ``columns`` replaced by 'fewer than 5'."""
    out = df.copy()
    for c in columns:
        if c in out.columns:
            out[c] = out[c].map(count_text)
    return out


def _as_at(con: Any, force_id: str, period: Period) -> date:
    extract = ind.extract_as_at(con, force_id)
    end = period.end
    return min(extract, last_day(end))


@dataclass
class _Extract:
    """What several panels share, computed once: the extract date, the backlog curve and the
    caseload from the earlier of the period's start and seven months before the extract date."""

    as_at: date
    start: date
    overdue: IndicatorResult
    caseload: IndicatorResult


def _shared(con: Any, force_id: str, period: Period) -> _Extract:
    as_at = _as_at(con, force_id, period)
    active = ind.activity_start(con, force_id, as_at)
    start = max(period.start, active)
    if start > as_at:
        raise ind.DataUnavailableError("the extract holds no months in this period")
    window = (pd.Timestamp(as_at) - pd.DateOffset(months=7)).date()
    first = max(min(start, date(window.year, window.month, 1)), active)
    return _Extract(
        as_at,
        start,
        ind.overdue(con, force_id, as_at, start=first),
        ind.caseload(con, force_id, as_at, start=first),
    )


def offender_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Backlog of overdue ARMS and visits, caseload, forecast, time to first contact, orders."""
    try:
        as_at = _as_at(con, force_id, period)
    except EXPECTED_ERRORS as error:
        return [Panel("offenders-backlog", "Managing offenders", None, unavailable=str(error))]
    try:
        shared = _shared(con, force_id, period)
    except EXPECTED_ERRORS as error:
        # No months of activity in the period: the backlog panels say why; the others still run.
        reason = str(error).split("\n")[0]
        return [
            Panel(
                "offenders-backlog",
                "Overdue risk assessments and home visits",
                None,
                unavailable=reason,
            ),
            safe(
                "offenders-first",
                "Time to the first assessment and visit",
                lambda: _first(con, force_id, as_at),
            ),
            safe(
                "offenders-orders",
                "Orders, breaches and further offending",
                lambda: _orders(con, force_id, as_at),
            ),
        ]
    return [
        safe(
            "offenders-backlog",
            "Overdue risk assessments and home visits",
            lambda: _backlog(shared),
        ),
        safe("offenders-caseload", "Caseload per offender manager", lambda: _caseload(shared)),
        safe(
            "offenders-forecast",
            "When the backlog clears",
            lambda: _forecast(con, force_id, shared),
        ),
        safe(
            "offenders-first",
            "Time to the first assessment and visit",
            lambda: _first(con, force_id, shared.as_at),
        ),
        safe(
            "offenders-orders",
            "Orders, breaches and further offending",
            lambda: _orders(con, force_id, shared.as_at),
        ),
    ]


def _in_period(result: IndicatorResult, shared: _Extract) -> pd.DataFrame:
    t = result.table
    return t[t["month"] >= date(shared.start.year, shared.start.month, 1)].reset_index(drop=True)


def _backlog(shared: _Extract) -> Panel:
    as_at = shared.as_at
    r = shared.overdue
    t = _in_period(r, shared)
    t = t[t["risk_level"] == "all"].reset_index(drop=True)
    if t.empty:
        raise ind.DataUnavailableError("the extract holds no months in this period")
    panel = Panel("offenders-backlog", "Offenders with an overdue ARMS assessment or visit", r)
    last = t.iloc[-1]
    panel.headlines.append(
        OVERDUE.headline(
            last,
            f"Registered offenders with an overdue ARMS or home visit on {as_at:%-d %b %Y}",
            f"{count_text(last['offenders_any_overdue'])} of "
            f"{count_text(last['offenders_registered'])} registered offenders; "
            f"{count_text(last['backlog_items'])} overdue items; the oldest ARMS overdue "
            f"{number_text(last['oldest_arms_overdue_days'], 0)} days.",
            share=True,
        )
    )
    peak = t.iloc[int(t["backlog_items"].to_numpy().argmax())]
    panel.comparison = [
        f"The backlog was {count_text(t['backlog_items'].iloc[0])} items at the end of "
        f"{t['month'].iloc[0]:%B %Y}, peaked at {count_text(peak['backlog_items'])} in "
        f"{peak['month']:%B %Y} and stands at {count_text(last['backlog_items'])}."
    ]
    draw(
        panel,
        Line(
            "month",
            OVERDUE,
            "Offenders with an overdue item",
            percent=True,
        ),
        t,
        "Line chart of the monthly share of registered offenders with an overdue ARMS or home "
        "visit, with its interval: ",
    )
    shown = suppressed(
        t, ["offenders_registered", "arms_overdue", "visits_overdue", "offenders_any_overdue"]
    )
    return tabled(panel, shown, EXTRACT_CAVEAT)


def _caseload(shared: _Extract) -> Panel:
    r = shared.caseload
    t = _in_period(r, shared)
    last = t.iloc[-1]
    panel = Panel("offenders-caseload", "Registered offenders per offender manager (FTE)", r)
    guide = float(r.meta["guide_per_fte"])
    panel.headlines.append(
        Headline(
            "Registered offenders per offender manager FTE",
            number_text(last["offenders_per_fte"]),
            "no interval (a ratio of two known counts)",
            f"{count_text(last['offenders_registered'])} offenders, "
            f"{number_text(last['manager_fte'])} FTE on {last['day']:%-d %b %Y}.",
        )
    )
    above = int((t["offenders_per_fte"] > guide).sum())
    panel.comparison = [
        f"Guide: {guide:g} per FTE (the project's assumption, not a national standard); "
        f"{above} of {len(t)} month(s) above it."
    ]
    draw(
        panel,
        Line("month", "offenders_per_fte", "Offenders per FTE", target=guide),
        t,
        "Line chart of registered offenders per manager FTE by month: ",
    )
    return tabled(panel, suppressed(t, ["offenders_registered"]), EXTRACT_CAVEAT)


def _forecast(con: Any, force_id: str, shared: _Extract) -> Panel:
    as_at = shared.as_at
    r = backlog_forecast(
        con,
        force_id,
        as_at,
        backlog_curve=shared.overdue.table,
        staff_by_month=shared.caseload.table,
    )
    row = r.table.iloc[0]
    panel = Panel("offenders-forecast", "When the backlog of overdue ARMS and visits clears", r)
    clears = row["clears_on"]
    panel.headlines.append(
        Headline(
            "Backlog clears at the recent pace on",
            f"{clears:%B %Y}" if clears is not None and not pd.isna(clears) else "not clearing",
            f"net clearance {number_text(row['net_clearance_per_month'])} items a month "
            f"(95% interval {number_text(row['net_clearance_low'])} to "
            f"{number_text(row['net_clearance_high'])})",
            f"{count_text(row['backlog_items'])} overdue items on {as_at:%-d %b %Y}.",
        )
    )
    panel.headlines.append(
        Headline(
            f"Extra offender manager FTE to clear it by {row['target_date']:%B %Y}",
            number_text(row["extra_fte_to_clear_by_target"]),
            "a projection (see the assumptions)",
            f"Measured capacity {number_text(row['items_per_fte_month'], 1)} items per FTE a "
            f"month; {number_text(row['manager_fte'])} FTE in post.",
        )
    )
    panel.comparison = list(r.meta["assumptions"])
    curve = pd.DataFrame(r.meta["recent_backlog"])
    draw(
        panel,
        Line("month", "backlog_items", "Overdue items"),
        curve,
        "Line chart of overdue items (ARMS plus visits) at each month end over the months the "
        "clearance is measured on: "
        + "; ".join(
            f"{m:%b %Y} {count_text(v)}"
            for m, v in zip(curve["month"], curve["backlog_items"], strict=True)
        ),
        itemise=False,
    )
    panel.table = pd.DataFrame(
        {
            "Quantity": [
                "Overdue items",
                "Net clearance a month",
                "Clears on",
                "Items per FTE a month",
                "Manager FTE",
                "Target date",
                "Extra FTE to clear by the target",
            ],
            "Value": [
                count_text(row["backlog_items"]),
                number_text(row["net_clearance_per_month"]),
                f"{clears:%d %b %Y}"
                if clears is not None and not pd.isna(clears)
                else "not clearing",
                number_text(row["items_per_fte_month"]),
                number_text(row["manager_fte"]),
                f"{row['target_date']:%d %b %Y}",
                number_text(row["extra_fte_to_clear_by_target"]),
            ],
        }
    )
    panel.caveats = [EXTRACT_CAVEAT, *r.caveats]
    return panel


def _first(con: Any, force_id: str, as_at: date) -> Panel:
    r = ind.time_to_first(con, force_id, as_at)
    t = r.table
    panel = Panel("offenders-first", "Days from registration to the first ARMS and visit", r)
    for row in t.itertuples():
        what = "ARMS assessment" if row.measure == "first_arms" else "home visit"
        panel.headlines.append(
            Headline(
                f"Newly registered offenders with a first {what} within 56 days",
                share_text(row.share_within_56_days),
                interval_text(row.share_within_56_days_low, row.share_within_56_days_high, True),
                f"{count_text(row.offenders)} offenders registered; median "
                f"{number_text(row.median_days, 0) or 'not reached'} days (Kaplan-Meier).",
            )
        )
    bars = t.assign(
        measure=t["measure"].map({"first_arms": "First ARMS", "first_visit": "First visit"})
    )
    draw(
        panel,
        Bars(
            "measure",
            Estimate.of("share_within_56_days"),
            "Done within 56 days",
            "Measure",
            percent=True,
        ),
        bars,
        "Bar chart of the share done within 56 days of registration: ",
    )
    return tabled(
        panel,
        suppressed(t.assign(measure=t["measure"].str.replace("_", " ")), ["offenders", "done"]),
        EXTRACT_CAVEAT,
    )


def _orders(con: Any, force_id: str, as_at: date) -> Panel:
    r = ind.orders_and_breaches(con, force_id, as_at)
    further = ind.further_offending(con, force_id, as_at).table.iloc[0]
    t = r.table
    panel = Panel("offenders-orders", "Orders, breaches and device checks per 100 offenders", r)
    panel.headlines.append(
        Headline(
            "Registered offenders with a further sexual offence in the last 12 months",
            share_text(further["share"]),
            interval_text(further["share_low"], further["share_high"], True)
            + " (exact, Clopper-Pearson)",
            f"{count_text(further['offenders_with_further_sexual_offence'])} of "
            f"{count_text(further['offenders_managed'])} offenders managed in the period.",
        )
    )
    small = t["count"].between(1, SMALL_CELL - 1)
    shown = t.assign(
        measure=t["measure"].map(lambda m: str(m).replace("_", " ")),
        count=t["count"].map(count_text),
        per_100_offenders=t["per_100_offenders"].where(~small),
    )
    panel.table = display(
        shown,
        panel_columns("offenders-orders"),
    )
    panel.table.loc[small.to_numpy(), ["Low", "High"]] = ""
    bars = shown[~small & (t["count"] > 0)]
    draw(
        panel,
        Bars(
            "measure",
            Estimate("per_100_offenders", "per_100_low", "per_100_high"),
            "Per 100 registered offenders",
            "Measure",
        ),
        bars,
        "Bar chart per 100 registered offenders: ",
    )
    panel.caveats = [EXTRACT_CAVEAT, *r.caveats]
    return panel


def wanted_missing_panel(con: Any, force_id: str, period: Period) -> Panel:
    """Staff only (pseudonymous ids, no small-cell suppression): registered offenders wanted or
    missing at the end of the period (or the extract date), longest first. Never on public pages."""
    return safe(
        "offenders-wanted-missing",
        "Wanted and missing registered offenders",
        lambda: _wanted_missing(con, force_id, _as_at(con, force_id, period)),
    )


def _wanted_missing(con: Any, force_id: str, as_at: date) -> Panel:
    r = ind.wanted_missing(con, force_id, as_at)
    panel = Panel("offenders-wanted-missing", "Registered offenders wanted or missing", r)
    for status, info in r.meta["summary"].items():
        longest = info["longest_days"]
        panel.headlines.append(
            Headline(
                f"Registered offenders {status} on {as_at:%-d %b %Y}",
                f"{info['offenders']:,}",
                "no interval (a count of records)",
                f"The longest {status} for {longest:,} days."
                if longest is not None
                else f"No registered offender is {status}.",
            )
        )
    return tabled(panel, r.table, EXTRACT_CAVEAT)
