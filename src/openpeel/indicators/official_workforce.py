"""Workforce representation for every force from the Home Office police workforce tables
(Building, supporting and protecting the workforce): the ethnic-minority share of officers, of
joiners and of leavers against the force area's population, with Wilson intervals and the ratio
of representation (share of officers / share of residents).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_figures import OfficialQuery, force_figures, period_figures
from openpeel.indicators.official_peers import comparison
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


def workforce_tables(query: OfficialQuery) -> pd.DataFrame:
    """The rows of the police workforce tables for the query's force and period
    (``force_figures``: refused for an unknown force or a period not loaded)."""
    return force_figures(query, PUBLICATION, "police workforce tables")


def workforce_representation(query: OfficialQuery) -> IndicatorResult:
    """Officers, joiners and leavers by ethnicity for one force at one 31 March.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period is not loaded, or the force is not in its tables.
    """
    df = workforce_tables(query)
    d2 = df[df["table_id"] == "D2"]
    if d2.empty:
        raise DataUnavailableError(
            f"{query.force_id} is not in table D2 of the {query.period} tables"
        )

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
        low, high = wilson_interval(round(minority), round(stated), query.confidence)
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
        title=f"Workforce representation, {forces()[query.force_id].name}, {query.period}",
        definition=(
            "Ethnic-minority share = ethnic-minority FTE / FTE with a stated ethnicity, for "
            "officers (table D2), joiners in the year (D3) and leavers (D4), with a Wilson "
            f"{query.confidence:.0%} interval; ratio of representation = that share / the share of "
            "the "
            "force area's residents from ethnic minorities (1 = the workforce looks like the "
            "community)."
        ),
        table=pd.DataFrame(rows),
        caveats=caveats,
        meta={
            "force_id": query.force_id,
            "period": query.period,
            "confidence": query.confidence,
            "published_officers_share_percent": published_share,
        },
    )


#: Table D2 column label -> Census 2021 broad group (Chinese is "Asian" in Census 2021 and
#: "Chinese or other" in the workforce tables: compared with Census "other", a caveat).
D2_GROUPS = (
    ("White", "white"),
    ("Black or Black British", "black"),
    ("Asian or Asian British", "asian"),
    ("Mixed", "mixed"),
    ("Chinese or Other ethnic group", "other"),
)


def representation_by_group(query: OfficialQuery) -> IndicatorResult:
    """Each ethnic group's share of officers (table D2) against its share of the force area's
    residents (Census 2021), with the ratio of representation and its interval.

    Raises:
        UserInputError: unknown force.
        DataUnavailableError: the period, table D2 or the population is not loaded.
    """
    df = workforce_tables(query)
    d2 = df[df["table_id"] == "D2"]
    if d2.empty:
        raise DataUnavailableError(
            f"{query.force_id} is not in table D2 of the {query.period} tables"
        )
    if query.population is None:
        raise DataUnavailableError(
            "representation against residents needs the Census population "
            "('openpeel population load')"
        )
    residents = {
        str(r["ethnic_group"]): float(r["population"])
        for r in query.population.to_pylist()
        if r["force_id"] == query.force_id
    }
    resident_total = sum(residents.get(g) or 0.0 for _, g in D2_GROUPS)
    if not resident_total:
        raise DataUnavailableError(f"no Census population for {query.force_id}")

    def fte(label: str) -> float:
        cells = d2[d2["measure"].isin({f"Male | {label}", f"Female | {label}"})]["value"]
        return float(cells.sum())

    officers = {group: fte(label) for label, group in D2_GROUPS}
    not_stated = fte("Not stated")
    stated = sum(officers.values())
    rows = []
    for label, group in D2_GROUPS:
        count = officers[group]
        share = count / stated if stated else None
        low, high = (
            wilson_interval(round(count), round(stated), query.confidence)
            if stated
            else (None, None)
        )
        resident_share = residents.get(group, 0.0) / resident_total
        rows.append(
            {
                "ethnic_group": group,
                "published_label": label,
                "officers_fte": count,
                "share": share,
                "share_low": low,
                "share_high": high,
                "residents": residents.get(group),
                "residents_share": resident_share,
                "representation_ratio": share / resident_share
                if share is not None and resident_share
                else None,
                "representation_ratio_low": low / resident_share
                if low is not None and resident_share
                else None,
                "representation_ratio_high": high / resident_share
                if high is not None and resident_share
                else None,
            }
        )
    return IndicatorResult(
        name="official.workforce_representation_by_group",
        title=f"Officers by ethnic group against residents, {forces()[query.force_id].name}, "
        f"{query.period}",
        definition=(
            "share = the group's officer FTE / officer FTE with a stated ethnicity (Home Office "
            f"table D2, both sexes), Wilson {query.confidence:.0%} interval on the rounded FTE; "
            "residents_share = the group's residents / all residents of the force area (Census "
            "2021); representation_ratio = share / residents_share with the share's interval "
            "divided likewise (1 = the force looks like its community; below 1 = "
            "under-represented)."
        ),
        table=pd.DataFrame(rows),
        caveats=[
            f"Census 2021 residents against officers at {query.period}: the population has changed "
            "between the two dates (the Home Office's own comparison uses the 2011 Census, "
            "table D1).",
            "Chinese officers are in the workforce tables' 'Chinese or other' group, compared "
            "here with Census 'other'; Census 2021 counts Chinese people as Asian.",
            f"Officers not stating their ethnicity ({not_stated:,.1f} FTE, "
            f"{not_stated / (stated + not_stated):.1%}) are left out of every share."
            if stated + not_stated
            else "",
            "The residents are all ages; officers are adults of working age, and the age "
            "profile differs between ethnic groups.",
        ],
        meta={"force_id": query.force_id, "period": query.period, "confidence": query.confidence},
    )


def representation_outlook(query: OfficialQuery, max_years: int = 100) -> IndicatorResult:
    """Years until the ethnic-minority share of officers reaches the residents' share if the
    year's joining and leaving (tables D3, D4) repeated every year.

    The workforce is held at its size: each group leaves at its own leaving rate of the year
    (the group's leavers / the group's officers) and the leavers are replaced by joiners with
    the year's ethnic-minority share of joiners. Never reached (within ``max_years``) when that
    share is too low for the workforce to get there.
    """
    figures, force_id, period = query.figures, query.force_id, query.period
    base = workforce_representation(OfficialQuery(figures, force_id, period))
    t = {str(r["group"]): r for r in base.records()}
    needed = {"officers", "joiners", "leavers"}
    if not needed <= set(t) or t["officers"]["residents_ethnic_minority_share"] is None:
        raise DataUnavailableError(
            f"{force_id}: officers, joiners and leavers by ethnicity and the residents' share "
            f"are all needed for {period}"
        )
    target = float(t["officers"]["residents_ethnic_minority_share"])

    def split(group: str) -> tuple[float, float]:
        row = t[group]
        return float(row["ethnic_minority_fte"]), float(row["white_fte"])

    minority, white = split("officers")
    join_minority, join_white = split("joiners")
    leave_minority, leave_white = split("leavers")
    overall_rate = (leave_minority + leave_white) / (minority + white)
    rate_minority = leave_minority / minority if minority else overall_rate
    rate_white = leave_white / white if white else overall_rate
    join_share = join_minority / (join_minority + join_white) if join_minority + join_white else 0.0
    start = minority / (minority + white)
    share = start
    years: int | None = None
    for year in range(1, max_years + 1):
        left_minority, left_white = rate_minority * share, rate_white * (1 - share)
        replaced = left_minority + left_white
        share = share - left_minority + join_share * replaced
        if share >= target:
            years = year
            break
    row = {
        "officers_ethnic_minority_share": start,
        "joiners_ethnic_minority_share": join_share,
        "leavers_ethnic_minority_share": leave_minority / (leave_minority + leave_white)
        if leave_minority + leave_white
        else None,
        "residents_ethnic_minority_share": target,
        "years_to_match": years,
        "share_after_projection": share,
        "steady_state_share": _steady_state(join_share, rate_minority, rate_white),
        "years_projected": years if years is not None else max_years,
    }
    return IndicatorResult(
        name="official.representation_outlook",
        title=(
            f"Years until officers reflect residents at the {period} joining and leaving rates, "
            f"{forces()[force_id].name}"
        ),
        definition=(
            "A projection, not a forecast: the workforce keeps its size; every year white and "
            "ethnic-minority officers leave at their own leaving rates of the year to "
            + period
            + " (table D4 leavers / table D2 officers, FTE stating ethnicity) and are replaced by "
            "joiners with the year's ethnic-minority share (table D3); steady_state_share = the "
            "share the workforce tends to if the year repeated for ever; years_to_match = the "
            "first year the officers' "
            "ethnic-minority share reaches the residents' share (2011 Census, table D1), empty "
            f"when not reached within {max_years} years."
        ),
        table=pd.DataFrame([row]),
        caveats=[
            "One year's joiners and leavers are a small sample; recruitment changes year to "
            "year (the national uplift from 2019 recruited far more).",
            "The residents' share is held fixed, though the population's ethnic-minority share "
            "is rising.",
            *base.caveats[:2],
        ],
        meta={"force_id": force_id, "period": period, "max_years": max_years},
    )


def _steady_state(join_share: float, rate_minority: float, rate_white: float) -> float | None:
    # share * rate_minority = join_share * (rate_minority * share + rate_white * (1 - share))
    denominator = rate_minority * (1 - join_share) + join_share * rate_white
    return join_share * rate_white / denominator if denominator > 0 else None


def minority_officers_by_force(figures: pa.Table, period: str) -> pd.DataFrame:
    """Ethnic-minority officer FTE (``count``) of officer FTE stating ethnicity (``denominator``),
    by force, from table D2 (rounded to whole officers, as the Wilson interval needs)."""
    df = period_figures(figures, PUBLICATION, period)
    d2 = df[(df["table_id"] == "D2") & df["force_id"].notna()]
    if d2.empty:
        raise DataUnavailableError(f"table D2 of the {period} workforce tables is not loaded")
    label = d2["measure"].str.split("|").str[-1].str.strip()
    minority = d2[label.isin(MINORITY_GROUPS)].groupby("force_id")["value"].sum()
    stated = d2[label.isin((*MINORITY_GROUPS, "White"))].groupby("force_id")["value"].sum()
    return pd.DataFrame(
        {
            "force_id": stated.index,
            "count": minority.reindex(stated.index).fillna(0.0).round().to_numpy(dtype=float),
            "denominator": stated.round().to_numpy(dtype=float),
        }
    )


def representation_peers(query: OfficialQuery) -> IndicatorResult:
    """The ethnic-minority share of officers of every force against the query's force."""
    values = minority_officers_by_force(query.figures, query.period)
    return comparison("workforce-representation").of(values, query)
