"""Every stop-and-search indicator for one scope, in one call (for reports and benchmarks)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from openpeel.calendar import Period
from openpeel.indicators.result import IndicatorResult
from openpeel.indicators.stop_search import (
    CENSUS2021,
    cached_scope,
    peers,
    population_frame,
    rates,
    ratios,
)
from openpeel.indicators.stop_search_models import darkness, hit_rate
from openpeel.indicators.stop_search_outcomes import age_sex, outcomes, s60_strip
from openpeel.indicators.stop_search_quality import quality, trend


def suite(
    con: Any,
    period: Period,
    force_ids: Sequence[str] | str | None = None,
    population: str | Path | pd.DataFrame | None = CENSUS2021,
    confidence: float = 0.95,
    include_peers: bool = True,
) -> dict[str, IndicatorResult]:
    """All indicators, keyed by short name: quality, rates, ratios, outcomes, s60, age_sex,
    trend, hit_rate, darkness and (unless ``include_peers`` is False) peers.

    The population table is read once and shared, and the scope's rows are read from the lake
    once (``cached_scope``) and held in memory for every indicator but ``peers`` (which reads
    every force).
    """
    pop = population_frame(con, population)
    sc = cached_scope(con, period, force_ids)
    out: dict[str, IndicatorResult] = {
        "quality": quality(con, sc, confidence=confidence),
        "rates": rates(con, sc, population=pop, confidence=confidence),
        "ratios": ratios(con, sc, population=pop, confidence=confidence),
        "outcomes": outcomes(con, sc, confidence=confidence),
        "s60": s60_strip(con, sc, population=pop, confidence=confidence),
        "age_sex": age_sex(con, sc, confidence=confidence),
        "trend": trend(con, sc),
        "hit_rate": hit_rate(con, sc, confidence=confidence),
        "darkness": darkness(con, sc, confidence=confidence),
    }
    if include_peers:
        out["peers"] = peers(con, period, force_ids, pop, confidence)
    return out
