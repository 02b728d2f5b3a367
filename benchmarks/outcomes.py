"""Outcome linkage benchmark: openpeel (Ibis on DuckDB) against a pandas merge, side by side.

    python benchmarks/outcomes.py [--scale 1.2] [--repeat 3] [--work DIR]

Generates a SYNTHETIC West Midlands archive: street files for one year (at scale 1.2 about
360,000 rows, some 317,000 of them crimes) and outcomes files over 24 months (that year and the
next; with a 12-month lead-in, so the first outcomes files also carry orphans, outcomes of
crimes before the year). Loads the year's street files and the 24 outcomes files into a lake,
then links outcomes to crimes by Crime ID from the same Parquet files two ways:

- openpeel: ``latest_outcomes`` (one row per crime with its latest known outcome, materialised
  as a pandas frame) and ``outcome_summary`` (outcome classes by month of the crime, with
  Wilson intervals);
- pandas: ``read_parquet`` of the lake's current files, sort + ``drop_duplicates`` for the
  latest outcome of each Crime ID, ``merge`` onto the crimes, the same choice between street
  file and outcomes file, and a ``groupby`` for the summary (the common baseline).

Each task runs ``--repeat`` times; the best time counts. Prints wall times and the ratio
pandas / openpeel (above 1: openpeel is faster) and checks that both give the same counts.
DuckDB uses every core; pandas uses one. Absolute times on a shared machine mislead; the ratios
are the result.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

import openpeel
from openpeel.calendar import Period
from openpeel.indicators.investigations import (
    CLASS_OF_GROUP,
    CLOSING_CLASSES,
    latest_outcomes,
    outcome_summary,
)
from openpeel.reference.vocabularies import vocabulary
from openpeel.store.lake import Lake
from openpeel.synth import write_archive

FORCE = "west-midlands"
YEAR_START, YEAR_END, OUTCOMES_END = "2021-04", "2022-03", "2023-03"


def build(work: Path, scale: float) -> Path:
    """Generate the archive and load the year's street files and 24 months of outcomes."""
    archive = work / "archive"
    data_dir = work / "data"
    if (data_dir / "lake").is_dir():
        return data_dir
    t = time.perf_counter()
    write_archive(
        archive,
        force_id=FORCE,
        start=YEAR_START,
        end=OUTCOMES_END,
        seed=2024,
        scale=scale,
        kinds=["street", "outcomes"],
        outcome_lead_in=12,
    )
    year = {m.isoformat()[:7] for m in Period.from_months(YEAR_START, YEAR_END).months}
    files = sorted(p for p in archive.glob("*/*-street.csv") if p.parent.name in year)
    files += sorted(archive.glob("*/*-outcomes.csv"))
    report = openpeel.ingest(files, data_dir)
    print(
        f"generated and loaded {report.totals()['rows_loaded']:,} rows "
        f"in {time.perf_counter() - t:.1f} s ({len(files)} files)"
    )
    return data_dir


# --------------------------------------------------------------------------- pandas baseline


def _read(data_dir: Path, table: str, columns: list[str]) -> pd.DataFrame:
    """Every current partition of a table, with its force, month and vintage."""
    lake = Lake(data_dir)
    frames = []
    for p in lake.current(table):
        df = pq.read_table(lake.path(p.data_path), columns=columns).to_pandas()
        df["force_id"] = p.force_id
        df["month"] = pd.Timestamp(p.month)
        df["vintage"] = pd.Timestamp(p.vintage[:7] + "-01")
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def pandas_latest(data_dir: Path) -> pd.DataFrame:
    """One row per crime (not ASB) with its latest known outcome, by pandas."""
    terms = vocabulary("crime_outcome").values()
    code = {t.raw: t.code for t in terms}
    group = {t.raw: t.group for t in terms}
    rank = {
        t.code: (
            (2 if t.code in ("awaiting_court_outcome", "suspect_charged") else 3)
            if t.group == "charged_summonsed"
            else (1 if CLASS_OF_GROUP.get(t.group) in CLOSING_CLASSES else 0)
        )
        for t in terms
    }
    crimes = _read(
        data_dir,
        "crimes",
        ["crime_id", "crime_type_code", "is_anti_social_behaviour", "last_outcome_category_raw"],
    )
    crimes = crimes[~crimes["is_anti_social_behaviour"]]
    outcomes = _read(data_dir, "outcomes", ["crime_id", "outcome_type_raw"])
    outcomes["code"] = outcomes["outcome_type_raw"].map(code).fillna("unknown")
    outcomes["group"] = outcomes["outcome_type_raw"].map(group).fillna("unknown")
    outcomes["rank"] = outcomes["code"].map(rank).fillna(0)
    keys = ["force_id", "crime_id"]
    per_crime = outcomes.groupby(keys).agg(
        outcome_rows=("month", "size"), first_outcome_month=("month", "min")
    )
    ordered = outcomes.sort_values(
        [*keys, "month", "rank", "code"], ascending=[True, True, False, False, True]
    )
    latest = ordered.drop_duplicates(keys).set_index(keys)[["month", "code", "group"]]
    latest.columns = ["linked_month", "linked_code", "linked_group"]
    c = crimes.merge(per_crime.join(latest), how="left", left_on=keys, right_index=True)
    street_code = c["last_outcome_category_raw"].map(code)
    street_code = street_code.where(
        c["last_outcome_category_raw"].isna(), street_code.fillna("unknown")
    )
    street_group = c["last_outcome_category_raw"].map(group)
    street_group = street_group.where(
        c["last_outcome_category_raw"].isna(), street_group.fillna("unknown")
    )
    use_linked = c["linked_month"].notna() & (
        street_code.isna() | (c["linked_month"] > c["vintage"])
    )
    c["latest_outcome_code"] = np.where(use_linked, c["linked_code"], street_code)
    latest_group = pd.Series(np.where(use_linked, c["linked_group"], street_group), index=c.index)
    c["outcome_class"] = latest_group.map(CLASS_OF_GROUP).where(latest_group.notna(), "no_status")
    c["outcome_class"] = c["outcome_class"].fillna("unknown")
    c["outcome_rows"] = c["outcome_rows"].fillna(0).astype("int64")
    return c


def pandas_summary(data_dir: Path) -> pd.Series:
    """Crimes by month of the crime and outcome class, by pandas."""
    c = pandas_latest(data_dir)
    return c.groupby(["month", "outcome_class"]).size()


# --------------------------------------------------------------------------- timing


def best_of(repeat: int, task: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = task()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    """Build the lake, time both ways, check they agree, print the ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="openpeel-outcomes-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data_dir = build(work, args.scale)
        year = Period.from_months(YEAR_START, YEAR_END)
        con = openpeel.connect(data_dir)
        counts = con.table("outcomes").count().execute()
        crimes = con.table("crimes").filter(lambda t: ~t.is_anti_social_behaviour).count().execute()
        print(f"{crimes:,} crimes in {year.label}; {counts:,} outcome rows over 24 months")

        def ours_latest() -> pd.DataFrame:
            return latest_outcomes(openpeel.connect(data_dir), FORCE, year).table

        def ours_summary() -> pd.DataFrame:
            return outcome_summary(openpeel.connect(data_dir), FORCE, year).table

        rows = []
        t_ours, ours = best_of(args.repeat, ours_latest)
        t_pd, theirs = best_of(args.repeat, lambda: pandas_latest(data_dir))
        assert len(ours) == len(theirs) == crimes
        a = ours["outcome_class"].value_counts().sort_index()
        b = theirs["outcome_class"].value_counts().sort_index()
        pd.testing.assert_series_equal(a, b, check_names=False)
        assert int(ours["outcome_rows"].sum()) == int(theirs["outcome_rows"].sum())
        rows.append(("latest outcome per crime", t_ours, t_pd))

        t_ours, ours_s = best_of(args.repeat, ours_summary)
        t_pd, theirs_s = best_of(args.repeat, lambda: pandas_summary(data_dir))
        classes = ours_s[ours_s["measure"].isin(b.index)]
        mine = classes.set_index(["crime_month", "measure"])["crimes_in_measure"]
        mine = mine[mine > 0].sort_index()
        theirs_s.index = pd.MultiIndex.from_arrays(
            [theirs_s.index.get_level_values(0).date, theirs_s.index.get_level_values(1)]
        )
        assert mine.to_dict() == theirs_s.sort_index().to_dict()
        rows.append(("outcome rates by month", t_ours, t_pd))

        print(f"\n{'task':<28} {'openpeel s':>11} {'pandas s':>10} {'pandas/openpeel':>16}")
        for name, ours_t, pandas_t in rows:
            print(f"{name:<28} {ours_t:>11.2f} {pandas_t:>10.2f} {pandas_t / ours_t:>15.2f}x")
        print("\nboth ways give the same outcome class counts (checked)")


if __name__ == "__main__":
    main()
