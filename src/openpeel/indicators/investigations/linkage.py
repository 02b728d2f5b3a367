"""Linking outcomes to crimes by ``(force_id, crime_id)``: every outcome row with its crime's
month and type, per crime the latest linked outcome, and per crime its latest known outcome
(the linked outcome when newer than the street file's vintage, else the street file's)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import ibis
from ibis.expr.types import Table

from openpeel.calendar import Period
from openpeel.indicators.computed_once import computed_once, is_computing_once
from openpeel.indicators.crime import (
    current_partitions,
)
from openpeel.indicators.investigations.classes import (
    AWAITING_COURT_CODES,
    month_index,
    months_between,
    normalised_text,
    outcome_class,
    outcome_code,
    outcome_group,
    outcome_rank_of_code,
)
from openpeel.reference.vocabularies import lookup


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


def coded_outcomes(outcomes: Table) -> Table:
    """Outcome rows with code, group, class and same-month rank from the current vocabulary."""
    rank = outcome_rank_of_code()
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
    o = coded_outcomes(outcomes)
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
    o = coded_outcomes(outcomes)
    raws = list(lookup("crime_outcome"))
    preference = {raw: len(raws) - i for i, raw in enumerate(raws)}  # earlier raw: higher
    # month (~24,300) x 10 x 100 x 10^7 stays far below the int64 limit.
    key = (
        (month_index(o.month) * 10 + o.outcome_rank) * 100
        + normalised_text(o.outcome_type_raw).substitute(preference, else_=0)
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


def crime_rows(con: Any, force_ids: Sequence[str] | None, period: Period) -> Table:
    c = con.table("crimes")
    rows = c.filter((c.month >= period.start) & (c.month <= period.end))
    return rows if force_ids is None else rows.filter(rows.force_id.isin(list(force_ids)))


def outcome_rows(con: Any, force_ids: Sequence[str] | None) -> Table:
    o = con.table("outcomes")
    return o if force_ids is None else o.filter(o.force_id.isin(list(force_ids)))


def crime_outcome_rows(con: Any, force_ids: Sequence[str] | None, period: Period) -> Table:
    """:func:`crime_outcomes` for crimes of some forces (None: all) recorded in a period.

    Inside a ``computing_once()`` block (a report, the loads preparing the pages) the rows of
    named forces are joined once and held in a DuckDB temporary table, which every outcome
    indicator of the block then reads (four of them ask for the same force and period)."""
    return _joined(con, None if force_ids is None else tuple(force_ids), period)


@computed_once(shared=True)
def _joined(con: Any, force_ids: tuple[str, ...] | None, period: Period) -> Table:
    rows = crime_outcomes(
        crime_rows(con, force_ids, period),
        outcome_rows(con, force_ids),
        current_partitions(con),
    )
    if force_ids is None or not is_computing_once() or getattr(con, "name", "") != "duckdb":
        return rows  # every force's crimes: aggregated as they are read, never held
    # A plain temporary table (gone with the connection), as for a stop-and-search scope.
    return con.create_table(f"crime_outcomes_{uuid.uuid4().hex[:12]}", rows, temp=True)
