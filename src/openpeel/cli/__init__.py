"""The ``openpeel`` command line: thin faces over the library (parse, call, print).

Each module in this package holds the commands of one noun and lists them in ``COMMANDS``.
Modules are imported only when one of their commands runs (``openpeel --help`` should not wait
for every analytics library to load); ``COMMAND_MODULES`` says where each command lives, and a
test checks it against every module's ``COMMANDS``. Options several commands share are declared
once in ``options.py``. May import every layer (it is the top one, beside ``migrations``); nothing
imports it but the ``openpeel`` script and tests.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from openpeel.cli.output import Context

#: Command name -> the module (in this package) that defines it.
COMMAND_MODULES: dict[str, str] = {
    "ingest": "data",
    "status": "data",
    "population": "data",
    "synth": "data",
    "fetch": "data",
    "demo": "data",
    "crime": "crime",
    "outcomes": "crime",
    "stop-search": "stop_search",
    "calls": "calls",
    "charter": "calls",
    "report": "report",
    "assess": "assess",
    "afi": "assess",
    "grade": "assess",
    "evidence": "assess",
    "db": "scrutiny",
    "users": "scrutiny",
    "panels": "scrutiny",
    "scrutiny": "scrutiny",
    "serve": "scrutiny",
    "config": "config",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMAND_MODULES:
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(f"openpeel.cli.{COMMAND_MODULES[cmd_name]}")
        for command in module.COMMANDS:
            self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (default: $OPENPEEL_DATA_DIR, then a per-user folder).",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default=None,
    help="Query engine (default: $OPENPEEL_ENGINE, then duckdb). Spark needs PySpark and Java.",
)
@click.version_option(package_name="openpeel")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, engine: str | None) -> None:
    """openpeel: police effectiveness, efficiency and legitimacy, measured from data."""
    ctx.obj = Context(data_dir, engine=engine)
