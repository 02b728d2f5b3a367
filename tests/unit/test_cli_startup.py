"""``openpeel --help`` lists every command without importing any command module or analytics
library (the one-line help of each comes from ``COMMAND_HELP``, kept equal to the command's own)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click

from openpeel.cli import COMMAND_HELP, COMMAND_MODULES

HEAVY = ("pandas", "ibis", "duckdb", "altair", "sqlalchemy", "numpy", "scipy", "pyarrow")


def test_command_help_is_each_commands_own_short_help() -> None:
    assert set(COMMAND_HELP) == set(COMMAND_MODULES)
    for name, module in COMMAND_MODULES.items():
        commands = {c.name: c for c in importlib.import_module(f"openpeel.cli.{module}").COMMANDS}
        lazy = click.Command(name, help=COMMAND_HELP[name])
        for limit in (45, 1000):
            assert lazy.get_short_help_str(limit) == commands[name].get_short_help_str(limit), name


def test_top_level_help_imports_no_analytics_library() -> None:
    script = (
        "import sys, json\n"
        "from openpeel.cli import main\n"
        "sys.argv = ['openpeel', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('openpeel.cli.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    lines = done.stdout.strip().splitlines()
    assert json.loads(lines[-2]) == []
    assert json.loads(lines[-1]) == []  # not even the output helpers
    shown = "\n".join(lines[:-2])
    for name, text in COMMAND_HELP.items():
        assert f"  {name} " in shown, name
        assert text.split()[0] in shown
