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


def number_text(value: Any, decimals: int = 1) -> str:
    """A number with thousands separators and ``decimals`` places ('' when missing)."""
    if is_missing(value):
        return ""
    return f"{float(value):,.{decimals}f}"
