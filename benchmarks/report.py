"""``openpeel report`` for a force-year, HTML and PDF, against WeasyPrint writing a one-page PDF.

Each case runs in a fresh interpreter (imports included, as a user waits for them), interleaved
with the baseline, ``--repeat`` times: the baseline is a child that imports WeasyPrint and turns
a one-page static HTML file into a PDF, the floor of any report with a PDF. The table gives the
median wall and CPU seconds of each case and the wall time as a ratio to the baseline, then the
stages of the last run (the lake's provenance, each section's indicators, the assessment, the
HTML, laying out and writing the PDF) with their wall and CPU seconds, so that what remains slow
is named.

Before the timed runs each lake's stored views are prepared (``report.stored_views.warm``, what
``openpeel ingest``, ``official load`` and the demo do after a load; the seconds it takes are
printed): the report reads them, as it does after a user's load, and computes only what is not
stored. ``--cold`` removes them before every run instead, to time the report computing everything.

Lakes: the demo (``--demo-dir``; built there with ``build_demo`` when it holds no lake yet) and,
when the shared real data is present (``--shared-data``, default ``../shared/data`` beside the
checkout), West Yorkshire's stop and search for 2020/21 with the census population and every
official file (``--real-dir``; loaded there with the CLI when it holds no lake yet).

Target (issue "Fast where people wait"): ``openpeel report`` <= 5 s for a force-year, PDF
included. CPU seconds are printed beside wall seconds: on a machine shared with other work the
wall time is mostly waiting for a core.

Usage: ``python benchmarks/report.py [--repeat 1] [--cold] [--demo-dir DIR] [--real-dir DIR]``.
Not a test: nothing here asserts on time.
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
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUN_CLI = (
    "import sys; from openpeel.cli import main; sys.argv = ['openpeel', *sys.argv[1:]]; main()"
)
TARGET_S = 5.0

#: A child that writes the report the way ``openpeel report`` does and prints, as JSON, each
#: stage's wall and CPU seconds (from the library's progress callbacks) and the totals.
REPORT_CHILD = textwrap.dedent(
    """
    import json, sys, time
    began, began_cpu = time.perf_counter(), time.process_time()
    stages = []
    def stage(what, *_):
        stages.append([what, time.perf_counter(), time.process_time()])
    stage("Importing openpeel")
    from openpeel.calendar import Period
    from openpeel.report import build_report, write_html, write_pdf
    data_dir, force_id, fy, out, pdf = sys.argv[1:6]
    report = build_report(data_dir, force_id, Period.financial_year(fy), progress=stage)
    stage("Writing the HTML")
    write_html(report, out)
    if pdf != "-":
        write_pdf(report, pdf, progress=stage)
    stage("end")
    rows = [
        [s[0], round(n[1] - s[1], 3), round(n[2] - s[2], 3)]
        for s, n in zip(stages, stages[1:])
    ]
    print(json.dumps({
        "wall": time.perf_counter() - began,
        "cpu": time.process_time() - began_cpu,
        "stages": rows,
    }))
    """
)

#: The baseline: WeasyPrint imported and one static page written as a PDF.
BASELINE_CHILD = textwrap.dedent(
    """
    import json, sys, time
    began, began_cpu = time.perf_counter(), time.process_time()
    from weasyprint import HTML
    page = "<h1>One page</h1>" + "<p>A paragraph of plain text for the baseline page.</p>" * 20
    HTML(string="<!doctype html><html><body>" + page + "</body></html>").write_pdf(sys.argv[1])
    print(json.dumps({"wall": time.perf_counter() - began, "cpu": time.process_time() - began_cpu}))
    """
)


def run_child(code: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"child exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cli(data_dir: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):  # 1: some file was not loadable (named in the output)
        raise SystemExit(f"openpeel {args[0]} exited {done.returncode}: {done.stderr[-2000:]}")


def demo_lake(where: Path) -> Path:
    if not (where / "lake").exists():
        from openpeel.demo import build_demo

        print(f"building the demo in {where} ...", file=sys.stderr)
        build_demo(where)
    return where


def real_lake(where: Path, shared: Path) -> Path:
    if not (where / "lake").exists():
        print(f"loading West Yorkshire 2020/21 into {where} ...", file=sys.stderr)
        months = [f"2020-{m:02d}" for m in range(4, 13)] + [f"2021-{m:02d}" for m in (1, 2, 3)]
        files = [
            str(f)
            for month in months
            for f in sorted((shared / "policeuk").glob(f"*/{month}/{month}-west-yorkshire-stop*"))
        ]
        cli(where, "ingest", *files)
        census = shared / "census2021"
        cli(
            where,
            "population",
            "load",
            str(census / "ts021-ethnic-group-by-ltla.csv"),
            str(census / "lad22-csp22-pfa22-lookup.csv"),
        )
        cli(where, "official", "load", *map(str, sorted((shared / "official").glob("*/*"))))
    return where


def prepare_views(where: Path) -> float:
    """Prepare the lake's stored views as a load does; the seconds it took."""
    code = "import sys, time; t = time.perf_counter(); from openpeel.report.stored_views import "
    code += "warm; warm(sys.argv[1]); print(time.perf_counter() - t)"
    done = subprocess.run(
        [sys.executable, "-c", code, str(where)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"preparing the stored views failed: {done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="remove the stored views each run")
    parser.add_argument("--demo-dir", type=Path)
    parser.add_argument("--real-dir", type=Path)
    parser.add_argument("--shared-data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="openpeel-report-bench-"))
    lakes = {"demo west-midlands 2021/22": (demo_lake(args.demo_dir or scratch / "demo"),
                                            "west-midlands", "2021/22")}  # fmt: skip
    if (args.shared_data / "policeuk").is_dir():
        lakes["real west-yorkshire 2020/21"] = (
            real_lake(args.real_dir or scratch / "real", args.shared_data),
            "west-yorkshire",
            "2020/21",
        )
    else:
        print(f"(no real data at {args.shared_data}: the demo only)", file=sys.stderr)
    for name, (where, _force_id, _fy) in lakes.items():
        if not args.cold:
            print(f"stored views of {name}: {prepare_views(where):.1f} s", file=sys.stderr)
    cases: dict[str, tuple[str, ...]] = {"baseline: WeasyPrint, one-page PDF": ()}
    for name, (where, force_id, fy) in lakes.items():
        for kind in ("HTML", "HTML + PDF"):
            pdf = str(scratch / "report.pdf") if kind.endswith("PDF") else "-"
            cases[f"{name}, {kind}"] = (str(where), force_id, fy, str(scratch / "r.html"), pdf)
    runs: dict[str, list[dict]] = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, child_args in cases.items():  # interleaved: load hits every case alike
            if child_args:
                if args.cold:
                    shutil.rmtree(Path(child_args[0]) / "_views", ignore_errors=True)
                runs[name].append(run_child(REPORT_CHILD, *child_args))
            else:
                runs[name].append(run_child(BASELINE_CHILD, str(scratch / "baseline.pdf")))
    base = statistics.median(r["wall"] for r in runs[next(iter(cases))])
    print(f"{'case':52} {'wall s':>7} {'cpu s':>7} {'x base':>7}")
    for name, values in runs.items():
        wall = statistics.median(r["wall"] for r in values)
        cpu = statistics.median(r["cpu"] for r in values)
        print(f"{name:52} {wall:7.2f} {cpu:7.2f} {wall / base:7.1f}")
    for name, values in runs.items():
        if "stages" not in values[-1]:
            continue
        print(f"\nstages of the last run, {name} (wall s, cpu s)")
        for what, wall, cpu in values[-1]["stages"]:
            print(f"  {what:50} {wall:7.2f} {cpu:7.2f}")
    print(
        f"\n(median of {args.repeat} interleaved run(s); load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; stored views "
        f"{'removed before each run' if args.cold else 'prepared'}; target: report with PDF "
        f"<= {TARGET_S:.0f} s)"
    )


if __name__ == "__main__":
    main()
