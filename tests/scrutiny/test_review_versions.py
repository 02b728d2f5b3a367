"""Parallel submissions of one review (optimistic locking): every change gets its own version,
and each audit entry's "before" values are what the previous change left."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select

from openpeel.database.engine import session_scope
from openpeel.scrutiny import audit, reviews, users
from openpeel.scrutiny.models import Review, SampleItem
from tests.scrutiny.world import REVIEW, build_world, database_urls, fresh_engine

WRITERS = 6


@pytest.mark.parametrize("kind", database_urls())
def test_parallel_submissions_keep_every_version(kind: str, tmp_path: Path) -> None:
    engine = fresh_engine(kind, tmp_path)
    world = build_world(engine, tmp_path, records_count=60)
    item_id = world.item_ids[5]
    with session_scope(engine) as s:
        item = s.get(SampleItem, item_id)
        reviews.submit_review(s, item, users.get_user(s, "member1"), {**REVIEW, "comments": "v1"})
    barrier = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        with session_scope(engine) as s:
            item = s.get(SampleItem, item_id)
            member = users.get_user(s, "member1")
            s.scalar(select(Review).where(Review.item_id == item_id))  # everyone reads v1 first
            barrier.wait(20)
            reviews.submit_review(s, item, member, {**REVIEW, "comments": f"writer {n}"})

    with ThreadPoolExecutor(WRITERS) as pool:
        for future in [pool.submit(write, n) for n in range(WRITERS)]:
            future.result(timeout=120)
    with session_scope(engine) as s:
        review = s.scalar(select(Review).where(Review.item_id == item_id))
        assert review is not None
        assert review.version == 1 + WRITERS
        updates = [
            e["detail"]["comments"]
            for e in audit.entries(s, entity="review")
            if e["entity_id"] == review.id and e["action"] == "update"
        ]
    assert len(updates) == WRITERS
    chain = ["v1", *(after for _before, after in updates)]
    assert [before for before, _after in updates] == chain[:-1]
    assert chain[-1] == review.comments
    engine.dispose()
