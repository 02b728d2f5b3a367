"""The ``openpeel`` command line: thin faces over the library (parse, call, print).

Each module in this package holds the commands of one noun and lists them in ``COMMANDS``;
this file registers them on the ``openpeel`` group.
"""

from __future__ import annotations

from pathlib import Path

import click

from openpeel.cli import data
from openpeel.cli.output import Context


@click.group()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (default: $OPENPEEL_DATA_DIR, then a per-user folder).",
)
@click.version_option(package_name="openpeel")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """openpeel: police effectiveness, efficiency and legitimacy, measured from data."""
    ctx.obj = Context(data_dir)


for _module in (data,):
    for _command in _module.COMMANDS:
        main.add_command(_command)
