"""Text people typed (review comments, panel and user names, improvement titles) is printed by
the CLI as plain text: terminal markup such as ``[/]`` neither crashes a command nor styles
anything, escape codes never reach the terminal, and a CSV export neutralises spreadsheet
formulas, whichever command writes it."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from openpeel.assess import records as assess_records
from openpeel.cli import main
from openpeel.database.engine import session_scope
from openpeel.exports import strip_notes
from openpeel.scrutiny import reviews, users
from openpeel.scrutiny.models import SampleItem
from tests.scrutiny.world import REVIEW, World, build_world, fresh_engine

MARKUP = "[/] [bold red]loud[/bold red] [link=http://x]y[/link]"
FORMULA = '=HYPERLINK("http://example.invalid","click")'
ESCAPE = "\x1b[2J\x1b]0;pwned\x07"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, str]:
    folder = tmp_path_factory.mktemp("cli-text")
    engine = fresh_engine("sqlite", folder)
    world = build_world(engine, folder)
    with session_scope(engine) as s:
        item = s.get(SampleItem, world.item_ids[3])
        assert item is not None
        member = users.get_user(s, "member1")
        reviews.submit_review(s, item, member, {**REVIEW, "comments": MARKUP})
        users.add_panel(s, MARKUP[:100], "west-midlands")
        users.add_panel(s, FORMULA, "west-midlands")
        users.add_user(s, "marked", "a long enough password", "panel_member", MARKUP[:100])
        actor = assess_records.Actor("cli test")
        for title in (MARKUP, FORMULA):
            assess_records.create_improvement(
                s, actor, "west-midlands", "peel-2021-22", "victims", title
            )
    _plant_escape_codes(engine)
    return world, str(engine.url)


def _plant_escape_codes(engine: Engine) -> None:
    """Rows written before the database refused control characters (raw SQL bypasses it)."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE panels SET name = :n WHERE name = 'Other panel'"), {"n": "Other" + ESCAPE}
        )
        conn.execute(
            text("UPDATE users SET display_name = :n WHERE username = 'outsider'"),
            {"n": "Out" + ESCAPE},
        )


def run(url: str, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--database-url", url])
    assert result.exit_code == 0, (args, result.output, result.exception)
    assert "\x1b" not in result.output and "\x07" not in result.output, args
    return result.output


@pytest.mark.parametrize(
    "args",
    [
        ("users", "list"),
        ("panels", "list"),
        ("afi", "list"),
        ("afi", "show", "1"),
        ("scrutiny", "audit", "{meeting}"),
        ("scrutiny", "report", "{meeting}"),
    ],
    ids=" ".join,
)
def test_markup_in_stored_text_is_printed_as_typed(
    setup: tuple[World, str], args: tuple[str, ...]
) -> None:
    world, url = setup
    filled = [a.format(meeting=world.open_meeting_id) for a in args]
    out = run(url, *filled)
    if args[0] in ("users", "panels"):  # (afi tables fold their wide cells)
        assert "[/]" in out and "[bold red]" in out
    if args[1] == "audit":
        assert "[/]" in out and "[bold red]" in out


@pytest.mark.parametrize(
    ("args", "column"),
    [(("users", "list"), "display_name"), (("panels", "list"), "name"), (("afi", "list"), "title")],
    ids=lambda a: " ".join(a) if isinstance(a, tuple) else a,
)
def test_csv_exports_neutralise_formulas(
    setup: tuple[World, str], args: tuple[str, ...], column: str
) -> None:
    _world, url = setup
    if args[0] == "users":  # users have no free-text formula here: plant one
        with session_scope_url(url) as s:
            users.get_user(s, "marked").display_name = FORMULA
    out = run(url, *args, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(strip_notes(out))))
    values = [r[column] for r in rows]
    assert "'" + FORMULA in values
    assert FORMULA not in values
    assert not any(v.startswith(("=", "+", "@")) for v in values)


def session_scope_url(url: str) -> object:
    from openpeel.database.engine import cached_engine

    return session_scope(cached_engine(url))


def test_one_helper_strips_control_characters_and_markup() -> None:
    from openpeel.cli.output import plain_text

    shown = plain_text("a\x1b[31mb\x00c\x07[/]\td\ne").plain
    assert "\x1b" not in shown and "\x00" not in shown and "\x07" not in shown
    assert shown.startswith("a[31mbc")
    assert "\t" in shown and "\n" in shown
