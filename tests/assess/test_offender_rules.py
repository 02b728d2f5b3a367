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
