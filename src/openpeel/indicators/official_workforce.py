"""Workforce representation for every force from the Home Office police workforce tables
(Building, supporting and protecting the workforce): the ethnic-minority share of officers, of
joiners and of leavers against the force area's population, with Wilson intervals and the ratio
of representation (share of officers / share of residents).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import force_figures
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.stats.intervals import wilson_interval

PUBLICATION = "home-office-workforce-bulletin"
#: Column labels (after the "Male | " or "Female | " prefix) of table D2 that are minority groups.
MINORITY_GROUPS = (
    "Black or Black British",
    "Asian or Asian British",
    "Chinese or Other ethnic group",
    "Mixed",
)


def _value(df: pd.DataFrame, table: str, contains: str) -> float | None:
    rows = df[(df["table_id"] == table) & df["measure"].str.contains(contains, regex=False)]
    rows = rows[rows["value"].notna()]
    return float(rows["value"].iloc[0]) if not rows.empty else None


def workforce_representation(
    figures: pa.Table, force_id: str, period: str, confidence: float = 0.95
) -> IndicatorResult:
    """Officers, joiners and leavers by ethnicity for one force at one 31 March.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded, or the force is not in its tables.
    """
    df = force_figures(figures, PUBLICATION, "police workforce tables", force_id, period)
    d2 = df[df["table_id"] == "D2"]
    if d2.empty:
        raise DataUnavailableError(f"{force_id} is not in table D2 of the {period} tables")

    def d2_sum(groups: tuple[str, ...]) -> float:
        labels = {f"{sex} | {g}" for sex in ("Male", "Female") for g in groups}
        return float(d2[d2["measure"].isin(labels)]["value"].sum())

    counts = {
        "officers": (
            d2_sum(("White",)),
            d2_sum(MINORITY_GROUPS),
            d2_sum(("Not stated",)),
        ),
        "joiners": tuple(
            _value(df, "Table_D3", label) for label in ("| White", "(BME)", "| Not stated")
        ),
        "leavers": tuple(
            _value(df, "Table_D4", label) for label in ("| White", "(BME)", "| Not stated")
        ),
    }
    population_share = _value(df, "Table_D1", "Proportion of BME Population")
    published_share = _value(df, "Table_D1", "Proportion of BME Officers")
    resident_share = population_share / 100 if population_share is not None else None
    rows = []
    for group, (white, minority, not_stated) in counts.items():
        if white is None or minority is None:
            continue
        stated = white + minority
        low, high = wilson_interval(round(minority), round(stated), confidence)
        share = minority / stated if stated else None
        rows.append(
            {
                "group": group,
                "white_fte": white,
                "ethnic_minority_fte": minority,
                "not_stated_fte": not_stated,
                "ethnic_minority_share": share,
                "share_low": low,
                "share_high": high,
                "not_stated_share": (not_stated / (stated + not_stated))
                if not_stated is not None and stated + not_stated
                else None,
                "residents_ethnic_minority_share": resident_share,
                "representation_ratio": share / resident_share
                if share is not None and resident_share
                else None,
            }
        )
    caveats = [
        "Counts are full-time equivalents; the Wilson interval treats them, rounded, as people.",
        "Ethnic minority: Black, Asian, Chinese or other, and mixed groups (White minorities "
        "are counted as White); the share is of officers who stated their ethnicity.",
        "Residents' share: the Home Office's figure beside table D1 (2011 Census).",
    ]
    if published_share is not None:
        caveats.append(
            f"The Home Office's own share of ethnic-minority officers (table D1): "
            f"{published_share:.2f}%."
        )
    return IndicatorResult(
        name="official.workforce_representation",
        title=f"Workforce representation, {forces()[force_id].name}, {period}",
        definition=(
            "Ethnic-minority share = ethnic-minority FTE / FTE with a stated ethnicity, for "
            "officers (table D2), joiners in the year (D3) and leavers (D4), with a Wilson "
            f"{confidence:.0%} interval; ratio of representation = that share / the share of the "
            "force area's residents from ethnic minorities (1 = the workforce looks like the "
            "community)."
        ),
        table=pd.DataFrame(rows),
        caveats=caveats,
        meta={
            "force_id": force_id,
            "period": period,
            "confidence": confidence,
            "published_officers_share_percent": published_share,
        },
    )
