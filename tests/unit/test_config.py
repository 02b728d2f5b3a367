"""Settings: resolved once into a workspace, every one listed by `openpeel config` and
documented in docs/configuration.md (tested against the settings class, as datasette does)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.cli.output import Context
from openpeel.config import Settings, describe_settings, workspace, workspace_for

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"


def _doc_rows() -> dict[str, str]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(OPENPEEL_[A-Z_]+)` \|(.*)$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_every_setting_is_described_and_documented_with_its_default() -> None:
    rows = _doc_rows()
    described = describe_settings(workspace(Path("/data")))
    assert [s.name for s in described] == list(Settings.model_fields)
    for setting in described:
        assert setting.description, f"{setting.name} has no description"
        assert setting.env_var in rows, f"{setting.env_var} is not in docs/configuration.md"
        if setting.default:
            assert setting.default in rows[setting.env_var], setting.env_var
    assert set(rows) == {s.env_var for s in described}, "docs list a setting that is not one"


def test_every_environment_variable_the_code_reads_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set()
    for folder in ("src", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            named |= set(re.findall(r"OPENPEEL_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    assert named, "the scan found nothing"
    missing = sorted(v for v in named if f"`{v}`" not in text)
    assert not missing, f"not in docs/configuration.md: {missing}"


def test_options_override_the_environment_without_touching_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENPEEL_ENGINE", "duckdb")
    monkeypatch.setenv("OPENPEEL_DATA_DIR", str(tmp_path / "env"))
    ctx = Context(tmp_path / "option", engine="spark")
    assert ctx.workspace.engine == "spark"
    assert ctx.data_dir == tmp_path / "option"
    assert ctx.workspace.database_url == f"sqlite:///{tmp_path / 'option' / 'openpeel.db'}"
    assert os.environ["OPENPEEL_ENGINE"] == "duckdb"
    assert workspace_for(ctx.workspace) is ctx.workspace
    assert workspace_for(None).data_dir == tmp_path / "env"


def test_config_command_lists_every_setting_with_the_values_in_use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENPEEL_DATABASE_URL", "postgresql://panel:secret-pass@db/openpeel")
    result = CliRunner().invoke(
        main, ["--data-dir", str(tmp_path), "--engine", "spark", "config", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert set(rows) == set(Settings.model_fields)
    assert rows["engine"]["value"] == "spark"
    assert rows["engine"]["env_var"] == "OPENPEEL_ENGINE"
    assert rows["data_dir"]["value"] == str(tmp_path)
    assert "secret-pass" not in result.output
    assert rows["database_url"]["value"] == "postgresql://panel:***@db/openpeel"
