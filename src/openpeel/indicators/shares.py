"""A share of a count with its Wilson interval, as columns of a table: one rule for every
indicator that shows ``x / n`` (calls answered in time, outcome rates, search outcomes, Charter
compliance)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from openpeel.stats.intervals import wilson_interval


def add_share_columns(
    df: pd.DataFrame,
    x: str,
    n: str,
    share: str,
    confidence: float,
    bounds: str | None = None,
) -> None:
    """Add ``share`` = ``x / n`` and its Wilson interval ``{bounds}_low``/``{bounds}_high``
    (``bounds`` defaults to ``share``) to ``df``, in that order.

    The share is empty where ``n`` is 0, and all three are empty where ``x`` or ``n`` is.
    """
    xs = df[x].astype(float).to_numpy()
    ns = df[n].astype(float).to_numpy()
    ok = np.isfinite(xs) & np.isfinite(ns)
    with np.errstate(invalid="ignore", divide="ignore"):
        df[share] = np.where(ok & (ns > 0), xs / ns, np.nan)
    low, high = wilson_interval(np.where(ok, xs, 0), np.where(ok, ns, 0), confidence)
    df[f"{bounds or share}_low"] = np.where(ok, low, np.nan)
    df[f"{bounds or share}_high"] = np.where(ok, high, np.nan)
