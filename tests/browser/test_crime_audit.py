"""A whole crime data integrity audit in a real browser: an auditor creates the audit and draws
its sample (verified), decides every sampled incident, a second auditor checks the subsample
(blind to the first decision, disagreeing once), kappa is shown, the audit closes and its
estimates come out, and the report's *Recording data about crime* section shows them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from openpeel.calendar import Period
from openpeel.database.engine import make_engine, session_scope
from openpeel.database.migrate import upgrade
from openpeel.report import build_report, write_html
from openpeel.scrutiny import users
from openpeel.store.crime_recording import load_crime_recording_extract
from openpeel.synth.crime_recording import read_truth, write_crime_recording_extract
from openpeel.web.app import create_app
from tests.scrutiny.server import serve

PASSWORD = "browser test password"
FORCE = "west-midlands"


@dataclass
class Site:
    base: str
    data: Path
    truth: pd.DataFrame


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A served app on a small synthetic crime recording extract, with two auditors."""
    folder = tmp_path_factory.mktemp("audit-site")
    extract = folder / "extract"
    write_crime_recording_extract(extract, FORCE, "2021-04", "2021-06", seed=4, incidents=1500)
    load_crime_recording_extract(extract, FORCE, folder / "data")
    engine = make_engine(f"sqlite:///{folder / 'site.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        users.add_user(s, "ann", PASSWORD, "auditor", "Ann Auditor")
        users.add_user(s, "bob", PASSWORD, "auditor", "Bob Checker")
    with serve(create_app(engine=engine, data_dir=folder / "data")) as base:
        yield Site(base, folder / "data", read_truth(extract))
    engine.dispose()


def _login(browser: Any, site: Site, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(f"{site.base}/login?next=/staff/audits")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_url(f"{site.base}/staff/audits")
    return page


def _decide(page: Any, truth: pd.Series, flip: bool = False) -> None:
    crime = bool(truth["should_record"]) != flip
    page.check(f"#should_record-{'yes' if crime else 'no'}")
    if crime:
        group = str(truth["offence_group"]) or "public_order"
        page.select_option("#offence_group", group)
        recorded = bool(truth["is_recorded"]) and not flip
        page.check(f"#is_recorded-{'yes' if recorded else 'no'}")
        if recorded:
            page.check(f"#is_within_24h-{'yes' if truth['is_within_24h'] else 'no'}")
            ok = "yes" if truth["is_correctly_classified"] else "no"
            page.check(f"#is_correctly_classified-{ok}")
    page.fill("#notes", "checked in the browser test")
    page.click("#save-decision")


def _decide_queue(page: Any, site: Site, audit_url: str, flips: int = 0) -> int:
    """Decide every record the page's auditor still has; returns how many were decided."""
    truth = site.truth.set_index("incident_id")
    page.goto(audit_url)
    if not page.locator("#next-record").count():
        return 0
    page.click("#next-record")
    done = 0
    while "/records/" in page.url:
        incident = page.locator("#incident-id").inner_text().strip()
        _decide(page, truth.loc[incident], flip=done < flips)
        page.wait_for_load_state()
        done += 1
        assert done < 500, "the queue does not end"
    return done


def test_a_whole_audit_in_the_browser(browser: Any, site: Site, artifacts: Path) -> None:
    ann = _login(browser, site, "ann")
    ann.fill("#a-title", "Quarter 1 audit")
    ann.select_option("#a-force", FORCE)
    ann.fill("#a-from", "2021-04-01")
    ann.fill("#a-to", "2021-06-30")
    ann.click("#create-audit-button")
    ann.wait_for_url(f"{site.base}/staff/audits/*")
    audit_url = ann.url.split("?")[0]
    assert ann.locator("#audit-status").inner_text() == "open"

    ann.fill("#s-width", "0.2")
    ann.fill("#s-seed", "2024")
    ann.click("#draw-sample")
    ann.wait_for_selector("#draw")
    assert ann.locator("#audit-status").inner_text() == "reviewing"
    assert "reproduces" in ann.locator("#verified").inner_text()
    assert ann.locator("#data-synthetic-banner").is_visible()
    sampled = ann.locator("#records tbody tr").count()
    assert sampled >= 50  # at least 10 from each of the five strata
    ann.screenshot(path=str(artifacts / "audit-sampled.png"), full_page=False)

    # The close button waits for every decision.
    assert ann.locator("#close-audit").is_disabled()
    decided = _decide_queue(ann, site, audit_url)
    assert decided == sampled
    ann.goto(audit_url)
    assert f"{sampled} of {sampled} records decided" in ann.locator("#progress").inner_text()
    assert ann.locator("#close-audit").is_disabled()  # the second checks are still to make

    # The second auditor decides the subsample blind to the first decision, disagreeing once.
    bob = _login(browser, site, "bob")
    bob.goto(audit_url)
    bob.click("#next-record")
    assert bob.locator("#hidden-decisions").is_visible()
    checked = _decide_queue(bob, site, audit_url, flips=1)
    assert checked >= 2
    bob.goto(audit_url)
    kappa = bob.locator("#kappa").inner_text()
    assert "Cohen's kappa" in kappa and f"on {checked} records" in kappa
    bob.screenshot(path=str(artifacts / "audit-kappa.png"), full_page=False)
    assert not bob.locator("#close-audit").count() or bob.locator("#close-audit").is_enabled()

    ann.goto(audit_url)
    ann.click("#close-audit")
    ann.wait_for_url(f"{audit_url}/estimate")
    overall = ann.locator("#row-recording_rate-all").inner_text()
    assert "%" in overall and " to " in overall
    assert ann.locator("#row-agreement_kappa-all").count() == 1
    assert ann.locator("#row-unrecorded_crimes_per_year-all").count() == 1
    assert "Provisional" not in ann.locator("h1").inner_text()
    ann.screenshot(path=str(artifacts / "audit-estimate.png"), full_page=True)
    ann.goto(audit_url)
    assert ann.locator("#audit-status").inner_text() == "closed"

    # The report's section reads the closed audit.
    report = build_report(site.data, FORCE, Period.from_months("2021-04", "2021-06"))
    html = write_html(report, site.data / "report.html")
    ann.goto(html.resolve().as_uri())
    section = ann.locator("article#recording-rate")
    assert section.count() == 1, "no recording-rate panel in the report"
    text = section.inner_text()
    assert "Quarter 1 audit" in text and "%" in text and "interval" in text
    ann.screenshot(path=str(artifacts / "audit-report-section.png"), full_page=False)
    ann.context.close()
    bob.context.close()
