"""999 performance against the national standard, from the published monthly figures
(``calls_999_monthly``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from openpeel.calendar import Period
from openpeel.errors import UserInputError
from openpeel.formatting import confidence_text
from openpeel.indicators.calls.common import (
    INDEPENDENCE_CAVEAT,
    flag,
    in_period,
    is_synthetic_table,
    rounded,
)
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.result import IndicatorResult
from openpeel.indicators.shares import add_share_columns
from openpeel.sources.calls_999 import STANDARD_SHARE
from openpeel.stats.funnel import proportion_funnel


def _published(con: Any, period: Period) -> tuple[pd.DataFrame, bool]:
    t = in_period(con.table("calls_999_monthly"), period)
    df = t.execute()
    df["month"] = pd.to_datetime(df["month"]).dt.date
    return df, is_synthetic_table(t)


PUBLISHED_DEFINITION = (
    "share_under_10s = answered_under_10s / calls for the force and month, as published on "
    "police.uk (from November 2021, one month in arrears); share_under_10s_low/high: Wilson "
    "score interval at {conf}. The national standard is {std:.0%} of 999 calls answered within "
    "10 seconds of BT connecting the call. is_below_standard: share_under_10s < {std:.0%}; "
    "is_clearly_below: even the interval's upper end is below {std:.0%}. national_share: all "
    "loaded forces' calls answered in under 10 s / their calls that month. A month with no row "
    "was not published or not loaded: it is shown with empty figures, never as zero."
)


@computed_once
def published_999_trend(
    con: Any, force_ids: Sequence[str], period: Period, confidence: float = 0.95
) -> IndicatorResult:
    """Month by month against the 90% standard for one or more forces.

    Args:
        con: an ``openpeel.connect()`` connection.
        force_ids: the forces to show.
        period: the months to show.
        confidence: interval level.
    """
    if not force_ids:
        raise UserInputError("give at least one force")
    df, synthetic = _published(con, period)
    national = df.groupby("month")[["answered_under_10s", "calls"]].sum()
    national_share = national["answered_under_10s"] / national["calls"]
    grid = pd.MultiIndex.from_product([list(force_ids), period.months], names=["force_id", "month"])
    mine = (
        df[df["force_id"].isin(force_ids)]
        .set_index(["force_id", "month"])
        .reindex(grid)
        .reset_index()
    )
    add_share_columns(mine, "answered_under_10s", "calls", "share_under_10s", confidence)
    mine["standard_share"] = STANDARD_SHARE
    has = mine["calls"].notna()
    mine["is_below_standard"] = flag(mine["share_under_10s"] < STANDARD_SHARE, has).to_numpy()
    mine["is_clearly_below"] = flag(mine["share_under_10s_high"] < STANDARD_SHARE, has).to_numpy()
    mine["national_share"] = mine["month"].map(national_share)
    table = mine[
        [
            "force_id",
            "month",
            "calls",
            "answered_under_10s",
            "share_under_10s",
            "share_under_10s_low",
            "share_under_10s_high",
            "standard_share",
            "is_below_standard",
            "is_clearly_below",
            "mean_answer_seconds",
            "national_share",
            "is_derived_from_shares",
        ]
    ]
    missing = int((~has).sum())
    caveats = [
        "The published download's column names are unverified; check the import's column "
        "mapping (openpeel calls import-999 --columns) against the file you used.",
        INDEPENDENCE_CAVEAT,
    ]
    if missing:
        caveats.append(f"{missing} force-months in the period have no figures (not loaded).")
    if bool(table["is_derived_from_shares"].fillna(False).any()):
        caveats.append(
            "Some counts were not published and were computed as round(share x calls) "
            "(is_derived_from_shares)."
        )
    if national.empty:
        caveats.append("No 999 figures are loaded for this period.")
    return IndicatorResult(
        name="calls.published_999_trend",
        title=f"999 calls answered in under 10 seconds, {period.label}",
        definition=PUBLISHED_DEFINITION.format(
            conf=confidence_text(confidence), std=STANDARD_SHARE
        ),
        table=rounded(table.reset_index(drop=True)),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={"period": period.label, "forces": list(force_ids), "confidence": confidence},
    )


#: The columns of ``published_999_forces``, in order (also when nothing is loaded).
FORCES_COLUMNS: tuple[str, ...] = (
    "force_id",
    "months_reported",
    "calls",
    "answered_under_10s",
    "share_under_10s",
    "share_under_10s_low",
    "share_under_10s_high",
    "months_below_standard",
    "latest_month",
    "latest_share_under_10s",
    "mean_answer_seconds",
    "is_below_funnel_998",
    "rank",
)


def published_999_forces(con: Any, period: Period, confidence: float = 0.95) -> IndicatorResult:
    """All forces side by side over a period, against the 90% standard."""
    df, synthetic = _published(con, period)
    if df.empty:
        table = pd.DataFrame(columns=list(FORCES_COLUMNS))
        return IndicatorResult(
            name="calls.published_999_forces",
            title=f"999 calls answered in under 10 seconds by force, {period.label}",
            definition="No 999 figures are loaded for this period.",
            table=table,
            caveats=["No 999 figures are loaded for this period."],
            is_synthetic=synthetic,
            meta={"period": period.label},
        )
    df = df.sort_values(["force_id", "month"])
    df["is_below"] = df["answered_under_10s"] / df["calls"] < STANDARD_SHARE
    df["weighted_mean"] = df["mean_answer_seconds"] * df["calls"]
    df["has_mean"] = df["mean_answer_seconds"].notna() * df["calls"]
    g = df.groupby("force_id")
    out = pd.DataFrame(
        {
            "months_reported": g.size(),
            "calls": g["calls"].sum(),
            "answered_under_10s": g["answered_under_10s"].sum(),
            "months_below_standard": g["is_below"].sum(),
            "latest_month": g["month"].max(),
            "weighted_mean": g["weighted_mean"].sum(min_count=1),
            "has_mean": g["has_mean"].sum(),
        }
    ).reset_index()
    last = df.groupby("force_id").tail(1).set_index("force_id")
    out["latest_share_under_10s"] = out["force_id"].map(last["answered_under_10s"] / last["calls"])
    out["mean_answer_seconds"] = out["weighted_mean"] / out["has_mean"].replace(0, np.nan)
    national = pd.DataFrame(
        [
            {
                "force_id": "all forces loaded",
                "months_reported": int(df["month"].nunique()),
                "calls": int(df["calls"].sum()),
                "answered_under_10s": int(df["answered_under_10s"].sum()),
                "months_below_standard": None,
                "latest_month": df["month"].max(),
                "latest_share_under_10s": np.nan,
                "mean_answer_seconds": (
                    df["weighted_mean"].sum() / df["has_mean"].sum()
                    if df["has_mean"].sum()
                    else None
                ),
            }
        ]
    )
    add_share_columns(out, "answered_under_10s", "calls", "share_under_10s", confidence)
    funnel = proportion_funnel(STANDARD_SHARE, out["calls"].to_numpy(dtype=float))
    out["is_below_funnel_998"] = out["share_under_10s"] < funnel["lower_99_8"].to_numpy()
    out = out.sort_values("share_under_10s", ascending=False).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    add_share_columns(national, "answered_under_10s", "calls", "share_under_10s", confidence)
    national["is_below_funnel_998"] = None
    national["rank"] = None
    cols = list(FORCES_COLUMNS)
    table = pd.concat([out[cols], national[cols]], ignore_index=True)
    expected = len(period.months)
    short = out[out["months_reported"] < expected]["force_id"].tolist()
    caveats = [
        "The published download's column names are unverified; check the import's column "
        "mapping against the file you used.",
        INDEPENDENCE_CAVEAT,
        "is_below_funnel_998: the force's share is below the 99.8% binomial funnel limit around "
        "the 90% standard for its number of calls (Spiegelhalter 2005), i.e. further below the "
        "standard than chance alone would put a force that met it.",
    ]
    if short:
        caveats.append(
            f"{len(short)} forces have fewer than {expected} months in the period: "
            + ", ".join(short[:10])
            + (" ..." if len(short) > 10 else "")
        )
    return IndicatorResult(
        name="calls.published_999_forces",
        title=f"999 calls answered in under 10 seconds by force, {period.label}",
        definition=(
            "Per force over the period: share_under_10s = sum of answered_under_10s / sum of "
            f"calls, Wilson interval at {confidence_text(confidence)}; "
            "months_below_standard: months whose "
            f"share was under {STANDARD_SHARE:.0%}; mean_answer_seconds: calls-weighted mean "
            "of the published monthly averages; rank 1 = highest share. The last row pools "
            "every force loaded."
        ),
        table=rounded(table),
        caveats=caveats,
        is_synthetic=synthetic,
        meta={"period": period.label, "confidence": confidence},
    )
