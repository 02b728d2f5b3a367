"""Official statistics benchmark: ``openpeel official load`` of every published file against
reading the same sheets with pandas, side by side.

    python benchmarks/official.py [--data ../shared/data/official] [--repeat 2]

openpeel: read every workbook with python-calamine and the long CSV files with pyarrow, turn
them into tidy rows (areas recognised, markers typed, lineage kept) and load them into a fresh
lake. Baseline: ``pandas.read_excel(sheet_name=None)`` of the same workbooks (odf engine for
ODS, openpyxl for XLSX) and ``pandas.read_csv`` of the CSV files: only reading the cells, no
tidying and no writing, so the baseline does less work than openpeel. Prints the best wall time
of each and the ratio baseline / openpeel (above 1: openpeel is faster), per format and in
total. Absolute times on a shared machine mislead; the ratios are the result.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from openpeel.store.official import load_official

FOLDERS = (
    "ons-recorded-crime",
    "home-office-outcomes",
    "home-office-use-of-force",
    "home-office-workforce",
    "hmicfrs-vfm",
)


def best_of(repeat: int, task: Callable[[], object]) -> float:
    """Best wall time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return min(times)


def pandas_read(files: list[Path]) -> int:
    """Read every sheet (or CSV) with pandas; returns the cells read."""
    cells = 0
    for path in files:
        name = path.name.lower()
        if name.endswith((".csv", ".csv.gz")):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            cells += frame.size
            continue
        engine = "odf" if name.endswith(".ods") else "openpyxl"
        for frame in pd.read_excel(path, sheet_name=None, header=None, engine=engine).values():
            cells += frame.size
    return cells


def openpeel_load(files: list[Path]) -> int:
    """Load every file into a fresh lake; returns the figures loaded."""
    with tempfile.TemporaryDirectory() as work:
        report = load_official(files, Path(work))
    return sum(f.figures for f in report.files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "official"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    files = sorted(p for f in FOLDERS for p in (args.data / f).glob("*") if p.is_file())
    if not files:
        raise SystemExit(f"no published files under {args.data}")
    groups = {
        "ODS workbooks": [p for p in files if p.suffix == ".ods"],
        "XLSX workbooks": [p for p in files if p.suffix == ".xlsx"],
        "CSV files": [p for p in files if p.name.endswith((".csv", ".csv.gz"))],
        "all files": files,
    }
    print(f"{'files':16} {'n':>3} {'openpeel s':>11} {'pandas s':>9} {'ratio':>6}  figures")
    for label, chosen in groups.items():
        if not chosen:
            continue
        figures = openpeel_load(chosen)
        ours = best_of(args.repeat, lambda chosen=chosen: openpeel_load(chosen))
        theirs = best_of(args.repeat, lambda chosen=chosen: pandas_read(chosen))
        print(
            f"{label:16} {len(chosen):>3} {ours:>11.2f} {theirs:>9.2f} {theirs / ours:>6.1f}  "
            f"{figures:,}"
        )
    print("ratio = pandas read_excel/read_csv time / openpeel read + tidy + load time")


if __name__ == "__main__":
    main()
