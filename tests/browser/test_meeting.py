"""A whole panel meeting in a real browser: the coordinator draws a sample, two members review,
the coordinator closes the meeting and downloads the report; plus the public feedback widget at
320 px and keyboard access."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openpeel.database.engine import make_engine, session_scope
from openpeel.database.migrate import upgrade
from openpeel.exports import strip_notes
from openpeel.scrutiny import records, users
from openpeel.synth.search_records import write_search_records
from openpeel.web.app import create_app
from tests.scrutiny.server import serve

PASSWORD = "browser test password"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A served app with a panel (coordinator, two members) and synthetic records."""
    folder = tmp_path_factory.mktemp("site")
    engine = make_engine(f"sqlite:///{folder / 'site.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        records.import_file(s, write_search_records(folder / "r.csv", rows=300, seed=21))
        panel = users.add_panel(s, "Browser panel", "west-midlands")
        for name, role in (
            ("coordinator", "panel_coordinator"),
            ("alice", "panel_member"),
            ("bilal", "panel_member"),
        ):
            users.add_member(s, panel, users.add_user(s, name, PASSWORD, role, name.capitalize()))
    with serve(create_app(engine=engine)) as base:
        yield base
    engine.dispose()


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_url(f"{base}/scrutiny")


def review_all(
    page: Any, base: str, meeting_url: str, grades: list[str], shots: Path, who: str
) -> int:
    page.goto(meeting_url)
    links = page.locator("#items a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    for n, href in enumerate(links):
        page.goto(f"{base}{href}")
        for name, value in (
            ("grounds_recorded", "yes"),
            ("grounds_reasonable", "no" if grades[n % len(grades)] == "red" else "yes"),
            ("bwv_available", "yes"),
            ("bwv_whole_encounter", "yes"),
            ("respectful", "yes"),
            ("force_used", "no"),
            ("force_justified", "not_applicable"),
            ("rag", grades[n % len(grades)]),
        ):
            page.check(f"input[name={name}][value={value}]")
        page.check("input[name=gowisely_grounds]")
        page.fill("#comments", f"{who}: record {n + 1} <b>not bold</b>")
        page.click("#save-review")
        page.wait_for_selector("#save-status >> text=Review saved")
        if n == 0:
            page.screenshot(path=str(shots / f"review-{who}.png"), full_page=True)
    return len(links)


def test_whole_meeting(browser: Any, site: str, artifacts: Path) -> None:
    coordinator = browser.new_context(
        accept_downloads=True, viewport={"width": 1200, "height": 900}
    )
    page = coordinator.new_page()
    sign_in(page, site, "coordinator")
    page.click("text=Browser panel")
    page.fill("#m-title", "Spring review")
    page.fill("#m-date", "2024-04-15")
    page.fill("#m-from", "2024-01-01")
    page.fill("#m-to", "2024-03-31")
    page.click("text=Create meeting")
    page.check("input[name=design][value=stratified]")
    page.fill("#strata", "s60=2,under_18=2,nfa=2,rest=2")
    page.fill("#seed", "42")
    page.click("text=Draw sample")
    page.wait_for_selector("#items")
    meeting_url = page.url
    assert page.locator("#items tbody tr").count() == 8
    assert page.locator("#synthetic-banner").is_visible()
    page.screenshot(path=str(artifacts / "1-sample-drawn.png"), full_page=True)

    reviewed = {}
    for who, grades in (("alice", ["green", "amber"]), ("bilal", ["red", "green", "green"])):
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        member_page = context.new_page()
        sign_in(member_page, site, who)
        reviewed[who] = review_all(member_page, site, meeting_url, grades, artifacts, who)
        member_page.goto(meeting_url)
        assert member_page.locator("text=not yet").count() == 0
        context.close()
    assert reviewed == {"alice": 8, "bilal": 8}

    page.goto(meeting_url)
    page.screenshot(path=str(artifacts / "2-reviews-in.png"), full_page=True)
    page.click("#close-meeting")
    page.wait_for_selector("#meeting-status >> text=closed")
    page.click("#report-link")
    assert "Records graded red" in page.content()
    assert "&lt;b&gt;not bold&lt;/b&gt;" not in page.content()  # comments stay off the report
    page.screenshot(path=str(artifacts / "3-report.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    target = artifacts / "meeting-report.csv"
    download.save_as(str(target))
    rows = list(csv.DictReader(io.StringIO(strip_notes(target.read_text()))))
    overall = {r["measure"]: r for r in rows if r["grouping"] == "all"}
    assert overall["red"]["records"] == "8"
    assert float(overall["red"]["share"]) > 0
    assert all(r["synthetic_data"] == "True" for r in rows)
    with page.expect_download() as info:
        page.click("#download-pdf")
    pdf = artifacts / "meeting-report.pdf"
    info.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    coordinator.close()

    public = browser.new_context(viewport={"width": 1000, "height": 800})
    reader = public.new_page()
    reader.goto(f"{site}/summaries")
    reader.click("text=Spring review")
    assert "graded red" in reader.content()
    assert "SYN-" not in reader.content()  # no search ids in the published summary
    public.close()


def test_public_page_at_320px_with_keyboard_and_feedback(
    browser: Any, site: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto(f"{site}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"page scrolls sideways at 320 px ({width})"
    assert page.locator("#synthetic-banner").is_visible()
    page.check("input[name=rating][value='3']")
    page.fill("#feedback-comment", "Clear and useful <script>alert(1)</script>")
    page.click("text=Send feedback")
    page.wait_for_selector("#feedback >> text=Thank you for your feedback")
    page.screenshot(path=str(artifacts / "4-public-320px.png"), full_page=True)
    context.close()
