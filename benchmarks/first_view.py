"""First view of every public page after a load, against a static page in the same run.

Each page is asked once from a freshly started ``openpeel serve`` (nothing in its memory), so
every figure is a page's true first view. The baseline is the static page (``/static-check``,
no data behind it) asked right after, on the same server. Two states of the data directory:

- ``not warmed``: the stored views removed (what a page cost when it computed everything per
  request, and what it costs when a load's warm-up did not run);
- ``after a load``: the stored views as the load commands leave them (every load command and
  the demo prepare them: ``openpeel.web.public_data.prepare``).

The server runs with ``--no-prepare-views`` (its background preparation would otherwise fill
the ``not warmed`` state while it is measured).

Target (issue "Fast where people wait"): every page's first view <= 1 s. Not a test: nothing
here asserts.

    .venv/bin/python benchmarks/first_view.py [--data-dir demo-data] [--data-dir real-lake]
        [--only-warm] [--one-server]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from openpeel.report import stored_views
from openpeel.web import public_data

#: Pages a visitor opens without logging in (each area page is added from the overview's links).
PAGES = list(public_data.PREPARED_PAGES)
TARGET_SECONDS = 1.0
USER, PASSWORD = "bench-admin", "first-view-benchmark-pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def openpeel_exe() -> str:
    return str(Path(sys.executable).with_name("openpeel"))


def prepare_database(data_dir: Path, db: Path) -> dict[str, str]:
    """A throwaway operational database with one administrator (for /assess)."""
    env = {**os.environ, "OPENPEEL_DATABASE_URL": f"sqlite:///{db}"}
    base = [openpeel_exe(), "--data-dir", str(data_dir)]
    subprocess.run([*base, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*base, "users", "add", USER, "--password-stdin"],
        env=env,
        input=f"{PASSWORD}\n".encode(),
        check=True,
        capture_output=True,
    )
    return env


def serve(data_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    argv = [openpeel_exe(), "--data-dir", str(data_dir), "serve", "--no-prepare-views"]
    server = subprocess.Popen(
        [*argv, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the server did not start")


def login(client: httpx.Client, base: str) -> None:
    form = client.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    client.post(
        f"{base}/login",
        data={
            "username": USER,
            "password": PASSWORD,
            "next": "/scrutiny",
            "csrf_token": token.group(1) if token else "",
        },
    )


def timed_view(
    client: httpx.Client, base: str, path: str, logged_in: list[bool]
) -> tuple[float, float, int]:
    """(view of path, the static page's median of five right after, status) in seconds."""
    if path.startswith("/assess") and not logged_in:
        login(client, base)
        logged_in.append(True)
    began = time.perf_counter()
    status = client.get(f"{base}{path}").status_code
    seconds = time.perf_counter() - began
    statics = []
    for _ in range(5):
        began = time.perf_counter()
        client.get(f"{base}/static-check").raise_for_status()
        statics.append(time.perf_counter() - began)
    return seconds, statistics.median(statics), status


def first_views(data_dir: Path, env: dict[str, str], paths: list[str], one_server: bool) -> Any:
    """Yield (path, first view, static, status): each page on a fresh server, or every page in
    turn on one server (``one_server``: quicker; a later page may then find in memory what an
    earlier one computed)."""
    server = None
    try:
        for path in paths:
            if server is None or not one_server:
                if server is not None:
                    server.terminate()
                    server.wait(timeout=20)
                server, base = serve(data_dir, env)
                client = httpx.Client(timeout=300)
                logged_in: list[bool] = []
            yield (path, *timed_view(client, base, path, logged_in))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)


def area_pages(data_dir: Path, env: dict[str, str]) -> list[str]:
    server, base = serve(data_dir, env)
    try:
        html = httpx.get(f"{base}/overview", timeout=300).text
    finally:
        server.terminate()
        server.wait(timeout=20)
    return sorted(set(re.findall(r'href="(/areas/[a-z_-]+)', html)))


def run(data_dir: Path, only_warm: bool, one_server: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare_database(data_dir, Path(tmp) / "bench.db")
        public_data.prepare(data_dir)
        pages = [*PAGES, *area_pages(data_dir, env), "/assess"]
        states = ["after a load"] if only_warm else ["not warmed", "after a load"]
        how = "one server, pages in turn" if one_server else "a fresh server for each page"
        slowest, statics = 0.0, []
        for state in states:
            if state == "not warmed":
                shutil.rmtree(stored_views.folder(data_dir), ignore_errors=True)
            else:
                public_data.prepare(data_dir)
            print(f"\n{data_dir}, {state}: first view of each page ({how})", flush=True)
            print(f"{'page':<44}{'seconds':>9}{'static ms':>11}{'ratio':>9}")
            for path, seconds, static, status in first_views(data_dir, env, pages, one_server):
                flag = "" if status == 200 else f"  (status {status})"
                print(
                    f"{path:<44}{seconds:>9.2f}{static * 1000:>11.1f}{seconds / static:>8.0f}x"
                    + flag,
                    flush=True,
                )
                statics.append(static)
                if state == "after a load":
                    slowest = max(slowest, seconds)
        print(f"static page (median): {statistics.median(statics) * 1000:.1f} ms")
        verdict = "met" if slowest <= TARGET_SECONDS else "NOT met"
        print(f"slowest first view after a load: {slowest:.2f} s; target <= 1 s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--data-dir", type=Path, action="append")
    parser.add_argument("--only-warm", action="store_true", help="skip the 'not warmed' state")
    parser.add_argument(
        "--one-server", action="store_true", help="every page in turn on one server (quicker)"
    )
    args = parser.parse_args()
    data_dirs = args.data_dir or [Path("demo-data")]
    for data_dir in data_dirs:
        if not (data_dir / "lake").exists():
            from openpeel.demo import build_demo

            print(f"no lake in {data_dir}: building the SYNTHETIC demo there first")
            build_demo(data_dir)
        run(data_dir.resolve(), args.only_warm, args.one_server)


if __name__ == "__main__":
    main()
