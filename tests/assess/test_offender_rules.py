"""The 2021/22 offenders rules: the share of registered offenders with an overdue ARMS or visit at
the end of the period (P8.2, tracked month by month) and a backlog that is not growing (P8.3),
judged from the offender indicators; on a made-up table and on the report tests' synthetic lake."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import openpeel
from openpeel.assess import assess
from openpeel.assess.evidence import CATALOGUE, evaluate_rows, trend
from openpeel.assess.framework_rules import load_rules
from openpeel.calendar import Period, last_day
from openpeel.indicators import offenders as ind
from openpeel.indicators.offender_forecast import backlog_forecast
from tests.unit.report_lake import END, FORCE, START, shared_lake

PERIOD = Period.from_months(START, END)


def rule(cid: str):  # type: ignore[no-untyped-def]
    return next(r for r in load_rules("peel-2021-22") if r.characteristic_id == cid)


def backlog(counts: list[tuple[int, int]]) -> pd.DataFrame:
    """A backlog curve: (offenders with an overdue item, registered) per month, 'all' rows only,
    with a risk level row each month that the rule must ignore."""
    rows = []
    for i, (overdue, registered) in enumerate(counts):
        month = date(2022, i + 1, 1)
        latest = i == len(counts) - 1
        for level, k in (("all", overdue), ("high", overdue // 2)):
            rows.append(
                {
                    "month": month,
                    "risk_level": level,
                    "offenders_any_overdue": k,
                    "offenders_registered": registered,
                    "is_latest": latest,
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("latest", "status"),
    [((30, 1000), "met"), ((250, 1000), "not_met"), ((9, 100), "uncertain")],
)
def test_overdue_share_rule(latest: tuple[int, int], status: str) -> None:
    r = rule("P8.2")
    table = backlog([(400, 1000), (300, 1000), latest])
    f = evaluate_rows(r, table)
    assert f.status == status
    assert (f.count, f.total) == (float(latest[0]), float(latest[1]))
    low, high = proportion_confint(latest[0], latest[1], method="wilson")
    assert f.low == pytest.approx(low) and f.high == pytest.approx(high)
    months = trend(r, table)
    assert months["status"].tolist()[:2] == ["not_met", "not_met"]
    assert months["value"].tolist()[0] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("value", "low", "high", "status"),
    [(12.0, 4.0, 20.0, "met"), (-8.0, -15.0, -1.0, "not_met"), (1.0, -3.0, 5.0, "uncertain")],
)
def test_backlog_not_growing_rule(value: float, low: float, high: float, status: str) -> None:
    table = pd.DataFrame(
        [{"net_clearance_per_month": value, "net_clearance_low": low, "net_clearance_high": high}]
    )
    assert evaluate_rows(rule("P8.3"), table).status == status


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


def test_offender_rules_on_the_synthetic_extract(lake: Path) -> None:
    con = openpeel.connect(lake)
    as_at = min(ind.extract_as_at(con, FORCE), last_day(PERIOD.end))
    curve = ind.overdue(con, FORCE, as_at).table
    last = curve[(curve["day"] == curve["day"].max()) & (curve["risk_level"] == "all")].iloc[0]
    forecast = backlog_forecast(con, FORCE, as_at).table.iloc[0]
    area = assess(lake, FORCE, PERIOD).area("offenders")
    found = {c.rule.characteristic_id: c.finding for c in area.characteristics}
    assert found["P8.2"].status != "missing", found["P8.2"].reason
    assert found["P8.2"].count == last["offenders_any_overdue"]
    assert found["P8.2"].total == last["offenders_registered"]
    assert found["P8.3"].status != "missing", found["P8.3"].reason
    assert found["P8.3"].value == forecast["net_clearance_per_month"]
    assert (found["P8.3"].low, found["P8.3"].high) == (
        forecast["net_clearance_low"],
        forecast["net_clearance_high"],
    )
    monthly = CATALOGUE["offenders.overdue"](con, FORCE, PERIOD).table
    assert int(monthly["is_latest"].sum()) == monthly["risk_level"].nunique()
    assert monthly["month"].min() >= PERIOD.start


def test_new_offender_rules_match_the_indicators_on_the_synthetic_extract(lake: Path) -> None:
    """P8.4 (overdue ARMS), P8.5 (overdue visits at high risk), P8.6 (caseload against the
    guide) and P8.7 (first ARMS within 28 days) judge the numbers the indicators give."""
    con = openpeel.connect(lake)
    area = assess(lake, FORCE, PERIOD).area("offenders")
    found = {c.rule.characteristic_id: c.finding for c in area.characteristics}
    curve = CATALOGUE["offenders.overdue"](con, FORCE, PERIOD).table
    latest = curve[curve["is_latest"]]
    every = latest[latest["risk_level"] == "all"].iloc[0]
    assert (found["P8.4"].count, found["P8.4"].total) == (
        every["arms_overdue"],
        every["offenders_registered"],
    )
    high = latest[latest["risk_level"].isin(["very_high", "high"])]
    assert (found["P8.5"].count, found["P8.5"].total) == (
        high["offenders_visit_overdue"].sum(),
        high["offenders_registered"].sum(),
    )
    loads = CATALOGUE["offenders.caseload"](con, FORCE, PERIOD).table
    last = loads[loads["is_latest"]].iloc[0]
    assert found["P8.6"].value == last["offenders_per_fte"]
    assert found["P8.6"].status == ("met" if last["offenders_per_fte"] <= 50 else "not_met")
    first = CATALOGUE["offenders.time_to_first"](con, FORCE, PERIOD).table
    arms = first[first["measure"] == "first_arms"].iloc[0]
    if arms["offenders"]:
        assert found["P8.7"].value == arms["share_within_28_days"]
        assert found["P8.7"].low == arms["share_within_28_days_low"]
    for cid in ("P8.4", "P8.5", "P8.6"):
        assert found[cid].status in ("met", "not_met", "uncertain"), found[cid].reason


def test_the_caseload_rule_states_the_projects_guide() -> None:
    for fw, cid in (("peel-2021-22", "P8.6"), ("peel-2023-25", "P7.6")):
        r = next(x for x in load_rules(fw) if x.characteristic_id == cid)
        assert r.threshold == ind.CASELOAD_GUIDE_PER_FTE
        assert "assumption" in r.note


@pytest.mark.parametrize(
    ("overdue_high", "status"), [((2, 200), "met"), ((40, 200), "not_met"), ((6, 100), "uncertain")]
)
def test_high_risk_visits_rule_sums_the_two_levels(
    overdue_high: tuple[int, int], status: str
) -> None:
    x, n = overdue_high
    table = pd.DataFrame(
        [
            {"month": date(2022, 3, 1), "risk_level": level, "offenders_visit_overdue": k,
             "offenders_registered": m, "is_latest": True}
            for level, k, m in (("very_high", x // 2, n // 2), ("high", x - x // 2, n - n // 2),
                                ("medium", 90, 100), ("all", 90 + x, 100 + n))
        ]
    )  # fmt: skip
    f = evaluate_rows(rule("P8.5"), table)
    assert (f.count, f.total, f.status) == (x, n, status)
