"""The summary that opens the report and the overview: figures with their direction, the
suggested grade with plain reasons, and what could not be assessed, grouped."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from openpeel.assess.assessment import assess
from openpeel.assess.evidence import IndicatorCache
from openpeel.calendar import Period
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.peel_framework import framework
from openpeel.report import build_report, render_html
from openpeel.report.model import AreaSection, Headline, Panel
from openpeel.report.summary import (
    NEEDS_INTERNAL,
    NO_DATA,
    evidence_words,
    summarise,
)
from tests.unit.report_lake import END, FORCE, START, shared_lake

FW = framework("peel-2021-22")
PERIOD = Period.financial_year("2021/22")
#: Names a lay reader must not meet outside the appendix.
INTERNAL_NAMES = re.compile(r"compliance_share|Garwood|q_star|domain\.md|_share\b|_rate\b")


def _panel(panel_id: str, with_data: bool) -> Panel:
    if not with_data:
        return Panel(panel_id, "A panel", None, unavailable="no stop and search data loaded")
    result = IndicatorResult(
        name="x", title="x", definition="d", table=pd.DataFrame({"a": [1]}), caveats=[]
    )
    return Panel(
        panel_id,
        "A panel",
        result,
        headlines=[
            Headline("Searches per 1,000", "8.6", "95% interval 8.5 to 8.7", "d"),
            Headline("Arrests", "14.5%", "95% interval 14.0% to 15.0%", "d"),
        ],
        comparison=[
            "12 forces compared (every force with data).",
            "All person searches: 8.6 per 1,000 a year, below the all-force rate of 11.7.",
        ],
    )


def test_areas_with_data_show_figures_others_are_grouped_by_why() -> None:
    sections = []
    for area in FW.areas:
        panels = [_panel(f"p-{area.area_id}", area.area_id == "fairness")]
        sections.append(AreaSection(area, panels if area.has_open_data else []))
    summary = summarise(sections)
    assert [a.area_id for a in summary.areas] == ["fairness"]
    fairness = summary.area("fairness")
    assert [f.value for f in fairness.figures] == ["8.6", "14.5%"]
    # The direction sentence is the one placing the force, not the count of forces.
    assert fairness.figures[0].against.endswith("below the all-force rate of 11.7.")
    assert fairness.figures[1].against == ""
    assert fairness.grade == "" and "no grade" in fairness.grade_note
    groups = {g.reason: [i for i, _t in g.areas] for g in summary.not_assessed}
    assert set(groups) == {NEEDS_INTERNAL, NO_DATA}
    assert "serious_organised_crime" in groups[NEEDS_INTERNAL] and "victims" in groups[NO_DATA]
    listed = [i for ids in groups.values() for i in ids]
    assert sorted(listed) == sorted(a.area_id for a in FW.areas if a.area_id != "fairness")


def test_evidence_words_hide_column_names() -> None:
    result = assess(None, FORCE, PERIOD)
    for area in result.areas:
        for c in area.characteristics:
            words = evidence_words(c)
            assert words and not INTERNAL_NAMES.search(words), (c.rule.characteristic_id, words)


def test_missing_data_reason_is_said_without_the_column() -> None:
    table = pd.DataFrame(
        {"standard_id": ["999_answer"], "scope": ["period"], "compliance_share": [None]}
    ).assign(
        compliance_low=None, compliance_high=None, reason="no 999 calls are loaded for the period"
    )
    result = IndicatorResult("charter.compliance", "t", "d", table, [])
    cache = IndicatorCache(None, FORCE, PERIOD, results={"charter.compliance": result})
    victims = assess(cache, FORCE, PERIOD).area("victims")
    first = next(c for c in victims.characteristics if c.rule.characteristic_id == "1.1.1")
    assert "compliance_share" in first.finding.reason  # the technical reason, for the appendix
    assert evidence_words(first) == "Not judged: no 999 calls are loaded for the period."


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    lake = shared_lake(tmp_path_factory)
    return render_html(build_report(lake, FORCE, Period.from_months(START, END)))


def test_the_report_opens_with_the_summary(html: str) -> None:
    main = html[html.index("<main") :]
    assert main.index('id="summary"') < main.index('class="area"') < main.index('id="appendix"')
    summary = main[main.index('id="summary"') : main.index('class="toc"')]
    assert "Suggested grade" in summary and "95% interval" in summary
    assert "Could not be assessed" in summary


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S))


def test_summary_grades_and_evidence_carry_no_internal_names(html: str) -> None:
    main = html[html.index("<main") :]
    summary = main[main.index('id="summary"') : main.index('class="toc"')]
    boxes = re.findall(r'<div class="assessment">.*?</div>', main, flags=re.S)
    evidence = re.findall(r"<table class=\"characteristics\">.*?</table>", main, flags=re.S)
    assert boxes and evidence
    for part in (summary, *boxes, *evidence):
        text = _text(part).replace("openpeel stop-search", "")
        assert not INTERNAL_NAMES.search(text), INTERNAL_NAMES.search(text)
    # The method (formulas, interval names) is in the appendix, not beside each panel.
    body = main[: main.index('id="appendix"')]
    assert "Garwood" not in body and "Garwood" in main[main.index('id="appendix"') :]


def test_plain_words_name_forces_and_months() -> None:
    from openpeel.report.wording import plain

    text = "west-midlands: no stop-and-search data for 2021-04..2021-09 (not_stated rows)"
    assert plain(text) == (
        "West Midlands Police: no stop-and-search data for April 2021 to September 2021 "
        "(not stated rows)"
    )
    # Addresses and already-readable text are left alone.
    assert plain("see /peers?force=west-midlands") == "see /peers?force=west-midlands"
    assert plain("Kent Police, 2021-04") == "Kent Police, 2021-04"
