"""Officer strength of every force from the Home Office police workforce tables (Building,
supporting and protecting the workforce): officers by sex (table H1), by rank and sex (H4) and by
ethnicity and sex (D2), each category's share of officers, the female share with a Wilson
interval, and the share of officers in frontline roles (F5) as the Home Office publishes it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_workforce import workforce_tables
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.stats.intervals import wilson_interval

RANKS = (
    "Chief Officer",
    "Chief Superintendent",
    "Superintendent",
    "Chief Inspector",
    "Inspector",
    "Sergeant",
    "Constable",
)
#: The ethnic groups of the officer tables (D2), in the published order.
ETHNIC_GROUPS = (
    "White",
    "Black or Black British",
    "Asian or Asian British",
    "Chinese or Other ethnic group",
    "Mixed",
    "Not stated",
)
_FRONTLINE = re.compile(r"(\d{4}) \(actual\) \| Proportion", re.IGNORECASE)


def _pick(df: pd.DataFrame, table: str, measure: str) -> float:
    rows = df[(df["table_id"] == table) & (df["measure"].str.lower() == measure.lower())]
    values = rows["value"].dropna()
    return float(values.iloc[0]) if not values.empty else np.nan


def officer_strength(query: OfficialQuery) -> IndicatorResult:
    """Officers by sex, rank and ethnicity of one force at one 31 March.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded, or the force is not in table H1.
    """
    df = workforce_tables(query)
    male = _pick(df, "H1", "All officers (full-time equivalent) | Male")
    female = _pick(df, "H1", "All officers (full-time equivalent) | Female")
    total = _pick(df, "H1", "All officers (full-time equivalent) | Total")
    if np.isnan(total):
        raise DataUnavailableError(
            f"{query.force_id} is not in table H1 of the {query.period} tables"
        )
    rows = [("all", "all officers", male, female, total)]
    m, f, t = (
        _pick(df, "H1", f"Officers available for duty (full-time equivalent) | {s}")
        for s in ("Male", "Female", "Total")
    )
    rows.append(("all", "available for duty", m, f, t))
    for rank in RANKS:
        m = _pick(df, "Table_H4", f"Male ranks | {rank}")
        f = _pick(df, "Table_H4", f"Female ranks | {rank}")
        if not (np.isnan(m) and np.isnan(f)):
            rows.append(("rank", rank, m, f, np.nansum([m, f])))
    for group in ETHNIC_GROUPS:
        m = _pick(df, "D2", f"Male | {group}")
        f = _pick(df, "D2", f"Female | {group}")
        if not (np.isnan(m) and np.isnan(f)):
            rows.append(("ethnicity", group, m, f, np.nansum([m, f])))
    out = []
    for breakdown, category, m, f, t in rows:
        low = high = share = np.nan
        if not np.isnan(f) and t and not np.isnan(t):
            share = f / t
            low, high = wilson_interval(min(round(f), round(t)), round(t), query.confidence)
        out.append(
            {
                "breakdown": breakdown,
                "category": category,
                "male_fte": m,
                "female_fte": f,
                "total_fte": t,
                "share_of_officers": t / total,
                "female_share": share,
                "female_share_low": low,
                "female_share_high": high,
            }
        )
    frontline = df[(df["table_id"] == "Table_F5") & df["measure"].str.contains("Proportion")]
    frontline = frontline.assign(year=frontline["measure"].str.extract(_FRONTLINE)[0])
    frontline = frontline[frontline["year"].notna()].sort_values("year")
    caveats = [
        "Full-time equivalents; the Wilson interval treats them, rounded, as officers.",
        "Officers available for duty leave out those on career breaks, maternity or paternity "
        "leave and long-term absence.",
    ]
    if not frontline.empty:
        last = frontline.iloc[-1]
        out.append(
            {
                "breakdown": "frontline",
                "category": f"frontline roles, 31 March {last['year']} (Home Office, table F5)",
                "male_fte": np.nan,
                "female_fte": np.nan,
                "total_fte": np.nan,
                "share_of_officers": float(last["value"]) / 100,
                "female_share": np.nan,
                "female_share_low": np.nan,
                "female_share_high": np.nan,
            }
        )
        caveats.append(
            "Frontline share as the Home Office publishes it (table F5: officers in frontline "
            "roles as a share of officers in the functions table, which leaves out officers "
            "seconded out or on long-term absence)."
        )
    return IndicatorResult(
        name="official.officer_strength",
        title=f"Police officers by sex, rank and ethnicity, {forces()[query.force_id].name}, "
        f"{query.period}",
        definition=(
            "Officer full-time equivalents at 31 March from the Home Office police workforce "
            "tables: by sex (H1), rank and sex (H4), ethnicity and sex (D2). share_of_officers = "
            "the category's FTE / all officers' FTE; female_share = female FTE / the category's "
            f"FTE with a Wilson {query.confidence:.0%} interval."
        ),
        table=pd.DataFrame(out),
        caveats=caveats,
        meta={"force_id": query.force_id, "period": query.period, "confidence": query.confidence},
    )
