"""The ``openpeel`` command line: thin faces over the library (parse, call, print).

Each module in this package holds the commands of one noun and lists them in ``COMMANDS``;
this file registers them on the ``openpeel`` group.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from openpeel.cli import assess, calls, crime, data, report, scrutiny, stop_search
from openpeel.cli.output import Context


@click.group()
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
    if engine:
        # The option is the setting for this process: every openpeel.connect() reads it.
        os.environ["OPENPEEL_ENGINE"] = engine
    ctx.obj = Context(data_dir)


for _module in (data, crime, stop_search, scrutiny, calls, report, assess):
    for _command in _module.COMMANDS:
        main.add_command(_command)
