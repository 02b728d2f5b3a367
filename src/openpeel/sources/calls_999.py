"""Published monthly 999 call-answering figures per force (police.uk, from November 2021).

What is published (method.md §2): per force and month, the number of 999 calls, the average
answer time, and the number and share answered in under 10 seconds, in 10 to under 60 seconds
and in 60 seconds or more. **The download's exact column names are unverified**, so the reader
is built around a documented schema (``CALLS_999_FIELDS``, ``docs/calls.md``) with aliases for
likely headers, and ``--columns FIELD=HEADER`` maps any other header.

Values are read leniently and checked strictly: counts may carry thousands separators, shares
may be percentages (``63%``, ``63.2``) or fractions (``0.632``) — a share column is read as a
percentage when any of its values has a ``%`` sign or exceeds 1 — and months may be written
``2021-11``, ``2021-11-01``, ``01/11/2021``, ``Nov-21``, ``Nov 2021`` or ``November 2021``.
Every row that cannot be read goes to the rejects with the reason; nothing is dropped quietly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from openpeel.reference.forces import forces
from openpeel.reference.lake_columns import Column, columns
from openpeel.reference.standards import national_999_standard
from openpeel.sources.calls_log import InputField

if TYPE_CHECKING:
    import pandas as pd

#: The national standard (method.md §2): 90% of 999 calls answered within 10 seconds, read from
#: ``reference/charter_standards.csv`` (row ``999_answer``).
STANDARD_SHARE, STANDARD_SECONDS = national_999_standard()


def _count_aliases(*phrases: str) -> tuple[str, ...]:
    out: list[str] = []
    for p in phrases:
        out += [p, f"number_{p}", f"number_of_calls_{p}", f"calls_{p}", f"number_of_999_calls_{p}"]
    return tuple(out)


def _share_aliases(*phrases: str) -> tuple[str, ...]:
    out: list[str] = []
    for p in phrases:
        for prefix in ("percent_", "percentage_", "percent_of_calls_", "percentage_of_calls_"):
            out.append(prefix + p)
        out += [f"{p}_percent", f"{p}_percentage", f"share_{p}", f"proportion_{p}"]
    return tuple(out)


@dataclass(frozen=True)
class Band:
    """One published answer-time band: a count field and a share field, both optional (a
    missing count is derived from its share and the calls), known by headers made of the same
    phrases."""

    count: str
    share: str
    count_definition: str
    share_definition: str
    phrases: tuple[str, ...]

    def fields(self) -> tuple[InputField, InputField]:
        """The band's two input fields."""
        return (
            InputField(
                self.count,
                self.count_definition,
                required=False,
                aliases=_count_aliases(*self.phrases),
            ),
            InputField(
                self.share,
                self.share_definition,
                required=False,
                aliases=_share_aliases(*self.phrases),
            ),
        )


#: The three published answer-time bands.
BAND_SPECS: tuple[Band, ...] = (
    Band(
        "answered_under_10s",
        "share_under_10s",
        "number of calls answered in under 10 seconds (this or share_under_10s is needed)",
        "share of calls answered in under 10 seconds, as a percentage or a fraction",
        ("answered_in_under_10_seconds", "answered_under_10_seconds", "under_10_seconds"),
    ),
    Band(
        "answered_10_to_60s",
        "share_10_to_60s",
        "number answered in 10 to under 60 seconds (optional)",
        "share answered in 10 to under 60 seconds (optional)",
        (
            "answered_in_10_to_60_seconds",
            "answered_between_10_and_60_seconds",
            "answered_in_10_to_under_60_seconds",
            "10_to_60_seconds",
            "between_10_and_60_seconds",
            "10_to_under_60_seconds",
        ),
    ),
    Band(
        "answered_60s_and_over",
        "share_60s_and_over",
        "number answered in 60 seconds or more (optional)",
        "share answered in 60 seconds or more (optional)",
        (
            "answered_in_60_seconds_or_more",
            "answered_in_60_seconds_and_over",
            "answered_in_over_60_seconds",
            "60_seconds_and_over",
            "60_seconds_or_more",
            "over_60_seconds",
        ),
    ),
)

CALLS_999_FIELDS: tuple[InputField, ...] = (
    InputField(
        "force",
        "the force: its name as published (e.g. West Midlands Police), its police force area "
        "name, or its data.police.uk id",
        aliases=("force_name", "police_force", "police_force_name", "police_force_area", "area"),
    ),
    InputField(
        "month",
        "the month the figures cover (2021-11, 2021-11-01, 01/11/2021, Nov-21, November 2021)",
        aliases=("period", "date", "month_year", "reporting_month"),
    ),
    InputField(
        "calls",
        "number of 999 calls the force received in the month",
        aliases=(
            "number_of_999_calls",
            "total_calls",
            "total_999_calls",
            "calls_received",
            "number_of_calls",
            "999_calls",
        ),
    ),
    InputField(
        "mean_answer_seconds",
        "average time to answer in seconds (optional)",
        required=False,
        aliases=(
            "average_answer_time",
            "average_answer_time_seconds",
            "mean_answer_time",
            "average_time_to_answer",
            "average_time_to_answer_seconds",
            "average_call_answer_time",
            "average_call_answer_time_seconds",
        ),
    ),
    *(f for band in BAND_SPECS for f in band.fields()),
)

#: (count field, share field) pairs: a missing count is derived from its share and the calls.
BANDS = tuple((band.count, band.share) for band in BAND_SPECS)

#: The stored columns (``reference/lake_columns.csv``, table ``calls_999_monthly``).
CALLS_999_COLUMNS: tuple[Column, ...] = columns("calls_999_monthly")

#: A published share and the share computed from the counts may differ by rounding; beyond
#: this they contradict each other (usually a column mapped to the wrong field).
SHARE_TOLERANCE = 0.01

_TOTAL_ROWS = {"total", "national", "england and wales", "all forces", "england", "wales"}
_FORCE_STOPWORDS = {"police", "constabulary", "service", "force", "the"}
_MONTH_FORMATS = (
    "%Y-%m",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%Y",
    "%Y/%m",
    "%b-%y",
    "%b %y",
    "%b-%Y",
    "%b %Y",
    "%B %Y",
    "%B-%Y",
    "%B %y",
    "%Y %b",
    "%Y %B",
    "%Y%m",
)


def _force_key(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split()
    words = [w for w in words if w not in _FORCE_STOPWORDS]
    while words and words[0] == "of":
        words = words[1:]
    return " ".join(words)


@cache
def force_names() -> dict[str, str]:
    """Normalised force name -> force id, from every name the force reference knows."""
    out: dict[str, str] = {}
    for f in forces().values():
        for name in (f.force_id, f.name, f.reported_by, f.pfa_name or ""):
            if name:
                out.setdefault(_force_key(name), f.force_id)
    out.setdefault("btp", "btp")
    out.setdefault("psni", "northern-ireland")
    out.setdefault("met", "metropolitan")
    return out


def match_force(text: str | None) -> tuple[str | None, str | None]:
    """(force id, None) or (None, reason) for a published force name."""
    if text is None or not text.strip():
        return None, "missing force"
    key = _force_key(text)
    if key in force_names():
        return force_names()[key], None
    if key in _TOTAL_ROWS or re.sub(r"[^a-z ]", "", text.lower()).strip() in _TOTAL_ROWS:
        return None, f"a total row, not a force: {text.strip()}"
    return None, f"unknown force: {text.strip()} (not a force of England and Wales in openpeel)"


def parse_months(values: pd.Series) -> pd.Series:
    """First-of-month dates for month strings in any of the accepted formats (NaT if none)."""
    import pandas as pd  # here: loading police.uk files imports this module, not pandas

    text = values.astype("string").str.strip().str.replace(r"T.*$", "", regex=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in _MONTH_FORMATS:
        todo = out.isna() & text.notna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out.dt.to_period("M").dt.to_timestamp()


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(number, is_blank, had_percent_sign) for raw text with separators or a % sign."""
    import pandas as pd  # here: loading police.uk files imports this module, not pandas

    text = values.astype("string").str.strip()
    blank = text.isna() | (text == "")
    had_pct = text.str.contains("%", regex=False).fillna(False)
    cleaned = text.str.replace(r"[,\s%]", "", regex=True)
    number = pd.to_numeric(cleaned.where(~blank), errors="coerce")
    return number.astype(float), blank.astype(bool), had_pct.astype(bool)


def parse_published_999(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and type the published 999 rows.

    Args:
        raw: one text column per field present (named after the field), plus
            ``record_number`` and ``raw_row``.

    Returns:
        (loaded rows with the ``CALLS_999_COLUMNS`` data columns and ``source_row``;
        rejected rows with ``force_id``, ``month``, ``source_row``, ``reason``, ``raw_row``).
    """
    import pandas as pd  # here: loading police.uk files imports this module, not pandas

    n = len(raw)
    reason = pd.Series([None] * n, index=raw.index, dtype="object")

    def reject(mask: pd.Series, text: pd.Series | str) -> None:
        todo = mask & reason.isna()
        if isinstance(text, str):
            reason[todo] = text
        else:
            reason[todo] = text[todo]

    matched = [match_force(v) for v in raw["force"].where(raw["force"].notna(), None)]
    force_id = pd.Series([m[0] for m in matched], index=raw.index, dtype="object")
    force_reason = pd.Series([m[1] for m in matched], index=raw.index, dtype="object")
    reject(force_reason.notna(), force_reason)

    month = parse_months(raw["month"])
    month_blank = raw["month"].isna() | (raw["month"].astype("string").str.strip() == "")
    reject(month_blank, "missing month")
    reject(month.isna(), "unreadable month: " + raw["month"].astype("string").fillna(""))

    numbers: dict[str, pd.Series] = {}
    for field in (
        "calls",
        "mean_answer_seconds",
        "answered_under_10s",
        "answered_10_to_60s",
        "answered_60s_and_over",
    ):
        if field not in raw:
            numbers[field] = pd.Series(np.nan, index=raw.index)
            continue
        value, blank, _ = parse_numbers(raw[field])
        bad = ~blank & (value.isna() | (value < 0) | ~np.isfinite(value.fillna(0)))
        if field != "mean_answer_seconds":
            bad |= ~blank & value.notna() & (value != np.floor(value))
        reject(bad, f"unreadable {field}: " + raw[field].astype("string").fillna(""))
        numbers[field] = value
    reject(numbers["calls"].isna(), "missing calls")

    shares: dict[str, pd.Series] = {}
    for _, field in BANDS:
        if field not in raw:
            shares[field] = pd.Series(np.nan, index=raw.index)
            continue
        value, blank, had_pct = parse_numbers(raw[field])
        as_percent = bool(had_pct.any() or (value > 1).any())
        share = value / 100 if as_percent else value
        bad = ~blank & (share.isna() | (share < 0) | (share > 1))
        reject(bad, f"unreadable {field}: " + raw[field].astype("string").fillna(""))
        shares[field] = share

    calls = numbers["calls"]
    derived = pd.Series(False, index=raw.index)
    for count_field, share_field in BANDS:
        count = numbers[count_field]
        share = shares[share_field]
        fill = count.isna() & share.notna() & calls.notna()
        numbers[count_field] = count.where(~fill, np.round(share * calls))
        derived |= fill
        both = count.notna() & share.notna() & (calls > 0)
        gap = (count / calls - share).abs()
        reject(
            both & (gap > SHARE_TOLERANCE),
            f"{count_field} / calls contradicts {share_field} (more than 1 point apart)",
        )
    under = numbers["answered_under_10s"]
    reject(under.isna() & reason.isna(), "no answered_under_10s or share_under_10s")
    reject(under > calls, "answered_under_10s is more than the calls")
    bands = numbers["answered_under_10s"] + numbers["answered_10_to_60s"].fillna(0)
    bands += numbers["answered_60s_and_over"].fillna(0)
    reject(bands > calls, "the answer-time bands add up to more than the calls")

    key = pd.DataFrame({"f": force_id, "m": month})
    ok_key = force_id.notna() & month.notna() & reason.isna()
    first = raw["record_number"].where(ok_key).groupby([key["f"], key["m"]]).transform("min")
    dup = ok_key & (first < raw["record_number"])
    reject(
        dup,
        "duplicate force-month (first at row " + first.astype("Int64").astype("string") + ")",
    )

    good = reason.isna()
    month_date = month.dt.date
    loaded = pd.DataFrame(
        {
            "force_id": force_id[good],
            "month": month_date[good],
            "force_raw": raw["force"][good].astype("string").str.strip(),
            "calls": calls[good].astype("int64"),
            "mean_answer_seconds": numbers["mean_answer_seconds"][good],
            "answered_under_10s": numbers["answered_under_10s"][good].astype("int64"),
            "answered_10_to_60s": numbers["answered_10_to_60s"][good].astype("Int64"),
            "answered_60s_and_over": numbers["answered_60s_and_over"][good].astype("Int64"),
            "share_under_10s_published": shares["share_under_10s"][good],
            "is_derived_from_shares": derived[good],
            "source_row": raw["record_number"][good].astype("int64"),
        }
    )
    rejected = pd.DataFrame(
        {
            "force_id": force_id[~good],
            "month": month_date[~good].where(month[~good].notna(), None),
            "source_row": raw["record_number"][~good].astype("int64"),
            "reason": reason[~good],
            "raw_row": raw["raw_row"][~good],
        }
    )
    return loaded.reset_index(drop=True), rejected.reset_index(drop=True)


def latest_month(loaded: pd.DataFrame) -> date | None:
    """The newest month in a loaded file (its vintage), or None when nothing loaded."""
    if loaded.empty:
        return None
    value = max(loaded["month"])
    return value if isinstance(value, date) else None
