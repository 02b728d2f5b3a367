"""Outcome rates by month of the crime, by crime type and across forces, with Wilson intervals
and funnel limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.coverage import supplied_coverage
from openpeel.indicators.crime import (
    ALL_CRIME,
    crime_type_codes,
    frame,
    loaded_range,
    month_coverage,
    require_force,
    require_months,
    snapshot_caveats,
)
from openpeel.indicators.investigations.common import (
    check_measure,
    complete_caveat,
    outcome_caveats,
    snapshots_read,
)
from openpeel.indicators.investigations.linkage import (
    crime_outcome_rows,
    outcome_counts,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.indicators.shares import add_share_columns
from openpeel.provenance import any_synthetic
from openpeel.reference.outcome_classes import (
    AWAITING_COURT,
    CLASSES,
    COMPLETE_AFTER_MONTHS,
    MEASURES,
    OPEN_OR_AWAITING_COURT,
)
from openpeel.stats.funnel import funnel_position, proportion_funnel

RATES_DEFINITION = (
    "Each crime (not anti-social behaviour) of the force counts once, in the month it was "
    "recorded, under its latest known outcome: the latest outcome row linked by Crime ID from "
    "the outcomes files when that is newer than the street file's download, else the street "
    "file's 'Last outcome category'. Outcome categories map to Home Office outcome groups "
    "(reference/vocabularies/crime_outcome.csv) and the groups to classes: charged_summonsed "
    "(charged or summonsed, including court results and cases awaiting court), out_of_court "
    "(cautions, penalty notices, drugs warnings, community resolution), evidential_difficulties "
    "('Unable to prosecute suspect'), no_suspect_identified, other_closed (not in the public "
    "interest, transferred to another body, taken into consideration), under_investigation, "
    "no_status ('Status update unavailable' or blank), unknown (a category no vocabulary "
    "knows). The classes partition the crimes. awaiting_court (charged, court result pending) "
    "is part of charged_summonsed, and under_investigation_or_awaiting_court adds it to "
    "under_investigation: these two overlap the classes. share = crimes_in_measure / crimes; "
    "share_low and share_high: Wilson score 95% interval. months_observed: months from the "
    "crime month to the as-of month (the street file's download month, extended to the end of "
    "a run of consecutive outcomes files that starts by the month after it); is_incomplete: "
    "months_observed below the follow-up threshold, when more outcomes are still to come."
)


PEERS_DEFINITION = (
    RATES_DEFINITION
    + " Peers: every force with street files in the period. target: the pooled share of all "
    "forces that publish outcomes; lower_95/upper_95 and lower_99_8/upper_99_8: exact binomial "
    "funnel limits around the target for the force's number of crimes (Spiegelhalter 2005). "
    "funnel_position says where the force's share falls."
)


def rate_table(counts: pd.DataFrame, keys: Sequence[str], confidence: float = 0.95) -> pd.DataFrame:
    """Long table of every measure per cell with Wilson intervals.

    Args:
        counts: executed :func:`outcome_counts` (``keys``, ``outcome_class``, ``crimes``,
            ``awaiting_court``).
        keys: the cell columns.
        confidence: level of the Wilson interval.

    Returns:
        ``*keys, measure, crimes, crimes_in_measure, share, share_low, share_high``; the
        ``unknown`` class only where a cell has such crimes.
    """
    keys = list(keys)
    wide = counts.pivot_table(
        index=keys, columns="outcome_class", values="crimes", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=list(CLASSES), fill_value=0)
    awaiting = counts.groupby(keys)["awaiting_court"].sum().reindex(wide.index, fill_value=0)
    wide[AWAITING_COURT] = awaiting
    wide[OPEN_OR_AWAITING_COURT] = wide["under_investigation"] + awaiting
    total = wide[list(CLASSES)].sum(axis=1)
    long = (
        wide[list(MEASURES)]
        .reset_index()
        .melt(id_vars=keys, var_name="measure", value_name="crimes_in_measure")
    )
    long = long.merge(total.rename("crimes").reset_index(), on=keys)
    long = long[~((long["measure"] == "unknown") & (long["crimes_in_measure"] == 0))]
    add_share_columns(long, "crimes_in_measure", "crimes", "share", confidence)
    order = {m: i for i, m in enumerate(MEASURES)}
    long = long.sort_values(
        [*keys, "measure"], key=lambda s: s.map(order) if s.name == "measure" else s
    )
    long["crimes"] = long["crimes"].astype("int64")
    long["crimes_in_measure"] = long["crimes_in_measure"].astype("int64")
    return long[
        [*keys, "measure", "crimes", "crimes_in_measure", "share", "share_low", "share_high"]
    ]


def _force_counts(
    con: Any, force_id: str, period: Period, measure: str | None, by: str, complete_after: int
) -> tuple[str, Any, pd.DataFrame]:
    """The force id checked, its months' coverage and its crimes' outcome counts by ``by``."""
    force_id = require_force(force_id)
    check_measure(measure)
    coverage = require_months(con, "crimes", force_id, period)
    rows = crime_outcome_rows(con, [force_id], period)
    counts = frame(outcome_counts(rows, ["force_id", by], complete_after))
    if counts.empty:
        raise DataUnavailableError(f"no crimes (other than anti-social behaviour) for {force_id}")
    return force_id, coverage, counts


def outcomes_result(
    con: Any,
    coverage: pd.DataFrame,
    period: Period,
    name: str,
    what: str,
    table: pd.DataFrame,
    caveats: list[str],
    definition: str = RATES_DEFINITION,
    **meta: Any,
) -> IndicatorResult:
    """A force's outcomes of crimes (by default its rates, :data:`RATES_DEFINITION`) over the
    street months of ``coverage``, synthetic when any street or outcomes file it may read is."""
    months = supplied_coverage(coverage, period, "crimes")
    return months.force_result(
        name,
        what,
        definition,
        table,
        caveats,
        is_synthetic=any_synthetic(snapshots_read(con, months.force_ids, period)),
        **meta,
    )


@computed_once
def outcome_summary(
    con: Any,
    force_id: str,
    period: Period,
    measure: str | None = None,
    complete_after: int = COMPLETE_AFTER_MONTHS,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Outcome rates by month of the crime, recent cohorts flagged incomplete.

    Returns:
        ``force_id, crime_month, months_observed, is_incomplete, measure, crimes,
        crimes_in_measure, share, share_low, share_high``.
    """
    force_id, coverage, counts = _force_counts(
        con, force_id, period, measure, "month", complete_after
    )
    table = rate_table(counts, ["force_id", "month"], confidence)
    observed = counts.groupby("month")["months_observed"].min()
    table.insert(2, "months_observed", table["month"].map(observed).astype("int64"))
    table.insert(3, "is_incomplete", table["months_observed"] < complete_after)
    table = table.rename(columns={"month": "crime_month"})
    caveats = outcome_caveats(con, force_id, period, coverage)
    caveats += complete_caveat(table, complete_after)
    if measure is not None:
        table = table[table["measure"] == measure]
    table = table.reset_index(drop=True)
    return outcomes_result(
        con,
        coverage,
        period,
        "outcomes.summary",
        "Outcomes of crimes by month recorded",
        table,
        caveats,
        measure=measure,
        complete_after_months=complete_after,
        confidence=confidence,
        as_of_month=str(counts["as_of_month"].max())[:7],
    )


@computed_once
def outcomes_by_type(
    con: Any,
    force_id: str,
    period: Period,
    measure: str | None = None,
    complete_after: int = COMPLETE_AFTER_MONTHS,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Outcome rates by crime type over the period, with an ``all_crime`` total.

    Returns:
        ``force_id, crime_type, crimes_incomplete, measure, crimes, crimes_in_measure, share,
        share_low, share_high``; ``crimes_incomplete`` counts the type's crimes whose cohort
        is still incomplete.
    """
    force_id, coverage, counts = _force_counts(
        con, force_id, period, measure, "crime_type_code", complete_after
    )
    total = counts.assign(crime_type_code=ALL_CRIME)
    both = pd.concat([total, counts], ignore_index=True)
    both = both.rename(columns={"crime_type_code": "crime_type"})
    table = rate_table(both, ["force_id", "crime_type"], confidence)
    incomplete = both.groupby("crime_type")["crimes_incomplete"].sum()
    table.insert(2, "crimes_incomplete", table["crime_type"].map(incomplete).astype("int64"))
    order = {t: i for i, t in enumerate(crime_type_codes())}
    table = table.sort_values(
        "crime_type", key=lambda s: s.map(order).fillna(len(order)), kind="stable"
    )
    if measure is not None:
        table = table[table["measure"] == measure]
    table = table.reset_index(drop=True)
    caveats = outcome_caveats(con, force_id, period, coverage)
    n_incomplete = int(incomplete.get(ALL_CRIME, 0))
    if n_incomplete:
        caveats.append(
            f"{n_incomplete} of the crimes were recorded less than {complete_after} months "
            "before the data's as-of month: more outcomes are to come, so charge and "
            "out-of-court rates are understated and under_investigation overstated."
        )
    return outcomes_result(
        con,
        coverage,
        period,
        "outcomes.by_type",
        "Outcomes of crimes by crime type",
        table,
        caveats,
        measure=measure,
        complete_after_months=complete_after,
        confidence=confidence,
    )


@computed_once
def outcome_peers(
    con: Any,
    period: Period,
    force_id: str | None = None,
    measure: str | None = None,
    complete_after: int = COMPLETE_AFTER_MONTHS,
    confidence: float = 0.95,
) -> IndicatorResult:
    """The outcome rates of every force loaded, with funnel-plot limits.

    Args:
        con: connection from ``openpeel.connect``.
        period: months of the crimes.
        force_id: the force to mark (``is_selected``); all forces are shown.
        measure: one measure (e.g. ``charged_summonsed``); None for all.
        complete_after: months of follow-up before a cohort counts as complete.
        confidence: level of the Wilson interval.

    Returns:
        ``force_id, is_selected, months_supplied, as_of_month, crimes_incomplete, measure,
        crimes, crimes_in_measure, share, share_low, share_high, target, lower_95, upper_95,
        lower_99_8, upper_99_8, funnel_position``.
    """
    selected = require_force(force_id) if force_id else None
    check_measure(measure)
    coverage = month_coverage(con, "crimes", period)
    if coverage.empty:
        raise DataUnavailableError(
            f"no street files loaded for any force in {period.start:%Y-%m}..{period.end:%Y-%m}"
        )
    if selected and selected not in set(coverage["force_id"]):
        raise DataUnavailableError(
            f"no street files loaded for {selected} in {period.start:%Y-%m}..{period.end:%Y-%m} "
            f"(loaded: {loaded_range(con, 'crimes', selected)})"
        )
    rows = crime_outcome_rows(con, None, period)
    counts = frame(outcome_counts(rows, ["force_id"], complete_after))
    table = rate_table(counts, ["force_id"], confidence)
    if measure is not None:
        table = table[table["measure"] == measure]
    # Forces whose crimes have no published outcome at all (BTP, PSNI) say nothing about
    # outcomes: they are shown but kept out of the target.
    all_counts = counts.groupby("force_id")["crimes"].sum()
    no_status = (
        counts[counts["outcome_class"] == "no_status"]
        .groupby("force_id")["crimes"]
        .sum()
        .reindex(all_counts.index, fill_value=0)
    )
    silent = set(all_counts.index[no_status == all_counts])
    frames = []
    for _, part in table.groupby("measure", sort=False):
        publishing = part[~part["force_id"].isin(silent)]
        p0 = (
            publishing["crimes_in_measure"].sum() / publishing["crimes"].sum()
            if publishing["crimes"].sum()
            else np.nan
        )
        funnel = proportion_funnel(float(p0), part["crimes"].to_numpy())
        part = part.reset_index(drop=True)
        for column in ("target", "lower_95", "upper_95", "lower_99_8", "upper_99_8"):
            part[column] = funnel[column].to_numpy()
        part["funnel_position"] = funnel_position(
            part["share"],
            part["lower_95"],
            part["upper_95"],
            part["lower_99_8"],
            part["upper_99_8"],
            empty="no_crimes",
        )
        part.loc[part["force_id"].isin(silent), "funnel_position"] = "no_outcomes_published"
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    months = {str(f): int(n) for f, n in coverage.groupby("force_id")["month"].nunique().items()}
    as_of = counts.groupby("force_id")["as_of_month"].max()
    incomplete = counts.groupby("force_id")["crimes_incomplete"].sum()
    out.insert(1, "is_selected", out["force_id"] == selected)
    out.insert(2, "months_supplied", out["force_id"].map(months).astype("int64"))
    out.insert(3, "as_of_month", out["force_id"].map(as_of))
    out.insert(4, "crimes_incomplete", out["force_id"].map(incomplete).astype("int64"))
    order = {m: i for i, m in enumerate(MEASURES)}
    out = out.sort_values(
        ["measure", "force_id"], key=lambda s: s.map(order) if s.name == "measure" else s
    ).reset_index(drop=True)
    caveats = [
        "Forces differ in how far their outcomes have been followed (as_of_month) and in "
        "their crime mix; a position outside the funnel is a prompt to look, not a verdict.",
    ]
    short = sorted(f for f, n in months.items() if n < period.n_months)
    if short:
        caveats.append(
            f"{len(short)} forces lack street files for some months of the period: "
            + ", ".join(f"{f} ({months[f]} of {period.n_months})" for f in short[:10])
            + (" ..." if len(short) > 10 else "")
        )
    if silent:
        caveats.append(
            "No outcomes are published for "
            + ", ".join(sorted(silent))
            + ": shown, but left out of the target."
        )
    if int(incomplete.sum()):
        caveats.append(
            f"{int(incomplete.sum())} crimes were recorded less than {complete_after} months "
            "before their force's as-of month: their outcomes are still arriving."
        )
    caveats += snapshot_caveats(coverage)
    return IndicatorResult(
        name="outcomes.peers",
        title=f"Outcome rates of every force loaded: {period.label}",
        definition=PEERS_DEFINITION,
        table=out,
        caveats=caveats,
        is_synthetic=any_synthetic(coverage["snapshot"]),
        meta={
            "period": period.label,
            "force_id": selected,
            "measure": measure,
            "forces": int(out["force_id"].nunique()),
            "complete_after_months": complete_after,
            "confidence": confidence,
        },
    )
