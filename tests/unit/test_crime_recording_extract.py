"""The crime recording extract: documented, generated with a known truth, loaded through the lake's
one commit path; reloads never duplicate; personal data and unknown incidents are rejected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import openpeel
from openpeel.cli import main
from openpeel.errors import SourceFormatError, UserInputError
from openpeel.sources.crime_recording import EXTRACT_FILES, INCIDENT_TYPES
from openpeel.store.crime_recording import load_crime_recording_extract, stored_extract
from openpeel.synth.crime_recording import (
    CRIME_SHARE,
    RECORDING_RATE,
    TYPE_MIX,
    generate_crime_recording,
    read_truth,
    true_recording_rate,
    write_crime_recording_extract,
)

FORCE = "west-midlands"


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("recording")
    write_crime_recording_extract(out, FORCE, "2021-04", "2021-06", seed=3, incidents=3000)
    return out


def _copy(extract: Path, tmp_path: Path) -> Path:
    target = tmp_path / "extract"
    shutil.copytree(extract, target)
    return target


def test_the_documentation_declares_every_file_column_and_code() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "crime_recording.md").read_text("utf-8")
    missing = [
        f"{spec.file_name}:{item}"
        for spec in EXTRACT_FILES
        for item in (
            spec.file_name,
            *(f"`{c.name}`" for c in spec.columns),
            *(f"`{code}`" for c in spec.columns for code in c.codes if c.name[:3] != "is_"),
        )
        if item not in docs
    ]
    assert not missing, f"not in docs/crime_recording.md: {missing}"


def test_the_generator_covers_every_incident_type_with_a_known_rate() -> None:
    assert set(TYPE_MIX) == set(INCIDENT_TYPES) == set(RECORDING_RATE) == set(CRIME_SHARE)
    assert sum(TYPE_MIX.values()) == pytest.approx(1.0)
    _, crimes, truth = generate_crime_recording(FORCE, "2021-04", "2021-09", 11, 60_000)
    # Each type's realised recording rate is its declared rate within sampling error.
    for kind, rate in RECORDING_RATE.items():
        should = truth[(truth.incident_type == kind) & truth.should_record]
        se = (rate * (1 - rate) / len(should)) ** 0.5
        assert abs(should.is_recorded.mean() - rate) < 4 * se + 1e-9, kind
    # Only recorded crimes are in the extract, and each is linked to exactly one incident.
    linked = crimes[crimes.incident_id != ""]
    assert len(linked) == int(truth.is_recorded.sum())
    assert set(linked.incident_id) == set(truth.incident_id[truth.is_recorded])
    # The overall rate is the crime-weighted mix of the types' rates.
    assert 0.75 < true_recording_rate(truth) < 0.9


def test_loading_the_same_extract_twice_changes_nothing(extract: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = load_crime_recording_extract(extract, FORCE, data)
    before = {s.table: stored_extract(s.table, FORCE, data) for s in EXTRACT_FILES}
    second = load_crime_recording_extract(extract, FORCE, data)
    after = {s.table: stored_extract(s.table, FORCE, data) for s in EXTRACT_FILES}
    for name, table in before.items():
        pd.testing.assert_frame_equal(table, after[name], obj=name)
    assert first.is_synthetic and first.snapshot.startswith("synthetic-crime-recording")
    assert second.rows_replaced["recording_incidents"] == 3000
    for f in first.files:
        assert (
            f.rows_read
            == f.rows_loaded + f.rows_rejected
            == len(pd.read_csv(extract / f.source_file))
        )
    con = openpeel.connect(data)
    assert con.table("recording_incidents").count().execute() == 3000
    crimes = con.table("recorded_crimes").execute()
    assert set(crimes.force_id) == {FORCE}
    assert crimes.recorded_at.dtype.kind == "M"  # times keep their minutes
    assert len(crimes) == len(before["recorded_crimes"])
    truth = read_truth(extract)
    assert len(truth) == 3000 and truth.should_record.dtype == bool


def test_personal_data_unknown_incidents_and_bad_times_are_rejected(
    extract: Path, tmp_path: Path
) -> None:
    folder = _copy(extract, tmp_path)
    incidents = pd.read_csv(folder / "incidents.csv", dtype=str)
    incidents.loc[0, "incident_id"] = "19/123456X"  # a PNC number
    incidents.loc[1, "opened_at"] = "01/04/2021 10:00"
    incidents.to_csv(folder / "incidents.csv", index=False)
    crimes = pd.read_csv(folder / "recorded_crimes.csv", dtype=str, keep_default_na=False)
    crimes.loc[0, "incident_id"] = "inc-not-there"
    crimes.to_csv(folder / "recorded_crimes.csv", index=False)
    report = load_crime_recording_extract(folder, FORCE, tmp_path / "data")
    by_table = {f.table_name: f for f in report.files}
    assert by_table["recording_incidents"].rows_rejected == 2
    assert by_table["recorded_crimes"].rows_rejected >= 1
    rejects = openpeel.connect(tmp_path / "data").table("rejects").execute()
    reasons = " | ".join(rejects.reason)
    assert "Police National Computer" in reasons
    assert "YYYY-MM-DD HH:MM" in reasons
    assert "not in incidents.csv" in reasons
    assert "19/123456X" not in " ".join(rejects.raw_row)  # withheld, never stored


def test_an_undeclared_column_or_a_missing_file_refuses_the_load(
    extract: Path, tmp_path: Path
) -> None:
    folder = _copy(extract, tmp_path)
    incidents = pd.read_csv(folder / "incidents.csv", dtype=str)
    incidents["victim_name"] = "x"
    incidents.to_csv(folder / "incidents.csv", index=False)
    with pytest.raises(SourceFormatError, match="undeclared column"):
        load_crime_recording_extract(folder, FORCE, tmp_path / "data")
    (folder / "recorded_crimes.csv").unlink()
    with pytest.raises(SourceFormatError, match=r"recorded_crimes\.csv is missing"):
        load_crime_recording_extract(folder, FORCE, tmp_path / "data")
    with pytest.raises(UserInputError, match="unknown force"):
        load_crime_recording_extract(extract, "atlantis", tmp_path / "data")
    assert not (tmp_path / "data" / "lake" / "recording_incidents").exists()


def test_the_cli_writes_and_loads_a_synthetic_extract(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "synth"
    made = runner.invoke(main, ["synth", "crime-recording", str(out), "--incidents", "200"])
    assert made.exit_code == 0, made.output
    assert "SYNTHETIC" in made.output and (out / "SYNTHETIC.json").is_file()
    loaded = runner.invoke(
        main,
        ["--data-dir", str(tmp_path / "data"), "audit", "load", str(out), "--force", FORCE,
         "--format", "json"],
    )  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    assert '"synthetic_data": true' in loaded.output
    bad = runner.invoke(main, ["--data-dir", str(tmp_path), "audit", "load", str(tmp_path / "no")])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
