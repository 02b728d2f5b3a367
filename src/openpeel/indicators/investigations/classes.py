"""Outcome classes of the Home Office outcome groups, and the lookups from published outcome
categories to codes, groups and classes (matched after normalising whitespace and case)."""

from __future__ import annotations

from datetime import date

import ibis
from ibis.expr.types import Column

from openpeel.calendar import Period
from openpeel.reference.outcome_classes import (
    CLASSES,
)
from openpeel.reference.vocabularies import lookup, vocabulary

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


#: Classes that are outcomes (an investigation decision), the events of time to outcome.
CLOSING_CLASSES: tuple[str, ...] = CLASSES[:5]


ANY_OUTCOME = "any_outcome"


#: Charged, court result not yet known: the street file's "Awaiting court outcome", or a
#: "Suspect charged" outcome row with no court result after it.
AWAITING_COURT_CODES: tuple[str, ...] = ("awaiting_court_outcome", "suspect_charged")


#: Every month: for looking up what is loaded whatever the period asked for.
ALL_MONTHS = Period(date(1900, 1, 1), date(2999, 12, 1), "all months")


def outcome_rank_of_code() -> dict[str, int]:
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
    ``crime_outcome.csv`` applies to data already loaded. The text is normalised as at ingest
    (whitespace and case). Unmapped: ``unknown``; blank: NULL.
    """
    return _published_outcome(raw, {k: t.code for k, t in lookup("crime_outcome").items()})


def outcome_group(raw: Column) -> Column:
    """Home Office outcome group of a published outcome category (current vocabulary)."""
    return _published_outcome(raw, {k: t.group for k, t in lookup("crime_outcome").items()})


def _published_outcome(raw: Column, mapping: dict[str, str]) -> Column:
    """``mapping`` of the normalised category text: ``unknown`` when unmapped, NULL when blank."""
    value = normalised_text(raw)
    return ibis.ifelse(
        value.isnull() | (value == ""),
        ibis.null("string"),
        value.substitute(mapping, else_="unknown"),
    )


def normalised_text(raw: Column) -> Column:
    """``vocabularies.normalise`` as an Ibis expression."""
    return raw.re_replace(r"\s+", " ").strip().lower()


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
