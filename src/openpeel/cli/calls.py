"""Commands for answering the public: ``openpeel calls import-999|import-log|import-incidents|
performance|staffing|synth`` and ``openpeel charter``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click

from openpeel.calendar import Period
from openpeel.cli.options import PERIOD, choice_option, force_option, synthetic_extract
from openpeel.cli.output import FORMAT, Context, console, emit, emit_result, plain_text, user_errors
from openpeel.cli.pages import prepare_pages
from openpeel.errors import DataUnavailableError, UserInputError

CONFIDENCE = click.option(
    "--confidence",
    default="0.95",
    metavar="LEVEL",
    show_default=True,
    help="Confidence level of the intervals.",
)


def _number(value: str | None, name: str, low: float, high: float, integer: bool = False) -> Any:
    """Parse an option's number; a bad one is a one-line error with exit code 1."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise click.ClickException(f"{name}: not a number: {value!r}") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise click.ClickException(f"{name} must be between {low:g} and {high:g}, not {value}")
    if integer:
        if number != int(number):
            raise click.ClickException(f"{name} must be a whole number, not {value}")
        return int(number)
    return number


def _period(obj: Context, table: str, start: str | None, end: str | None, fy: str | None,
            force_ids: list[str] | None = None) -> Period:  # fmt: skip
    """The period asked for, or every month loaded when none is given."""
    if start or end or fy:
        return Period.parse(start, end, fy)
    import openpeel
    from openpeel.indicators.calls import loaded_months

    months = loaded_months(openpeel.connect(obj.workspace), table, force_ids)
    if not months:
        raise DataUnavailableError(
            f"nothing is loaded in {table}"
            + (f" for {', '.join(force_ids)}" if force_ids else "")
            + "; import a file first (openpeel calls import-999 / import-log / import-incidents)"
        )
    return Period(months[0], months[-1], f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}")


@click.group("calls")
def calls_group() -> None:
    """Answering the public: 999 figures, call logs, staffing the control room."""


def _report_rows(report: Any, fmt: str) -> None:
    d = report.as_dict()
    if fmt == "json":
        click.echo(json.dumps(d, default=str, indent=2))
    else:
        row = {
            "table": d["table_name"],
            "file": d["source_file"],
            "forces": len(d["forces"]),
            "snapshot": d["snapshot"],
            "rows_read": d["rows_read"],
            "rows_loaded": d["rows_loaded"],
            "rows_rejected": d["rows_rejected"],
            "rows_replaced": d["rows_replaced"],
            "unknown_values": d["unknown_values"],
        }
        emit([row], fmt, title="Import")
    if fmt == "table":
        for u in report.unknown:
            console.print(
                f"[yellow]unknown value[/] {u.field} = {u.raw_value!r}: {u.rows} rows "
                "(loaded as 'unknown')"
            )
        for r in report.rejects[:10]:
            console.print(
                plain_text("rejected", "red"), plain_text(f"row {r['source_row']}: {r['reason']}")
            )
        if report.rows_rejected > 10:
            console.print(
                f"... {report.rows_rejected - 10} more rejected rows in the calls_rejects table"
            )
        if report.is_synthetic:
            console.print("[bold yellow]SYNTHETIC DATA[/]: not a real force's figures.")
    if report.rows_read and not report.rows_loaded:
        first = report.rejects[0]["reason"] if report.rejects else "no readable rows"
        raise click.ClickException(
            f"{report.source_file}: no row could be loaded (first reason: {first})"
        )


def _columns(items: tuple[str, ...]) -> dict[str, str]:
    from openpeel.sources.calls_log import parse_column_mapping

    return parse_column_mapping(items)


COLUMNS = click.option(
    "--columns",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Read FIELD from the column headed HEADER (repeatable); see docs/calls.md.",
)
SNAPSHOT = click.option("--snapshot", help="Label the load (default: from the file's content).")


@calls_group.command("import-999")
@click.argument("file", type=click.Path(path_type=Path))
@COLUMNS
@SNAPSHOT
@FORMAT
@click.pass_obj
def import_999(
    obj: Context, file: Path, columns: tuple[str, ...], snapshot: str | None, fmt: str
) -> None:
    """Load published monthly 999 figures (all forces in one CSV).

    The published download's headers are unverified: if a field is not found, map it with
    --columns, e.g. --columns calls="Total calls" --columns force="Force".
    """
    from openpeel.store.calls import load_calls_999

    with user_errors():
        report = load_calls_999(file, obj.workspace, _columns(columns), snapshot)
    prepare_pages(obj.workspace)
    _report_rows(report, fmt)


def _force_export_import(name: str, loader: str, help_text: str) -> click.Command:
    """``calls import-log`` and ``calls import-incidents``: one force's export loaded by
    ``openpeel.store.calls.<loader>`` (imported when the command runs)."""

    def command(
        obj: Context,
        file: Path,
        force_id: str,
        columns: tuple[str, ...],
        snapshot: str | None,
        fmt: str,
    ) -> None:
        from openpeel.store import calls as store_calls

        load = getattr(store_calls, loader)
        with user_errors():
            report = load(file, force_id, obj.workspace, _columns(columns), snapshot)
        prepare_pages(obj.workspace)
        _report_rows(report, fmt)

    command.__doc__ = help_text
    decorated = click.argument("file", type=click.Path(path_type=Path))(
        force_option(help="The force the export belongs to.")(
            COLUMNS(SNAPSHOT(FORMAT(click.pass_obj(command))))
        )
    )
    return calls_group.command(name)(decorated)


import_log = _force_export_import(
    "import-log",
    "load_call_log",
    "Load a force's call-log export (call_id, line, offered/answered/abandoned times).",
)
import_incidents = _force_export_import(
    "import-incidents",
    "load_incidents",
    "Load a force's incidents export (incident_id, priority, created_at, arrived_at).",
)


@calls_group.command("performance")
@force_option(multiple=True, help="Force id (repeatable); none: all.")
@PERIOD
@choice_option(
    "--source",
    ["published", "log"],
    "Published monthly 999 figures, or the force's call log.",
)
@choice_option(
    "--by",
    ["month", "weekday", "hour"],
    "With --source log: group by month, weekday or hour of the day.",
)
@click.option(
    "--line",
    "lines",
    multiple=True,
    type=click.Choice(["999", "101", "chat", "unknown"]),
    help="With --source log: lines to show (default 999, 101 and chat).",
)
@CONFIDENCE
@FORMAT
@click.pass_obj
def performance(
    obj: Context,
    force_ids: tuple[str, ...],
    start: str | None,
    end: str | None,
    fy: str | None,
    source: str,
    by: str,
    lines: tuple[str, ...],
    confidence: str,
    fmt: str,
) -> None:
    """999 calls answered within 10 s against the 90% standard, with intervals.

    Published figures: with --force, month by month (months below 90% flagged); without,
    all forces side by side. Call log (--source log --force F): share answered in time
    (999: 10 s; 101 and chat: 3 minutes) and abandonment by month, weekday or hour.
    """
    import openpeel
    from openpeel.indicators.calls import (
        answer_performance,
        published_999_forces,
        published_999_trend,
    )

    conf = _number(confidence, "--confidence", 0.5, 0.9999)
    chosen = list(force_ids)  # checked by FORCE_ID as the options were read
    with user_errors():
        if source == "log":
            if len(chosen) != 1:
                raise UserInputError("--source log needs exactly one --force")
            period = _period(obj, "call_log", start, end, fy, chosen)
            con = openpeel.connect(obj.workspace)
            result = answer_performance(
                con, chosen[0], period, by, lines or ("999", "101", "chat"), conf
            )
        else:
            period = _period(obj, "calls_999_monthly", start, end, fy)
            con = openpeel.connect(obj.workspace)
            if chosen:
                result = published_999_trend(con, chosen, period, conf)
            else:
                result = published_999_forces(con, period, conf)
    emit_result(result, fmt)


@calls_group.command("staffing")
@click.option(
    "--from-log",
    "from_log",
    type=click.Path(path_type=Path),
    help="A call-log CSV: staff each hour of the week from its demand.",
)
@click.option("--calls-per-hour", metavar="N", help="Calls offered per hour (one interval).")
@click.option("--aht", metavar="SECONDS", help="Mean handling time in seconds (talk plus wrap-up).")
@click.option(
    "--target", default="0.9", show_default=True, metavar="SHARE", help="Service level to reach."
)
@click.option(
    "--within",
    metavar="SECONDS",
    help="Answer-time target in seconds [default: 10; with --from-log, the line's: 10 for 999, "
    "180 for 101 and chat].",
)
@click.option(
    "--patience", metavar="SECONDS", help="Mean caller patience in seconds: Erlang A (abandonment)."
)
@click.option(
    "--shrinkage",
    default="0.3",
    metavar="SHARE",
    show_default=True,
    help="Share of rostered time not answering calls (breaks, training, leave, sickness).",
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path),
    help="With --from-log: a CSV of weekday,hour,staff to compare with (docs/calls.md).",
)
@choice_option("--line", ["999", "101", "chat"], "With --from-log: which line to staff.")
@click.option("--columns", "columns", multiple=True, metavar="FIELD=HEADER",
              help="With --from-log: header mapping, as for import-log.")  # fmt: skip
@FORMAT
def staffing(
    from_log: Path | None,
    calls_per_hour: str | None,
    aht: str | None,
    target: str,
    within: str | None,
    patience: str | None,
    shrinkage: str,
    roster: Path | None,
    line: str,
    columns: tuple[str, ...],
    fmt: str,
) -> None:
    """Call handlers needed to answer --target of calls within --within seconds.

    Erlang C, or Erlang A with --patience. One interval (--calls-per-hour N --aht S) or each
    hour of the week from a call log (--from-log FILE), with rostered staff after shrinkage and
    the gap against a --roster.
    """
    from openpeel.indicators.calls import default_within, staffing_from_log, staffing_interval

    target_share = _number(target, "--target", 1e-9, 1 - 1e-9)
    default = default_within(line if from_log is not None else None)
    within_s = _number(within, "--within", 0, 86400) if within else default
    patience_s = _number(patience, "--patience", 1e-6, 1e9)
    shrink = _number(shrinkage, "--shrinkage", 0, 0.99)
    if patience_s is not None and patience_s <= 0:
        raise click.ClickException("--patience must be positive")
    if (from_log is None) == (calls_per_hour is None):
        raise click.ClickException("give either --from-log FILE or --calls-per-hour N --aht S")
    if from_log is None:
        if aht is None:
            raise click.ClickException("--calls-per-hour needs --aht SECONDS")
        if roster is not None:
            raise click.ClickException("--roster compares hours of the week: use --from-log")
        lam = _number(calls_per_hour, "--calls-per-hour", 0, 1e7)
        aht_s = _number(aht, "--aht", 1e-6, 86400)
        if aht_s <= 0:
            raise click.ClickException("--aht must be positive")
        with user_errors():
            one = staffing_interval(lam, aht_s, target_share, within_s, patience_s, shrink)
        if fmt == "json":
            out = {**one.record, "definition": one.definition, "caveats": one.caveats}
            click.echo(json.dumps(out, indent=2))
            return
        shown = {k: round(v, 4) if isinstance(v, float) else v for k, v in one.record.items()}
        emit([shown], fmt, title="Staffing for one interval")
        if fmt == "table":
            console.print(f"[dim]Definition:[/] {one.definition}")
            for c in one.caveats:
                console.print(f"[yellow]Caveat:[/] {c}")
        return
    if aht is not None:
        raise click.ClickException("--aht is read from the log with --from-log; leave it out")
    from openpeel.sources.calls_log import parse_column_mapping

    with user_errors():
        result, read = staffing_from_log(
            from_log,
            line,
            target_share,
            within_s,
            patience_s,
            shrink,
            roster,
            parse_column_mapping(columns),
        )
    if read.rows_rejected:
        console.print(
            f"[yellow]{read.rows_rejected} of {read.rows_read} rows of "
            f"{from_log.name} could not be read and are left out[/] (first: row "
            f"{read.rejects[0]['source_row']}: {read.rejects[0]['reason']})"
        )
    emit_result(result, fmt)


@calls_group.command("synth")
@synthetic_extract("2021-11", "2023-06")
@click.option("--seed", default="1", show_default=True, metavar="N")
@click.option(
    "--scale",
    default="0.1",
    show_default=True,
    metavar="X",
    help="1.0: about West Midlands' volume.",
)
def synth(out: Path, force_id: str, start: str, end: str, seed: str, scale: str) -> None:
    """Write SYNTHETIC call-handling files: 999 monthly figures, a call log, incidents, a roster."""
    from openpeel.synth.calls import write_calls_demo

    seed_i = _number(seed, "--seed", 0, 2**31, integer=True)
    scale_f = _number(scale, "--scale", 1e-4, 10)
    with user_errors():
        Period.from_months(start, end)
        summary = write_calls_demo(out, force_id, start, end, seed_i, scale_f)
    for key, path in summary.files.items():
        click.echo(f"{key}: {path} ({summary.rows[key]:,} rows)")
    click.echo(
        f"SYNTHETIC data ({summary.snapshot}): not a real force's figures. Load with:\n"
        f"  openpeel calls import-999 {summary.files['calls_999_monthly']}\n"
        f"  openpeel calls import-log {summary.files['call_log']} --force {force_id}\n"
        f"  openpeel calls import-incidents {summary.files['incidents']} --force {force_id}"
    )


@click.command("charter")
@force_option()
@PERIOD
@CONFIDENCE
@FORMAT
@click.pass_obj
def charter(
    obj: Context,
    force_id: str,
    start: str | None,
    end: str | None,
    fy: str | None,
    confidence: str,
    fmt: str,
) -> None:
    """Citizens' Charter: compliance with each standard per month, with intervals.

    Measured from the force's call log and incidents export (import them first).
    """
    import openpeel
    from openpeel.indicators.charter import charter_compliance

    conf = _number(confidence, "--confidence", 0.5, 0.9999)
    with user_errors():
        try:
            period = _period(obj, "call_log", start, end, fy, [force_id])
        except ValueError:
            if start or end or fy:
                raise
            period = _period(obj, "incidents", start, end, fy, [force_id])
        result = charter_compliance(openpeel.connect(obj.workspace), force_id, period, conf)
    emit_result(result, fmt)


COMMANDS = (calls_group, charter)
