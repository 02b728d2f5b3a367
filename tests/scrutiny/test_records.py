"""Import of force-internal search records and the synthetic generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from openpeel.cli import main
from openpeel.database.engine import session_scope
from openpeel.scrutiny import records
from openpeel.scrutiny.models import ImportReject, SearchRecord
from openpeel.synth.search_records import write_search_records

HEADER = ",".join(records.KNOWN)


def row(**values: str) -> str:
    base = {
        "search_id": "S-1",
        "force_id": "west-midlands",
        "officer_pseudonym": "OFF-abc123",
        "datetime": "2024-02-03T10:15:00",
        "type": "person",
        "legislation": "mda_s23",
        "outcome": "no_further_action",
        "self_defined_ethnicity": "B1",
        "age_range": "10-17",
    }
    base.update(values)
    return ",".join(base.get(c, "") for c in records.KNOWN)


def test_synthetic_generator_is_reproducible_and_labelled(tmp_path: Path) -> None:
    a = write_search_records(tmp_path / "a.csv", rows=50, seed=5)
    b = write_search_records(tmp_path / "b.csv", rows=50, seed=5)
    c = write_search_records(tmp_path / "c.csv", rows=50, seed=6)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    lines = a.read_text().splitlines()
    assert lines[0] == HEADER
    assert all(line.endswith(",true") for line in lines[1:])
    with pytest.raises(KeyError):
        write_search_records(tmp_path / "d.csv", force_id="atlantis")


def test_import_loads_every_row_and_never_duplicates(engine: Engine, tmp_path: Path) -> None:
    path = write_search_records(tmp_path / "r.csv", rows=120, seed=9)
    with session_scope(engine) as s:
        first = records.import_file(s, path)
    assert (first.rows_read, first.rows_new, first.rows_rejected) == (120, 120, 0)
    with session_scope(engine) as s:
        second = records.import_file(s, path)
        count = s.scalar(select(func.count(SearchRecord.id)))
        assert records.has_synthetic_records(s)
    assert (second.rows_read, second.rows_loaded, second.rows_already_present) == (120, 120, 120)
    assert second.rows_new == 0
    assert count == 120


def test_rejects_carry_reasons_and_counts_add_up(engine: Engine) -> None:
    lines = [
        HEADER,
        row(),
        row(search_id=""),
        row(search_id="S-2", datetime="yesterday"),
        row(search_id="S-3", officer_pseudonym="123456"),
        row(search_id="S-4", force_id="atlantis"),
        row(),  # duplicate in file
        row(search_id="S-5", latitude="123"),
        row(search_id="S-6", removal_of_more_than_outer_clothing="maybe"),
        row(search_id="S-7", legislation="Police and Criminal Evidence Act 1984 (section 1)"),
        row(search_id="S-8", outcome="Sent to the moon"),
        row(search_id="S 9"),
        row(search_id="S-10") + ",extra",
    ]
    with session_scope(engine) as s:
        result = records.import_text(s, "\n".join(lines) + "\n", "mixed.csv")
        reasons = dict(result.rejects)
        stored = s.scalars(select(ImportReject.reason)).all()
        s60 = s.scalar(select(SearchRecord).where(SearchRecord.search_id == "S-7"))
        moon = s.scalar(select(SearchRecord).where(SearchRecord.search_id == "S-8"))
        first = s.scalar(select(SearchRecord).where(SearchRecord.search_id == "S-1"))
        assert s60 is not None and s60.legislation_code == "pace_s1"
        assert moon is not None and moon.outcome_code == "unknown"
        assert first is not None and first.age_group == "under_18"
        assert first.ethnic_group == "black"
    assert result.rows_read == 12
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    assert result.rows_loaded == 3
    assert len(stored) == result.rows_rejected == 9
    assert reasons[3] == "search_id is blank"
    assert "ISO 8601" in reasons[4]
    assert "collar number" in reasons[5]
    assert "unknown force_id" in reasons[6]
    assert "duplicate search_id" in reasons[7]
    assert "latitude out of range" in reasons[8]
    assert "true/false" in reasons[9]
    assert "characters other than" in reasons[12]
    assert reasons[13] == "more fields than columns"
    assert result.unknown_values == {"stop_search_outcome=Sent to the moon": 1}


def test_changed_content_under_an_existing_id_is_rejected(engine: Engine) -> None:
    with session_scope(engine) as s:
        records.import_text(s, f"{HEADER}\n{row()}\n", "a.csv")
    with session_scope(engine) as s:
        result = records.import_text(s, f"{HEADER}\n{row(outcome='arrest')}\n", "b.csv")
    assert result.rows_rejected == 1
    assert "different content" in result.rejects[0][1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"a,b,c\n1,2,3\n", "missing columns"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(main, [*base, "db", "upgrade"]).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    result = runner.invoke(main, [*base, "scrutiny", "import", str(bad)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2


def test_cli_synth_and_import_json(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(main, [*base, "db", "upgrade"]).exit_code == 0
    out = tmp_path / "s.csv"
    made = runner.invoke(main, [*base, "scrutiny", "synth", str(out), "--rows", "40"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(main, [*base, "scrutiny", "import", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["files"][0]["rows_read"] == 40
    assert data["files"][0]["rows_loaded"] == 40
    bad = runner.invoke(main, [*base, "scrutiny", "synth", str(out), "--force", "atlantis"])
    assert bad.exit_code == 1
    assert "unknown force" in bad.output
