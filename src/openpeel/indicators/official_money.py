"""Money for every force from the HMICFRS value for money police objective analysis (Strategic
planning, organisational management and value for money): funding (central grants, council tax
precept) and spending per resident, and spending, officers and staff by function (neighbourhood
policing, response, investigations, public protection, intelligence, ...) per resident, each
against every force.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from openpeel.errors import UserInputError
from openpeel.indicators.official_figures import OfficialQuery, known_force
from openpeel.indicators.official_peers import comparison
from openpeel.indicators.official_vfm import (
    ADR,
    POA,
    force_residents,
    population_by_force,
    vfm_rows,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces

FUNDING_TABLE = "3_Funding"
#: Section -> (POA sheet, unit, multiplier to pounds or FTE, per how many residents).
SECTIONS = {
    "funding": ("3_Funding", "pounds", 1000.0, 1.0),
    "spending": ("8_GRE", "pounds", 1000.0, 1.0),
    "officers": ("4_Officers_FTE", "fte", 1.0, 1000.0),
    "staff": ("5_Staff_FTE", "fte", 1.0, 1000.0),
}
FUNDING_ITEMS = (
    "Central Funding",
    "Police Grant",
    "Formula grant",
    "Legacy Council Tax Grants",
    "Government grants",
    "Local Funding",
    "Council Tax Precept Income",
    "Total funding",
)
CAVEATS = [
    "Money and staff are not counts of chance events: no interval; forces are ranked by value.",
    "Functions are as each force codes its spending to the CIPFA police objective analysis: "
    "forces code the same work differently, especially shared and collaborated services.",
    "Residents: the ONS mid-year estimate printed in the value for money profiles (ADR); the "
    "profiles' own per-head figures may use another population.",
    "Gross revenue expenditure (GRE) in the year; 'TOTAL excl NATIONAL POLICING' leaves out "
    "counter terrorism and other national functions some forces host.",
]


def _items(rows: pd.DataFrame, section: str) -> list[str]:
    sheet = SECTIONS[section][0]
    labels = rows[rows["table_id"] == sheet]["measure"].drop_duplicates().tolist()
    if section == "funding":
        return [label for label in FUNDING_ITEMS if label in labels]
    return [label for label in labels if label.upper().startswith("TOTAL")]


def money_by_force(
    figures: pa.Table, period: str, section: str, item: str
) -> tuple[pd.DataFrame, str]:
    """``count`` (pounds or FTE) of one item and residents (``denominator``) by force.

    Returns the frame and the unit (``pounds`` or ``fte``).

    Raises:
        UserInputError: unknown section or item (the message lists the items).
        DataUnavailableError: the period of the POA or ADR is not loaded.
    """
    if section not in SECTIONS:
        raise UserInputError(f"unknown section {section!r}; one of: {', '.join(SECTIONS)}")
    sheet, unit, scale, _ = SECTIONS[section]
    rows = vfm_rows(figures, POA, period)
    wanted = item.strip().lower()
    labels = rows[rows["table_id"] == sheet]["measure"].drop_duplicates()
    match = [label for label in labels if label.strip().lower().rstrip("*") == wanted.rstrip("*")]
    if not match:
        raise UserInputError(
            f"unknown {section} item {item!r}; one of: {'; '.join(_items(rows, section))}"
        )
    values = rows[(rows["table_id"] == sheet) & (rows["measure"] == match[0])]
    values = values.groupby("force_id")["value"].first() * scale
    population = population_by_force(vfm_rows(figures, ADR, period))
    return (
        pd.DataFrame(
            {
                "force_id": values.index,
                "count": values.to_numpy(dtype=float),
                "denominator": population.reindex(values.index).to_numpy(dtype=float),
            }
        ),
        unit,
    )


def money(query: OfficialQuery) -> IndicatorResult:
    """Funding, spending, officers and staff by function of one force, per resident, against
    every force.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the POA or ADR of the period is not loaded, or the force is not
            in them.
    """
    figures, force_id, period = query.figures, query.force_id, query.period
    known_force(force_id)
    rows = vfm_rows(figures, POA, period)
    population = force_residents(vfm_rows(figures, ADR, period), force_id, period)
    people = float(population[force_id])
    spending_total = None
    out = []
    for section, (sheet, unit, scale, per) in SECTIONS.items():
        table = rows[rows["table_id"] == sheet]
        for item in _items(rows, section):
            values = table[table["measure"] == item].groupby("force_id")["value"].first() * scale
            amount = values.get(force_id, np.nan)
            per_head = (values / population.reindex(values.index) * per).dropna()
            national = per * values.sum() / population.reindex(values.index).sum()
            if section == "spending" and item.upper() == "TOTAL":
                spending_total = amount
            out.append(
                {
                    "section": section,
                    "item": item.rstrip("*").strip(),
                    "unit": unit,
                    "amount": amount,
                    "population": people,
                    "per_residents": per,
                    "value": per * amount / people if pd.notna(amount) else np.nan,
                    "england_and_wales_value": national,
                    "rank": int((per_head > per_head.get(force_id, np.inf)).sum()) + 1
                    if pd.notna(amount)
                    else None,
                    "forces_compared": int(per_head.size),
                }
            )
    table = pd.DataFrame(out)
    spending = table["section"] == "spending"
    table["share_of_spending"] = np.where(
        spending & bool(spending_total), table["amount"] / (spending_total or np.nan), np.nan
    )
    return IndicatorResult(
        name="official.money",
        title=f"Funding, spending and staff by function, {forces()[force_id].name}, {period}",
        definition=(
            "From the HMICFRS value for money police objective analysis (POA): funding (sheet "
            "3) and gross revenue expenditure by function (sheet 8) in pounds per resident; "
            "officers (sheet 4) and police staff (sheet 5) by function, FTE per 1,000 residents "
            "(per_residents says which); residents = the ADR's ONS mid-year estimate. "
            "share_of_spending = the function's spending / total spending. England and Wales = "
            "all forces listed; rank 1 = the most per resident."
        ),
        table=table,
        caveats=list(CAVEATS),
        meta={"force_id": force_id, "period": period},
    )


def money_peers(
    query: OfficialQuery, section: str = "spending", item: str = "TOTAL"
) -> IndicatorResult:
    """One funding, spending or staffing item per resident of every force (a ranked dot plot:
    amounts have no funnel)."""
    values, unit = money_by_force(query.figures, query.period, section, item)
    per = SECTIONS[section][3]
    return comparison("money").of(
        values,
        query,
        caveats=CAVEATS,
        per=per,
        meta={"section": section, "item": item},
        words=f"{item.rstrip('*').strip()} ({section}, POA)",
        unit=unit,
        per_residents="resident" if per == 1 else "1,000 residents",
    )
