"""Ingest benchmark: openpeel against a floor and a common baseline, side by side.

    python benchmarks/ingest.py [--scale 1.0] [--months 12] [--work DIR]

Generates a synthetic national set (every territorial force, ``--months`` months; at scale 1 it
is well over 5 million rows across street, outcomes and stop-and-search), then loads the same
CSV files three ways, each in its own process so that peak memory is its own:

- openpeel: ``openpeel.ingest`` (header checks, vocabularies, rejects, lineage, partitions);
- floor: DuckDB reading the CSVs straight to one Parquet file per kind, columns given, no checks;
- floor by file: the same, written as one Parquet file per input file (the lake's layout: a
  partition per force-month), in one ``COPY ... PARTITION_BY``;
- pandas: ``pandas.read_csv`` + ``DataFrame.to_parquet`` per file (the common baseline), zstd
  as the others write (pandas' default, snappy, costs less CPU and writes larger files).

Prints wall time, CPU time (user + system, every thread) and peak RSS of each and the ratios.
Targets: openpeel within 1.5x of the floor and faster than pandas (issue 19), peak memory under
2 GB. Absolute times on a shared machine mislead; the ratios are the result, and on a machine
other work keeps busy the CPU ratio is the steadier one (wall time there is mostly waiting for a
core, which the three loads suffer unequally).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# One Parquet file per kind; with a third argument, one per input file (a force-month, laid out
# as the lake's partitions, as openpeel and the pandas baseline write).
FLOOR = """
import duckdb, sys, pathlib
from openpeel.sources.policeuk_archive import HEADERS, raw_name
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
by_file = len(sys.argv) > 3
part = ", parse_filename(filename, true) AS part" if by_file else ""
con = duckdb.connect()
for kind, schema in (("street", "street"), ("outcomes", "outcomes"),
                     ("stop-and-search", "stop_search")):
    files = [str(p) for p in sorted(root.rglob(f"*-{kind}.csv"))]
    cols = "{" + ", ".join(f"'{raw_name(h)}': 'VARCHAR'" for h in HEADERS[schema]) + "}"
    target = (f"'{out / kind}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (part))" if by_file
              else f"'{out / kind}.parquet' (FORMAT parquet, COMPRESSION zstd)")
    con.execute(f"COPY (SELECT * EXCLUDE (filename){part} FROM read_csv({files!r}, columns={cols}, "
                f"header=true, filename=true, auto_detect=false)) TO {target}")
"""

PANDAS = """
import pandas as pd, sys, pathlib
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for i, p in enumerate(sorted(root.rglob("*.csv"))):
    pd.read_csv(p, dtype=str).to_parquet(out / f"{i}.parquet", compression="zstd")
"""

OPENPEEL = """
import sys, json, openpeel
report = openpeel.ingest([sys.argv[1]], sys.argv[2])
print(json.dumps(report.totals()))
"""


def peak_of(code: str, *args: str) -> tuple[float, float, float, str]:
    """Run a script in a fresh interpreter: (wall seconds, CPU seconds, its own peak RSS in
    MB, stdout). Both times count from the interpreter's start to the script's end, imports
    included."""
    wrapper = (
        "import resource, sys, time\n"
        f"code = {code!r}\n"
        "exec(compile(code, 'bench', 'exec'), {'__name__': '__main__'})\n"
        "u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "sys.stderr.write('%f %d\\n' % (u.ru_utime + u.ru_stime, u.ru_maxrss))\n"
    )
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *args], check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - t
    cpu, rss = done.stderr.strip().splitlines()[-1].split()
    return wall, float(cpu), int(rss) / 1024, done.stdout


def main() -> None:
    """Generate the data, run the three loads, print the table of ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs of each load")
    args = parser.parse_args()

    from openpeel.reference.forces import forces
    from openpeel.synth import write_archive

    work = args.work or Path(tempfile.mkdtemp(prefix="openpeel-bench-"))
    archive = work / "archive"
    end_month = f"2021-{args.months:02d}" if args.months <= 12 else "2021-12"
    if not (archive / "SYNTHETIC.json").exists():
        territorial = [f for f, v in forces().items() if v.pfa_code]
        t = time.perf_counter()
        summary = write_archive(
            archive, forces=territorial, start="2021-01", end=end_month, seed=7, scale=args.scale
        )
        print(
            f"generated {sum(summary.rows.values()):,} rows in {len(summary.files)} files "
            f"({time.perf_counter() - t:.0f} s): {summary.rows}"
        )
    csv_bytes = sum(p.stat().st_size for p in archive.rglob("*.csv"))
    rows = sum(1 for p in archive.rglob("*.csv") for _ in p.open()) - len(
        list(archive.rglob("*.csv"))
    )
    print(f"input: {rows:,} rows, {csv_bytes / 1e9:.2f} GB of CSV\n")

    floor_name, by_file_name, mine_name, pandas_name = (
        "floor (DuckDB CSV->Parquet, no checks)",
        "floor by file (a Parquet file each)",
        "openpeel ingest",
        "pandas read_csv + to_parquet",
    )
    loads = (  # (name, output folder, script, its extra arguments)
        (floor_name, "floor", FLOOR, ()),
        (by_file_name, "floor-by-file", FLOOR, ("by-file",)),
        (mine_name, "openpeel", OPENPEEL, ()),
        (pandas_name, "pandas", PANDAS, ()),
    )
    runs: dict[str, list[tuple[float, float, float]]] = {}
    totals: dict[str, int] = {}
    # Interleaved, so that what else the machine does falls on all the loads alike.
    for r in range(args.repeat):
        for name, folder, code, extra in loads:
            if name == pandas_name and args.skip_pandas:
                continue
            target = work / f"{folder}-{r}"
            shutil.rmtree(target, ignore_errors=True)  # each load starts from nothing
            wall, cpu, mb, out = peak_of(code, str(archive), str(target), *extra)
            runs.setdefault(name, []).append((wall, cpu, mb))
            if name == mine_name:
                totals = json.loads(out.strip().splitlines()[-1])
    results = {
        name: tuple(statistics.median(x[i] for x in got) for i in range(3))
        for name, got in runs.items()
    }
    mine_wall, mine_cpu, mine_mb = results[mine_name]
    print(
        f"{'method':40} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'rows/s':>10} "
        f"{'wall vs op':>10} {'CPU vs op':>10}"
    )
    for name, (wall, cpu, mb) in results.items():
        print(
            f"{name:40} {wall:8.1f} {cpu:8.1f} {mb:8.0f} {rows / wall:10,.0f} "
            f"{wall / mine_wall:9.2f}x {cpu / mine_cpu:9.2f}x"
        )
    load = os.getloadavg()[0]
    print(f"\n(median of {args.repeat}; load average {load:.1f} on {os.cpu_count()} cores)")
    for name, label in ((floor_name, "floor"), (by_file_name, "floor by file")):
        floor_wall, floor_cpu, _ = results[name]
        print(
            f"openpeel / {label} = {mine_wall / floor_wall:.2f} wall, "
            f"{mine_cpu / floor_cpu:.2f} CPU (target <= 1.5)"
        )
    if not args.skip_pandas:
        pandas_wall, pandas_cpu, _ = results[pandas_name]
        print(
            f"pandas / openpeel = {pandas_wall / mine_wall:.2f} wall, "
            f"{pandas_cpu / mine_cpu:.2f} CPU (target > 1: openpeel faster)"
        )
    print(f"openpeel peak memory = {mine_mb:.0f} MB (target < 2048)")
    print(f"openpeel totals: {totals}")


if __name__ == "__main__":
    main()
