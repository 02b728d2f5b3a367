"""The outcome history of a force's crimes and their latest outcomes."""

from __future__ import annotations

from typing import Any

from openpeel.calendar import Period
from openpeel.indicators.crime import (
    frame,
    require_force,
    require_months,
)
from openpeel.indicators.investigations.common import (
    outcome_caveats,
)
from openpeel.indicators.investigations.linkage import (
    crime_keys,
    crime_outcome_rows,
    crime_rows,
    link_outcomes,
    outcome_rows,
)
from openpeel.indicators.investigations.rates import outcomes_result
from openpeel.indicators.result import IndicatorResult


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
    crimes = crime_rows(con, [force_id], period)
    keys = crime_keys(crimes)
    linked = link_outcomes(outcome_rows(con, [force_id]), keys).filter(lambda t: t.is_linked)
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
    caveats = outcome_caveats(con, force_id, period, coverage)
    if crime_id is not None and df.empty:
        caveats.append(f"No outcome row of crime {crime_id} is loaded.")
    return outcomes_result(
        con,
        coverage,
        period,
        "outcomes.history",
        "Outcome history of crimes",
        df.reset_index(drop=True),
        caveats,
        definition=(
            "One row per outcome row of the outcomes files whose Crime ID matches a crime "
            "recorded in the period (street files). months_to_outcome: calendar months from "
            "the crime month to the outcome month. Several rows per crime are usual (charge, "
            "then court result; several suspects)."
        ),
        crime_id=crime_id,
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
    return outcomes_result(
        con,
        coverage,
        period,
        "outcomes.latest",
        "Latest known outcome of each crime",
        df.reset_index(drop=True),
        outcome_caveats(con, force_id, period, coverage),
    )
