"""Stop-and-search benchmark: the whole suite, and rates + ratios against plain pandas.

    python benchmarks/stop_search.py [--scale 1.0] [--repeat 3] [--work DIR]

Two synthetic data sets (labelled synthetic, in the exact police.uk formats):

- one force-year: West Midlands, April 2019 to March 2020 (about 25,000 searches at scale 1);
- national: every force x 3 years, April 2019 to March 2022 (about 1.7 million at scale 1).

For each, times (best of ``--repeat``, after one warm-up run):

- ``suite``: every indicator (quality, rates, ratios, outcomes, s60, age x sex, trend,
  hit-rate model, veil of darkness, peers) through ``openpeel.indicators.stop_search_suite``;
- ``rates+ratios``: openpeel's ``rates`` and ``ratios`` (exact intervals, not-stated bounds,
  self- and officer-defined);
- ``pandas``: a plain pandas implementation of the same rates and ratios (read the same Parquet
  files, count by group, months from the manifest, Garwood and Clopper-Pearson intervals with
  scipy), the common baseline.

Prints the times and the ratios. Target (issue 3): the whole suite for one force-year in under
2 s. Absolute times on a shared machine mislead; the ratios are measured in the same run.
Denominators: Census 2021 from ../shared/data/census2021 when present, else a flat synthetic
population (the timings do not depend on it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import stats

import openpeel
from openpeel.calendar import Period
from openpeel.indicators.stop_search import GROUPS, rates, ratios
from openpeel.indicators.stop_search_suite import suite
from openpeel.sources.census import POPULATION_SCHEMA
from openpeel.store.lake import Lake
from openpeel.synth import national_force_ids, write_archive

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENPEEL_SHARED_DATA", REPO.parent / "shared" / "data"))
INGEST = "import sys, openpeel; openpeel.ingest([sys.argv[1]], sys.argv[2])"


def prepare(work: Path, name: str, scale: float, forces: list[str], start: str, end: str) -> Path:
    """Synthesise and ingest one data set (reused when the work folder already has it)."""
    data = work / f"{name}-data"
    if (data / "lake" / "_manifest.parquet").exists():
        return data
    src = work / f"{name}-archive"
    print(f"synthesising {name} ...", flush=True)
    write_archive(
        src, start=start, end=end, seed=3, scale=scale, kinds=["stop-and-search"], forces=forces
    )
    print(f"ingesting {name} ...", flush=True)
    # In its own process: DuckDB draws a progress bar on the terminal while it loads.
    subprocess.run(
        [sys.executable, "-c", INGEST, str(src), str(data)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    census = SHARED / "census2021"
    if census.is_dir():
        openpeel.load_population(
            census / "ts021-ethnic-group-by-ltla.csv", census / "lad22-csp22-pfa22-lookup.csv", data
        )
    else:
        rows = [
            {
                "force_id": f,
                "pfa_code": "E0",
                "pfa_name": f,
                "ethnic_group": g,
                "population": n,
                "source": "flat synthetic",
                "census_year": 2021,
            }
            for f in forces
            if f != "btp"
            for g, n in (
                ("asian", 100_000),
                ("black", 40_000),
                ("mixed", 30_000),
                ("white", 800_000),
                ("other", 30_000),
                ("total", 1_000_000),
            )
        ]
        Lake(data).write_reference("population", pa.Table.from_pylist(rows, POPULATION_SCHEMA))
    return data


def plain_pandas(data: Path, period: Period, force_ids: list[str] | None) -> pd.DataFrame:
    """Rates per 1,000 and ratios to White, pooled over forces, in plain pandas + scipy."""
    lake = data / "lake"
    manifest = pd.read_parquet(lake / "_manifest.parquet")
    current = manifest[
        (manifest["table_name"] == "stop_searches")
        & (manifest["status"] == "current")
        & (manifest["month"] >= pd.Timestamp(period.start).date())
        & (manifest["month"] <= pd.Timestamp(period.end).date())
    ]
    if force_ids:
        current = current[current["force_id"].isin(force_ids)]
    population = pd.read_parquet(lake / "reference" / "population.parquet")
    current = current[current["force_id"].isin(population["force_id"])]
    frames = [
        pd.read_parquet(lake / p, columns=["is_vehicle_only", "ethnic_group"]).assign(force_id=f)
        for p, f in zip(current["data_path"], current["force_id"], strict=True)
    ]
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[~rows["is_vehicle_only"].fillna(False)]
    group = rows["ethnic_group"].where(rows["ethnic_group"].isin(GROUPS), "not_stated")
    counts = group.value_counts()
    months = current.groupby("force_id")["month"].nunique()
    pop = population[population["force_id"].isin(months.index)].copy()
    pop["person_years"] = pop["population"] * pop["force_id"].map(months) / 12
    exposure = pop.groupby("ethnic_group")["person_years"].sum()
    out = pd.DataFrame({"group": [*GROUPS, "all"]})
    out["searches"] = [counts.get(g, 0) for g in GROUPS] + [len(rows)]
    out["person_years"] = [exposure[g] for g in GROUPS] + [exposure["total"]]
    k = out["searches"].to_numpy(dtype=float)
    out["rate_per_1000"] = 1000 * k / out["person_years"]
    out["rate_low"] = (
        1000 * np.where(k > 0, stats.chi2.ppf(0.025, 2 * k) / 2, 0) / out["person_years"]
    )
    out["rate_high"] = 1000 * stats.chi2.ppf(0.975, 2 * k + 2) / 2 / out["person_years"]
    white = out.set_index("group").loc["white"]
    a, c = k[:5], float(white["searches"])
    scale = float(white["person_years"]) / out["person_years"].to_numpy()[:5]
    pi_low = np.where(a > 0, stats.beta.ppf(0.025, a, c + 1), 0)
    pi_high = stats.beta.ppf(0.975, a + 1, c)
    ratio = pd.DataFrame(
        {
            "group": list(GROUPS),
            "ratio": out["rate_per_1000"][:5] / white["rate_per_1000"],
            "ratio_low": pi_low / (1 - pi_low) * scale,
            "ratio_high": pi_high / (1 - pi_high) * scale,
        }
    )
    return out.merge(ratio, on="group", how="left")


def best_of(repeat: int, run: Callable[[], Any]) -> float:
    run()  # warm-up: imports, caches, the OS file cache
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return min(times)


def measure(
    label: str, data: Path, period: Period, forces: list[str] | None, repeat: int
) -> tuple[str, int, float, float, float]:
    """Check openpeel and pandas agree, then time the suite, rates+ratios and pandas.

    ``forces`` None means every force with data (British Transport Police, with no resident
    population, is left out of the rates by both implementations).
    """
    con = openpeel.connect(data)
    con.raw_sql("SET enable_progress_bar = false")
    n = int(con.table("stop_searches").count().execute())
    mine = rates(con, period, forces).table.set_index("group")
    theirs = plain_pandas(data, period, forces).set_index("group")
    for g in (*GROUPS, "all"):
        assert abs(mine.loc[g, "rate_per_1000"] - theirs.loc[g, "rate_per_1000"]) < 1e-9, g
    t_suite = best_of(repeat, lambda: suite(con, period, forces))
    t_mine = best_of(repeat, lambda: (rates(con, period, forces), ratios(con, period, forces)))
    t_pandas = best_of(repeat, lambda: plain_pandas(data, period, forces))
    return label, n, t_suite, t_mine, t_pandas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="synthetic volume multiplier")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is shown)")
    parser.add_argument("--work", type=Path, default=None, help="keep data here between runs")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="openpeel-bench-ss-"))
    work.mkdir(parents=True, exist_ok=True)
    cases = [
        (
            "one force-year",
            prepare(work, "force-year", 1.0, ["west-midlands"], "2019-04", "2020-03"),
            Period.financial_year("2019/20"),
            ["west-midlands"],
        ),
        (
            "all forces x 3 years",
            prepare(work, "national", args.scale, national_force_ids(), "2019-04", "2022-03"),
            Period.from_months("2019-04", "2022-03"),
            None,
        ),
    ]
    lines = [
        measure(label, data, period, forces, args.repeat) for label, data, period, forces in cases
    ]
    print(
        f"\n{'data':<22}{'rows':>11}{'suite s':>10}{'rates+ratios s':>16}{'pandas s':>10}"
        f"{'rr / pandas':>13}{'suite / pandas':>16}"
    )
    for label, n, t_suite, t_mine, t_pandas in lines:
        print(
            f"{label:<22}{n:>11,}{t_suite:>10.2f}{t_mine:>16.3f}{t_pandas:>10.3f}"
            f"{t_mine / t_pandas:>13.2f}{t_suite / t_pandas:>16.1f}"
        )
    one = lines[0][2]
    print(
        f"\nwhole suite, one force-year: {one:.2f} s "
        f"({'meets' if one < 2 else 'misses'} the 2 s target)"
    )
    print(f"data kept in {work}")


if __name__ == "__main__":
    main()
