"""Expected tables computed independently: pandas on the raw police.uk CSV rows.

Every engine's result is compared with these, as Ibis's own backend tests compare each backend
with a pandas computation, so a wrong Ibis expression fails on DuckDB too (comparing DuckDB with
itself could never fail). Only the vocabularies (published values to codes, data in
``reference/vocabularies``) and the outcome-group classes are shared with the library; the
filtering, linking and counting are written here again, from the definitions, in plain pandas.

The counts are what the engines compute; the statistics on them (intervals, models, funnels) run
in Python on the aggregated counts, are the same code on every engine and are checked against
their own oracles in ``tests/unit``.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from openpeel.indicators.investigations import CLASS_OF_GROUP

GROUPS = ("asian", "black", "mixed", "white", "other")
CLOSING = (
    "charged_summonsed",
    "out_of_court",
    "evidential_difficulties",
    "no_suspect_identified",
    "other_closed",
)
AWAITING_COURT = ("awaiting_court_outcome", "suspect_charged")


@cache
def vocabulary(name: str) -> dict[str, tuple[str, str]]:
    """Published value -> (code, group), read straight from the reference CSV."""
    text = (
        resources.files("openpeel.reference")
        .joinpath("vocabularies", f"{name}.csv")
        .read_text(encoding="utf-8")
    )
    return {r["raw"]: (r["code"], r["group"]) for r in csv.DictReader(text.splitlines())}


def code_of(values: pd.Series, name: str) -> pd.Series:
    """Codes of published values (blank: None; unmapped: 'unknown')."""
    vocab = vocabulary(name)
    return values.map(lambda v: None if v == "" else vocab.get(v, ("unknown", ""))[0])


def group_of(values: pd.Series, name: str) -> pd.Series:
    """Broad groups of published values (blank: None; unmapped: 'unknown')."""
    vocab = vocabulary(name)
    return values.map(lambda v: None if v == "" else vocab.get(v, ("", "unknown"))[1])


def read_raw(archive: Path, kind: str) -> pd.DataFrame:
    """Every ``YYYY-MM/YYYY-MM-<force>-<kind>.csv`` file as strings, with ``force_id`` and
    ``file_month`` (a date) from the file name and ``row`` (1-based line in the file)."""
    return _read_raw(archive, kind).copy()


@cache
def _read_raw(archive: Path, kind: str) -> pd.DataFrame:
    frames = []
    for path in sorted(archive.glob(f"*/*-{kind}.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df["force_id"] = path.name[8 : -len(f"-{kind}.csv")]
        df["file_month"] = date.fromisoformat(path.name[:7] + "-01")
        df["row"] = range(1, len(df) + 1)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- stop and search


def searches(archive: Path, force_id: str | None, start: date, end: date) -> pd.DataFrame:
    """Stop-and-search rows of the months (and force), with the coded columns indicators use."""
    raw = read_raw(archive, "stop-and-search")
    raw = raw[(raw["file_month"] >= start) & (raw["file_month"] <= end)]
    if force_id is not None:
        raw = raw[raw["force_id"] == force_id]
    out = raw[["force_id", "file_month"]].rename(columns={"file_month": "month"})
    out["is_person"] = group_of(raw["Type"], "stop_search_type") != "vehicle_only"
    self_group = group_of(raw["Self-defined ethnicity"], "self_defined_ethnicity")
    out["group"] = self_group.where(self_group.isin(GROUPS), "not_stated")
    officer = group_of(raw["Officer-defined ethnicity"], "officer_defined_ethnicity")
    out["officer_group"] = officer.where(officer.isin(GROUPS), "not_stated")
    out["legislation"] = code_of(raw["Legislation"], "legislation")
    out["object"] = code_of(raw["Object of search"], "object_of_search")
    out["outcome_code"] = code_of(raw["Outcome"], "stop_search_outcome")
    out["outcome_group"] = group_of(raw["Outcome"], "stop_search_outcome")
    out["age_range"] = code_of(raw["Age range"], "age_range")
    out["age_group"] = group_of(raw["Age range"], "age_range")
    out["gender"] = code_of(raw["Gender"], "gender")
    out["removal"] = raw["Removal of more than just outer clothing"].map(
        {"True": True, "False": False, "": None}
    )
    return out.reset_index(drop=True)


def group_searches(rows: pd.DataFrame, column: str = "group") -> pd.DataFrame:
    """Person searches per force and group, with ``all`` (every person search)."""
    persons = rows[rows["is_person"]]
    by = persons.groupby(["force_id", column]).size().rename("searches").reset_index()
    total = persons.groupby("force_id").size().rename("searches").reset_index()
    total[column] = "all"
    return pd.concat([by, total], ignore_index=True).rename(columns={column: "group"})


def trend(rows: pd.DataFrame) -> pd.DataFrame:
    """Searches and person searches per supplied month."""
    return (
        rows.groupby(["force_id", "month"])
        .agg(searches=("is_person", "size"), person_searches=("is_person", "sum"))
        .reset_index()
    )


def ratios_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per basis and group: searches, the reference's searches (White or all) and not stated."""
    persons = rows[rows["is_person"]]
    out = []
    for basis, column in (("self_defined", "group"), ("officer_defined", "officer_group")):
        counts = persons[column].value_counts()
        for reference in ("white", "population"):
            for g in GROUPS:
                if g == reference:
                    continue
                out.append(
                    {
                        "basis": basis,
                        "group": g,
                        "reference": reference,
                        "searches": int(counts.get(g, 0)),
                        "reference_searches": int(
                            counts.get("white", 0) if reference == "white" else len(persons)
                        ),
                        "not_stated": int(counts.get("not_stated", 0)),
                    }
                )
    return pd.DataFrame(out)


def hit_rate_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per group: person searches with an outcome, and those not 'no further action'."""
    known = rows[rows["is_person"] & rows["outcome_group"].notna()]
    known = known[known["group"].isin(GROUPS)]
    return (
        known.assign(positive=known["outcome_group"] != "no_further_action")
        .groupby("group")
        .agg(searches=("positive", "size"), positives=("positive", "sum"))
        .reset_index()
    )


def outcome_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """Person searches by ethnic group x object x legislation with ``all`` margins (every
    combination of margins), and their outcome counts."""
    persons = rows[rows["is_person"]].assign(
        ethnic_group=lambda d: d["group"],
        object_of_search=lambda d: d["object"].fillna("blank"),
        legislation=lambda d: d["legislation"].fillna("blank"),
        outcome_known=lambda d: d["outcome_group"].notna(),
        arrests=lambda d: d["outcome_group"] == "arrest",
        any_action=lambda d: (
            d["outcome_group"].notna() & (d["outcome_group"] != "no_further_action")
        ),
        cannabis_warnings=lambda d: d["outcome_code"] == "drugs_warning",
    )
    values = ["outcome_known", "arrests", "any_action", "cannabis_warnings"]
    return with_margins(
        persons,
        ["ethnic_group", "object_of_search", "legislation"],
        {"searches": ("arrests", "size"), **{v: (v, "sum") for v in values}},
    )


def with_margins(
    frame: pd.DataFrame, keys: list[str], values: dict[str, tuple[str, str]]
) -> pd.DataFrame:
    """``groupby(keys).agg(values)`` for every combination of keys replaced by ``all``."""
    out = []
    for mask in range(2 ** len(keys)):
        f = frame.copy()
        for i, key in enumerate(keys):
            if mask & (1 << i):
                f[key] = "all"
        out.append(f.groupby(keys).agg(**values).reset_index())
    return pd.concat(out, ignore_index=True).drop_duplicates(keys).reset_index(drop=True)


def age_sex_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Person searches by age range x gender x self-defined group, with ``all`` margins."""
    persons = rows[rows["is_person"]].assign(
        age_range=lambda d: d["age_range"].fillna("not_recorded"),
        gender=lambda d: d["gender"].fillna("not_recorded"),
        ethnic_group=lambda d: d["group"],
    )
    return with_margins(
        persons, ["age_range", "gender", "ethnic_group"], {"searches": ("group", "size")}
    )


def quality_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Searches per month, legislation and object of search (denominator: all searches)."""
    out = []
    for section, column in (("legislation", "legislation"), ("object_of_search", "object")):
        counts = rows[column].fillna("blank").value_counts()
        out += [
            {"section": section, "item": k, "searches": int(v), "denominator": len(rows)}
            for k, v in counts.items()
        ]
    months = rows["month"].map(lambda m: f"{m:%Y-%m}").value_counts()
    out += [{"section": "month", "item": k, "searches": int(v)} for k, v in months.items()]
    return pd.DataFrame(out)


def search_type_counts(archive: Path, force_id: str, start: date, end: date) -> pd.DataFrame:
    """Searches per search type over all searches."""
    raw = read_raw(archive, "stop-and-search")
    raw = raw[
        (raw["force_id"] == force_id) & (raw["file_month"] >= start) & (raw["file_month"] <= end)
    ]
    counts = code_of(raw["Type"], "stop_search_type").value_counts()
    return pd.DataFrame(
        [
            {"section": "search_type", "item": k, "searches": int(v), "denominator": len(raw)}
            for k, v in counts.items()
        ]
    )


def s60_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Section 60 searches and strip searches (more than outer clothing) per group, with the
    children among them and, for strip searches, the searches where removal is not recorded."""
    persons = rows[rows["is_person"]]
    out = []
    for measure, selected in (
        ("section_60", persons["legislation"] == "cjpoa_s60"),
        ("strip_search", persons["removal"].eq(True)),
    ):
        for g in (*GROUPS, "not_stated", "all"):
            members = persons if g == "all" else persons[persons["group"] == g]
            sel = selected.loc[members.index]
            row = {
                "measure": measure,
                "group": g,
                "searches": int(sel.sum()),
                "children": int((sel & (members["age_group"] == "under_18")).sum()),
            }
            if measure == "strip_search":
                row["unknown"] = int(members["removal"].isna().sum())
            out.append(row)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- crime


def street(archive: Path, force_id: str | None, start: date, end: date) -> pd.DataFrame:
    """Street rows of the months (and force) with crime type and outcome coded."""
    raw = read_raw(archive, "street")
    raw = raw[(raw["file_month"] >= start) & (raw["file_month"] <= end)]
    if force_id is not None:
        raw = raw[raw["force_id"] == force_id]
    out = raw[["force_id", "file_month", "Crime ID"]].rename(
        columns={"file_month": "month", "Crime ID": "crime_id"}
    )
    out["crime_type"] = code_of(raw["Crime type"], "crime_type")
    out["is_asb"] = out["crime_type"] == "anti_social_behaviour"
    out["has_location"] = raw["Location"] != "No Location"
    out["outcome_code"] = code_of(raw["Last outcome category"], "crime_outcome")
    out["outcome_group"] = group_of(raw["Last outcome category"], "crime_outcome")
    return out.reset_index(drop=True)


def crime_volumes(rows: pd.DataFrame) -> pd.DataFrame:
    """Street rows per force, month and crime type."""
    return rows.groupby(["force_id", "month", "crime_type"]).size().rename("crimes").reset_index()


def crime_trend(rows: pd.DataFrame) -> pd.DataFrame:
    """Crimes (not ASB) and anti-social behaviour per supplied month."""
    series = rows["is_asb"].map({True: "anti_social_behaviour", False: "all_crime"})
    return (
        rows.assign(series=series).groupby(["series", "month"]).size().rename("crimes")
    ).reset_index()


def crime_classes(rows: pd.DataFrame, outcomes: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Each crime (not ASB) with its outcome class and whether it awaits court.

    The class comes from the street file's 'Last outcome category' (current at the download
    month ``as_of``) unless an outcome row of the crime is newer than that, or the category is
    blank; outcome rows are only ever as new as the download in these tests, so a newer row
    would be a test-data change this oracle refuses rather than guesses at.
    """
    crimes = rows[~rows["is_asb"]].copy()
    if (outcomes["file_month"] > as_of).any() or crimes["outcome_code"].isna().any():
        raise AssertionError("oracle covers only outcome rows up to the street download month")
    crimes["outcome_class"] = crimes["outcome_group"].map(
        lambda g: CLASS_OF_GROUP.get(g, "unknown")
    )
    crimes["is_awaiting_court"] = crimes["outcome_code"].isin(AWAITING_COURT)
    return crimes


def outcome_measures(crimes: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """crimes and crimes_in_measure per cell and measure (classes, awaiting court, and open or
    awaiting court); every class appears in every cell (0 when none), ``unknown`` only where
    some crime has a category no vocabulary knows."""
    classes = (*CLOSING, "under_investigation", "no_status", "unknown")
    out = []
    for key, cell in crimes.groupby(by):
        keys = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        counts = cell["outcome_class"].value_counts()
        measures = {c: int(counts.get(c, 0)) for c in classes}
        measures["awaiting_court"] = int(cell["is_awaiting_court"].sum())
        measures["under_investigation_or_awaiting_court"] = (
            measures["under_investigation"] + measures["awaiting_court"]
        )
        out += [
            {**keys, "measure": m, "crimes": len(cell), "crimes_in_measure": n}
            for m, n in measures.items()
            if m != "unknown" or n > 0  # the unknown class appears only where there is one
        ]
    return pd.DataFrame(out)


def outcomes_rows(archive: Path, force_id: str) -> pd.DataFrame:
    """Outcome rows of a force with their class."""
    raw = read_raw(archive, "outcomes")
    raw = raw[raw["force_id"] == force_id]
    group = group_of(raw["Outcome type"], "crime_outcome")
    return pd.DataFrame(
        {
            "crime_id": raw["Crime ID"],
            "file_month": raw["file_month"],
            "outcome_class": group.map(lambda g: CLASS_OF_GROUP.get(g, "unknown")),
        }
    ).reset_index(drop=True)


def time_to_outcome(crimes: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier counts per event and month since the crime, over the crimes recorded in
    the latest run of consecutive outcomes months (at_risk, events, censored)."""
    months = sorted(set(outcomes["file_month"]))
    index = [m.year * 12 + m.month for m in months]
    run_start = months[-1]
    for i in range(len(months) - 1, 0, -1):
        if index[i] - index[i - 1] != 1:
            break
        run_start = months[i - 1]
    last = index[-1]
    cohort = crimes[(crimes["month"] >= run_start) & (crimes["crime_id"] != "")]
    crime_index = cohort["month"].map(lambda m: m.year * 12 + m.month)
    out = []
    for event in ("any_outcome", *CLOSING):
        rows = outcomes[
            outcomes["outcome_class"].isin(CLOSING if event == "any_outcome" else [event])
        ]
        first = rows.groupby("crime_id")["file_month"].min().map(lambda m: m.year * 12 + m.month)
        event_index = cohort["crime_id"].map(first)
        has_event = event_index.notna() & (event_index <= last)
        time = (event_index.where(has_event, last) - crime_index).astype(int)
        for t in range(int(time.max()) + 1):
            out.append(
                {
                    "event": event,
                    "months_since_crime": t,
                    "at_risk": int((time >= t).sum()),
                    "events": int(((time == t) & has_event).sum()),
                    "censored": int(((time == t) & ~has_event).sum()),
                }
            )
    return pd.DataFrame(out)


def outcome_quality_counts(
    crimes: pd.DataFrame, asb_and_crimes: pd.DataFrame, outcomes: pd.DataFrame
) -> pd.DataFrame:
    """Counts of the outcome-quality table that are plain counts of raw rows.

    Args:
        crimes: street rows of the period that are not anti-social behaviour.
        asb_and_crimes: every street row of the period.
        outcomes: outcome rows of the force with an outcome month in the period.
    """
    asb = asb_and_crimes[asb_and_crimes["is_asb"]]
    first_month = crimes[crimes["crime_id"] != ""].groupby("crime_id")["month"].min()
    same_month = outcomes[outcomes["file_month"] == outcomes["crime_id"].map(first_month)]
    ids = outcomes["crime_id"].nunique()
    linked = outcomes[outcomes["crime_id"].isin(first_month.index)]
    rows = [
        ("crimes_without_location", int((~crimes["has_location"]).sum()), len(crimes)),
        ("asb_without_location", int((~asb["has_location"]).sum()), len(asb)),
        ("crimes_without_crime_id", int((crimes["crime_id"] == "").sum()), len(crimes)),
        ("crimes_without_last_outcome", int(crimes["outcome_code"].isna().sum()), len(crimes)),
        ("outcome_crime_ids", ids, len(outcomes)),
        ("linked_outcome_crime_ids", linked["crime_id"].nunique(), ids),
        ("linked_same_month_crime_ids", same_month["crime_id"].nunique(), ids),
    ]
    return pd.DataFrame(rows, columns=["measure", "count", "denominator"])


# --------------------------------------------------------------------------- comparison


def assert_counts(
    got: pd.DataFrame,
    expected: pd.DataFrame,
    keys: list[str],
    *,
    missing_months: tuple[str, ...] = (),
    only_expected_keys: bool = False,
    name: str = "",
) -> None:
    """The engine's table has exactly the expected rows (by ``keys``) with the expected counts.

    Args:
        got: the indicator's table on one engine.
        expected: the independent table; its non-key columns are the counts compared.
        keys: columns identifying a row.
        missing_months: months (``YYYY-MM``) with no file: ``got`` may hold rows for them
            whose counts are all empty (missing data, not zero), and nothing else for them.
        only_expected_keys: compare only the rows ``expected`` has (``got`` may have more,
            e.g. measures the oracle does not compute).
        name: shown in failures.
    """
    values = [c for c in expected.columns if c not in keys]
    g = got[keys + values].copy()
    for col in keys:
        if col in ("month", "crime_month"):
            g[col] = pd.to_datetime(g[col]).dt.date
    empty = g[values].isna().all(axis=1)
    if empty.any():
        month_keys = [k for k in keys if k in ("month", "crime_month", "item")]
        assert month_keys, f"{name}: rows without counts {g[empty].head()}"
        months = g.loc[empty, month_keys[0]].map(lambda m: str(m)[:7])
        assert set(months) <= set(missing_months), f"{name}: empty rows for {set(months)}"
        g = g[~empty]
    merged = expected.merge(
        g,
        on=keys,
        how="left" if only_expected_keys else "outer",
        suffixes=("_expected", "_got"),
        indicator=True,
    )
    unmatched = merged[merged["_merge"] != "both"]
    assert unmatched.empty, f"{name}: rows only on one side\n{unmatched.head(10)}"
    for col in values:
        e = pd.to_numeric(merged[f"{col}_expected"], errors="raise").astype(float)
        o = pd.to_numeric(merged[f"{col}_got"], errors="raise").astype(float)
        differ = ~((e == o) | (e.isna() & o.isna()))
        assert not differ.any(), f"{name}.{col} differs\n{merged.loc[differ].head(10)}"
