"""An unknown force is answered with the nearest force id ("did you mean west-yorkshire?")
everywhere a force is named: the reference lookup, every ``--force`` option, the ingest's
refused files and the web pages' force parameter."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.cli.options import ForceIdType
from openpeel.errors import UnknownIdError
from openpeel.reference.forces import force, nearest_force_ids, unknown_force_message


@pytest.mark.parametrize(
    ("typed", "nearest"),
    [
        ("westyorkshire", ["west-yorkshire"]),
        ("West Yorkshire Police", ["west-yorkshire"]),
        ("west yorks", ["west-yorkshire"]),
        ("west-midland", ["west-midlands"]),
        ("Devon and Cornwall", ["devon-and-cornwall"]),
        ("met", ["metropolitan"]),
        ("yorkshire", ["north-yorkshire", "south-yorkshire", "west-yorkshire"]),
        ("gotham", []),
        ("", []),
    ],
)
def test_the_nearest_force_ids(typed: str, nearest: list[str]) -> None:
    assert sorted(nearest_force_ids(typed)) == nearest


def test_the_message_names_the_nearest_id_or_where_ids_are_listed() -> None:
    assert unknown_force_message("westyorkshire") == (
        "unknown force 'westyorkshire': did you mean west-yorkshire?"
    )
    assert "such as west-midlands" in unknown_force_message("gotham")
    with pytest.raises(UnknownIdError, match="did you mean west-yorkshire"):
        force("westyorkshire")


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", ".", "--force", "westyorkshire"],
        ["stop-search", "rates", "--force", "westyorkshire", "--fy", "2021/22"],
        ["crime", "volumes", "--force", "westyorkshire", "--fy", "2021/22"],
        ["assess", "--force", "westyorkshire", "--fy", "2021/22"],
        ["report", "--force", "westyorkshire", "--fy", "2021/22", "--out", "r.html"],
        ["offenders", "caseload", "--force", "westyorkshire"],
        ["vulnerability", "demand", "--force", "westyorkshire"],
        ["calls", "performance", "--force", "westyorkshire"],
    ],
)
def test_every_force_option_suggests_the_nearest_id(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), *args])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == (
        "Error: unknown force 'westyorkshire': did you mean west-yorkshire?"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "lake").exists()  # refused before anything is read or written


def test_a_force_id_in_capitals_is_accepted(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--data-dir", str(tmp_path), "ingest", str(tmp_path), "--force", "West-Yorkshire"]
    )
    assert "unknown force" not in result.output


def _commands(command: click.Command) -> list[click.Command]:
    if not isinstance(command, click.Group):
        return [command]
    ctx = click.Context(command)
    found: list[click.Command] = []
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is not None:
            found.extend(_commands(sub))
    return found


def test_every_force_option_is_checked_against_the_force_list() -> None:
    options = [
        (command.name, param)
        for command in _commands(main)
        for param in command.params
        if "--force" in getattr(param, "opts", [])
    ]
    assert len(options) >= 20
    for name, param in options:
        assert isinstance(param.type, ForceIdType), name
