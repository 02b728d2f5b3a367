"""A view kept under its months is shown in the words asked for (``public_data.in_words``):
reworded once per label, and right whichever label asked first."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from openpeel.calendar import Period
from openpeel.web import public_data
from tests.unit.report_lake import FORCE, lake_app, shared_lake

YEAR = Period.financial_year("2021/22")
MONTHS = Period.from_months("2021-04", "2022-03")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


def test_a_view_is_reworded_once_per_label_and_again_when_it_changes() -> None:
    public_data.clear_cache()
    view = {"title": f"Searches, {YEAR.label}", "rows": [YEAR.label, "other"]}
    key = ("test-view", FORCE, YEAR.start, YEAR.end)
    in_months = public_data.in_words(key, view, MONTHS)
    assert in_months == {"title": f"Searches, {MONTHS.label}", "rows": [MONTHS.label, "other"]}
    assert public_data.in_words(key, view, MONTHS) is in_months  # kept
    assert public_data.in_words(key, view, YEAR) is view  # in its own words: itself
    again = {"title": f"Counts, {YEAR.label}"}  # the key's view computed again
    assert public_data.in_words(key, again, MONTHS) == {"title": f"Counts, {MONTHS.label}"}


def _query(period: Period) -> str:
    if "/" in period.label:
        return f"?force={FORCE}&fy={period.label}"
    return f"?force={FORCE}&from={period.start:%Y-%m}&to={period.end:%Y-%m}"


@pytest.mark.parametrize("year_first", [False, True])
@pytest.mark.parametrize(
    "page",
    ["/peers", "/peers/data/peers-ranked.csv", "/peers/official/peers-official-use-of-force.csv"],
)
def test_a_page_names_the_period_asked_in_both_orders(
    lake: Path, tmp_path_factory: Any, page: str, year_first: bool
) -> None:
    asked = [YEAR, MONTHS] if year_first else [MONTHS, YEAR]
    with lake_app(lake, tmp_path_factory) as app, TestClient(app) as client:
        for period in asked:
            other = MONTHS if period is YEAR else YEAR
            response = client.get(page + _query(period))
            assert response.status_code == 200, response.text[:300]
            text = re.sub(r"<option[^>]*>[^<]*</option>|<[^>]+>", " ", response.text)
            assert period.label in text, (page, period.label)
            named = r"(?<![Ff]ramework )" + re.escape(other.label)
            assert not re.search(named, text), (page, period.label)
