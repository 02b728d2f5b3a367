"""Answer times and abandonment per line from a force's call log (``call_log``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import numpy as np
import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import UserInputError
from openpeel.formatting import confidence_text
from openpeel.indicators.calls.common import (
    INDEPENDENCE_CAVEAT,
    WEEKDAYS,
    flag,
    in_period,
    is_synthetic_table,
    rounded,
)
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.result import IndicatorResult
from openpeel.indicators.shares import add_share_columns
from openpeel.sources.calls_999 import STANDARD_SHARE
from openpeel.sources.calls_log import LINE_ANSWER_SECONDS

BY_COLUMNS = {"month": "month", "weekday": "weekday", "hour": "hour"}


@computed_once
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
    t = in_period(con.table("call_log"), period)
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
    synthetic = is_synthetic_table(t)
    for c in ("offered", "answered", "answered_within", "abandoned"):
        agg[c] = agg[c].fillna(0).astype("int64")
    agg["threshold_seconds"] = agg["line_code"].map(LINE_ANSWER_SECONDS)
    add_share_columns(agg, "answered_within", "offered", "share_within", confidence)
    add_share_columns(agg, "abandoned", "offered", "abandonment_share", confidence)
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
            f"*_low/*_high: Wilson interval at {confidence_text(confidence)}; "
            "standard_share: the 90% "
            "national 999 standard (none is set for 101 or chat); mean_answer_seconds over "
            "answered calls."
        ),
        table=rounded(agg[cols]),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={"period": period.label, "force_id": force_id, "by": by, "confidence": confidence},
    )
