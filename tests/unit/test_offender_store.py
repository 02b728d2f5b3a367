"""Loading an offender management extract: reloads never duplicate, a row with a personal
identifier is rejected with its reason, a bad file is refused in one line and changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import openpeel
from openpeel.cli import main
from openpeel.errors import SourceFormatError, UserInputError
from openpeel.sources.offenders import EXTRACT_FILES
from openpeel.store.offenders import load_offender_extract, stored_table
from openpeel.synth.offenders import write_offender_extract

FORCE = "west-midlands"


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("extract")
    write_offender_extract(out, FORCE, "2023-04", "2024-03", seed=5, offenders=150)
    return out


def _copy(extract: Path, tmp_path: Path) -> Path:
    target = tmp_path / "extract"
    shutil.copytree(extract, target)
    return target


def _tables(data: Path) -> dict[str, pd.DataFrame]:
    return {s.table: stored_table(s.table, FORCE, data).to_pandas() for s in [*EXTRACT_FILES]} | {
        "rejects": stored_table("rejects", FORCE, data).to_pandas()
    }


def test_loading_the_same_extract_twice_changes_nothing(extract: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = load_offender_extract(extract, FORCE, data)
    before = _tables(data)
    second = load_offender_extract(extract, FORCE, data)
    after = _tables(data)
    for name, table in before.items():
        pd.testing.assert_frame_equal(table, after[name], obj=name)
    assert first.as_at == second.as_at and first.is_synthetic
    assert second.rows_replaced["offenders"] == len(before["offenders"])
    for f in first.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected
        written = pd.read_csv(extract / f.source_file)
        assert f.rows_read == len(written)
    con = openpeel.connect(data)
    assert con.table("offenders").count().execute() == len(before["offenders"])
    snapshots = con.table("offender_visits").select("snapshot").distinct().execute()["snapshot"]
    assert list(snapshots) == [first.snapshot] and first.snapshot.startswith("synthetic")


def test_a_changed_row_replaces_the_stored_one(extract: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = _copy(extract, tmp_path)
    load_offender_extract(folder, FORCE, data)
    offenders = pd.read_csv(folder / "offenders.csv", dtype=str, keep_default_na=False)
    target = offenders["offender_id"].iloc[0]
    offenders.loc[0, "risk_level"] = (
        "very_high" if offenders.loc[0, "risk_level"] != "very_high" else "low"
    )
    new_level = offenders.loc[0, "risk_level"]
    offenders.to_csv(folder / "offenders.csv", index=False)
    load_offender_extract(folder, FORCE, data)
    stored = stored_table("offenders", FORCE, data).to_pandas()
    assert len(stored) == len(offenders)
    assert stored.loc[stored["offender_id"] == target, "risk_level"].tolist() == [new_level]


def test_a_row_with_a_personal_identifier_is_rejected(extract: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = _copy(extract, tmp_path)
    path = folder / "offenders.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first_id = lines[1].split(",")[0]
    lines.append(lines[1].replace(first_id, "19/123456X"))
    lines.append(lines[2].replace(lines[2].split(",")[0], "John Smith"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    visits = folder / "home_visits.csv"
    vlines = visits.read_text(encoding="utf-8").splitlines()
    fields = vlines[1].split(",")
    vlines.append(",".join(["hv-new-visit", "rso-not-registered", *fields[2:]]))
    visits.write_text("\n".join(vlines) + "\n", encoding="utf-8")
    report = load_offender_extract(folder, FORCE, data)
    rejects = stored_table("rejects", FORCE, data).to_pandas()
    reasons = list(rejects["reason"])
    assert any("Police National Computer" in r for r in reasons)
    assert any("person's name" in r for r in reasons)
    assert any("not in offenders.csv" in r for r in reasons)
    assert report.rows_rejected == 3
    stored = stored_table("offenders", FORCE, data).to_pandas()
    assert not stored["offender_id"].isin(["19/123456X", "John Smith"]).any()
    assert "19/123456X" not in " ".join(rejects["raw_row"])
    assert "John Smith" not in " ".join(rejects["raw_row"])


def test_a_bad_file_is_refused_and_the_lake_is_unchanged(extract: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    load_offender_extract(extract, FORCE, data)
    before = _tables(data)
    folder = _copy(extract, tmp_path)
    text = (folder / "home_visits.csv").read_text(encoding="utf-8")
    (folder / "home_visits.csv").write_text(text.replace("visit_type", "date_of_birth", 1))
    with pytest.raises(SourceFormatError, match=r"^home_visits\.csv: undeclared column"):
        load_offender_extract(folder, FORCE, data)
    (folder / "home_visits.csv").unlink()
    with pytest.raises(SourceFormatError, match=r"home_visits\.csv is missing"):
        load_offender_extract(folder, FORCE, data)
    with pytest.raises(UserInputError, match="unknown force"):
        load_offender_extract(extract, "atlantis", data)
    after = _tables(data)
    for name, table in before.items():
        pd.testing.assert_frame_equal(table, after[name], obj=name)


def test_optional_files_may_be_absent(extract: Path, tmp_path: Path) -> None:
    folder = _copy(extract, tmp_path)
    (folder / "device_checks.csv").unlink()
    report = load_offender_extract(folder, FORCE, tmp_path / "data")
    assert report.files_absent == ["device_checks.csv"]
    assert stored_table("offender_device_checks", FORCE, tmp_path / "data").num_rows == 0


def test_the_cli_loads_and_refuses_in_one_line(extract: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data")]
    ok = runner.invoke(main, [*base, "offenders", "load", str(extract), "--format", "csv"])
    assert ok.exit_code == 0, ok.output
    assert (
        ok.output.splitlines()[0] == "file,table,rows_read,rows_loaded,rows_rejected,rows_replaced"
    )
    bad = runner.invoke(main, [*base, "offenders", "load", str(tmp_path / "nowhere")])
    assert bad.exit_code == 1
    assert "not a folder" in bad.output and "Traceback" not in bad.output
    wrong = runner.invoke(main, [*base, "offenders", "caseload", "--as-at", "31/03/2024"])
    assert wrong.exit_code == 1 and "not a date" in wrong.output
    empty = runner.invoke(main, ["--data-dir", str(tmp_path / "none"), "offenders", "overdue"])
    assert empty.exit_code == 1 and "no offender management extract is loaded" in empty.output


def test_synth_offenders_writes_a_labelled_extract(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "synthetic"
    made = runner.invoke(
        main, ["synth", "offenders", str(out), "--offenders", "40", "--from", "2023-10",
               "--to", "2024-03"]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "SYNTHETIC" in made.output
    assert {s.file_name for s in EXTRACT_FILES} <= {p.name for p in out.iterdir()}
    assert (out / "SYNTHETIC.json").is_file()
    police = runner.invoke(main, ["synth", str(tmp_path / "archive"), "--from", "2021-04",
                                  "--to", "2021-04", "--scale", "0.01"])  # fmt: skip
    assert police.exit_code == 0, police.output


def test_the_documentation_declares_every_file_column_and_code() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "offenders.md").read_text("utf-8")
    missing = [
        f"{spec.file_name}:{item}"
        for spec in EXTRACT_FILES
        for item in (
            spec.file_name,
            *(f"`{c.name}`" for c in spec.columns),
            *(f"`{code}`" for c in spec.columns for code in c.codes),
        )
        if item not in docs
    ]
    assert not missing, f"not in docs/offenders.md: {missing}"
