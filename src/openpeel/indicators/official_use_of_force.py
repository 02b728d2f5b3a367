"""Use of force for every force from the Home Office use of force statistics (Treating the
public fairly): incidents, and tactics by the officer-perceived ethnicity of the person, as
rates per 1,000 residents of each group with the ratio to White (the statistics stop and search
uses: exact Poisson intervals, exact conditional rate ratios).

Inputs: the tidy official figures and, optionally, Census population by force area and broad
ethnic group (``openpeel population load``). Without population the counts and shares are shown
and the rates are not available.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import (
    OfficialQuery,
    force_figures,
    period_figures,
    yearly_counts,
)
from openpeel.indicators.official_peers import comparison
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.rate_ratio import rate_ratio
from openpeel.stats.rates import annual_rate_per_1000, person_years

PUBLICATION = "home-office-use-of-force"
INCIDENTS_TABLE = "12"
ETHNICITY_TABLE = "16"
ALL_TACTICS = "Total Tactics"
#: Table 16's row of conducted energy device (Taser) uses: "CED" in 2018/19, "CED of which" from
#: 2019/20 (with its discharge and non-discharge rows below).
CED_TACTICS = ("CED of which", "CED")
#: Published column label (start, lower case) -> broad group. "Chinese or Other" in early
#: editions; from 2019/20 Chinese is counted under Asian.
GROUP_OF_LABEL: tuple[tuple[str, str], ...] = (
    ("white", "white"),
    ("black", "black"),
    ("asian", "asian"),
    ("mixed", "mixed"),
    ("chinese", "other"),
    ("other", "other"),
    ("not reported", "not_reported"),
    ("not stated", "not_reported"),
    ("number of times", "total"),
    ("total", "total"),
)
GROUPS = ("white", "black", "asian", "mixed", "other")


def group_of(label: str) -> str | None:
    """The broad group of a published perceived-ethnicity column label."""
    text = label.strip().lower()
    return next((g for prefix, g in GROUP_OF_LABEL if text.startswith(prefix)), None)


#: A row of the table by perceived ethnicity before its figures: every column, in order, empty.
EMPTY_ROW: dict[str, Any] = dict.fromkeys(
    (
        "perceived_ethnicity",
        "incidents",
        "tactics",
        "share",
        "share_low",
        "share_high",
        "population",
        "rate_per_1000",
        "rate_per_1000_low",
        "rate_per_1000_high",
        "ratio_to_white",
        "ratio_low",
        "ratio_high",
    )
)


def use_of_force(
    query: OfficialQuery, tactic: str | tuple[str, ...] = ALL_TACTICS
) -> IndicatorResult:
    """Incidents and tactics by perceived ethnicity for one force and financial year.

    Args:
        tactic: the table 16 tactic row(s) counted (default all tactics; ``CED_TACTICS`` for
            Taser), the first label found in the edition is used.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded, or the force is not in its tables.
    """
    force_id, period = query.force_id, query.period
    population, confidence = query.population, query.confidence
    df = force_figures(query, PUBLICATION, "use of force statistics")
    incidents_rows = df[df["table_id"] == INCIDENTS_TABLE]
    if incidents_rows.empty:
        raise DataUnavailableError(f"{force_id} is not in table 12 of the {period} tables")
    incidents = incidents_rows["value"].iloc[0]
    counts = tactic_counts_by_ethnicity(df, tactic)
    pop = _population(population, force_id)
    total = counts.get("total") or sum(v for k, v in counts.items() if k != "total")
    rows = [
        {
            **EMPTY_ROW,
            "perceived_ethnicity": "all",
            "incidents": incidents,
            "tactics": total,
            "population": pop.get("total"),
        }
    ]
    white = counts.get("white")
    for group in (*GROUPS, "not_reported"):
        if group not in counts:
            continue
        count = counts[group]
        low, high = wilson_interval(count, total, confidence) if total else (None, None)
        row = {
            **EMPTY_ROW,
            "perceived_ethnicity": group,
            "tactics": count,
            "share": count / total if total else None,
            "share_low": low,
            "share_high": high,
            "population": pop.get(group),
        }
        people = pop.get(group)
        if people:
            # A financial year of figures: the exposure is the group's residents.
            r = annual_rate_per_1000(count, person_years(people, 12), confidence)
            row["rate_per_1000"], row["rate_per_1000_low"], row["rate_per_1000_high"] = (
                r.rate,
                r.low,
                r.high,
            )
            if group != "white" and white is not None and pop.get("white"):
                ratio = rate_ratio(count, people, white, pop["white"], "exact", confidence)
                row["ratio_to_white"], row["ratio_low"], row["ratio_high"] = (
                    ratio.ratio,
                    ratio.low,
                    ratio.high,
                )
        rows.append(row)
    caveats = [
        "Ethnicity is as perceived by the officer, not self-defined.",
        "Counts are uses of tactics, not people or incidents: one incident can involve several "
        "tactics (tactical communication and unreported tactics are excluded from the total).",
    ]
    if pop:
        caveats.append(
            "Rates use Census 2021 residents of the force area; people subject to force need not "
            "live there, and the Census date may differ from the year of the figures."
        )
    else:
        caveats.append(
            "No population loaded: rates and ratios to White are not available "
            "('openpeel population load')."
        )
    if counts.get("not_reported"):
        caveats.append(
            "Tactics whose subject's ethnicity was not reported are in no group's rate: each "
            "group's rate is a lower bound."
        )
    what = {ALL_TACTICS: "all tactics", CED_TACTICS: "Taser (CED) uses"}.get(
        tactic, f"tactic {' or '.join(_labels(tactic))}"
    )
    if not counts:
        caveats.append(f"Table 16 of the {period} tables has no figures of {what} for the force.")
    return IndicatorResult(
        name="official.use_of_force",
        title=f"Use of force, {forces()[force_id].name}, {period}"
        + ("" if tactic == ALL_TACTICS else f" ({what})"),
        definition=(
            "Incidents in which force was used (Home Office use of force statistics, table 12) "
            "and uses of tactics by the officer-perceived ethnicity of the person (table 16, "
            f"{what}). Share: tactics in the group / all tactics, Wilson {confidence:.0%} "
            "interval. Rate per 1,000 residents of the group, exact Poisson interval; ratio to "
            "the White rate with an exact conditional interval."
        ),
        table=pd.DataFrame(rows),
        caveats=caveats,
        meta={"force_id": force_id, "period": period, "confidence": confidence},
    )


def tactic_counts_by_ethnicity(
    df: pd.DataFrame, tactic: str | tuple[str, ...] = ALL_TACTICS
) -> dict[str, float]:
    """Uses of a tactic by broad perceived-ethnicity group (``total`` included) from the rows of
    table 16 of one force (the first of ``tactic``'s labels the edition uses)."""
    labels = _labels(tactic)
    tactics = df[df["table_id"] == ETHNICITY_TABLE].copy()
    if tactics.empty:
        return {}
    tactics["dims"] = tactics["dimensions"].map(json.loads)
    present = set(tactics["dims"].map(lambda d: d.get("Tactic")))
    label = next((t for t in labels if t in present), None)
    tactics = tactics[tactics["dims"].map(lambda d: d.get("Tactic") == label)]
    counts: dict[str, float] = {}
    for _, cell in tactics.iterrows():
        group = group_of(cell["dims"].get("perceived_ethnicity", ""))
        if group and pd.notna(cell["value"]):
            counts[group] = counts.get(group, 0.0) + float(cell["value"])
    return counts


def _labels(tactic: str | tuple[str, ...]) -> tuple[str, ...]:
    return (tactic,) if isinstance(tactic, str) else tactic


def _population(population: pa.Table | None, force_id: str) -> dict[str, float]:
    if population is None:
        return {}
    rows = population.filter(pc.equal(population["force_id"], force_id)).to_pylist()
    return {str(r["ethnic_group"]): float(r["population"]) for r in rows}


def residents_by_force(population: pa.Table | None) -> dict[str, float]:
    """Census residents (all groups) of every force area; raises when no population is loaded."""
    if population is None:
        raise DataUnavailableError(
            "rates per 1,000 residents need the Census population ('openpeel population load')"
        )
    rows = population.filter(pc.equal(population["ethnic_group"], "total")).to_pylist()
    return {str(r["force_id"]): float(r["population"]) for r in rows}


def incidents_by_force(figures: pa.Table, period: str, population: pa.Table | None) -> pd.DataFrame:
    """Incidents (table 12) and resident person-years of every force in a financial year."""
    mine = period_figures(figures, PUBLICATION, period)
    mine = mine[mine["table_id"] == INCIDENTS_TABLE]
    if mine.empty:
        raise DataUnavailableError(f"use of force table 12 for {period!r} is not loaded")
    residents = residents_by_force(population)
    return yearly_counts(mine[mine["force_id"].notna()], residents)


def use_of_force_peers(query: OfficialQuery) -> IndicatorResult:
    """Use of force incidents per 1,000 residents of every force against the query's force.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period or the population is not loaded, or the force has no row.
    """
    values = incidents_by_force(query.figures, query.period, query.population)
    return comparison("use-of-force").of(values, query)
