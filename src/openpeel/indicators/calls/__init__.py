"""Answering the public: 999 performance against the national standard (``published``),
call-log answer times and abandonment (``call_logs``), and the call handlers an hour of the week
needs (``staffing``).

Counting happens in Ibis on the lake's tables (``calls_999_monthly``, ``call_log``); intervals
and the Erlang models run in Python on the small aggregated results. Every public name is
importable from ``openpeel.indicators.calls``.
"""

from openpeel.indicators.calls.call_logs import BY_COLUMNS, answer_performance
from openpeel.indicators.calls.common import (
    INDEPENDENCE_CAVEAT,
    WEEKDAYS,
    flag,
    loaded_months,
    rounded,
)
from openpeel.indicators.calls.published import (
    PUBLISHED_DEFINITION,
    published_999_forces,
    published_999_trend,
)
from openpeel.indicators.calls.staffing import (
    STAFFING_DEFINITION,
    IntervalStaffing,
    default_within,
    model_note,
    read_roster,
    staffing_by_hour_of_week,
    staffing_from_log,
    staffing_interval,
    staffing_single,
)

__all__ = [
    "BY_COLUMNS",
    "INDEPENDENCE_CAVEAT",
    "PUBLISHED_DEFINITION",
    "STAFFING_DEFINITION",
    "WEEKDAYS",
    "IntervalStaffing",
    "answer_performance",
    "default_within",
    "flag",
    "loaded_months",
    "model_note",
    "published_999_forces",
    "published_999_trend",
    "read_roster",
    "rounded",
    "staffing_by_hour_of_week",
    "staffing_from_log",
    "staffing_interval",
    "staffing_single",
]
