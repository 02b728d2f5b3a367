"""The public pages for people who are not analysts: force and year chosen by name, names not
codes, a visible error for a bad period, a warning for months without data, HTML error pages,
the summary on the overview, and no feedback form on staff pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from openpeel.database.engine import make_engine
from openpeel.database.migrate import upgrade
from openpeel.reference.vocabularies import code_name
from openpeel.report.summary import GRADE_MEANING
from openpeel.web import public_data
from openpeel.web.app import create_app
from openpeel.web.rendering import is_public_page
from tests.unit.report_lake import END, FORCE, START, shared_lake

QS = f"force={FORCE}&from={START}&to={END}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    lake = shared_lake(tmp_path_factory)
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    with TestClient(create_app(engine=engine, data_dir=lake)) as c:
        yield c
    engine.dispose()


def _options(html: str, select_id: str) -> list[tuple[str, str]]:
    block = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block is not None, select_id
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', block.group(1))


def test_home_picks_a_force_and_a_financial_year_by_name(client: TestClient) -> None:
    html = client.get("/").text
    forces = _options(html, "home-force")
    assert ("west-midlands", "West Midlands Police") in forces
    assert all(value != text for value, text in forces)
    years = [v for v, _t in _options(html, "home-fy")]
    assert years == ["2021/22"]  # the lake holds October 2021 to March 2022
    page = client.get("/overview?force=west-midlands&fy=2021/22")
    assert page.status_code == 200
    assert "Financial year" in page.text and 'value="2021/22" selected' in page.text


def test_the_overview_opens_with_the_summary(client: TestClient) -> None:
    html = client.get(f"/overview?{QS}").text
    assert html.index('id="summary"') < html.index("The grade scale")
    assert GRADE_MEANING.split(":")[0] in html.replace("&#39;", "'")
    assert "Suggested grade: <strong>" in html and "Could not be assessed" in html
    assert "does not grade" not in html


def test_a_period_wider_than_the_data_names_the_missing_months(client: TestClient) -> None:
    html = client.get(f"/overview?force={FORCE}&fy=2021/22").text
    # The lake holds October 2021 to March 2022: six of the twelve months are missing.
    assert 'id="missing-months"' in html
    assert "6 of the 12 months" in html and "April 2021 to September 2021" in html
    assert 'id="missing-months"' not in client.get(f"/overview?{QS}").text


def test_a_bad_period_in_the_explorer_replaces_the_results_with_the_reason(
    client: TestClient,
) -> None:
    bad = f"/stop-search?force={FORCE}&from=April%202021&to={END}&sex=male"
    page = client.get(bad)
    assert page.status_code == 400
    assert "not a month: &#39;April 2021&#39;" in page.text and 'id="scope-error"' in page.text
    assert 'id="explorer-table"' not in page.text  # no stale results beside the message
    swapped = client.get(bad, headers={"HX-Request": "true", "HX-Target": "explorer"})
    assert swapped.status_code == 200 and 'id="scope-error"' in swapped.text


def test_explorer_options_and_title_are_names(client: TestClient) -> None:
    html = client.get(f"/stop-search?{QS}&legislation=mda_s23").text
    legislation = dict(_options(html, "f-legislation"))
    assert legislation["mda_s23"] == "Misuse of Drugs Act 1971 (section 23)"
    assert legislation["mda_s23"] == code_name("legislation", "mda_s23")
    ages = dict(_options(html, "f-age"))
    assert ages.get("10_17") in (None, "10-17")
    heading = re.search(r'<h2 id="results-title">([^<]*)</h2>', html)
    assert heading is not None
    assert "Misuse of Drugs Act 1971 (section 23)" in heading.group(1).replace("&#39;", "'")
    assert "West Midlands Police" in heading.group(1) and "mda_s23" not in heading.group(1)
    forces = _options(html, "scope-force")
    assert ("west-midlands", "West Midlands Police") in forces


def test_unknown_addresses_get_an_html_page(client: TestClient) -> None:
    r = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "There is no page at this address" in r.text and "<main" in r.text


def test_the_feedback_form_is_for_public_pages_only() -> None:
    assert is_public_page("/overview") and is_public_page("/")
    for path in ("/scrutiny", "/assess", "/staff/offenders", "/admin/users"):
        assert not is_public_page(path)


def test_the_peers_page_ranks_every_force_and_highlights_this_one(client: TestClient) -> None:
    page = client.get(f"/peers?{QS}")
    assert page.status_code == 200
    html = page.text
    assert "West Midlands Police" in html and "West Mercia Police" in html
    assert 'id="peers-ranked"' in html and 'id="peers-funnel"' in html
    assert "highest of 2 forces" in html
    # Two forces are too few for funnel limits: said, not drawn.
    assert "no funnel limits" in html
    # The official statistics of every force (the demo loads a synthetic edition) follow.
    assert "Official statistics: West Midlands Police among every force" in html
    # Each ranks every force (not the force's own breakdown), with its CSV.
    assert 'id="peers-official-crime"' in html and "every force" in html
    official_csv = re.search(r'href="(/peers/official/peers-official-crime\.csv\?[^"]+)"', html)
    assert official_csv is not None
    official_rows = client.get(official_csv.group(1).replace("&amp;", "&"))
    assert official_rows.status_code == 200
    assert "west-mercia" in official_rows.text and "west-midlands" in official_rows.text
    csv_text = client.get(f"/peers/data/peers-ranked.csv?{QS}").text
    assert "west-mercia" in csv_text and "west-midlands" in csv_text
    black = client.get(f"/peers?{QS}&group=black")
    assert black.status_code == 200 and "Black people (self-defined)" in black.text
    assert client.get(f"/peers?{QS}&group=martians").status_code == 400


def test_the_trends_page_shows_every_month_loaded(client: TestClient) -> None:
    # The chosen period is two months; the trend covers the six loaded.
    html = client.get(f"/trends?force={FORCE}&from=2022-01&to=2022-02").text
    assert "October 2021 to March 2022" in html
    assert "2021/22: " in html and "in 6 months loaded" in html
    csv_text = client.get(f"/trends/data/trend-all-months.csv?{QS}").text
    assert "2021-10" in csv_text and "2022-03" in csv_text


def test_area_pages_say_the_suggested_grade_in_the_same_words(client: TestClient) -> None:
    html = client.get(f"/areas/fairness?{QS}").text.replace("&#39;", "'")
    assert 'id="grade-title"' in html and GRADE_MEANING in html
    assert "Suggested by openpeel" not in html
