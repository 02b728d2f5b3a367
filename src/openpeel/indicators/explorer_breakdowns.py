"""The stop and search explorer's breakdowns: matching person searches by age, sex, object of
search and outcome, and the more thorough searches (section 60, strip searches) by ethnic group.

Each breakdown applies the explorer's filters except its own (the age chart under "sex: female"
shows the women searched by age; filtering it by age too would leave one bar at 100%), and counts
the same person searches as :func:`openpeel.indicators.explorer.explore`: all are counted from the
explorer's cube (``explorer_cube``), so a filter change queries no lake.
"""

from __future__ import annotations

from dataclasses import asdict, replace

import pandas as pd

from openpeel.errors import UserInputError
from openpeel.indicators import stop_search as ss
from openpeel.indicators.explorer_cube import ExplorerCube, counts_by, reads_lake
from openpeel.indicators.explorer_filters import (
    ETHNICITY_BASES,
    FILTER_COLUMNS,
    NOT_RECORDED,
    ExplorerFilters,
    matching_cells,
)
from openpeel.indicators.result import IndicatorResult, force_period_result
from openpeel.indicators.stop_search_outcomes import SECTION_60
from openpeel.reference.vocabularies import vocabulary
from openpeel.stats.intervals import wilson_interval

#: Breakdown -> (the explorer filter it ignores, the vocabulary whose order it keeps or None to
#: order by searches, most first).
BREAKDOWNS: dict[str, tuple[str, str | None]] = {
    "age": ("age", "age_range"),
    "sex": ("sex", "gender"),
    "object": ("object", None),
    "outcome": ("outcome", None),
}
#: The more thorough searches, as (measure code, what it counts).
THOROUGH = ("section_60", "strip_search")

BREAKDOWN_DEFINITION = (
    "searches: person searches (vehicle-only excluded) matching the explorer's filters other "
    "than this breakdown's own, by {what} ('not_recorded' where the field is blank). share = "
    "searches / all those matching searches, Wilson {level:.0%} interval."
)
THOROUGH_DEFINITION = (
    "measure 'section_60' = person searches under section 60 of the Criminal Justice and Public "
    "Order Act 1994 (no reasonable grounds needed inside an authorised area); 'strip_search' = "
    "person searches with removal of more than outer clothing recorded. Per {basis} ethnic group "
    "(and 'all'): searches = such searches matching the filters, of_searches = all matching "
    "person searches of the group, share = searches / of_searches, Wilson {level:.0%} interval."
)


def _order(counts: pd.DataFrame, vocabulary_name: str | None) -> pd.DataFrame:
    """Categories in the vocabulary's order (age bands read youngest first), else most searches
    first; 'unknown' and 'not_recorded' always last."""
    last = counts["category"].isin(["unknown", NOT_RECORDED])
    if vocabulary_name is None:
        head = counts[~last].sort_values(["searches", "category"], ascending=[False, True])
    else:
        codes = list(dict.fromkeys(t.code for t in vocabulary(vocabulary_name).values()))
        rank = {code: i for i, code in enumerate(codes)}
        head = counts[~last].assign(_rank=lambda d: d.category.map(lambda c: rank.get(c, 99)))
        head = head.sort_values(["_rank", "category"]).drop(columns="_rank")
    return pd.concat([head, counts[last].sort_values("category")], ignore_index=True)


def breakdown_cube(
    cube: ExplorerCube,
    dimension: str,
    filters: ExplorerFilters | None = None,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Matching person searches by one of age, sex, object of search or outcome.

    Args:
        cube: the force-period's cube (``explorer_cube``); :func:`breakdown` counts it.
        dimension: ``age``, ``sex``, ``object`` or ``outcome``.
        filters: the explorer's filters (this dimension's own is ignored).
        confidence: level of the intervals.

    Returns:
        One row per category seen: ``category, searches, share, share_low, share_high`` (codes;
        the pages show names).
    """
    if dimension not in BREAKDOWNS:
        raise UserInputError(f"breakdown must be one of {', '.join(BREAKDOWNS)}")
    filters = filters or ExplorerFilters()
    skip, vocabulary_name = BREAKDOWNS[dimension]
    column = FILTER_COLUMNS[dimension]
    counts = counts_by(matching_cells(cube.cells, filters, skip), column).reset_index()
    table = counts.rename(columns={column: "category"}).astype({"category": str})
    table["searches"] = table["searches"].astype("int64")
    table = _order(table, vocabulary_name)
    total = int(table["searches"].sum())
    low, high = wilson_interval(table["searches"], total, confidence)
    table["share"] = table["searches"] / total if total else float("nan")
    table["share_low"], table["share_high"] = low, high
    what = {"object": "object of search", "outcome": "outcome group"}.get(dimension, dimension)
    caveats = [
        "Person searches only (vehicle-only searches excluded), as in the stop and search rates.",
    ]
    if dimension == "outcome":
        caveats.append(
            "An outcome is what followed the search; it does not say whether the object searched "
            "for was found."
        )
    if total < 100:
        caveats.append(f"Only {total} searches match: intervals are wide.")
    ignored = getattr(filters, skip)
    if ignored:
        caveats.append(f"The {what} filter is not applied to this breakdown (it would be 100%).")
    return force_period_result(
        f"stop_search.explorer_{dimension}",
        f"Person searches by {what}",
        cube.force_id,
        cube.period,
        BREAKDOWN_DEFINITION.format(what=what, level=confidence),
        table[["category", "searches", "share", "share_low", "share_high"]],
        caveats,
        is_synthetic=cube.is_synthetic,
        dimension=dimension,
        filters=asdict(replace(filters, **{skip: ""})),
    )


#: :func:`breakdown_cube` reading the lake: ``breakdown(con, force_id, period, dimension, ...)``.
breakdown = reads_lake(breakdown_cube)


def thorough_searches_cube(
    cube: ExplorerCube, filters: ExplorerFilters | None = None, confidence: float = 0.95
) -> IndicatorResult:
    """Section 60 and strip searches among the matching person searches, by ethnic group.

    Returns:
        One row per measure and group (the five broad groups, ``not_stated`` and ``all``):
        ``measure, group, searches, of_searches, share, share_low, share_high``.
    """
    filters = filters or ExplorerFilters()
    key = ETHNICITY_BASES[filters.ethnicity]
    matched = matching_cells(cube.cells, filters)
    matched = matched.assign(
        section_60=matched.searches.where(matched.legislation_code == SECTION_60, 0)
    )
    cells = counts_by(matched, key, ("searches", "section_60", "strip_search", "strip_unknown"))
    cells = cells.reset_index().rename(columns={key: "group", "searches": "of_searches"})
    cells = cells.astype({"group": str})
    groups = [*ss.GROUPS, ss.NOT_STATED]
    cells = pd.DataFrame({"group": groups}).merge(cells, on="group", how="left").fillna(0)
    numbers = ["of_searches", "section_60", "strip_search", "strip_unknown"]
    total = cells[numbers].sum()
    cells = pd.concat(
        [cells, pd.DataFrame([{"group": ss.ALL, **total.to_dict()}])], ignore_index=True
    )
    cells[numbers] = cells[numbers].astype("int64")
    long = cells.melt(
        id_vars=["group", "of_searches"],
        value_vars=list(THOROUGH),
        var_name="measure",
        value_name="searches",
    )
    long["searches"] = long["searches"].astype("int64")
    low, high = wilson_interval(long["searches"], long["of_searches"], confidence)
    long["share"] = long["searches"] / long["of_searches"].where(long["of_searches"] > 0)
    long["share_low"], long["share_high"] = low, high
    empty = long["of_searches"] == 0
    long.loc[empty, ["share_low", "share_high"]] = float("nan")
    table = long[
        ["measure", "group", "searches", "of_searches", "share", "share_low", "share_high"]
    ]
    caveats = [
        "police.uk 'removal of more than outer clothing' covers more than a full strip search; "
        "it is the only strip-search indicator in the open data.",
    ]
    unknown = int(cells.loc[cells.group == ss.ALL, "strip_unknown"].iloc[0])
    if unknown:
        caveats.append(
            f"The strip-search field is blank for {unknown:,} matching person searches: counted "
            "as not strip searches, so the strip-search shares are lower bounds."
        )
    s60 = int(table[(table.measure == "section_60") & (table.group == ss.ALL)].searches.iloc[0])
    if s60 == 0:
        caveats.append(
            "No matching search was under section 60: the force recorded none in these months "
            "(or none under these filters)."
        )
    elif s60 < 20:
        caveats.append(f"Only {s60} section 60 searches match: the shares are imprecise.")
    basis = filters.ethnicity.replace("_", "-")
    return force_period_result(
        "stop_search.explorer_thorough",
        f"Section 60 and strip searches by {basis} ethnic group",
        cube.force_id,
        cube.period,
        THOROUGH_DEFINITION.format(basis=basis, level=confidence),
        table.reset_index(drop=True),
        caveats,
        is_synthetic=cube.is_synthetic,
        filters=asdict(filters),
    )


#: :func:`thorough_searches_cube` reading the lake: ``thorough_searches(con, force_id, period,
#: filters, confidence)``.
thorough_searches = reads_lake(thorough_searches_cube)
