"""When the backlog of overdue ARMS assessments and home visits clears, and what would clear it
by a chosen date: a simple, explained projection from the force's own recent months.

The model (every assumption is printed with the result):

- The backlog is the number of overdue items (ARMS assessments plus home visits) on the extract
  date, from :func:`openpeel.indicators.offenders.overdue`.
- The *net clearance* is how fast the backlog has been falling: minus the least-squares slope
  of the month-end backlog over the last ``window_months`` months (items per month), with a
  t-interval from the fit. It already nets off the new items falling due each month.
- The *capacity* is the items the unit completes per FTE per month: ARMS completed plus visits
  done in the window, divided by the FTE-months in post (the month-end FTE summed over the
  window).
- Clearance: if the net clearance is positive the backlog clears in backlog / clearance months.
- FTE needed to clear by a target date: each extra FTE is assumed to add ``capacity`` completions
  a month, all of which reduce the backlog; extra FTE = (backlog / months to target - net
  clearance) / capacity, never below zero.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.offenders import (
    FIRST_ARMS_DAYS,
    _force,
    caseload,
    extract_as_at,
    extract_result,
    overdue,
)
from openpeel.indicators.result import IndicatorResult

#: Average days in a month (to turn months into dates).
DAYS_PER_MONTH = 365.25 / 12


def monthly_completions(con: Any, force_id: str, first: date, as_at: date) -> pd.DataFrame:
    """ARMS completed and visits done per calendar month from ``first`` to ``as_at``."""
    frames = []
    for name, table, column in (
        ("arms_completed", "offender_assessments", "completed_on"),
        ("visits_done", "offender_visits", "done_on"),
    ):
        t = _force(con, table, force_id)
        t = t.filter([t[column] >= first, t[column] <= as_at])
        df = t.group_by(month=t[column].truncate("M")).aggregate(n=t.count()).execute()
        df["month"] = pd.to_datetime(df["month"]).dt.date
        frames.append(df.set_index("month")["n"].rename(name))
    out = pd.concat(frames, axis=1).fillna(0).astype(int).sort_index()
    return out.reset_index(names="month")


def _months_between(start: date, end: date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def backlog_forecast(
    con: Any,
    force_id: str,
    as_at: date | None = None,
    target: date | None = None,
    window_months: int = 6,
    confidence: float = 0.95,
    first_arms_days: int = FIRST_ARMS_DAYS,
    backlog_curve: pd.DataFrame | None = None,
    staff_by_month: pd.DataFrame | None = None,
) -> IndicatorResult:
    """Projected clearance of the overdue-item backlog and the FTE to clear it by ``target``.

    Args:
        con: an openpeel connection.
        force_id: the force.
        as_at: the extract date (default: the latest load's).
        target: the date by which the backlog should clear (default: six months on).
        window_months: recent months the clearance and capacity are measured over (at least 3).
        confidence: level of the interval on the clearance date.
        first_arms_days: days after registration the first ARMS is due (see ``overdue``).
        backlog_curve: ``overdue(...).table`` already computed up to ``as_at`` (saves a query).
        staff_by_month: ``caseload(...).table`` already computed up to ``as_at``.

    Raises:
        UserInputError: a target not after the extract date, or a window under 3 months.
        DataUnavailableError: fewer months of data than the window.
    """
    as_at = as_at or extract_as_at(con, force_id)
    target = target or (pd.Timestamp(as_at) + pd.DateOffset(months=6)).date()
    if target <= as_at:
        raise UserInputError(f"the target date {target} must be after the extract date {as_at}")
    if window_months < 3:
        raise UserInputError("the window must be at least 3 months")
    curve = (
        backlog_curve
        if backlog_curve is not None
        else overdue(con, force_id, as_at, first_arms_days=first_arms_days).table
    )
    curve = curve[curve["day"] <= as_at]
    curve = curve[curve["risk_level"] == "all"].reset_index(drop=True)
    if len(curve) < window_months + 1:
        raise DataUnavailableError(
            f"the extract holds {len(curve)} months; the forecast needs {window_months + 1}"
        )
    recent = curve.tail(window_months + 1).reset_index(drop=True)
    backlog = int(recent["backlog_items"].iloc[-1])
    x = np.arange(len(recent), dtype=float)
    fit = stats.linregress(x, recent["backlog_items"].to_numpy(dtype=float))
    clearance = -float(fit.slope)
    t = float(stats.t.ppf(0.5 + confidence / 2, len(recent) - 2))
    clearance_low, clearance_high = clearance - t * fit.stderr, clearance + t * fit.stderr

    window = recent.iloc[1:]
    first_month = window["month"].iloc[0]
    done = monthly_completions(con, force_id, first_month, as_at)
    items_done = int(done["arms_completed"].sum() + done["visits_done"].sum())
    staff = (
        staff_by_month
        if staff_by_month is not None
        else caseload(con, force_id, as_at, start=first_month).table
    )
    staff = staff[(staff["month"] >= first_month) & (staff["day"] <= as_at)]
    fte_months = float(staff["manager_fte"].sum())
    fte_now = float(staff["manager_fte"].iloc[-1])
    capacity = items_done / fte_months if fte_months else math.nan

    def clears_on(rate: float) -> date | None:
        if backlog == 0:
            return as_at
        if not rate > 0:
            return None
        return as_at + timedelta(days=round(backlog / rate * DAYS_PER_MONTH))

    months_to_target = _months_between(as_at, target)
    needed = backlog / months_to_target - clearance
    extra_fte = max(0.0, needed / capacity) if capacity > 0 else math.nan
    row = {
        "as_at": as_at,
        "backlog_items": backlog,
        "net_clearance_per_month": round(clearance, 1),
        "net_clearance_low": round(clearance_low, 1),
        "net_clearance_high": round(clearance_high, 1),
        "clears_on": clears_on(clearance),
        "clears_on_earliest": clears_on(clearance_high),
        "clears_on_latest": clears_on(clearance_low),
        "items_per_fte_month": round(capacity, 2),
        "manager_fte": round(fte_now, 2),
        "target_date": target,
        "extra_fte_to_clear_by_target": round(extra_fte, 1),
        "fte_needed_by_target": round(fte_now + extra_fte, 1),
    }
    assumptions = [
        f"Backlog: {backlog} overdue items (ARMS assessments plus home visits) on {as_at}.",
        f"Net clearance: the backlog has {'fallen' if clearance >= 0 else 'grown'} by "
        f"{abs(clearance):.1f} items a month over the last "
        f"{window_months} months (least-squares slope; {confidence * 100:g}% interval of the fall "
        f"{clearance_low:.1f} to {clearance_high:.1f}); it is assumed to go on at that pace, "
        "with new items falling due at their recent rate.",
        f"Capacity: {capacity:.2f} items completed per FTE per month ({items_done} ARMS and "
        f"visits over {fte_months:.1f} FTE-months); an extra FTE is assumed to add that many "
        "completions from the first month (no recruitment or training lag).",
        "An ARMS assessment and a home visit count as one item each, whatever their effort.",
        f"Clearing by {target} ({months_to_target:.1f} months) needs the backlog to fall by "
        f"{backlog / months_to_target:.1f} items a month.",
    ]
    caveats = [
        "A projection, not a prediction: vacancies, sickness, a change of policy or a surge of "
        "registrations change the answer; re-run it on each month's extract.",
        "When the clearance interval includes zero or less, the backlog may not clear at all "
        "at current capacity (clears_on_latest is then empty).",
    ]
    return extract_result(
        con,
        force_id,
        as_at,
        name="offenders.forecast",
        title="When the backlog of overdue ARMS and visits clears",
        definition=(
            "clears_on = extract date + backlog / net clearance (months); extra_fte_to_clear_by_"
            "target = (backlog / months to target - net clearance) / items per FTE per month, at "
            "least 0. The net clearance is minus the slope of the month-end backlog over the "
            "window; items per FTE per month is ARMS completed plus visits done / FTE-months."
        ),
        table=pd.DataFrame([row]),
        caveats=caveats,
        window_months=window_months,
        assumptions=assumptions,
        recent_backlog=[
            {"month": m, "backlog_items": int(b)}
            for m, b in zip(recent["month"], recent["backlog_items"], strict=True)
        ],
    )
