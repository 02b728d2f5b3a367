"""What an analysis covers: one :class:`Coverage` for every indicator family.

A coverage is the period asked for, the forces analysed, the months each force supplied for the
table the indicator reads (a current partition in the lake's manifest), the snapshots those
months came from, whether any of them is synthetic, and the caveats that follow (months missing,
months from several downloads). Stop and search's ``Scope`` is a coverage of
``stop_searches``; crime and outcomes use the same missing-month and snapshot rules.

A missing month is missing data, never zero: it adds nothing to an exposure and is named in a
caveat.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pandas as pd

from openpeel.calendar import Period, default_period
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.result import IndicatorResult, force_period_result
from openpeel.indicators.unknown_codes import fields_of, unknown_code_caveats, unknown_code_counts
from openpeel.provenance import any_synthetic
from openpeel.reference.forces import forces, unknown_force_message
from openpeel.store.status import describe_months

#: How a table's files are named in the caveats.
TABLE_WORDS = {
    "stop_searches": "stop-and-search",
    "crimes": "street",
    "outcomes": "outcomes",
}


def missing_months(period: Period, supplied: Iterable[date]) -> list[date]:
    """Months of the period with no file."""
    have = set(supplied)
    return [m for m in period.months if m not in have]


def snapshot_caveats(snapshots: Iterable[str], what: str = "street files") -> list[str]:
    """A caveat when the months used come from several downloads."""
    distinct = sorted(set(snapshots))
    if len(distinct) <= 1:
        return []
    return [
        f"The {what} used come from {len(distinct)} downloads ({', '.join(distinct)}): later "
        "downloads carry corrections, so months from different downloads are not strictly "
        "comparable."
    ]


@dataclass(frozen=True)
class Coverage:
    """Which forces and months an analysis covers, and what the lake holds for them.

    Attributes:
        period: the months asked for.
        force_ids: the forces analysed (sorted).
        months_supplied: per force, the months of the period with a file of the table.
        snapshots: the snapshots the data came from.
        table_name: the lake table the months were looked up in.
        unknown_codes: per published field, rows whose value no vocabulary recognises.
    """

    period: Period
    force_ids: tuple[str, ...]
    months_supplied: dict[str, tuple[date, ...]] = field(default_factory=dict)
    snapshots: tuple[str, ...] = ()
    table_name: str = "stop_searches"
    unknown_codes: dict[str, int] = field(default_factory=dict)

    @property
    def is_synthetic(self) -> bool:
        """True when any of the data came from a synthetic snapshot."""
        return any_synthetic(self.snapshots)

    def months_missing(self, force_id: str) -> list[date]:
        """Months of the period the force did not supply."""
        return missing_months(self.period, self.months_supplied.get(force_id, ()))

    def n_months(self, force_id: str) -> int:
        """How many months the force supplied."""
        return len(self.months_supplied.get(force_id, ()))

    def caveats(self) -> list[str]:
        """Missing months (one caveat per force with a gap) and unrecognised values, in words."""
        what = TABLE_WORDS.get(self.table_name, self.table_name)
        out = []
        for f in self.force_ids:
            missing = self.months_missing(f)
            if missing:
                out.append(
                    f"{f}: no {what} data for {describe_months(missing)} "
                    f"({len(missing)} of {self.period.n_months} months); those months add "
                    "nothing to the exposure."
                )
        return [*out, *unknown_code_caveats(self.unknown_codes)]

    def meta(self) -> dict[str, Any]:
        """What every result carries about what it covers."""
        return {
            "period": self.period.label,
            "first_month": self.period.start.isoformat()[:7],
            "last_month": self.period.end.isoformat()[:7],
            "forces": list(self.force_ids),
            "months_supplied": {f: self.n_months(f) for f in self.force_ids},
            "snapshots": list(self.snapshots),
        }

    def result(
        self,
        name: str,
        title: str,
        definition: str,
        table: pd.DataFrame,
        caveats: list[str],
        *,
        is_synthetic: bool = False,
        **meta: Any,
    ) -> IndicatorResult:
        """An indicator's result over this coverage: synthetic when any of the coverage's data
        is (or ``is_synthetic``, for another input such as a population), its meta the
        coverage's (:meth:`meta`) followed by ``meta``."""
        return IndicatorResult(
            name=name,
            title=title,
            definition=definition,
            table=table,
            caveats=caveats,
            is_synthetic=self.is_synthetic or is_synthetic,
            meta={**self.meta(), **meta},
        )

    def force_result(
        self,
        name: str,
        what: str,
        definition: str,
        table: pd.DataFrame,
        caveats: list[str],
        *,
        is_synthetic: bool = False,
        **meta: Any,
    ) -> IndicatorResult:
        """An indicator's result about the one force this coverage holds (crime and outcomes
        are analysed a force at a time): titled ``what: force, period``, synthetic when any of
        the coverage's data is (or ``is_synthetic``, for another input such as the outcomes
        files), its meta the force and the period followed by ``meta``."""
        (force_id,) = self.force_ids
        return force_period_result(
            name,
            what,
            force_id,
            self.period,
            definition,
            table,
            caveats,
            is_synthetic=self.is_synthetic or is_synthetic,
            **meta,
        )


def supplied_frame(con: Any, table_name: str, period: Period) -> pd.DataFrame:
    """Current partitions of one table in the period: ``force_id, month, snapshot``."""
    if "lake_partitions" not in con.list_tables():
        raise DataUnavailableError("no data loaded: run 'openpeel ingest' first")
    parts = con.table("lake_partitions")
    return (
        parts.filter(
            (parts.table_name == table_name)
            & (parts.status == "current")
            & parts.month.between(period.start, period.end)
        )
        .select("force_id", "month", "snapshot")
        .execute()
    )


def latest_month(con: Any, force_ids: Sequence[str] | None = None) -> date | None:
    """The last month with police.uk data (crimes, outcomes or stop and search) loaded, for
    some forces or any; None when nothing is loaded."""
    if "lake_partitions" not in con.list_tables():
        return None
    parts = con.table("lake_partitions")
    parts = parts.filter(parts.status == "current")
    if force_ids:
        parts = parts.filter(parts.force_id.isin(list(force_ids)))
    value = parts.month.max().execute()
    return None if value is None or pd.isna(value) else _as_date(value)


def period_or_default(
    con: Any,
    start: str | None,
    end: str | None,
    fy: str | None,
    force_ids: Sequence[str] | None = None,
) -> tuple[Period, bool]:
    """The period asked for (``Period.parse``), or, when none is, the default period the web
    shows too (``calendar.default_period``: the twelve months to the latest month loaded for
    the forces). Returns the period and whether it was the default.

    Raises:
        UserInputError: a period half given, or none given and nothing loaded to choose from.
    """
    if start or end or fy:
        return Period.parse(start, end, fy), False
    latest = latest_month(con, force_ids)
    if latest is None:
        whom = f" for {', '.join(force_ids)}" if force_ids else ""
        raise UserInputError(
            f"no police.uk data is loaded{whom} to choose a period from: give a period: "
            "--fy YYYY/YY, or --from YYYY-MM and --to YYYY-MM"
        )
    return default_period(latest), True


def supplied_coverage(rows: pd.DataFrame, period: Period, table_name: str) -> Coverage:
    """The coverage of months already looked up: ``rows`` of ``force_id, month, snapshot``
    (:func:`supplied_frame`, or a table's months read another way)."""
    months: dict[str, tuple[date, ...]] = {}
    for force_key, group in rows.groupby("force_id"):
        months[str(force_key)] = tuple(sorted(_as_date(m) for m in group["month"]))
    return Coverage(
        period=period,
        force_ids=tuple(sorted(months)),
        months_supplied=months,
        snapshots=tuple(sorted(set(rows["snapshot"].astype(str)))),
        table_name=table_name,
    )


def coverage(
    con: Any,
    table_name: str,
    period: Period,
    force_ids: Sequence[str] | str | None = None,
) -> Coverage:
    """The forces and months of one table to analyse, checked against what the lake holds.

    Args:
        con: an ``openpeel.connect()`` connection.
        table_name: the lake table (``stop_searches``, ``crimes``, ``outcomes``).
        period: the months to analyse.
        force_ids: one force, several, or None for every force with data in the period.

    Raises:
        UserInputError: an unknown force id.
        DataUnavailableError: nothing of the table is loaded for the forces in the period.
    """
    wanted = [force_ids] if isinstance(force_ids, str) else list(force_ids or [])
    known = forces()
    for f in wanted:
        if f not in known:
            raise UserInputError(unknown_force_message(f))
    rows = supplied_frame(con, table_name, period)
    if wanted:
        rows = rows[rows["force_id"].isin(wanted)]
    what = TABLE_WORDS.get(table_name, table_name)
    if rows.empty:
        who = ", ".join(wanted) if wanted else "any force"
        raise DataUnavailableError(f"no {what} data for {who} in {period.label}")
    found = supplied_coverage(rows, period, table_name)
    absent = [f for f in wanted if f not in found.months_supplied]
    if absent:
        raise DataUnavailableError(f"no {what} data for {', '.join(absent)} in {period.label}")
    return replace(
        found,
        unknown_codes=unknown_code_counts(
            con, table_name, list(found.force_ids), period.start, period.end, fields_of(table_name)
        ),
    )


def _as_date(value: Any) -> date:
    return pd.Timestamp(value).date()
