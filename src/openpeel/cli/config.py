"""``openpeel config``: every setting, its environment variable, default and current value."""

from __future__ import annotations

import click

from openpeel.cli.lazy import library
from openpeel.cli.output import FORMAT, Context, as_rows, emit

describe_settings = library("config", "describe_settings")


@click.command("config")
@FORMAT
@click.pass_obj
def config_command(obj: Context, fmt: str) -> None:
    """List every setting: name, environment variable, default, current value, meaning.

    The current value is the one this command runs with (options over environment over
    defaults). docs/configuration.md explains each setting at more length.
    """
    emit(as_rows(describe_settings(obj.workspace)), fmt, title="Settings")


COMMANDS = (config_command,)
