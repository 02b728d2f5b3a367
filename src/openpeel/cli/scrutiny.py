"""Commands of the scrutiny area: db, users, panels, scrutiny (import, sample, report), serve."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openpeel.cli.lazy import library, library_module
from openpeel.cli.options import DATABASE_URL, DEFAULT_FORCE, force_option
from openpeel.cli.output import FORMAT, Context, as_rows, console, emit, plain_text, user_errors
from openpeel.errors import UserInputError
from openpeel.provenance import SYNTHETIC_MARK
from openpeel.scrutiny.roles import ROLES

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from openpeel.config import Workspace
    from openpeel.scrutiny import audit, export, feedback, records, report, sampling, users
    from openpeel.scrutiny.models import Meeting
else:  # imported when a command runs: --help loads no SQLAlchemy
    audit, export, feedback, records, report, sampling, users = (
        library_module(f"scrutiny.{name}")
        for name in ("audit", "export", "feedback", "records", "report", "sampling", "users")
    )

cached_engine = library("database.engine", "cached_engine")
session_scope = library("database.engine", "session_scope")
current_revision = library("database.migrate", "current_revision")
ensure_schema = library("database.migrate", "ensure_schema")
upgrade = library("database.migrate", "upgrade")

#: The choices of options, written here so that ``--help`` imports no SQLAlchemy (a test checks
#: each equals the library's own).
DESIGNS = ("simple", "stratified")  # scrutiny.sampling.DESIGNS
STRATA_HELP = (  # scrutiny.sampling.STRATA_HELP
    "s60, strip_search, under_18, nfa, ethnic_group:<white|black|asian|mixed|other>, rest"
)


def _engine(ctx: Context, database_url: str | None) -> Engine:
    url = ctx.database_url(database_url)
    return cached_engine(url)


def _ready(ctx: Context, database_url: str | None) -> Engine:
    """The operational database, ready: the embedded SQLite default is created and migrated
    here; a server database must have been migrated with ``openpeel db upgrade``."""
    engine = _engine(ctx, database_url)
    ensure_schema(engine)
    return engine


@contextmanager
def _session(ctx: Context, database_url: str | None) -> Iterator[Any]:
    """A session of the ready database that commits on success, inside ``user_errors``."""
    with user_errors():
        engine = _ready(ctx, database_url)
        with session_scope(engine) as session:
            yield session


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


# ---- db -------------------------------------------------------------------------------------


def _database_command(
    group: click.Group, name: str, *params: Callable[[Any], Any], with_format: bool = False
) -> Callable[[Callable[..., None]], click.Command]:
    """A command of ``group`` on the operational database: ``params``, ``--format`` (with
    ``with_format``) and ``--database-url``. The function gets a session of the ready database
    (committed when it returns, user errors reported in one line) and the parameters' values."""

    def decorate(func: Callable[..., None]) -> click.Command:
        @functools.wraps(func)
        def command(ctx: Context, database_url: str | None, **values: Any) -> None:
            with _session(ctx, database_url) as session:
                func(session, **values)

        decorated: Any = click.pass_obj(command)
        shared = (FORMAT, DATABASE_URL) if with_format else (DATABASE_URL,)
        for param in reversed((*params, *shared)):
            decorated = param(decorated)
        return group.command(name)(decorated)

    return decorate


@click.group("db")
def db_group() -> None:
    """The operational database (users, panels, reviews, feedback)."""


@db_group.command("upgrade")
@DATABASE_URL
@click.pass_obj
def db_upgrade(ctx: Context, database_url: str | None) -> None:
    """Create or migrate the tables to the newest schema (safe to run again)."""
    with user_errors():
        engine = _engine(ctx, database_url)
        try:
            upgrade(engine)
        except Exception as err:  # a driver error: unreachable server, bad URL
            from openpeel.database.migrate import DatabaseError

            raise DatabaseError(f"cannot migrate: {str(err).splitlines()[0]}") from None
        console.print(f"database at revision {current_revision(engine)}")


# ---- users ----------------------------------------------------------------------------------


@click.group("users")
def users_group() -> None:
    """People who log in, and their roles."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="administrator", show_default=True)
@click.option("--name", "display_name", default=None, help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DATABASE_URL
@click.pass_obj
def users_add(
    ctx: Context,
    username: str,
    role: str,
    display_name: str | None,
    password_stdin: bool,
    database_url: str | None,
) -> None:
    """Create a user (the first one is usually the administrator)."""
    with user_errors():
        engine = _ready(ctx, database_url)
        password = _password(password_stdin)
        with session_scope(engine) as session:
            user = users.add_user(session, username, password, role, display_name)
            console.print(f"created {user.username} ({user.role})")


@_database_command(users_group, "list", with_format=True)
def users_list(session: Any, fmt: str) -> None:
    """List users, their roles and panels."""
    emit(as_rows(users.list_users(session)), fmt, title="Users")


@users_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DATABASE_URL
@click.pass_obj
def users_set_password(
    ctx: Context, username: str, password_stdin: bool, database_url: str | None
) -> None:
    """Set a user's password."""
    with user_errors():
        engine = _ready(ctx, database_url)
        password = _password(password_stdin)
        with session_scope(engine) as session:
            users.set_password(session, users.get_user(session, username), password, None)
            console.print(f"password of {username} changed")


@_database_command(
    users_group,
    "disable",
    click.argument("username"),
    click.option("--enable", is_flag=True, help="Enable the user again instead."),
)
def users_disable(session: Any, username: str, enable: bool) -> None:
    """Stop a user from logging in (or allow it again with --enable)."""
    users.set_active(session, users.get_user(session, username), enable, None)
    console.print(f"{username} {'enabled' if enable else 'disabled'}")


# ---- panels ---------------------------------------------------------------------------------


@click.group("panels")
def panels_group() -> None:
    """Scrutiny panels and their members."""


@_database_command(
    panels_group, "add", click.argument("name"), force_option(help="data.police.uk force id.")
)
def panels_add(session: Any, name: str, force_id: str) -> None:
    """Create a panel that scrutinises one force's searches."""
    panel = users.add_panel(session, name, force_id)
    console.print(plain_text(f"created panel {panel.id}: {panel.name}"))


@_database_command(
    panels_group,
    "add-member",
    click.argument("panel"),
    click.argument("usernames", nargs=-1, required=True),
)
def panels_add_member(session: Any, panel: str, usernames: tuple[str, ...]) -> None:
    """Attach coordinators, members or force liaisons to a panel (by panel name or id)."""
    found = users.get_panel(session, int(panel) if panel.isdigit() else panel)
    for username in usernames:
        users.add_member(session, found, users.get_user(session, username))
    console.print(plain_text(f"{len(usernames)} added to {found.name}"))


@_database_command(panels_group, "list", with_format=True)
def panels_list(session: Any, fmt: str) -> None:
    """List panels and their meetings."""
    rows = []
    from sqlalchemy import select

    from openpeel.scrutiny.models import Meeting, Panel

    for p in session.scalars(select(Panel).order_by(Panel.id)):
        meetings = session.scalars(select(Meeting).where(Meeting.panel_id == p.id)).all()
        rows.append({"id": p.id, "name": p.name, "force_id": p.force_id, "meetings": len(meetings)})
    emit(rows, fmt, title="Panels")


# ---- scrutiny -------------------------------------------------------------------------------


@click.group("scrutiny")
def scrutiny_group() -> None:
    """Force-internal search records, meetings, samples and panel reports."""


@scrutiny_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT
@DATABASE_URL
@click.pass_obj
def scrutiny_import(
    ctx: Context, files: tuple[Path, ...], fmt: str, database_url: str | None
) -> None:
    """Import force-internal search records (CSV, schema in docs/scrutiny.md)."""
    failures = []
    results: list[dict[str, Any]] = []
    with user_errors():
        engine = _ready(ctx, database_url)
        for path in files:
            try:
                with session_scope(engine) as session:
                    results.append(records.import_file(session, path).as_dict())
            except records.RecordsFileError as err:
                failures.append(str(err))
    if fmt == "json":
        click.echo(json.dumps({"files": results, "failed": failures}, indent=2, default=str))
    else:
        rows = [
            {k: v for k, v in r.items() if k not in ("rejects", "unknown_values")} for r in results
        ]
        emit(rows, fmt, title="Imported")
        if fmt == "table":
            for r in results:
                for rej in r["rejects"]:
                    console.print(
                        plain_text(f"{r['source_file']} row {rej['row']}:", "yellow"),
                        plain_text(rej["reason"]),
                    )
                for value, count in r["unknown_values"].items():
                    console.print(
                        plain_text("unknown value", "yellow"),
                        plain_text(f"{value}: {count} row(s)"),
                    )
    if failures:
        raise click.ClickException("; ".join(failures))


@scrutiny_group.command("synth")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@force_option(default=DEFAULT_FORCE, help="Force id.")
@click.option("--from", "start", default="2024-01-01", show_default=True)
@click.option("--to", "end", default="2024-03-31", show_default=True)
@click.option("--rows", default=500, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--seed", default=20240101, show_default=True, type=int)
def scrutiny_synth(out: Path, force_id: str, start: str, end: str, rows: int, seed: int) -> None:
    """Write synthetic force-internal search records (labelled synthetic) to OUT."""
    from openpeel.synth.search_records import write_search_records

    with user_errors():
        try:
            write_search_records(
                out, force_id, _date(start, "--from"), _date(end, "--to"), rows, seed
            )
        except KeyError as err:
            raise UserInputError(f"unknown force {err.args[0]!r}") from None
        console.print(f"wrote {rows} synthetic records to {out}")


@_database_command(
    scrutiny_group,
    "meeting",
    click.argument("panel"),
    click.option("--title", required=True),
    click.option("--date", "meeting_date", required=True, help="Meeting date YYYY-MM-DD."),
    click.option("--from", "start", required=True, help="First day of the searches to sample."),
    click.option("--to", "end", required=True, help="Last day of the searches to sample."),
)
def scrutiny_meeting(
    session: Any, panel: str, title: str, meeting_date: str, start: str, end: str
) -> None:
    """Create a meeting of PANEL (name or id)."""
    found = users.get_panel(session, int(panel) if panel.isdigit() else panel)
    meeting = sampling.add_meeting(
        session,
        found,
        title,
        _date(meeting_date, "--date"),
        _date(start, "--from"),
        _date(end, "--to"),
    )
    console.print(plain_text(f"created meeting {meeting.id}: {meeting.title}"))


def _meeting(session: Any, meeting_id: int) -> Meeting:
    from openpeel.scrutiny.models import Meeting

    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise sampling.SamplingError(f"no meeting {meeting_id}")
    return meeting


def _meeting_command(
    name: str, *options: Callable[[Any], Any], with_format: bool = True
) -> Callable[[Callable[..., None]], click.Command]:
    """A command on one meeting: ``MEETING_ID`` then as :func:`_database_command`; the function
    gets the session, the meeting (a clear error when there is none) and the options' values."""

    def decorate(func: Callable[..., None]) -> click.Command:
        @functools.wraps(func)
        def on_meeting(session: Any, meeting_id: int, **values: Any) -> None:
            func(session, _meeting(session, meeting_id), **values)

        meeting_id = click.argument("meeting_id", type=int)
        return _database_command(
            scrutiny_group, name, meeting_id, *options, with_format=with_format
        )(on_meeting)

    return decorate


@_meeting_command(
    "sample",
    click.option("--design", type=click.Choice(DESIGNS), default="simple", show_default=True),
    click.option("--size", type=int, default=None, help="Records to draw (simple design)."),
    click.option("--strata", default=None, help=f"name=N,... with names from: {STRATA_HELP}"),
    click.option("--seed", type=int, default=None, help="Seed (default: a random one, stored)."),
    click.option("--verify", is_flag=True, help="Re-draw the stored sample and check it matches."),
)
def scrutiny_sample(
    session: Any,
    meeting: Meeting,
    design: str,
    size: int | None,
    strata: str | None,
    seed: int | None,
    verify: bool,
    fmt: str,
) -> None:
    """Draw the sample of a meeting (or --verify the stored one)."""
    if verify:
        stored = sampling.sample_of(session, meeting.id)
        if stored is None:
            raise sampling.SamplingError("this meeting has no sample")
        if not sampling.verify_sample(session, stored):
            raise sampling.SamplingError("the stored sample does NOT reproduce")
        console.print(f"sample of meeting {meeting.id} reproduces (seed {stored.seed})")
        return
    parsed = sampling.parse_strata(strata) if design == "stratified" and strata else None
    sample = sampling.draw_sample(session, meeting, design, size, parsed, seed)
    emit(as_rows(sampling.summarise_sample(sample)), fmt, title=f"Seed {sample.seed}")


@_meeting_command("close", with_format=False)
def scrutiny_close(session: Any, meeting: Meeting) -> None:
    """Close a meeting: reviews can no longer change."""
    from openpeel.scrutiny.reviews import ReviewError, close_meeting

    try:
        close_meeting(session, meeting, None)
    except ReviewError as err:
        raise UserInputError(str(err)) from None
    console.print(f"meeting {meeting.id} closed")


@_meeting_command(
    "report",
    click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path)),
    click.option("--pdf", "pdf_out", type=click.Path(dir_okay=False, path_type=Path)),
    click.option(
        "--trends", is_flag=True, help="Print the panel's shares across meetings instead."
    ),
)
def scrutiny_report(
    session: Any,
    meeting: Meeting,
    html_out: Path | None,
    pdf_out: Path | None,
    trends: bool,
    fmt: str,
) -> None:
    """Print the published summary of a meeting; write it as HTML or PDF."""
    if trends:
        emit(report.trends(session, meeting.panel_id), fmt, title="Trends")
        return
    built = report.build_report(session, meeting)
    if html_out:
        html_out.write_text(export.summary_html(built), encoding="utf-8")
    if pdf_out:
        pdf_out.write_bytes(export.summary_pdf(built))
    if fmt == "json":
        click.echo(json.dumps(built.summary(), indent=2, default=str))
        return
    if fmt == "csv":  # the same file as the web download, notes first
        click.echo(export.summary_csv(built), nl=False)
        return
    if built.is_synthetic:
        console.print(f"[bold yellow]{SYNTHETIC_MARK}[/]: not a real force's figures.")
    rows = [r for r in built.published_rows() if r["grouping"] in ("all", "stratum")]
    title = f"{built.title}: {built.records_reviewed} records reviewed"
    emit(rows, fmt, title=title, is_synthetic=built.is_synthetic)


@_database_command(
    scrutiny_group, "audit", click.argument("meeting_id", type=int), with_format=True
)
def scrutiny_audit(session: Any, meeting_id: int, fmt: str) -> None:
    """Print the audit log of a meeting (who changed what, when)."""
    rows = audit.entries(session, meeting_id=meeting_id)
    for r in rows:
        r["detail"] = json.dumps(r["detail"], default=str)
    emit(rows, fmt, title=f"Audit log of meeting {meeting_id}")


# ---- serve ----------------------------------------------------------------------------------


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--https", is_flag=True, help="Behind HTTPS: mark cookies Secure.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Worker processes. Python runs one request at a time per process, so one worker uses "
    "one core; use about one per core for busy public pages. Each keeps its own caches.",
)
@click.option(
    "--access-log/--no-access-log", default=True, show_default=True, help="Log every request."
)
@click.option(
    "--prepare-views/--no-prepare-views",
    default=True,
    show_default=True,
    help="Prepare the pages' missing views in the background at start-up (after an upgrade).",
)
@DATABASE_URL
@click.pass_obj
def serve(
    ctx: Context,
    host: str,
    port: int,
    https: bool,
    workers: int,
    access_log: bool,
    prepare_views: bool,
    database_url: str | None,
) -> None:
    """Run the web app (public pages, scrutiny pages, login, public feedback)."""
    import functools

    import uvicorn

    from openpeel.web.app import create_app
    from openpeel.web.compute_pool import prepare_in_background

    where = ctx.workspace
    if database_url:
        chosen = where.settings.model_copy(update={"database_url": database_url})
        where = replace(where, settings=chosen)
    with user_errors():
        engine = _ready(ctx, database_url)
        # Built here even with workers: checks the schema and creates the app secret once.
        app = create_app(engine=engine, where=where, https_only=https)
    if prepare_views:  # the views a code upgrade left missing: prepared away from the server
        prepare_in_background(where)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        # The app reads X-Forwarded-For itself, and only from the proxies the trusted_proxies
        # setting names: uvicorn's own handling would trust any local peer.
        "proxy_headers": False,
        "log_level": "info",
        "access_log": access_log,
    }
    if workers == 1:
        uvicorn.run(app, **options)
        return
    engine.dispose()
    # Each worker process builds its app from the workspace resolved here: uvicorn hands the
    # factory (with its arguments) to every process it starts, so nothing goes through the
    # environment and every worker serves exactly what this command resolved.
    factory = functools.partial(worker_app, where, https)
    config = uvicorn.Config(factory, factory=True, workers=workers, **options)
    run_workers(config)


def run_workers(config: Any) -> None:
    """Serve ``config`` (its ``workers`` processes) on one socket bound here, as ``uvicorn.run``
    does, but with the app given as a factory object rather than an import string."""
    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


def worker_app(where: Workspace, https: bool) -> Any:
    """The app of one ``serve --workers`` process, for the workspace ``serve`` resolved."""
    from openpeel.web.app import create_app

    return create_app(where=where, https_only=https)


COMMANDS = (db_group, users_group, panels_group, scrutiny_group, serve)
