"""A record id beyond what the database can hold names no record: 404, never a 500 (on SQLite,
whose integers stop at 2**63 - 1, and on PostgreSQL, whose stop at 2**31 - 1)."""

from __future__ import annotations

import pytest

from tests.scrutiny.test_web_matrix import CASES
from tests.scrutiny.web_helpers import app_for, client_for
from tests.scrutiny.world import World, csrf_from

HUGE_IDS = (2**31, 2**63, 10**30)


RECORD_ROUTES = [
    c
    for c in CASES
    if any(n in c.pattern for n in ("{meeting_id}", "{item_id}", "{afi_id}", "panels/{panel_id}"))
]


@pytest.mark.parametrize("case", RECORD_ROUTES, ids=lambda c: f"{c.method} {c.pattern}")
def test_huge_ids_are_not_found(case: object, world: World) -> None:
    role = case.allowed[0]  # type: ignore[attr-defined]
    client = client_for(app_for(world), role)
    for huge in HUGE_IDS:
        url = case.pattern.format(  # type: ignore[attr-defined]
            meeting_id=huge, panel_id=huge, item_id=huge, afi_id=huge, area_id="fairness"
        )
        if case.method == "GET":  # type: ignore[attr-defined]
            response = client.get(url, follow_redirects=False)
        else:
            token = csrf_from(client.get("/login").text)
            data = dict(case.data) | {"csrf_token": token}  # type: ignore[attr-defined]
            response = client.post(url, data=data, follow_redirects=False)
        assert response.status_code == 404, (url, response.status_code)
        assert "Traceback" not in response.text
