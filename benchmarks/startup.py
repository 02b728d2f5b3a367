"""Command start-up: ``openpeel --help`` and every command's ``--help`` against ``python -c pass``.

Each command runs in a fresh interpreter, interleaved with the baseline, ``--repeat`` times;
the table gives the median wall time, the peak resident memory of the child process and both as
ratios to the baseline (the same interpreter doing nothing), plus the same for importing every
command module at once: what ``openpeel --help`` cost when listing the commands imported them.

Targets (issue "Fast where people wait"): ``--help`` <= 0.3 s and <= 80 MB resident.

Usage: ``python benchmarks/startup.py [--repeat 5]`` (needs GNU ``time``, as in most Linux
distributions, for the memory figure). Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from openpeel.cli import COMMAND_MODULES

EVERY_MODULE = "; ".join(f"import openpeel.cli.{m}" for m in sorted(set(COMMAND_MODULES.values())))
RUN_CLI = (
    "import sys; from openpeel.cli import main; sys.argv = ['openpeel', *sys.argv[1:]]; main()"
)
TIME = shutil.which("time") or "/usr/bin/time"
BASELINE = "python -c pass (baseline)"
CASES: dict[str, list[str]] = {
    BASELINE: [sys.executable, "-c", "pass"],
    "openpeel --help": [sys.executable, "-c", RUN_CLI, "--help"],
    **{
        f"openpeel {name} --help": [sys.executable, "-c", RUN_CLI, name, "--help"]
        for name in sorted(COMMAND_MODULES)
    },
    "openpeel stop-search rates --help": [
        sys.executable, "-c", RUN_CLI, "stop-search", "rates", "--help"
    ],
    "import every command module": [sys.executable, "-c", EVERY_MODULE],
}  # fmt: skip
#: The targets of the issue, for the verdict line.
TARGET_S, TARGET_MB = 0.3, 80.0


def measure(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak resident MB and CPU seconds (user + system) of one run of ``argv``.

    The peak comes from GNU ``time`` (a small process) rather than from this one's rusage:
    Linux carries a process's high-water mark across ``exec``, so a child forked from this
    interpreter would report at least this interpreter's own size.
    """
    start = time.perf_counter()
    done = subprocess.run(
        [TIME, "-f", "%M %U %S", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-300:]}")
    kb, user, system = done.stderr.strip().splitlines()[-1].split()
    return seconds, int(kb) / 1024, float(user) + float(system)  # %M is in KB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in CASES}
    for _ in range(args.repeat):
        for name, argv in CASES.items():  # interleaved: load on the machine hits all alike
            runs[name].append(measure(argv))
    base_s, base_mb, base_cpu = (statistics.median(r[i] for r in runs[BASELINE]) for i in range(3))
    base_cpu = max(base_cpu, 0.01)  # GNU time counts CPU in hundredths: 'pass' may read 0
    print(
        f"{'command':40} {'median s':>9} {'x base':>7} {'CPU s':>6} {'x base':>7} "
        f"{'peak MB':>8} {'x base':>7}"
    )
    worst_s, worst_mb, worst_cpu = 0.0, 0.0, 0.0
    for name, values in runs.items():
        s, mb, cpu = (statistics.median(v[i] for v in values) for i in range(3))
        print(
            f"{name:40} {s:9.3f} {s / base_s:7.1f} {cpu:6.3f} {cpu / base_cpu:7.1f} "
            f"{mb:8.1f} {mb / base_mb:7.1f}"
        )
        if name.endswith("--help"):
            worst_s, worst_mb, worst_cpu = max(worst_s, s), max(worst_mb, mb), max(worst_cpu, cpu)
    print(f"(median of {args.repeat} interleaved runs; load average {os.getloadavg()[0]:.1f})")
    print(
        f"slowest --help: {worst_s:.3f} s ({worst_s / base_s:.1f}x python -c pass), "
        f"{worst_mb:.1f} MB; target <= {TARGET_S} s and <= {TARGET_MB:.0f} MB: "
        f"{'met' if worst_s <= TARGET_S and worst_mb <= TARGET_MB else 'missed'}"
    )
    # On a machine other work keeps busy, wall time is mostly waiting for a core; the CPU the
    # command itself uses is what an idle machine's wall time comes to.
    print(
        f"most CPU of a --help: {worst_cpu:.3f} s ({worst_cpu / base_cpu:.1f}x python -c pass); "
        f"target <= {TARGET_S} s: {'met' if worst_cpu <= TARGET_S else 'missed'}"
    )


if __name__ == "__main__":
    main()
