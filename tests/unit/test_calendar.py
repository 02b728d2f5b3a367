"""The calendar: month arithmetic against a month-by-month walk, periods, the default period."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date
from pathlib import Path

import pytest

from openpeel.calendar import (
    Period,
    add_months,
    default_period,
    last_day,
    month_at,
    month_index,
    month_range,
    months_between,
    parse_month,
)


def _walk(month: date, steps: int) -> date:
    """An independent oracle: step one month at a time."""
    y, m = month.year, month.month
    for _ in range(abs(steps)):
        if steps > 0:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        else:
            y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return date(y, m, 1)


@pytest.mark.parametrize("steps", [-25, -13, -12, -11, -1, 0, 1, 11, 12, 13, 40])
@pytest.mark.parametrize("start", [date(2019, 1, 1), date(2021, 12, 1), date(2024, 6, 1)])
def test_month_arithmetic_matches_a_month_by_month_walk(start: date, steps: int) -> None:
    moved = add_months(start, steps)
    assert moved == _walk(start, steps)
    assert months_between(start, moved) == steps
    assert month_at(month_index(start)) == start


def test_month_range_and_last_day() -> None:
    assert month_range(date(2021, 11, 1), date(2022, 2, 1)) == [
        date(2021, 11, 1),
        date(2021, 12, 1),
        date(2022, 1, 1),
        date(2022, 2, 1),
    ]
    assert month_range(date(2022, 2, 1), date(2021, 11, 1)) == []
    for month in range(1, 13):
        days = stdlib_calendar.monthrange(2024, month)[1]
        assert last_day(date(2024, month, 1)) == date(2024, month, days)


def test_months_and_periods_parse_with_one_line_errors() -> None:
    assert parse_month("2021-04") == date(2021, 4, 1)
    for bad in ("2021-13", "21-04", "2021-4", "April"):
        with pytest.raises(ValueError, match="not a month"):
            parse_month(bad)
    fy = Period.financial_year("2021/22")
    assert (fy.start, fy.end, fy.n_months, fy.label) == (
        date(2021, 4, 1),
        date(2022, 3, 1),
        12,
        "2021/22",
    )
    assert len(fy.months) == fy.n_months


def test_default_period_is_the_twelve_months_to_the_latest_month() -> None:
    period = default_period(date(2022, 3, 1))
    assert (period.start, period.end, period.n_months) == (date(2021, 4, 1), date(2022, 3, 1), 12)
    assert period.label == "2021-04 to 2022-03"
    assert default_period(date(2022, 3, 1), 3).start == date(2022, 1, 1)


def test_calendar_is_the_bottom_layer() -> None:
    import openpeel.calendar as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    imported = {line.split()[1] for line in source.splitlines() if line.startswith("from openpeel")}
    assert imported <= {"openpeel.errors"}
    assert "import openpeel" not in source
