"""What every indicator returns: the numbers with their definition, caveats and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from openpeel.calendar import Period
from openpeel.exports import note_lines
from openpeel.provenance import SYNTHETIC_MARK


@dataclass
class IndicatorResult:
    """A table of results that carries what a reader needs to trust it.

    Attributes:
        name: short machine name, e.g. ``stop_search.rates``.
        title: plain-English title for people.
        definition: how every number is computed (formula, numerator, denominator, interval).
        table: the results, one row per cell; intervals as ``*_low``/``*_high`` columns.
        caveats: plain-English warnings (data quality, small numbers, method limits).
        is_synthetic: True when any input came from synthetic data.
        meta: anything else a face may show (period, forces, confidence level).
    """

    name: str
    title: str
    definition: str
    table: pd.DataFrame
    caveats: list[str] = field(default_factory=list)
    is_synthetic: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """Rows as dictionaries, with a ``synthetic_data`` column when the input was synthetic."""
        df = self.table.copy()
        if self.is_synthetic:
            df.insert(0, "synthetic_data", True)
        return [
            {str(k): (None if _is_missing(v) else v) for k, v in row.items()}
            for row in df.to_dict(orient="records")
        ]

    def columns(self) -> list[str]:
        """The columns of :meth:`records`, in order (also when there are no rows)."""
        return (["synthetic_data"] if self.is_synthetic else []) + [str(c) for c in self.table]

    def notes(self) -> list[str]:
        """What a CSV of the result says above its header (see :mod:`openpeel.exports`)."""
        return note_lines(
            title=self.title,
            is_synthetic=self.is_synthetic,
            definition=self.definition,
            caveats=self.caveats,
            scope={"indicator": self.name, **self.meta},
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: name, title, definition, caveats, synthetic flag and notice, meta, rows."""
        return {
            "indicator": self.name,
            "title": self.title,
            "definition": self.definition,
            "caveats": self.caveats,
            "synthetic_data": self.is_synthetic,
            "notice": SYNTHETIC_MARK if self.is_synthetic else None,
            "meta": self.meta,
            "rows": self.records(),
        }


def force_period_result(
    name: str,
    what: str,
    force_id: str,
    period: Period,
    definition: str,
    table: pd.DataFrame,
    caveats: list[str],
    *,
    is_synthetic: bool,
    **meta: Any,
) -> IndicatorResult:
    """The result of an indicator about one force over a period: titled ``what: force,
    period``, its meta the force and the period followed by ``meta``."""
    return IndicatorResult(
        name=name,
        title=f"{what}: {force_id}, {period.label}",
        definition=definition,
        table=table,
        caveats=caveats,
        is_synthetic=is_synthetic,
        meta={"force_id": force_id, "period": period.label, **meta},
    )


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
