"""Twenty panel members submitting reviews at once over loopback: every review stored once."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from openpeel.database.engine import session_scope
from openpeel.scrutiny import users
from openpeel.scrutiny.models import AuditEntry, Panel, Review
from openpeel.web.app import create_app
from tests.scrutiny.server import serve
from tests.scrutiny.world import PASSWORD, REVIEW, build_world, database_urls, fresh_engine

MEMBERS = 20
#: The whole run must finish within this many seconds (it takes a few on a laptop).
DEADLINE_SECONDS = 120
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def member_session(
    base: str, username: str, item_ids: list[int], barrier: threading.Barrier
) -> int:
    """Log in, wait for everyone, then submit a review of every item (twice for the first)."""
    with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
        page = client.get("/login")
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        done = client.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert done.status_code == 200, done.status_code  # followed the redirect
        token = CSRF.search(done.text).group(1)  # type: ignore[union-attr]
        barrier.wait(timeout=60)
        stored = 0
        for n, item in enumerate([item_ids[0], *item_ids]):
            grade = ("red", "amber", "green")[(n + len(username)) % 3]
            response = client.post(
                f"/scrutiny/items/{item}/review",
                data={
                    **REVIEW,
                    "rag": grade,
                    "comments": f"{username} on {item}",
                    "csrf_token": token,
                },
                headers={"HX-Request": "true"},
            )
            assert response.status_code == 200, response.text
            assert "Review saved" in response.text, response.text
            stored += 1
        return stored


@pytest.mark.parametrize("kind", database_urls())
def test_twenty_members_review_at_once(kind: str, tmp_path: Path) -> None:
    engine = fresh_engine(kind, tmp_path)
    world = build_world(engine, tmp_path, records_count=200)
    with session_scope(engine) as s:
        panel = s.get(Panel, world.panel_id)
        assert panel is not None
        names = [f"reviewer{i:02d}" for i in range(MEMBERS)]
        for name in names:
            users.add_member(s, panel, users.add_user(s, name, PASSWORD, "panel_member"))
        before = s.scalar(select(func.count(Review.id)))
    items = world.item_ids
    barrier = threading.Barrier(MEMBERS)
    started = time.monotonic()
    with serve(create_app(engine=engine)) as base, ThreadPoolExecutor(MEMBERS) as pool:
        futures = [pool.submit(member_session, base, n, items, barrier) for n in names]
        finished, pending = wait(futures, timeout=DEADLINE_SECONDS)
        assert not pending, "reviewers did not finish in time"
        submitted = sum(f.result() for f in finished)
    elapsed = time.monotonic() - started
    assert submitted == MEMBERS * (len(items) + 1)
    with session_scope(engine) as s:
        rows = s.execute(
            select(Review.item_id, Review.reviewer_id, Review.comments, Review.version)
        ).all()
        creates = s.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.entity == "review", AuditEntry.action == "create"
            )
        )
    new = [r for r in rows if r.comments.startswith("reviewer")]
    assert len(rows) - (before or 0) == MEMBERS * len(items)
    assert len({(r.item_id, r.reviewer_id) for r in new}) == MEMBERS * len(items)
    assert all(r.comments.endswith(f"on {r.item_id}") for r in new)
    assert (creates or 0) - (before or 0) == MEMBERS * len(items)
    print(f"{MEMBERS} members x {len(items) + 1} submissions in {elapsed:.1f} s on {kind[:10]}")
    engine.dispose()
