"""The whole life of an area for improvement in a real browser: created from an unmet
characteristic on the assessment page, owner and phase set, an action added and done, progress
shown month by month from the linked indicator, closed with evidence (refused without), and
every change in the history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openpeel.database.engine import make_engine, session_scope
from openpeel.database.migrate import upgrade
from openpeel.scrutiny import users
from openpeel.web.app import create_app
from tests.scrutiny.server import serve
from tests.unit.report_lake import shared_lake

PASSWORD = "browser test password"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A served app on the small synthetic lake, with an administrator (the assessor)."""
    lake = shared_lake(tmp_path_factory)
    folder = tmp_path_factory.mktemp("afi-site")
    engine = make_engine(f"sqlite:///{folder / 'site.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        users.add_user(s, "assessor", PASSWORD, "administrator", "Ann Assessor")
    with serve(create_app(engine=engine, data_dir=lake)) as base:
        yield base
    engine.dispose()


def test_afi_whole_life(browser: Any, site: str, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/login")
    page.fill("#username", "assessor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_url(f"{site}/scrutiny")

    page.goto(f"{site}/assess?force=west-midlands&fy=2021/22")
    assert page.locator("#areas").is_visible()
    assert page.locator("#row-fairness .grade-suggested").inner_text().strip()
    assert "not assessed" in page.locator("#row-serious_organised_crime").inner_text()
    # The synthetic vulnerability extract: one team cannot meet its demand (P7.1, a cause of
    # concern), so the area is graded from data.
    assert "Inadequate" in page.locator("#row-vulnerable").inner_text()
    assert page.locator("#ch-P7\\.1 .status").inner_text() == "not met"
    assert page.locator("button.create-afi[data-characteristic='P7.1']").count() == 1
    page.screenshot(path=str(artifacts / "assess-areas.png"), full_page=False)
    # P5.3 (letters answered within 5 working days) is not met on the synthetic incidents:
    # create the area for improvement from it.
    status = page.locator("#ch-P5\\.3 .status").inner_text()
    assert status == "not met", status
    page.click("button.create-afi[data-characteristic='P5.3']")
    page.wait_for_url(f"{site}/assess/afis/*")
    assert "Letters and e-mails" in page.locator("#afi-title").inner_text()
    assert page.locator("#afi-status").inner_text() == "open"

    # The linked measures now, with a verdict from their months.
    assert page.locator("#measures-table tbody tr").count() >= 1
    verdict = page.locator("#measures-verdict").inner_text()
    assert any(v in verdict for v in ("Resolved", "Progressing", "Worsening", "No clear change"))
    # Progress from the linked indicator, month by month.
    assert page.locator("#progress-table tbody tr").count() >= 3
    progress = page.locator("#progress-table tbody").inner_text()
    assert "not met" in progress and "nan" not in progress

    page.fill("#u-owner", "Head of contact")
    page.select_option("#u-status", "in_progress")
    page.select_option("#u-phase", "engage")
    page.fill("#u-due", "2022-12-31")
    page.click("#save-afi")
    page.wait_for_selector("#afi-owner >> text=Head of contact")
    assert page.locator("#afi-phase").inner_text() == "engage"

    page.fill("#a-desc", "Recruit and train 40 call handlers")
    page.fill("#a-owner", "HR")
    page.fill("#a-due", "2022-09-30")
    page.click("#add-action")
    page.wait_for_selector("#actions-table >> text=Recruit and train 40 call handlers")
    page.click("button.action-done")
    page.wait_for_selector("#actions-table td >> text=done")

    # Closing without evidence is refused (the browser's own check, then the server's).
    page.locator("#c-evidence").evaluate("e => e.removeAttribute('required')")
    page.fill("#c-evidence", "   ")
    page.click("#close-afi")
    assert "needs evidence" in page.content()
    page.go_back()
    page.reload()
    page.fill("#c-evidence", "Replies within 5 working days above 90% for six months")
    page.click("#close-afi")
    page.wait_for_selector("#afi-status >> text=closed")
    assert "six months" in page.locator("#afi-closure").inner_text()
    page.screenshot(path=str(artifacts / "afi-closed.png"), full_page=True)

    history = page.locator("#history tbody").inner_text()
    for expected in (
        "created",
        "owner",
        "Head of contact",
        "monitoring_phase",
        "engage",
        "status",
        "in_progress",
        "due_date",
        "2022-12-31",
        "action added",
        "action updated",
        "closed",
        "closure_evidence",
        "Ann Assessor",
    ):
        assert expected in history, expected
    assert page.locator("#history tbody tr").count() >= 8

    page.goto(f"{site}/assess/afis?force=west-midlands&status=closed")
    assert page.locator("#afis tbody tr").count() == 1
    context.close()
