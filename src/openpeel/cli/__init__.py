"""The ``openpeel`` command line: thin faces over the library (parse, call, print).

Each module in this package holds the commands of one noun and lists them in ``COMMANDS``.
Modules are imported only when one of their commands runs (``openpeel --help`` should not wait
for every analytics library to load); ``COMMAND_MODULES`` says where each command lives and
``COMMAND_HELP`` the one line ``openpeel --help`` shows for it, and tests check both against
every module's ``COMMANDS`` and that ``--help`` imports no analytics library. Options several
commands share are declared once in ``options.py``. May import every layer (it is the top one,
beside ``migrations``); nothing imports it but the ``openpeel`` script and tests.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

#: Command name -> the module (in this package) that defines it.
COMMAND_MODULES: dict[str, str] = {
    "ingest": "data",
    "status": "data",
    "population": "data",
    "synth": "synth",
    "fetch": "data",
    "demo": "data",
    "crime": "crime",
    "outcomes": "crime",
    "official": "official",
    "stop-search": "stop_search",
    "calls": "calls",
    "charter": "calls",
    "offenders": "offenders",
    "report": "report",
    "assess": "assess",
    "afi": "assess",
    "grade": "assess",
    "evidence": "assess",
    "db": "scrutiny",
    "users": "scrutiny",
    "panels": "scrutiny",
    "scrutiny": "scrutiny",
    "serve": "scrutiny",
    "config": "config",
    "vulnerability": "vulnerability",
    "audit": "audit",
}


#: Command name -> the line ``openpeel --help`` shows (the command's own short help; a test
#: keeps the two the same), so listing the commands imports none of their modules.
COMMAND_HELP: dict[str, str] = {
    "afi": "Areas for improvement, causes of concern and recommendations, tracked to closure.",
    "audit": "Crime data integrity audits: sample incidents, decide, estimate the recording rate.",
    "assess": (
        "One row per PEEL area: area,grade_suggested,grade_recorded,characteristics_met, "
        "characteristics_total,uncertain,not_assessed_reason."
    ),
    "calls": "Answering the public: 999 figures, call logs, staffing the control room.",
    "charter": "Citizens' Charter: compliance with each standard per month, with intervals.",
    "config": "List every setting: name, environment variable, default, current value, meaning.",
    "official": (
        "Official statistics for every force: recorded crime, outcomes, use of force, workforce, "
        "value for money."
    ),
    "offenders": "Managing registered sex offenders from a force's own (pseudonymised) extract.",
    "crime": "Crime volumes, rates per 1,000 residents and trends (police.uk street files).",
    "db": "The operational database (users, panels, reviews, feedback).",
    "demo": "Synthesise a West Midlands-sized force-year, load it, and show what was loaded.",
    "evidence": "Evidence that is not data (inspection findings, file reviews, documents).",
    "fetch": (
        "Download a police.uk bulk archive zip, or one force-month of stop and search (--api)."
    ),
    "grade": "Grades given by people: the inspectorate's recorded grades and assessors' grades.",
    "ingest": "Load police.uk archive zips, folders or CSV files into the lake.",
    "outcomes": (
        "What happens to reported crime: outcome rates, time to outcome, peers, data quality."
    ),
    "panels": "Scrutiny panels and their members.",
    "population": "Population denominators (Census 2021).",
    "report": "Write the PEEL report of a force: one section per PEEL area, charts with tables.",
    "scrutiny": "Force-internal search records, meetings, samples and panel reports.",
    "serve": "Run the web app (public pages, scrutiny pages, login, public feedback).",
    "status": "What is loaded: forces × months per table, gaps marked, the snapshot of each.",
    "stop-search": "Stop and search monitoring: quality, rates, ratios, outcomes, models, peers.",
    "synth": (
        "Write SYNTHETIC data: police.uk files (the default: openpeel synth OUT ...) or another "
        "source's extract (openpeel synth offenders|vulnerability|crime-recording OUT ...)."
    ),
    "users": "People who log in, and their roles.",
    "vulnerability": "Protecting vulnerable people: demand, timeliness, demand against capacity.",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMAND_MODULES:
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(f"openpeel.cli.{COMMAND_MODULES[cmd_name]}")
        for command in module.COMMANDS:
            self.add_command(command)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands with their one-line help, importing no command module that
        ``COMMAND_HELP`` describes (a command it does not know is imported as usual)."""
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            if name not in self.commands and name in COMMAND_HELP:
                rows.append((name, click.Command(name, help=COMMAND_HELP[name])))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in rows])


@click.group(cls=LazyGroup)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (default: $OPENPEEL_DATA_DIR, then a per-user folder).",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default=None,
    help="Query engine (default: $OPENPEEL_ENGINE, then duckdb). Spark needs PySpark and Java.",
)
@click.version_option(package_name="openpeel")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, engine: str | None) -> None:
    """openpeel: police effectiveness, efficiency and legitimacy, measured from data."""
    # Imported here: the output helpers load the analytics libraries, which --help never needs.
    from openpeel.cli.output import Context

    ctx.obj = Context(data_dir, engine=engine)
