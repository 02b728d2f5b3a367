"""Which published edition of an official statistic speaks to a period of analysis.

The report and the web pages are asked about a force and a period of months (``2020/21``); the
ONS, the Home Office and HMICFRS publish for their own periods (``year ending December 2019``,
``2019/20``, ``31 March 2017``). The edition shown is the latest loaded one whose period ends in
or before the last month asked for, never a later one (that would report the future of the
period), and the page says so when it is an earlier year than the one chosen.

Input: the ``official_figures`` view of a connection (``openpeel.connect``); output: the rows of
one publication and the edition's label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError
from openpeel.sources.publications import publications

#: How a publication's period label reads in a sentence ("year ending December 2019").
PERIOD_WORDS: dict[str, str] = {
    "ons-recorded-crime": "year ending {}",
    "home-office-workforce-bulletin": "{}",
}
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
FINANCIAL_YEAR = re.compile(r"(\d{4})\s*[/-]\s*(\d{2,4})")
MONTH_YEAR = re.compile(r"([A-Za-z]+)\s+(\d{4})")
#: HMICFRS value for money profiles of a year: the annual data return to 31 March of it.
VFM_PROFILES = re.compile(r"VFM profiles (\d{4})", re.IGNORECASE)


def title_of(publication: str) -> str:
    """'<publisher>, <title>' as the publication's declaration names it."""
    declared = publications().get(publication)
    if declared is None:
        return publication
    if not declared.publisher or declared.title.startswith(declared.publisher):
        return declared.title
    return f"{declared.publisher}, {declared.title}"


def period_end(label: str) -> date | None:
    """The first day of the last month a published period covers, or None when the label is
    not a period openpeel knows.

    ``"December 2019"`` (year ending) -> 2019-12-01; ``"2019/20"`` (financial year) ->
    2020-03-01; ``"31 March 2017"`` (a count at a date) -> 2017-03-01; ``"VFM profiles 2017"``
    (HMICFRS, the year to 31 March 2017) -> 2017-03-01.
    """
    text = label.strip()
    profiles = VFM_PROFILES.fullmatch(text)
    if profiles:
        return date(int(profiles.group(1)), 3, 1)
    fy = FINANCIAL_YEAR.fullmatch(text)
    if fy:
        return date(int(fy.group(1)) + 1, 3, 1)
    for match in MONTH_YEAR.finditer(text):
        month = MONTHS.get(match.group(1).lower())
        if month:
            return date(int(match.group(2)), month, 1)
    return None


@dataclass(frozen=True)
class Edition:
    """The edition of a publication shown for a period of analysis."""

    publication: str
    label: str
    end: date
    #: Every edition loaded (labels), for the reader who wants another.
    loaded: tuple[str, ...] = ()
    source_files: tuple[str, ...] = field(default_factory=tuple)

    @property
    def words(self) -> str:
        """The period in words: ``year ending December 2019``, ``2019/20``, ``value for money
        profiles 2017``."""
        profiles = VFM_PROFILES.fullmatch(self.label.strip())
        if profiles:
            return f"value for money profiles {profiles.group(1)}"
        return PERIOD_WORDS.get(self.publication, "{}").format(self.label)

    @property
    def title(self) -> str:
        """The publication in words, with its publisher."""
        return title_of(self.publication)

    def source_text(self) -> str:
        """'Source: <publisher>, <title>, <period> (file …)' for a caveat line."""
        files = ", ".join(self.source_files)
        return f"Source: {self.title}, {self.words}" + (f" (file {files})." if files else ".")

    def lag_caveat(self, period: Period) -> str | None:
        """A sentence when the edition describes an earlier year than the period chosen."""
        if self.end >= period.end:
            return None
        return (
            f"The latest published figures at or before {period.label} are for {self.words}: "
            "they describe an earlier time than the period chosen (a later edition, once "
            "loaded, is shown instead)."
        )


def publication_figures(con: Any, publication: str) -> pa.Table:
    """Every current figure of one publication (all forces, regions and national rows).

    Raises:
        DataUnavailableError: no official statistics, or none of this publication, are loaded.
    """
    if "official_figures" not in con.list_tables():
        raise DataUnavailableError(
            "no official statistics are loaded (load the published files with "
            "'openpeel official load FILE...')"
        )
    table = con.table("official_figures")
    rows = table.filter(table.publication == publication).to_pyarrow()
    if rows.num_rows == 0:
        raise DataUnavailableError(
            f"{title_of(publication)}: not loaded (load the published file with "
            "'openpeel official load FILE')"
        )
    return rows


def edition_for(figures: pa.Table, publication: str, period: Period) -> Edition:
    """The latest loaded edition of ``publication`` ending in or before the period's last month.

    Raises:
        DataUnavailableError: every loaded edition is later than the period (the message lists
            them).
    """
    labels = sorted({str(p) for p in pc.unique(figures["period"]).to_pylist() if p})
    dated = {label: period_end(label) for label in labels}
    usable = [(end, label) for label, end in dated.items() if end is not None and end <= period.end]
    if not usable:
        raise DataUnavailableError(
            f"no edition of {title_of(publication)} covers "
            f"{period.label} or earlier; loaded: {', '.join(labels) or 'none'}"
        )
    end, label = max(usable)
    in_edition = figures["source_file"].filter(pc.equal(figures["period"], label))
    files = sorted({str(f) for f in pc.unique(in_edition).to_pylist() if f})
    return Edition(publication, label, end, tuple(labels), tuple(files))
