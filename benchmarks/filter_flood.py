"""Fairness under a flood of new views: does one busy client slow the login page for everyone?

Starts ``openpeel serve`` on loopback over a data directory (as ``benchmarks/web.py`` does),
then measures a probe requesting ``/login`` one request at a time:

1. idle: the probe alone;
2. flood: the probe while ``--clients`` anonymous clients (60 by default) keep asking the stop
   and search explorer for views nobody asked for before: new periods and filter values, some
   real, some made up.

Prints the probe's p50/p95 in both phases and their ratio (the baseline is the idle phase of the
same run), and what the flooding clients got back (200 computed, 400 refused values, 429 over
their allowance). Target: the probe's p95 under the flood within 3x its idle p95. Not a test:
nothing here asserts.

    .venv/bin/python benchmarks/filter_flood.py [--data-dir demo-data] [--clients 60]
        [--seconds 20] [--force west-midlands]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import random
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from web import free_port, start_server, wait_ready

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


async def flood(
    base: str, urls: itertools.cycle[str], clients: int, seconds: float
) -> collections.Counter[str]:
    """Clients without cookies asking for new views in a closed loop; their status codes."""
    statuses: collections.Counter[str] = collections.Counter()
    stop = time.monotonic() + seconds

    async def one() -> None:
        async with httpx.AsyncClient(timeout=60.0) as client:
            while time.monotonic() < stop:
                try:
                    r = await client.get(f"{base}{next(urls)}")
                    statuses[str(r.status_code)] += 1
                except httpx.HTTPError as error:
                    statuses[type(error).__name__] += 1
                client.cookies.clear()  # anonymous: a fresh visitor every time

    await asyncio.gather(*(one() for _ in range(clients)))
    return statuses


async def main_async(args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    months = months_between(args.start, args.end)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(args.data_dir.resolve(), port, Path(tmp) / "bench.db")
        try:
            await wait_ready(base)
            async with httpx.AsyncClient(timeout=60.0) as client:
                (await client.get(f"{base}/login")).raise_for_status()  # warm
            idle = await probe(base, args.idle_seconds)
            urls = new_views(args.force, months, seed=7)
            busy, statuses = await asyncio.gather(
                probe(base, args.seconds), flood(base, urls, args.clients, args.seconds)
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:  # threads stuck behind a lock: stop it anyway
                server.kill()
                server.wait(timeout=10)
    print(f"probe GET /login; {args.clients} flooding clients; loopback; latency in ms")
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
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 120:
        parser.error("--clients must be 1..200 and --seconds 0..120 (bounded)")
    if not (args.data_dir / "lake").exists():
        from openpeel.demo import build_demo

        print(f"no lake in {args.data_dir}: building the SYNTHETIC demo there first")
        build_demo(args.data_dir)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
