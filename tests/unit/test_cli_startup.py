"""``openpeel --help`` lists every command without importing any command module or analytics
library (the one-line help of each comes from ``COMMAND_HELP``, kept equal to the command's own)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click
import pytest

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


#: What --help must not import (issue "Fast where people wait"): the analytics and database
#: libraries that made every command's help take seconds.
NOT_FOR_HELP = ("pandas", "ibis", "duckdb", "altair", "sqlalchemy", "numpy", "scipy", "pyarrow")


def _help_script(names: list[str]) -> str:
    """A program printing the help of each command in ``names`` and of every subcommand under
    it, then the heavy modules it imported (as its last line, JSON)."""
    return (
        "import sys, json, click\n"
        "from click.testing import CliRunner\n"
        "from openpeel.cli import main\n"
        "runner = CliRunner()\n"
        "def walk(path, command):\n"
        "    result = runner.invoke(main, [*path, '--help'])\n"
        "    assert result.exit_code == 0, (path, result.output)\n"
        "    if isinstance(command, click.Group):\n"
        "        ctx = click.Context(command)\n"
        "        for name in command.list_commands(ctx):\n"
        "            walk([*path, name], command.get_command(ctx, name))\n"
        f"for name in {names!r}:\n"
        "    walk([name], main.get_command(click.Context(main), name))\n"
        f"print(json.dumps([m for m in {NOT_FOR_HELP!r} if m in sys.modules]))\n"
    )


@pytest.mark.parametrize("module", sorted(set(COMMAND_MODULES.values())))
def test_every_subcommand_help_imports_no_analytics_library(module: str) -> None:
    names = sorted(n for n, m in COMMAND_MODULES.items() if m == module)
    done = subprocess.run(
        [sys.executable, "-c", _help_script(names)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [], names


def test_the_choices_written_for_help_are_the_librarys() -> None:
    from openpeel.assess import models as assess_models
    from openpeel.cli import assess, crime, scrutiny, stop_search
    from openpeel.indicators import investigations, stop_search_models, stop_search_outcomes
    from openpeel.indicators import stop_search as ss
    from openpeel.indicators.crime import crime_type_codes
    from openpeel.scrutiny import models as scrutiny_models
    from openpeel.scrutiny import sampling
    from openpeel.stats.rate_ratio import METHODS

    assert stop_search.CENSUS2021 == ss.CENSUS2021
    assert stop_search.ALL == stop_search_outcomes.ALL
    assert tuple(METHODS) == stop_search.METHODS
    assert tuple(stop_search_models.POSITIVES) == stop_search.POSITIVES
    assert tuple(stop_search_models.CLOCKS) == stop_search.CLOCKS
    assert crime_type_codes() == crime.CRIME_TYPES
    assert tuple(investigations.MEASURES) == crime.MEASURES
    assert crime.COMPLETE_AFTER_MONTHS == investigations.COMPLETE_AFTER_MONTHS
    assert tuple(scrutiny_models.ROLES) == scrutiny.ROLES
    assert tuple(sampling.DESIGNS) == scrutiny.DESIGNS
    assert scrutiny.STRATA_HELP == sampling.STRATA_HELP
    assert tuple(assess_models.IMPROVEMENT_KINDS) == assess.IMPROVEMENT_KINDS
    assert tuple(assess_models.MONITORING_PHASES) == assess.MONITORING_PHASES
