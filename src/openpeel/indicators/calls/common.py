"""What the call-handling indicators share: rounding, flags, the period filter and the
caveat on intervals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from openpeel.calendar import Period
from openpeel.provenance import any_synthetic_rows

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

INDEPENDENCE_CAVEAT = (
    "Wilson intervals treat calls as independent trials. Calls arrive in bursts (one incident "
    "brings many calls) and a busy hour delays many calls at once, so the real uncertainty is "
    "wider than shown; with tens of thousands of calls a month the interval mostly says the "
    "count is large, not that the service is stable."
)


def rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Shares to 4 decimals (0.01 percentage points); seconds, Erlangs and rates to 2."""
    out = df.copy()
    for c in out.columns:
        if not pd.api.types.is_float_dtype(out[c]):
            continue
        if any(k in c for k in ("share", "service_level", "occupancy", "abandonment",
                                "compliance", "probability")):  # fmt: skip
            out[c] = out[c].round(4)
        elif any(k in c for k in ("seconds", "erlangs", "per_hour")):
            out[c] = out[c].round(2)
    return out


def flag(condition: Any, applies: Any) -> pd.Series:
    """A True/False column that is empty (None) where the flag does not apply."""
    cond = pd.Series(np.asarray(condition, dtype=bool)).astype(object)
    return cond.where(pd.Series(np.asarray(applies, dtype=bool)), None)


def is_synthetic_table(table: Any) -> bool:
    """True when any row of a calls table came from the synthetic generator."""
    return any_synthetic_rows(table.snapshot)


def in_period(t: Any, period: Period) -> Any:
    return t.filter([t.month >= period.start, t.month <= period.end])


def loaded_months(con: Any, table: str, force_ids: Sequence[str] | None = None) -> list[date]:
    """Months present in a lake table (optionally for some forces), sorted."""
    t = con.table(table)
    if force_ids:
        t = t.filter(t.force_id.isin(list(force_ids)))
    df = t.select("month").distinct().execute()
    return sorted(pd.to_datetime(df["month"]).dt.date)
