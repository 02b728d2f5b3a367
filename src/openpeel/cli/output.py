"""Printing results and turning user mistakes into one-line errors, for every command."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from openpeel.config import Workspace, workspace
from openpeel.indicators.result import IndicatorResult
from openpeel.sources.census import PopulationError
from openpeel.sources.policeuk_api import FetchError
from openpeel.sources.policeuk_archive import ArchiveError
from openpeel.store.lake import LakeBusyError
from openpeel.store.population import PopulationMissingError
from openpeel.store.spark import SparkUnavailableError

USER_ERRORS: tuple[type[Exception], ...] = (
    ArchiveError,
    LakeBusyError,
    PopulationError,
    PopulationMissingError,
    SparkUnavailableError,
    FetchError,
    ValueError,
    OSError,
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="How to print the results.",
)

console = Console(stderr=True)


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


def emit(rows: Sequence[dict[str, Any]], fmt: str, title: str | None = None) -> None:
    """Print rows as a Rich table, CSV or JSON on standard output."""
    if fmt == "json":
        click.echo(json.dumps(list(rows), default=str, indent=2))
        return
    if not rows:
        if fmt == "table":
            console.print("(nothing)")
        return
    columns = list(rows[0])
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: plain(v) for k, v in r.items()} for r in rows)
        return
    table = Table(title=title)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*("" if r[c] is None else str(plain(r[c])) for c in columns))
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def as_rows(items: Sequence[Any]) -> list[dict[str, Any]]:
    return [asdict(i) if is_dataclass(i) and not isinstance(i, type) else dict(i) for i in items]


class Context:
    """What every command gets: the workspace resolved once from the global options
    (``--data-dir``, ``--engine``) over the environment, and its data directory."""

    def __init__(self, data_dir: Path | None, engine: str | None = None) -> None:
        self.workspace: Workspace = workspace(data_dir, engine=engine)
        self.data_dir = self.workspace.data_dir

    def database_url(self, option: str | None = None) -> str:
        """The operational database: the command's ``--database-url``, else the workspace's."""
        return option or self.workspace.database_url


def progress_bar(description: str) -> tuple[Progress, Callable[[int, int], None]]:
    """A transient Rich progress bar on standard error and its update(done, total) callback."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def emit_result(result: IndicatorResult, fmt: str) -> None:
    """Print an indicator: its table, and (on the terminal) its definition and caveats.

    CSV carries a ``synthetic_data`` column when the input was synthetic; JSON carries the
    definition, caveats and the synthetic flag beside the rows.
    """
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), default=str, indent=2))
        return
    if fmt == "csv":
        emit(result.records(), "csv")
        return
    if result.is_synthetic:
        console.print("[bold yellow]SYNTHETIC DATA[/]: not a real force's figures.")
    emit(result.records(), "table", title=result.title)
    console.print(f"[dim]Definition:[/] {result.definition}")
    for caveat in result.caveats:
        console.print(f"[yellow]Caveat:[/] {caveat}")
