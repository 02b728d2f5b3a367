"""Fairness under a flood of new views: does one busy client slow the login page for everyone?

Starts ``openpeel serve`` on loopback over a data directory (as ``benchmarks/web.py`` does),
then measures a probe requesting ``/login`` one request at a time:

1. idle: the probe alone;
2. flood: the probe while ``--clients`` anonymous clients (60 by default) keep asking the stop
   and search explorer for views nobody asked for before: new periods and filter values, some
   real, some made up.

The flooding clients run in their own process pinned to their own core (the last this process
may use; the server and its compute workers get the others), the probe in this process on the
same core: neither's work is counted as the server's. Prints the probe's p50/p95 in both phases
and their ratio (the baseline is the idle phase of the same run), and what the flooding clients
got back (200 computed, 400 refused values, 429 over their allowance, 503 busy). Target: the
probe's p95 under the flood within 3x its idle p95. Not a test: nothing here asserts.

``--distinct-addresses`` makes the flooding clients 60 different visitors (the server trusts
loopback as a proxy and each client names its own address in ``X-Forwarded-For``), so that the
per-client allowance cannot hold them back: only the bounded compute pool can.
``--compute-processes 0`` computes views in the server's own process (as before the compute
pool), for a before/after comparison.

    .venv/bin/python benchmarks/filter_flood.py [--data-dir demo-data] [--clients 60]
        [--seconds 20] [--force west-midlands] [--compute-processes 2] [--distinct-addresses]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from web import free_port, in_pinned_process, split_cores, start_server, wait_ready

FILTERS = {
    "legislation": ["pace_s1", "mda_s23", "cjpoa_s60", "firearms_s47"],
    "sex": ["male", "female"],
    "outcome": ["arrest", "no_further_action", "out_of_court", "summons"],
    "age": ["10_17", "18_24", "25_34", "over_34"],
}


def months_between(start: str, end: str) -> list[str]:
    """The months from start to end (YYYY-MM), inclusive."""
    year, month = map(int, start.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def new_views(force_id: str, months: list[str], seed: int) -> itertools.cycle[str]:
    """Explorer URLs in an order no cache has seen: every period within the months, each with a
    real or a made-up filter value."""
    rng = random.Random(seed)
    periods = [(a, b) for i, a in enumerate(months) for b in months[i:]]
    urls = []
    for n, (start, end) in enumerate(periods * 4):
        name = rng.choice(list(FILTERS))
        value = rng.choice(FILTERS[name]) if n % 3 else f"made_up_{n}"
        urls.append(f"/stop-search?force={force_id}&from={start}&to={end}&{name}={value}")
    rng.shuffle(urls)
    return itertools.cycle(urls)


async def probe(base: str, seconds: float) -> np.ndarray:
    """Request /login one at a time for seconds; latencies in ms."""
    latencies = []
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=60.0) as client:
        while time.monotonic() < stop:
            began = time.perf_counter()
            (await client.get(f"{base}/login")).raise_for_status()
            latencies.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(0.05)
    return np.array(latencies)


def flood_in_process(
    base: str, force_id: str, months: list[str], clients: int, seconds: float, distinct: bool
) -> collections.Counter[str]:
    """``flood`` run to the end in this process (the load generator's entry point)."""
    urls = new_views(force_id, months, seed=7)
    return asyncio.run(flood(base, urls, clients, seconds, distinct))


async def flood(
    base: str, urls: itertools.cycle[str], clients: int, seconds: float, distinct: bool = False
) -> collections.Counter[str]:
    """Clients without cookies asking for new views in a closed loop; their status codes.
    ``distinct``: each client names its own address (documentation range) to the server."""
    statuses: collections.Counter[str] = collections.Counter()
    stop = time.monotonic() + seconds

    async def one(n: int) -> None:
        headers = {"X-Forwarded-For": f"198.51.100.{n % 250 + 1}"} if distinct else {}
        async with httpx.AsyncClient(timeout=60.0, headers=headers) as client:
            while time.monotonic() < stop:
                try:
                    r = await client.get(f"{base}{next(urls)}")
                    statuses[str(r.status_code)] += 1
                except httpx.HTTPError as error:
                    statuses[type(error).__name__] += 1
                client.cookies.clear()  # anonymous: a fresh visitor every time

    await asyncio.gather(*(one(n) for n in range(clients)))
    return statuses


async def main_async(args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    months = months_between(args.start, args.end)
    server_cores, load_cores = split_cores()
    os.sched_setaffinity(0, load_cores)  # the probe
    print(f"server on cores {sorted(server_cores)}, clients on {sorted(load_cores)}")
    with tempfile.TemporaryDirectory() as tmp, in_pinned_process(load_cores) as load:
        server = start_server(
            args.data_dir.resolve(),
            port,
            Path(tmp) / "bench.db",
            cores=server_cores,
            env_extra={
                "OPENPEEL_WEB_COMPUTE_PROCESSES": str(args.compute_processes),
                "OPENPEEL_TRUSTED_PROXIES": "127.0.0.1" if args.distinct_addresses else "",
            },
        )
        try:
            await wait_ready(base)
            async with httpx.AsyncClient(timeout=60.0) as client:
                (await client.get(f"{base}/login")).raise_for_status()  # warm
            idle = await probe(base, args.idle_seconds)
            flooding = load.apply_async(
                flood_in_process,
                (base, args.force, months, args.clients, args.seconds, args.distinct_addresses),
            )
            busy = await probe(base, args.seconds)
            statuses = flooding.get(timeout=args.seconds + 120)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:  # threads stuck behind a lock: stop it anyway
                server.kill()
                server.wait(timeout=10)
    print(
        f"probe GET /login; {args.clients} flooding clients "
        f"({'distinct addresses' if args.distinct_addresses else 'one address'}); "
        f"{args.compute_processes} compute process(es); loopback; latency in ms"
    )
    print(f"{'phase':<10}{'requests':>9}{'p50':>9}{'p95':>9}")
    for name, ms in (("idle", idle), ("flood", busy)):
        print(f"{name:<10}{len(ms):>9}{np.percentile(ms, 50):>9.1f}{np.percentile(ms, 95):>9.1f}")
    ratio = float(np.percentile(busy, 95) / np.percentile(idle, 95))
    print(f"flooding clients got: {dict(sorted(statuses.items()))}")
    verdict = "met" if ratio <= 3 else "NOT met"
    print(f"probe p95 flood/idle: {ratio:.2f}x (target within 3x: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--data-dir", type=Path, default=Path("demo-data"))
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--force", default="west-midlands")
    parser.add_argument("--start", default="2021-10", help="First month of the views asked for.")
    parser.add_argument("--end", default="2022-03", help="Last month of the views asked for.")
    parser.add_argument(
        "--compute-processes",
        type=int,
        default=2,
        help="The server's compute worker processes (0: compute in the server's process).",
    )
    parser.add_argument(
        "--distinct-addresses",
        action="store_true",
        help="Each flooding client a different visitor (X-Forwarded-For from trusted loopback).",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 120:
        parser.error("--clients must be 1..200 and --seconds 0..120 (bounded)")
    if not 0 <= args.compute_processes <= 8:
        parser.error("--compute-processes must be 0..8")
    if not (args.data_dir / "lake").exists():
        from openpeel.demo import build_demo

        print(f"no lake in {args.data_dir}: building the SYNTHETIC demo there first")
        build_demo(args.data_dir)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
