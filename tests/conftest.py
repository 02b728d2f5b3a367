"""Shared test helpers: tiny police.uk files written inline, and the real data folder."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from openpeel.sources.policeuk_archive import HEADERS

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    """The real data folder (../shared/data beside the checkout, or $OPENPEEL_SHARED_DATA)."""
    env = os.environ.get("OPENPEEL_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def write_police_csv(
    folder: Path,
    name: str,
    rows: Sequence[str],
    schema: str | None = None,
    newline: str = "\n",
    header: str | None = None,
) -> Path:
    """Write a police.uk-style CSV at ``folder/<month>/<name>`` (month from the name)."""
    if schema is None:
        schema = (
            "stop_search"
            if name.endswith("stop-and-search.csv")
            else "outcomes"
            if name.endswith("outcomes.csv")
            else "street"
        )
    head = header if header is not None else ",".join(HEADERS[schema])
    path = folder / name[:7] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(newline.join([head, *rows]).encode() + newline.encode())
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory for one test."""
    d = tmp_path / "data"
    d.mkdir()
    return d
