"""A second ``openpeel demo`` (and so a second ``make demo``) does not redo a finished demo: the
data directory records what built it, and only the same openpeel with the same seed and scale
counts as finished. ``--rebuild`` builds it again."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import openpeel.demo as demo_module
from openpeel.cli import main
from openpeel.demo import (
    FINISHED,
    DemoLake,
    demo_fingerprint,
    finished_demo,
    forget_finished,
    mark_finished,
)


def _finished(tmp_path: Path, seed: int = 1) -> tuple[Path, dict[str, object]]:
    """A data directory marked as holding a finished demo (two report files, no lake)."""
    data_dir = tmp_path / "demo-data"
    data_dir.mkdir()
    reports = {"html": data_dir / "report.html", "pdf": data_dir / "report.pdf"}
    for path in reports.values():
        path.write_text("synthetic report")
    lake = DemoLake.__new__(DemoLake)
    lake.data_dir, lake.reports = data_dir, reports
    fingerprint = demo_fingerprint(seed=seed, scale=1.0, start="2021-04", end="2022-03")
    mark_finished(lake, fingerprint)
    return data_dir, fingerprint


def test_a_finished_demo_is_found_only_for_the_same_build(tmp_path: Path) -> None:
    data_dir, fingerprint = _finished(tmp_path)
    assert finished_demo(data_dir, fingerprint) == {
        "html": str(data_dir / "report.html"),
        "pdf": str(data_dir / "report.pdf"),
    }
    other_seed = demo_fingerprint(seed=2, scale=1.0, start="2021-04", end="2022-03")
    assert finished_demo(data_dir, other_seed) is None
    stored = json.loads((data_dir / FINISHED).read_text())
    stored["built_by"]["code"] = "0" * 16  # another checkout of openpeel
    (data_dir / FINISHED).write_text(json.dumps(stored))
    assert finished_demo(data_dir, fingerprint) is None


def test_a_demo_missing_a_report_or_unmarked_is_not_finished(tmp_path: Path) -> None:
    data_dir, fingerprint = _finished(tmp_path)
    (data_dir / "report.pdf").unlink()
    assert finished_demo(data_dir, fingerprint) is None
    forget_finished(data_dir)
    assert not (data_dir / FINISHED).exists()
    assert finished_demo(data_dir, fingerprint) is None
    (data_dir / FINISHED).write_text("not json")
    assert finished_demo(data_dir, fingerprint) is None
    forget_finished(tmp_path / "nowhere")  # nothing to forget is no error


def test_the_fingerprint_follows_the_code(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "openpeel"
    package.mkdir()
    (package / "__init__.py").write_text("x = 1\n")
    monkeypatch.setattr(demo_module.openpeel, "__file__", str(package / "__init__.py"))
    first = demo_fingerprint(seed=1)
    (package / "__init__.py").write_text("x = 2\n")
    assert demo_fingerprint(seed=1)["code"] != first["code"]
    assert demo_fingerprint(seed=1)["version"] == demo_module.openpeel.__version__


def test_a_second_demo_run_says_so_and_builds_nothing(tmp_path: Path, monkeypatch) -> None:
    data_dir, _ = _finished(tmp_path)
    built: list[int] = []

    def no_build(*args: object, **kwargs: object) -> None:
        built.append(1)
        raise RuntimeError("the finished demo was built again")

    monkeypatch.setattr(demo_module, "build_demo", no_build)
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "demo"])
    assert result.exit_code == 0, result.output
    assert "already holds the finished SYNTHETIC demo" in result.stdout
    assert "--rebuild" in result.stdout and str(data_dir / "report.html") in result.stdout
    assert not built
    # --rebuild forgets the mark first, so a rebuild stopped part-way is not taken as finished.
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "demo", "--rebuild"])
    assert built == [1] and not (data_dir / FINISHED).exists()


def test_another_seed_is_built(tmp_path: Path, monkeypatch) -> None:
    seed = 3
    data_dir, _ = _finished(tmp_path)
    calls: list[int] = []

    def fake_build(where: object, **kwargs: object) -> DemoLake:
        calls.append(int(kwargs["seed"]))  # type: ignore[call-overload]
        raise RuntimeError("stop after the call")

    monkeypatch.setattr(demo_module, "build_demo", fake_build)
    CliRunner().invoke(main, ["--data-dir", str(data_dir), "demo", "--seed", str(seed)])
    assert calls == [seed]
