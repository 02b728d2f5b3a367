"""Answering the public: 999 performance against the national standard, call-log answer times
and abandonment, and the call handlers an hour of the week needs.

Counting happens in Ibis on the lake's tables (``calls_999_monthly``, ``call_log``); intervals
and the Erlang models run in Python on the small aggregated results.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import ibis
import numpy as np
import pandas as pd

from openpeel.errors import DataUnavailableError, SourceFormatError, UserInputError
from openpeel.indicators.period import Period
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import synthetic_expr
from openpeel.sources.calls_999 import STANDARD_SECONDS, STANDARD_SHARE
from openpeel.sources.calls_log import LINE_ANSWER_SECONDS
from openpeel.stats import erlang
from openpeel.stats.funnel import proportion_funnel
from openpeel.stats.intervals import wilson_interval

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

INDEPENDENCE_CAVEAT = (
    "Wilson intervals treat calls as independent trials. Calls arrive in bursts (one incident "
    "brings many calls) and a busy hour delays many calls at once, so the real uncertainty is "
    "wider than shown; with tens of thousands of calls a month the interval mostly says the "
    "count is large, not that the service is stable."
)


def rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Shares to 4 decimals (0.01 percentage points); seconds, Erlangs and rates to 2."""
    out = df.copy()
    for c in out.columns:
        if not pd.api.types.is_float_dtype(out[c]):
            continue
        if any(k in c for k in ("share", "service_level", "occupancy", "abandonment",
                                "compliance", "probability")):  # fmt: skip
            out[c] = out[c].round(4)
        elif any(k in c for k in ("seconds", "erlangs", "per_hour")):
            out[c] = out[c].round(2)
    return out


def flag(condition: Any, applies: Any) -> pd.Series:
    """A True/False column that is empty (None) where the flag does not apply."""
    cond = pd.Series(np.asarray(condition, dtype=bool)).astype(object)
    return cond.where(pd.Series(np.asarray(applies, dtype=bool)), None)


def _pct(confidence: float) -> str:
    return f"{confidence * 100:g}%"


def _is_synthetic(table: Any) -> bool:
    value = synthetic_expr(table.snapshot).any().execute()
    return bool(value) if value is not None and not pd.isna(value) else False


def _in_period(t: Any, period: Period) -> Any:
    return t.filter([t.month >= period.start, t.month <= period.end])


def loaded_months(con: Any, table: str, force_ids: Sequence[str] | None = None) -> list[date]:
    """Months present in a lake table (optionally for some forces), sorted."""
    t = con.table(table)
    if force_ids:
        t = t.filter(t.force_id.isin(list(force_ids)))
    df = t.select("month").distinct().execute()
    return sorted(pd.to_datetime(df["month"]).dt.date)


# --- published 999 figures ------------------------------------------------------------------


def _published(con: Any, period: Period) -> tuple[pd.DataFrame, bool]:
    t = _in_period(con.table("calls_999_monthly"), period)
    df = t.execute()
    df["month"] = pd.to_datetime(df["month"]).dt.date
    return df, _is_synthetic(t)


def _share_columns(df: pd.DataFrame, x: str, n: str, prefix: str, confidence: float) -> None:
    xs = df[x].astype(float).to_numpy()
    ns = df[n].astype(float).to_numpy()
    ok = np.isfinite(xs) & np.isfinite(ns)
    with np.errstate(invalid="ignore", divide="ignore"):
        df[prefix] = np.where(ok & (ns > 0), xs / ns, np.nan)
    low, high = wilson_interval(np.where(ok, xs, 0), np.where(ok, ns, 0), confidence)
    df[f"{prefix}_low"] = np.where(ok, low, np.nan)
    df[f"{prefix}_high"] = np.where(ok, high, np.nan)


PUBLISHED_DEFINITION = (
    "share_under_10s = answered_under_10s / calls for the force and month, as published on "
    "police.uk (from November 2021, one month in arrears); share_under_10s_low/high: Wilson "
    "score interval at {conf}. The national standard is {std:.0%} of 999 calls answered within "
    "10 seconds of BT connecting the call. is_below_standard: share_under_10s < {std:.0%}; "
    "is_clearly_below: even the interval's upper end is below {std:.0%}. national_share: all "
    "loaded forces' calls answered in under 10 s / their calls that month. A month with no row "
    "was not published or not loaded: it is shown with empty figures, never as zero."
)


def published_999_trend(
    con: Any, force_ids: Sequence[str], period: Period, confidence: float = 0.95
) -> IndicatorResult:
    """Month by month against the 90% standard for one or more forces.

    Args:
        con: an ``openpeel.connect()`` connection.
        force_ids: the forces to show.
        period: the months to show.
        confidence: interval level.
    """
    if not force_ids:
        raise UserInputError("give at least one force")
    df, synthetic = _published(con, period)
    national = df.groupby("month")[["answered_under_10s", "calls"]].sum()
    national_share = national["answered_under_10s"] / national["calls"]
    grid = pd.MultiIndex.from_product([list(force_ids), period.months], names=["force_id", "month"])
    mine = (
        df[df["force_id"].isin(force_ids)]
        .set_index(["force_id", "month"])
        .reindex(grid)
        .reset_index()
    )
    _share_columns(mine, "answered_under_10s", "calls", "share_under_10s", confidence)
    mine["standard_share"] = STANDARD_SHARE
    has = mine["calls"].notna()
    mine["is_below_standard"] = flag(mine["share_under_10s"] < STANDARD_SHARE, has).to_numpy()
    mine["is_clearly_below"] = flag(mine["share_under_10s_high"] < STANDARD_SHARE, has).to_numpy()
    mine["national_share"] = mine["month"].map(national_share)
    table = mine[
        [
            "force_id",
            "month",
            "calls",
            "answered_under_10s",
            "share_under_10s",
            "share_under_10s_low",
            "share_under_10s_high",
            "standard_share",
            "is_below_standard",
            "is_clearly_below",
            "mean_answer_seconds",
            "national_share",
            "is_derived_from_shares",
        ]
    ]
    missing = int((~has).sum())
    caveats = [
        "The published download's column names are unverified; check the import's column "
        "mapping (openpeel calls import-999 --columns) against the file you used.",
        INDEPENDENCE_CAVEAT,
    ]
    if missing:
        caveats.append(f"{missing} force-months in the period have no figures (not loaded).")
    if bool(table["is_derived_from_shares"].fillna(False).any()):
        caveats.append(
            "Some counts were not published and were computed as round(share x calls) "
            "(is_derived_from_shares)."
        )
    if national.empty:
        caveats.append("No 999 figures are loaded for this period.")
    return IndicatorResult(
        name="calls.published_999_trend",
        title=f"999 calls answered in under 10 seconds, {period.label}",
        definition=PUBLISHED_DEFINITION.format(conf=_pct(confidence), std=STANDARD_SHARE),
        table=rounded(table.reset_index(drop=True)),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={"period": period.label, "forces": list(force_ids), "confidence": confidence},
    )


def published_999_forces(con: Any, period: Period, confidence: float = 0.95) -> IndicatorResult:
    """All forces side by side over a period, against the 90% standard."""
    df, synthetic = _published(con, period)
    if df.empty:
        table = pd.DataFrame(
            columns=[
                "force_id",
                "months_reported",
                "calls",
                "answered_under_10s",
                "share_under_10s",
                "share_under_10s_low",
                "share_under_10s_high",
                "months_below_standard",
                "latest_month",
                "latest_share_under_10s",
                "mean_answer_seconds",
                "is_below_funnel_998",
                "rank",
            ]
        )
        return IndicatorResult(
            name="calls.published_999_forces",
            title=f"999 calls answered in under 10 seconds by force, {period.label}",
            definition="No 999 figures are loaded for this period.",
            table=table,
            caveats=["No 999 figures are loaded for this period."],
            is_synthetic=synthetic,
            meta={"period": period.label},
        )
    df = df.sort_values(["force_id", "month"])
    df["is_below"] = df["answered_under_10s"] / df["calls"] < STANDARD_SHARE
    df["weighted_mean"] = df["mean_answer_seconds"] * df["calls"]
    df["has_mean"] = df["mean_answer_seconds"].notna() * df["calls"]
    g = df.groupby("force_id")
    out = pd.DataFrame(
        {
            "months_reported": g.size(),
            "calls": g["calls"].sum(),
            "answered_under_10s": g["answered_under_10s"].sum(),
            "months_below_standard": g["is_below"].sum(),
            "latest_month": g["month"].max(),
            "weighted_mean": g["weighted_mean"].sum(min_count=1),
            "has_mean": g["has_mean"].sum(),
        }
    ).reset_index()
    last = df.groupby("force_id").tail(1).set_index("force_id")
    out["latest_share_under_10s"] = out["force_id"].map(last["answered_under_10s"] / last["calls"])
    out["mean_answer_seconds"] = out["weighted_mean"] / out["has_mean"].replace(0, np.nan)
    national = pd.DataFrame(
        [
            {
                "force_id": "all forces loaded",
                "months_reported": int(df["month"].nunique()),
                "calls": int(df["calls"].sum()),
                "answered_under_10s": int(df["answered_under_10s"].sum()),
                "months_below_standard": None,
                "latest_month": df["month"].max(),
                "latest_share_under_10s": np.nan,
                "mean_answer_seconds": (
                    df["weighted_mean"].sum() / df["has_mean"].sum()
                    if df["has_mean"].sum()
                    else None
                ),
            }
        ]
    )
    _share_columns(out, "answered_under_10s", "calls", "share_under_10s", confidence)
    funnel = proportion_funnel(STANDARD_SHARE, out["calls"].to_numpy(dtype=float))
    out["is_below_funnel_998"] = out["share_under_10s"] < funnel["lower_99_8"].to_numpy()
    out = out.sort_values("share_under_10s", ascending=False).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    _share_columns(national, "answered_under_10s", "calls", "share_under_10s", confidence)
    national["is_below_funnel_998"] = None
    national["rank"] = None
    cols = [
        "force_id",
        "months_reported",
        "calls",
        "answered_under_10s",
        "share_under_10s",
        "share_under_10s_low",
        "share_under_10s_high",
        "months_below_standard",
        "latest_month",
        "latest_share_under_10s",
        "mean_answer_seconds",
        "is_below_funnel_998",
        "rank",
    ]
    table = pd.concat([out[cols], national[cols]], ignore_index=True)
    expected = len(period.months)
    short = out[out["months_reported"] < expected]["force_id"].tolist()
    caveats = [
        "The published download's column names are unverified; check the import's column "
        "mapping against the file you used.",
        INDEPENDENCE_CAVEAT,
        "is_below_funnel_998: the force's share is below the 99.8% binomial funnel limit around "
        "the 90% standard for its number of calls (Spiegelhalter 2005), i.e. further below the "
        "standard than chance alone would put a force that met it.",
    ]
    if short:
        caveats.append(
            f"{len(short)} forces have fewer than {expected} months in the period: "
            + ", ".join(short[:10])
            + (" ..." if len(short) > 10 else "")
        )
    return IndicatorResult(
        name="calls.published_999_forces",
        title=f"999 calls answered in under 10 seconds by force, {period.label}",
        definition=(
            "Per force over the period: share_under_10s = sum of answered_under_10s / sum of "
            f"calls, Wilson interval at {_pct(confidence)}; months_below_standard: months whose "
            f"share was under {STANDARD_SHARE:.0%}; mean_answer_seconds: calls-weighted mean "
            "of the published monthly averages; rank 1 = highest share. The last row pools "
            "every force loaded."
        ),
        table=rounded(table),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={"period": period.label, "confidence": confidence},
    )


# --- call logs ------------------------------------------------------------------------------

BY_COLUMNS = {"month": "month", "weekday": "weekday", "hour": "hour"}


def answer_performance(
    con: Any,
    force_id: str,
    period: Period,
    by: str = "month",
    lines: Sequence[str] = ("999", "101", "chat"),
    confidence: float = 0.95,
) -> IndicatorResult:
    """Share answered within the line's threshold and abandonment, from the call log.

    Args:
        con: an ``openpeel.connect()`` connection.
        force_id: the force whose log is loaded.
        period: the months to count (by month the call was offered).
        by: ``month``, ``weekday`` or ``hour``.
        lines: which lines to show (999, 101, chat, unknown).
        confidence: interval level.
    """
    if by not in BY_COLUMNS:
        raise UserInputError(f"--by must be one of {', '.join(BY_COLUMNS)}, not {by!r}")
    t = _in_period(con.table("call_log"), period)
    t = t.filter([t.force_id == force_id, t.line_code.isin(list(lines))])
    threshold = ibis.cases(
        *((t.line_code == line, seconds) for line, seconds in LINE_ANSWER_SECONDS.items()),
        else_=ibis.null("float64"),
    )
    key = BY_COLUMNS[by]
    agg = (
        t.group_by(["line_code", key])
        .agg(
            offered=t.count(),
            answered=t.is_answered.sum(),
            answered_within=(t.answer_seconds <= threshold).sum(),
            abandoned=(~t.is_answered).sum(),
            mean_answer_seconds=t.answer_seconds.mean(),
        )
        .execute()
    )
    synthetic = _is_synthetic(t)
    for c in ("offered", "answered", "answered_within", "abandoned"):
        agg[c] = agg[c].fillna(0).astype("int64")
    agg["threshold_seconds"] = agg["line_code"].map(LINE_ANSWER_SECONDS)
    _share_columns(agg, "answered_within", "offered", "share_within", confidence)
    _share_columns(agg, "abandoned", "offered", "abandonment_share", confidence)
    agg["standard_share"] = np.where(agg["line_code"] == "999", STANDARD_SHARE, np.nan)
    agg["is_below_standard"] = flag(
        agg["share_within"] < STANDARD_SHARE, agg["line_code"] == "999"
    ).to_numpy()
    if by == "month":
        agg["month"] = pd.to_datetime(agg["month"]).dt.date
    if by == "weekday":
        agg["weekday_name"] = agg["weekday"].map(lambda d: WEEKDAYS[int(d)])
    order = {"999": 0, "101": 1, "chat": 2, "unknown": 3}
    agg = agg.sort_values(
        ["line_code", key], key=lambda s: s.map(order) if s.name == "line_code" else s
    ).reset_index(drop=True)
    cols = [
        "line_code",
        key,
        *(["weekday_name"] if by == "weekday" else []),
        "offered",
        "answered",
        "answered_within",
        "threshold_seconds",
        "share_within",
        "share_within_low",
        "share_within_high",
        "standard_share",
        "is_below_standard",
        "abandoned",
        "abandonment_share",
        "abandonment_share_low",
        "abandonment_share_high",
        "mean_answer_seconds",
    ]
    caveats = [INDEPENDENCE_CAVEAT]
    if agg.empty:
        caveats.append(f"No call log is loaded for {force_id} in {period.label}.")
    if by in ("weekday", "hour"):
        caveats.append(f"Rows pool every {by} of the period; hours and weekdays are UK clock time.")
    caveats.append(
        "Abandoned calls count as offered and not answered in time, however soon the caller "
        "hung up; some forces exclude calls abandoned within a few seconds, which raises "
        "their figures."
    )
    return IndicatorResult(
        name="calls.answer_performance",
        title=f"Calls answered in time and abandoned by {by}, {force_id}, {period.label}",
        definition=(
            "offered: calls in the log that reached the force (answered + abandoned); "
            "answered_within: answered with answer_seconds <= threshold_seconds (999: 10 s; "
            "101 and chat: 180 s), answer_seconds = answered_at - offered_at; share_within = "
            "answered_within / offered; abandonment_share = abandoned / offered; "
            f"*_low/*_high: Wilson interval at {_pct(confidence)}; standard_share: the 90% "
            "national 999 standard (none is set for 101 or chat); mean_answer_seconds over "
            "answered calls."
        ),
        table=rounded(agg[cols]),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={"period": period.label, "force_id": force_id, "by": by, "confidence": confidence},
    )


# --- staffing -------------------------------------------------------------------------------


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
    synthetic = _is_synthetic(calls)
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
