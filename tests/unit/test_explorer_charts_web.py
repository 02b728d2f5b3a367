"""The explorer's further charts on the page: each drawn beside a table holding the same numbers
as its marks, names not codes, and each exported as a PNG, a standalone HTML page and a CSV."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import openpeel
from openpeel.calendar import Period
from openpeel.database.engine import make_engine
from openpeel.database.migrate import upgrade
from openpeel.formatting import percent_text
from openpeel.indicators.explorer import ExplorerFilters
from openpeel.indicators.explorer_breakdowns import breakdown, thorough_searches
from openpeel.indicators.explorer_cube import explorer_cube
from openpeel.web import public_data
from openpeel.web.app import create_app
from openpeel.web.explorer_charts import explorer_charts
from tests.unit.report_lake import END, FORCE, START, lake_app, shared_lake

QS = f"force={FORCE}&from={START}&to={END}&sex=male"
PERIOD = Period.from_months(START, END)
FILTERS = ExplorerFilters(sex="male")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


@pytest.fixture(scope="module")
def client(lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with lake_app(lake, tmp_path_factory) as app, TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    r = client.get(f"/stop-search/charts?{QS}")
    assert r.status_code == 200, r.text[:300]
    return r.text


def test_the_explorer_links_to_its_further_charts(client: TestClient) -> None:
    text = client.get(f"/stop-search?{QS}").text
    section = text.split('id="more-charts"', 1)[1].split("</section>", 1)[0]
    url = re.search(r'hx-get="(/stop-search/charts\?[^"]*)"', section)
    assert url is not None and "sex=male" in url.group(1) and f"force={FORCE}" in url.group(1)
    assert 'hx-select="#more-charts"' in section
    assert f'href="{url.group(1)}"' in section  # a link for a browser without script
    assert "/stop-search/charts/ethnicity.png?" in text


def spec_values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a chart's marks are drawn from (inline data or named datasets)."""
    if "datasets" in spec:
        return [row for rows in spec["datasets"].values() for row in rows]
    return list(spec["data"]["values"])


def table_rows(page: str, chart_id: str) -> list[list[str]]:
    body = page.split(f'id="table-{chart_id}"', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], flags=re.S)
    return [[html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", r, flags=re.S)] for r in rows]


def test_every_breakdown_is_drawn_with_its_table_and_exports(page: str) -> None:
    for chart_id in ("age", "sex", "object", "outcome", "thorough", "map-searches"):
        assert f'id="chart-{chart_id}"' in page, chart_id
        assert f'id="table-{chart_id}"' in page, chart_id
        for kind in ("png", "html", "csv"):
            assert f"/stop-search/charts/{chart_id}.{kind}?" in page
    section = page.split('id="more-charts"', 1)[1]
    assert section.count('<figure class="chart"') == section.count('role="img"')


def test_table_values_equal_the_chart_marks(lake: Path, page: str) -> None:
    con = openpeel.connect(lake)
    views, problems = explorer_charts(lambda: con, explorer_cube(con, FORCE, PERIOD), FILTERS)
    assert problems == []
    by_id = {v.chart_id: v for v in views}
    for dimension in ("age", "sex", "object", "outcome"):
        marks = spec_values(by_id[dimension].spec)
        rows = table_rows(page, dimension)
        assert [(m["name"], percent_text(m["share"])) for m in marks] == [
            (r[0], r[2]) for r in rows
        ]
        assert [percent_text(m["share_low"]) for m in marks] == [r[3] for r in rows]
        assert [percent_text(m["share_high"]) for m in marks] == [r[4] for r in rows]
    marks = spec_values(by_id["thorough"].spec)
    drawn = [r for r in table_rows(page, "thorough") if r[4]]
    assert [(m["measure_name"], m["name"], percent_text(m["share"])) for m in marks] == [
        (r[0], r[1], r[4]) for r in drawn
    ]


def test_names_not_codes(page: str) -> None:
    rows = table_rows(page, "object")
    names = {r[0] for r in rows}
    assert not any("_" in n for n in names), names
    assert "Male" in {r[0] for r in table_rows(page, "sex")}
    age = [r[0] for r in table_rows(page, "age")]
    assert "10-17" in age or "18-24" in age


def test_a_breakdown_under_its_own_filter_shows_every_value(page: str) -> None:
    sexes = {r[0] for r in table_rows(page, "sex")}
    assert len(sexes) > 1  # the sex chart ignores "sex: male"


def test_png_export_is_the_chart_image(client: TestClient) -> None:
    r = client.get(f"/stop-search/charts/age.png?{QS}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in r.headers["content-disposition"]


def test_html_export_works_offline_with_the_spec_inline(client: TestClient, lake: Path) -> None:
    r = client.get(f"/stop-search/charts/outcome.html?{QS}")
    assert r.status_code == 200
    page = r.text
    assert "<script src" not in page.replace(" ", "")  # nothing fetched at view time
    assert "vegaEmbed" in page
    spec = json.loads(re.search(r"const spec = (\{.*?\});\n", page, flags=re.S).group(1))
    expected = breakdown(openpeel.connect(lake), FORCE, PERIOD, "outcome", FILTERS)
    marks = spec_values(spec)
    assert [m["share"] for m in marks] == pytest.approx(expected.table.share.tolist())
    assert sum(m["share"] for m in marks) == pytest.approx(1.0)
    assert "SYNTHETIC" in page  # the demo lake is synthetic: the page says so
    assert "Definition" in page and "<table>" in page


def test_csv_export_equals_the_library(client: TestClient, lake: Path) -> None:
    from openpeel.exports import strip_notes

    r = client.get(f"/stop-search/charts/thorough.csv?{QS}")
    assert r.status_code == 200
    lines = strip_notes(r.text).strip().splitlines()
    expected = thorough_searches(openpeel.connect(lake), FORCE, PERIOD, FILTERS)
    assert len(lines) == 1 + len(expected.table)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/stop-search/charts/nonsense.png?{QS}", 404),
        (f"/stop-search/charts/age.gif?{QS}", 404),
        (f"/stop-search/charts/age.png?{QS}&age=elderly", 400),
    ],
)
def test_bad_exports_are_clear_errors(client: TestClient, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert "Traceback" not in r.text


def test_boundaries_setting_adds_a_map_by_area(
    lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = openpeel.connect(lake)
    views, _ = explorer_charts(lambda: con, explorer_cube(con, FORCE, PERIOD), FILTERS)
    hexes = next(v for v in views if v.chart_id == "map-searches").result.table
    middle = float(hexes.longitude.median())
    features = [
        {
            "type": "Feature",
            "properties": {"LAD22CD": code, "LAD22NM": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x0, 47], [x0 + 10, 47], [x0 + 10, 57], [x0, 57], [x0, 47]]],
            },
        }
        for code, name, x0 in (("E1", "Westborough", middle - 10), ("E2", "Eastborough", middle))
    ]
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    monkeypatch.setenv("OPENPEEL_BOUNDARIES", str(path))
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    with TestClient(create_app(engine=engine, data_dir=lake)) as c:
        text = c.get(f"/stop-search/charts?{QS}").text
    engine.dispose()
    public_data.clear_cache()
    assert 'id="chart-map-areas"' in text
    names = {r[0] for r in table_rows(text, "map-areas")}
    assert names <= {"Westborough", "Eastborough"} and names
