"""Scale benchmark: the stop and search suite on DuckDB and on Spark as the data grows.

    python benchmarks/scale.py [--sizes 1 10 50] [--work DIR] [--skip-ingest-comparison]

For each size (a multiple of a national year of stop and search: every territorial force, 12
months, about 570,000 searches at 1x), synthesise the files, load them with ``openpeel.ingest``,
then run the whole stop and search suite for one force-year and for all forces (rates, ratios,
outcomes, section 60, age-sex, trend, hit-rate model, veil of darkness, peers) on each engine,
each in a fresh process. Prints wall time and the peak memory of the process tree (the JVM
included for Spark) as a table, the DuckDB/Spark ratio per size, and the crossover if any.

It also answers issue 8's ingest question by measurement: the same CSVs loaded by openpeel's
ingest and by Spark ``local[2]`` reading them straight to partitioned Parquet with no checks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SUITE = """
import json, sys, time
import openpeel
from openpeel.calendar import Period
from openpeel.indicators.stop_search_suite import suite
data_dir, engine, scope = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
con = openpeel.connect(data_dir, engine=engine)
started = time.perf_counter() - t
period = Period.from_months("2021-01", "2021-12")
force_ids = None if scope == "all" else scope
t = time.perf_counter()
results = suite(con, period, force_ids, population=sys.argv[4], include_peers=scope != "all")
print(json.dumps({"connect_s": started, "suite_s": time.perf_counter() - t,
                  "searches": int(results["rates"].table["searches"].sum())}))
"""

SPARK_CSV_TO_PARQUET = """
import sys, time
from pyspark.sql import SparkSession, functions as F
src, out = sys.argv[1], sys.argv[2]
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "4").getOrCreate())
t = time.perf_counter()
df = (spark.read.option("header", "true").csv(src + "/*/*-stop-and-search.csv")
      .withColumn("file", F.input_file_name()))
df = df.withColumn("force_id", F.regexp_extract("file", r"\\d{4}-\\d{2}-(.+)-stop-and-search", 1))
df = df.withColumn("month", F.regexp_extract("file", r"(\\d{4}-\\d{2})-[a-z-]+-stop", 1))
df.write.mode("overwrite").partitionBy("force_id", "month").parquet(out)
print(time.perf_counter() - t)
"""

INGEST = """
import sys, time, openpeel
t = time.perf_counter()
openpeel.ingest([sys.argv[1]], sys.argv[2])
print(time.perf_counter() - t)
"""


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        ppid = int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total / 1024


def measured(code: str, *args: str) -> tuple[float, float, str]:
    """Run a script in a fresh interpreter: (seconds, peak tree RSS in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0.0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    out, _ = proc.communicate()
    watcher.join()
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark step failed ({proc.returncode}): {args}")
    return time.perf_counter() - start, peak, out


def synthetic_population(path: Path) -> None:
    """A population CSV for every force (the suite needs denominators; real ones aren't shipped)."""
    from openpeel.reference.forces import forces
    from openpeel.synth.profiles import DEFAULT_PROFILE, FORCE_PROFILES

    shares = {"asian": 0.10, "black": 0.04, "mixed": 0.03, "white": 0.81, "other": 0.02}
    lines = ["force_id,ethnic_group,population"]
    for force_id in forces():
        people = round(FORCE_PROFILES.get(force_id, DEFAULT_PROFILE).size_thousands * 1000)
        lines += [f"{force_id},{g},{round(people * s)}" for g, s in shares.items()]
        lines.append(f"{force_id},total,{people}")
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    """Generate, load and time each size on both engines; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 50])
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--skip-ingest-comparison", action="store_true")
    args = parser.parse_args()

    from openpeel.reference.forces import forces
    from openpeel.synth import write_archive

    work = args.work or Path(tempfile.mkdtemp(prefix="openpeel-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    population = work / "population.csv"
    synthetic_population(population)
    territorial = [f for f, v in forces().items() if v.pfa_code]
    rows = []
    for size in args.sizes:
        archive, data = work / f"archive-{size:g}x", work / f"lake-{size:g}x"
        if not (archive / "SYNTHETIC.json").exists():
            write_archive(
                archive,
                forces=territorial,
                start="2021-01",
                end="2021-12",
                seed=11,
                scale=size,
                kinds=("stop-and-search",),
            )
        if not (data / "lake" / "_manifest.parquet").exists():
            seconds, peak, _ = measured(INGEST, str(archive), str(data))
            rows.append(
                {
                    "size": size,
                    "step": "ingest (openpeel)",
                    "engine": "duckdb",
                    "seconds": seconds,
                    "peak_mb": peak,
                }
            )
            if not args.skip_ingest_comparison:
                seconds, peak, _ = measured(SPARK_CSV_TO_PARQUET, str(archive), str(work / "sp"))
                rows.append(
                    {
                        "size": size,
                        "step": "CSV->Parquet, no checks",
                        "engine": "spark",
                        "seconds": seconds,
                        "peak_mb": peak,
                    }
                )
        for scope in ("west-midlands", "all"):
            for engine in ("duckdb", "spark"):
                seconds, peak, out = measured(SUITE, str(data), engine, scope, str(population))
                info = json.loads(out.strip().splitlines()[-1])
                rows.append(
                    {
                        "size": size,
                        "step": f"suite ({scope})",
                        "engine": engine,
                        "seconds": seconds,
                        "peak_mb": peak,
                        **info,
                    }
                )
        print(json.dumps(rows[-4:], indent=None))

    print(f"\n{'size':>5} {'step':28} {'engine':7} {'seconds':>8} {'peak MB':>8} {'suite s':>8}")
    for r in rows:
        print(
            f"{r['size']:>5g} {r['step']:28} {r['engine']:7} {r['seconds']:8.1f} "
            f"{r['peak_mb']:8.0f} {r.get('suite_s', float('nan')):8.1f}"
        )
    print("\nDuckDB / Spark wall-time ratio (below 1: DuckDB faster):")
    for size in args.sizes:
        for scope in ("west-midlands", "all"):
            pair = {
                r["engine"]: r["seconds"]
                for r in rows
                if r["size"] == size and r["step"] == f"suite ({scope})"
            }
            if len(pair) == 2:
                print(f"  {size:g}x {scope:14} {pair['duckdb'] / pair['spark']:.2f}")


if __name__ == "__main__":
    main()
