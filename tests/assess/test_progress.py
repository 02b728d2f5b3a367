"""An improvement's measures and the verdict from their months: on made-up monthly series (the
slope against statsmodels), and end to end on the synthetic lake with the inspected force's
published improvement on sex offender monitoring (``openpeel afi published|progress``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from click.testing import CliRunner

from openpeel.assess import assess, records
from openpeel.assess.evidence import CATALOGUE, IndicatorCache
from openpeel.assess.progress import VERDICTS, direction, improvement_progress, linked_rules
from openpeel.calendar import Period
from openpeel.cli import main
from openpeel.database.engine import make_engine, session_scope
from openpeel.database.migrate import upgrade
from openpeel.indicators.result import IndicatorResult
from openpeel.store.connection import connect
from tests.unit.report_lake import FORCE, shared_lake

FY = Period.financial_year("2021/22")
OFFENDER_AFI = SimpleNamespace(
    framework_id="peel-2021-22",
    area_id="offenders",
    characteristic_id="P8.2",
    linked_indicators="offenders.overdue; offenders.caseload",
)


def months(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"month": [date(2021, 4 + i, 1) for i in range(len(values))], "value": values}
    )


@pytest.mark.parametrize(
    ("values", "comparison", "word"),
    [
        ([0.30, 0.26, 0.21, 0.18, 0.12, 0.09], "<=", "improving"),
        ([0.30, 0.26, 0.21, 0.18, 0.12, 0.09], ">=", "worsening"),
        ([0.20, 0.25, 0.18, 0.24, 0.19, 0.22], "<=", "steady"),
        ([0.30, 0.20], "<=", "no monthly series"),
    ],
)
def test_direction_of_a_monthly_series(values: list[float], comparison: str, word: str) -> None:
    got, slope, low, high = direction(months(values), comparison)
    assert got == word
    if slope is not None:
        fit = sm.OLS(np.asarray(values), sm.add_constant(np.arange(len(values), dtype=float))).fit()
        assert slope == pytest.approx(fit.params[1])
        assert (low, high) == pytest.approx(tuple(fit.conf_int(0.05)[1]))


def _overdue_table(shares: list[float], n: int = 1000) -> pd.DataFrame:
    rows = []
    for i, share in enumerate(shares):
        for level in ("all", "very_high", "high"):
            rows.append(
                {
                    "month": date(2021, 4 + i, 1),
                    "risk_level": level,
                    "offenders_any_overdue": round(share * n) if level == "all" else 0,
                    "arms_overdue": round(share * n / 2) if level == "all" else 0,
                    "offenders_visit_overdue": 0,
                    "offenders_registered": n if level == "all" else 100,
                    "is_latest": i == len(shares) - 1,
                }
            )
    return pd.DataFrame(rows)


def _cache(shares: list[float], per_fte: float) -> IndicatorCache:
    def overdue(con: object, force_id: str, period: Period) -> IndicatorResult:
        return IndicatorResult("offenders.overdue", "t", "d", _overdue_table(shares))

    def caseload(con: object, force_id: str, period: Period) -> IndicatorResult:
        table = pd.DataFrame([{"month": date(2022, 3, 1), "offenders_per_fte": per_fte,
                               "is_latest": True}])  # fmt: skip
        return IndicatorResult("offenders.caseload", "t", "d", table)

    catalogue = {"offenders.overdue": overdue, "offenders.caseload": caseload}
    return IndicatorCache(None, FORCE, FY, catalogue)


@pytest.mark.parametrize(
    ("shares", "per_fte", "verdict"),
    [
        ([0.30, 0.25, 0.21, 0.16, 0.14, 0.12], 60, "progressing"),
        ([0.05, 0.04, 0.03, 0.02, 0.01, 0.01], 45, "resolved"),
        ([0.10, 0.14, 0.17, 0.22, 0.25, 0.29], 45, "worsening"),
        ([0.20, 0.22, 0.19, 0.21, 0.20, 0.22], 45, "no clear change"),
    ],
)
def test_verdict_from_the_linked_measures(
    shares: list[float], per_fte: float, verdict: str
) -> None:
    progress = improvement_progress(OFFENDER_AFI, _cache(shares, per_fte))
    table = progress.table()
    # The characteristic (P8.2) and every rule of the area on a linked indicator.
    assert table["characteristic_id"].tolist() == ["P8.2", "P8.4", "P8.5", "P8.6"]
    assert progress.verdict == verdict, progress.reason
    monthly = progress.monthly()
    p82 = monthly[monthly["characteristic_id"] == "P8.2"]["value"].tolist()
    assert p82 == pytest.approx(shares)


def test_no_data_and_no_linked_rule() -> None:
    assert improvement_progress(OFFENDER_AFI, None).verdict == "no data"
    unlinked = SimpleNamespace(framework_id="peel-2021-22", area_id="workforce",
                               characteristic_id="", linked_indicators="")  # fmt: skip
    assert linked_rules(unlinked) == []
    assert improvement_progress(unlinked, None).verdict == "no data"


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


def test_published_improvement_is_tracked_month_by_month_from_the_extract(
    lake: Path, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ops.db'}")
    upgrade(engine)
    actor = records.Actor("test")
    with session_scope(engine) as s:
        first = [
            i.id for i in records.record_published_improvements(s, actor, FORCE, "peel-2021-22")
        ]
    with session_scope(engine) as s:
        again = [
            i.id for i in records.record_published_improvements(s, actor, FORCE, "peel-2021-22")
        ]
        assert again == first and len(records.improvements(s, FORCE)) == len(first)
        imp = records.get_improvement(s, first[0])
        assert (imp.area_id, imp.characteristic_id, imp.origin) == (
            "offenders",
            "P8.2",
            "published",
        )
        progress = improvement_progress(imp, IndicatorCache(connect(lake), FORCE, FY))
    assert progress.is_synthetic
    assert {"P8.2", "P8.3", "P8.4", "P8.5", "P8.6"} <= set(progress.table()["characteristic_id"])
    # The month-by-month share equals an independent count on the indicator's rows.
    curve = CATALOGUE["offenders.overdue"](connect(lake), FORCE, FY).table
    every = curve[curve["risk_level"] == "all"]
    expected = (every["offenders_any_overdue"] / every["offenders_registered"]).round(4).tolist()
    monthly = progress.monthly()
    assert monthly[monthly["characteristic_id"] == "P8.2"]["value"].tolist() == pytest.approx(
        expected
    )
    # The assessment (web page and report) gives each open improvement its verdict.
    shown = assess(lake, FORCE, FY, db=engine).area("offenders").open_improvements
    assert [(i["title"], i["progress"]) for i in shown] == [(imp.title, progress.verdict)]
    assert shown[0]["progress"] in VERDICTS and shown[0]["progress_reason"] == progress.reason
    engine.dispose()


def test_cli_afi_published_and_progress(lake: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"OPENPEEL_DATABASE_URL": f"sqlite:///{tmp_path / 'ops.db'}"}
    base = ["--data-dir", str(lake)]

    def run(*args: str) -> str:
        out = runner.invoke(main, [*base, *args], env=env)
        assert out.exit_code == 0, out.output
        return out.output

    run("db", "upgrade")
    rows = json.loads(run("afi", "published", "--format", "json"))
    assert [r["area_id"] for r in rows] == ["offenders", "vulnerable"]
    assert rows[1]["kind"] == "area_for_improvement"  # the area was graded Requires improvement
    assert json.loads(run("afi", "published", "--format", "json")) == rows  # nothing added
    measures = json.loads(run("afi", "progress", str(rows[0]["id"]), "--fy", "2021/22",
                              "--format", "json"))  # fmt: skip
    assert measures[0]["characteristic_id"] == "P8.2" and measures[0]["direction"]
    text = run("afi", "progress", str(rows[0]["id"]), "--fy", "2021/22")
    assert any(v in text for v in ("resolved", "progressing", "worsening", "no clear change"))
    bad = runner.invoke(main, [*base, "afi", "progress", "999", "--fy", "2021/22"], env=env)
    assert bad.exit_code == 1 and "no improvement 999" in bad.output
    assert "Traceback" not in bad.output
