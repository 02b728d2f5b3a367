"""The README's commands work as shown: the block it shows after ``make demo`` is what ``openpeel
demo`` prints, and each line of it runs, unedited, against a demo lake in ``./demo-data``; every
other ``openpeel`` line the README shows names a command and options that exist."""

from __future__ import annotations

import re
import shlex
import time
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.cli.data import DEMO_NEXT_COMMANDS, demo_next_commands
from openpeel.demo import build_demo

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- demo-commands"


def _blocks(text: str) -> list[list[str]]:
    return [b.strip().splitlines() for b in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def demo_block() -> list[str]:
    """The ``sh`` block that follows the demo-commands marker in the README."""
    text = README.read_text(encoding="utf-8")
    after = text[text.index(MARKER) :]
    return _blocks(after)[0]


def _args(line: str) -> list[str]:
    words = shlex.split(line, comments=True)
    assert words[0] in ("openpeel", ".venv/bin/openpeel"), line
    return words[1:]


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``demo-data`` as ``make demo`` leaves it (smaller, same shape)."""
    folder = tmp_path_factory.mktemp("fresh-clone")
    build_demo(
        folder / "demo-data",
        scale=0.03,
        calls_scale=0.01,
        offenders=150,
        vulnerability_scale=0.01,
    )
    return folder


def test_the_readme_shows_what_the_demo_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(README.parent)
    assert demo_block() == demo_next_commands(README.parent / "demo-data")
    assert len(demo_block()) == len(DEMO_NEXT_COMMANDS)


@pytest.mark.parametrize("line", demo_block())
def test_each_demo_command_works_unedited(
    demo_folder: Path, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    import uvicorn

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    monkeypatch.chdir(demo_folder)
    monkeypatch.delenv("OPENPEEL_DATA_DIR", raising=False)
    start = time.perf_counter()
    result = CliRunner().invoke(main, _args(line))
    assert result.exit_code == 0, f"{line}\n{result.output}"
    assert "Traceback" not in result.output
    assert "no data" not in result.output.lower()
    if "serve" in _args(line):
        assert len(served) == 1  # the app was built: data and database found
    else:
        assert result.stdout.strip(), line
    if "--out" in line:
        out = demo_folder / _args(line)[_args(line).index("--out") + 1]
        assert out.stat().st_size > 10_000
    assert time.perf_counter() - start < 300


def _known(command: click.Command, args: list[str]) -> None:
    """Each ``--option`` of ``args`` is one of the command's (after walking its subgroups)."""
    ctx = click.Context(command)
    while isinstance(command, click.Group):
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        while args and args[0].startswith("-"):
            option = args.pop(0).split("=")[0]
            assert option in options, f"{command.name}: no option {option}"
            param = next(p for p in command.params if option in getattr(p, "opts", []))
            if not getattr(param, "is_flag", False):
                args.pop(0)
        if not args:
            return
        sub = command.get_command(ctx, args[0])
        assert sub is not None, f"{command.name}: no command {args[0]!r}"
        command, args = sub, args[1:]
    options = {o for p in command.params for o in getattr(p, "opts", [])} | {"--help"}
    for word in args:
        if word.startswith("--"):
            assert word.split("=")[0] in options, f"{command.name}: no option {word}"


def test_every_other_command_the_readme_shows_exists() -> None:
    lines = [
        line
        for block in _blocks(README.read_text(encoding="utf-8"))
        for line in block
        if line.startswith(("openpeel ", ".venv/bin/openpeel "))
    ]
    assert len(lines) >= 15
    for line in lines:
        _known(main, _args(line))
