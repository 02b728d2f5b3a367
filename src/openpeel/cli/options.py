"""Options several commands share, declared once: the period, the force, the database URL.

A command takes ``@PERIOD`` for ``--from``/``--to``/``--fy`` and turns them into a period with
:func:`chosen_period`: the period given, or the same default the web shows (the twelve months to
the latest month loaded), said on standard error. It takes one of the ``force_option`` variants
for ``--force``, and ``@DATABASE_URL`` for the operational database. Keeping them here keeps
their names, metavars, help and defaults the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
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
    required: bool = True,
    multiple: bool = False,
    help: str = FORCE_HELP,
    default: str | None = None,
) -> Callable[[F], F]:
    """``--force``: one force id (``force_id``) or, with ``multiple``, several (``force_ids``);
    with a ``default`` (shown in ``--help``) the option may be left out."""
    if multiple:
        return click.option(
            "--force",
            "force_ids",
            multiple=True,
            metavar="FORCE",
            type=FORCE_ID,
            help=help,
            default=() if default is None else (default,),
            show_default=default is not None,
        )
    return click.option(
        "--force",
        "force_id",
        required=required and default is None,
        metavar="FORCE",
        type=FORCE_ID,
        help=help,
        default=default,
        show_default=default is not None,
    )


def setting_option(
    name: str, type: Any, default: Any, help: str | None = None, dest: str | None = None
) -> Callable[[F], F]:
    """``name`` (passed as ``dest`` when given): a value of ``type`` with a ``default`` that
    ``--help`` shows."""
    declarations = (name,) if dest is None else (name, dest)
    return click.option(*declarations, type=type, default=default, show_default=True, help=help)


def choice_option(
    name: str, choices: Iterable[str], help: str, default: str | None = None
) -> Callable[[F], F]:
    """``name``: one of ``choices``; ``default`` (the first choice unless given) shown in
    ``--help``."""
    listed = list(choices)
    return setting_option(
        name, click.Choice(listed), listed[0] if default is None else default, help
    )


def confidence_option(
    name: str = "--confidence",
    help: str = "Confidence level of the intervals.",
    default: float = 0.95,
) -> Callable[[F], F]:
    """A level between 0.5 and 0.999 (``--confidence`` of the intervals, or a target share),
    ``default`` shown in ``--help``."""
    return setting_option(name, click.FloatRange(0.5, 0.999), default, help)


#: ``--confidence`` of the intervals a command prints.
CONFIDENCE = confidence_option()


#: The force of the commands that have a default one (the demo's force, with published grades).
DEFAULT_FORCE = "west-midlands"


def synthetic_extract(
    start: str, end: str | None = None, multiple_forces: bool = False
) -> Callable[[F], F]:
    """What every ``openpeel synth ...`` command takes: ``OUT`` (the folder written),
    ``--force`` (default West Midlands; repeatable with ``multiple_forces``) and the months
    written, ``--from`` and (unless ``end`` is None) ``--to``, defaults shown."""
    options: list[Callable[[F], F]] = [
        click.argument("out", type=click.Path(file_okay=False, path_type=Path)),
        force_option(multiple=multiple_forces, default=DEFAULT_FORCE, help="Force id."),
        click.option("--from", "start", default=start, show_default=True, metavar="YYYY-MM"),
    ]
    if end is not None:
        options.append(
            click.option("--to", "end", default=end, show_default=True, metavar="YYYY-MM")
        )

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


DATABASE_URL = click.option(
    "--database-url",
    default=None,
    envvar="OPENPEEL_DATABASE_URL",
    help="SQLAlchemy URL of the operational database (default: SQLite in the data directory).",
)
