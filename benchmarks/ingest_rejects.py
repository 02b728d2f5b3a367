"""Rejects benchmark: peak memory of loading a file of bad rows against a file of good rows.

    python benchmarks/ingest_rejects.py [--rows 600000]

Writes two synthetic street files of the same number of rows (made up, not real crimes): one
of loadable rows, one of rows that cannot be split into columns (``x``), and loads each in its
own process, so that peak memory (VmHWM) is its own. A file of bad rows once peaked at 7.4 GB
for 600,000 rows (issue 21); it is now refused as not a street file with a count, and memory
stays flat. Target: bad / good peak memory <= 1.5. Absolute numbers on a shared machine
mislead; the ratio is the result.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOAD = """
import json, pathlib, sys
import openpeel
report = openpeel.ingest([sys.argv[1]], sys.argv[2])
status = pathlib.Path("/proc/self/status").read_text().splitlines()
peak = int(next(x for x in status if x.startswith("VmHWM:")).split()[1]) / 1024
print(json.dumps({"peak_mb": peak, **report.totals(),
                  "refused": [f.reason for f in report.refused]}))
"""


def write(folder: Path, rows: int, bad: bool) -> Path:
    """A synthetic street file of ``rows`` rows, loadable or not."""
    from openpeel.sources.policeuk_archive import HEADERS

    path = folder / "2021-08" / "2021-08-kent-street.csv"
    path.parent.mkdir(parents=True)
    good = (
        "{:064x},2021-08,Kent Police,Kent Police,0.52,51.27,On or near Synthetic Street,"
        "E01024000,Maidstone 001A,Burglary,Under investigation,\n"
    )
    with path.open("w") as fh:
        fh.write(",".join(HEADERS["street"]) + "\n")
        for i in range(rows):
            fh.write("x\n" if bad else good.format(i))
    return path


def load(source: Path, lake: Path) -> tuple[float, dict[str, object]]:
    """Load in a fresh interpreter: (seconds, its report and peak memory)."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(source), str(lake)],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - t, json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Write both files, load each, print peak memory and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="openpeel-rejects-"))
    results = {}
    for name, bad in (("good rows", False), ("bad rows", True)):
        write(work / name.replace(" ", "-"), args.rows, bad)
        seconds, out = load(work / name.replace(" ", "-"), work / f"lake-{bad}")
        results[name] = (seconds, out)
        print(f"{name:10} {seconds:7.1f} s {out['peak_mb']:8.0f} MB  {out}")
    ratio = results["bad rows"][1]["peak_mb"] / results["good rows"][1]["peak_mb"]  # type: ignore[operator]
    print(f"\npeak memory, bad / good = {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
