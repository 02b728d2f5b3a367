"""Load test of the public pages: 50 concurrent clients against ``openpeel serve`` on loopback.

Starts ``openpeel serve`` on 127.0.0.1 (a free port, a throwaway SQLite database) over a data
directory (default ./demo-data; built with ``openpeel.demo.build_demo`` when it holds no lake),
then runs two bounded phases with httpx and asyncio: the static page (``/static-check``, no data
behind it) and the stop and search explorer with filters cycling through legislation, sex,
ethnicity basis and outcome. Before them, one client asks for each filter set once (filter
changes: views no cache holds) and their p50/p95 is printed; after them, other filter sets are
asked for once, on a server whose compute workers have long started. The load generator runs in
its own process pinned to its own core (the last this process may use; the server and its
compute workers get the others), so that the clients' own work is not counted as the server's.
Prints p50/p95/p99 latency, errors, requests per second, and the explorer/static ratio measured
in the same run. Target: p95 under 300 ms, no errors. Not a test: nothing here asserts.

    .venv/bin/python benchmarks/web.py [--data-dir demo-data] [--clients 50] [--seconds 30]
        [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import multiprocessing.pool
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

EXPLORER_QUERIES = [
    "",
    "legislation=mda_s23",
    "legislation=pace_s1&sex=male",
    "ethnicity=officer_defined",
    "ethnicity=officer_defined&outcome=arrest",
    "sex=female&age=18_24",
    "object=offensive_weapons",
    "legislation=cjpoa_s60&outcome=no_further_action",
]
#: Filter sets no earlier phase asks for (made of the values above), timed once the load phases
#: are over: filter changes on a server whose compute workers have long started.
SETTLED_QUERIES = [
    "sex=female",
    "outcome=arrest",
    "age=18_24",
    "legislation=mda_s23&sex=male",
    "ethnicity=officer_defined&sex=female",
    "legislation=pace_s1&outcome=arrest",
    "object=offensive_weapons&sex=male",
    "legislation=mda_s23&outcome=no_further_action",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def split_cores() -> tuple[set[int], set[int]]:
    """The cores for the server and the core for the load generator: the last core this process
    may use goes to the load generator, the others to the server (both share the one core of a
    single-core machine)."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return set(cores), set(cores)
    return set(cores[:-1]), {cores[-1]}


def in_pinned_process(cores: set[int]) -> multiprocessing.pool.Pool:
    """A one-process pool whose process runs on ``cores`` only (a load generator's)."""
    context = multiprocessing.get_context("spawn")
    return context.Pool(1, initializer=os.sched_setaffinity, initargs=(0, cores))


def start_server(
    data_dir: Path,
    port: int,
    db: Path,
    workers: int = 1,
    cores: set[int] | None = None,
    env_extra: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """``openpeel serve`` on loopback, on ``cores`` (its compute workers too) when given."""
    exe = Path(sys.executable).with_name("openpeel")
    env = {**os.environ, "OPENPEEL_DATABASE_URL": f"sqlite:///{db}", **(env_extra or {})}
    subprocess.run(
        [str(exe), "--data-dir", str(data_dir), "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    return subprocess.Popen(
        [
            str(exe),
            "--data-dir",
            str(data_dir),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-prepare-views",  # prepared before the server starts (as a load leaves them)
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=None if cores is None else lambda: os.sched_setaffinity(0, cores),
    )


async def wait_ready(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the server did not start")


async def phase(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Run clients in a closed loop for seconds; latency percentiles in ms and errors."""
    latencies: list[float] = []
    errors = 0
    cycle = itertools.cycle(paths)
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < stop:
            path = next(cycle)
            began = time.perf_counter()
            try:
                r = await client.get(f"{base}{path}")
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append((time.perf_counter() - began) * 1000)

    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        await asyncio.gather(*(one(client) for _ in range(clients)))
    ms = np.array(latencies)
    return {
        "requests": float(len(ms)),
        "errors": float(errors),
        "rps": len(ms) / seconds,
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
    }


def phase_in_process(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    """``phase`` run to the end in this process (the load generator's entry point)."""
    return asyncio.run(phase(base, paths, clients, seconds))


async def main_async(args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_cores, load_cores = split_cores()
    print(f"server on cores {sorted(server_cores)}, load generator on {sorted(load_cores)}")
    with tempfile.TemporaryDirectory() as tmp, in_pinned_process(load_cores) as load:
        server = start_server(
            args.data_dir.resolve(),
            port,
            Path(tmp) / "bench.db",
            args.workers,
            server_cores,
            {"OPENPEEL_WEB_COMPUTE_PROCESSES": str(args.compute_processes)},
        )
        try:
            await wait_ready(base)
            explorer = [f"/stop-search?{q}" for q in EXPLORER_QUERIES]
            async with httpx.AsyncClient(timeout=120.0) as client:
                # Filter changes: each view asked for the first time, one after another (the
                # first one also starts the server's caches and compute workers: timed apart).
                began = time.perf_counter()
                (await client.get(f"{base}{explorer[0]}")).raise_for_status()
                first = (time.perf_counter() - began) * 1000
                changes = []
                for path in explorer[1:]:
                    began = time.perf_counter()
                    (await client.get(f"{base}{path}")).raise_for_status()
                    changes.append((time.perf_counter() - began) * 1000)
            static = load.apply(
                phase_in_process, (base, ["/static-check"], args.clients, args.static_seconds)
            )
            filtered = load.apply(phase_in_process, (base, explorer, args.clients, args.seconds))
            settled = []
            async with httpx.AsyncClient(timeout=120.0) as client:
                for query in SETTLED_QUERIES:
                    began = time.perf_counter()
                    (await client.get(f"{base}/stop-search?{query}")).raise_for_status()
                    settled.append((time.perf_counter() - began) * 1000)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(
        f"{args.clients} clients, {args.workers} worker(s), {args.compute_processes} compute "
        "process(es), loopback; latency in ms"
    )
    print(f"{'page':<22}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}")
    for name, s in (("static page", static), ("filtered explorer", filtered)):
        print(
            f"{name:<22}{s['requests']:>9.0f}{s['errors']:>7.0f}{s['rps']:>8.0f}"
            f"{s['p50']:>8.1f}{s['p95']:>8.1f}{s['p99']:>8.1f}"
        )
    print(
        f"ratio explorer/static: p50 {filtered['p50'] / static['p50']:.2f}x, "
        f"p95 {filtered['p95'] / static['p95']:.2f}x"
    )
    print(
        f"first explorer view {first:.0f} ms; {len(changes)} filter changes (new views): "
        f"p50 {np.percentile(changes, 50):.0f} ms, p95 {np.percentile(changes, 95):.0f} ms, "
        "right after the server started"
    )
    print(
        f"{len(settled)} filter changes (new views) once the server has settled: "
        f"p50 {np.percentile(settled, 50):.0f} ms, p95 {np.percentile(settled, 95):.0f} ms "
        f"(target p95 <= 300 ms: {'met' if np.percentile(settled, 95) <= 300 else 'NOT met'})"
    )
    ok = filtered["p95"] < 300 and filtered["errors"] == 0
    print(f"target (explorer p95 < 300 ms, no errors): {'met' if ok else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--data-dir", type=Path, default=Path("demo-data"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--static-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1, help="openpeel serve --workers")
    parser.add_argument(
        "--compute-processes",
        type=int,
        default=2,
        help="The server's compute worker processes (0: compute in the server's process).",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 120 or not 1 <= args.workers <= 8:
        parser.error("--clients must be 1..200, --seconds 0..120, --workers 1..8 (bounded)")
    if not 0 <= args.compute_processes <= 8:
        parser.error("--compute-processes must be 0..8")
    if not (args.data_dir / "lake").exists():
        from openpeel.demo import build_demo

        print(f"no lake in {args.data_dir}: building the SYNTHETIC demo there first")
        build_demo(args.data_dir)
    from openpeel.web import public_data

    public_data.prepare(args.data_dir)  # what every load leaves (costs a look when done)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
