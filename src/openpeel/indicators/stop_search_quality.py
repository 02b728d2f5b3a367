"""Stop and search data quality and monthly trends: what every later number depends on.

``quality`` reports, per force: searches by month (missing, suspected partial and out-of-control
months flagged), by type, legislation and object of search; how complete the fields are
(self-defined ethnicity not stated or blank, officer-defined blank, outcome blank, outcome link
unknown, times at exactly midnight, ...); and which clock the times follow.

``trend`` gives the monthly counts with Poisson control limits (c-chart) and the
suspected-partial rule of method.md §4.

The clock of published times: police.uk labels every time ``+00:00``. Whether a force's times
are true UTC or local clock time labelled as UTC shows in the month files of British Summer Time:
a search at 00:30 BST on 1 June is 23:30 UTC on 31 May, so if the times are true UTC, June's file
holds rows stamped on 31 May (and no row stamped after 23:00 on 30 June, which belongs to July);
if they are local time, it is the other way round. West Midlands 2019/20 files hold 25 rows
stamped before their month started, in BST months only: its times are true UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import ibis
import numpy as np
import pandas as pd
from ibis import _

from openpeel.calendar import add_months, month_range
from openpeel.indicators.computed_once import computed_once
from openpeel.indicators.result import IndicatorResult
from openpeel.indicators.stop_search import (
    Scope,
    scoped,
    searches_expr,
    stop_searches_table,
)
from openpeel.stats.control_chart import (
    OUTSIDE_MEANING,
    overdispersed_control_limits,
    suspected_partial,
)
from openpeel.stats.intervals import wilson_interval

MIDNIGHT_GATE = 0.05
"""A force-month with this share of times or more at exactly midnight fails the time-quality
gate (method.md §4): its times are dates only, not clock times."""
BST_MONTHS = (4, 5, 6, 7, 8, 9, 10)
"""Months whose first day always starts in British Summer Time."""
BST_LAST_DAY_MONTHS = (4, 5, 6, 7, 8, 9)
"""Months whose last evening is always in British Summer Time."""
LOOKBACK_MONTHS = 12

# Completeness items: (item, condition on the search, whether over person searches only).
COMPLETENESS: tuple[tuple[str, str], ...] = (
    ("self_defined_not_stated", "self-defined ethnicity published as 'Not stated'"),
    ("self_defined_blank", "self-defined ethnicity blank"),
    ("self_defined_unmapped", "self-defined ethnicity not in any vocabulary"),
    ("officer_defined_blank", "officer-defined ethnicity blank"),
    ("gender_blank", "gender blank"),
    ("age_range_blank", "age range blank"),
    ("outcome_blank", "outcome blank"),
    ("outcome_link_unknown", "'outcome linked to object of search' blank (unknown)"),
    (
        "link_true_on_no_further_action",
        "'outcome linked to object of search' True on a no-further-action outcome (a recording "
        "error: nothing was found to link)",
    ),
    ("removal_unknown", "'removal of more than outer clothing' blank (unknown)"),
    ("legislation_blank", "legislation blank"),
    ("object_blank", "object of search blank"),
    ("location_blank", "no latitude/longitude"),
    ("midnight_time", "time exactly 00:00:00 (a date without a time)"),
)
PERSON_ITEMS = frozenset(
    {
        "self_defined_not_stated",
        "self_defined_blank",
        "self_defined_unmapped",
        "officer_defined_blank",
        "gender_blank",
        "age_range_blank",
    }
)

QUALITY_DEFINITION = (
    "One row per force, section and item. section 'month': searches (all types) in each month "
    "of the period; flag = missing (no file: missing data, not zero), suspected_partial (under "
    "20% of the median of the previous 12 supplied months) or outside_control_limits (outside "
    "exact Poisson limits at alpha 0.0027 around the period's mean). Sections 'search_type', "
    "'legislation', 'object_of_search': searches per value, share = searches / all searches. "
    "Section 'completeness': searches with the item; denominator = person searches for "
    "ethnicity, gender and age items (vehicle-only searches have no person), all searches "
    "otherwise; share_low/share_high = Wilson interval; flag = time_quality_gate when 5% or "
    "more of times are exactly midnight, high when a share is 10% or more. Section 'clock': "
    "rows of BST-month files stamped before their month began (true-UTC evidence) and rows "
    "stamped in the last hour of a BST month (local-time evidence); flag = the clock inferred "
    "(utc, local or undetermined)."
)


def monthly_counts_expr(
    stop_searches: ibis.Table, force_ids: Sequence[str], start: date, end: date
) -> ibis.Table:
    """Searches and person searches per force and month: ``force_id, month, searches,
    person_searches``."""
    t = stop_searches.filter(_.force_id.isin(list(force_ids)) & _.month.between(start, end))
    return t.group_by(["force_id", "month"]).agg(
        searches=_.count(),
        person_searches=(~_.is_vehicle_only.fill_null(False)).cast("int64").sum(),
    )


def trend_table(con: Any, sc: Scope, alpha: float = 0.0027) -> pd.DataFrame:
    """Monthly counts with control limits and flags, per force (see ``trend``)."""
    key = f"trend_table:{alpha}"
    if key not in sc.memo:
        sc.memo[key] = _trend_table(con, sc, alpha)
    return sc.memo[key].copy()


def _trend_table(con: Any, sc: Scope, alpha: float) -> pd.DataFrame:
    first = add_months(sc.period.start, -LOOKBACK_MONTHS)
    counts = monthly_counts_expr(stop_searches_table(con, sc), sc.force_ids, first, sc.period.end)
    df = counts.execute()
    df["month"] = pd.to_datetime(df["month"]).dt.date
    parts = con.table("lake_partitions")
    supplied = (
        parts.filter(
            (_.table_name == "stop_searches")
            & (_.status == "current")
            & _.force_id.isin(list(sc.force_ids))
            & _.month.between(first, sc.period.end)
        )
        .select("force_id", "month")
        .execute()
    )
    supplied["month"] = pd.to_datetime(supplied["month"]).dt.date
    out = []
    for f in sc.force_ids:
        have = set(supplied.loc[supplied["force_id"] == f, "month"])
        c = df[df["force_id"] == f].set_index("month")
        rows = pd.DataFrame({"month": month_range(first, sc.period.end)})
        rows["force_id"] = f
        rows["status"] = np.where(rows["month"].isin(have), "loaded", "missing")
        loaded = rows["status"] == "loaded"
        rows["searches"] = rows["month"].map(c["searches"]).where(loaded).fillna(0).where(loaded)
        rows["person_searches"] = (
            rows["month"].map(c["person_searches"]).where(loaded).fillna(0).where(loaded)
        )
        rows["is_suspected_partial"] = False
        if loaded.any():
            rows.loc[loaded, "is_suspected_partial"] = suspected_partial(
                rows.loc[loaded, "searches"].to_numpy()
            )
        rows = rows[rows["month"] >= sc.period.start].reset_index(drop=True)
        loaded = rows["status"] == "loaded"
        for col in ("centre", "lower", "upper", "sigma_z"):
            rows[col] = np.nan
        rows["is_outside"] = False
        if loaded.any():
            limits = overdispersed_control_limits(
                rows.loc[loaded, "searches"].to_numpy(),
                alpha,
                baseline=~rows.loc[loaded, "is_suspected_partial"].to_numpy(dtype=bool),
            )
            for col in ("centre", "lower", "upper", "sigma_z"):
                rows.loc[loaded, col] = limits[col].to_numpy()
            rows.loc[loaded, "is_outside"] = limits["is_outside"].to_numpy()
        out.append(rows)
    table = pd.concat(out, ignore_index=True)
    table["searches"] = table["searches"].astype("Int64")
    table["person_searches"] = table["person_searches"].astype("Int64")
    return table[
        [
            "force_id",
            "month",
            "status",
            "searches",
            "person_searches",
            "centre",
            "lower",
            "upper",
            "sigma_z",
            "is_outside",
            "is_suspected_partial",
        ]
    ]


TREND_DEFINITION = (
    "searches = all searches (vehicle-only included) in the month; person_searches = vehicle-only "
    "excluded; status = loaded or missing (no file: missing data, not zero). centre = mean of "
    "the period's supplied months that are not suspected partial submissions; lower/upper = "
    "control limits that allow for months varying more than Poisson chance (Laney c' chart: "
    "centre +/- 3 * sqrt(centre) * sigma_z, where sigma_z = mean moving range of "
    "(searches - centre) / sqrt(centre) over consecutive baseline months / 1.128; never "
    "narrower than the exact Poisson limits at two-sided alpha 0.0027); sigma_z = 1 for a "
    "Poisson process, larger when months vary more; is_outside = the count is outside the "
    "limits (a prompt to ask what happened that month, not a finding); "
    "is_suspected_partial = the count is under 20% of the median of the previous 12 supplied "
    "months (method.md §4), looking back before the period when the lake has those months."
)


@computed_once
@scoped
def trend(con: Any, sc: Scope) -> IndicatorResult:
    """Monthly search counts per force with Poisson control limits and partial-month flags."""
    table = trend_table(con, sc)
    caveats = [*sc.caveats()]
    for f in sc.force_ids:
        t = table[table["force_id"] == f]
        outside = t.loc[t["is_outside"], "month"].tolist()
        partial = t.loc[t["is_suspected_partial"], "month"].tolist()
        sigma = t["sigma_z"].dropna()
        if len(sigma) and float(sigma.iloc[0]) > 1:
            caveats.append(
                f"{f}: the month-to-month spread of searches is {float(sigma.iloc[0]):.1f} "
                "times what Poisson chance alone would give (operations, seasons, policy); the "
                "control limits are widened by that factor (Laney c' chart), so only a month "
                "unusual for this force is flagged."
            )
        if outside:
            caveats.append(
                f"{f}: {len(outside)} month(s) outside the control limits: "
                + ", ".join(m.isoformat()[:7] for m in outside)
                + ". "
                + OUTSIDE_MEANING
            )
        if partial:
            caveats.append(
                f"{f}: suspected partial submission in "
                + ", ".join(m.isoformat()[:7] for m in partial)
                + "; rates over the period are understated if so."
            )
    title = f"Stop and search per month, {sc.period.label}"
    return sc.result("stop_search.trend", title, TREND_DEFINITION, table, caveats)


# --------------------------------------------------------------------------- clock


def clock_evidence_expr(searches: ibis.Table) -> ibis.Table:
    """Per force: rows in BST-month files stamped before the month began, rows stamped in the
    last hour of a BST month, and the rows of those months."""
    month_no = _.month.month()
    stamp = _.occurred_at
    last_hour = (
        (stamp.month() == month_no)
        & (stamp.hour() == 23)
        & ((stamp.date() + ibis.interval(days=1)).month() != month_no)
    )
    return searches.group_by("force_id").agg(
        bst_rows=month_no.isin(list(BST_MONTHS)).cast("int64").sum(),
        before_month_start=(month_no.isin(list(BST_MONTHS)) & (stamp.date() < _.month))
        .cast("int64")
        .sum(),
        last_hour_rows=(month_no.isin(list(BST_LAST_DAY_MONTHS)) & last_hour).cast("int64").sum(),
    )


def infer_clock(before_month_start: int, last_hour_rows: int) -> str:
    """``utc`` when only true-UTC evidence is seen, ``local`` when only local-time evidence,
    ``undetermined`` otherwise (no evidence, or both)."""
    if before_month_start > 0 and last_hour_rows == 0:
        return "utc"
    if last_hour_rows > 0 and before_month_start == 0:
        return "local"
    return "undetermined"


def clock_basis(con: Any, sc: Scope) -> dict[str, dict[str, Any]]:
    """Per force: the clock its times follow and the evidence (see the module docstring)."""
    if "clock_basis" not in sc.memo:
        sc.memo["clock_basis"] = _clock_basis(con, sc)
    return {f: dict(v) for f, v in sc.memo["clock_basis"].items()}


def _clock_basis(con: Any, sc: Scope) -> dict[str, dict[str, Any]]:
    df = clock_evidence_expr(searches_expr(stop_searches_table(con, sc), sc)).execute()
    out = {}
    for row in df.itertuples(index=False):
        out[str(row.force_id)] = {
            "clock": infer_clock(int(row.before_month_start), int(row.last_hour_rows)),
            "bst_rows": int(row.bst_rows),
            "before_month_start": int(row.before_month_start),
            "last_hour_rows": int(row.last_hour_rows),
        }
    return out


# --------------------------------------------------------------------------- quality


def completeness_expr(searches: ibis.Table) -> ibis.Table:
    """Per force: counts of every completeness item, person searches and all searches."""
    person = ~_.is_vehicle_only.fill_null(False)

    def count(cond: Any) -> Any:
        return cond.fill_null(False).cast("int64").sum()

    t = searches
    return t.group_by("force_id").agg(
        searches=_.count(),
        person_searches=count(person),
        self_defined_not_stated=count(person & (_.self_defined_ethnicity_code == "NS")),
        self_defined_blank=count(person & _.self_defined_ethnicity_raw.isnull()),
        self_defined_unmapped=count(person & (_.ethnic_group == "unknown")),
        officer_defined_blank=count(person & _.officer_defined_ethnicity_raw.isnull()),
        gender_blank=count(person & _.gender_raw.isnull()),
        age_range_blank=count(person & _.age_range_raw.isnull()),
        outcome_blank=count(_.outcome_raw.isnull()),
        outcome_link_unknown=count(_.is_outcome_linked_to_object.isnull()),
        link_true_on_no_further_action=count(
            (_.outcome_group == "no_further_action") & _.is_outcome_linked_to_object
        ),
        removal_unknown=count(_.is_removal_of_more_than_outer_clothing.isnull()),
        legislation_blank=count(_.legislation_raw.isnull()),
        object_blank=count(_.object_of_search_raw.isnull()),
        location_blank=count(_.latitude.isnull()),
        midnight_time=count(
            (_.occurred_at.hour() == 0)
            & (_.occurred_at.minute() == 0)
            & (_.occurred_at.second() == 0)
        ),
    )


def midnight_shares(con: Any, sc: Scope) -> pd.DataFrame:
    """Per force-month: searches and the share at exactly midnight (``midnight_share_expr``)."""
    if "midnight" not in sc.memo:
        searches = searches_expr(stop_searches_table(con, sc), sc)
        sc.memo["midnight"] = midnight_share_expr(searches).execute()
    return sc.memo["midnight"].copy()


def midnight_share_expr(searches: ibis.Table) -> ibis.Table:
    """Per force-month: searches and the share at exactly midnight."""
    midnight = (
        (_.occurred_at.hour() == 0) & (_.occurred_at.minute() == 0) & (_.occurred_at.second() == 0)
    )
    return (
        searches.group_by(["force_id", "month"])
        .agg(searches=_.count(), midnight=midnight.fill_null(False).cast("int64").sum())
        .mutate(midnight_share=_.midnight / _.searches)
    )


@computed_once
@scoped
def quality(con: Any, sc: Scope, confidence: float = 0.95) -> IndicatorResult:
    """Data quality of stop and search, per force (see ``QUALITY_DEFINITION``)."""
    searches = searches_expr(stop_searches_table(con, sc), sc)
    rows: list[dict[str, Any]] = []
    trend_rows = trend_table(con, sc)
    for r in trend_rows.itertuples(index=False):
        flags = [
            name
            for name, on in (
                ("missing", r.status == "missing"),
                ("suspected_partial", bool(r.is_suspected_partial)),
                ("outside_control_limits", bool(r.is_outside)),
            )
            if on
        ]
        rows.append(
            {
                "force_id": r.force_id,
                "section": "month",
                "item": pd.Timestamp(cast(Any, r.month)).strftime("%Y-%m"),
                "searches": None if pd.isna(cast(Any, r.searches)) else int(cast(Any, r.searches)),
                "denominator": None,
                "flag": " ".join(flags),
            }
        )
    totals = completeness_expr(searches).execute().set_index("force_id")
    for section, column in (
        ("search_type", "search_type_code"),
        ("legislation", "legislation_code"),
        ("object_of_search", "object_of_search_code"),
    ):
        df = (
            searches.group_by(["force_id", searches[column].fill_null("blank").name("item")])
            .agg(searches=_.count())
            .execute()
            .sort_values(["force_id", "searches", "item"], ascending=[True, False, True])
        )
        for r in df.itertuples(index=False):
            rows.append(
                {
                    "force_id": r.force_id,
                    "section": section,
                    "item": r.item,
                    "searches": int(r.searches),
                    "denominator": int(totals.loc[r.force_id, "searches"]),
                    "flag": "",
                }
            )
    for f, t in totals.iterrows():
        for item, _text in COMPLETENESS:
            denominator = int(t["person_searches"] if item in PERSON_ITEMS else t["searches"])
            n = int(t[item])
            share = n / denominator if denominator else np.nan
            flag = ""
            if item == "midnight_time" and share >= MIDNIGHT_GATE:
                flag = "time_quality_gate"
            elif share >= 0.10:
                flag = "high"
            rows.append(
                {
                    "force_id": f,
                    "section": "completeness",
                    "item": item,
                    "searches": n,
                    "denominator": denominator,
                    "flag": flag,
                }
            )
    for f, ev in clock_basis(con, sc).items():
        for item in ("before_month_start", "last_hour_rows"):
            rows.append(
                {
                    "force_id": f,
                    "section": "clock",
                    "item": item,
                    "searches": ev[item],
                    "denominator": ev["bst_rows"],
                    "flag": ev["clock"],
                }
            )
    table = pd.DataFrame(rows)
    den = pd.to_numeric(table["denominator"], errors="coerce").to_numpy(dtype=float)
    num = pd.to_numeric(table["searches"], errors="coerce").to_numpy(dtype=float)
    has = ~np.isnan(den) & ~np.isnan(num)
    low, high = wilson_interval(np.where(has, num, 0), np.where(has, den, 0), confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["share"] = np.where(has & (den > 0), num / den, np.nan)
    table["share_low"] = np.where(has, low, np.nan)
    table["share_high"] = np.where(has, high, np.nan)
    table["searches"] = table["searches"].astype("Int64")
    table["denominator"] = table["denominator"].astype("Int64")
    table = table[
        [
            "force_id",
            "section",
            "item",
            "searches",
            "denominator",
            "share",
            "share_low",
            "share_high",
            "flag",
        ]
    ]
    caveats = [*sc.caveats()]
    comp = table[table["section"] == "completeness"]
    for r in comp[comp["flag"] != ""].itertuples(index=False):
        text = dict(COMPLETENESS)[str(r.item)]
        caveats.append(f"{r.force_id}: {text} in {r.share:.1%} of {r.denominator:,} searches.")
    gate = midnight_shares(con, sc)
    failing = gate[gate["midnight_share"] >= MIDNIGHT_GATE]
    for f, g in failing.groupby("force_id"):
        caveats.append(
            f"{f!s}: {len(g)} month(s) with 5% or more of times at exactly midnight fail the "
            "time-quality gate and are left out of the veil-of-darkness test."
        )
    title = f"Stop and search data quality, {sc.period.label}"
    return sc.result(
        "stop_search.quality", title, QUALITY_DEFINITION, table, caveats, confidence=confidence
    )
