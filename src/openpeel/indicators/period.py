"""Periods of analysis: a month range or a financial year (April to March)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from openpeel.errors import UserInputError
from openpeel.store.status import month_range


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
        return len(self.months)

    @classmethod
    def from_months(cls, start: str, end: str) -> Period:
        """``Period.from_months("2021-04", "2022-03")``."""
        s, e = _month(start), _month(end)
        return cls(s, e, f"{start} to {end}")

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


def _month(text: str) -> date:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise UserInputError(f"not a month: {text!r} (expected YYYY-MM)")
    return date(int(text[:4]), int(text[5:]), 1)
