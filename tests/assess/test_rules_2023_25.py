"""The 2023–25 rules: every area of the framework has rules, the rules carried over from 2021/22
judge the same indicator the same way, and a 2023/24 period is assessed against peel-2023-25."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from openpeel.assess import assess
from openpeel.assess.evidence import IndicatorCache
from openpeel.assess.framework_rules import assessed_framework_id, load_grading, load_rules
from openpeel.calendar import Period
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.peel_framework import framework

FW = "peel-2023-25"
PERIOD = Period.financial_year("2023/24")
#: The 2021/22 area each carried-over 2023–25 area comes from.
AREA_2021 = {
    "victims": "victims",
    "police_powers": "fairness",
    "prevention": "prevention",
    "responding": "responding",
    "investigating": "investigating",
    "vulnerable": "vulnerable",
    "offenders": "offenders",
    "workforce": "workforce",
    "leadership": "strategic_planning",
}
JUDGED = ("kind", "indicator", "filter", "measure", "numerator", "denominator", "comparison")


def test_every_area_of_the_framework_has_rules_and_grading() -> None:
    rules = load_rules(FW)
    assert {r.area_id for r in rules} == {a.area_id for a in framework(FW).areas}
    ids = [r.characteristic_id for r in rules]
    assert len(ids) == len(set(ids))
    assert [s.grade for s in load_grading(FW)] == [s.grade for s in load_grading("peel-2021-22")]


def test_verbatim_rules_take_the_2023_25_wording() -> None:
    rules = {r.characteristic_id: r for r in load_rules(FW)}
    items = {i.item_id: i.text for i in framework(FW).area("victims").items}
    assert rules["1.1.1"].text == items["1.1.1"]
    assert "National Contact Management Strategy" in rules["1.1.1"].text
    assert rules["1.2.1"].text == items["1.2.1"]


def test_carried_over_rules_judge_the_same_indicator_the_same_way() -> None:
    old = {r.characteristic_id: r for r in load_rules("peel-2021-22")}
    carried = 0
    for r in load_rules(FW):
        found = re.match(r"Carried over from 2021/22 (\S+)\.", r.note)
        if not found:
            continue
        before = old[found.group(1)]
        # Crime recording (2021/22's own area) is asked under victims 1.3 in 2023-25.
        came_from = {AREA_2021[r.area_id]} | (
            {"crime_data_integrity"} if r.area_id == "victims" else set()
        )
        assert before.area_id in came_from, r.characteristic_id
        assert [getattr(r, k) for k in JUDGED] == [getattr(before, k) for k in JUDGED]
        assert (r.threshold, r.interval_must_clear) == (
            before.threshold,
            before.interval_must_clear,
        )
        carried += 1
    assert carried >= 20

    # Every 2021/22 data rule of an area that continues has a 2023-25 rule judging the same
    # indicator the same way (whatever its note says).
    def judged(r: object) -> tuple[object, ...]:
        return (*(getattr(r, k) for k in JUDGED), r.threshold, r.interval_must_clear)  # type: ignore[attr-defined]

    now = {judged(r) for r in load_rules(FW)}
    continuing = set(AREA_2021.values()) | {"crime_data_integrity"}
    missing = [
        r.characteristic_id
        for r in old.values()
        if r.area_id in continuing and r.kind == "indicator" and judged(r) not in now
    ]
    assert not missing, f"not carried over to 2023-25: {missing}"


def test_a_2023_24_period_is_assessed_against_the_2023_25_framework() -> None:
    assert assessed_framework_id(PERIOD.end) == FW
    a = assess(None, "west-midlands", "2023/24")
    assert a.framework_id == FW
    assert [x.area.area_id for x in a.areas] == [x.area_id for x in framework(FW).areas]
    assert a.area("victims").grade_suggested == "not graded"
    assert a.area("offenders").grade_suggested == "not assessed"


def _charter(con: object, force_id: str, period: Period) -> IndicatorResult:
    rows = [
        {
            "standard_id": s,
            "scope": "period",
            "month": None,
            "compliance_share": share,
            "compliance_low": share - 0.01,
            "compliance_high": share + 0.01,
        }
        for s, share in (
            ("emergency_attendance", 0.95),
            ("appointment", 0.7),
            ("written_reply", 0.97),
        )
    ]
    rows.append({**rows[0], "scope": "month", "month": date(2023, 4, 1)})
    return IndicatorResult("charter.compliance", "t", "d", pd.DataFrame(rows))


@pytest.mark.parametrize("fy", ["2023/24", "2024/25"])
def test_the_2023_25_rules_grade_responding_from_the_charter(fy: str) -> None:
    period = Period.financial_year(fy)
    cache = IndicatorCache(None, "west-midlands", period, {"charter.compliance": _charter})
    area = assess(cache, "west-midlands", period).area("responding")
    status = {c.rule.characteristic_id: c.finding.status for c in area.characteristics}
    assert status == {"P4.1": "met", "P4.2": "not_met", "P4.3": "met"}
    assert area.grade_suggested == "Adequate"  # 2 of 3 decided met
