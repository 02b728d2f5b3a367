"""``openpeel serve --workers N``: every worker process serves the workspace the command resolved
(options over environment), handed to it with the app factory, never through the environment."""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.cli import scrutiny as cli_scrutiny

#: The settings that serve used to hand to its workers through the environment.
HANDED_OVER = ("OPENPEEL_DATA_DIR", "OPENPEEL_DATABASE_URL")


def test_each_worker_builds_its_app_from_the_resolved_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in HANDED_OVER:
        monkeypatch.delenv(name, raising=False)
    started: list[Any] = []
    monkeypatch.setattr(cli_scrutiny, "run_workers", started.append)
    data_dir, db = tmp_path / "data", tmp_path / "chosen.db"
    result = CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(data_dir),
            "serve",
            "--workers",
            "3",
            "--https",
            "--database-url",
            f"sqlite:///{db}",
        ],
    )
    assert result.exit_code == 0, result.output
    (config,) = started
    assert config.workers == 3 and config.factory
    assert not [name for name in HANDED_OVER if name in os.environ]  # nothing left behind
    # What uvicorn does for each process it starts: the factory travels pickled, and the
    # worker's environment no longer matters.
    monkeypatch.setenv("OPENPEEL_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("OPENPEEL_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    app = pickle.loads(pickle.dumps(config.app))()
    assert app.state.data_dir == data_dir
    assert app.state.workspace.database_url == f"sqlite:///{db}"
    assert str(app.state.engine.url) == f"sqlite:///{db}"
    assert app.state.https_only is True
    app.state.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_workers_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPEEL_")}
    env["OPENPEEL_WEB_COMPUTE_PROCESSES"] = "0"  # no compute workers to start in this test
    exe = Path(sys.executable).with_name("openpeel")
    args = ["--data-dir", str(tmp_path), "serve", "--workers", "2", "--port", str(port)]
    server = subprocess.Popen(
        [str(exe), *args, "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        answered = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                answered = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert answered is not None, server.stderr.read().decode() if server.stderr else ""
        assert answered.status_code == 200
        assert "Log in" in answered.text or "login" in answered.text.lower()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
