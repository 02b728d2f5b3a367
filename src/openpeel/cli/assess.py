"""Commands of the PEEL assessment: ``openpeel assess``, ``openpeel afi ...``,
``openpeel grade ...`` and ``openpeel evidence ...`` (thin faces over ``openpeel.assess``)."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openpeel.calendar import Period
from openpeel.cli.lazy import library, library_module
from openpeel.cli.options import DATABASE_URL, DEFAULT_FORCE, PERIOD, force_option
from openpeel.cli.output import FORMAT, Context, console, emit, plain_text, user_errors
from openpeel.errors import SourceFormatError, UserInputError
from openpeel.exports import note_lines
from openpeel.provenance import SYNTHETIC_MARK

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from openpeel.assess import records
else:  # imported when a command runs: --help loads no SQLAlchemy or pandas
    records = library_module("assess.records")

assess = library("assess.assessment", "assess")
assessed_framework_id = library("assess.framework_rules", "assessed_framework_id")
cached_engine = library("database.engine", "cached_engine")
session_scope = library("database.engine", "session_scope")
ensure_schema = library("database.migrate", "ensure_schema")

#: The choices of options, written here so that ``--help`` imports no analytics library (a
#: test checks each equals ``assess.models``' own).
IMPROVEMENT_KINDS = ("area_for_improvement", "cause_of_concern", "recommendation")
MONITORING_PHASES = ("scan", "engage")

BY = click.option("--by", "by", default=None, help="Your name for the history (default: login).")
#: The framework of an assessment: by default the one ``assessed_framework_id`` chooses for the
#: period; commands without a period default to the latest framework that has rules.
PERIOD_FRAMEWORK = click.option(
    "--framework",
    default=None,
    help="PEEL framework id (default: the one in force in the period's last month, if it has "
    "assessment rules, else the latest earlier one with rules).",
)
FRAMEWORK = click.option(
    "--framework",
    default=lambda: assessed_framework_id(),
    show_default="the latest framework with assessment rules",
    help="PEEL framework id.",
)


def _engine(ctx: Context, database_url: str | None) -> Engine:
    return cached_engine(ctx.database_url(database_url))


@contextmanager
def _session(ctx: Context, database_url: str | None) -> Iterator[Session]:
    from openpeel.database.models import metadata

    engine = _engine(ctx, database_url)
    ensure_schema(engine)  # the embedded SQLite default is created and migrated here
    # Every model registered: an improvement's history refers to the users table, whose model
    # lives in another module that a fresh process has not imported.
    metadata()
    with session_scope(engine) as session:
        yield session


def _actor(by: str | None) -> records.Actor:
    try:
        who = by or getpass.getuser()
    except OSError:
        who = "command line"
    return records.Actor(f"{who} (command line)")


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


def _has_records(engine: Engine) -> bool:
    from sqlalchemy import inspect

    try:
        return inspect(engine).has_table("improvements")
    except Exception:  # an unreachable database: assess from data alone
        return False


ASSESS_CAVEAT = (
    "A suggested grade is openpeel's reading of the data, not an HMICFRS judgment; "
    "characteristics marked 'project' are openpeel's own rules, not HMICFRS's."
)


@click.command("assess")
@force_option()
@PERIOD
@PERIOD_FRAMEWORK
@click.option(
    "--characteristics",
    is_flag=True,
    help="Print one row per characteristic (rule, status, numbers, reason) instead.",
)
@click.option(
    "--rules-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with edited rules-*.csv / grading.csv (default: <data dir>/assess).",
)
@DATABASE_URL
@FORMAT
@click.pass_obj
def assess_command(
    obj: Context,
    force_id: str,
    start: str | None,
    end: str | None,
    fy: str | None,
    framework: str | None,
    characteristics: bool,
    rules_dir: Path | None,
    database_url: str | None,
    fmt: str,
) -> None:
    """One row per PEEL area: area,grade_suggested,grade_recorded,characteristics_met,
    characteristics_total,uncertain,not_assessed_reason.

    Each characteristic is judged by a rule held as data; an area without enough evidence is
    "not assessed" with the reason. Recorded grades, evidence and open areas for improvement
    come from the operational database when it has been migrated.
    """
    with user_errors():
        try:
            period = Period.parse(start, end, fy)
            engine = _engine(obj, database_url)
            db = engine if _has_records(engine) else None
            result = assess(obj.workspace, force_id, period, framework, db=db, rules_dir=rules_dir)
        except (SourceFormatError, KeyError) as err:  # framework_rules.RulesError is the first
            raise UserInputError(str(err).strip("'\"")) from None
    if result.is_synthetic and fmt == "table":
        console.print(f"[bold yellow]{SYNTHETIC_MARK}[/]: not a real force's figures.")
    if characteristics:
        table = result.characteristics_table()
        chars: list[dict[str, Any]] = [
            {str(k): (None if v != v else v) for k, v in r.items()}  # NaN -> empty
            for r in table.to_dict(orient="records")
        ]
        title = f"Characteristics, {force_id}, {period.label}"
    else:
        chars = result.summary_rows()
        title = f"PEEL assessment ({result.framework_id}), {force_id}, {period.label}"
    if result.is_synthetic and fmt == "csv":
        chars = [{"synthetic_data": True, **r} for r in chars]
    notes = note_lines(title=title, is_synthetic=result.is_synthetic, caveats=[ASSESS_CAVEAT])
    emit(chars, fmt, title=title, notes=notes, is_synthetic=result.is_synthetic)
    if fmt == "table" and not characteristics:
        console.print(f"[dim]{ASSESS_CAVEAT} --characteristics shows every reason.[/]")


# --------------------------------------------------------------------------- afi

PROGRESS_CAVEAT = (
    "A verdict from data, not a decision: closing an improvement needs its evidence recorded."
)


@click.group("afi")
def afi_group() -> None:
    """Areas for improvement, causes of concern and recommendations, tracked to closure."""


@afi_group.command("add")
@force_option()
@click.option("--area", "area_id", required=True, help="Area id, e.g. victims.")
@click.option("--title", default="", help="What must improve (default: from the characteristic).")
@click.option(
    "--characteristic",
    "characteristic_id",
    default="",
    help="The unmet characteristic it comes from (links its indicator).",
)
@click.option(
    "--kind",
    type=click.Choice(IMPROVEMENT_KINDS),
    default="area_for_improvement",
    show_default=True,
)
@click.option("--owner", default="")
@click.option("--due", default=None, metavar="YYYY-MM-DD")
@click.option("--phase", type=click.Choice(MONITORING_PHASES), default="scan", show_default=True)
@click.option(
    "--parent",
    "parent_id",
    type=int,
    default=None,
    help="The cause of concern a recommendation answers.",
)
@FRAMEWORK
@BY
@DATABASE_URL
@FORMAT
@click.pass_obj
def afi_add(
    obj: Context,
    force_id: str,
    area_id: str,
    title: str,
    characteristic_id: str,
    kind: str,
    owner: str,
    due: str | None,
    phase: str,
    parent_id: int | None,
    framework: str,
    by: str | None,
    database_url: str | None,
    fmt: str,
) -> None:
    """Create an improvement (by hand, or from an unmet characteristic)."""
    due_date = _date(due, "--due")
    with user_errors(), _session(obj, database_url) as s:
        if not title and characteristic_id:
            imp = records.suggest_from_finding(
                s, _actor(by), force_id, framework, characteristic_id
            )
            records.update_improvement(
                s,
                _actor(by),
                imp.id,
                owner=owner or None,
                due_date=due_date,
                monitoring_phase=phase,
            )
        else:
            imp = records.create_improvement(
                s,
                _actor(by),
                force_id,
                framework,
                area_id,
                title,
                kind,
                characteristic_id,
                owner=owner,
                due_date=due_date,
                monitoring_phase=phase,
                parent_id=parent_id,
            )
        emit([records.as_row(imp)], fmt)


@afi_group.command("list")
@force_option(required=False)
@click.option(
    "--status",
    type=click.Choice(["active", "open", "in_progress", "closed"]),
    default=None,
    help="active = open or in progress.",
)
@DATABASE_URL
@FORMAT
@click.pass_obj
def afi_list(
    obj: Context, force_id: str | None, status: str | None, database_url: str | None, fmt: str
) -> None:
    """List improvements, newest first."""
    with user_errors(), _session(obj, database_url) as s:
        emit([records.as_row(i) for i in records.improvements(s, force_id, status)], fmt)


@afi_group.command("show")
@click.argument("improvement_id", type=int)
@DATABASE_URL
@FORMAT
@click.pass_obj
def afi_show(obj: Context, improvement_id: int, database_url: str | None, fmt: str) -> None:
    """An improvement's actions and its whole history (who, when, before, after)."""
    with user_errors(), _session(obj, database_url) as s:
        imp = records.get_improvement(s, improvement_id)
        if fmt == "table":
            emit([records.as_row(imp)], fmt)
            emit(records.action_rows(s, improvement_id), fmt, title="Actions")
        emit(
            [
                {
                    "at": h.at.isoformat(timespec="seconds"),
                    "by": h.user_name,
                    "action": h.action,
                    "field": h.field,
                    "before": h.before,
                    "after": h.after,
                }
                for h in records.history(s, improvement_id)
            ],
            fmt,
            title="History",
        )


@afi_group.command("published")
@force_option(default=DEFAULT_FORCE)
@BY
@DATABASE_URL
@FORMAT
@click.pass_obj
def afi_published(
    obj: Context, force_id: str, by: str | None, database_url: str | None, fmt: str
) -> None:
    """Enter the inspectorate's improvements of a force (reference/peel/recorded-improvements.csv),
    each linked to the measures that track it; entering them again adds nothing."""
    from openpeel.reference.peel_framework import frameworks

    with user_errors(), _session(obj, database_url) as s:
        rows = [
            records.as_row(i)
            for fid in frameworks()
            for i in records.record_published_improvements(s, _actor(by), force_id, fid)
        ]
        if not rows:
            raise UserInputError(f"no published improvements recorded for {force_id!r}")
        emit(rows, fmt, title=f"Published improvements of {force_id}")


@afi_group.command("progress")
@click.argument("improvement_id", type=int)
@PERIOD
@click.option("--monthly", is_flag=True, help="Print every measure month by month instead.")
@DATABASE_URL
@FORMAT
@click.pass_obj
def afi_progress(
    obj: Context,
    improvement_id: int,
    start: str | None,
    end: str | None,
    fy: str | None,
    monthly: bool,
    database_url: str | None,
    fmt: str,
) -> None:
    """Is an improvement progressing? Its linked measures now and month by month, for a period.

    The measures are the indicator rules of its area named by its characteristic or its linked
    indicators; the verdict (resolved, progressing, worsening, no clear change, no data) comes
    from their findings and the slopes of their monthly series."""
    from openpeel.assess.evidence import IndicatorCache
    from openpeel.assess.progress import improvement_progress
    from openpeel.store.connection import connect

    with user_errors():
        period = Period.parse(start, end, fy)
        with _session(obj, database_url) as s:
            imp = records.get_improvement(s, improvement_id)
            s.expunge(imp)
        cache = IndicatorCache(connect(obj.workspace), imp.force_id, period)
        progress = improvement_progress(imp, cache)
    table = progress.monthly() if monthly else progress.table()
    rows: list[dict[str, Any]] = [
        {str(k): (None if v != v else v) for k, v in r.items()}
        for r in table.to_dict(orient="records")
    ]
    title = f"Improvement {imp.id} ({imp.title}), {period.label}: {progress.verdict}"
    if progress.is_synthetic and fmt == "table":
        console.print(f"[bold yellow]{SYNTHETIC_MARK}[/]: not a real force's figures.")
    if progress.is_synthetic and fmt == "csv":
        rows = [{"synthetic_data": True, **r} for r in rows]
    notes = note_lines(
        title=title, is_synthetic=progress.is_synthetic, caveats=[progress.reason, PROGRESS_CAVEAT]
    )
    emit(rows, fmt, title=title, notes=notes, is_synthetic=progress.is_synthetic)
    if fmt == "table":
        console.print(f"{progress.verdict}: {progress.reason}")


@afi_group.command("update")
@click.argument("improvement_id", type=int)
@click.option("--title", default=None)
@click.option("--owner", default=None)
@click.option("--status", type=click.Choice(["open", "in_progress"]), default=None)
@click.option("--phase", "monitoring_phase", type=click.Choice(MONITORING_PHASES), default=None)
@click.option("--due", "due_date", default=None, metavar="YYYY-MM-DD")
@click.option(
    "--indicators", "linked_indicators", default=None, help="Linked indicators, ';'-separated."
)
@click.option("--action", "action_text", default=None, help="Add an action.")
@click.option("--action-owner", default="")
@click.option("--action-due", default=None, metavar="YYYY-MM-DD")
@click.option(
    "--action-done",
    "action_done",
    type=int,
    default=None,
    metavar="ACTION_ID",
    help="Mark an action done.",
)
@BY
@DATABASE_URL
@FORMAT
@click.pass_obj
def afi_update(
    obj: Context,
    improvement_id: int,
    action_text: str | None,
    action_owner: str,
    action_due: str | None,
    action_done: int | None,
    by: str | None,
    database_url: str | None,
    fmt: str,
    **changes: str | None,
) -> None:
    """Change an improvement or add an action; every change goes into the history."""
    # The improvement's options are named by its fields, passed whole to update_improvement in
    # the library's order of fields (the order of the history rows), not the command line's.
    given: dict[str, Any] = {**changes, "due_date": _date(changes["due_date"], "--due")}
    fields = {name: given[name] for name in records.EDITABLE if name in given}
    action_date = _date(action_due, "--action-due")
    actor = _actor(by)
    with user_errors(), _session(obj, database_url) as s:
        imp = records.update_improvement(s, actor, improvement_id, **fields)
        if action_text:
            records.add_action(s, actor, improvement_id, action_text, action_owner, action_date)
        if action_done is not None:
            records.update_action(s, actor, action_done, "done")
        emit([records.as_row(imp)], fmt)


@afi_group.command("close")
@click.argument("improvement_id", type=int)
@click.option("--evidence", required=True, help="What shows the improvement is made.")
@BY
@DATABASE_URL
@FORMAT
@click.pass_obj
def afi_close(
    obj: Context,
    improvement_id: int,
    evidence: str,
    by: str | None,
    database_url: str | None,
    fmt: str,
) -> None:
    """Close an improvement; evidence is required and kept."""
    with user_errors(), _session(obj, database_url) as s:
        imp = records.close_improvement(s, _actor(by), improvement_id, evidence)
        emit([records.as_row(imp)], fmt)


# --------------------------------------------------------------------------- grades, evidence


@click.group("grade")
def grade_group() -> None:
    """Grades given by people: the inspectorate's recorded grades and assessors' grades."""


@grade_group.command("set")
@force_option()
@click.option("--area", "area_id", required=True)
@click.option("--grade", required=True)
@click.option("--reason", required=True)
@click.option(
    "--kind", type=click.Choice(["recorded", "assessor"]), default="assessor", show_default=True
)
@click.option("--source", default="")
@FRAMEWORK
@BY
@DATABASE_URL
@click.pass_obj
def grade_set(
    obj: Context,
    force_id: str,
    area_id: str,
    grade: str,
    reason: str,
    kind: str,
    source: str,
    framework: str,
    by: str | None,
    database_url: str | None,
) -> None:
    """Record a grade with its reason (the suggested grade stays beside it)."""
    with user_errors(), _session(obj, database_url) as s:
        records.set_grade(s, _actor(by), force_id, framework, area_id, kind, grade, reason, source)
    console.print(plain_text(f"{kind} grade for {area_id}: {grade}"))


@grade_group.command("wmp-2021-22")
@BY
@DATABASE_URL
@click.pass_obj
def grade_wmp(obj: Context, by: str | None, database_url: str | None) -> None:
    """Enter West Midlands' PEEL 2021/22 grades as the inspectorate's recorded judgments."""
    with user_errors(), _session(obj, database_url) as s:
        rows = records.record_wmp_2021_22(s, _actor(by))
    console.print(f"{len(rows)} recorded grades entered for west-midlands ({rows[0].framework_id})")


@click.group("evidence")
def evidence_group() -> None:
    """Evidence that is not data (inspection findings, file reviews, documents)."""


@evidence_group.command("add")
@force_option()
@click.option("--characteristic", "characteristic_id", required=True)
@click.option("--finding", type=click.Choice(["met", "not_met", "uncertain"]), required=True)
@click.option("--kind", required=True, help="e.g. file review, inspection finding, document.")
@click.option("--source", required=True, help="Where it comes from (document, reference).")
@click.option("--date", "evidence_date", required=True, metavar="YYYY-MM-DD")
@click.option("--summary", default="")
@click.option(
    "--framework",
    default=None,
    help="PEEL framework id (default: the one assessed for the evidence's month, as an "
    "assessment of a period ending then would be).",
)
@BY
@DATABASE_URL
@click.pass_obj
def evidence_add(
    obj: Context,
    force_id: str,
    framework: str | None,
    by: str | None,
    database_url: str | None,
    **evidence: Any,
) -> None:
    """Record evidence for a characteristic that needs it."""
    # The evidence's options are named by add_evidence's parameters and passed to it whole.
    when = _date(evidence["evidence_date"], "--date")
    assert when is not None
    # Evidence of January 2022 speaks to the 2021/22 framework's characteristics, whose ids
    # differ from the 2023-25 ones: the date picks the framework unless one is named.
    framework_id = framework or assessed_framework_id(when.replace(day=1))
    with user_errors(), _session(obj, database_url) as s:
        row = records.add_evidence(
            s, _actor(by), force_id, framework_id, **{**evidence, "evidence_date": when}
        )
    console.print(
        plain_text(
            f"evidence {row.id} recorded for {evidence['characteristic_id']} ({framework_id})"
        )
    )


@evidence_group.command("list")
@force_option()
@FRAMEWORK
@DATABASE_URL
@FORMAT
@click.pass_obj
def evidence_list(
    obj: Context, force_id: str, framework: str, database_url: str | None, fmt: str
) -> None:
    """Evidence recorded for a force."""
    with user_errors(), _session(obj, database_url) as s:
        rows = [vars(e) for e in records.recorded_evidence(s, force_id, framework)]
    emit(rows, fmt)


COMMANDS = [assess_command, afi_group, grade_group, evidence_group]
