"""The loaded figures of one publication, one period and one force: the lookup every official
statistics indicator starts from, with its two refusals (unknown force, period not loaded); the
figures of every area in a period; and each force's yearly count beside its residents, what a
comparison of forces' rates starts from."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.reference.forces import forces, unknown_force_message
from openpeel.stats.rates import person_years


def known_force(force_id: str) -> None:
    """Refuse a force id that is not in the reference list (UserInputError naming it)."""
    if force_id not in forces():
        raise UserInputError(unknown_force_message(force_id))


def force_figures(
    figures: pa.Table, publication: str, what: str, force_id: str, period: str
) -> pd.DataFrame:
    """The rows of ``publication`` for ``force_id`` in ``period``.

    Args:
        figures: the loaded official figures (one row per published cell).
        publication: the publication id.
        what: the publication in words, for the error ("use of force statistics").
        force_id: a data.police.uk force id.
        period: the publication's period label.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded (the message lists those that are).
    """
    known_force(force_id)
    mine = figures.filter(pc.equal(figures["publication"], publication))
    periods = sorted(set(mine["period"].to_pylist()))
    if period not in periods:
        raise DataUnavailableError(
            f"{what} for {period!r} are not loaded; loaded: "
            f"{', '.join(periods) or 'none'} (load with 'openpeel official load FILE')"
        )
    return mine.filter(
        pc.and_(pc.equal(mine["period"], period), pc.equal(mine["force_id"], force_id))
    ).to_pandas()


def period_figures(figures: pa.Table, publication: str, period: str) -> pd.DataFrame:
    """The rows of ``publication`` in ``period`` for every area (forces, regions, England and
    Wales); empty when the period is not loaded."""
    return figures.filter(
        pc.and_(pc.equal(figures["publication"], publication), pc.equal(figures["period"], period))
    ).to_pandas()


def yearly_counts(rows: pd.DataFrame, residents: Any) -> pd.DataFrame:
    """Each force's count in a year beside its residents: ``force_id``, ``count`` (the force's
    first ``value`` in ``rows``) and ``denominator`` (``residents`` of the force, a mapping or
    series by force id, over 12 months in person-years), as ``compare_forces`` takes a rate."""
    out = rows.groupby("force_id")["value"].first().rename("count").reset_index()
    out["denominator"] = person_years(out["force_id"].map(residents).astype(float), 12)
    return out
