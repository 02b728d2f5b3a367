"""A crime data integrity audit end to end in the library and the CLI: create, draw (verifiable),
decide (audited, versioned), second check, close, estimates, published figures."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import openpeel
from openpeel.cli import main
from openpeel.crime_audit import audits, decisions, estimates, stand_in, workflow
from openpeel.crime_audit.models import AuditDecision
from openpeel.database.engine import make_engine, session_factory
from openpeel.database.migrate import upgrade
from openpeel.indicators.crime_recording import audit_figures
from openpeel.report.audit_report import audit_report, render_audit_html
from openpeel.scrutiny import audit as audit_log
from openpeel.scrutiny import users
from openpeel.scrutiny.models import User
from openpeel.store.crime_recording import load_crime_recording_extract
from openpeel.synth.crime_recording import read_truth, write_crime_recording_extract

FORCE = "west-midlands"


@dataclass
class World:
    data: Path
    extract: Path
    engine: Engine
    url: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    folder = tmp_path_factory.mktemp("audit")
    extract = folder / "extract"
    write_crime_recording_extract(extract, FORCE, "2021-04", "2021-06", seed=8, incidents=4000)
    load_crime_recording_extract(extract, FORCE, folder / "data")
    url = f"sqlite:///{folder / 'db.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as s:
        for name, role in (("ann", "auditor"), ("bob", "auditor"), ("max", "analyst")):
            users.add_user(s, name, "a-long-password-1", role)
        s.commit()
    yield World(folder / "data", extract, engine, url)
    engine.dispose()


def _user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.username == name))
    assert user is not None
    return user


def test_a_whole_audit_in_the_library(world: World) -> None:
    truth = read_truth(world.extract)
    with session_factory(world.engine)() as s:
        ann, bob, max_ = (_user(s, n) for n in ("ann", "bob", "max"))
        audit = audits.create_audit(
            s, FORCE, "Q1 audit", date(2021, 4, 1), date(2021, 6, 30), ann.id
        )
        audits.draw_sample(s, audit, world.data, seed=42, half_width=0.05, actor_id=ann.id)
        s.commit()
        assert audit.status == "reviewing" and audit.is_synthetic
        assert audits.verify_sample(audit)
        info = audits.design_info(audit)
        assert info["frame_size"] == 4000 and 2 <= info["second_check_records"] < len(audit.records)
        assert {r.stratum for r in audit.records} == {
            "sexual_offences", "violence", "domestic_abuse", "closed_no_crime", "other"
        }  # fmt: skip
        shown = json.loads(audit.records[0].incident_json)
        assert shown["incident_id"] == audit.records[0].incident_id and "linked_crimes" in shown
        assert audit.recorded_crimes_year and audit.recorded_crimes_year > 0

        # Only auditors decide; a decision must answer what arises.
        record = audit.records[0]
        with pytest.raises(audits.AuditError, match="only auditors"):
            decisions.decide(s, record, max_, {"should_record": "no"})
        with pytest.raises(audits.AuditError, match="offence group"):
            decisions.decide(s, record, ann, {"should_record": "yes"})
        with pytest.raises(audits.AuditError, match="decision"):
            decisions.close_audit(s, audit, ann.id)

        # Provisional figures while reviewing; then everything decided from the truth.
        stand_in.decide_from_truth(s, audit, truth, ann, limit=20)
        provisional = estimates.audit_estimates(audit)
        assert provisional.is_provisional and provisional.records_decided == 20
        made = stand_in.decide_from_truth(s, audit, truth, ann, bob, disagreement=0.1, seed=3)
        assert made > 0
        s.commit()
        # A change raises the version and logs what changed.
        first = decisions.decision_of(record, "first")
        assert first is not None and first.version == 1
        changed = {"should_record": "yes", "offence_group": "theft", "is_recorded": "no"}
        if first.should_record == "yes" and first.is_recorded == "no":
            changed = {"should_record": "no"}
        decisions.decide(s, record, ann, changed)
        assert first.version == 2
        log = audit_log.entries(s, entity="crime_audit_decision")
        assert len(log) == s.scalar(select(AuditDecision.id).order_by(AuditDecision.id.desc())) + 1
        assert log[-1]["action"] == "update" and log[-1]["detail"]["notes"][1] == ""
        # The same auditor cannot be the second one.
        checked = next(r for r in audit.records if r.is_second_check)
        second = decisions.decision_of(checked, "second")
        assert second is not None and second.auditor_id == bob.id

        state = decisions.progress(audit)
        assert state.can_close
        result = workflow.finish_audit(s, audit, ann.id, world.data)
        s.commit()
        assert audit.status == "closed" and not result.is_provisional
        html = render_audit_html(audit_report(audit))
        assert "<svg" in html and "Cohen" in html and "reproduces" in html
        with pytest.raises(audits.AuditError, match="closed"):
            decisions.decide(s, record, ann, {"should_record": "no"})

    overall = result.value("recording_rate")
    assert overall is not None
    assert overall["low"] < overall["estimate"] < overall["high"]
    assert result.value("recording_rate", "violence") is not None
    assert result.value("recording_rate", "stratum:closed_no_crime") is not None
    assert result.kappa is not None and 0 < result.kappa.kappa < 1
    assert result.unrecorded is not None and result.unrecorded.low < result.unrecorded.high
    within = result.value("recorded_within_24h")
    assert within is not None and 0.7 < within["estimate"] <= 1

    # The figures are published for the report and the assessment.
    figures = audit_figures(openpeel.connect(world.data), FORCE)
    assert figures.is_synthetic
    latest = figures.table[figures.table.is_latest]
    rate = latest[(latest.measure == "recording_rate") & (latest.domain == "all")]
    assert math.isclose(rate.estimate.iloc[0], overall["estimate"])


def test_a_tampered_frame_fails_verification(world: World) -> None:
    with session_factory(world.engine)() as s:
        audit = audits.create_audit(s, FORCE, "check", date(2021, 4, 1), date(2021, 4, 30))
        audits.draw_sample(s, audit, world.data, seed=5, half_width=0.1)
        assert audits.verify_sample(audit)
        frame = json.loads(audit.frame_json)
        frame[0], frame[1] = frame[1], frame[0]
        audit.frame_json = json.dumps(frame)
        assert not audits.verify_sample(audit)
        with pytest.raises(audits.AuditError, match="already drawn"):
            audits.draw_sample(s, audit, world.data, seed=5)
        empty = audits.create_audit(s, FORCE, "none", date(2019, 1, 1), date(2019, 1, 31))
        with pytest.raises(audits.AuditError, match="no incidents"):
            audits.draw_sample(s, empty, world.data)
        with pytest.raises(audits.AuditError, match="unknown force"):
            audits.create_audit(s, "atlantis", "x", date(2021, 1, 1), date(2021, 2, 1))
        s.rollback()


def test_the_cli_creates_samples_and_reports_an_audit(world: World) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(world.data), "audit"]
    db = ["--database-url", world.url]
    made = runner.invoke(
        main, [*base, "create", "--force", FORCE, "--from", "2021-05-01", "--to", "2021-05-31",
               "--title", "May", *db],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    audit_id = made.output.split()[2].rstrip(".")
    drawn = runner.invoke(
        main, [*base, "sample", audit_id, "--seed", "9", "--half-width", "0.08", *db]
    )
    assert drawn.exit_code == 0, drawn.output and "closed_no_crime" in drawn.output
    verify = runner.invoke(main, [*base, "sample", audit_id, "--verify", *db])
    assert verify.exit_code == 0 and "reproduces" in verify.output
    status = runner.invoke(main, [*base, "status", audit_id, "--format", "json", *db])
    assert status.exit_code == 0 and '"stratum"' in status.output
    listing = runner.invoke(main, [*base, "status", "--format", "csv", *db])
    assert "May" in listing.output
    estimate = runner.invoke(main, [*base, "estimate", audit_id, "--format", "json", *db])
    assert estimate.exit_code == 0, estimate.output
    assert '"synthetic_data": true' in estimate.output and "Provisional" in estimate.output
    for suffix in ("html", "pdf"):
        out = world.data.parent / f"audit-{audit_id}.{suffix}"
        written = runner.invoke(main, [*base, "report", audit_id, str(out), *db])
        assert written.exit_code == 0, written.output
    html = (world.data.parent / f"audit-{audit_id}.html").read_text("utf-8")
    assert "SYNTHETIC" in html and "reproduces" in html and "No decided record" not in html
    assert "http://" not in html and "https://" not in html.replace("http://www.w3.org", "")
    assert (world.data.parent / f"audit-{audit_id}.pdf").read_bytes().startswith(b"%PDF")
    early = runner.invoke(main, [*base, "close", audit_id, *db])
    assert early.exit_code == 1 and "still to make" in early.output
    assert "Traceback" not in early.output
    bad = runner.invoke(main, [*base, "create", "--force", FORCE, "--from", "2021-13-01",
                               "--to", "2021-05-31", "--title", "x", *db])  # fmt: skip
    assert bad.exit_code != 0 and "Traceback" not in bad.output
