"""Injuries in use of force incidents, England and Wales (Treating the public fairly): the share of
incidents in which the person force was used on was injured, seriously injured or died, and the
share in which the officer was injured or intentionally assaulted, with Wilson intervals.

The Home Office publishes injuries (tables 10 and 11) for England and Wales only, not by force:
these figures are the national context beside a force's own use of force and Taser figures.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa

from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import period_figures
from openpeel.indicators.official_use_of_force import PUBLICATION
from openpeel.indicators.result import IndicatorResult
from openpeel.stats.intervals import wilson_interval

OFFICERS_TABLE = "Table_10"
PEOPLE_TABLE = "Table_11"
TOTAL = "Total incidents"


def _cells(df: pd.DataFrame, table: str) -> pd.DataFrame:
    rows = df[df["table_id"] == table]
    dims = rows["dimensions"].map(json.loads)
    return rows.assign(
        level=rows["measure"].str.split("|").str[-1].str.strip(),
        injured=dims.map(lambda d: d.get("row", "")),
        assaulted=dims.map(lambda d: d.get("row_1", "")),
    )


def use_of_force_injuries(
    figures: pa.Table, period: str, confidence: float = 0.95
) -> IndicatorResult:
    """Injuries to people and officers in use of force incidents, England and Wales, one year.

    Raises:
        DataUnavailableError: the period or its injury tables are not loaded.
    """
    df = period_figures(figures, PUBLICATION, period)
    df = df[df["area_id"] == "england-and-wales"]
    people = _cells(df, PEOPLE_TABLE)
    officers = _cells(df, OFFICERS_TABLE)
    if people.empty or officers.empty:
        raise DataUnavailableError(
            f"the injury tables (10 and 11) of the {period} use of force tables are not loaded"
        )

    def total(cells: pd.DataFrame, level: str, **where: str) -> float:
        keep = cells["level"] == level
        for column, value in where.items():
            keep &= cells[column] == value
        return float(cells.loc[keep, "value"].sum())

    all_incidents = total(people, TOTAL, injured=TOTAL)
    people_known = total(people, TOTAL, injured="Yes") + total(people, TOTAL, injured="No")
    officer_rows = officers[officers["injured"] != TOTAL]
    officers_known = float(
        officer_rows[
            (officer_rows["level"] == TOTAL) & officer_rows["injured"].isin(["Yes", "No"])
        ]["value"].sum()
    )
    officers_assault_known = float(
        officer_rows[
            (officer_rows["level"] == TOTAL) & officer_rows["assaulted"].isin(["Yes", "No"])
        ]["value"].sum()
    )
    measures = [
        ("person_injured", "Person injured", total(people, TOTAL, injured="Yes"), people_known),
        (
            "person_severely_injured_or_died",
            "Person injured severely or died",
            total(people, "Severe", injured="Yes") + total(people, "Death", injured="Yes"),
            people_known,
        ),
        ("person_died", "Person died", total(people, "Death", injured="Yes"), people_known),
        (
            "officer_injured",
            "Officer injured",
            float(
                officer_rows[(officer_rows["level"] == TOTAL) & (officer_rows["injured"] == "Yes")][
                    "value"
                ].sum()
            ),
            officers_known,
        ),
        (
            "officer_assaulted",
            "Officer intentionally assaulted",
            float(
                officer_rows[
                    (officer_rows["level"] == TOTAL) & (officer_rows["assaulted"] == "Yes")
                ]["value"].sum()
            ),
            officers_assault_known,
        ),
    ]
    rows = []
    for key, words, count, known in measures:
        low, high = wilson_interval(count, known, confidence) if known else (None, None)
        rows.append(
            {
                "measure": key,
                "description": words,
                "incidents": count,
                "incidents_recorded": known,
                "all_incidents": all_incidents,
                "share": count / known if known else None,
                "share_low": low,
                "share_high": high,
                "not_recorded_share": 1 - known / all_incidents if all_incidents else None,
            }
        )
    return IndicatorResult(
        name="official.use_of_force_injuries",
        title=f"Injuries in use of force incidents, England and Wales, {period}",
        definition=(
            "share = incidents with the injury / incidents in which whether anyone was injured "
            "was recorded (Yes or No; for assaults, whether the officer was assaulted), Home "
            f"Office use of force tables 11 (person) and 10 (officer), Wilson {confidence:.0%} "
            "interval; not_recorded_share = incidents with the answer unknown or not reported / "
            "all incidents."
        ),
        table=pd.DataFrame(rows),
        caveats=[
            "Published for England and Wales only: no force's own injury figures are available.",
            "Counts are incidents (one per officer report): one person's injury reported by "
            "several officers counts several times; they are not counts of people.",
            "The Home Office notes contradictory records (an injury level recorded with 'not "
            "injured') and doubts the recording of deaths; a death is counted here as recorded.",
        ],
        meta={"period": period, "confidence": confidence, "area": "england-and-wales"},
    )
