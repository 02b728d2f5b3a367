"""Time from a crime to its first outcome of each class: Kaplan-Meier curves, crimes still open
at the end of the data censored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import ibis
import numpy as np
import pandas as pd
from ibis.expr.types import Table

from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.crime import (
    ALL_CRIME,
    crime_type_codes,
    frame,
    missing_months,
    month_coverage,
    require_force,
    require_months,
    snapshot_caveats,
)
from openpeel.indicators.investigations.classes import (
    ALL_MONTHS,
    ANY_OUTCOME,
    CLOSING_CLASSES,
    months_between,
)
from openpeel.indicators.investigations.linkage import (
    coded_outcomes,
    crime_rows,
    outcome_rows,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import any_synthetic
from openpeel.stats.survival import kaplan_meier, survival_at, survival_quantile
from openpeel.store.status import describe_months

TIME_DEFINITION = (
    "Crimes (not anti-social behaviour) with a Crime ID recorded in the period, within the "
    "latest run of consecutive outcomes months loaded (crimes recorded before it are left out: "
    "their earlier outcomes were never seen). For each event (the first outcome of a class, or "
    "any_outcome: the first outcome of any closing class), the time is the number of months "
    "from the crime month to the month of that first outcome row (0: the same month). A crime "
    "with no such outcome by the last outcomes month of the run is censored there. "
    "share_with_outcome = 1 - S(t), S the Kaplan–Meier estimate: the estimated share of crimes "
    "with that outcome within t months. For a class this is a cumulative incidence that levels "
    "off below 1 (most crimes never get a charge), not a conditional share. Interval: pointwise "
    "95% log-log (Greenwood) interval. at_risk: crimes still followed at t without the event; "
    "events and censored: at t."
)


def first_outcomes(outcomes: Table) -> Table:
    """Per crime and closing class (and ``any_outcome``): the month of the first such outcome."""
    o = coded_outcomes(outcomes)
    o = o.filter(o.outcome_class.isin(list(CLOSING_CLASSES)))
    by_class = o.group_by("force_id", "crime_id", event=o.outcome_class).agg(
        first_month=o.month.min()
    )
    overall = o.group_by("force_id", "crime_id").agg(first_month=o.month.min())
    overall = overall.select(
        "force_id", "crime_id", event=ibis.literal(ANY_OUTCOME), first_month="first_month"
    )
    return by_class.union(overall)


def time_to_outcome_counts(
    crimes: Table, outcomes: Table, first_month: date, last_month: date
) -> tuple[Table, Table]:
    """Aggregates for Kaplan–Meier over a run of consecutive outcomes months.

    The cohort is the crimes (not ASB) with a Crime ID recorded from ``first_month`` (earlier
    crimes may have had outcomes before it that were never seen); each is followed to
    ``last_month``, the censoring month; only outcomes of ``first_month..last_month`` count.

    Returns:
        ``(cohort, events)``: ``cohort`` has ``censor_time, crimes``; ``events`` has
        ``event, duration, censor_time, crimes``, durations in months.
    """
    c = crimes.filter(
        crimes.crime_id.notnull()
        & ~crimes.is_anti_social_behaviour
        & (crimes.month >= first_month)
        & (crimes.month <= last_month)
    )
    c = c.select(
        "force_id",
        "crime_id",
        "month",
        censor_time=months_between(c.month, ibis.literal(last_month)),
    )
    cohort = c.group_by("censor_time").agg(crimes=c.count())
    f = first_outcomes(
        outcomes.filter((outcomes.month >= first_month) & (outcomes.month <= last_month))
    )
    e = c.join(f, [c.force_id == f.force_id, c.crime_id == f.crime_id])
    e = e.select(
        event=f.event,
        duration=months_between(c.month, f.first_month),
        censor_time=c.censor_time,
    )
    events = e.group_by("event", "duration", "censor_time").agg(crimes=e.count())
    return cohort, events


def last_run(months: Sequence[date]) -> tuple[date, date, list[date]]:
    """The last run of consecutive months, and the months before it that are missing."""
    ordered = sorted(set(months))
    start = len(ordered) - 1
    while start > 0:
        prev, cur = ordered[start - 1], ordered[start]
        if (cur.year - prev.year) * 12 + cur.month - prev.month != 1:
            break
        start -= 1
    gaps = missing_months(Period(ordered[0], ordered[-1], "outcomes"), ordered)
    return ordered[start], ordered[-1], gaps


@computed_once
def time_to_outcome(
    con: Any,
    force_id: str,
    period: Period,
    crime_type: str | None = None,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Kaplan–Meier share of crimes with each kind of outcome within t months.

    Uses the latest run of consecutive outcomes months loaded for the force: crimes recorded
    in the period from the run's first month, followed to its last.

    Returns:
        ``force_id, event, months_since_crime, at_risk, events, censored, share_with_outcome,
        share_with_outcome_low, share_with_outcome_high``; ``meta["events"]`` summarises each
        event (median months, shares at 0, 3, 6 and 12 months).
    """
    force_id = require_force(force_id)
    if crime_type is not None and crime_type not in crime_type_codes():
        raise UserInputError(
            f"unknown crime type {crime_type!r}; use one of: {', '.join(crime_type_codes())}"
        )
    coverage = require_months(con, "crimes", force_id, period)
    outcome_months = month_coverage(con, "outcomes", ALL_MONTHS, [force_id])
    if outcome_months.empty:
        raise DataUnavailableError(
            f"no outcomes files loaded for {force_id}: time to outcome needs them "
            "(load the -outcomes.csv files of the months after the crimes)"
        )
    first, last, gaps = last_run(list(outcome_months["month"]))
    crimes = crime_rows(con, [force_id], period)
    if crime_type is not None and crime_type != ALL_CRIME:
        crimes = crimes.filter(crimes.crime_type_code == crime_type)
    cohort_q, events_q = time_to_outcome_counts(crimes, outcome_rows(con, [force_id]), first, last)
    cohort = frame(cohort_q)
    events = frame(events_q)
    if cohort.empty:
        raise DataUnavailableError(
            f"no crimes of {force_id} in {period.label} were recorded within the outcomes "
            f"months loaded ({first:%Y-%m}..{last:%Y-%m})"
        )
    negative = int(events.loc[events["duration"] < 0, "crimes"].sum())
    events["duration"] = events["duration"].clip(lower=0)
    frames = []
    summary: dict[str, Any] = {}
    horizon = int(cohort["censor_time"].max())
    for event in (ANY_OUTCOME, *CLOSING_CLASSES):
        curve, facts = _event_curve(cohort, events[events["event"] == event], horizon, confidence)
        curve.insert(0, "event", event)
        frames.append(curve)
        summary[event] = facts
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "force_id", force_id)
    n_cohort = int(cohort["crimes"].sum())
    caveats = [
        f"{n_cohort} crimes recorded from {first:%Y-%m}, followed to {last:%Y-%m} (the run of "
        "consecutive outcomes files loaded); crimes recorded earlier are left out, since "
        "their earlier outcomes were never seen.",
        "police.uk gives months, not dates: an outcome in the month of the crime counts as 0 "
        "months.",
    ]
    if gaps:
        caveats.append(
            f"Outcomes files are missing for {describe_months(gaps)}: only the months after "
            "the last gap are used."
        )
    if negative:
        caveats.append(
            f"{negative} first outcomes are dated before their crime's month (set to 0 months)."
        )
    caveats += snapshot_caveats(coverage)
    return IndicatorResult(
        name="outcomes.time_to_outcome",
        title=f"Time from crime to outcome (Kaplan–Meier): {force_id}, {period.label}"
        + (f", {crime_type}" if crime_type else ""),
        definition=TIME_DEFINITION,
        table=table,
        caveats=caveats,
        is_synthetic=any_synthetic([*coverage["snapshot"], *outcome_months["snapshot"]]),
        meta={
            "force_id": force_id,
            "period": period.label,
            "crime_type": crime_type,
            "crimes": n_cohort,
            "followed_from": f"{first:%Y-%m}",
            "followed_to": f"{last:%Y-%m}",
            "confidence": confidence,
            "events": summary,
        },
    )


def _event_curve(
    cohort: pd.DataFrame, events: pd.DataFrame, horizon: int, confidence: float
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The Kaplan–Meier curve of one event on every month 0..horizon, and its summary."""
    by_duration = events.groupby("duration")["crimes"].sum()
    with_event = events.groupby("censor_time")["crimes"].sum()
    censored = cohort.set_index("censor_time")["crimes"].sub(with_event, fill_value=0).clip(lower=0)
    durations = np.concatenate([by_duration.index.to_numpy(), censored.index.to_numpy()])
    observed = np.concatenate([np.ones(len(by_duration), bool), np.zeros(len(censored), bool)])
    counts = np.concatenate([by_duration.to_numpy(), censored.to_numpy()])
    km = kaplan_meier(durations, observed, counts, confidence)
    grid = np.arange(horizon + 1)
    read = survival_at(km, grid)
    n_events = by_duration.reindex(grid, fill_value=0).to_numpy(dtype=float)
    n_censored = censored.reindex(grid, fill_value=0).to_numpy(dtype=float)
    total = float(counts.sum())
    at_risk = total - np.concatenate([[0.0], np.cumsum(n_events + n_censored)[:-1]])
    curve = pd.DataFrame(
        {
            "months_since_crime": grid,
            "at_risk": at_risk.astype("int64"),
            "events": n_events.astype("int64"),
            "censored": n_censored.astype("int64"),
            "share_with_outcome": 1 - read["survival"].to_numpy(),
            "share_with_outcome_low": 1 - read["survival_high"].to_numpy(),
            "share_with_outcome_high": 1 - read["survival_low"].to_numpy(),
        }
    )
    facts: dict[str, Any] = {
        "crimes_with_event": int(n_events.sum()),
        "median_months": survival_quantile(km, 0.5) if not km.empty else None,
    }
    for month in (0, 3, 6, 12):
        if month <= horizon:
            facts[f"share_within_{month}_months"] = float(
                curve.loc[curve["months_since_crime"] == month, "share_with_outcome"].iloc[0]
            )
    return curve, facts
