"""What the outcome indicators share: coverage caveats, the measure check, snapshots read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import UserInputError
from openpeel.indicators.crime import (
    current_partitions,
    frame,
    missing_months,
    month_coverage,
    snapshot_caveats,
)
from openpeel.indicators.investigations.classes import ALL_MONTHS
from openpeel.reference.outcome_classes import MEASURES
from openpeel.store.status import describe_months


def outcome_caveats(con: Any, force_id: str, period: Period, coverage: pd.DataFrame) -> list[str]:
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


def complete_caveat(table: pd.DataFrame, complete_after: int) -> list[str]:
    if "is_incomplete" not in table or not table["is_incomplete"].any():
        return []
    months = sorted(set(table.loc[table["is_incomplete"], "crime_month"]))
    return [
        f"Crimes of {describe_months(months)} have had less than {complete_after} months for "
        "outcomes to arrive: their rates are incomplete (charges and court results come late), "
        "so compare them with care."
    ]


def check_measure(measure: str | None) -> None:
    if measure is not None and measure not in MEASURES:
        raise UserInputError(f"unknown measure {measure!r}; use one of: {', '.join(MEASURES)}")


def snapshots_read(con: Any, force_ids: Sequence[str], period: Period) -> list[str]:
    """Snapshots of every street and outcomes partition a result may read."""
    parts = current_partitions(con)
    p = parts.filter(parts.force_id.isin(list(force_ids)))
    p = p.filter(
        (p.table_name == "outcomes")
        | ((p.table_name == "crimes") & (p.month >= period.start) & (p.month <= period.end))
    )
    return [str(s) for s in frame(p.select("snapshot"))["snapshot"]]
