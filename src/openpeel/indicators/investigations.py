"""What happens to reported crime: outcomes linked to crimes, outcome rates, time to outcome.

police.uk publishes each crime once, in the street file of the month it was recorded, with its
``Last outcome category`` as known when the file was made; and every outcome again in the
outcomes file of the month the outcome happened, under the same Crime ID (method.md §1, §5).
This module links the two by ``(force_id, crime_id)``:

- ``link_outcomes``: every outcome row with its crime's month and type (orphans have none);
- ``latest_linked_outcome``: per crime, how many outcome rows, the first and the latest;
- ``crime_outcomes``: per crime, its latest known outcome: the latest linked outcome when it
  is newer than the street file's vintage, else the street file's last outcome category;
- rates of each outcome class by month of the crime, by crime type and across forces (with
  Wilson intervals and funnel limits), and Kaplan–Meier time to each outcome class.

Outcome categories map to Home Office outcome groups in
``reference/vocabularies/crime_outcome.csv``; the groups map to the classes reported here in
:data:`CLASS_OF_GROUP`. Outcomes arrive months after the crime, so rates are by month of the
crime and recent months are flagged incomplete; time to outcome treats crimes still open at
the end of the data as censored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import ibis
import numpy as np
import pandas as pd
from ibis.expr.types import Column, Table

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.crime import (
    ALL_CRIME,
    crime_type_codes,
    current_partitions,
    frame,
    is_synthetic,
    loaded_range,
    missing_months,
    month_coverage,
    require_force,
    require_months,
    snapshot_caveats,
)
from openpeel.indicators.period import Period
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.vocabularies import vocabulary
from openpeel.stats.funnel import funnel_position, proportion_funnel
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.survival import kaplan_meier, survival_at, survival_quantile
from openpeel.store.status import describe_months

#: Home Office outcome group (vocabulary ``crime_outcome``) -> the outcome class reported.
CLASS_OF_GROUP: dict[str, str] = {
    "charged_summonsed": "charged_summonsed",
    "out_of_court_formal": "out_of_court",
    "out_of_court_informal": "out_of_court",
    "evidential_difficulties": "evidential_difficulties",
    "no_suspect_identified": "no_suspect_identified",
    "taken_into_consideration": "other_closed",
    "prosecution_prevented_or_not_in_public_interest": "other_closed",
    "further_investigation_not_in_public_interest": "other_closed",
    "responsibility_transferred": "other_closed",
    "under_investigation": "under_investigation",
    "status_unavailable": "no_status",
}
#: Outcome classes in reporting order; they partition the crimes.
CLASSES: tuple[str, ...] = (
    "charged_summonsed",
    "out_of_court",
    "evidential_difficulties",
    "no_suspect_identified",
    "other_closed",
    "under_investigation",
    "no_status",
    "unknown",
)
#: Classes that are outcomes (an investigation decision), the events of time to outcome.
CLOSING_CLASSES: tuple[str, ...] = CLASSES[:5]
ANY_OUTCOME = "any_outcome"
#: Charged, court result not yet known: the street file's "Awaiting court outcome", or a
#: "Suspect charged" outcome row with no court result after it.
AWAITING_COURT_CODES: tuple[str, ...] = ("awaiting_court_outcome", "suspect_charged")
AWAITING_COURT = "awaiting_court"
OPEN_OR_AWAITING_COURT = "under_investigation_or_awaiting_court"
#: Measures of the rate tables: the classes, then two that overlap them.
MEASURES: tuple[str, ...] = (*CLASSES, AWAITING_COURT, OPEN_OR_AWAITING_COURT)
#: Every month: for looking up what is loaded whatever the period asked for.
ALL_MONTHS = Period(date(1900, 1, 1), date(2999, 12, 1), "all months")
#: Default follow-up (months from the crime month to the data's as-of month) before a cohort
#: counts as complete.
COMPLETE_AFTER_MONTHS = 12

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
PEERS_DEFINITION = (
    RATES_DEFINITION
    + " Peers: every force with street files in the period. target: the pooled share of all "
    "forces that publish outcomes; lower_95/upper_95 and lower_99_8/upper_99_8: exact binomial "
    "funnel limits around the target for the force's number of crimes (Spiegelhalter 2005). "
    "funnel_position says where the force's share falls."
)
QUALITY_DEFINITION = (
    "Exact counts of the loaded rows (a census of the published files, not a sample, so no "
    "interval). share = count / denominator. Outcome measures count outcome rows whose outcome "
    "month is in the period; an orphan is an outcome whose Crime ID matches no crime in any "
    "street month loaded for the force (its crime is usually older than the loaded months)."
)


# --------------------------------------------------------------------------- vocabulary


def _outcome_rank() -> dict[str, int]:
    """Which of two outcomes of the same month is the later one: court result 3, charge 2,
    other outcomes 1, statuses 0 (police.uk gives months, not dates)."""
    rank: dict[str, int] = {}
    for term in vocabulary("crime_outcome").values():
        cls = CLASS_OF_GROUP.get(term.group, "unknown")
        if cls == "charged_summonsed":
            rank[term.code] = 2 if term.code in AWAITING_COURT_CODES else 3
        else:
            rank[term.code] = 1 if cls in CLOSING_CLASSES else 0
    return rank


def outcome_class(group: Column) -> Column:
    """The outcome class of a Home Office group column (blank: ``no_status``)."""
    return ibis.ifelse(
        group.isnull(), "no_status", group.substitute(CLASS_OF_GROUP, else_="unknown")
    )


def outcome_code(raw: Column) -> Column:
    """Canonical code of a published outcome category, from the current vocabulary.

    Mapping the raw text at query time (not the code stored at ingest) means a refined
    ``crime_outcome.csv`` applies to data already loaded. Unmapped: ``unknown``; blank: NULL.
    """
    codes = {t.raw: t.code for t in vocabulary("crime_outcome").values()}
    return ibis.ifelse(raw.isnull(), ibis.null("string"), raw.substitute(codes, else_="unknown"))


def outcome_group(raw: Column) -> Column:
    """Home Office outcome group of a published outcome category (current vocabulary)."""
    groups = {t.raw: t.group for t in vocabulary("crime_outcome").values()}
    return ibis.ifelse(raw.isnull(), ibis.null("string"), raw.substitute(groups, else_="unknown"))


def month_index(month: Column) -> Column:
    """A month as a running count of months (year * 12 + month), a 64-bit integer.

    The casts are explicit because Ibis types ``year()`` as int64 but Spark's EXTRACT returns a
    32-bit INT, and the sort keys built on this overflowed there (found by the engine-parity
    suite); DuckDB widens on its own.
    """
    return month.year().cast("int64") * 12 + month.month().cast("int64")


def months_between(start: Column, end: Column) -> Column:
    """Whole calendar months from ``start`` to ``end`` (dates, first of the month)."""
    return month_index(end) - month_index(start)


# --------------------------------------------------------------------------- Ibis


def crime_keys(crimes: Table) -> Table:
    """One row per ``(force_id, crime_id)`` of a crime: its month and type.

    A Crime ID published in more than one street month keeps its first month.
    """
    c = crimes.filter(crimes.crime_id.notnull() & ~crimes.is_anti_social_behaviour)
    return c.group_by("force_id", "crime_id").agg(
        crime_month=c.month.min(),
        crime_type_code=c.crime_type_code.argmin(c.month),
        street_rows=c.count(),
    )


def _coded_outcomes(outcomes: Table) -> Table:
    """Outcome rows with code, group, class and same-month rank from the current vocabulary."""
    rank = _outcome_rank()
    o = outcomes.mutate(
        outcome_code=outcome_code(outcomes.outcome_type_raw),
        outcome_group=outcome_group(outcomes.outcome_type_raw),
    )
    return o.mutate(
        outcome_class=outcome_class(o.outcome_group),
        outcome_rank=o.outcome_code.substitute(rank, else_=0),
    )


def link_outcomes(outcomes: Table, keys: Table) -> Table:
    """Every outcome row with its crime's month and type; NULL for orphans.

    Args:
        outcomes: the ``outcomes`` table (or a filter of it).
        keys: :func:`crime_keys` of the crimes to link to.
    """
    o = _coded_outcomes(outcomes)
    j = o.left_join(keys, [o.force_id == keys.force_id, o.crime_id == keys.crime_id])
    linked = j.select(
        force_id=o.force_id,
        crime_id=o.crime_id,
        outcome_month=o.month,
        outcome_type_raw=o.outcome_type_raw,
        outcome_code=o.outcome_code,
        outcome_group=o.outcome_group,
        outcome_class=o.outcome_class,
        outcome_rank=o.outcome_rank,
        crime_month=keys.crime_month,
        crime_type_code=keys.crime_type_code,
        source_file=o.source_file,
        source_row=o.source_row,
    )
    return linked.mutate(
        is_linked=linked.crime_month.notnull(),
        months_to_outcome=months_between(linked.crime_month, linked.outcome_month),
    )


def latest_linked_outcome(outcomes: Table) -> Table:
    """Per ``(force_id, crime_id)``: outcome rows, first and latest outcome month, and the
    latest outcome.

    police.uk gives months, not dates, so ties within a month are broken by what must come
    later (a court result after a charge, a charge after other outcomes), then by the
    vocabulary's order of categories, then by the row's place in the file: the choice is
    deterministic. One ``arg_max`` on a single integer key does this in one aggregation
    (about twice as fast as a window with ``row_number`` on a force-year).
    """
    o = _coded_outcomes(outcomes)
    raws = list(vocabulary("crime_outcome"))
    preference = {raw: len(raws) - i for i, raw in enumerate(raws)}  # earlier raw: higher
    # month (~24,300) x 10 x 100 x 10^7 stays far below the int64 limit.
    key = (
        (month_index(o.month) * 10 + o.outcome_rank) * 100
        + o.outcome_type_raw.substitute(preference, else_=0)
    ) * 10_000_000 + o.source_row.fill_null(0)
    latest = o.group_by("force_id", "crime_id").agg(
        outcome_rows=o.count(),
        first_outcome_month=o.month.min(),
        linked_outcome_month=o.month.max(),
        linked_outcome_raw=o.outcome_type_raw.argmax(key),
    )
    return latest.mutate(
        linked_outcome_code=outcome_code(latest.linked_outcome_raw),
        linked_outcome_group=outcome_group(latest.linked_outcome_raw),
    )


def street_as_of(partitions: Table) -> Table:
    """Per street force-month: the month its download was made (the snapshot's vintage),
    which is when its 'Last outcome category' was current. Unreadable vintages fall back to
    the crime month itself (no follow-up assumed)."""
    p = partitions.filter(partitions.table_name == "crimes")
    vintage = (p.vintage.substr(0, 7) + "-01").try_cast("date")
    return p.select("force_id", "month", street_as_of=ibis.coalesce(vintage, p.month))


def outcomes_runs(partitions: Table) -> Table:
    """Per force, each run of consecutive months with an outcomes file: ``run_start``,
    ``run_end`` and ``run_months`` (gaps and islands: month index minus row number)."""
    p = partitions.filter(partitions.table_name == "outcomes")
    p = p.mutate(
        island=month_index(p.month)
        - ibis.row_number().over(ibis.window(group_by="force_id", order_by=p.month))
    )
    return (
        p.group_by("force_id", "island")
        .agg(run_start=p.month.min(), run_end=p.month.max(), run_months=p.count())
        .drop("island")
    )


def crime_outcomes(crimes: Table, outcomes: Table, partitions: Table) -> Table:
    """One row per crime (not ASB) with its latest known outcome and follow-up.

    The as-of month of a crime is its street file's download month, extended to the end of a
    run of consecutive outcomes files that starts no later than the month after it: until then
    every outcome of the crime would have been seen.

    Args:
        crimes: the crimes to report on (already filtered to forces and months).
        outcomes: the outcome rows that may concern them (any outcome month).
        partitions: the current manifest rows (``lake_partitions``).

    Returns:
        ``force_id, crime_id, month, crime_type_code, has_location, street_outcome_code,
        street_outcome_group, outcome_rows, first_outcome_month, linked_outcome_month,
        linked_outcome_code, latest_outcome_raw, latest_outcome_code, latest_outcome_group,
        latest_source, street_as_of, as_of_month, outcome_class, is_awaiting_court,
        months_observed``.
    """
    c = crimes.filter(~crimes.is_anti_social_behaviour)
    c = c.mutate(
        street_code=outcome_code(c.last_outcome_category_raw),
        street_group=outcome_group(c.last_outcome_category_raw),
    )
    s = street_as_of(partitions)
    latest = latest_linked_outcome(outcomes)
    runs = outcomes_runs(partitions)
    seen = ibis.coalesce(s.street_as_of, c.month)
    j = (
        c.left_join(s, [c.force_id == s.force_id, c.month == s.month])
        .left_join(latest, [c.force_id == latest.force_id, c.crime_id == latest.crime_id])
        .left_join(
            runs,
            [
                c.force_id == runs.force_id,
                month_index(runs.run_start) <= month_index(seen) + 1,
                month_index(runs.run_end) > month_index(seen),
            ],
        )
    )
    use_linked = latest.linked_outcome_month.notnull() & (
        c.street_code.isnull() | (latest.linked_outcome_month > seen)
    )
    out = j.select(
        force_id=c.force_id,
        crime_id=c.crime_id,
        month=c.month,
        crime_type_code=c.crime_type_code,
        has_location=c.has_location,
        street_outcome_code=c.street_code,
        street_outcome_group=c.street_group,
        outcome_rows=latest.outcome_rows.fill_null(0),
        first_outcome_month=latest.first_outcome_month,
        linked_outcome_month=latest.linked_outcome_month,
        linked_outcome_code=latest.linked_outcome_code,
        latest_outcome_raw=ibis.ifelse(
            use_linked, latest.linked_outcome_raw, c.last_outcome_category_raw
        ),
        latest_outcome_code=ibis.ifelse(use_linked, latest.linked_outcome_code, c.street_code),
        latest_outcome_group=ibis.ifelse(use_linked, latest.linked_outcome_group, c.street_group),
        latest_source=ibis.ifelse(
            use_linked,
            "outcomes_file",
            ibis.ifelse(c.street_code.notnull(), "street_file", "none"),
        ),
        street_as_of=seen,
        as_of_month=ibis.coalesce(runs.run_end, seen),
    )
    return out.mutate(
        outcome_class=outcome_class(out.latest_outcome_group),
        is_awaiting_court=out.latest_outcome_code.isin(AWAITING_COURT_CODES).fill_null(False),
        months_observed=months_between(out.month, out.as_of_month),
    )


def outcome_counts(rows: Table, by: Sequence[str], complete_after: int) -> Table:
    """Crimes per cell and outcome class, with the awaiting-court subset and follow-up.

    Args:
        rows: :func:`crime_outcomes`.
        by: the cell columns (e.g. ``force_id, month``).
        complete_after: months of follow-up before a crime's cohort counts as complete.
    """
    return rows.group_by([*by, "outcome_class"]).agg(
        crimes=rows.count(),
        awaiting_court=rows.is_awaiting_court.sum(),
        crimes_incomplete=(rows.months_observed < complete_after).sum(),
        months_observed=rows.months_observed.min(),
        as_of_month=rows.as_of_month.max(),
    )


# --------------------------------------------------------------------------- helpers


def _forces_rows(con: Any, force_ids: Sequence[str] | None, period: Period) -> Table:
    c = con.table("crimes")
    rows = c.filter((c.month >= period.start) & (c.month <= period.end))
    return rows if force_ids is None else rows.filter(rows.force_id.isin(list(force_ids)))


def _outcome_rows(con: Any, force_ids: Sequence[str] | None) -> Table:
    o = con.table("outcomes")
    return o if force_ids is None else o.filter(o.force_id.isin(list(force_ids)))


def crime_outcome_rows(con: Any, force_ids: Sequence[str] | None, period: Period) -> Table:
    """:func:`crime_outcomes` for crimes of some forces (None: all) recorded in a period."""
    return crime_outcomes(
        _forces_rows(con, force_ids, period),
        _outcome_rows(con, force_ids),
        current_partitions(con),
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
    x = long["crimes_in_measure"].to_numpy(dtype=float)
    n = long["crimes"].to_numpy(dtype=float)
    low, high = wilson_interval(x, n, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        long["share"] = np.where(n > 0, x / n, np.nan)
    long["share_low"] = low
    long["share_high"] = high
    order = {m: i for i, m in enumerate(MEASURES)}
    long = long.sort_values(
        [*keys, "measure"], key=lambda s: s.map(order) if s.name == "measure" else s
    )
    long["crimes"] = long["crimes"].astype("int64")
    long["crimes_in_measure"] = long["crimes_in_measure"].astype("int64")
    return long[
        [*keys, "measure", "crimes", "crimes_in_measure", "share", "share_low", "share_high"]
    ]


def _outcome_caveats(con: Any, force_id: str, period: Period, coverage: pd.DataFrame) -> list[str]:
    caveats = snapshot_caveats(coverage)
    missing = missing_months(period, coverage["month"])
    if missing:
        caveats.append(
            f"{len(missing)} of {period.n_months} months have no street file for {force_id} "
            f"({describe_months(missing)}): their crimes are missing, not zero."
        )
    outcomes = month_coverage(con, "outcomes", ALL_MONTHS, [force_id])
    if outcomes.empty:
        caveats.append(
            f"No outcomes files are loaded for {force_id}: each crime's outcome is the street "
            "file's 'Last outcome category' as of its download."
        )
    else:
        span = Period(outcomes["month"].min(), outcomes["month"].max(), "outcomes")
        gaps = missing_months(span, outcomes["month"])
        if gaps:
            caveats.append(
                f"Outcomes files are missing for {describe_months(gaps)}: outcomes published "
                "only in those months are not seen."
            )
    return caveats


def _complete_caveat(table: pd.DataFrame, complete_after: int) -> list[str]:
    if "is_incomplete" not in table or not table["is_incomplete"].any():
        return []
    months = sorted(set(table.loc[table["is_incomplete"], "crime_month"]))
    return [
        f"Crimes of {describe_months(months)} have had less than {complete_after} months for "
        "outcomes to arrive: their rates are incomplete (charges and court results come late), "
        "so compare them with care."
    ]


def _check_measure(measure: str | None) -> None:
    if measure is not None and measure not in MEASURES:
        raise UserInputError(f"unknown measure {measure!r}; use one of: {', '.join(MEASURES)}")


# --------------------------------------------------------------------------- rates


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
    force_id = require_force(force_id)
    _check_measure(measure)
    coverage = require_months(con, "crimes", force_id, period)
    rows = crime_outcome_rows(con, [force_id], period)
    counts = frame(outcome_counts(rows, ["force_id", "month"], complete_after))
    if counts.empty:
        raise DataUnavailableError(f"no crimes (other than anti-social behaviour) for {force_id}")
    table = rate_table(counts, ["force_id", "month"], confidence)
    observed = counts.groupby("month")["months_observed"].min()
    table.insert(2, "months_observed", table["month"].map(observed).astype("int64"))
    table.insert(3, "is_incomplete", table["months_observed"] < complete_after)
    table = table.rename(columns={"month": "crime_month"})
    caveats = _outcome_caveats(con, force_id, period, coverage)
    caveats += _complete_caveat(table, complete_after)
    if measure is not None:
        table = table[table["measure"] == measure]
    table = table.reset_index(drop=True)
    return IndicatorResult(
        name="outcomes.summary",
        title=f"Outcomes of crimes by month recorded: {force_id}, {period.label}",
        definition=RATES_DEFINITION,
        table=table,
        caveats=caveats,
        is_synthetic=is_synthetic(_snapshots(con, [force_id], period)),
        meta={
            "force_id": force_id,
            "period": period.label,
            "measure": measure,
            "complete_after_months": complete_after,
            "confidence": confidence,
            "as_of_month": str(counts["as_of_month"].max())[:7],
        },
    )


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
    force_id = require_force(force_id)
    _check_measure(measure)
    coverage = require_months(con, "crimes", force_id, period)
    rows = crime_outcome_rows(con, [force_id], period)
    counts = frame(outcome_counts(rows, ["force_id", "crime_type_code"], complete_after))
    if counts.empty:
        raise DataUnavailableError(f"no crimes (other than anti-social behaviour) for {force_id}")
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
    caveats = _outcome_caveats(con, force_id, period, coverage)
    n_incomplete = int(incomplete.get(ALL_CRIME, 0))
    if n_incomplete:
        caveats.append(
            f"{n_incomplete} of the crimes were recorded less than {complete_after} months "
            "before the data's as-of month: more outcomes are to come, so charge and "
            "out-of-court rates are understated and under_investigation overstated."
        )
    return IndicatorResult(
        name="outcomes.by_type",
        title=f"Outcomes of crimes by crime type: {force_id}, {period.label}",
        definition=RATES_DEFINITION,
        table=table,
        caveats=caveats,
        is_synthetic=is_synthetic(_snapshots(con, [force_id], period)),
        meta={
            "force_id": force_id,
            "period": period.label,
            "measure": measure,
            "complete_after_months": complete_after,
            "confidence": confidence,
        },
    )


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
    _check_measure(measure)
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
        is_synthetic=is_synthetic(coverage["snapshot"]),
        meta={
            "period": period.label,
            "force_id": selected,
            "measure": measure,
            "forces": int(out["force_id"].nunique()),
            "complete_after_months": complete_after,
            "confidence": confidence,
        },
    )


# --------------------------------------------------------------------------- time to outcome


def first_outcomes(outcomes: Table) -> Table:
    """Per crime and closing class (and ``any_outcome``): the month of the first such outcome."""
    o = _coded_outcomes(outcomes)
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
    crimes = _forces_rows(con, [force_id], period)
    if crime_type is not None and crime_type != ALL_CRIME:
        crimes = crimes.filter(crimes.crime_type_code == crime_type)
    cohort_q, events_q = time_to_outcome_counts(crimes, _outcome_rows(con, [force_id]), first, last)
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
        is_synthetic=is_synthetic([*coverage["snapshot"], *outcome_months["snapshot"]]),
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


# --------------------------------------------------------------------------- history


def outcome_history(
    con: Any, force_id: str, period: Period, crime_id: str | None = None
) -> IndicatorResult:
    """Every outcome row of the crimes recorded in the period (or of one crime), in order.

    Returns:
        ``force_id, crime_id, crime_month, crime_type, outcome_month, months_to_outcome,
        outcome_type_raw, outcome_code, outcome_group, outcome_class``.
    """
    force_id = require_force(force_id)
    coverage = require_months(con, "crimes", force_id, period)
    crimes = _forces_rows(con, [force_id], period)
    keys = crime_keys(crimes)
    linked = link_outcomes(_outcome_rows(con, [force_id]), keys).filter(lambda t: t.is_linked)
    if crime_id is not None:
        linked = linked.filter(linked.crime_id == crime_id)
    df = linked.select(
        "force_id",
        "crime_id",
        "crime_month",
        crime_type="crime_type_code",
        outcome_month="outcome_month",
        months_to_outcome="months_to_outcome",
        outcome_type_raw="outcome_type_raw",
        outcome_code="outcome_code",
        outcome_group="outcome_group",
        outcome_class="outcome_class",
        outcome_rank="outcome_rank",
    )
    ordered = df.order_by(
        ["crime_month", "crime_id", "outcome_month", "outcome_rank", "outcome_code"]
    )
    df = frame(ordered).drop(columns="outcome_rank")
    caveats = _outcome_caveats(con, force_id, period, coverage)
    if crime_id is not None and df.empty:
        caveats.append(f"No outcome row of crime {crime_id} is loaded.")
    return IndicatorResult(
        name="outcomes.history",
        title=f"Outcome history of crimes: {force_id}, {period.label}",
        definition=(
            "One row per outcome row of the outcomes files whose Crime ID matches a crime "
            "recorded in the period (street files). months_to_outcome: calendar months from "
            "the crime month to the outcome month. Several rows per crime are usual (charge, "
            "then court result; several suspects)."
        ),
        table=df.reset_index(drop=True),
        caveats=caveats,
        is_synthetic=is_synthetic(_snapshots(con, [force_id], period)),
        meta={"force_id": force_id, "period": period.label, "crime_id": crime_id},
    )


def latest_outcomes(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """One row per crime of the period with its latest known outcome and where it came from.

    Returns:
        ``force_id, crime_id, crime_month, crime_type, street_outcome_code, outcome_rows,
        first_outcome_month, linked_outcome_month, linked_outcome_code, latest_outcome_code,
        latest_outcome_group, outcome_class, latest_source, as_of_month, months_observed``.
    """
    force_id = require_force(force_id)
    coverage = require_months(con, "crimes", force_id, period)
    rows = crime_outcome_rows(con, [force_id], period)
    df = rows.select(
        "force_id",
        "crime_id",
        crime_month="month",
        crime_type="crime_type_code",
        street_outcome_code="street_outcome_code",
        outcome_rows="outcome_rows",
        first_outcome_month="first_outcome_month",
        linked_outcome_month="linked_outcome_month",
        linked_outcome_code="linked_outcome_code",
        latest_outcome_code="latest_outcome_code",
        latest_outcome_group="latest_outcome_group",
        outcome_class="outcome_class",
        latest_source="latest_source",
        as_of_month="as_of_month",
        months_observed="months_observed",
    )
    df = frame(df.order_by(["crime_month", "crime_id"]))
    return IndicatorResult(
        name="outcomes.latest",
        title=f"Latest known outcome of each crime: {force_id}, {period.label}",
        definition=RATES_DEFINITION,
        table=df.reset_index(drop=True),
        caveats=_outcome_caveats(con, force_id, period, coverage),
        is_synthetic=is_synthetic(_snapshots(con, [force_id], period)),
        meta={"force_id": force_id, "period": period.label},
    )


# --------------------------------------------------------------------------- data quality


def outcome_quality(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Orphan outcomes, crimes without location or Crime ID, missing months, and more.

    Returns:
        ``force_id, measure, count, denominator, share, detail``.
    """
    force_id = require_force(force_id)
    street = month_coverage(con, "crimes", period, [force_id])
    outcome_months = month_coverage(con, "outcomes", period, [force_id])
    if street.empty and outcome_months.empty:
        raise DataUnavailableError(
            f"no street or outcomes files loaded for {force_id} in "
            f"{period.start:%Y-%m}..{period.end:%Y-%m} "
            f"(street: {loaded_range(con, 'crimes', force_id)}; "
            f"outcomes: {loaded_range(con, 'outcomes', force_id)})"
        )
    rows: list[dict[str, Any]] = []

    def add(measure: str, count: int, denominator: int | None, detail: str = "") -> None:
        share = count / denominator if denominator else None
        rows.append(
            {
                "force_id": force_id,
                "measure": measure,
                "count": int(count),
                "denominator": None if denominator is None else int(denominator),
                "share": share,
                "detail": detail,
            }
        )

    missing_street = missing_months(period, street["month"])
    add(
        "street_months_missing",
        len(missing_street),
        period.n_months,
        describe_months(missing_street),
    )
    missing_outcomes = missing_months(period, outcome_months["month"])
    add(
        "outcomes_months_missing",
        len(missing_outcomes),
        period.n_months,
        describe_months(missing_outcomes),
    )

    c = _forces_rows(con, [force_id], period)
    crime_only = c.filter(~c.is_anti_social_behaviour)
    asb = c.filter(c.is_anti_social_behaviour)
    stats = frame(
        crime_only.aggregate(
            crimes=crime_only.count(),
            no_location=(~crime_only.has_location.fill_null(False)).sum(),
            no_crime_id=crime_only.crime_id.isnull().sum(),
            no_last_outcome=crime_only.last_outcome_category_raw.isnull().sum(),
            unknown_outcome=(outcome_code(crime_only.last_outcome_category_raw) == "unknown")
            .fill_null(False)
            .sum(),
            unknown_type=(crime_only.crime_type_code == "unknown").fill_null(False).sum(),
            distinct_ids=crime_only.crime_id.nunique(),
        )
    )
    asb_stats = frame(
        asb.aggregate(rows=asb.count(), no_location=(~asb.has_location.fill_null(False)).sum())
    )
    s = {k: int(v or 0) for k, v in stats.iloc[0].items()}
    a = {k: int(v or 0) for k, v in asb_stats.iloc[0].items()}
    add("crimes_without_location", s["no_location"], s["crimes"], "'No Location' street rows")
    add("asb_without_location", a["no_location"], a["rows"], "anti-social behaviour rows")
    add(
        "crimes_without_crime_id",
        s["no_crime_id"],
        s["crimes"],
        "cannot be linked to outcomes (BTP publishes none)",
    )
    add("crimes_without_last_outcome", s["no_last_outcome"], s["crimes"], "blank category")
    add("crimes_with_unknown_outcome", s["unknown_outcome"], s["crimes"], "category not mapped")
    add("crimes_with_unknown_type", s["unknown_type"], s["crimes"], "crime type not mapped")
    with_id = s["crimes"] - s["no_crime_id"]
    add(
        "crime_ids_repeated",
        with_id - s["distinct_ids"],
        with_id,
        "street rows beyond the first with the same Crime ID",
    )

    o = con.table("outcomes")
    o = o.filter((o.force_id == force_id) & (o.month >= period.start) & (o.month <= period.end))
    all_keys = crime_keys(con.table("crimes").filter(lambda t: t.force_id == force_id))
    linked = link_outcomes(o, all_keys)
    per_id = linked.group_by("crime_id").agg(
        rows=linked.count(),
        is_linked=linked.is_linked.any(),
        same_month=(linked.months_to_outcome == 0).fill_null(False).any(),
        unknown=(linked.outcome_code == "unknown").fill_null(False).sum(),
    )
    q = frame(
        per_id.aggregate(
            rows=per_id.rows.sum(),
            ids=per_id.count(),
            several=(per_id.rows > 1).sum(),
            extra_rows=(per_id.rows - 1).sum(),
            linked_ids=per_id.is_linked.sum(),
            linked_rows=per_id.rows.sum(where=per_id.is_linked),
            same_month_ids=per_id.same_month.sum(),
            unknown=per_id.unknown.sum(),
        )
    )
    qv = {k: int(0 if pd.isna(v) else v) for k, v in q.iloc[0].items()}
    street_loaded = loaded_range(con, "crimes", force_id)
    add("outcome_rows", qv["rows"], None, "outcome rows with an outcome month in the period")
    add("outcome_crime_ids", qv["ids"], qv["rows"], "distinct Crime IDs among them")
    add(
        "outcome_crime_ids_with_several_rows",
        qv["several"],
        qv["ids"],
        f"{qv['extra_rows']} rows beyond the first (e.g. several suspects charged)",
    )
    add(
        "linked_outcome_crime_ids",
        qv["linked_ids"],
        qv["ids"],
        f"{qv['linked_rows']} rows; street months loaded: {street_loaded}",
    )
    add(
        "linked_same_month_crime_ids",
        qv["same_month_ids"],
        qv["ids"],
        "outcome in the month the crime was recorded",
    )
    add(
        "orphan_outcome_crime_ids",
        qv["ids"] - qv["linked_ids"],
        qv["ids"],
        f"crime not in the street months loaded ({street_loaded})",
    )
    add(
        "orphan_outcome_rows",
        qv["rows"] - qv["linked_rows"],
        qv["rows"],
        "outcome rows of those crimes",
    )
    add("outcome_rows_unknown_category", qv["unknown"], qv["rows"], "category not mapped")

    # Crimes shown as closed in the street file with no outcome row, where one run of
    # consecutive outcomes files covers every month from the crime to the street file's
    # download: every outcome row should have been seen, so a miss is a sign of lost rows.
    covered = crime_outcome_rows(con, [force_id], period)
    runs = outcomes_runs(current_partitions(con))
    covered = covered.join(
        runs,
        [
            covered.force_id == runs.force_id,
            runs.run_start <= covered.month,
            runs.run_end >= covered.street_as_of,
        ],
    )
    closed = covered.filter(
        covered.crime_id.notnull()
        & outcome_class(covered.street_outcome_group).isin(list(CLOSING_CLASSES))
    )
    k = frame(closed.aggregate(closed=closed.count(), without=(closed.outcome_rows == 0).sum()))
    kv = {key: int(0 if pd.isna(v) else v) for key, v in k.iloc[0].items()}
    add(
        "closed_crimes_without_outcome_row",
        kv["without"],
        kv["closed"],
        "street file shows an outcome, but no outcome row was loaded for it",
    )
    table = pd.DataFrame(rows)
    table["denominator"] = table["denominator"].astype("Int64")
    caveats = snapshot_caveats(street) if not street.empty else []
    if qv["ids"] and qv["ids"] > qv["linked_ids"]:
        caveats.append(
            "Orphan outcomes are expected when the street files of earlier months are not "
            "loaded: outcomes often come months or years after the crime."
        )
    return IndicatorResult(
        name="outcomes.quality",
        title=f"Data quality of crimes and outcomes: {force_id}, {period.label}",
        definition=QUALITY_DEFINITION,
        table=table,
        caveats=caveats,
        is_synthetic=is_synthetic([*street["snapshot"], *outcome_months["snapshot"]]),
        meta={"force_id": force_id, "period": period.label},
    )


def _snapshots(con: Any, force_ids: Sequence[str], period: Period) -> list[str]:
    """Snapshots of every street and outcomes partition a result may read."""
    parts = current_partitions(con)
    p = parts.filter(parts.force_id.isin(list(force_ids)))
    p = p.filter(
        (p.table_name == "outcomes")
        | ((p.table_name == "crimes") & (p.month >= period.start) & (p.month <= period.end))
    )
    return [str(s) for s in frame(p.select("snapshot"))["snapshot"]]


__all__ = [
    "ANY_OUTCOME",
    "CLASSES",
    "CLASS_OF_GROUP",
    "CLOSING_CLASSES",
    "MEASURES",
    "crime_keys",
    "crime_outcomes",
    "latest_linked_outcome",
    "latest_outcomes",
    "link_outcomes",
    "outcome_counts",
    "outcome_history",
    "outcome_peers",
    "outcome_quality",
    "outcome_summary",
    "outcomes_by_type",
    "time_to_outcome",
]
