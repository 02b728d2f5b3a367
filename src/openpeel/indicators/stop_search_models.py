"""Model-based tests of stop and search: the outcome (hit-rate) test and the veil of darkness.

**Outcome test.** If officers searched every group on the same evidence, the share of searches
that find something (a positive outcome) would not depend on the group. A logistic model of a
positive outcome on the self-defined group, with fixed effects for the object of search (and the
force, when several are pooled), gives odds ratios against White. An odds ratio below 1 means a
group's searches find less, which is consistent with a lower threshold for searching it; but
averages of outcomes can mislead when groups' risk distributions differ (infra-marginality,
Ayres 2002; Simoiu, Corbett-Davies and Goel 2017), so this is a screen, not proof.

**Veil of darkness** (Grogger and Ridgeway 2006; Pierson et al. 2020). Officers can see a
person's ethnicity less well after dark. Comparing the same clock times on days when it is light
and days when it is dark (because dusk moves through the year) isolates darkness from the time
of day. Only searches in the inter-twilight window (between the earliest and the latest civil
dusk over the days with data, in local clock time; over a part year the nominal year's window
would add times that were dark on every day with data) are kept; those between sunset and dusk
(neither light nor dark) are dropped; ``dark`` = after civil dusk. The model is
``logit P(group | search) = beta * dark + spline(clock time) + weekday + month (+ force)`` over
searches of the group and of White people; ``beta < 0`` means the group is a smaller share of
searches when it is dark, which suggests it is searched more when officers can see ethnicity.
Force-months with 5% or more of times at exactly midnight (dates without times) fail the
time-quality gate and are dropped (method.md §4). England and Wales data hold searches, not
stops, so the threshold test (which needs stops without a search) cannot be run.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import patsy
from ibis import _

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.result import IndicatorResult
from openpeel.indicators.stop_search import (
    GROUPS,
    REFERENCE,
    Scope,
    _who,
    person_searches_expr,
    scoped,
    stop_searches_table,
)
from openpeel.indicators.stop_search_outcomes import linked_withheld_reason, positive_outcome
from openpeel.indicators.stop_search_quality import MIDNIGHT_GATE, clock_basis, midnight_shares
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.logistic import Design, dummies, fit_logistic, sparse_dummies
from openpeel.stats.twilight import LOCAL_TIME_ZONE, twilight_times

MIN_GROUP_SEARCHES = 50
"""Outcome test: a group needs this many searches with a known outcome (method.md §4)."""
MIN_DARKNESS_GROUP = 100
MIN_DARKNESS_PERIOD = 50
MINORITY = "minority"
POSITIVES = {
    "any_action": "an outcome other than no further action (over searches with an outcome)",
    "arrest": "arrest (over searches with an outcome)",
    "linked": "a find: a positive outcome (not no further action) recorded as linked to the "
    "object of search (over searches with an outcome; withheld when the force fills the link "
    "for some outcomes only)",
}
CLOCKS = ("auto", "utc", "local")


# --------------------------------------------------------------------------- outcome test


def hit_rate_cells_expr(persons: Any, positive: str) -> Any:
    """Trials and successes per force x group x object of search."""
    rows = persons.filter(_.outcome_group.notnull())
    if positive == "linked":
        success = positive_outcome() & _.is_outcome_linked_to_object.fill_null(False)
    elif positive == "arrest":
        success = _.outcome_group == "arrest"
    else:
        success = positive_outcome()
    rows = rows.filter(_.group.isin(list(GROUPS)))
    return rows.group_by(
        ["force_id", "group", _.object_of_search_code.fill_null("blank").name("object")]
    ).agg(trials=_.count(), successes=success.cast("int64").sum())


HIT_RATE_DEFINITION = (
    "positive = {positive_text}. hit_rate = positives / searches per self-defined group "
    "(Wilson interval). odds_ratio = exp(beta_group) from a logistic model of a positive "
    "outcome on group (reference White) with object-of-search fixed effects (and force fixed "
    "effects when several forces are pooled), fitted by maximum likelihood on the counts "
    "per cell; odds_ratio_low/high = Wald interval; p_value = Wald test of odds ratio 1. "
    "Groups with fewer than 50 searches, and object-of-search or force levels whose outcome "
    "never varies (they carry no information about groups), are left out of the model. "
    "status = estimated, reference or withheld (reason says why)."
)


@scoped
def hit_rate(
    con: Any,
    sc: Scope,
    positive: str = "any_action",
    confidence: float = 0.95,
    min_group_searches: int = MIN_GROUP_SEARCHES,
) -> IndicatorResult:
    """The outcome (hit-rate) test: find rates and adjusted odds ratios against White."""
    if positive not in POSITIVES:
        raise UserInputError(
            f"unknown positive outcome {positive!r}; choose one of {', '.join(POSITIVES)}"
        )
    if positive == "linked":
        withheld = linked_withheld_reason(con, sc)
        if withheld:
            raise DataUnavailableError(
                f"no outcome test on linked finds: {withheld} (use --positive any_action or arrest)"
            )
    persons = person_searches_expr(stop_searches_table(con, sc), sc)
    cells = hit_rate_cells_expr(persons, positive).execute()
    cells = cells.astype({"trials": "int64", "successes": "int64"})
    by_group = cells.groupby("group")[["trials", "successes"]].sum().reindex(GROUPS, fill_value=0)
    low, high = wilson_interval(by_group["successes"], by_group["trials"], confidence)
    table = pd.DataFrame(
        {
            "group": list(GROUPS),
            "searches": by_group["trials"].to_numpy(),
            "positives": by_group["successes"].to_numpy(),
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        table["hit_rate"] = table["positives"] / table["searches"]
    table["hit_rate_low"], table["hit_rate_high"] = low, high
    for col in ("odds_ratio", "odds_ratio_low", "odds_ratio_high", "p_value"):
        table[col] = np.nan
    table["status"] = "withheld"
    table["reason"] = ""
    caveats = [*sc.caveats()]
    small = table["searches"] < min_group_searches
    table.loc[small, "reason"] = f"fewer than {min_group_searches} searches with the outcome known"
    meta: dict[str, Any] = {"confidence": confidence, "positive": positive}
    if bool(small[table["group"] == REFERENCE].iloc[0]):
        table.loc[~small, "reason"] = "the reference group (White) has too few searches"
    else:
        model_groups = table.loc[~small, "group"].tolist()
        data = cells[cells["group"].isin(model_groups)]
        data, dropped = _drop_constant_levels(data, ["object", "force_id"])
        if dropped:
            caveats.append(
                f"Left out of the model (outcome never varies, so no information): {dropped}."
            )
        exog = dummies(data["group"], REFERENCE, "group")
        common_object = data.groupby("object")["trials"].sum().idxmax() if len(data) else ""
        exog = exog.join(dummies(data["object"], str(common_object), "object"))
        if data["force_id"].nunique() > 1:
            exog = exog.join(dummies(data["force_id"], sc.force_ids[0], "force"))
        terms = [f"group[{g}]" for g in model_groups if g != REFERENCE]
        fit = fit_logistic(
            exog,
            data["successes"],
            data["trials"],
            terms_of_interest=terms,
            confidence=confidence,
        )
        meta["model"] = {
            "status": fit.status,
            "reason": fit.reason,
            "n": fit.n,
            "events": fit.events,
            "parameters": fit.parameters,
        }
        for g in model_groups:
            i = table.index[table["group"] == g][0]
            if g == REFERENCE:
                table.at[i, "odds_ratio"] = 1.0
                table.at[i, "status"], table.at[i, "reason"] = "reference", ""
                continue
            if fit.status != "estimated":
                table.at[i, "reason"] = f"model withheld: {fit.reason}"
                continue
            term = f"group[{g}]"
            if term not in set(fit.coefficients["term"]):
                table.at[i, "reason"] = "no searches left after dropping uninformative levels"
                continue
            row = fit.term(term)
            for column in ("odds_ratio", "odds_ratio_low", "odds_ratio_high", "p_value"):
                table.at[i, column] = float(row[column])
            table.at[i, "status"], table.at[i, "reason"] = "estimated", ""
    caveats.append(
        "Infra-marginality: an outcome rate averages over everyone searched, so groups can "
        "differ in hit rate without any difference in the threshold officers apply (and vice "
        "versa). Read odds ratios below 1 as a prompt to look at grounds, not as proof."
    )
    title = f"Outcome (hit-rate) test, {_who(sc)} {sc.period.label}"
    definition = HIT_RATE_DEFINITION.format(positive_text=POSITIVES[positive])
    return sc.result("stop_search.hit_rate", title, definition, table, caveats, **meta)


def _drop_constant_levels(cells: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, str]:
    """Remove levels whose outcome never varies (all or none positive), until none is left."""
    dropped: list[str] = []
    data = cells
    while True:
        before = len(data)
        for col in columns:
            sums = data.groupby(col)[["trials", "successes"]].sum()
            constant = sums.index[(sums["successes"] == 0) | (sums["successes"] == sums["trials"])]
            if len(constant):
                dropped += [f"{col}={v}" for v in constant]
                data = data[~data[col].isin(constant)]
        if len(data) == before:
            return data, ", ".join(dropped)


# --------------------------------------------------------------------------- veil of darkness


@cache
def force_centroids() -> dict[str, tuple[float, float]]:
    """Approximate centre (latitude, longitude) of each force's activity, from
    ``reference/force_centroids.csv`` (see its ``method`` column)."""
    text = (
        resources.files("openpeel.reference")
        .joinpath("force_centroids.csv")
        .read_text(encoding="utf-8")
    )
    return {
        r["force_id"]: (float(r["latitude"]), float(r["longitude"]))
        for r in csv.DictReader(text.splitlines())
    }


DARKNESS_DEFINITION = (
    "Person searches of the group and of White people in the inter-twilight window (local clock "
    "time between the earliest and the latest civil dusk at the force's centroid over the days "
    "the force supplied data for: months with no file, or failing the time-quality gate, do not "
    "widen the window; civil dusk = sun 6 degrees below the horizon), without those between "
    "sunset and civil dusk. dark = searched after civil dusk that day. beta = coefficient of dark"
    " in logit P(group | search) = beta*dark + natural cubic spline of clock time (6 df) + "
    "weekday + month (+ force); beta_low/beta_high = Wald interval; odds_ratio = exp(beta). beta "
    "< 0: the group is a smaller share of searches after dark (consistent with selection by "
    "visible ethnicity). searches = rows in the model; group_searches, dark_searches, "
    "light_searches describe them. 'minority' = all groups other than White. status = estimated "
    "or withheld (reason says why: fewer than 100 group searches, fewer than 50 dark or light "
    "searches, or an unstable fit). Force-months with 5% or more of times at exactly midnight are"
    " dropped (time-quality gate)."
)


@scoped
def darkness_sample(
    con: Any, sc: Scope, clock: str = "auto"
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The inter-twilight sample of person searches with ``dark``, clock time and calendar
    covariates, and a description of what was kept and dropped."""
    if clock not in CLOCKS:
        raise UserInputError(f"unknown clock {clock!r}; choose one of {', '.join(CLOCKS)}")
    info: dict[str, Any] = {"scope": sc, "forces": {}}
    gate = midnight_shares(con, sc)
    failing = gate[gate["midnight_share"] >= MIDNIGHT_GATE]
    info["months_failing_gate"] = {
        str(f): sorted(pd.Timestamp(m).strftime("%Y-%m") for m in g["month"])
        for f, g in failing.groupby("force_id")
    }
    evidence = clock_basis(con, sc) if clock == "auto" else {}
    persons = person_searches_expr(stop_searches_table(con, sc), sc).filter(
        _.group.isin(list(GROUPS))
        & _.occurred_at.notnull()
        # Generous superset of every inter-twilight window in UTC or local time (15:00-23:59).
        & (_.occurred_at.hour() >= 15)
    )
    rows = persons.select("force_id", "month", "occurred_at", "group").execute()
    rows["month"] = pd.to_datetime(rows["month"])
    bad = set()
    for f, months in info["months_failing_gate"].items():
        bad |= {(f, m) for m in months}
    if bad:
        key = list(zip(rows["force_id"], rows["month"].dt.strftime("%Y-%m"), strict=True))
        rows = rows[[k not in bad for k in key]]
    centroids = force_centroids()
    parts = []
    for f, g in rows.groupby("force_id"):
        fid = str(f)
        basis = clock
        if clock == "auto":
            found = evidence.get(fid, {}).get("clock", "undetermined")
            basis = "local" if found == "local" else "utc"
        stamps = pd.to_datetime(g["occurred_at"])
        if basis == "utc":
            local = stamps.dt.tz_localize("UTC").dt.tz_convert(LOCAL_TIME_ZONE)
        else:
            local = stamps.dt.tz_localize(None)
        lat, lon = centroids.get(fid, (np.nan, np.nan))
        f_info: dict[str, Any] = {
            "clock": basis,
            "clock_evidence": evidence.get(fid),
            "centroid": [lat, lon],
            "rows_from_15h": len(g),
        }
        info["forces"][fid] = f_info
        if np.isnan(lat):
            f_info["skipped"] = "no centroid for this force"
            continue
        day = local.dt.date
        days = days_with_data(sc, fid, info["months_failing_gate"].get(fid, ()))
        if not days:
            f_info["skipped"] = "no month with data passes the time-quality gate"
            continue
        # The window comes from the days the force supplied, not the nominal period: over a
        # part year (say September to March) the nominal year's latest dusk (June) would add
        # clock times that were dark on every day with data, which carry no light/dark contrast.
        tw = twilight_times(lat, lon, days, LOCAL_TIME_ZONE)
        earliest, latest = float(tw["dusk_clock_hours"].min()), float(tw["dusk_clock_hours"].max())
        tw = tw.set_index("day")
        clock_hours = (local.dt.hour + local.dt.minute / 60 + local.dt.second / 3600).to_numpy()
        sunset_h = day.map(tw["sunset_clock_hours"]).to_numpy(dtype=float)
        dusk_h = day.map(tw["dusk_clock_hours"]).to_numpy(dtype=float)
        in_window = (clock_hours >= earliest) & (clock_hours <= latest)
        twilight = (clock_hours >= sunset_h) & (clock_hours < dusk_h)
        keep = in_window & ~twilight & ~np.isnan(dusk_h)
        f_info.update(
            {
                "window": [_hhmm(earliest), _hhmm(latest)],
                "days": len(days),
                "in_window": int(in_window.sum()),
                "dropped_sunset_to_dusk": int((in_window & twilight).sum()),
                "kept": int(keep.sum()),
            }
        )
        part = pd.DataFrame(
            {
                "force_id": fid,
                "group": g["group"].to_numpy()[keep],
                "clock_hours": clock_hours[keep],
                "dark": (clock_hours >= dusk_h)[keep].astype(float),
                "weekday": local.dt.day_of_week.to_numpy()[keep],
                "calendar_month": local.dt.month.to_numpy()[keep],
            }
        )
        parts.append(part)
    sample = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(
            columns=["force_id", "group", "clock_hours", "dark", "weekday", "calendar_month"]
        )
    )
    return sample, info


def days_with_data(scope: Scope, force_id: str, excluded_months: Sequence[str] = ()) -> list[date]:
    """Every calendar day of the months the force supplied in the scope, leaving out
    ``excluded_months`` (``YYYY-MM``, e.g. months failing the time-quality gate)."""
    excluded = set(excluded_months)
    days: list[date] = []
    for month in sorted(scope.months_supplied.get(force_id, ())):
        if f"{month:%Y-%m}" in excluded:
            continue
        last = pd.Timestamp(month) + pd.offsets.MonthEnd(0)
        days += list(pd.date_range(pd.Timestamp(month), last, freq="D").date)
    return days


def _hhmm(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@scoped
def darkness(
    con: Any,
    sc: Scope,
    clock: str = "auto",
    groups: Sequence[str] = ("black", "asian", "mixed", "other", MINORITY),
    confidence: float = 0.95,
    spline_df: int = 6,
) -> IndicatorResult:
    """The veil-of-darkness test for each group against White (see the module docstring).

    Args:
        clock: how to read published times: ``auto`` (infer per force from the files, see
            ``stop_search_quality``; undetermined means UTC as published), ``utc`` or ``local``.
        groups: the groups to compare with White (``minority`` = every non-White group).
        spline_df: degrees of freedom of the clock-time spline.
    """
    sample, info = darkness_sample(con, sc, None, clock)
    caveats = [*sc.caveats()]
    for f, months in info["months_failing_gate"].items():
        caveats.append(
            f"{f}: dropped {len(months)} month(s) failing the time-quality gate (5% or more of "
            f"times exactly midnight): {', '.join(months)}."
        )
    for f, fi in info["forces"].items():
        if (
            fi["clock"] == "utc"
            and clock == "auto"
            and (fi.get("clock_evidence") or {}).get("clock") != "utc"
        ):
            caveats.append(
                f"{f}: the files do not show whether times are UTC or local clock time; read "
                "as UTC, as published. Re-run with clock='local' to see if it matters."
            )
        if "window" in fi:
            evidence = fi.get("clock_evidence") or {}
            why = (
                f" ({evidence['before_month_start']} rows of BST-month files stamped before "
                "their month began)"
                if fi["clock"] == "utc" and evidence.get("clock") == "utc"
                else f" ({evidence['last_hour_rows']} rows stamped in the last hour of a BST month)"
                if fi["clock"] == "local" and evidence.get("clock") == "local"
                else ""
            )
            caveats.append(
                f"{f}: times read as {fi['clock'].upper()}{why}; inter-twilight window "
                f"{fi['window'][0]}-{fi['window'][1]} local time at ({fi['centroid'][0]:.3f}, "
                f"{fi['centroid'][1]:.3f}) over the {fi['days']} days with data; "
                f"{fi['in_window']:,} searches in the window, "
                f"{fi['dropped_sunset_to_dusk']:,} dropped between sunset and dusk."
            )
        elif "skipped" in fi:
            caveats.append(f"{f}: left out ({fi['skipped']}).")
    for g in groups:
        if (g != MINORITY and g not in GROUPS) or g == REFERENCE:
            raise UserInputError(f"unknown comparison group {g!r}")
    base = _darkness_design(sample, spline_df, sc.force_ids[0])
    dark = sample["dark"].to_numpy(dtype=float)
    rows = []
    for g in groups:
        members = [x for x in GROUPS if x != REFERENCE] if g == MINORITY else [g]
        keep = sample["group"].isin([*members, REFERENCE]).to_numpy()
        y = sample["group"].isin(members).to_numpy()[keep].astype(float)
        n_group = int(y.sum())
        n_dark = int(dark[keep].sum())
        row: dict[str, Any] = {
            "group": g,
            "reference": REFERENCE,
            "searches": int(keep.sum()),
            "group_searches": n_group,
            "dark_searches": n_dark,
            "light_searches": int(keep.sum()) - n_dark,
        }
        reason = None
        if n_group < MIN_DARKNESS_GROUP:
            reason = f"fewer than {MIN_DARKNESS_GROUP} searches of the group in the window"
        elif min(n_dark, int(keep.sum()) - n_dark) < MIN_DARKNESS_PERIOD:
            reason = f"fewer than {MIN_DARKNESS_PERIOD} searches in the dark or in the light"
        x = base.rows(keep).drop_constant(always=["dark"]) if reason is None else base
        if reason is None:
            fit = fit_logistic(x, y, terms_of_interest=["dark"], confidence=confidence)
            if fit.status == "estimated":
                t = fit.term("dark")
                row.update(
                    {
                        "beta": t["coef"],
                        "beta_se": t["se"],
                        "beta_low": t["coef_low"],
                        "beta_high": t["coef_high"],
                        "odds_ratio": t["odds_ratio"],
                        "odds_ratio_low": t["odds_ratio_low"],
                        "odds_ratio_high": t["odds_ratio_high"],
                        "p_value": t["p_value"],
                    }
                )
            else:
                reason = fit.reason
        row["status"] = "withheld" if reason else "estimated"
        row["reason"] = reason or ""
        rows.append(row)
    table = pd.DataFrame(rows, columns=DARKNESS_COLUMNS)
    caveats.append(
        "Search locations are not used: dusk is computed at one point per force (the median "
        "location of its police.uk records), good to a few minutes across a force area."
    )
    caveats.append(
        "The test assumes the mix of people out and about, and officers' deployment, at a given "
        "clock time does not change between light and dark evenings except through visibility; "
        "street lighting weakens the darkness contrast (a null result is weak evidence)."
    )
    meta = {
        "confidence": confidence,
        "clock": clock,
        "spline_df": spline_df,
        "forces_detail": {f: {k: v for k, v in fi.items()} for f, fi in info["forces"].items()},
        "months_failing_gate": info["months_failing_gate"],
    }
    title = f"Veil of darkness, {_who(sc)} {sc.period.label}"
    return sc.result("stop_search.darkness", title, DARKNESS_DEFINITION, table, caveats, **meta)


def _darkness_design(sample: pd.DataFrame, spline_df: int, first_force: str) -> Design:
    """dark, the clock-time spline (dense) and weekday, month and force indicators (sparse)."""
    clock = sample["clock_hours"].to_numpy(dtype=float)
    spline = (
        np.asarray(patsy.dmatrix(f"cr(x, df={spline_df}, constraints='center') - 1", {"x": clock}))
        if len(sample) > spline_df
        else np.zeros((len(sample), spline_df))
    )
    dense = Design(
        np.column_stack([sample["dark"].to_numpy(dtype=float), spline]),
        ("dark", *(f"clock_spline[{i}]" for i in range(spline.shape[1]))),
    )
    months = sample["calendar_month"].to_numpy()
    common_month = int(pd.Series(months).mode().iloc[0]) if len(months) else 1
    design = dense.join(sparse_dummies(sample["weekday"].to_numpy(), 0, "weekday"))
    design = design.join(sparse_dummies(months, common_month, "month"))
    if sample["force_id"].nunique() > 1:
        design = design.join(
            sparse_dummies(sample["force_id"].astype(str).to_numpy(), first_force, "force")
        )
    return design


DARKNESS_COLUMNS = (
    "group",
    "reference",
    "beta",
    "beta_low",
    "beta_high",
    "beta_se",
    "odds_ratio",
    "odds_ratio_low",
    "odds_ratio_high",
    "p_value",
    "searches",
    "group_searches",
    "dark_searches",
    "light_searches",
    "status",
    "reason",
)
