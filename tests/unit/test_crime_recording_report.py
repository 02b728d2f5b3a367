"""The report's *Recording data about crime* section and the assessment rules read the latest
closed audit; before any audit the section says how to run one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher

import openpeel
from openpeel.assess.evidence import CATALOGUE
from openpeel.assess.framework_rules import load_rules
from openpeel.calendar import Period
from openpeel.crime_audit.stand_in import run_synthetic_audit
from openpeel.database.engine import make_engine
from openpeel.database.migrate import upgrade
from openpeel.report.audit_panels import crime_recording_panels
from openpeel.report.panels import BUILDERS
from openpeel.scrutiny import users
from openpeel.store.crime_recording import load_crime_recording_extract
from openpeel.synth.crime_recording import read_truth, write_crime_recording_extract

FORCE = "west-midlands"
PERIOD = Period.financial_year("2021/22")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    folder = tmp_path_factory.mktemp("recording-report")
    engine = make_engine(f"sqlite:///{folder / 'db.sqlite'}")
    upgrade(engine)
    for seed, (start, end) in enumerate((("2021-04", "2021-09"), ("2021-10", "2022-03")), 1):
        extract = folder / f"extract-{seed}"
        write_crime_recording_extract(extract, FORCE, start, end, seed=seed, incidents=2500)
        load_crime_recording_extract(extract, FORCE, folder / "data")
        first = date.fromisoformat(f"{start}-01")
        last = (pd.Period(end, freq="M").end_time).date()
        run_synthetic_audit(
            engine,
            read_truth(extract),
            folder / "data",
            half_width=0.05,
            seed=seed,
            force_id=FORCE,
            title=f"Audit {seed}",
            period_from=first,
            period_to=last,
            recorded_crimes_year=200_700,
        )
    engine.dispose()
    return folder / "data"


def test_the_section_shows_the_latest_audit_and_the_trend(lake: Path) -> None:
    assert "crime_recording" in BUILDERS
    con = openpeel.connect(lake)
    panels = {p.panel_id: p for p in crime_recording_panels(con, FORCE, PERIOD)}
    assert set(panels) == {"recording-rate", "recording-process", "recording-trend"}
    rate = panels["recording-rate"]
    assert not rate.unavailable and rate.result is not None and rate.result.is_synthetic
    assert "Audit 2" in rate.title  # the latest audit
    labels = [h.label for h in rate.headlines]
    assert labels[:3] == ["All crime", "Violence against the person", "Sexual offences"]
    assert rate.headlines[0].value.endswith("%") and "interval" in rate.headlines[0].interval
    assert rate.headlines[3].label == "Crimes a year not recorded"
    assert "<svg" in rate.chart_svg and len(rate.table) >= 3
    process = panels["recording-process"]
    assert [h.label for h in process.headlines][-1].startswith("Agreement of two auditors")
    trend = panels["recording-trend"]
    assert len(trend.table) == 2 and "over 2 audits" in trend.comparison[0]
    # A period that ended before the second audit shows the first only.
    earlier = crime_recording_panels(con, FORCE, Period.from_months("2021-04", "2021-09"))
    assert "Audit 1" in earlier[0].title


def test_before_any_audit_the_section_says_how_to_run_one(tmp_path: Path) -> None:
    con = openpeel.connect(tmp_path)
    panels = crime_recording_panels(con, FORCE, PERIOD)
    assert len(panels) == 1 and "openpeel audit" in panels[0].unavailable


def test_the_rules_judge_the_latest_audit(lake: Path) -> None:
    rules = {r.characteristic_id: r for r in load_rules("peel-2021-22")}
    assert {"P2.1", "P2.2", "P2.3"} <= set(rules)
    assert all(rules[c].kind == "indicator" for c in ("P2.1", "P2.2", "P2.3"))
    result = CATALOGUE["crime_recording.audit"](openpeel.connect(lake), FORCE, PERIOD)
    latest = result.table[result.table.is_latest]
    assert set(latest.audit_id) == {2}
    from openpeel.assess.evidence import evaluate_rows

    finding = evaluate_rows(rules["P2.1"], result.table, result.name)
    row = latest[(latest.measure == "recording_rate") & (latest.domain == "all")].iloc[0]
    assert finding.value == pytest.approx(row.estimate)
    expected = "met" if row.low >= 0.9 else "not_met" if row.high < 0.9 else "uncertain"
    assert finding.status == expected
