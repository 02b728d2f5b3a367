"""A SYNTHETIC offender management extract in the exact format of ``docs/offenders.md``.

Realistic in shape for a large force, not in detail: about 1,500 registered sex offenders at the
start growing to about 1,650 (registrations outpace the ends of notification periods), a risk mix
with most offenders low or medium risk, home visits planned at the pre-2017 minimum cadence for
each risk level (very high monthly, high every 3 months, medium every 6, low yearly; reactive
low-risk offenders are not visited to a plan), ARMS reassessment every 6 months for high and very
high risk and yearly otherwise. Offender managers work the oldest due items first (with some
noise and priority for higher risk) up to a monthly capacity proportional to the unit's FTE,
which dips for a year (vacancies) and then recovers above its starting level (recruitment): so the
backlog of overdue visits and assessments grows, then falls.

Every extract carries ``SYNTHETIC.json`` whose snapshot (``synthetic-offenders-...``) labels
every row loaded from it, so its figures can never pass for a real force's.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from openpeel.provenance import write_marker
from openpeel.sources.offenders import EXTRACT_FILES, RISK_LEVELS
from openpeel.synth.extract import ExtractSummary

#: Share of offenders at each risk level (very high, high, medium, low).
RISK_MIX: tuple[float, ...] = (0.03, 0.17, 0.35, 0.45)
#: Planned months between home visits, by risk level (pre-2017 minimums).
VISIT_MONTHS: dict[str, int] = {"very_high": 1, "high": 3, "medium": 6, "low": 12}
#: Months between ARMS assessments, by risk level.
ARMS_MONTHS: dict[str, int] = {"very_high": 6, "high": 6, "medium": 12, "low": 12}
#: Days after registration that the first ARMS and the first visit are planned.
FIRST_ITEM_DAYS = 28
#: Work items (a visit or an assessment) one FTE completes in a month.
ITEMS_PER_FTE_MONTH = 14.0
#: Yearly probabilities of each event for an offender in the community.
EVENT_RATES: dict[str, float] = {
    "breach_of_order": 0.05,  # of offenders with an order
    "breach_of_notification": 0.03,
    "further_sexual_offence": 0.015,
    "further_other_offence": 0.04,
}


@dataclass(kw_only=True)
class OffenderSynthSummary(ExtractSummary):
    """What the generator wrote, and the day the extract is as at."""

    as_at: date
    notes: list[str] = field(default_factory=list)


@dataclass
class _Offender:
    offender_id: str
    registered_on: date
    ends_on: date | None
    years: float | None
    risk: str
    reactive: bool
    status: str
    status_since: date | None


@dataclass(eq=False)  # compared by identity: the work queue removes exactly this item
class _Item:
    kind: str  # arms | visit
    offender: int
    due: date
    priority: float


def _month_start(text: str) -> date:
    try:
        return pd.Period(text, freq="M").start_time.date()
    except ValueError:
        raise ValueError(f"not a month (YYYY-MM): {text!r}") from None


def _add_months(day: date, months: int) -> date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def _ids(rng: np.random.Generator, prefix: str, n: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        value = f"{prefix}-{rng.integers(0, 16**10):010x}"
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def _keyed(
    rng: np.random.Generator,
    key: tuple[str, str],
    people: Sequence[Any],
    items: Sequence[dict[str, Any]],
    fields: Callable[[dict[str, Any]], dict[str, Any]],
) -> list[dict[str, Any]]:
    """One row per item: a fresh id (``key``: its prefix and column), the offender's id, then
    the item's own fields (drawn in item order, so the same seed gives the same rows)."""
    prefix, column = key
    ids = _ids(rng, prefix, len(items))
    return [
        {column: ids[k], "offender_id": people[int(x["offender"])].offender_id, **fields(x)}
        for k, x in enumerate(items)
    ]


#: A keyed row's own fields from its item (``rng`` for the draws, ``rows`` for ids made before).
_Fields = Callable[..., dict[str, Any]]


def _by(items: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: item[field])


def _assessment_fields(a: dict[str, Any], rng: np.random.Generator, rows: Any) -> dict[str, Any]:
    return {
        "completed_on": a["completed_on"],
        "next_due_on": a["next_due_on"],
        "risk_level": a["risk"] if rng.random() > 0.02 else None,
    }


def _visit_fields(v: dict[str, Any], rng: np.random.Generator, rows: Any) -> dict[str, Any]:
    return {
        "planned_on": v["planned_on"],
        "done_on": v["done_on"],
        "visit_type": "unannounced" if rng.random() < 0.3 else "announced",
        "offender_manager_id": v["manager"],
    }


def _check_fields(c: dict[str, Any], rng: np.random.Generator, rows: Any) -> dict[str, Any]:
    return {"checked_on": c["checked_on"], "outcome": c["outcome"]}


def _order_fields(o: dict[str, Any], rng: np.random.Generator, rows: Any) -> dict[str, Any]:
    return {"order_type": o["type"], "granted_on": o["granted_on"], "ends_on": o["ends_on"]}


def _event_fields(e: dict[str, Any], rng: np.random.Generator, rows: Any) -> dict[str, Any]:
    """An event names its order by the order's id (the orders are keyed before the events)."""
    order = None if e["order"] is None else rows["offender_orders"][int(e["order"])]["order_id"]
    return {"event_type": e["type"], "occurred_on": e["day"], "order_id": order}


def _fte_profile(months: int) -> np.ndarray:
    """Unit FTE by month: 27; 24 from a sixth to a half of the way through (vacancies); then 31
    (recruitment). Over three years: the dip lasts a year from the seventh month."""
    fte = np.full(months, 27.0)
    dip_start, dip_end = months // 6, months // 2
    fte[dip_start:dip_end] = 24.0
    fte[dip_end:] = 31.0
    return fte


def write_offender_extract(
    out_dir: Path | str,
    force_id: str = "west-midlands",
    start: str = "2021-04",
    end: str = "2024-03",
    seed: int = 1,
    offenders: int = 1500,
) -> OffenderSynthSummary:
    """Write a SYNTHETIC extract (every file of ``docs/offenders.md``) into ``out_dir``.

    Args:
        out_dir: folder to write (created; existing extract files are overwritten).
        force_id: the force the extract pretends to belong to (in the snapshot label only).
        start: first month of activity (YYYY-MM).
        end: last month; the extract is as at its last day.
        seed: random seed (the same seed writes the same files).
        offenders: registered offenders at the start (new registrations add about 2% a year net).
    """
    first, last = _month_start(start), _month_start(end)
    if last < first:
        raise ValueError(f"--to {end} is before --from {start}")
    if offenders < 10:
        raise ValueError("offenders must be at least 10")
    rng = np.random.default_rng(seed)
    as_at = _add_months(last, 1) - timedelta(days=1)
    month_starts = [first]
    while month_starts[-1] < last:
        month_starts.append(_add_months(month_starts[-1], 1))
    n_months = len(month_starts)
    scale = offenders / 1500

    # --- offenders ------------------------------------------------------------------------
    people: list[_Offender] = []
    new_per_month = 9 * scale
    n_new = int(rng.poisson(new_per_month * n_months))
    ids = _ids(rng, "rso", offenders + n_new)
    window_days = (as_at - first).days
    for i in range(offenders + n_new):
        if i < offenders:
            registered = first - timedelta(days=int(rng.integers(30, 365 * 15)))
        else:
            registered = first + timedelta(days=int(rng.integers(0, window_days)))
        years_choice = rng.choice([0.0, 10.0, 7.0, 5.0, 2.5], p=[0.6, 0.15, 0.1, 0.1, 0.05])
        years = None if years_choice == 0 else float(years_choice)
        ends = (
            (pd.Timestamp(registered) + pd.DateOffset(days=int(years * 365.25))).date()
            if years
            else None
        )
        if ends is not None and ends <= first:
            # Already ended before the window: re-register recently (a new conviction).
            registered = first - timedelta(days=int(rng.integers(30, 700)))
            ends = None
            years = None
        if ends is not None and ends > as_at:
            ends = None  # ends after the extract date: not yet known as ended
        risk = str(rng.choice(RISK_LEVELS, p=RISK_MIX))
        reactive = risk == "low" and (as_at - registered).days > 3 * 365 and rng.random() < 0.7
        people.append(_Offender(ids[i], registered, ends, years, risk, reactive, "community", None))
    for person in people:
        if person.ends_on is not None:
            continue
        draw = rng.random()
        if draw < 0.11:
            person.status = "custody"
            person.status_since = as_at - timedelta(days=int(rng.integers(10, 900)))
        elif draw < 0.118:
            person.status = "missing"
            person.status_since = as_at - timedelta(days=int(rng.integers(1, 400)))
        elif draw < 0.124:
            person.status = "wanted"
            person.status_since = as_at - timedelta(days=int(rng.integers(1, 250)))
        if person.status_since is not None and person.status_since < person.registered_on:
            person.status_since = person.registered_on

    def in_community(p: _Offender, day: date) -> bool:
        if day < p.registered_on or (p.ends_on is not None and day >= p.ends_on):
            return False
        return not (p.status == "custody" and p.status_since and day >= p.status_since)

    # --- managers -------------------------------------------------------------------------
    fte = _fte_profile(n_months) * scale
    managers: list[dict[str, Any]] = []
    manager_ids = _ids(rng, "om", 200)
    # Build the workforce so that the FTE in post each month follows the profile.
    in_post: list[dict[str, Any]] = []
    for m, month in enumerate(month_starts):
        total = sum(float(x["fte"]) for x in in_post)
        while total > fte[m] + 0.4 and in_post:
            leaver = in_post.pop(int(rng.integers(0, len(in_post))))
            leaver["ended_on"] = month - timedelta(days=1)
            total -= float(leaver["fte"])
        while total < fte[m] - 0.4:
            share = float(rng.choice([1.0, 1.0, 1.0, 0.8, 0.5]))
            joined = (
                month - timedelta(days=int(rng.integers(30, 3000)))
                if m == 0
                else month + timedelta(days=int(rng.integers(0, 10)))
            )
            record: dict[str, Any] = {
                "manager_id": manager_ids[len(managers)],
                "fte": share,
                "started_on": joined,
                "ended_on": None,
            }
            managers.append(record)
            in_post.append(record)
            total += share
    current_managers = [str(x["manager_id"]) for x in in_post]

    # --- assessments and visits: a month-by-month work queue ------------------------------
    assessments: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []
    risk_bonus = {"very_high": 365, "high": 90, "medium": 20, "low": 0}
    queue: list[_Item] = []
    for i, p in enumerate(people):
        if p.registered_on < first:
            # The last assessment before the window; about 6% are already overdue.
            cadence = ARMS_MONTHS[p.risk]
            if rng.random() < 0.12:
                due = first - timedelta(days=int(rng.integers(1, 150)))
                due = max(due, p.registered_on + timedelta(FIRST_ITEM_DAYS))
            else:
                due = first + timedelta(days=int(rng.integers(0, cadence * 30)))
            completed = max(_add_months(due, -cadence), p.registered_on)
            assessments.append(
                {"offender": i, "completed_on": completed, "next_due_on": due, "risk": p.risk}
            )
            queue.append(_Item("arms", i, due, 0.0))
            if not p.reactive:
                months = VISIT_MONTHS[p.risk]
                if rng.random() < 0.05:
                    planned = first - timedelta(days=int(rng.integers(1, 120)))
                else:
                    planned = first + timedelta(days=int(rng.integers(0, months * 30)))
                queue.append(_Item("visit", i, planned, 0.0))
        else:
            queue.append(_Item("arms", i, p.registered_on + timedelta(FIRST_ITEM_DAYS), 0.0))
            queue.append(_Item("visit", i, p.registered_on + timedelta(FIRST_ITEM_DAYS), 0.0))

    def workable_in(it: _Item, month: date) -> bool:
        p = people[it.offender]
        if in_community(p, max(it.due, month)):
            return True
        # Assessments continue while an offender is in custody; visits do not.
        return it.kind == "arms" and p.status == "custody" and it.due >= p.registered_on

    def complete(done: list[_Item], month: date, month_end: date) -> None:
        for it in done:
            p = people[it.offender]
            low = max(month, it.due - timedelta(days=7), p.registered_on)
            if p.ends_on is not None:
                month_end_for = min(month_end, p.ends_on - timedelta(days=1))
            else:
                month_end_for = month_end
            high = max(low, min(month_end_for, max(it.due, month) + timedelta(days=20)))
            done_on = low + timedelta(days=int(rng.integers(0, (high - low).days + 1)))
            queue.remove(it)
            if it.kind == "arms":
                next_due = _add_months(done_on, ARMS_MONTHS[p.risk])
                assessments.append(
                    {
                        "offender": it.offender,
                        "completed_on": done_on,
                        "next_due_on": next_due,
                        "risk": p.risk,
                    }
                )
                queue.append(_Item("arms", it.offender, next_due, 0.0))
            else:
                visits.append(
                    {
                        "offender": it.offender,
                        "planned_on": it.due,
                        "done_on": done_on,
                        "manager": current_managers[int(rng.integers(0, len(current_managers)))],
                    }
                )
                if not p.reactive:
                    queue.append(
                        _Item("visit", it.offender, _add_months(it.due, VISIT_MONTHS[p.risk]), 0.0)
                    )

    for m, month in enumerate(month_starts):
        month_end = _add_months(month, 1) - timedelta(days=1)
        capacity = int(rng.poisson(fte[m] * ITEMS_PER_FTE_MONTH))
        # Two passes: a late item done this month can make its successor due this month too.
        for _ in range(2):
            workable = [it for it in queue if it.due <= month_end and workable_in(it, month)]
            for it in workable:
                it.priority = (
                    it.due.toordinal() - risk_bonus[people[it.offender].risk] + rng.normal(0, 25)
                )
            workable.sort(key=lambda it: it.priority)
            done = workable[:capacity]
            capacity -= len(done)
            complete(done, month, month_end)
    # Visits still planned and not done (overdue or due later) are part of the extract.
    for it in queue:
        p = people[it.offender]
        if it.kind == "visit" and it.due <= as_at and in_community(p, as_at):
            visits.append(
                {"offender": it.offender, "planned_on": it.due, "done_on": None, "manager": None}
            )

    # --- device checks, orders, events ----------------------------------------------------
    checks: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    years_window = window_days / 365.25
    for i, p in enumerate(people):
        exposure_start = max(first, p.registered_on)
        exposure_end = min(as_at, p.ends_on or as_at)
        exposure_days = max((exposure_end - exposure_start).days, 0)
        if p.risk in ("very_high", "high"):
            for _ in range(int(rng.poisson(years_window * exposure_days / max(window_days, 1)))):
                day = exposure_start + timedelta(days=int(rng.integers(0, max(exposure_days, 1))))
                outcome = rng.choice(
                    ["no_concern", "concern", "not_examined"], p=[0.87, 0.08, 0.05]
                )
                checks.append({"offender": i, "checked_on": day, "outcome": str(outcome)})
        order_id = None
        if rng.random() < 0.4:
            granted = min(p.registered_on + timedelta(days=int(rng.integers(0, 60))), as_at)
            order_id = len(orders)
            order_years = rng.choice([0, 5, 10], p=[0.5, 0.3, 0.2])
            orders.append(
                {
                    "offender": i,
                    "type": "shpo",
                    "granted_on": granted,
                    "ends_on": _add_months(granted, 12 * int(order_years)) if order_years else None,
                }
            )
        elif rng.random() < 0.01:
            granted = exposure_start + timedelta(days=int(rng.integers(0, max(exposure_days, 1))))
            order_id = len(orders)
            orders.append({"offender": i, "type": "sro", "granted_on": granted, "ends_on": None})
        for event, rate in EVENT_RATES.items():
            if event == "breach_of_order" and order_id is None:
                continue
            for _ in range(int(rng.poisson(rate * exposure_days / 365.25))):
                day = exposure_start + timedelta(days=int(rng.integers(0, max(exposure_days, 1))))
                if event == "breach_of_order" and order_id is not None:
                    day = max(day, orders[order_id]["granted_on"])
                events.append(
                    {
                        "offender": i,
                        "type": event,
                        "day": day,
                        "order": order_id if event == "breach_of_order" else None,
                    }
                )

    # --- write ----------------------------------------------------------------------------
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    snapshot = f"synthetic-offenders-{force_id}-{as_at:%Y-%m}-seed{seed}"
    alloc = rng.choice(current_managers, size=len(people))
    rows: dict[str, list[dict[str, Any]]] = {
        "offenders": [
            {
                "offender_id": p.offender_id,
                "registered_on": p.registered_on,
                "registration_ends_on": p.ends_on,
                "notification_years": p.years,
                "risk_level": p.risk,
                "mappa_category": str(rng.choice(["1", "2", "3"], p=[0.95, 0.04, 0.01])),
                "mappa_level": str(rng.choice(["1", "2", "3"], p=[0.96, 0.035, 0.005])),
                "management_type": "reactive" if p.reactive else "active",
                "offender_manager_id": None if rng.random() < 0.01 else str(alloc[i]),
                "status": p.status,
                "status_since": p.status_since,
            }
            for i, p in enumerate(people)
        ],
        "offender_managers": [dict(x) for x in managers],
    }
    # The records keyed to an offender, drawn table by table in this order (the same seed gives
    # the same rows): table, id prefix and column, the items in order, each row's own fields.
    keyed: list[tuple[str, tuple[str, str], list[dict[str, Any]], _Fields]] = [
        (
            "offender_assessments",
            ("arms", "assessment_id"),
            _by(assessments, "completed_on"),
            _assessment_fields,
        ),
        ("offender_visits", ("hv", "visit_id"), _by(visits, "planned_on"), _visit_fields),
        ("offender_device_checks", ("dc", "check_id"), checks, _check_fields),
        ("offender_orders", ("ord", "order_id"), orders, _order_fields),
        ("offender_events", ("ev", "event_id"), events, _event_fields),
    ]
    for table, key, items, fields in keyed:
        rows[table] = _keyed(rng, key, people, items, partial(fields, rng=rng, rows=rows))
    files: dict[str, Path] = {}
    counts: dict[str, int] = {}
    for spec in EXTRACT_FILES:
        path = out / spec.file_name
        names = [c.name for c in spec.columns]
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(names)
            for r in rows[spec.table]:
                writer.writerow([_cell(r.get(n)) for n in names])
        files[spec.table] = path
        counts[spec.table] = len(rows[spec.table])
    write_marker(
        out,
        {
            "snapshot": snapshot,
            "force_id": force_id,
            "as_at": as_at.isoformat(),
            "seed": seed,
            "note": "SYNTHETIC data made by openpeel: not a real force's offenders.",
        },
    )
    return OffenderSynthSummary(out, snapshot, force_id, files, counts, as_at=as_at)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
