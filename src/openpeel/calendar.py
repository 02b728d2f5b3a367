"""The calendar: months, financial years and periods of analysis (the bottom layer).

Every table's ``month`` is the first day of a month as a ``date``. Month arithmetic lives here
once (an index counts months since year 0, so adding and subtracting months is integer
arithmetic); so does :class:`Period`, the closed range of whole months an analysis covers, and
the one rule for the period shown when none is asked for (:func:`default_period`).

May import: the standard library and ``openpeel.errors`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from openpeel.errors import UserInputError

MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
#: Months in the period shown when none is asked for (the latest year of data).
DEFAULT_SPAN_MONTHS = 12


def parse_month(text: str) -> date:
    """``"2021-04"`` -> ``date(2021, 4, 1)``; UserInputError naming the expected form."""
    if not MONTH_PATTERN.fullmatch(text):
        raise UserInputError(f"not a month: {text!r} (expected YYYY-MM)")
    return date(int(text[:4]), int(text[5:7]), 1)


def month_index(month: date) -> int:
    """A month as a count of months since year 0 (consecutive months differ by one)."""
    return month.year * 12 + month.month - 1


def month_at(index: int) -> date:
    """The first day of the month a :func:`month_index` stands for."""
    return date(index // 12, index % 12 + 1, 1)


def add_months(month: date, months: int) -> date:
    """The first day of the month ``months`` after (or, negative, before) ``month``'s."""
    return month_at(month_index(month) + months)


def months_between(first: date, last: date) -> int:
    """How many months ``last`` is after ``first`` (0 for the same month)."""
    return month_index(last) - month_index(first)


def month_range(first: date, last: date) -> list[date]:
    """Every first-of-month from ``first`` to ``last`` inclusive."""
    return [month_at(i) for i in range(month_index(first), month_index(last) + 1)]


def last_day(month: date) -> date:
    """The last day of ``month``'s month."""
    return add_months(month.replace(day=1), 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A closed range of whole months, ``start`` and ``end`` being first days of months."""

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.start.day != 1 or self.end.day != 1:
            raise UserInputError(
                "a period runs from the first day of a month to the first of a month"
            )
        if self.end < self.start:
            raise UserInputError(
                f"the period ends ({self.end:%Y-%m}) before it starts ({self.start:%Y-%m})"
            )

    @property
    def months(self) -> list[date]:
        """Every month in the period."""
        return month_range(self.start, self.end)

    @property
    def n_months(self) -> int:
        """How many months the period spans."""
        return months_between(self.start, self.end) + 1

    @classmethod
    def from_months(cls, start: str, end: str) -> Period:
        """``Period.from_months("2021-04", "2022-03")``."""
        return cls(parse_month(start), parse_month(end), f"{start} to {end}")

    @classmethod
    def financial_year(cls, text: str) -> Period:
        """``Period.financial_year("2019/20")``: April 2019 to March 2020."""
        m = re.fullmatch(r"(\d{4})/(\d{2}|\d{4})", text.strip())
        if not m:
            raise UserInputError(f"not a financial year: {text!r} (expected e.g. 2019/20)")
        first = int(m.group(1))
        second = int(m.group(2))
        if second % 100 != (first + 1) % 100:
            raise UserInputError(f"not a financial year: {text!r} (the years must be consecutive)")
        return cls(date(first, 4, 1), date(first + 1, 3, 1), f"{first}/{(first + 1) % 100:02d}")

    @classmethod
    def parse(cls, start: str | None, end: str | None, fy: str | None) -> Period:
        """From command-line options: ``--fy`` or both ``--from`` and ``--to``."""
        if fy:
            if start or end:
                raise UserInputError("give either --fy or --from/--to, not both")
            return cls.financial_year(fy)
        if not (start and end):
            raise UserInputError("give a period: --fy YYYY/YY, or --from YYYY-MM and --to YYYY-MM")
        return cls.from_months(start, end)


def default_period(latest_month: date, span_months: int = DEFAULT_SPAN_MONTHS) -> Period:
    """The period shown when none is asked for: the ``span_months`` calendar months ending with
    the latest month loaded (months without data inside it are reported as missing)."""
    last = latest_month.replace(day=1)
    first = add_months(last, 1 - span_months)
    return Period(first, last, f"{first:%Y-%m} to {last:%Y-%m}")
