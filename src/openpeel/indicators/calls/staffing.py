"""The call handlers an hour needs: Erlang C or A for one interval, or for each hour of the
week from a call log, with rostered staff after shrinkage and the gap against a roster."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec

import ibis
import numpy as np
import pandas as pd

from openpeel.errors import DataUnavailableError, SourceFormatError, UserInputError
from openpeel.indicators.calls.common import (
    WEEKDAYS,
    is_synthetic_table,
    rounded,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.sources.calls_999 import STANDARD_SECONDS, STANDARD_SHARE
from openpeel.sources.calls_log import LINE_ANSWER_SECONDS
from openpeel.stats import erlang
from openpeel.store.calls import CallsLoadReport, read_export

P = ParamSpec("P")


def staffing_single(
    calls_per_hour: float,
    aht_seconds: float,
    target_share: float = STANDARD_SHARE,
    within_seconds: float = STANDARD_SECONDS,
    patience_seconds: float | None = None,
    shrinkage: float = 0.3,
) -> dict[str, Any]:
    """Handlers for one interval, with the model's figures, as one flat record."""
    if calls_per_hour < 0 or aht_seconds <= 0:
        raise UserInputError("--calls-per-hour must be >= 0 and --aht > 0")
    s = erlang.staff(
        calls_per_hour, aht_seconds, target_share, within_seconds, patience_seconds, shrinkage
    )
    m = s.metrics

    def first(values: Any) -> Any:
        return np.ravel(values)[0]

    out: dict[str, Any] = {
        "model": s.model,
        "calls_per_hour": float(calls_per_hour),
        "aht_seconds": float(aht_seconds),
        "offered_load_erlangs": float(first(m.offered_load_erlangs)),
        "target_share": target_share,
        "within_seconds": within_seconds,
        "agents": int(first(m.agents)),
        "rostered_staff": int(first(s.rostered_staff)),
        "shrinkage": shrinkage,
        "service_level": float(first(m.service_level)),
        "probability_wait": float(first(m.probability_wait)),
        "occupancy": float(first(m.occupancy)),
        "asa_seconds": float(first(m.asa_seconds)),
    }
    if patience_seconds is not None:
        out["patience_seconds"] = patience_seconds
        out["abandonment"] = float(first(m.abandonment))
    return out


STAFFING_DEFINITION = (
    "{model}: agents = the fewest call handlers with service_level >= {target:.0%} answered "
    "within {within:g} s, given calls_per_hour and aht_seconds (mean handling time, talk plus "
    "wrap-up); offered_load_erlangs = calls_per_hour x aht_seconds / 3600; service_level = "
    "share of offered calls answered within the target{ab_note}; occupancy = carried load / "
    "agents; asa_seconds = mean wait of answered calls; rostered_staff = ceil(agents / (1 - "
    "shrinkage)) with shrinkage {shrink:.0%} (breaks, training, leave, sickness)."
)


def model_note(patience: float | None) -> tuple[str, str]:
    if patience is None:
        return "Erlang C (callers never hang up)", ""
    return (
        f"Erlang A (callers hang up after an exponential patience, mean {patience:g} s)",
        "; abandoned callers count as not answered in time; abandonment = share who hang up",
    )


ERLANG_CAVEAT = (
    "Erlang models assume random (Poisson) arrivals at a steady rate, handling times "
    "with the given mean, and any handler taking any call."
)


@dataclass(frozen=True)
class IntervalStaffing:
    """Handlers for one interval: the flat record, its definition and caveats."""

    record: dict[str, Any]
    definition: str
    caveats: list[str]


def default_within(line: str | None) -> float:
    """The answer-time target of a line (``None``: the 999 standard, 10 seconds)."""
    return LINE_ANSWER_SECONDS[line] if line is not None else float(STANDARD_SECONDS)


def explained(record: dict[str, Any]) -> IntervalStaffing:
    """A :func:`staffing_single` record with the definition and caveats a reader needs."""
    model, ab_note = model_note(record.get("patience_seconds"))
    definition = STAFFING_DEFINITION.format(
        model=model,
        target=record["target_share"],
        within=record["within_seconds"],
        ab_note=ab_note,
        shrink=record["shrinkage"],
    )
    return IntervalStaffing(record, definition, [ERLANG_CAVEAT])


def _explaining(single: Callable[P, dict[str, Any]]) -> Callable[P, IntervalStaffing]:
    def staffing_interval(*args: P.args, **kwargs: P.kwargs) -> IntervalStaffing:
        """:func:`staffing_single` (the same arguments) with the definition and caveats a
        reader needs (:func:`explained`).

        Raises:
            UserInputError: a negative demand or a handling time that is not positive.
        """
        return explained(single(*args, **kwargs))

    return staffing_interval


staffing_interval = _explaining(staffing_single)


def staffing_from_log(
    path: Path,
    line: str = "999",
    target_share: float = STANDARD_SHARE,
    within_seconds: float | None = None,
    patience_seconds: float | None = None,
    shrinkage: float = 0.3,
    roster: Path | None = None,
    columns: Mapping[str, str] | None = None,
) -> tuple[IndicatorResult, CallsLoadReport]:
    """Handlers for each hour of the week from a call-log file (not stored in the lake).

    Args:
        path: the call-log CSV.
        line: which line to staff.
        within_seconds: answer-time target (default: the line's, :func:`default_within`).
        roster: a roster CSV to compare with (:func:`read_roster`).
        columns: ``{field: header}`` for headers that differ from the documented ones.

    Returns:
        The result, and the file's read report (rows read, rejected and the first reasons).

    Raises:
        OpenpeelError: the file or the roster cannot be read, or the log has no calls of the line.
    """
    read = read_export(path, "call_log", None, columns, allow_no_force=True)
    roster_df = read_roster(roster) if roster is not None else None
    result = staffing_by_hour_of_week(
        ibis.memtable(read.data),
        target_share,
        default_within(line) if within_seconds is None else within_seconds,
        patience_seconds,
        shrinkage,
        roster_df,
        line,
    )
    return result, read.report


def staffing_by_hour_of_week(
    calls: Any,
    target_share: float = STANDARD_SHARE,
    within_seconds: float = STANDARD_SECONDS,
    patience_seconds: float | None = None,
    shrinkage: float = 0.3,
    roster: pd.DataFrame | None = None,
    line: str = "999",
) -> IndicatorResult:
    """Call handlers needed for each of the 168 hours of the week, from a call log.

    Args:
        calls: an Ibis table with the ``call_log`` columns (the lake's, or a file read with
            ``openpeel.store.calls.read_export`` wrapped in ``ibis.memtable``).
        target_share: service level to reach.
        within_seconds: answer-time target.
        patience_seconds: mean patience; Erlang A when given, else Erlang C.
        shrinkage: share of rostered time not spent answering.
        roster: optional frame with ``weekday`` (0 = Monday), ``hour`` and ``staff``.
        line: which line to staff (999 by default).
    """
    t = calls.filter(calls.line_code == line)
    span = t.agg(first=t.offered_at.min(), last=t.offered_at.max()).execute()
    if span.empty or pd.isna(span["first"].iloc[0]):
        raise DataUnavailableError(f"the call log has no {line} calls to staff for")
    first = pd.Timestamp(span["first"].iloc[0]).normalize()
    last = pd.Timestamp(span["last"].iloc[0]).normalize()
    days = pd.date_range(first, last, freq="D")
    days_per_weekday = pd.Series(days.day_of_week).value_counts().reindex(range(7), fill_value=0)
    agg = (
        t.group_by(["weekday", "hour"])
        .agg(
            offered=t.count(),
            handled=t.handling_seconds.count(),
            handling_total=t.handling_seconds.sum(),
            abandoned=(~t.is_answered).sum(),
            wait_total=ibis.coalesce(t.answer_seconds, t.abandon_seconds).sum(),
        )
        .execute()
    )
    totals = agg[["offered", "handled", "handling_total", "abandoned", "wait_total"]].sum()
    if not totals["handled"]:
        raise DataUnavailableError(
            f"the call log has no handling_seconds for {line} calls: cannot staff"
        )
    overall_aht = float(totals["handling_total"] / totals["handled"])
    grid = pd.DataFrame(
        [(d, h) for d in range(7) for h in range(24)], columns=["weekday", "hour"]
    ).merge(agg, on=["weekday", "hour"], how="left")
    for c in ("offered", "handled", "handling_total", "abandoned", "wait_total"):
        grid[c] = grid[c].fillna(0)
    grid["days_observed"] = grid["weekday"].map(days_per_weekday).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        grid["calls_per_hour"] = np.where(
            grid["days_observed"] > 0, grid["offered"] / grid["days_observed"], 0.0
        )
        slot_aht = grid["handling_total"] / grid["handled"]
    grid["is_aht_from_whole_log"] = grid["handled"] < 1
    grid["aht_seconds"] = np.where(grid["handled"] >= 1, slot_aht, overall_aht)
    s = erlang.staff(
        grid["calls_per_hour"].to_numpy(),
        grid["aht_seconds"].to_numpy(),
        target_share,
        within_seconds,
        patience_seconds,
        shrinkage,
    )
    m = s.metrics
    grid["weekday_name"] = grid["weekday"].map(lambda d: WEEKDAYS[int(d)])
    grid["offered_load_erlangs"] = m.offered_load_erlangs
    grid["agents_needed"] = m.agents
    grid["rostered_needed"] = s.rostered_staff
    grid["service_level"] = m.service_level
    grid["occupancy"] = m.occupancy
    grid["asa_seconds"] = m.asa_seconds
    if patience_seconds is not None:
        grid["abandonment"] = m.abandonment
    cols = [
        "weekday",
        "weekday_name",
        "hour",
        "days_observed",
        "calls_per_hour",
        "aht_seconds",
        "is_aht_from_whole_log",
        "offered_load_erlangs",
        "agents_needed",
        "rostered_needed",
        "service_level",
        "occupancy",
        "asa_seconds",
        *(["abandonment"] if patience_seconds is not None else []),
    ]
    caveats = [
        "Demand is the mean for each hour of the week over the log; busier weeks (the peak, a "
        "surge) need more handlers than the mean shows. Staff to a high percentile of demand "
        "for resilience.",
        "Erlang models assume calls arrive at random at a steady rate within the hour, every "
        "handler takes any call, and callers who hang up do not call again.",
    ]
    if patience_seconds is None and totals["offered"] and totals["abandoned"]:
        est = totals["wait_total"] / totals["abandoned"]
        caveats.append(
            f"{int(totals['abandoned'])} of {int(totals['offered'])} calls in the log were "
            f"abandoned; the log suggests a mean patience of about {est:,.0f} s (mean wait / "
            "share abandoned, Mandelbaum and Zeltyn); pass --patience for Erlang A."
        )
    if grid["is_aht_from_whole_log"].any():
        caveats.append(
            f"{int(grid['is_aht_from_whole_log'].sum())} hours of the week had no handled "
            f"calls; they use the whole log's mean handling time ({overall_aht:,.0f} s)."
        )
    if roster is not None:
        merged = grid.merge(roster, on=["weekday", "hour"], how="left")
        staff_col = merged["staff"]
        grid["rostered_staff"] = staff_col.astype("Int64")
        has = staff_col.notna().to_numpy()
        effective = erlang.effective_agents(staff_col.fillna(0).to_numpy(), shrinkage)
        grid["effective_agents"] = pd.array(np.where(has, effective, 0), dtype="Int64")
        grid.loc[~has, "effective_agents"] = pd.NA
        grid["gap"] = (grid["rostered_staff"] - grid["rostered_needed"]).astype("Int64")
        rostered = erlang.queue_metrics(
            effective,
            grid["calls_per_hour"].to_numpy(),
            grid["aht_seconds"].to_numpy(),
            within_seconds,
            patience_seconds,
        )
        grid["service_level_rostered"] = np.where(has, rostered.service_level, np.nan)
        cols += ["rostered_staff", "effective_agents", "gap", "service_level_rostered"]
        missing = int((~has).sum())
        if missing:
            caveats.append(f"The roster has no staff figure for {missing} hours of the week.")
        short = int((grid["gap"] < 0).sum())
        caveats.append(f"{short} of 168 hours are short of the rostered staff needed (gap < 0).")
    synthetic = is_synthetic_table(calls)
    model, ab_note = model_note(patience_seconds)
    definition = STAFFING_DEFINITION.format(
        model=model, target=target_share, within=within_seconds, ab_note=ab_note, shrink=shrinkage
    ) + (
        " calls_per_hour: calls offered in that hour of the week / days_observed (the number "
        "of such weekdays between the log's first and last day); aht_seconds: mean "
        "handling_seconds of that hour's handled calls."
    )
    if roster is not None:
        definition += (
            " rostered_staff: the roster's staff; effective_agents = floor(rostered_staff x "
            "(1 - shrinkage)); gap = rostered_staff - rostered_needed (negative: short); "
            "service_level_rostered: the model's service level with effective_agents."
        )
    return IndicatorResult(
        name="calls.staffing_by_hour_of_week",
        title=f"Call handlers needed by hour of the week ({line} line)",
        definition=definition,
        table=rounded(grid[cols]),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={
            "line": line,
            "first_day": first.date().isoformat(),
            "last_day": last.date().isoformat(),
            "model": s.model,
            "target_share": target_share,
            "within_seconds": within_seconds,
            "patience_seconds": patience_seconds,
            "shrinkage": shrinkage,
        },
    )


_WEEKDAY_NAMES = {name.lower(): i for i, name in enumerate(WEEKDAYS)} | {
    name[:3].lower(): i for i, name in enumerate(WEEKDAYS)
}


def read_roster(path: Any) -> pd.DataFrame:
    """A roster CSV: ``weekday`` (0 = Monday ... 6, or Mon/Monday ...), ``hour`` (0-23) and
    ``staff`` (people rostered to answer this line in that hour, before shrinkage).

    Raises:
        ValueError: a missing column, an unreadable value or a repeated weekday-hour, with the
            row number.
    """
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise SourceFormatError(
            f"cannot read the roster {path}: {str(err).splitlines()[0]}"
        ) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in ("weekday", "hour", "staff") if c not in raw.columns]
    if missing:
        raise SourceFormatError(
            f"the roster needs columns weekday, hour, staff (missing {', '.join(missing)})"
        )
    rows = []
    for i, r in enumerate(raw.to_dict(orient="records"), start=1):
        wd_text = str(r["weekday"]).strip().lower()
        wd = int(wd_text) if wd_text.isdigit() else _WEEKDAY_NAMES.get(wd_text)
        hour_text = str(r["hour"]).strip()
        staff_text = str(r["staff"]).strip()
        if wd is None or not 0 <= wd <= 6:
            raise SourceFormatError(f"roster row {i}: unreadable weekday {r['weekday']!r}")
        if not hour_text.isdigit() or not 0 <= int(hour_text) <= 23:
            raise SourceFormatError(f"roster row {i}: unreadable hour {r['hour']!r} (0-23)")
        try:
            staff_value = float(staff_text)
        except ValueError:
            raise SourceFormatError(f"roster row {i}: unreadable staff {r['staff']!r}") from None
        if staff_value < 0 or staff_value != np.floor(staff_value):
            raise SourceFormatError(
                f"roster row {i}: staff must be a whole number, not {staff_text}"
            )
        rows.append((wd, int(hour_text), int(staff_value)))
    df = pd.DataFrame(rows, columns=["weekday", "hour", "staff"])
    dup = df.duplicated(["weekday", "hour"])
    if dup.any():
        i = int(np.argmax(dup.to_numpy())) + 1
        raise SourceFormatError(
            f"roster row {i}: weekday {df.weekday[i - 1]} hour {df.hour[i - 1]} again"
        )
    return df
