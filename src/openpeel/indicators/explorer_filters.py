"""The stop and search explorer's filters: what a visitor can choose, and the one rule that
applies a choice to person searches, as a query over the lake (``matching``) or over the
explorer's cube of counts (``matching_cells``).

A filter value ``not_recorded`` chooses the searches whose field is blank.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from openpeel.errors import UserInputError

#: Filter name -> column of the person-search rows it filters.
FILTER_COLUMNS = {
    "legislation": "legislation_code",
    "object": "object_of_search_code",
    "outcome": "outcome_group",
    "age": "age_range_code",
    "sex": "gender_code",
}
#: Ethnicity basis -> column of the broad group on that basis.
ETHNICITY_BASES = {"self_defined": "group", "officer_defined": "officer_group"}
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class ExplorerFilters:
    """What the explorer shows: the ethnicity basis and one value (or all) per filter."""

    ethnicity: str = "self_defined"
    legislation: str = ""
    object: str = ""
    outcome: str = ""
    age: str = ""
    sex: str = ""

    def __post_init__(self) -> None:
        if self.ethnicity not in ETHNICITY_BASES:
            raise UserInputError(f"ethnicity must be one of {', '.join(ETHNICITY_BASES)}")

    def active(self) -> dict[str, str]:
        """The filters set (name -> value)."""
        return {k: v for k, v in asdict(self).items() if k in FILTER_COLUMNS and v}

    def chosen(self, skip: str = "") -> dict[str, str]:
        """The filters set, as column -> value, leaving out the filter named ``skip`` (a
        breakdown by one filter's field ignores that filter)."""
        return {FILTER_COLUMNS[k]: v for k, v in self.active().items() if k != skip}


def matching(persons: Any, filters: ExplorerFilters, skip: str = "") -> Any:
    """The person searches (an Ibis table) that match every filter set but ``skip``."""
    for column, value in filters.chosen(skip).items():
        field = persons[column]
        persons = persons.filter(field.isnull() if value == NOT_RECORDED else field == value)
    return persons


def matching_cells(cells: pd.DataFrame, filters: ExplorerFilters, skip: str = "") -> pd.DataFrame:
    """The cells of an explorer cube (blank fields held as ``not_recorded``) that match every
    filter set but ``skip``."""
    chosen = filters.chosen(skip)
    if not chosen:
        return cells
    keep = pd.Series(True, index=cells.index)
    for column, value in chosen.items():
        keep &= cells[column] == value
    return cells[keep]
