"""Fixtures of the scrutiny tests: a migrated database on SQLite and (when set up) PostgreSQL."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from openpeel.scrutiny import users
from tests.scrutiny.world import World, build_world, database_urls, fresh_engine

warnings.filterwarnings("ignore", message=".*httpx2.*")


@pytest.fixture(autouse=True, scope="session")
def _fast_hashes() -> Iterator[None]:
    """Cheaper argon2 parameters in tests (same algorithm, same code path)."""
    original = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    users._DUMMY_HASH = users._hasher.hash("dummy")
    yield
    users._hasher = original


@pytest.fixture(params=database_urls())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated empty database, once per backend."""
    eng = fresh_engine(request.param, tmp_path)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module", params=database_urls())
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """A populated world shared by a module's tests (read-mostly), once per backend."""
    folder = tmp_path_factory.mktemp("world")
    eng = fresh_engine(request.param, folder)
    built = build_world(eng, folder)
    yield built
    eng.dispose()
