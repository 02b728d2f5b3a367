"""Ingest benchmark: openpeel against a floor and a common baseline, side by side.

    python benchmarks/ingest.py [--scale 1.0] [--months 12] [--work DIR]

Generates a synthetic national set (every territorial force, ``--months`` months; at scale 1 it
is well over 5 million rows across street, outcomes and stop-and-search), then loads the same
CSV files three ways, each in its own process so that peak memory is its own:

- openpeel: ``openpeel.ingest`` (header checks, vocabularies, rejects, lineage, partitions);
- floor: DuckDB reading the CSVs straight to one Parquet file per kind, columns given, no checks;
- pandas: ``pandas.read_csv`` + ``DataFrame.to_parquet`` per file (the common baseline).

Prints wall time and peak RSS of each and the ratios. Targets (issue 2): openpeel within 1.5x of
the floor, at least 3x faster than pandas, peak memory under 2 GB. Absolute times on a shared
machine mislead; the ratios are the result.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = """
import duckdb, sys, pathlib
from openpeel.sources.policeuk_archive import HEADERS, raw_name
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
con = duckdb.connect()
for kind, schema in (("street", "street"), ("outcomes", "outcomes"),
                     ("stop-and-search", "stop_search")):
    files = [str(p) for p in sorted(root.rglob(f"*-{kind}.csv"))]
    cols = "{" + ", ".join(f"'{raw_name(h)}': 'VARCHAR'" for h in HEADERS[schema]) + "}"
    con.execute(f"COPY (SELECT * FROM read_csv({files!r}, columns={cols}, header=true, "
                f"auto_detect=false)) TO '{out / kind}.parquet' (FORMAT parquet, COMPRESSION zstd)")
"""

PANDAS = """
import pandas as pd, sys, pathlib
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for i, p in enumerate(sorted(root.rglob("*.csv"))):
    pd.read_csv(p, dtype=str).to_parquet(out / f"{i}.parquet")
"""

OPENPEEL = """
import sys, json, openpeel
report = openpeel.ingest([sys.argv[1]], sys.argv[2])
print(json.dumps(report.totals()))
"""


def peak_of(code: str, *args: str) -> tuple[float, float, str]:
    """Run a script in a fresh interpreter: (seconds, its own peak RSS in MB, stdout)."""
    wrapper = (
        "import resource, runpy, sys, time\n"
        f"code = {code!r}\n"
        "t = time.perf_counter(); exec(compile(code, 'bench', 'exec'), {'__name__': '__main__'})\n"
        "sys.stderr.write('%f %d\\n' % (time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *args], check=True, capture_output=True, text=True
    )
    seconds, rss = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(rss) / 1024, done.stdout


def main() -> None:
    """Generate the data, run the three loads, print the table of ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--skip-pandas", action="store_true")
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

    results: dict[str, tuple[float, float]] = {}
    s, mb, _ = peak_of(FLOOR, str(archive), str(work / "floor"))
    results["floor (DuckDB CSV->Parquet, no checks)"] = (s, mb)
    s, mb, out = peak_of(OPENPEEL, str(archive), str(work / "lake"))
    results["openpeel ingest"] = (s, mb)
    totals = json.loads(out.strip().splitlines()[-1])
    if not args.skip_pandas:
        s, mb, _ = peak_of(PANDAS, str(archive), str(work / "pandas"))
        results["pandas read_csv + to_parquet"] = (s, mb)

    floor = results["floor (DuckDB CSV->Parquet, no checks)"][0]
    mine = results["openpeel ingest"][0]
    print(f"{'method':42} {'seconds':>9} {'peak MB':>9} {'rows/s':>11} {'vs openpeel':>12}")
    for name, (s, mb) in results.items():
        print(f"{name:42} {s:9.1f} {mb:9.0f} {rows / s:11,.0f} {s / mine:11.2f}x")
    print(f"\nopenpeel / floor = {mine / floor:.2f} (target <= 1.5)")
    if not args.skip_pandas:
        pandas = results["pandas read_csv + to_parquet"][0]
        print(f"pandas / openpeel = {pandas / mine:.2f} (target >= 3)")
    print(f"openpeel peak memory = {results['openpeel ingest'][1]:.0f} MB (target < 2048)")
    print(f"openpeel totals: {totals}")


if __name__ == "__main__":
    main()
