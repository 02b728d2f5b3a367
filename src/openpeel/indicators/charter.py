"""The Citizens' Charter: compliance with each service standard, month by month.

The standards are data (``reference/charter_standards.csv``): which table measures each, which
rows it covers, the measure, the threshold and any target share. Compliance = rows that met the
standard / rows measured, with a Wilson interval. Calls are counted in Ibis; the written-reply
standard counts working days in Python (NumPy's business-day calendar with England and Wales
bank holidays), on the few rows it covers.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from openpeel.calendar import Period, last_day
from openpeel.indicators.calls import INDEPENDENCE_CAVEAT, flag, rounded
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.result import IndicatorResult
from openpeel.indicators.shares import add_share_columns
from openpeel.provenance import any_synthetic, synthetic_expr
from openpeel.reference.standards import Standard, standards

# --- England and Wales bank holidays ---------------------------------------------------------


def _easter(year: int) -> date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = last_day(date(year, month, 1))
    return d - timedelta(days=d.weekday())


# Moved and one-off bank holidays announced by royal proclamation (gov.uk/bank-holidays).
_MOVED = {
    (1995, "early_may"): date(1995, 5, 8),
    (2020, "early_may"): date(2020, 5, 8),
    (2002, "spring"): date(2002, 6, 4),
    (2012, "spring"): date(2012, 6, 4),
    (2022, "spring"): date(2022, 6, 2),
}
_EXTRA = (
    date(1999, 12, 31),
    date(2002, 6, 3),
    date(2011, 4, 29),
    date(2012, 6, 5),
    date(2022, 6, 3),
    date(2022, 9, 19),
    date(2023, 5, 8),
)


@lru_cache(maxsize=64)  # bounded: its arguments come from requests
def bank_holidays(year: int) -> tuple[date, ...]:
    """England and Wales bank holidays of a year (with substitute days)."""
    days = []
    new_year = date(year, 1, 1)
    # Saturday or Sunday: the next Monday.
    shift = {5: 2, 6: 1}.get(new_year.weekday(), 0)
    days.append(new_year + timedelta(days=shift))
    easter = _easter(year)
    days += [easter - timedelta(days=2), easter + timedelta(days=1)]
    days.append(_MOVED.get((year, "early_may"), _first_monday(year, 5)))
    days.append(_MOVED.get((year, "spring"), _last_monday(year, 5)))
    days.append(_last_monday(year, 8))
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday 27 and Tuesday 28
        days += [date(year, 12, 27), date(year, 12, 28)]
    elif christmas.weekday() == 6:  # Sunday: Boxing Day Monday 26, Christmas Tuesday 27
        days += [boxing, date(year, 12, 27)]
    elif christmas.weekday() == 4:  # Friday: Boxing Day falls on Saturday, moved to Monday 28
        days += [christmas, date(year, 12, 28)]
    else:
        days += [christmas, boxing]
    days += [d for d in _EXTRA if d.year == year]
    return tuple(sorted(set(days)))


def working_days_between(received: pd.Series, replied: pd.Series) -> np.ndarray:
    """Working days after the day of receipt up to and including the day of the reply.

    A reply on the day of receipt is 0 working days; received Friday and replied Monday is 1.
    Weekends and England and Wales bank holidays are not working days.
    """
    r = pd.to_datetime(received).dt.normalize()
    s = pd.to_datetime(replied).dt.normalize()
    ok = r.notna() & s.notna()
    out = np.full(len(r), np.nan)
    if ok.any():
        years = range(int(r[ok].dt.year.min()), int(s[ok].dt.year.max()) + 1)
        holidays = np.array([d for y in years for d in bank_holidays(y)], dtype="datetime64[D]")
        start = (r[ok] + pd.Timedelta(days=1)).to_numpy(dtype="datetime64[D]")
        end = (s[ok] + pd.Timedelta(days=1)).to_numpy(dtype="datetime64[D]")
        out[ok.to_numpy()] = np.busday_count(start, end, holidays=holidays)
    return out


# --- compliance ------------------------------------------------------------------------------


def _covered_rows(con: Any, std: Standard, force_id: str, period: Period) -> Any:
    """The rows of the standard's table it covers: the force, the period's months and the rows
    of its kind (``filter_column`` in ``filter_values``)."""
    t = con.table(std.source_table)
    return t.filter(
        [
            t.force_id == force_id,
            t.month >= period.start,
            t.month <= period.end,
            t[std.filter_column].isin(list(std.filter_values)),
        ]
    )


def _measure_calls(con: Any, std: Standard, force_id: str, period: Period) -> pd.DataFrame:
    t = _covered_rows(con, std, force_id, period)
    threshold = std.threshold_seconds
    df = (
        t.group_by("month")
        .agg(
            measured=t.count(),
            met=(t[std.measure] <= threshold).sum(),
            synthetic=synthetic_expr(t.snapshot).any(),
        )
        .execute()
    )
    df["not_measured"] = 0
    return df


def _measure_incidents(con: Any, std: Standard, force_id: str, period: Period) -> pd.DataFrame:
    t = _covered_rows(con, std, force_id, period)
    if std.measure == "working_days":
        rows = t.select("month", "created_at", "arrived_at", "has_arrival", "snapshot").execute()
        rows["days"] = working_days_between(rows["created_at"], rows["arrived_at"])
        rows["is_met"] = rows["days"] <= std.threshold
        g = rows.groupby("month")
        df = pd.DataFrame(
            {
                "measured": g["has_arrival"].sum(),
                "met": g["is_met"].sum(),
                "not_measured": g["has_arrival"].apply(lambda s: int((~s.astype(bool)).sum())),
                "synthetic": g["snapshot"].apply(any_synthetic),
            }
        ).reset_index()
        return df
    threshold = std.threshold_seconds
    return (
        t.group_by("month")
        .agg(
            measured=t.has_arrival.sum(),
            met=(t[std.measure] <= threshold).sum(),
            not_measured=(~t.has_arrival).sum(),
            synthetic=synthetic_expr(t.snapshot).any(),
        )
        .execute()
    )


@computed_once
def charter_compliance(
    con: Any, force_id: str, period: Period, confidence: float = 0.95
) -> IndicatorResult:
    """Compliance with each Charter standard per month, and over the whole period.

    Args:
        con: an ``openpeel.connect()`` connection with the force's call log and incidents.
        force_id: the force.
        period: the months to measure (by month the call was offered or the incident created).
        confidence: interval level.
    """
    frames = []
    caveats: list[str] = []
    synthetic = False
    for std in standards():
        measure = _measure_calls if std.source_table == "call_log" else _measure_incidents
        df = measure(con, std, force_id, period)
        df["month"] = pd.to_datetime(df["month"]).dt.date
        if len(df) and bool(df["synthetic"].fillna(False).any()):
            synthetic = True
        df = df.set_index("month").reindex(period.months).rename_axis("month").reset_index()
        for c in ("measured", "met", "not_measured"):
            df[c] = df[c].fillna(0).astype("int64")
        df["scope"] = "month"
        total = pd.DataFrame(
            [
                {
                    "month": None,
                    "measured": int(df["measured"].sum()),
                    "met": int(df["met"].sum()),
                    "not_measured": int(df["not_measured"].sum()),
                    "scope": "period",
                }
            ]
        )
        df = pd.concat([df.drop(columns=["synthetic"]), total], ignore_index=True)
        df.insert(0, "standard_id", std.standard_id)
        df.insert(1, "standard", std.title)
        df["threshold"] = std.threshold
        df["threshold_unit"] = std.threshold_unit
        df["target_share"] = std.target_share
        frames.append(df)
        measured_total = int(total["measured"].iloc[0])
        if measured_total == 0:
            caveats.append(
                f"{std.title}: not measured, no {std.source_table} rows of this kind are loaded "
                f"for {force_id} in {period.label}."
            )
        excluded = int(total["not_measured"].iloc[0])
        if excluded:
            what = "a reply time" if std.measure == "working_days" else "an arrival time"
            caveats.append(
                f"{std.title}: {excluded} rows without {what} are left out of the "
                "denominator (cancelled, not attended yet, or not recorded)."
            )
    table = pd.concat(frames, ignore_index=True)
    measured = table["measured"].to_numpy(dtype=float)
    add_share_columns(table, "met", "measured", "compliance_share", confidence, bounds="compliance")
    target = table["target_share"].astype(float)
    table["is_below_target"] = flag(
        table["compliance_share"] < target, target.notna() & (measured > 0)
    ).to_numpy()
    table = table[
        [
            "standard_id",
            "standard",
            "scope",
            "month",
            "measured",
            "met",
            "compliance_share",
            "compliance_low",
            "compliance_high",
            "target_share",
            "is_below_target",
            "not_measured",
            "threshold",
            "threshold_unit",
        ]
    ]
    caveats = [
        INDEPENDENCE_CAVEAT,
        "The Charter states no target share except for 999 (90%); compliance is shown without "
        "a pass mark for the others.",
        *caveats,
    ]
    definitions = "; ".join(
        f"{s.standard_id}: {s.title} ({s.source_table} rows with {s.filter_column} in "
        f"{'/'.join(s.filter_values)}, {s.measure} <= {s.threshold:g} {s.threshold_unit}, "
        f"denominator {s.denominator})"
        for s in standards()
    )
    return IndicatorResult(
        name="charter.compliance",
        title=f"Citizens' Charter compliance, {force_id}, {period.label}",
        definition=(
            "compliance_share = met / measured for each standard and month (scope month) and "
            f"for the whole period (scope period), Wilson interval at {confidence * 100:g}%. "
            "Calls: measured = calls offered on the line (answered + abandoned; an abandoned "
            "call did not meet the standard), met = answered within the threshold. Incidents: "
            "measured = incidents with an arrival (or reply) time, met = arrived within the "
            "threshold; not_measured = incidents without one. Working days count the days "
            "after receipt up to the reply, without weekends and England and Wales bank "
            f"holidays. Standards: {definitions}."
        ),
        table=rounded(table),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={"period": period.label, "force_id": force_id, "confidence": confidence},
    )
