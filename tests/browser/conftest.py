"""Browser tests: ONE headless Chromium (Debian's) per test run, the app served by uvicorn on
127.0.0.1 in a background thread, screenshots under test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The one shared browser of the run (skips when Chromium or Playwright is missing)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and downloads go (kept after the run)."""
    folder = ARTIFACTS / "browser"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder
