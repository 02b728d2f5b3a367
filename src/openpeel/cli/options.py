"""Options several commands share, declared once: the period, the force, the database URL.

A command takes ``@PERIOD`` for ``--from``/``--to``/``--fy`` and turns them into a period with
:func:`chosen_period`: the period given, or the same default the web shows (the twelve months to
the latest month loaded), said on standard error. It takes one of the ``force_option`` variants
for ``--force``, and ``@DATABASE_URL`` for the operational database. Keeping them here keeps
their names, metavars, help and defaults the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    """``--from``, ``--to`` and ``--fy``: a month range or a financial year (default: the
    twelve months to the latest month loaded)."""
    for option in reversed(
        (
            click.option("--from", "start", metavar="YYYY-MM", help="First month."),
            click.option("--to", "end", metavar="YYYY-MM", help="Last month."),
            click.option(
                "--fy",
                metavar="YYYY/YY",
                help="A financial year instead of --from/--to (default: the 12 months to the "
                "latest month loaded).",
            ),
        )
    ):
        func = option(func)
    return func


def chosen_period(
    con: Any,
    start: str | None,
    end: str | None,
    fy: str | None,
    force_ids: Sequence[str] | None = None,
) -> Any:
    """The ``Period`` of ``@PERIOD``'s options, or the default one (the web's rule,
    ``indicators.coverage.period_or_default``) said in one line on standard error."""
    from openpeel.indicators.coverage import period_or_default

    period, by_default = period_or_default(con, start, end, fy, force_ids)
    if by_default:
        whom = f" for {', '.join(force_ids)}" if force_ids else ""
        click.echo(
            f"No period given: {period.label}, the {period.n_months} months to the latest month "
            f"loaded{whom} "
            "(choose with --fy or --from/--to).",
            err=True,
        )
    return period


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
