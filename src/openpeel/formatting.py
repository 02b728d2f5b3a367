"""Numbers as text for people, one way for every face (report, web pages, exports, CLI).

A share is a 0–1 fraction and prints as a percentage with one decimal (``0.1234`` -> ``12.3%``);
a count prints with thousands separators; a missing value prints as nothing, never as ``nan``.
"""

from __future__ import annotations

import math
from typing import Any


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' missing markers."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pandas.NA compares ambiguously
        return True


def percent_text(share: Any, decimals: int = 1) -> str:
    """A 0–1 share as a percentage ('' when missing): ``0.1234`` -> ``'12.3%'``."""
    if is_missing(share):
        return ""
    return f"{100 * float(share):.{decimals}f}%"


def confidence_text(level: float) -> str:
    """A confidence level as people write it: ``0.95`` -> ``'95%'``, ``0.998`` -> ``'99.8%'``."""
    return f"{level * 100:g}%"


def number_text(value: Any, decimals: int = 1) -> str:
    """A number with thousands separators and ``decimals`` places ('' when missing)."""
    if is_missing(value):
        return ""
    return f"{float(value):,.{decimals}f}"


def plain_number_text(value: Any) -> str:
    """Any number as a person reads it: never in scientific notation, never ``inf`` or
    ``True``.

    Whole numbers get thousands separators (``12345`` -> ``'12,345'``); other numbers are
    rounded to what can be read: from 100 up, none after the point (``1234.6`` ->
    ``'1,235'``); from 1, two places (``3.18913`` -> ``'3.19'``); below 1, three significant
    digits (``0.070471`` -> ``'0.0705'``), and a number nearer zero than 0.001 is
    ``'< 0.001'`` (``'> -0.001'`` when negative). Infinity is the word ``unbounded`` (an
    interval with no upper limit); a missing value is ``''``; booleans are ``yes``/``no``.
    """
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b":
        return "yes" if value else "no"
    if is_missing(value):
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    number = float(value)
    if math.isinf(number):
        return "unbounded" if number > 0 else "unbounded below"
    size = abs(number)
    if number == round(number) and size < 1e15:
        return f"{number:,.0f}"
    if size >= 100:
        return f"{number:,.0f}"
    if size >= 1:
        return f"{number:,.2f}"
    if size < 0.001:
        return "< 0.001" if number > 0 else "> -0.001"
    digits = 2 - math.floor(math.log10(size))  # three significant digits
    return f"{number:.{digits}f}"
