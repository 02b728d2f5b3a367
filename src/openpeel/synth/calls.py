"""Synthetic call-handling data: a force's call log and incidents export, a roster, and a
published-style 999 monthly CSV for every force. Always labelled synthetic.

The call log is made the way a real one is: calls arrive at random (Poisson) with daily and
weekly cycles, a summer peak, demand growth and a surge like the one of spring and summer
2022; a roster of call handlers answers them first come, first served; callers hang up when
their patience runs out. The roster is planned on the demand the force expected, a little
short of the 90% standard until March 2023 and enough to meet it from April 2023 (the story of
method.md §2), so the surge shows as a fall in calls answered within 10 s and a rise in
abandonment. Numbers are demo-grade, not statistics: nothing here is a real force's figures.

Files written to ``out_dir`` (the store reads ``SYNTHETIC.json`` beside them as the snapshot)::

    calls-999-monthly.csv            published-style 999 figures, every force (headers as the
                                     reader's aliases; months 2021-11 onwards)
    call-log-<force>.csv             call_id,line,offered_at,answered_at,abandoned_at,
                                     handling_seconds (times with their UTC offset)
    incidents-<force>.csv            incident_id,priority,created_at,arrived_at
    roster-<force>-999.csv           weekday,hour,staff (the latest plan, a few hours short)
    SYNTHETIC.json
"""

from __future__ import annotations

import heapq
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from openpeel.errors import UserInputError
from openpeel.provenance import write_marker
from openpeel.reference.forces import force as lookup_force
from openpeel.reference.forces import forces as all_forces
from openpeel.stats.erlang import required_agents
from openpeel.synth.extract import ExtractSummary
from openpeel.synth.profiles import force_profile

TZ = "Europe/London"

#: Calls a day at scale 1 for West Midlands (method.md §2: 732,440 999 calls in 2024/25);
#: 101 and chat volumes are demo guesses.
DAILY_CALLS = {"999": 2000.0, "101": 1800.0, "chat": 350.0}
REFERENCE_SIZE = 2920.0
#: Mean handling time (talk plus wrap-up) and mean patience, seconds, per line.
AHT_SECONDS = {"999": 240.0, "101": 420.0, "chat": 540.0}
PATIENCE_SECONDS = {"999": 420.0, "101": 900.0, "chat": 1200.0}
ANSWER_TARGET = {"999": 10.0, "101": 180.0, "chat": 180.0}
#: Planned service level: short of the standard until the force invests (April 2023).
PLAN_BEFORE = {"999": 0.68, "101": 0.7, "chat": 0.7}
PLAN_AFTER = {"999": 0.93, "101": 0.8, "chat": 0.8}
INVESTMENT_MONTH = pd.Timestamp("2023-04-01")

# Relative demand by hour of the day (UK clock): quiet before dawn, busy late afternoon and
# evening.
HOUR_PROFILE = np.array(
    [0.95, 0.8, 0.65, 0.5, 0.42, 0.4, 0.45, 0.6, 0.8, 0.95, 1.05, 1.1,
     1.15, 1.15, 1.2, 1.3, 1.4, 1.45, 1.45, 1.4, 1.35, 1.25, 1.15, 1.05]
)  # fmt: skip
# Relative demand by day of the week (Monday first): Friday and Saturday busiest.
WEEKDAY_PROFILE = np.array([0.97, 0.95, 0.95, 0.98, 1.07, 1.1, 0.98])
# Friday and Saturday nights (the small hours of Saturday and Sunday) are busier still.
WEEKEND_NIGHT_BOOST = 1.35


def surge_factor(month_start: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Demand multiplier of the 2022-like surge: up from April, peaking in July 2022."""
    m = pd.DatetimeIndex(month_start)
    months_from_peak = (m.year - 2022) * 12 + (m.month - 7)
    bump = np.exp(-0.5 * (np.asarray(months_from_peak, dtype=float) / 1.6) ** 2)
    return 1 + 0.28 * bump


def expected_rate(
    hours_local: pd.DatetimeIndex, line: str, size: float, scale: float
) -> np.ndarray:
    """Expected calls in each local hour (before the surge, which the plan did not expect)."""
    base = DAILY_CALLS[line] * size / REFERENCE_SIZE * scale / 24
    hour = np.asarray(hours_local.hour)
    weekday = np.asarray(hours_local.day_of_week)
    night = ((weekday == 5) | (weekday == 6)) & (hour < 5)
    season = 1 + 0.08 * np.cos(2 * np.pi * (np.asarray(hours_local.month) - 7) / 12)
    years = (hours_local.year - 2022) + (hours_local.day_of_year / 365.25)
    growth = 1.05 ** np.asarray(years, dtype=float)
    return (
        base
        * HOUR_PROFILE[hour]
        * WEEKDAY_PROFILE[weekday]
        * np.where(night, WEEKEND_NIGHT_BOOST, 1.0)
        * season
        * growth
    )


class CallsSynthSummary(ExtractSummary):
    """What ``write_calls_demo`` wrote."""


def _rng(seed: int, *parts: str) -> np.random.Generator:
    key = zlib.crc32("/".join(parts).encode())
    return np.random.default_rng([seed, key])


def _hours(start: str, end: str) -> pd.DatetimeIndex:
    """Every UTC hour from the first of ``start`` to the end of ``end`` (local months)."""
    first = pd.Timestamp(f"{start}-01", tz=TZ)
    last = pd.Timestamp(f"{end}-01", tz=TZ) + pd.offsets.MonthBegin(1)
    return pd.date_range(
        first.tz_convert("UTC"), last.tz_convert("UTC"), freq="h", inclusive="left"
    )


def simulate_line(
    line: str,
    hours_utc: pd.DatetimeIndex,
    size: float,
    scale: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One line's calls: arrivals, the roster's handlers, first come first served, patience.

    Returns a frame with ``offered``, ``answered``, ``abandoned`` (UTC timestamps, NaT when not
    applicable), ``handling_seconds`` and ``staff`` (handlers answering at the time).
    """
    local = hours_utc.tz_convert(TZ)
    month_start = local.tz_localize(None).to_period("M").to_timestamp()
    expected = expected_rate(local, line, size, scale)
    actual = expected * surge_factor(month_start)
    # The plan: handlers for the expected demand at the planned service level, per hour.
    invested = month_start >= INVESTMENT_MONTH
    planned = np.where(invested, PLAN_AFTER[line], PLAN_BEFORE[line])
    agents = np.zeros(len(hours_utc), dtype=np.int64)
    for level in np.unique(planned):
        idx = planned == level
        agents[idx] = required_agents(
            expected[idx] * (1.06 if level == PLAN_AFTER[line] else 1.0),
            AHT_SECONDS[line],
            float(level),
            ANSWER_TARGET[line],
            PATIENCE_SECONDS[line],
        )
    agents = np.maximum(agents, 1)

    counts = rng.poisson(actual)
    n = int(counts.sum())
    start_s = hours_utc.as_unit("s").asi8
    t0 = float(start_s[0])
    hour_of_call = np.repeat(np.arange(len(hours_utc)), counts)
    arrival = (start_s[hour_of_call] - t0) + rng.uniform(0, 3600, n)
    order = np.argsort(arrival, kind="stable")
    arrival = arrival[order]
    hour_of_call = hour_of_call[order]
    handling = rng.gamma(4.0, AHT_SECONDS[line] / 4.0, n)
    patience = rng.exponential(PATIENCE_SECONDS[line], n)
    ring = rng.uniform(1.0, 5.0, n) if line != "chat" else rng.uniform(2.0, 20.0, n)
    staff_at = agents[hour_of_call]

    answered = np.full(n, np.nan)
    abandoned = np.full(n, np.nan)
    free: list[float] = []
    for i in range(n):
        t = arrival[i]
        s = int(staff_at[i])
        while len(free) < s:
            heapq.heappush(free, t)
        while len(free) > s:
            heapq.heappop(free)
        begin = max(t + ring[i], free[0])
        if begin - t > patience[i]:
            abandoned[i] = t + patience[i]
        else:
            answered[i] = begin
            heapq.heapreplace(free, begin + handling[i])

    def stamp(seconds: np.ndarray) -> pd.Series:
        whole = np.floor(seconds + t0)
        return pd.to_datetime(pd.Series(whole), unit="s", utc=True)

    offered = stamp(arrival)
    # Whole seconds, answer never before the offer.
    ans = stamp(np.where(np.isnan(answered), np.nan, np.maximum(answered, arrival)))
    ab = stamp(np.where(np.isnan(abandoned), np.nan, np.maximum(abandoned, arrival)))
    return pd.DataFrame(
        {
            "line": line,
            "offered": offered,
            "answered": ans,
            "abandoned": ab,
            "handling_seconds": np.where(np.isnan(answered), np.nan, np.round(handling)),
            "staff": staff_at,
        }
    )


def _iso(ts: pd.Series) -> pd.Series:
    """UTC timestamps as UK clock time with the offset, e.g. ``2022-05-01T14:03:07+01:00``."""
    local = ts.dt.tz_convert(TZ).dt.tz_localize(None)
    utc = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    summer = ((local - utc).dt.total_seconds() > 0).to_numpy()
    clock = np.datetime_as_string(local.to_numpy(dtype="datetime64[s]"), unit="s")
    text = pd.Series(clock, index=ts.index) + np.where(summer, "+01:00", "+00:00")
    return text.where(ts.notna(), "")


def make_call_log(
    force_id: str, start: str, end: str, seed: int = 1, scale: float = 0.1
) -> pd.DataFrame:
    """All lines' calls for one force, ordered by the time offered, with call ids."""
    size = force_profile(force_id).size_thousands
    hours = _hours(start, end)
    parts = [
        simulate_line(line, hours, size, scale, _rng(seed, force_id, "calls", line))
        for line in ("999", "101", "chat")
    ]
    calls = pd.concat(parts, ignore_index=True).sort_values("offered", kind="stable")
    calls = calls.reset_index(drop=True)
    calls.insert(0, "call_id", [f"C{seed:02d}{i:08d}" for i in range(1, len(calls) + 1)])
    return calls


def make_incidents(calls: pd.DataFrame, force_id: str, seed: int, end: str) -> pd.DataFrame:
    """Incidents raised by answered calls, plus letters and e-mails, with arrival times."""
    rng = _rng(seed, force_id, "incidents")
    answered = calls[calls["answered"].notna()]
    month_start = answered["offered"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("M")
    strain = surge_factor(month_start.dt.to_timestamp())
    frames = []
    for line, priority, share in (
        ("999", "Emergency", 0.4),
        ("999", "Priority", 0.25),
        ("101", "Priority", 0.1),
        ("101", "Appointment", 0.2),
    ):
        mask = (answered["line"] == line).to_numpy() & (rng.random(len(answered)) < share)
        sub = answered[mask]
        k = len(sub)
        created = sub["answered"] + pd.to_timedelta(
            np.round(sub["handling_seconds"].to_numpy() * rng.uniform(0.3, 0.9, k)), unit="s"
        )
        s = strain[mask]
        if priority == "Emergency":
            delay = rng.lognormal(np.log(540.0), 0.45, k) * s**1.5
            no_arrival = rng.random(k) < 0.03
        elif priority == "Priority":
            delay = rng.lognormal(np.log(2400.0), 0.7, k) * s
            no_arrival = rng.random(k) < 0.08
        else:
            delay = rng.gamma(2.2, 1.7 * 86400 / 2.2, k) * s
            no_arrival = rng.random(k) < 0.05
        arrived = created + pd.to_timedelta(np.round(delay), unit="s")
        arrived = arrived.where(~no_arrival)
        frames.append(pd.DataFrame({"priority": priority, "created": created, "arrived": arrived}))
    # Letters and e-mails: weekdays, office hours; replies a few working days later.
    days = pd.date_range(calls["offered"].min().normalize(), calls["offered"].max(), freq="D")
    days = days[days.day_of_week < 5]
    per_day = max(1.0, len(answered) / max(len(days), 1) * 0.01)
    counts = rng.poisson(per_day, len(days))
    received_day = np.repeat(days.tz_convert(TZ).tz_localize(None).normalize(), counts)
    k = len(received_day)
    received = pd.Series(received_day) + pd.to_timedelta(rng.uniform(9, 17, k) * 3600, unit="s")
    working = rng.geometric(0.24, k)
    replied_day = np.busday_offset(
        received.dt.normalize().to_numpy(dtype="datetime64[D]"), working, roll="forward"
    )
    replied = pd.Series(pd.to_datetime(replied_day)) + pd.to_timedelta(
        rng.uniform(9, 17, k) * 3600, unit="s"
    )
    replied = replied.where(rng.random(k) > 0.04)
    kinds = np.where(rng.random(k) < 0.7, "Email", "Letter")
    received_utc = received.dt.tz_localize(TZ, ambiguous="NaT", nonexistent="shift_forward")
    replied_utc = replied.dt.tz_localize(TZ, ambiguous="NaT", nonexistent="shift_forward")
    frames.append(
        pd.DataFrame(
            {
                "priority": kinds,
                "created": received_utc.dt.tz_convert("UTC"),
                "arrived": replied_utc.dt.tz_convert("UTC"),
            }
        )
    )
    inc = pd.concat(frames, ignore_index=True)
    inc = inc[inc["created"].notna()]
    limit = pd.Timestamp(f"{end}-01", tz=TZ) + pd.offsets.MonthBegin(1)
    inc = inc[inc["created"] < limit.tz_convert("UTC")]
    # Nothing has arrived after the export was taken.
    inc.loc[inc["arrived"] >= limit.tz_convert("UTC"), "arrived"] = pd.NaT
    inc = inc.sort_values("created", kind="stable").reset_index(drop=True)
    inc.insert(0, "incident_id", [f"INC{seed:02d}{i:08d}" for i in range(1, len(inc) + 1)])
    return inc


def published_999(
    calls: pd.DataFrame | None,
    force_id: str,
    start: str,
    end: str,
    seed: int,
    scale: float,
    force_ids: list[str] | None = None,
) -> pd.DataFrame:
    """Published-style 999 figures: the force's from its call log, the others modelled."""
    months = pd.period_range(max(start, "2021-11"), end, freq="M")
    surges = [float(v) for v in surge_factor(months.to_timestamp())]
    rows = []
    for fid in force_ids or [f for f in all_forces() if f != "northern-ireland"]:
        name = lookup_force(fid).name
        if fid == force_id and calls is not None:
            c = calls[calls["line"] == "999"].copy()
            c["month"] = c["offered"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("M")
            wait = (c["answered"] - c["offered"]).dt.total_seconds()
            for m in months:
                sub = wait[c["month"] == m]
                total = int((c["month"] == m).sum())
                ans = sub.dropna()
                rows.append(
                    (name, m, total, ans.mean() if len(ans) else np.nan,
                     int((ans < 10).sum()), int(((ans >= 10) & (ans < 60)).sum()),
                     int((ans >= 60).sum()))
                )  # fmt: skip
            continue
        rng = _rng(seed, fid, "published-999")
        size = force_profile(fid).size_thousands
        base_share = float(np.clip(rng.beta(6, 2), 0.05, 0.98))
        for m, surge in zip(months, surges, strict=True):
            ts = m.to_timestamp()
            demand = DAILY_CALLS["999"] * size / REFERENCE_SIZE * scale * m.days_in_month
            total = int(rng.poisson(demand * surge))
            dip = 0.25 * (surge - 1) / 0.28
            recovery = 0.08 if ts >= INVESTMENT_MONTH else 0.0
            share = float(np.clip(base_share - dip + recovery + rng.normal(0, 0.02), 0.01, 0.99))
            answered = int(rng.binomial(total, 0.985))
            under = int(rng.binomial(answered, share / 0.985 if share < 0.985 else 1.0))
            mid = int(rng.binomial(answered - under, 0.8))
            mean = 3 + 70 * (1 - share) ** 1.5 + rng.normal(0, 1)
            rows.append((name, m, total, max(mean, 1.0), under, mid, answered - under - mid))
    df = pd.DataFrame(
        rows,
        columns=["force", "month", "calls", "mean", "under", "mid", "over"],
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "Force Name": df["force"],
                "Month": df["month"].astype(str),
                "Number of 999 calls": df["calls"],
                "Average answer time (seconds)": df["mean"].round(1),
                "Number answered in under 10 seconds": df["under"],
                "% answered in under 10 seconds": (100 * df["under"] / df["calls"]).round(1),
                "Number answered in 10 to 60 seconds": df["mid"],
                "% answered in 10 to 60 seconds": (100 * df["mid"] / df["calls"]).round(1),
                "Number answered in 60 seconds or more": df["over"],
                "% answered in 60 seconds or more": (100 * df["over"] / df["calls"]).round(1),
            }
        )
    return out


def roster_from(calls: pd.DataFrame, shortfall: float = 0.1, seed: int = 1) -> pd.DataFrame:
    """A 999 roster (people, before shrinkage) from the last month's staffing, a little short
    in some hours so that the gap shows."""
    rng = _rng(seed, "roster")
    c = calls[calls["line"] == "999"]
    month = c["offered"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("M")
    recent = c[month == month.max()]
    rl = recent["offered"].dt.tz_convert(TZ)
    staff = recent.groupby([rl.dt.day_of_week, rl.dt.hour])["staff"].max()
    rows = []
    for d in range(7):
        for h in range(24):
            effective = int(staff.get((d, h), 1))
            people = int(np.ceil(effective / 0.7))
            if rng.random() < 0.2:
                people = int(np.floor(people * (1 - shortfall)))
            rows.append((d, h, max(people, 1)))
    return pd.DataFrame(rows, columns=["weekday", "hour", "staff"])


def write_calls_demo(
    out_dir: Path | str,
    force_id: str = "west-midlands",
    start: str = "2021-11",
    end: str = "2023-06",
    seed: int = 1,
    scale: float = 0.1,
    force_ids: list[str] | None = None,
) -> CallsSynthSummary:
    """Write the synthetic call-handling files for one force (and the 999 figures for all).

    Args:
        out_dir: folder to write into (created).
        force_id: the force whose call log, incidents and roster are made.
        start: first month (YYYY-MM).
        end: last month (YYYY-MM).
        seed: random seed (same seed, same files).
        scale: volume multiplier (1.0 is about West Midlands' real 999 volume).
        force_ids: forces in the published 999 file (default: every force of England and
            Wales, BTP included).
    """
    lookup_force(force_id)
    if scale <= 0:
        raise UserInputError("scale must be positive")
    if pd.Period(end, "M") < pd.Period(start, "M"):
        raise UserInputError(f"the period ends ({end}) before it starts ({start})")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    snapshot = f"synthetic-calls-{end}"
    calls = make_call_log(force_id, start, end, seed, scale)
    incidents = make_incidents(calls, force_id, seed, end)
    summary = CallsSynthSummary(out, snapshot, force_id)

    log = pd.DataFrame(
        {
            "call_id": calls["call_id"],
            "line": calls["line"],
            "offered_at": _iso(calls["offered"]),
            "answered_at": _iso(calls["answered"]),
            "abandoned_at": _iso(calls["abandoned"]),
            "handling_seconds": calls["handling_seconds"].map(
                lambda v: "" if pd.isna(v) else f"{v:.0f}"
            ),
        }
    )
    inc = pd.DataFrame(
        {
            "incident_id": incidents["incident_id"],
            "priority": incidents["priority"],
            "created_at": _iso(incidents["created"]),
            "arrived_at": _iso(incidents["arrived"]),
        }
    )
    files = {
        "call_log": (out / f"call-log-{force_id}.csv", log),
        "incidents": (out / f"incidents-{force_id}.csv", inc),
        "calls_999_monthly": (
            out / "calls-999-monthly.csv",
            published_999(calls, force_id, start, end, seed, scale, force_ids),
        ),
        "roster": (out / f"roster-{force_id}-999.csv", roster_from(calls, seed=seed)),
    }
    for key, (path, frame) in files.items():
        frame.to_csv(path, index=False)
        summary.files[key] = path
        summary.rows[key] = len(frame)
    write_marker(
        out,
        {
            "snapshot": snapshot,
            "generator": "openpeel.synth.calls",
            "force_id": force_id,
            "start": start,
            "end": end,
            "seed": seed,
            "scale": scale,
            "note": "SYNTHETIC DATA: not a real force's figures",
        },
    )
    return summary


def month_bounds(start: str, end: str) -> tuple[date, date]:
    """First days of the first and last month."""
    s, e = pd.Period(start, "M"), pd.Period(end, "M")
    return s.to_timestamp().date(), e.to_timestamp().date()
