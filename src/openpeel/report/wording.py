"""Text from the library made readable on a page: force ids become force names, month ranges
written for machines (``2021-04..2021-09``) become words, and snake_case names become words.

Indicator captions and reasons are written once, in the library, for every face; the CSV, JSON
and API keep them as they are. Pages and the report pass them through :func:`plain` so that a
reader meets "West Midlands Police" and "April 2021 to September 2021", never ``west-midlands``
or ``not_stated``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from openpeel.reference.forces import forces
from openpeel.reference.vocabularies import VOCABULARIES, vocabulary

_MONTH = r"(\d{4})-(0[1-9]|1[0-2])"
_RANGE = re.compile(rf"(?<![\w-]){_MONTH}\s*(?:\.\.|–| to )\s*{_MONTH}(?![\w-])")
_SNAKE = re.compile(r"(?<![\w./-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w/-])")


@cache
def _force_pattern() -> re.Pattern[str]:
    ids = sorted(forces(), key=len, reverse=True)
    return re.compile(r"(?<![\w/=-])(" + "|".join(map(re.escape, ids)) + r")(?![\w/-])")


@cache
def _code_words() -> dict[str, str]:
    """snake_case codes of the vocabularies with the words people use for them."""
    out: dict[str, str] = {}
    for name in VOCABULARIES:
        for term in vocabulary(name).values():
            if "_" in term.code:
                out.setdefault(term.code, term.code.replace("_", " "))
    out.update({"not_stated": "not stated", "under_10": "under 10", "10_17": "10-17"})
    return out


def _month(year: str, month: str) -> str:
    return f"{date(int(year), int(month), 1):%B %Y}"


def plain(text: object) -> str:
    """``"west-midlands: no data for 2021-04..2021-09"`` ->
    ``"West Midlands Police: no data for April 2021 to September 2021"``."""
    out = str(text)
    out = _RANGE.sub(lambda m: f"{_month(m[1], m[2])} to {_month(m[3], m[4])}", out)
    names = forces()
    out = _force_pattern().sub(lambda m: names[m[1]].name, out)
    words = _code_words()
    return _SNAKE.sub(lambda m: words.get(m[1], m[1].replace("_", " ")), out)
