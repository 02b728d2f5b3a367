"""How well the street and outcomes files link: orphan outcomes, crimes with no outcome,
snapshots and coverage."""

from __future__ import annotations

from typing import Any

import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.crime import (
    current_partitions,
    frame,
    loaded_range,
    missing_months,
    month_coverage,
    require_force,
    snapshot_caveats,
)
from openpeel.indicators.investigations.classes import (
    CLOSING_CLASSES,
    outcome_class,
    outcome_code,
)
from openpeel.indicators.investigations.linkage import (
    crime_keys,
    crime_outcome_rows,
    crime_rows,
    link_outcomes,
    outcomes_runs,
)
from openpeel.indicators.result import IndicatorResult, force_period_result
from openpeel.provenance import any_synthetic
from openpeel.store.status import describe_months

QUALITY_DEFINITION = (
    "Exact counts of the loaded rows (a census of the published files, not a sample, so no "
    "interval). share = count / denominator. Outcome measures count outcome rows whose outcome "
    "month is in the period; an orphan is an outcome whose Crime ID matches no crime in any "
    "street month loaded for the force (its crime is usually older than the loaded months)."
)


@computed_once
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

    c = crime_rows(con, [force_id], period)
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
    return force_period_result(
        "outcomes.quality",
        "Data quality of crimes and outcomes",
        force_id,
        period,
        QUALITY_DEFINITION,
        table,
        caveats,
        is_synthetic=any_synthetic([*street["snapshot"], *outcome_months["snapshot"]]),
    )
