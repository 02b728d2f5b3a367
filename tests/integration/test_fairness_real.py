"""What a reader sees about stop-and-search fairness, on the real West Yorkshire 2020/21 and
West Midlands 2019/20 files from ../shared/data (skipped when absent).

Each test pins a figure the report, the web pages or the CLI got wrong before (the numbers in
the comments are the old ones): the ratio chart drew four ratios on one bar, finds counted
no-further-action rows, headlines picked Black/White whatever the largest ratio, groups the force
does not record printed as zero, officer-defined rows were not labelled, the arrest rate used a
denominator the Home Office does not, and peers compared a force with itself.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import openpeel
from openpeel.assess import assess
from openpeel.calendar import Period
from openpeel.cli import main
from openpeel.database.engine import make_engine
from openpeel.database.migrate import upgrade
from openpeel.errors import DataUnavailableError
from openpeel.exports import strip_notes
from openpeel.indicators import stop_search as ss
from openpeel.indicators import stop_search_models as sm
from openpeel.indicators import stop_search_outcomes as so
from openpeel.indicators import stop_search_quality as sq
from openpeel.report import panels
from openpeel.report.build import build_report
from openpeel.report.render import render_html
from openpeel.web import public_data
from openpeel.web.app import create_app
from tests.conftest import shared_data

DATA = shared_data()
FOLDER = DATA / "policeuk" / "download-2021-12"
CENSUS = DATA / "census2021"
WY, WY_YEAR = "west-yorkshire", Period.financial_year("2020/21")
WM, WM_YEAR = "west-midlands", Period.financial_year("2019/20")

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (FOLDER.is_dir() and CENSUS.is_dir()), reason=f"real data not found at {DATA}"
    ),
]


def _files(force_id: str, period: Period) -> list[Path]:
    return [
        FOLDER / f"{m:%Y-%m}" / f"{m:%Y-%m}-{force_id}-stop-and-search.csv" for m in period.months
    ]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = [*_files(WY, WY_YEAR), *_files(WM, WM_YEAR)]
    if not all(f.exists() for f in files):
        pytest.skip("West Yorkshire 2020/21 or West Midlands 2019/20 files missing")
    folder = tmp_path_factory.mktemp("fairness-real")
    openpeel.ingest(files, folder)
    openpeel.load_population(
        CENSUS / "ts021-ethnic-group-by-ltla.csv", CENSUS / "lad22-csp22-pfa22-lookup.csv", folder
    )
    return folder


@pytest.fixture(scope="module")
def con(data_dir: Path) -> Any:
    return openpeel.connect(data_dir)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The published rows themselves (pandas on the CSV files), for independent counts."""
    frames = []
    for force_id, period in ((WY, WY_YEAR), (WM, WM_YEAR)):
        for f in _files(force_id, period):
            frames.append(pd.read_csv(f, dtype=str, keep_default_na=False).assign(force=force_id))
    return pd.concat(frames, ignore_index=True)


def _persons(raw: pd.DataFrame, force_id: str) -> pd.DataFrame:
    rows = raw[raw["force"] == force_id]
    return rows[rows["Type"] != "Vehicle search"]


# --------------------------------------------------------------------------- item 1: the chart

SVG_IMAGE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
BAR = re.compile(r'aria-label="Ratio \(1 = the same rate per head\): ([0-9.]+); Group: (\w+)"')


def _ratio_panel(con: Any) -> Any:
    found = [p for p in panels.stop_search_panels(con, WY, WY_YEAR) if "ratios" in p.panel_id]
    assert found and not found[0].unavailable, found
    return found[0]


def _bars_match_ratios(html: str, table: pd.DataFrame) -> int:
    """Every bar drawn in the page is one ratio of the table (to the chart's 1 decimal); the
    page's charts are read inline or, as the print version embeds them, from their images."""
    images = [base64.b64decode(data).decode("utf-8") for data in SVG_IMAGE.findall(html)]
    bars = BAR.findall("\n".join([html, *images]))
    for value, group in bars:
        ratios = table.loc[table["group"] == group.lower(), "ratio"].dropna()
        assert any(abs(float(value) - round(r, 1)) < 1e-9 for r in ratios), (group, value)
    return len(bars)


def test_each_mark_of_the_ratio_chart_is_one_ratio(con: Any) -> None:
    panel = _ratio_panel(con)
    table = panel.result.table
    spec = panel.chart_spec
    marks = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert spec["facet"]["field"] == "panel"  # one small chart per basis and reference
    shown = table.dropna(subset=["ratio"])
    assert len(marks) == len(shown) == 16  # 9 self-defined + 7 officer-defined (no Mixed)
    assert not marks.duplicated(["panel", "group"]).any()  # never two ratios on one bar
    for mark in marks.itertuples():
        basis, reference = next(
            (b, r)
            for b in ("self_defined", "officer_defined")
            for r in ("white", "population")
            if panels.ratio_facet(b, r) == mark.panel
        )
        row = shown[
            (shown["basis"] == basis)
            & (shown["reference"] == reference)
            & (shown["group"] == mark.group.lower())
        ]
        assert len(row) == 1
        assert mark.ratio == pytest.approx(float(row["ratio"].iloc[0]), rel=1e-12)
    # Before: the Black bar stacked four ratios and read 9.2 (Asian 8.9); now 2.11 and 2.51.
    self_white = shown[(shown["basis"] == "self_defined") & (shown["reference"] == "white")]
    assert self_white.set_index("group")["ratio"].to_dict() == pytest.approx(
        {"asian": 2.5056, "black": 2.1065, "mixed": 2.0307, "other": 0.7777}, abs=1e-4
    )
    assert _bars_match_ratios(panel.chart_svg, table) == 16
    # Every row of the table beside it says its basis and reference.
    assert {"Basis", "Reference", "Group"} <= set(panel.table.columns)
    assert panel.table[["Basis", "Reference", "Group"]].ne("").all().all()
    assert len(panel.table) == 18


def test_report_html_and_pdf_source_draw_one_ratio_per_bar(data_dir: Path, con: Any) -> None:
    report = build_report(data_dir, WY, WY_YEAR)
    table = _ratio_panel(con).result.table
    for for_print in (False, True):  # the PDF is printed from the for_print HTML
        html = render_html(report, for_print=for_print)
        assert _bars_match_ratios(html, table) == 16
        assert "Self-defined, against White" in html and "Officer-defined, against White" in html


@pytest.fixture(scope="module")
def client(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'web.db'}")
    upgrade(engine)
    public_data.clear_cache()
    with TestClient(create_app(engine=engine, data_dir=data_dir)) as c:
        yield c
    engine.dispose()


def test_web_fairness_page_draws_one_ratio_per_bar(client: TestClient, con: Any) -> None:
    r = client.get("/areas/fairness?force=west-yorkshire&fy=2020/21")
    assert r.status_code == 200, r.text[:300]
    table = _ratio_panel(con).result.table
    assert _bars_match_ratios(r.text, table) == 16
    # Item 4 on the page: the headline names the largest ratio and its group.
    assert "Asian 2.51" in r.text and "Black to White" not in r.text


# --------------------------------------------------------------------------- item 2: finds


def test_finds_are_positive_outcomes_linked_to_the_object(con: Any, raw: pd.DataFrame) -> None:
    t = so.outcomes(con, WY_YEAR, WY).table
    overall = t[(t.ethnic_group == "all") & (t.object_of_search == "all")]
    overall = overall[overall.legislation == "all"].iloc[0]
    persons = _persons(raw, WY)
    nfa = persons["Outcome"] == "A no further action disposal"
    linked = persons["Outcome linked to object of search"] == "True"
    positive = ~nfa & (persons["Outcome"] != "")
    assert overall["linked"] == int((positive & linked).sum()) == 2833
    assert overall["link_errors"] == int((nfa & linked).sum()) == 9754
    # Before: 12,587 of 15,939 known links = 0.790 (NFA rows counted as finds).
    assert overall["linked_rate"] == pytest.approx(2833 / 20279)
    # Link True on no further action is a quality error over all searches (vehicle included).
    q = sq.quality(con, WY_YEAR, WY).table
    item = q[q["item"] == "link_true_on_no_further_action"].iloc[0]
    every = raw[raw["force"] == WY]
    assert (
        item["searches"]
        == 10179
        == int(
            (
                (every["Outcome"] == "A no further action disposal")
                & (every["Outcome linked to object of search"] == "True")
            ).sum()
        )
    )


def test_linked_rate_withheld_where_the_link_is_filled_for_some_outcomes(con: Any) -> None:
    t = so.outcomes(con, WM_YEAR, WM).table
    assert t["linked_rate"].isna().all()
    reason = t["linked_reason"].iloc[0]
    assert "caution" in reason and "drugs_warning" in reason and "63%" in reason
    with pytest.raises(DataUnavailableError, match="fills the link only for"):
        sm.hit_rate(con, WM_YEAR, WM, positive="linked")
    # West Yorkshire records the link on every outcome: the model runs on finds.
    h = sm.hit_rate(con, WY_YEAR, WY, positive="linked").table.set_index("group")
    assert h.loc["white", "positives"] == 1536 and h.loc["white", "searches"] == 8363


def test_find_rule_and_ratio_rule_judge_the_real_figures(data_dir: Path) -> None:
    wy = {
        c.rule.characteristic_id: c.finding
        for c in assess(data_dir, WY, WY_YEAR).area("fairness").characteristics
    }
    # Before: linked_rate 0.790 met ">= one search in five" and lifted the grade to Adequate.
    assert wy["P3.4"].status == "not_met" and wy["P3.4"].value == pytest.approx(2833 / 20279)
    # Before: P3.3 read Black/White (2.11); now the largest, Asian/White 2.51, named.
    assert wy["P3.3"].reason.startswith("group=asian") and wy["P3.3"].value == pytest.approx(
        2.5056, abs=1e-4
    )
    wm = {
        c.rule.characteristic_id: c.finding
        for c in assess(data_dir, WM, WM_YEAR).area("fairness").characteristics
    }
    assert wm["P3.4"].status == "missing" and "fills the link only for" in wm["P3.4"].reason


# --------------------------------------------------------------------------- item 4: headlines


def test_headline_names_the_largest_ratio_and_peers_say_how_many(con: Any) -> None:
    for force_id, period, expected in ((WY, WY_YEAR, "Asian 2.51"), (WM, WM_YEAR, "Mixed 2.97")):
        ratio = next(
            p for p in panels.stop_search_panels(con, force_id, period) if "ratios" in p.panel_id
        )
        assert ratio.headlines[0].value == expected
        assert "Largest" in ratio.headlines[0].label
        # Item 9: one force loaded per year: no funnel, and the sentence says how many forces.
        assert ratio.comparison[0].startswith("1 force with stop and search data")
        assert "at least 5" in ratio.comparison[0]


# --------------------------------------------------------------------------- item 5: not recorded


def test_groups_not_recorded_are_empty_with_a_reason(con: Any) -> None:
    r = ss.ratios(con, WY_YEAR, WY).table
    mixed = r[(r["basis"] == "officer_defined") & (r["group"] == "mixed")]
    # Before: ratio 0 (0-0.0087) printed for officer-defined Mixed.
    assert len(mixed) == 2 and mixed["ratio"].isna().all() and mixed["searches"].isna().all()
    assert mixed["reason"].str.startswith("not recorded").all()
    rates = ss.rates(con, WM_YEAR, WM).table.set_index("group")
    # Before: West Midlands self-defined Other rate 0 and ratio 0.
    assert np.isnan(rates.loc["other", "rate_per_1000"]) and pd.isna(rates.loc["other", "searches"])
    assert "does not use that category" in rates.loc["other", "reason"]
    officer = ss.rates(con, WY_YEAR, WY, ethnicity="officer_defined").table.set_index("group")
    assert np.isnan(officer.loc["mixed", "rate_per_1000"])
    s60 = so.s60_strip(con, WY_YEAR, WY).table
    # Before: zero section 60 searches gave ratio_high inf.
    numbers = s60.select_dtypes("number").to_numpy(dtype=float, na_value=np.nan)
    assert not np.isinf(numbers).any()
    s60_groups = s60[(s60["measure"] == "section_60") & s60["group"].isin(["asian", "black"])]
    assert s60_groups["ratio_high"].isna().all()
    assert s60_groups["reason"].str.contains("no section 60 searches of White").all()
    wm_s60 = so.s60_strip(con, WM_YEAR, WM).table
    assert wm_s60.loc[wm_s60["group"] == "other", "reason"].str.startswith("not recorded").all()


def test_explorer_shows_groups_not_recorded_as_empty(con: Any) -> None:
    from openpeel.indicators.explorer import ExplorerFilters, explore

    # Before: officer-defined Mixed printed as 0 searches, share 0 and rate 0 in the explorer.
    t = explore(con, WY, WY_YEAR, ExplorerFilters(ethnicity="officer_defined")).table
    mixed = t.set_index("group").loc["mixed"]
    assert pd.isna(mixed["searches"]) and np.isnan(mixed["rate_per_1000"])
    assert mixed["reason"].startswith("not recorded")
    white = t.set_index("group").loc["white"]
    assert white["searches"] > 0 and white["reason"] == ""


def test_web_explorer_shows_not_recorded_with_its_reason(client: TestClient) -> None:
    page = client.get(f"/stop-search?force={WY}&fy=2020/21&ethnicity=officer_defined")
    assert page.status_code == 200
    assert "Why empty" in page.text and "not recorded" in page.text


# --------------------------------------------------------------------------- items 6 and 7


def test_basis_and_reference_label_every_ratio_and_the_definition(con: Any) -> None:
    r = ss.ratios(con, WY_YEAR, WY)
    assert list(r.table.columns[:3]) == ["basis", "reference", "group"]
    assert set(r.table["basis"]) == {"self_defined", "officer_defined"}
    officer = ss.rates(con, WY_YEAR, WY, ethnicity="officer_defined")
    assert (officer.table["basis"] == "officer_defined").all()
    assert "by officer-defined broad ethnic group" in officer.definition
    assert "self-defined broad" not in officer.definition


def test_arrest_rate_is_over_all_searches_with_the_known_outcome_rate_beside(
    con: Any, raw: pd.DataFrame
) -> None:
    t = so.outcomes(con, WM_YEAR, WM).table
    row = t[(t.ethnic_group == "all") & (t.object_of_search == "all") & (t.legislation == "all")]
    row = row.iloc[0]
    persons = _persons(raw, WM)
    arrests = int((persons["Outcome"] == "Arrest").sum())
    assert row["arrests"] == arrests == 3157
    # Before: 3,157 / 21,456 known outcomes = 14.71% shown as "the" arrest rate.
    assert row["arrest_rate"] == pytest.approx(arrests / len(persons))  # 13.70%
    assert row["arrest_known_outcome_rate"] == pytest.approx(3157 / 21456)
    assert row["arrest_rate"] < row["arrest_known_outcome_rate"]


def test_cli_refuses_linked_hit_rate_in_one_line(data_dir: Path) -> None:
    args = ["--data-dir", str(data_dir), "stop-search", "hit-rate", "--positive", "linked"]
    r = CliRunner().invoke(main, [*args, "--force", WM, "--fy", "2019/20"])
    assert r.exit_code == 1 and "fills the link only for" in r.output
    assert "Traceback" not in r.output
    ok = CliRunner().invoke(main, [*args, "--force", WY, "--fy", "2020/21", "--format", "csv"])
    assert ok.exit_code == 0 and strip_notes(ok.output).startswith("group,searches,positives")
