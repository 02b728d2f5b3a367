"""Kaplan–Meier estimate of a survival curve with right censoring, and its quantiles.

Used for "time to outcome": the months from a crime to its first outcome, where crimes still
open at the end of the data are censored (their outcome, if any, comes later). The estimator
is the product-limit ``S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)`` (Kaplan & Meier 1958), with
``d_i`` events at time ``t_i`` and ``n_i`` subjects still at risk (time ≥ t_i). Events at a
time are counted before censorings at that time: a subject censored at ``t`` was observed
through ``t``. The variance is Greenwood's, ``Var S = S² Σ d_i / (n_i (n_i − d_i))``, and the
pointwise interval is the log-log (Kalbfleisch–Prentice) one, which stays inside [0, 1]:
``S^exp(±z·σ)`` with ``σ² = Σ d/(n(n−d)) / (log S)²``.

Written here (about forty lines) rather than called from lifelines, to take aggregated counts
(one row per time and status with a count, as the database returns them) without expanding
them to one row per crime. The tests check it against a hand-computed example and against
statsmodels' ``SurvfuncRight``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from openpeel.errors import UserInputError
from openpeel.stats.intervals import z_value

KM_COLUMNS = (
    "time",
    "at_risk",
    "events",
    "censored",
    "survival",
    "std_error",
    "survival_low",
    "survival_high",
)


def kaplan_meier(
    durations: ArrayLike,
    observed: ArrayLike,
    counts: ArrayLike | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The Kaplan–Meier survival curve at every distinct time in the data.

    Args:
        durations: time of the event or of censoring, one per subject (or per group of
            subjects with ``counts``); must not be negative.
        observed: True where the event happened at that time, False where the subject was
            censored (still without the event when observation ended).
        counts: how many subjects each entry stands for (default 1 each); zero is allowed.
        confidence: two-sided level of the pointwise log-log interval.

    Returns:
        One row per distinct time, ascending, with ``time``, ``at_risk`` (subjects with time
        ≥ t), ``events``, ``censored``, ``survival`` (S just after t), ``std_error``
        (Greenwood) and ``survival_low``/``survival_high``. Empty input gives an empty frame.
    """
    t = np.asarray(durations, dtype=float).ravel()
    e = np.asarray(observed, dtype=bool).ravel()
    w = np.ones_like(t) if counts is None else np.asarray(counts, dtype=float).ravel()
    if not (len(t) == len(e) == len(w)):
        raise ValueError("durations, observed and counts must have the same length")
    if np.any(np.isnan(t)) or np.any(t < 0):
        raise ValueError("durations must be non-negative numbers")
    if np.any(w < 0):
        raise ValueError("counts must not be negative")
    if not 0 < confidence < 1:
        raise UserInputError(f"confidence must be between 0 and 1, not {confidence}")
    keep = w > 0
    t, e, w = t[keep], e[keep], w[keep]
    if len(t) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in KM_COLUMNS})

    times, inverse = np.unique(t, return_inverse=True)
    events = np.bincount(inverse, weights=w * e, minlength=len(times))
    censored = np.bincount(inverse, weights=w * ~e, minlength=len(times))
    leaving = events + censored
    at_risk = leaving[::-1].cumsum()[::-1]

    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1 - events / at_risk)
        # Greenwood's sum; infinite once everyone left at risk has had the event (S = 0).
        terms = np.where(events > 0, events / (at_risk * (at_risk - events)), 0.0)
        greenwood = np.cumsum(terms)
        std_error = survival * np.sqrt(greenwood)
        z = z_value(confidence)
        log_s = np.log(survival)
        sigma = np.sqrt(greenwood) / np.abs(log_s)
        low = survival ** np.exp(z * sigma)
        high = survival ** np.exp(-z * sigma)
    # S = 1 (no event yet): no uncertainty about the past; S = 0: the curve has ended.
    low = np.where(survival >= 1, 1.0, np.where(survival <= 0, 0.0, low))
    high = np.where(survival >= 1, 1.0, np.where(survival <= 0, 0.0, high))
    std_error = np.where(survival <= 0, 0.0, std_error)
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk,
            "events": events,
            "censored": censored,
            "survival": survival,
            "std_error": std_error,
            "survival_low": low,
            "survival_high": high,
        }
    )


def survival_at(curve: pd.DataFrame, times: ArrayLike) -> pd.DataFrame:
    """The step function of a ``kaplan_meier`` curve read at given times.

    Before the first time in the curve S is 1; after the last it keeps its last value (beyond
    the last time the estimate is an extrapolation: check ``at_risk``).

    Returns:
        ``time``, ``survival``, ``survival_low``, ``survival_high`` at each requested time.
    """
    at = np.asarray(times, dtype=float).ravel()
    index = np.searchsorted(curve["time"].to_numpy(dtype=float), at, side="right") - 1
    out = {"time": at}
    for column in ("survival", "survival_low", "survival_high"):
        values = curve[column].to_numpy(dtype=float)
        out[column] = np.where(index >= 0, values[np.clip(index, 0, None)], 1.0)
    return pd.DataFrame(out)


def survival_quantile(curve: pd.DataFrame, share: float) -> float | None:
    """The first time by which ``share`` of subjects have had the event (S ≤ 1 − share).

    For example ``share=0.5`` is the median time. None when the curve never gets there
    (not reached within the follow-up).
    """
    if not 0 < share < 1:
        raise UserInputError(f"share must be between 0 and 1, not {share}")
    reached = curve.loc[curve["survival"] <= 1 - share + 1e-12, "time"]
    return None if reached.empty else float(reached.iloc[0])
