"""What every official statistics indicator is asked (:class:`OfficialQuery`: the loaded
figures, one force, the publication's period, and the population, peer group and confidence
some of them use), and the lookups they start from: the figures of one publication, one period
and one force, with its two refusals (unknown force, period not loaded); the figures of every
area in a period; and each force's yearly count beside its residents, what a comparison of
forces' rates starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.reference.forces import forces, unknown_force_message
from openpeel.reference.peer_groups import PeerGroup
from openpeel.stats.rates import person_years


def known_force(force_id: str) -> None:
    """Refuse a force id that is not in the reference list (UserInputError naming it)."""
    if force_id not in forces():
        raise UserInputError(unknown_force_message(force_id))


@dataclass(frozen=True)
class OfficialQuery:
    """What an official indicator is asked, passed whole to each of them.

    Attributes:
        figures: the loaded official figures (one row per published cell).
        force_id: a data.police.uk force id: the force looked at.
        period: the publication's period label ('2019/20', 'December 2019', ...).
        population: the Census population by force area and ethnic group, for the indicators
            that divide by residents of each group (None: not loaded).
        peers: a named peer group the force is also ranked in, for the comparisons of every
            force (None: none).
        confidence: the confidence level of every interval.
    """

    figures: pa.Table
    force_id: str
    period: str
    population: pa.Table | None = None
    peers: PeerGroup | None = None
    confidence: float = 0.95


def force_figures(query: OfficialQuery, publication: str, what: str) -> pd.DataFrame:
    """The rows of ``publication`` for the query's force in its period.

    Args:
        query: the figures, force and period asked for.
        publication: the publication id.
        what: the publication in words, for the error ("use of force statistics").

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded (the message lists those that are).
    """
    figures, force_id, period = query.figures, query.force_id, query.period
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
