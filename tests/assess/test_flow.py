"""End to end on a small synthetic lake (the report tests' lake): the assessment, its table for
reports, and the ``openpeel assess`` / ``afi`` / ``grade`` / ``evidence`` commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from openpeel.assess import assess, assessment_result, characteristics_result
from openpeel.calendar import Period
from openpeel.cli import main
from openpeel.exports import strip_notes
from tests.unit.report_lake import END, FORCE, START, shared_lake

PERIOD = Period.from_months(START, END)
COLUMNS = [
    "area",
    "grade_suggested",
    "grade_recorded",
    "characteristics_met",
    "characteristics_total",
    "uncertain",
    "not_assessed_reason",
]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


def test_assessment_end_to_end(lake: Path) -> None:
    a = assess(lake, FORCE, PERIOD)
    assert a.is_synthetic
    victims = a.area("victims")
    first = victims.characteristics[0]
    assert first.rule.characteristic_id == "1.1.1"
    assert first.finding.status in ("met", "not_met", "uncertain")
    assert first.finding.value is not None and first.finding.low is not None
    fairness = a.area("fairness")
    # Every data rule of the area is judged from the data (met, not met or uncertain).
    assert fairness.count("met") + fairness.count("not_met") + fairness.count("uncertain") >= 4
    for area in a.areas:
        assert area.reasons or not area.area.is_graded
        if area.grade_suggested == "not assessed":
            assert area.not_assessed_reason
    table = a.characteristics_table()
    assert {"status", "value", "value_low", "value_high", "reason", "shown_by"} <= set(table)
    result = assessment_result(a)
    assert result.is_synthetic and len(result.table) == 13
    assert result.records()[0]["synthetic_data"] is True
    evidence = characteristics_result(a)
    assert len(evidence.table) == len(table) and evidence.is_synthetic


def test_cli_assess_and_afi_life(lake: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"OPENPEEL_DATABASE_URL": f"sqlite:///{tmp_path / 'ops.db'}"}
    base = ["--data-dir", str(lake)]

    def run(*args: str) -> str:
        out = runner.invoke(main, [*base, *args], env=env)
        assert out.exit_code == 0, out.output
        return out.output

    # Before the database is migrated the assessment still runs, from data alone.
    text = run("assess", "--force", FORCE, "--from", START, "--to", END, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(strip_notes(text))))
    assert list(rows[0]) == ["synthetic_data", *COLUMNS] and len(rows) == 13
    run("db", "upgrade")
    run("grade", "wmp-2021-22")
    text = run("assess", "--force", FORCE, "--from", START, "--to", END, "--format", "json")
    rows = json.loads(text)
    assert rows[0]["area"] == "victims" and rows[0]["grade_recorded"] == "Requires improvement"
    chars = json.loads(
        run(
            "assess",
            "--force",
            FORCE,
            "--from",
            START,
            "--to",
            END,
            "--characteristics",
            "--format",
            "json",
        )
    )
    assert {c["status"] for c in chars} <= {"met", "not_met", "uncertain", "missing"}
    added = json.loads(
        run(
            "afi",
            "add",
            "--force",
            FORCE,
            "--area",
            "victims",
            "--characteristic",
            "1.1.1",
            "--owner",
            "Head of contact",
            "--due",
            "2022-12-31",
            "--format",
            "json",
        )
    )
    afi_id = str(added[0]["id"])
    assert added[0]["origin"] == "suggested"
    run(
        "afi",
        "update",
        afi_id,
        "--status",
        "in_progress",
        "--action",
        "Recruit call handlers",
        "--phase",
        "engage",
        "--by",
        "Ann",
    )
    bad = runner.invoke(main, [*base, "afi", "close", afi_id, "--evidence", " "], env=env)
    assert bad.exit_code == 1 and "needs evidence" in bad.output
    run("afi", "close", afi_id, "--evidence", "999 share above 90% for six months")
    listed = json.loads(run("afi", "list", "--status", "closed", "--format", "json"))
    assert [r["id"] for r in listed] == [int(afi_id)]
    history = json.loads(run("afi", "show", afi_id, "--format", "json"))
    assert [h["action"] for h in history][:1] == ["created"]
    assert any(h["field"] == "monitoring_phase" and h["after"] == "engage" for h in history)
    assert history[-1]["field"] == "closure_evidence"
    run(
        "evidence",
        "add",
        "--force",
        FORCE,
        "--characteristic",
        "P1.2",
        "--finding",
        "met",
        "--kind",
        "victim survey",
        "--source",
        "VS 2022 Q1",
        "--date",
        "2022-01-20",
    )
    chars = json.loads(
        run(
            "assess",
            "--force",
            FORCE,
            "--from",
            START,
            "--to",
            END,
            "--characteristics",
            "--format",
            "json",
        )
    )
    assert next(c for c in chars if c["characteristic_id"] == "P1.2")["status"] == "met"


def test_cli_user_errors(lake: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["--data-dir", str(lake), "assess", "--force", FORCE])
    assert out.exit_code == 1 and "give a period" in out.output
    out = runner.invoke(
        main,
        [
            "--data-dir",
            str(lake),
            "assess",
            "--force",
            FORCE,
            "--fy",
            "2021/22",
            "--framework",
            "peel-1999",
        ],
    )
    assert out.exit_code == 1 and "peel-1999" in out.output and "Traceback" not in out.output
