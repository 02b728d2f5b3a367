"""Printing results and turning user mistakes into one-line errors, for every command."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from openpeel.errors import OpenpeelError
from openpeel.exports import csv_text
from openpeel.provenance import SYNTHETIC_MARK

if TYPE_CHECKING:  # types only: the result loads pandas, the settings pydantic; --help needs
    # neither (nor the table and progress bar, imported where they are drawn)
    from rich.progress import Progress

    from openpeel.config import Workspace
    from openpeel.indicators.result import IndicatorResult

F = TypeVar("F", bound=Callable[..., Any])

#: What a command reports as a one-line error (exit 1). Anything else is a bug: its traceback
#: is shown so that it is seen and fixed, never passed off as the user's mistake.
USER_ERRORS: tuple[type[Exception], ...] = (OpenpeelError,)
_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="How to print the results.",
)
#: Where ``--wide`` leaves its choice for :func:`emit` (commands need no parameter for it).
WIDE_KEY = "openpeel.wide"


def _remember_wide(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta[WIDE_KEY] = value
    return value


_WIDE = click.option(
    "--wide",
    is_flag=True,
    expose_value=False,
    callback=_remember_wide,
    help="Table: every column (by default the columns a person reads; CSV and JSON have all).",
)


def FORMAT(func: F) -> F:
    """``--format table|csv|json`` (the parameter ``fmt``) and ``--wide`` (for tables)."""
    return _FORMAT(_WIDE(func))


console = Console(stderr=True)
#: Characters a terminal acts on rather than shows: C0 controls (but tab and line feed), DEL and
#: the C1 controls (escape sequences clear screens, retitle windows, fake output).
TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_text(value: Any, style: str = "") -> Text:
    """Stored or user-supplied text as Rich shows it: exactly as typed (``[/]`` or
    ``[bold]`` are not read as markup) and without control characters. Every command prints
    data through this (``emit`` does for tables; a message naming a stored value passes its
    parts, ``console.print(plain_text("refused", "red"), plain_text(reason))``)."""
    return Text(TERMINAL_CONTROLS.sub("", "" if value is None else str(value)), style=style)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a library error caused by the user's input into a one-line message and exit 1."""
    try:
        yield
    except USER_ERRORS as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise click.ClickException(message) from None


def plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()[:7] if value.day == 1 else value.isoformat()
    if isinstance(value, tuple | list):
        return " ".join(str(plain(v)) for v in value)
    return value


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    title: str | None = None,
    notes: Sequence[str] = (),
    is_synthetic: bool = False,
    columns: Sequence[str] | None = None,
    indicator: str | None = None,
) -> None:
    """Print rows as a Rich table, CSV or JSON on standard output.

    CSV starts with ``notes`` as ``#`` lines (the convention of :mod:`openpeel.exports`); a
    table made from synthetic data carries the synthetic marking in its title. A table shows
    what a person reads (:mod:`openpeel.cli.terminal_table`: the columns declared for
    ``indicator`` unless ``--wide``, names for codes, rounded numbers, each long reason once).
    """
    if fmt == "json":
        click.echo(json.dumps(list(rows), default=str, indent=2))
        return
    if fmt == "csv":
        plain_rows = [{k: plain(v) for k, v in r.items()} for r in rows]
        click.echo(csv_text(plain_rows, notes, columns), nl=False)
        return
    if is_synthetic:
        title = f"{SYNTHETIC_MARK}: {title}" if title else SYNTHETIC_MARK
    if not rows:
        console.print(plain_text(f"{title}: (nothing)" if title else "(nothing)"))
        return
    from rich.table import Table

    from openpeel.cli.terminal_table import terminal_table

    current = click.get_current_context(silent=True)  # meta is shared by nested contexts
    wide = bool(current is not None and current.meta.get(WIDE_KEY))
    shown = terminal_table(rows, indicator=indicator, wide=wide)
    table = Table(
        title=plain_text(title) if title else None,
        caption=SYNTHETIC_MARK if is_synthetic else None,
    )
    for header in shown.headers:
        table.add_column(plain_text(header), overflow="fold")
    for cells in shown.rows:
        table.add_row(*(plain_text(cell) for cell in cells))
    out = Console(width=None if sys.stdout.isatty() else 160)
    out.print(table)
    if shown.every_row:
        out.print(plain_text(f"In every row: {'; '.join(shown.every_row)}."))
    for note in shown.notes:
        out.print(plain_text(note))
    if shown.left_out:
        out.print(
            Text(
                f"{shown.left_out} more columns: add --wide, or use --format csv or json "
                "(which also keep codes and full precision)."
            )
        )


def emit_extract_load(report: Any, fmt: str, title: str, with_reasons: bool = False) -> None:
    """Print what loading a force's extract did: the whole report as JSON, else one row per
    file (rows read, loaded, rejected and replaced; ``with_reasons``: the first reasons for
    rejecting rows too)."""
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), default=str, indent=2))
        return
    rows = []
    for f in report.files:
        row = {
            "file": f.source_file,
            "table": f.table_name,
            "rows_read": f.rows_read,
            "rows_loaded": f.rows_loaded,
            "rows_rejected": f.rows_rejected,
            "rows_replaced": report.rows_replaced.get(f.table_name, 0),
        }
        if with_reasons:
            row["first_reasons"] = "; ".join(f.first_reasons)
        rows.append(row)
    emit(rows, fmt, title=title)


def as_rows(items: Sequence[Any]) -> list[dict[str, Any]]:
    return [asdict(i) if is_dataclass(i) and not isinstance(i, type) else dict(i) for i in items]


class Context:
    """What every command gets: the workspace resolved once from the global options
    (``--data-dir``, ``--engine``) over the environment, and its data directory.

    Resolved when a command first asks (not when ``--help`` only prints), so that printing a
    command's help loads no settings machinery.
    """

    def __init__(self, data_dir: Path | None, engine: str | None = None) -> None:
        self._options = (data_dir, engine)
        self._workspace: Workspace | None = None

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            from openpeel.config import workspace

            data_dir, engine = self._options
            self._workspace = workspace(data_dir, engine=engine)
        return self._workspace

    @property
    def data_dir(self) -> Path:
        return self.workspace.data_dir

    def database_url(self, option: str | None = None) -> str:
        """The operational database: the command's ``--database-url``, else the workspace's."""
        return option or self.workspace.database_url


def _progress_display(spinner: bool) -> Progress:
    """A transient Rich display on standard error: (a spinner,) what is being done, a bar,
    done of total and the time taken."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns: list[ProgressColumn] = [SpinnerColumn()] if spinner else []
    columns += [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    return Progress(*columns, TimeElapsedColumn(), console=console, transient=True)


def progress_bar(description: str) -> tuple[Progress, Callable[[int, int], None]]:
    """A transient Rich progress bar on standard error and its update(done, total) callback."""
    bar = _progress_display(spinner=False)
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


class Stages:
    """The stage a long command is at, shown as a transient Rich progress display on standard
    error: what is being done, how many stages of how many when known, and the time taken."""

    def __init__(self, display: Progress | None) -> None:
        self._display = display
        self._task = display.add_task("Starting", total=None) if display is not None else None

    def __call__(self, stage: str, done: int | None, total: int | None) -> None:
        """Show ``stage`` as started (``done`` stages finished of ``total``, when known)."""
        if self._display is None or self._task is None:
            return
        if total is None:
            self._display.update(self._task, description=stage, completed=0, total=None)
        else:
            self._display.update(self._task, description=stage, completed=done, total=total)

    def done(self, line: str) -> None:
        """Print a result line on standard output (above the display while it runs)."""
        click.echo(line)


@contextmanager
def stages(quiet: bool = False) -> Iterator[Stages]:
    """A :class:`Stages` display for the block; nothing is drawn with ``quiet`` or when standard
    error is not a terminal (a pipe, a log file, a test)."""
    if quiet or not console.is_terminal:
        yield Stages(None)
        return
    display = _progress_display(spinner=True)
    with display:
        yield Stages(display)


def emit_result(result: IndicatorResult, fmt: str) -> None:
    """Print an indicator with its definition and caveats, in every format.

    CSV: the notes (synthetic marking, title, definition, caveats, scope) as ``#`` lines, then a
    ``synthetic_data`` column when the input was synthetic; JSON: the definition, caveats, the
    synthetic flag and notice beside the rows; table: the marking in the title, then the
    definition and caveats on standard error.
    """
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), default=str, indent=2))
        return
    if fmt == "csv":
        emit(result.records(), "csv", notes=result.notes(), columns=result.columns())
        return
    if result.is_synthetic:
        console.print(f"[bold yellow]{SYNTHETIC_MARK}[/]: not a real force's figures.")
    emit(
        result.records(),
        "table",
        title=result.title,
        is_synthetic=result.is_synthetic,
        indicator=result.name,
    )
    console.print(f"[dim]Definition:[/] {result.definition}")
    for caveat in result.caveats:
        console.print(f"[yellow]Caveat:[/] {caveat}")
