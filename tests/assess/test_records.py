"""Evidence, grades and improvements in the operational database (SQLite, and PostgreSQL when
OPENPEEL_TEST_POSTGRES_URL is set): every change in the history, closure needs evidence,
assessor grades keep the suggestion and the reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from openpeel.assess import assess, records
from openpeel.database.engine import session_scope
from openpeel.database.migrate import downgrade, upgrade
from tests.scrutiny.world import database_urls, fresh_engine

FW = "peel-2021-22"
ME = records.Actor("Ann Assessor", None)


@pytest.fixture(params=database_urls())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    eng = fresh_engine(request.param, tmp_path)
    yield eng
    eng.dispose()


def test_improvement_whole_life_in_the_history(engine: Engine) -> None:
    with session_scope(engine) as s:
        imp = records.suggest_from_finding(s, ME, "west-midlands", FW, "1.1.1", "0.84 < 0.90")
        assert imp.kind == "area_for_improvement" and imp.origin == "suggested"
        assert imp.linked_indicators == "charter.compliance"
        records.update_improvement(
            s,
            ME,
            imp.id,
            owner="Head of contact",
            status="in_progress",
            due_date=date(2022, 12, 31),
            monitoring_phase="engage",
        )
        action = records.add_action(
            s, ME, imp.id, "Recruit 40 call handlers", "HR", date(2022, 9, 30)
        )
        records.update_action(s, ME, action.id, "done")
        with pytest.raises(ValueError, match="needs evidence"):
            records.close_improvement(s, ME, imp.id, "  ")
        with pytest.raises(ValueError, match="close"):
            records.update_improvement(s, ME, imp.id, status="closed")
        records.close_improvement(s, ME, imp.id, "999 within 10 s at 91% for six months")
        with pytest.raises(ValueError, match="closed"):
            records.add_action(s, ME, imp.id, "too late")
        imp_id = imp.id
    with session_scope(engine) as s:
        hist = records.history(s, imp_id)
        fields = [(h.action, h.field, h.before, h.after) for h in hist]
        assert fields[0][0] == "created"
        assert ("updated", "owner", "", "Head of contact") in fields
        assert ("updated", "status", "open", "in_progress") in fields
        assert ("updated", "monitoring_phase", "scan", "engage") in fields
        assert ("updated", "due_date", None, "2022-12-31") in fields
        assert ("action_updated", f"action {action.id}", "planned", "done") in fields
        assert ("closed", "status", "in_progress", "closed") in fields
        assert all(h.user_name == "Ann Assessor" and h.at for h in hist)
        assert records.get_improvement(s, imp_id).closure_evidence.startswith("999")
        assert records.improvements(s, "west-midlands", "active") == []
        records.reopen_improvement(s, ME, imp_id, "performance fell again")
        assert [i.id for i in records.improvements(s, "west-midlands", "active")] == [imp_id]


def test_bad_input_is_refused(engine: Engine) -> None:
    with session_scope(engine) as s:
        with pytest.raises(ValueError, match="no area"):
            records.create_improvement(s, ME, "west-midlands", FW, "nowhere", "t")
        with pytest.raises(ValueError, match="belongs to"):
            records.create_improvement(
                s, ME, "west-midlands", FW, "fairness", "t", characteristic_id="1.1.1"
            )
        with pytest.raises(ValueError, match="reason"):
            records.set_grade(s, ME, "west-midlands", FW, "victims", "assessor", "Good", "")
        with pytest.raises(ValueError, match="grade"):
            records.set_grade(s, ME, "west-midlands", FW, "victims", "assessor", "Great", "r")
        with pytest.raises(ValueError, match="source"):
            records.add_evidence(
                s, ME, "west-midlands", FW, "P1.2", "met", "survey", "", date(2022, 1, 1)
            )


def test_recorded_and_assessor_grades_and_evidence_in_the_assessment(engine: Engine) -> None:
    with session_scope(engine) as s:
        records.record_wmp_2021_22(s, ME)
        records.set_grade(
            s,
            ME,
            "west-midlands",
            FW,
            "victims",
            "assessor",
            "Adequate",
            "Call handling improved after the inspection",
            "",
            "Requires improvement",
        )
        records.add_evidence(
            s,
            ME,
            "west-midlands",
            FW,
            "P1.2",
            "not_met",
            "file review",
            "FR-2022-01",
            date(2022, 1, 10),
            "Victims not updated in 12/20",
        )
        records.add_evidence(
            s, ME, "west-midlands", FW, "P2.1", "met", "audit", "old audit", date(2019, 1, 1)
        )  # before the period: ignored
        records.create_improvement(s, ME, "west-midlands", FW, "victims", "Keep victims informed")
    a = assess(None, "west-midlands", "2021/22", db=engine)
    victims = a.area("victims")
    assert victims.recorded_grade == "Requires improvement"
    assert victims.assessor_grade == "Adequate"
    assert "improved" in victims.assessor_reason
    p12 = next(c for c in victims.characteristics if c.rule.characteristic_id == "P1.2")
    assert p12.finding.status == "not_met" and "FR-2022-01" in p12.finding.reason
    assert a.area("crime_data_integrity").count("met") == 0
    assert len(victims.open_improvements) == 1
    assert "Recorded Requires improvement" in victims.comparison
    assert a.area("strategic_policing_requirement").recorded_grade == "not graded"
    with session_scope(engine) as s:
        hist = records.grade_history(s, "west-midlands", FW)
        both = [g for g in hist if g.area_id == "victims"]
        assert {g.kind for g in both} == {"recorded", "assessor"}
        assert next(g for g in both if g.kind == "assessor").suggested_grade


def test_migration_downgrades_cleanly(engine: Engine) -> None:
    downgrade(engine, "0001")
    upgrade(engine)
