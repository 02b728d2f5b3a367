"""The outcome classes crimes are counted in (a partition of the Home Office outcome groups)
and the measures of the outcome rate tables, as data: the command line offers them as choices
without importing the analytics that count them (``indicators.investigations``)."""

from __future__ import annotations

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

AWAITING_COURT = "awaiting_court"

OPEN_OR_AWAITING_COURT = "under_investigation_or_awaiting_court"

#: Measures of the rate tables: the classes, then two that overlap them.
MEASURES: tuple[str, ...] = (*CLASSES, AWAITING_COURT, OPEN_OR_AWAITING_COURT)

#: Default follow-up (months from the crime month to the data's as-of month) before a cohort
#: counts as complete.
COMPLETE_AFTER_MONTHS = 12
