"""Stop and search outcomes, section 60 and strip searches, and the age x sex x ethnicity mix.

All three work on person searches (vehicle-only searches have no person, so no ethnicity, age
or sex) and give proportions with Wilson intervals. Cells under the minimum counts of
method.md §4 are marked rather than hidden: 50 searches for an outcome rate, 100 for an
age x sex x ethnicity cell.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
from ibis import _

from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.result import IndicatorResult
from openpeel.indicators.shares import add_share_columns
from openpeel.indicators.stop_search import (
    ALL,
    CENSUS2021,
    GROUPS,
    NOT_RECORDED_MIN_SEARCHES,
    NOT_STATED,
    REFERENCE,
    Scope,
    _who,
    exposures,
    person_searches_expr,
    population_forces,
    population_frame,
    population_provenance,
    scoped,
    stop_searches_table,
)
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.rate_ratio import rate_ratio
from openpeel.stats.rates import annual_rate_per_1000

MIN_OUTCOME_SEARCHES = 50
MIN_CELL_SEARCHES = 100
SECTION_60 = "cjpoa_s60"
UNDER_18 = ("under_10", "10_17")
DIMENSIONS = ("ethnic_group", "object_of_search", "legislation")


def _count(cond: Any) -> Any:
    return cond.fill_null(False).cast("int64").sum()


def outcome_cells_expr(persons: ibis.Table) -> ibis.Table:
    """Person searches per group x object x legislation with the outcome counts."""
    t = persons.mutate(
        object_of_search=_.object_of_search_code.fill_null("blank"),
        legislation=_.legislation_code.fill_null("blank"),
    )
    return t.group_by([t.group.name("ethnic_group"), "object_of_search", "legislation"]).agg(
        searches=_.count(),
        outcome_known=_count(_.outcome_group.notnull()),
        arrests=_count(_.outcome_group == "arrest"),
        any_action=_count(positive_outcome()),
        cannabis_warnings=_count(_.outcome_code == "drugs_warning"),
        link_known=_count(_.is_outcome_linked_to_object.notnull()),
        linked=_count(positive_outcome() & _.is_outcome_linked_to_object.fill_null(False)),
        link_errors=_count(
            (_.outcome_group == "no_further_action")
            & _.is_outcome_linked_to_object.fill_null(False)
        ),
    )


def positive_outcome() -> Any:
    """A search whose outcome is known and is not no further action (something was done)."""
    return _.outcome_group.notnull() & (_.outcome_group != "no_further_action")


MAX_POSITIVE_LINK_BLANK = 0.10
"""The linked (find) rate is withheld when 'outcome linked to object' is blank for more than
this share of one force's positive outcomes: the force fills the link for some outcomes only."""


def link_recording_expr(persons: ibis.Table) -> ibis.Table:
    """Per force and outcome: positive-outcome person searches and how many have the link blank."""
    return (
        persons.filter(positive_outcome())
        .group_by(["force_id", "outcome_code"])
        .agg(positives=_.count(), link_blank=_count(_.is_outcome_linked_to_object.isnull()))
    )


def linked_withheld_reason(con: Any, sc: Scope) -> str:
    """Why the linked (find) rate cannot be read for the scope ('' when it can).

    A find is a positive outcome linked to the object searched for. A force that fills the link
    for some outcomes only (West Midlands in 2019/20 filled it for cautions and cannabis warnings
    and some arrests) makes any rate built on it an artefact of that recording practice.
    """
    memo_key = "linked_withheld_reason"
    if memo_key in sc.memo:
        return str(sc.memo[memo_key])
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    df = link_recording_expr(persons).execute()
    reasons = []
    for force_id, part in df.groupby("force_id"):
        positives = int(part["positives"].sum())
        blank = int(part["link_blank"].sum())
        if positives and blank / positives > MAX_POSITIVE_LINK_BLANK:
            filled = part[part["link_blank"] < part["positives"]].sort_values("outcome_code")
            named = ", ".join(
                f"{r.outcome_code} ({(r.positives - r.link_blank) / r.positives:.0%})"
                for r in filled.itertuples()
            )
            reasons.append(
                f"{force_id} leaves 'outcome linked to object' blank for {blank:,} of "
                f"{positives:,} positive outcomes ({blank / positives:.0%}); it fills the link "
                f"only for {named or 'no outcome'}, so a linked (find) rate would measure its "
                "recording practice, not what searches found"
            )
    reason = "; ".join(reasons)
    sc.memo[memo_key] = reason
    return reason


def _with_rates(df: pd.DataFrame, confidence: float) -> pd.DataFrame:
    out = df.copy()
    for name, num, den in (
        ("arrest", "arrests", "searches"),
        ("arrest_known_outcome", "arrests", "outcome_known"),
        ("any_action", "any_action", "outcome_known"),
        ("linked", "linked", "searches"),
        ("cannabis_warning", "cannabis_warnings", "outcome_known"),
    ):
        add_share_columns(out, num, den, f"{name}_rate", confidence, bounds=name)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["link_unknown_share"] = 1 - out["link_known"] / out["searches"]
    return out


OUTCOMES_DEFINITION = (
    "Person searches (vehicle-only excluded) by self-defined group x object of search x "
    "legislation, and every margin ('all' = summed over that dimension). share = the cell's "
    "searches / all searches of its ethnic_group (so the controlled_drugs rows give the drug "
    "searches' share of all searches). outcome_known = searches with an outcome published. "
    "arrest_rate = arrests / searches (all person searches: the Home Office convention, "
    "comparable with published figures); arrest_known_outcome_rate = arrests / outcome_known "
    "(searches with an outcome published) beside it; any_action_rate = outcomes other than no "
    "further action / outcome_known; cannabis_warning_rate = Khat or Cannabis warnings (a "
    "disposal for simple possession) / outcome_known; linked = finds: searches with a positive "
    "outcome (not no further action) recorded as linked to the object of search; linked_rate = "
    "linked / searches (empty, with linked_reason, when the force fills the link for some "
    "outcomes only); link_errors = searches with no further action yet the link recorded True "
    "(nothing was found to link: a recording error, counted in stop_search.quality, never a "
    "find); link_known = searches with the link recorded, link_unknown_share = 1 - link_known / "
    "searches. *_low/*_high = Wilson intervals. is_small = fewer than 50 searches (too few for "
    "an outcome comparison)."
)


@computed_once
@scoped
def outcomes(con: Any, sc: Scope, confidence: float = 0.95) -> IndicatorResult:
    """Arrest, any-action, cannabis-warning and linked-to-object rates with Wilson intervals."""
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    cells = outcome_cells_expr(persons).execute()
    counts = [c for c in cells.columns if c not in DIMENSIONS]
    parts = []
    for k in range(len(DIMENSIONS), -1, -1):
        for keep in combinations(DIMENSIONS, k):
            if keep:
                g = cells.groupby(list(keep), as_index=False)[counts].sum()
            else:
                g = cells[counts].sum().to_frame().T
            for d in DIMENSIONS:
                if d not in keep:
                    g[d] = ALL
            parts.append(g)
    table = pd.concat(parts, ignore_index=True)
    group_total = table[(table["object_of_search"] == ALL) & (table["legislation"] == ALL)]
    denominators = group_total.set_index("ethnic_group")["searches"]
    share_den = table["ethnic_group"].map(denominators).to_numpy(dtype=float)
    x = table["searches"].to_numpy(dtype=float)
    low, high = wilson_interval(x, share_den, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["share"] = x / share_den
    table["share_low"], table["share_high"] = low, high
    table = _with_rates(table, confidence)
    withheld = linked_withheld_reason(con, sc)
    if withheld:
        table[["linked_rate", "linked_low", "linked_high"]] = np.nan
    table["linked_reason"] = withheld
    table["is_small"] = table["searches"] < MIN_OUTCOME_SEARCHES
    order = {g: i for i, g in enumerate((ALL, *GROUPS, NOT_STATED))}
    table["_o"] = table["ethnic_group"].map(order)
    table = table.sort_values(
        ["_o", "object_of_search", "legislation"],
        key=lambda s: s if s.name == "_o" else s.map(lambda v: (v != ALL, v)),
    ).drop(columns="_o")
    columns = [
        *DIMENSIONS,
        "searches",
        "share",
        "share_low",
        "share_high",
        "outcome_known",
        "arrests",
        "arrest_rate",
        "arrest_low",
        "arrest_high",
        "arrest_known_outcome_rate",
        "arrest_known_outcome_low",
        "arrest_known_outcome_high",
        "any_action",
        "any_action_rate",
        "any_action_low",
        "any_action_high",
        "cannabis_warnings",
        "cannabis_warning_rate",
        "cannabis_warning_low",
        "cannabis_warning_high",
        "link_known",
        "linked",
        "linked_rate",
        "linked_low",
        "linked_high",
        "linked_reason",
        "link_errors",
        "link_unknown_share",
        "is_small",
    ]
    table = table[columns].reset_index(drop=True)
    for c in (
        "searches",
        "outcome_known",
        "arrests",
        "any_action",
        "cannabis_warnings",
        "link_known",
        "linked",
        "link_errors",
    ):
        table[c] = table[c].astype("int64")
    overall = table[
        (table["ethnic_group"] == ALL)
        & (table["object_of_search"] == ALL)
        & (table["legislation"] == ALL)
    ].iloc[0]
    caveats = [*sc.caveats()]
    caveats.append(
        "Arrest rate = arrests / all person searches, as the Home Office publishes it; the rate "
        "over searches with a known outcome (arrest_known_outcome_rate) is shown beside it and is "
        "higher whenever outcomes are missing."
    )
    if withheld:
        caveats.append(f"Linked (find) rate not shown: {withheld}.")
    if int(overall["link_errors"]):
        caveats.append(
            f"{int(overall['link_errors']):,} searches ended in no further action yet record the "
            "outcome as linked to the object of search: nothing was found to link, so these are "
            "recording errors (see stop_search.quality), not finds."
        )
    caveats.append(
        "police.uk does not say whether a drug search was for possession or supply (the Home "
        "Office open data tables do); the cannabis-warning rate of controlled-drugs searches is "
        "shown as a sign of possession-only finds."
    )
    caveats.append(
        "An outcome rate compares searches that happened; differences between groups can reflect "
        "different thresholds for searching (infra-marginality), not only officers' accuracy."
    )
    title = f"Stop and search outcomes, {_who(sc)} {sc.period.label}"
    return sc.result(
        "stop_search.outcomes", title, OUTCOMES_DEFINITION, table, caveats, confidence=confidence
    )


# --------------------------------------------------------------------------- s60 and strip

S60_DEFINITION = (
    "measure 'section_60' = person searches under section 60 of the Criminal Justice and Public "
    "Order Act 1994 (no reasonable grounds needed inside an authorised area); 'strip_search' = "
    "person searches with removal of more than outer clothing recorded True. Per self-defined "
    "group (and 'all', and not_stated): searches, rate_per_1000 = 1000 x searches / (population "
    "x months / 12) with an exact Poisson interval; ratio_to_white with the exact conditional "
    "interval; share = searches / all person searches of the group (Wilson); children = the "
    "searches of people under 18 (age range under 10 or 10-17), children_share = children / "
    "searches with an age recorded (Wilson); unknown = person searches of the group whose "
    "strip-search field is blank (strip_search only). reason = why a row's numbers are empty: a "
    "group the force does not record, or a ratio with no searches of White people (undefined)."
)


def s60_cells_expr(persons: ibis.Table) -> ibis.Table:
    """Per force and group: person searches, section 60 and strip searches, with children."""
    s60 = _.legislation_code == SECTION_60
    strip = _.is_removal_of_more_than_outer_clothing.fill_null(False)
    child = _.age_range_code.isin(list(UNDER_18))
    aged = _.age_range_code.notnull()
    return persons.group_by(["force_id", "group"]).agg(
        all_searches=_.count(),
        section_60=_count(s60),
        section_60_children=_count(s60 & child),
        section_60_aged=_count(s60 & aged),
        strip_search=_count(strip),
        strip_search_children=_count(strip & child),
        strip_search_aged=_count(strip & aged),
        strip_search_unknown=_count(_.is_removal_of_more_than_outer_clothing.isnull()),
    )


@scoped
def s60_strip(
    con: Any,
    sc: Scope,
    population: str | Path | pd.DataFrame | None = CENSUS2021,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Section 60 and strip searches: volumes, rates and ratios by group, children."""
    pop = population_frame(con, population)
    counting, left_out = population_forces(sc, pop)
    expo = exposures(sc, pop, counting)
    py = expo.groupby("group")["person_years"].sum()
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    cells = s60_cells_expr(persons).execute()
    cells = cells[cells["force_id"].isin(counting)]
    by_group = cells.drop(columns="force_id").groupby("group").sum()
    by_group.loc[ALL] = by_group.sum()
    rows = []
    for measure in ("section_60", "strip_search"):
        for g in (*GROUPS, NOT_STATED, ALL):
            c = by_group.loc[g] if g in by_group.index else pd.Series(0, index=by_group.columns)
            rows.append(
                {
                    "measure": measure,
                    "group": g,
                    "searches": int(c[measure]),
                    "person_years": float(py.get(g, np.nan)),
                    "all_searches": int(c["all_searches"]),
                    "children": int(c[f"{measure}_children"]),
                    "aged": int(c[f"{measure}_aged"]),
                    "unknown": int(c["strip_search_unknown"])
                    if measure == "strip_search"
                    else np.nan,
                }
            )
    t = pd.DataFrame(rows)
    t["population"] = t["group"].map(expo.groupby("group")["population"].sum())
    s = t["searches"].to_numpy(dtype=float)
    e = t["person_years"].to_numpy(dtype=float)
    r = annual_rate_per_1000(s, e, confidence)
    t["rate_per_1000"], t["rate_low"], t["rate_high"] = r.rate, r.low, r.high
    ratio, r_low, r_high = (np.full(len(t), np.nan) for _i in range(3))
    for _name, idx in t.groupby("measure").groups.items():
        sub = t.loc[idx]
        ref = sub[sub["group"] == REFERENCE].iloc[0]
        shown = sub["group"].isin([g for g in GROUPS if g != REFERENCE]) & (sub["person_years"] > 0)
        if ref["person_years"] > 0 and shown.any():
            rr = rate_ratio(
                sub.loc[shown, "searches"],
                sub.loc[shown, "person_years"],
                ref["searches"],
                ref["person_years"],
                "exact",
                confidence,
            )
            pos = t.index.get_indexer(sub.index[shown])
            ratio[pos], r_low[pos], r_high[pos] = rr.ratio, rr.low, rr.high
    t["ratio_to_white"], t["ratio_low"], t["ratio_high"] = ratio, r_low, r_high
    t["reason"] = ""
    for _name, idx in t.groupby("measure").groups.items():
        sub = t.loc[idx]
        white = int(sub.loc[sub["group"] == REFERENCE, "searches"].iloc[0])
        others = sub.index[sub["group"].isin([g for g in GROUPS if g != REFERENCE])]
        if white == 0:
            words = str(_name).replace("_", " ")
            t.loc[others, ["ratio_to_white", "ratio_low", "ratio_high"]] = np.nan
            t.loc[others, "reason"] = (
                f"undefined: no {words} searches of White people (the reference), so no ratio"
            )
    total = int(by_group.loc[ALL, "all_searches"])
    not_recorded = [
        g
        for g in GROUPS
        if int(t.loc[(t["measure"] == "section_60") & (t["group"] == g), "all_searches"].iloc[0])
        == 0
        and total >= NOT_RECORDED_MIN_SEARCHES
    ]
    gone = t["group"].isin(not_recorded)
    t.loc[gone, "reason"] = t.loc[gone, "group"].map(
        lambda g: (
            f"not recorded: no self-defined {g.title()} searches at all among {total:,}; "
            "the force does not use that category"
        )
    )
    for name, num, den in (
        ("share", "searches", "all_searches"),
        ("children_share", "children", "aged"),
    ):
        add_share_columns(t, num, den, name, confidence)
    table = t[
        [
            "measure",
            "group",
            "searches",
            "population",
            "rate_per_1000",
            "rate_low",
            "rate_high",
            "ratio_to_white",
            "ratio_low",
            "ratio_high",
            "share",
            "share_low",
            "share_high",
            "children",
            "children_share",
            "children_share_low",
            "children_share_high",
            "unknown",
            "reason",
        ]
    ].copy()
    for column in ("searches", "children"):
        table[column] = table[column].astype("Int64")
    numbers = [c for c in table.columns if c not in ("measure", "group", "population", "reason")]
    table.loc[gone, numbers] = pd.NA
    caveats = [*sc.caveats(), *left_out]
    total_s60 = int(by_group.loc[ALL, "section_60"])
    if total_s60 < MIN_OUTCOME_SEARCHES:
        caveats.append(
            f"Only {total_s60} section 60 searches in the period: rates and ratios are imprecise."
        )
    unknown = int(by_group.loc[ALL, "strip_search_unknown"])
    if unknown:
        caveats.append(
            f"The strip-search field is blank for {unknown:,} person searches: counted as not "
            "strip searches, so strip-search figures are lower bounds."
        )
    caveats.append(
        "police.uk 'removal of more than outer clothing' covers more than a full strip search; "
        "it is the only strip-search indicator in the open data."
    )
    return sc.result(
        "stop_search.s60",
        f"Section 60 and strip searches, {_who(sc)} {sc.period.label}",
        S60_DEFINITION,
        table.reset_index(drop=True),
        caveats,
        confidence=confidence,
        **population_provenance(pop),
    )


# --------------------------------------------------------------------------- age x sex

AGE_SEX_DEFINITION = (
    "Person searches by age range x gender x self-defined group, and every margin ('all'); "
    "'not_recorded' where the field is blank. share = the cell's searches / all person searches "
    "(Wilson interval). is_too_small = fewer than 100 searches: too few to compare rates "
    "(method.md §4). No rates: the open data has no age x sex x ethnicity population at "
    "force level here (Census RM032 would give it)."
)


@scoped
def age_sex(con: Any, sc: Scope, confidence: float = 0.95) -> IndicatorResult:
    """Person searches by age x sex x ethnicity, cells under 100 marked too small."""
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    cells = (
        persons.group_by(
            [
                _.age_range_code.fill_null("not_recorded").name("age_range"),
                _.gender_code.fill_null("not_recorded").name("gender"),
                _.group.name("ethnic_group"),
            ]
        )
        .agg(searches=_.count())
        .execute()
    )
    dims = ("age_range", "gender", "ethnic_group")
    parts = []
    for k in range(len(dims), -1, -1):
        for keep in combinations(dims, k):
            if keep:
                g = cells.groupby(list(keep), as_index=False)["searches"].sum()
            else:
                g = pd.DataFrame({"searches": [cells["searches"].sum()]})
            for d in dims:
                if d not in keep:
                    g[d] = ALL
            parts.append(g)
    table = pd.concat(parts, ignore_index=True)[[*dims, "searches"]]
    total = float(cells["searches"].sum())
    x = table["searches"].to_numpy(dtype=float)
    low, high = wilson_interval(x, np.full_like(x, total), confidence)
    table["share"] = x / total if total else np.nan
    table["share_low"], table["share_high"] = low, high
    table["is_too_small"] = table["searches"] < MIN_CELL_SEARCHES
    table["searches"] = table["searches"].astype("int64")
    caveats = [*sc.caveats()]
    gender_blank = int(cells.loc[cells["gender"] == "not_recorded", "searches"].sum())
    if total and gender_blank / total >= 0.5:
        caveats.append(
            f"Gender is blank for {gender_blank / total:.0%} of person searches: no sex "
            "breakdown is possible (West Midlands left Gender blank in every row of 2019-01 to "
            "2020-03)."
        )
    small = int((table["is_too_small"] & (table[list(dims)] != ALL).all(axis=1)).sum())
    if small:
        caveats.append(f"{small} age x sex x ethnicity cells have fewer than 100 searches.")
    title = f"Person searches by age, sex and ethnicity, {_who(sc)} {sc.period.label}"
    return sc.result(
        "stop_search.age_sex", title, AGE_SEX_DEFINITION, table, caveats, confidence=confidence
    )
