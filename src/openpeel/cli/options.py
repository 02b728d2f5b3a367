"""Options several commands share, declared once: the period, the force, the database URL.

A command takes ``@PERIOD`` for ``--from``/``--to``/``--fy`` (parsed by ``Period.parse``), one of
the ``force_option`` variants for ``--force``, and ``@DATABASE_URL`` for the operational
database. Keeping them here keeps their names, metavars and help the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

FORCE_HELP = "data.police.uk force id, e.g. west-midlands."


class ForceIdType(click.ParamType):
    """A data.police.uk force id, checked against the reference list as the command line is
    read: a typo fails at once with the nearest ids ("did you mean west-yorkshire?"), before
    any file is searched or any data is read."""

    name = "force"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from openpeel.reference.forces import forces, unknown_force_message

        text = str(value).strip()
        if text in forces():
            return text
        if text.lower() in forces():
            return text.lower()
        # A one-line error with exit 1 like every other user mistake (``self.fail`` would print
        # click's three-line usage error with exit 2).
        raise click.ClickException(unknown_force_message(text))


#: The type of every ``--force`` option.
FORCE_ID = ForceIdType()


def PERIOD(func: F) -> F:
    """``--from``, ``--to`` and ``--fy``: a month range or a financial year."""
    for option in reversed(
        (
            click.option("--from", "start", metavar="YYYY-MM", help="First month."),
            click.option("--to", "end", metavar="YYYY-MM", help="Last month."),
            click.option(
                "--fy", metavar="YYYY/YY", help="A financial year instead of --from/--to."
            ),
        )
    ):
        func = option(func)
    return func


def force_option(
    required: bool = True, multiple: bool = False, help: str = FORCE_HELP
) -> Callable[[F], F]:
    """``--force``: one force id (``force_id``) or, with ``multiple``, several (``force_ids``)."""
    if multiple:
        return click.option(
            "--force", "force_ids", multiple=True, metavar="FORCE", type=FORCE_ID, help=help
        )
    return click.option(
        "--force", "force_id", required=required, metavar="FORCE", type=FORCE_ID, help=help
    )


DATABASE_URL = click.option(
    "--database-url",
    default=None,
    envvar="OPENPEEL_DATABASE_URL",
    help="SQLAlchemy URL of the operational database (default: SQLite in the data directory).",
)
