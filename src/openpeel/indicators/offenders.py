"""Managing offenders: registered sex offender management from a force's own extract.

Counting happens in Ibis on the lake's offender tables (``offenders``, ``offender_assessments``,
``offender_visits``, ``offender_device_checks``, ``offender_orders``, ``offender_events``,
``offender_managers``, loaded by :mod:`openpeel.store.offenders`); intervals and survival curves
run in Python on the small aggregated results. Every function takes an Ibis connection and a
force and returns an :class:`IndicatorResult` carrying its definition and caveats.

Figures stated as the project's assumptions (not official standards):

- :data:`CASELOAD_GUIDE_PER_FTE`: 50 registered offenders per offender manager FTE, the ratio
  commonly quoted as a guide for sex offender management units.
- :data:`NATIONAL_RATE_PER_100K`: about 122 registered sex offenders per 100,000 residents in
  England and Wales in 2021.
- :data:`FIRST_ARMS_DAYS`: a newly registered offender's first ARMS assessment is due 28 days
  after registration (the extract records when each later one is due).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
import numpy as np
import pandas as pd

from openpeel.calendar import add_months
from openpeel.errors import DataUnavailableError
from openpeel.formatting import confidence_text
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import any_synthetic_rows, is_synthetic_label
from openpeel.sources.offenders import RISK_LEVELS
from openpeel.stats.intervals import (
    clopper_pearson_interval,
    wilson_interval,
)
from openpeel.stats.rates import annual_rate_per_1000
from openpeel.stats.survival import kaplan_meier, survival_at, survival_quantile

CASELOAD_GUIDE_PER_FTE = 50.0
NATIONAL_RATE_PER_100K = 122.0
FIRST_ARMS_DAYS = 28
#: Days at which the time-to-first curves are read.
FIRST_ITEM_CHECKPOINTS: tuple[int, ...] = (28, 56, 91)

RISK_CAVEAT = (
    "Risk level is each offender's level as at the extract date: the extract does not hold "
    "earlier levels, so an offender whose risk changed is counted at today's level in every month."
)


# --- shared pieces ----------------------------------------------------------------------------


def _force(con: Any, table: str, force_id: str) -> Any:
    t = con.table(table)
    return t.filter(t.force_id == force_id)


@computed_once
def extract_as_at(con: Any, force_id: str) -> date:
    """The date of the force's latest loaded extract.

    Raises:
        DataUnavailableError: no extract has been loaded for the force.
    """
    loads = _force(con, "offender_loads", force_id)
    df = loads.order_by(ibis.desc("loaded_at")).limit(1).select("as_at").execute()
    if df.empty:
        raise DataUnavailableError(
            f"no offender management extract is loaded for {force_id}: "
            "run 'openpeel offenders load FOLDER --force ...'"
        )
    return pd.Timestamp(df["as_at"].iloc[0]).date()


def is_synthetic(con: Any, force_id: str) -> bool:
    """True when the force's offender data came from the synthetic generator."""
    return any_synthetic_rows(_force(con, "offenders", force_id).snapshot)


def month_ends(first: date, as_at: date) -> list[date]:
    """The last day of each month from ``first``'s month to ``as_at``'s (that one is ``as_at``)."""
    out: list[date] = []
    month = date(first.year, first.month, 1)
    while month <= as_at:
        following = add_months(month, 1)
        out.append(min(following - timedelta(days=1), as_at))
        month = following
    return out


@computed_once
def activity_start(con: Any, force_id: str, as_at: date) -> date:
    """First month of recorded activity: the earliest visit done (else ARMS completed)."""
    visits = _force(con, "offender_visits", force_id)
    first = visits.done_on.min().execute()
    if first is None or pd.isna(first):
        first = _force(con, "offender_assessments", force_id).completed_on.min().execute()
    if first is None or pd.isna(first):
        return date(as_at.year, as_at.month, 1)
    return pd.Timestamp(first).date()


def _months_table(days: list[date]) -> Any:
    return ibis.memtable(
        pd.DataFrame({"day": pd.Series(days, dtype="object")}), schema={"day": "date"}
    )


def _registered(offenders: Any, months: Any) -> Any:
    """Offenders registered on each month's day (started, not ended), one row per pair."""
    j = offenders.cross_join(months)
    return j.filter(
        [
            j.registered_on <= j.day,
            j.registration_ends_on.isnull() | (j.registration_ends_on > j.day),
        ]
    )


def force_result(
    con: Any,
    force_id: str,
    as_at: date,
    meta: dict[str, Any] | None = None,
    synthetic: bool = False,
    **fields: Any,
) -> IndicatorResult:
    """An offender indicator's result for one force's extract.

    The synthetic flag comes from the force's extract (or ``synthetic`` for another synthetic
    input); meta starts with the force and extract date, then ``meta``.
    """
    return IndicatorResult(
        **fields,
        is_synthetic=is_synthetic(con, force_id) or synthetic,
        meta={"force_id": force_id, "as_at": as_at.isoformat(), **(meta or {})},
    )


# --- caseload ---------------------------------------------------------------------------------


def caseload(
    con: Any,
    force_id: str,
    as_at: date | None = None,
    start: date | None = None,
    guide_per_fte: float = CASELOAD_GUIDE_PER_FTE,
) -> IndicatorResult:
    """Registered offenders per offender manager FTE, month by month, against a guide figure.

    Args:
        con: an openpeel connection.
        force_id: the force.
        as_at: the extract date (default: the latest load's).
        start: first month shown (default: the first month of recorded activity).
        guide_per_fte: the guide caseload (default: the project's assumption of 50).
    """
    as_at = as_at or extract_as_at(con, force_id)
    days = month_ends(start or activity_start(con, force_id, as_at), as_at)
    months = _months_table(days)
    reg = _registered(_force(con, "offenders", force_id), months)
    counts = reg.group_by("day").aggregate(
        offenders_registered=reg.count(),
        offenders_in_custody=(reg.status == "custody").sum(),
    )
    m = _force(con, "offender_managers", force_id).cross_join(months)
    m = m.filter([m.started_on <= m.day, m.ended_on.isnull() | (m.ended_on > m.day)])
    fte = m.group_by("day").aggregate(managers=m.count(), manager_fte=m.fte.sum())
    df = (
        months.left_join(counts, "day")
        .select("day", "offenders_registered", "offenders_in_custody")
        .left_join(fte, "day")
        .select("day", "offenders_registered", "offenders_in_custody", "managers", "manager_fte")
        .order_by("day")
        .execute()
    )
    df["day"] = pd.to_datetime(df["day"]).dt.date
    for c in ("offenders_registered", "offenders_in_custody", "managers"):
        df[c] = df[c].fillna(0).astype(int)
    df["manager_fte"] = df["manager_fte"].fillna(0.0).astype(float).round(2)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["offenders_per_fte"] = np.where(
            df["manager_fte"] > 0, df["offenders_registered"] / df["manager_fte"], np.nan
        ).round(1)
    df["guide_per_fte"] = guide_per_fte
    df["share_above_guide"] = (df["offenders_per_fte"] / guide_per_fte - 1).round(3)
    df.insert(0, "month", [date(d.year, d.month, 1) for d in df["day"]])
    return force_result(
        con,
        force_id,
        as_at,
        meta={"guide_per_fte": guide_per_fte},
        name="offenders.caseload",
        title="Registered sex offenders per offender manager (FTE)",
        definition=(
            "At the last day of each month (the extract date for its month): registered sex "
            "offenders (registration started, not ended) divided by the full-time equivalent of "
            "offender managers in post (started, not left). share_above_guide is how far the "
            f"caseload is above (+) or below (-) the guide of {guide_per_fte:g} per FTE."
        ),
        table=df,
        caveats=[
            f"The guide of {guide_per_fte:g} offenders per FTE is the project's assumption (a "
            "commonly quoted ratio), not a national standard; forces set their own.",
            "Offenders in custody are counted in the caseload (managers keep their cases); "
            "offenders_in_custody shows how many, by their status as at the extract date.",
            "FTE is time on offender management as the extract records it; sickness, training "
            "and vacancies held open are not visible.",
        ],
    )


# --- overdue assessments and visits (the backlog curve) ---------------------------------------


def overdue_items(
    con: Any, force_id: str, days: list[date], first_arms_days: int = FIRST_ARMS_DAYS
) -> Any:
    """One row per registered offender per day: ARMS overdue and its age, overdue visits.

    An ARMS is overdue on day d when the ``next_due_on`` of the offender's latest assessment
    completed by d (or, with none, registration + ``first_arms_days``) is before d. A visit is
    overdue on d when it was planned before d and not done by d.
    """
    months = _months_table(days)
    reg = _registered(_force(con, "offenders", force_id), months).select(
        "offender_id", "risk_level", "registered_on", "day"
    )
    a = _force(con, "offender_assessments", force_id).cross_join(months)
    a = a.filter(a.completed_on <= a.day)
    latest = a.group_by(["offender_id", "day"]).aggregate(last_completed=a.completed_on.max())
    due = (
        a.join(
            latest,
            [
                a.offender_id == latest.offender_id,
                a.day == latest.day,
                a.completed_on == latest.last_completed,
            ],
        )
        .group_by([a.offender_id, a.day])
        .aggregate(arms_due=a.next_due_on.max())
    )
    v = _force(con, "offender_visits", force_id).cross_join(months)
    v = v.filter([v.planned_on < v.day, v.done_on.isnull() | (v.done_on > v.day)])
    vis = v.group_by(["offender_id", "day"]).aggregate(
        visits_overdue=v.count(), oldest_visit_due=v.planned_on.min()
    )
    j = reg.left_join(due, ["offender_id", "day"]).select(
        reg.offender_id, reg.risk_level, reg.registered_on, reg.day, due.arms_due
    )
    j = j.mutate(
        arms_due=ibis.coalesce(j.arms_due, j.registered_on + ibis.interval(days=first_arms_days))
    )
    j = j.left_join(vis, ["offender_id", "day"]).select(
        j.offender_id, j.risk_level, j.day, j.arms_due, vis.visits_overdue, vis.oldest_visit_due
    )
    return j.mutate(
        is_arms_overdue=j.arms_due < j.day,
        arms_overdue_days=ibis.ifelse(j.arms_due < j.day, j.day.delta(j.arms_due, unit="day"), 0),
        visits_overdue=j.visits_overdue.fill_null(0),
        visit_overdue_days=ibis.ifelse(
            j.oldest_visit_due.isnull(), 0, j.day.delta(j.oldest_visit_due, unit="day")
        ),
    )


def overdue(
    con: Any,
    force_id: str,
    as_at: date | None = None,
    start: date | None = None,
    first_arms_days: int = FIRST_ARMS_DAYS,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Overdue ARMS assessments and home visits by month and risk level (the backlog curve).

    Rows: one per month and risk level, plus ``all`` for every level together.
    """
    as_at = as_at or extract_as_at(con, force_id)
    days = month_ends(start or activity_start(con, force_id, as_at), as_at)
    items = overdue_items(con, force_id, days, first_arms_days)

    def summary(t: Any) -> Any:
        return {
            "offenders_registered": t.count(),
            "arms_overdue": t.is_arms_overdue.sum(),
            "visits_overdue": t.visits_overdue.sum(),
            "offenders_visit_overdue": (t.visits_overdue > 0).sum(),
            "offenders_any_overdue": (t.is_arms_overdue | (t.visits_overdue > 0)).sum(),
            "oldest_arms_overdue_days": t.arms_overdue_days.max(),
            "oldest_visit_overdue_days": t.visit_overdue_days.max(),
        }

    by_risk = items.group_by(["day", "risk_level"]).aggregate(**summary(items)).execute()
    # Every level together: counts add up and the oldest is the oldest of any level.
    overall = by_risk.groupby("day", as_index=False).agg(
        {
            "offenders_registered": "sum",
            "arms_overdue": "sum",
            "visits_overdue": "sum",
            "offenders_visit_overdue": "sum",
            "offenders_any_overdue": "sum",
            "oldest_arms_overdue_days": "max",
            "oldest_visit_overdue_days": "max",
        }
    )
    overall["risk_level"] = "all"
    df = pd.concat([overall, by_risk], ignore_index=True)
    order = {r: i for i, r in enumerate(("all", *RISK_LEVELS))}
    df["day"] = pd.to_datetime(df["day"]).dt.date
    df = df.sort_values(["day", "risk_level"], key=lambda s: s.map(order) if s.name == "risk_level"
                        else s).reset_index(drop=True)  # fmt: skip
    for c in df.columns:
        if c not in ("day", "risk_level"):
            df[c] = df[c].fillna(0).astype(int)
    df["backlog_items"] = df["arms_overdue"] + df["visits_overdue"]
    n = df["offenders_registered"].to_numpy()
    x = df["offenders_any_overdue"].to_numpy()
    df["share_any_overdue"] = np.where(n > 0, x / np.maximum(n, 1), np.nan).round(4)
    low, high = wilson_interval(x, n, confidence)
    df["share_any_overdue_low"] = np.round(low, 4)
    df["share_any_overdue_high"] = np.round(high, 4)
    df["share_arms_overdue"] = np.where(n > 0, df["arms_overdue"] / np.maximum(n, 1), np.nan)
    df["share_arms_overdue"] = df["share_arms_overdue"].round(4)
    df.insert(0, "month", [date(d.year, d.month, 1) for d in df["day"]])
    return force_result(
        con,
        force_id,
        as_at,
        meta={"first_arms_days": first_arms_days, "confidence": confidence},
        name="offenders.overdue",
        title="Overdue risk assessments (ARMS) and home visits",
        definition=(
            "On the last day of each month (the extract date for its month), among registered "
            "offenders: arms_overdue counts offenders whose latest ARMS assessment completed by "
            "then had its next one due before that day (an offender with no assessment yet is "
            f"due {first_arms_days} days after registration); visits_overdue counts home visits "
            "planned before that day and not done by it; backlog_items is their sum. "
            "share_any_overdue = offenders with an overdue ARMS or visit / offenders registered, "
            f"with a {confidence_text(confidence)} Wilson interval. "
            "The oldest_* columns give the age in days "
            "of the longest-overdue item."
        ),
        table=df,
        caveats=[
            RISK_CAVEAT,
            f"The first ARMS due {first_arms_days} days after registration is the project's "
            "assumption; later due dates come from the extract.",
            "Months before the extract's first recorded activity are not shown: an assessment or "
            "visit done before the extract began is not in it.",
            "The interval treats offenders as independent; one manager's absence makes many "
            "items overdue together, so the real uncertainty is wider.",
        ],
    )


# --- time to the first ARMS and the first visit -----------------------------------------------


def first_item_durations(
    con: Any, force_id: str, as_at: date, registered_from: date
) -> pd.DataFrame:
    """Per offender registered since ``registered_from``: days to the first ARMS and visit.

    Columns: ``offender_id``, ``measure`` (first_arms / first_visit), ``days`` and ``observed``
    (False: not done by the extract date or the end of registration, censored there).
    """
    off = _force(con, "offenders", force_id)
    off = off.filter([off.registered_on >= registered_from, off.registered_on <= as_at])
    end = ibis.least(
        off.registration_ends_on.fill_null(ibis.literal(as_at)), ibis.literal(as_at)
    ).name("end")
    off = off.select("offender_id", "registered_on", end)
    frames = []
    for measure, table, column in (
        ("first_arms", "offender_assessments", "completed_on"),
        ("first_visit", "offender_visits", "done_on"),
    ):
        ev = _force(con, table, force_id)
        j = off.left_join(ev, off.offender_id == ev.offender_id)
        j = j.filter(
            ev[column].isnull() | ((ev[column] >= off.registered_on) & (ev[column] <= off.end))
        )
        first = j.group_by([off.offender_id, off.registered_on, off.end]).aggregate(
            first_on=ev[column].min()
        )
        # Offenders whose only events fall outside [registration, end] dropped out above.
        kept = off.left_join(first, "offender_id").select(
            off.offender_id, off.registered_on, off.end, first.first_on
        )
        df = kept.execute()
        df["measure"] = measure
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    observed = df["first_on"].notna()
    stop = pd.to_datetime(df["first_on"].where(observed, df["end"]))
    df["days"] = (stop - pd.to_datetime(df["registered_on"])).dt.days.astype(int)
    df["observed"] = observed
    return df[["offender_id", "measure", "days", "observed"]].sort_values(
        ["measure", "offender_id"], ignore_index=True
    )


def time_to_first(
    con: Any,
    force_id: str,
    as_at: date | None = None,
    registered_from: date | None = None,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Days from registration to the first ARMS assessment and the first home visit.

    Kaplan-Meier with offenders not yet assessed (or visited) censored at the extract date (or
    at the end of their registration), so that recent registrations do not bias the median.
    """
    as_at = as_at or extract_as_at(con, force_id)
    registered_from = registered_from or activity_start(con, force_id, as_at)
    durations = first_item_durations(con, force_id, as_at, registered_from)
    rows: list[dict[str, Any]] = []
    for measure in ("first_arms", "first_visit"):
        d = durations[durations["measure"] == measure]
        curve = kaplan_meier(d["days"], d["observed"], confidence=confidence)
        row: dict[str, Any] = {
            "measure": measure,
            "offenders": len(d),
            "done": int(d["observed"].sum()),
            "censored": int((~d["observed"]).sum()),
            "median_days": survival_quantile(curve, 0.5) if len(d) else None,
        }
        at = survival_at(curve, FIRST_ITEM_CHECKPOINTS) if len(d) else None
        for k, day in enumerate(FIRST_ITEM_CHECKPOINTS):
            if at is None:  # nobody registered in the window: every column, empty
                for suffix in ("", "_low", "_high"):
                    row[f"share_within_{day}_days{suffix}"] = None
                continue
            # Share done within t = 1 - S(t); the interval bounds swap.
            row[f"share_within_{day}_days"] = round(1 - float(at["survival"].iloc[k]), 4)
            row[f"share_within_{day}_days_low"] = round(1 - float(at["survival_high"].iloc[k]), 4)
            row[f"share_within_{day}_days_high"] = round(1 - float(at["survival_low"].iloc[k]), 4)
        rows.append(row)
    return force_result(
        con,
        force_id,
        as_at,
        meta={"registered_from": registered_from.isoformat()},
        name="offenders.time_to_first",
        title="Time from registration to the first ARMS assessment and the first home visit",
        definition=(
            f"Offenders registered from {registered_from.isoformat()} to the extract date. The "
            "time is days from registration to the first ARMS completed (or visit done) on or "
            "after registration; offenders without one are censored at the extract date or the "
            "end of their registration. Kaplan-Meier estimate; share_within_N_days = 1 - S(N) "
            f"with a {confidence_text(confidence)} log-log (Greenwood) interval; "
            "median_days is the first "
            "time the estimate reaches one half (empty when not reached)."
        ),
        table=pd.DataFrame(rows),
        caveats=[
            "An assessment done before registration (for example before release from prison) "
            "is not counted as the first one; if a force does this routinely the times are long.",
            "Censoring assumes offenders not yet assessed are like those assessed at the same "
            "time since registration; a backlog that targets the newest cases breaks this.",
        ],
    )


# --- wanted and missing -----------------------------------------------------------------------


def wanted_missing(con: Any, force_id: str, as_at: date | None = None) -> IndicatorResult:
    """Registered offenders wanted or missing on the extract date, with days since."""
    as_at = as_at or extract_as_at(con, force_id)
    t = _registered(_force(con, "offenders", force_id), _months_table([as_at]))
    t = t.filter(t.status.isin(["wanted", "missing"]), t.status_since <= t.day)
    df = (
        t.select(
            "offender_id",
            "status",
            "risk_level",
            "status_since",
            days_since=t.day.delta(t.status_since, unit="day"),
        )
        .order_by([ibis.desc("days_since"), "offender_id"])
        .execute()
    )
    df["status_since"] = pd.to_datetime(df["status_since"]).dt.date
    summary = {
        status: {
            "offenders": int((df["status"] == status).sum()),
            "longest_days": int(df.loc[df["status"] == status, "days_since"].max())
            if (df["status"] == status).any()
            else None,
        }
        for status in ("wanted", "missing")
    }
    return force_result(
        con,
        force_id,
        as_at,
        meta={"summary": summary},
        name="offenders.wanted_missing",
        title="Registered sex offenders wanted or missing",
        definition=(
            "Registered offenders whose status on the extract date is wanted or missing, with "
            "days since that status began (status_since)."
        ),
        table=df,
        caveats=[
            "Pseudonymous ids only: for the public protection unit, never for public pages.",
            "The status is as at the extract date; someone found the day after is still listed. "
            "Measured at an earlier date, only those whose status began by then are listed, and "
            "someone found since then is missed.",
        ],
    )


# --- orders, breaches, device checks ----------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """The ``months`` to a force's extract date that a period indicator counts over."""

    con: Any
    force_id: str
    as_at: date
    months: int

    @classmethod
    def of(cls, con: Any, force_id: str, as_at: date | None, months: int) -> _Window:
        """The window ending on ``as_at`` (default: the latest load's extract date)."""
        return cls(con, force_id, as_at or extract_as_at(con, force_id), months)

    def astuple(self) -> tuple[Any, str, date, date]:
        """``(con, force_id, as_at, start)``."""
        return self.con, self.force_id, self.as_at, self.start

    @property
    def start(self) -> date:
        """The first day of the window."""
        start = pd.Timestamp(self.as_at) - pd.DateOffset(months=self.months) + pd.Timedelta(days=1)
        return start.date()

    def result(self, **fields: Any) -> IndicatorResult:
        """The force's result over the window, its start and length in the meta."""
        meta = {"period_start": self.start.isoformat(), "months": self.months}
        return force_result(self.con, self.force_id, self.as_at, meta=meta, **fields)


def _over_window(
    compute: Callable[[_Window, float], IndicatorResult],
) -> Callable[..., IndicatorResult]:
    """The public form of an indicator over the months to the extract date.

    The indicator is called ``(con, force_id, as_at=None, months=12, confidence=0.95)``:
    ``as_at`` defaults to the latest load's extract date, ``months`` is the window's length.
    """

    def indicator(
        con: Any,
        force_id: str,
        as_at: date | None = None,
        months: int = 12,
        confidence: float = 0.95,
    ) -> IndicatorResult:
        return compute(_Window.of(con, force_id, as_at, months), confidence)

    indicator.__name__ = indicator.__qualname__ = compute.__name__
    indicator.__doc__ = compute.__doc__
    return indicator


@_over_window
def orders_and_breaches(window: _Window, confidence: float) -> IndicatorResult:
    """Civil orders, breaches and device checks per 100 registered offenders."""
    con, force_id, as_at, start = window.astuple()
    reg = _registered(_force(con, "offenders", force_id), _months_table([as_at]))
    denominator = int(reg.count().execute())
    orders = _force(con, "offender_orders", force_id)
    events = _force(con, "offender_events", force_id)
    checks = _force(con, "offender_device_checks", force_id)
    is_in_force = (orders.granted_on <= as_at) & (
        orders.ends_on.isnull() | (orders.ends_on > as_at)
    )
    in_period = events.occurred_on.between(start, as_at)
    checked = checks.checked_on.between(start, as_at)

    def total(condition: Any) -> Any:
        return condition.cast("int64").sum().fill_null(0)

    sums = (
        orders.aggregate(
            shpo_in_force=total(is_in_force & (orders.order_type == "shpo")),
            sro_in_force=total(is_in_force & (orders.order_type == "sro")),
            orders_granted=total(orders.granted_on.between(start, as_at)),
        )
        .cross_join(
            events.aggregate(
                breaches_of_order=total(in_period & (events.event_type == "breach_of_order")),
                breaches_of_notification=total(
                    in_period & (events.event_type == "breach_of_notification")
                ),
            )
        )
        .cross_join(
            checks.aggregate(
                device_checks=total(checked),
                device_checks_with_concern=total(checked & (checks.outcome == "concern")),
            )
        )
        .execute()
        .iloc[0]
    )
    measures = [
        "shpo_in_force",
        "sro_in_force",
        "orders_granted",
        "breaches_of_order",
        "breaches_of_notification",
        "device_checks",
        "device_checks_with_concern",
    ]
    counts = np.array([int(sums[m]) for m in measures])
    # Per 1,000 of the exposure (offenders registered), divided by 10: per 100 offenders.
    rate = annual_rate_per_1000(counts, np.full(len(counts), float(denominator)), confidence)
    df = pd.DataFrame(
        {
            "measure": measures,
            "count": counts,
            "offenders_registered": denominator,
            "per_100_offenders": np.round(np.asarray(rate.rate) / 10, 2),
            "per_100_low": np.round(np.asarray(rate.low) / 10, 2),
            "per_100_high": np.round(np.asarray(rate.high) / 10, 2),
        }
    )
    return window.result(
        name="offenders.orders_breaches",
        title="Civil orders, breaches and device checks per 100 registered offenders",
        definition=(
            "Per 100 offenders registered on the extract date. *_in_force: orders granted by the "
            "extract date and not ended; orders_granted, breaches and device checks: in the "
            f"{window.months} months to the extract date "
            f"({start.isoformat()} to {as_at.isoformat()}). "
            f"{confidence_text(confidence)} exact (Garwood) Poisson interval on the count."
        ),
        table=df,
        caveats=[
            "The denominator is the registered population on one day, not the average over the "
            "period; with a growing register the rates are slightly understated.",
            "A breach is counted when recorded; investigation may later find no breach.",
        ],
    )


# --- further sexual offending -----------------------------------------------------------------


@_over_window
def further_offending(window: _Window, confidence: float) -> IndicatorResult:
    """Share of registered offenders with a further sexual offence, with exact intervals.

    Two views of the same events: offenders with at least one further sexual offence among
    offenders registered at any time in the period (Clopper-Pearson), and further sexual
    offences per 100 offender-years registered in the period (Garwood).
    """
    con, force_id, as_at, start = window.astuple()
    off = _force(con, "offenders", force_id)
    managed = off.filter(
        [
            off.registered_on <= as_at,
            off.registration_ends_on.isnull() | (off.registration_ends_on > start),
        ]
    )
    begin = ibis.greatest(managed.registered_on, ibis.literal(start))
    stop = ibis.least(
        managed.registration_ends_on.fill_null(ibis.literal(as_at + timedelta(days=1))),
        ibis.literal(as_at + timedelta(days=1)),
    )
    managed = managed.mutate(exposure_days=stop.delta(begin, unit="day"))
    ev = _force(con, "offender_events", force_id)
    ev = ev.filter(
        [ev.event_type == "further_sexual_offence", ev.occurred_on.between(start, as_at)]
    )
    j = managed.join(ev, managed.offender_id == ev.offender_id)
    found = j.aggregate(offences=j.count(), offenders_with=j.offender_id.nunique()).cross_join(
        managed.aggregate(n=managed.count(), days=managed.exposure_days.sum())
    )
    got = found.execute().iloc[0]
    offences, offenders_with, n = int(got["offences"]), int(got["offenders_with"]), int(got["n"])
    years = float(0 if pd.isna(got["days"]) else got["days"]) / 365.25
    share_low, share_high = clopper_pearson_interval(offenders_with, n, confidence)
    per_year = annual_rate_per_1000(offences, years, confidence)  # per 1,000 offender-years
    df = pd.DataFrame(
        [
            {
                "offenders_managed": n,
                "offenders_with_further_sexual_offence": offenders_with,
                "share": round(offenders_with / n, 4) if n else None,
                "share_low": round(share_low, 4) if n else None,
                "share_high": round(share_high, 4) if n else None,
                "further_sexual_offences": offences,
                "offender_years": round(years, 1),
                "per_100_offender_years": round(per_year.rate / 10, 2) if years else None,
                "per_100_offender_years_low": round(per_year.low / 10, 2) if years else None,
                "per_100_offender_years_high": round(per_year.high / 10, 2) if years else None,
            }
        ]
    )
    return window.result(
        name="offenders.further_offending",
        title="Further sexual offending by registered offenders",
        definition=(
            f"Offenders registered at any time from {start.isoformat()} to {as_at.isoformat()}; "
            "share = offenders with at least one further sexual offence recorded in that period "
            f"/ offenders managed, {confidence_text(confidence)} exact (Clopper-Pearson) interval; "
            "per_100_offender_years = further sexual offences / years registered within the "
            "period x 100, exact (Garwood) interval."
        ),
        table=df,
        caveats=[
            "Recorded offences only, by occurrence date; offences come to light years later, so "
            "the most recent months are undercounted.",
            "A low rate does not show that management works: there is no comparison group.",
        ],
    )


# --- offenders per 100,000 residents ----------------------------------------------------------


def per_100k_residents(
    con: Any, force_id: str, as_at: date | None = None, confidence: float = 0.95
) -> IndicatorResult:
    """Registered offenders per 100,000 residents against the national figure.

    Raises:
        DataUnavailableError: no population is loaded for the force.
    """
    as_at = as_at or extract_as_at(con, force_id)
    if "population" not in con.list_tables():
        raise DataUnavailableError(
            "no population loaded: run 'openpeel population load' (or 'openpeel demo')"
        )
    pop = con.table("population")
    pop = pop.filter([pop.force_id == force_id, pop.ethnic_group == "total"])
    row = pop.select("population", "source").limit(1).execute()
    if row.empty:
        raise DataUnavailableError(f"no population for {force_id} in the loaded table")
    residents = int(row["population"].iloc[0])
    registered = int(
        _registered(_force(con, "offenders", force_id), _months_table([as_at])).count().execute()
    )
    per_resident = annual_rate_per_1000(registered, residents, confidence)  # x 100: per 100k
    df = pd.DataFrame(
        [
            {
                "offenders_registered": registered,
                "residents": residents,
                "per_100k": round(per_resident.rate * 100, 1),
                "per_100k_low": round(per_resident.low * 100, 1),
                "per_100k_high": round(per_resident.high * 100, 1),
                "national_per_100k": NATIONAL_RATE_PER_100K,
            }
        ]
    )
    source = str(row["source"].iloc[0])
    caveats = [
        f"The national figure of about {NATIONAL_RATE_PER_100K:g} per 100,000 (England and "
        "Wales, 2021) is the project's stated approximation, not a published statistic.",
        "The population is the 2021 Census count for the force area; the register is on the "
        "extract date.",
    ]
    if is_synthetic_label(source):
        caveats.append("The population table is SYNTHETIC (demo), not the Census.")
    return force_result(
        con,
        force_id,
        as_at,
        synthetic=is_synthetic_label(source),
        name="offenders.per_100k",
        title="Registered sex offenders per 100,000 residents",
        definition=(
            "Offenders registered on the extract date / residents of the force area x 100,000, "
            f"{confidence_text(confidence)} exact (Garwood) Poisson interval on the count."
        ),
        table=df,
        caveats=caveats,
    )
