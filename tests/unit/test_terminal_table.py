"""The terminal table a person reads (cli/terminal_table.py): the declared columns, intervals
beside their values, names for codes, plain numbers, each reason once; ``--wide`` and CSV/JSON
keep everything."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.cli.terminal_table import TERMINAL_COLUMNS, terminal_table
from openpeel.formatting import plain_number_text
from openpeel.reference.labels import code_name
from tests.unit.report_lake import END, FORCE, START, shared_lake

REFUSAL = "not recorded: officer-defined ethnicity has no Mixed category in practice"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.704e-05, "< 0.001"),
        (-2.704e-05, "> -0.001"),
        (0.070471, "0.0705"),
        (3.18913, "3.19"),
        (1234.6, "1,235"),
        (2920000, "2,920,000"),
        (47.0, "47"),
        (float("inf"), "unbounded"),
        (float("nan"), ""),
        (None, ""),
        (True, "yes"),
        (False, "no"),
    ],
)
def test_numbers_read_plainly(value: object, text: str) -> None:
    assert plain_number_text(value) == text


@pytest.mark.parametrize(
    ("column", "code", "name"),
    [
        ("legislation", "mda_s23", "Misuse of Drugs Act 1971 (section 23)"),
        ("legislation", "cjpoa_s60", "Section 60 (Criminal Justice and Public Order Act 1994)"),
        ("object_of_search", "controlled_drugs", "Controlled drugs"),
        ("age_range", "10_17", "10-17"),
        ("self_defined_ethnicity", "W1", "White - English/Welsh/Scottish/Northern Irish/British"),
        ("force_id", "west-midlands", "West Midlands Police"),
        ("basis", "self_defined", "Self-defined"),
        ("group", "not_stated", "Not stated"),
        ("reference", "population", "Whole population"),
        ("measure", "strip_search", "Strip search"),
        ("searches", 12, 12),
    ],
)
def test_codes_read_as_names(column: str, code: object, name: object) -> None:
    assert code_name(column, code) == name


ROWS = [
    {
        "synthetic_data": True,
        "basis": "officer_defined",
        "group": group,
        "ratio": ratio,
        "ratio_low": None if ratio is None else ratio * 0.5,
        "ratio_high": None if ratio is None else float("inf"),
        "ratio_bound_low": None,
        "ratio_bound_high": None,
        "q_star": 2.704e-05,
        "is_q_star_feasible": True,
        "searches": searches,
        "reason": reason,
    }
    for group, ratio, searches, reason in (
        ("black", 3.254, 1041, None),
        ("mixed", None, None, REFUSAL),
        ("other", None, None, REFUSAL),
    )
]


def test_the_declared_columns_with_intervals_names_and_one_note_per_reason() -> None:
    shown = terminal_table(ROWS, indicator="stop_search.ratios")
    assert shown.headers == ["group", "ratio (interval)", "searches", "reason"]
    assert shown.every_row == ["basis: Officer-defined"]  # said once, not in every row
    assert shown.rows[0] == ["Black", "3.25 (1.63–unbounded)", "1,041", ""]
    assert shown.rows[1] == ["Mixed", "", "", "[1]"]
    assert shown.rows[2][-1] == "[1]"
    assert shown.notes == [f"[1] {REFUSAL}"]  # the refusal printed once
    assert shown.left_out == 2  # q_star, is_q_star_feasible (the empty bounds say nothing)
    cells = " ".join(" ".join(r) for r in shown.rows)
    assert not re.search(r"\de-\d|\binf\b|True|False|officer_defined|synthetic", cells)


def test_wide_shows_every_column_but_the_synthetic_flag() -> None:
    shown = terminal_table(ROWS, indicator="stop_search.ratios", wide=True)
    assert "q star" in shown.headers and "is q star feasible" in shown.headers
    assert "basis" in shown.headers and shown.left_out == 0
    assert "synthetic data" not in shown.headers
    assert shown.rows[0][shown.headers.index("q star")] == "0.0%"  # a share (catalogue)
    assert shown.rows[0][shown.headers.index("is q star feasible")] == "yes"


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory)


def _run(lake: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["--data-dir", str(lake), "stop-search", *args, "--from", START, "--to", END]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_stop_search_outcomes_reads_in_the_terminal(lake: Path) -> None:
    out = _run(lake, "outcomes", "--force", FORCE)
    header = next(line for line in out.splitlines() if "searches" in line)
    assert header.count("┃") - 1 <= 9  # 28 columns in CSV; the ones a person reads here
    assert "arrest rate (interval)" in header
    assert "more columns: add --wide, or use --format csv or json" in out
    assert re.search(r"\d+\.\d% \(\d+\.\d%–\d+\.\d%\)", out)  # a share with its interval
    assert "Controlled drugs" in out and "controlled_drugs" not in out
    assert not re.search(r"\de-\d|\binf\b|\bTrue\b|\bFalse\b", out)
    wide = _run(lake, "outcomes", "--force", FORCE, "--wide")
    wide_header = next(line for line in wide.splitlines() if line.startswith("┃"))
    assert wide_header.count("┃") - 1 >= 19 and "more columns" not in wide
    rows = json.loads(_run(lake, "outcomes", "--force", FORCE, "--format", "json"))["rows"]
    assert len(rows[0]) == 33 and rows[0]["object_of_search"] == "all"  # JSON keeps codes
    csv_header = next(
        line
        for line in _run(lake, "outcomes", "--force", FORCE, "--format", "csv").splitlines()
        if not line.startswith("#")
    )
    assert "cannabis_warning_rate" in csv_header and "linked_reason" in csv_header


def test_a_refusal_is_printed_once(lake: Path) -> None:
    out = _run(lake, "ratios", "--force", FORCE)
    assert out.count("officer-defined ethnicity has no Mixed category") == 1
    assert "[1]" in out


COMMANDS = {
    "stop_search.outcomes": "outcomes",
    "stop_search.ratios": "ratios",
    "stop_search.s60": "s60",
    "stop_search.peers": "peers",
    "stop_search.darkness": "darkness",
    "stop_search.hit_rate": "hit-rate",
    "stop_search.trend": "trend",
}


@pytest.mark.parametrize("indicator", sorted(TERMINAL_COLUMNS))
def test_every_declared_column_is_one_the_indicator_returns(lake: Path, indicator: str) -> None:
    out = json.loads(_run(lake, COMMANDS[indicator], "--force", FORCE, "--format", "json"))
    assert out["indicator"] == indicator
    returned = set(out["rows"][0])
    assert set(TERMINAL_COLUMNS[indicator]) <= returned
    assert len(TERMINAL_COLUMNS[indicator]) <= 10


def test_years_read_without_thousands_separators() -> None:
    rows = [{"measure": "officers_per_1000", "as_at_31_march": 2017, "base_year": 2010.0,
             "workforce_fte": 4720.0}]  # fmt: skip
    shown = terminal_table(rows, wide=True)
    cells = dict(zip(shown.headers, shown.rows[0], strict=True))
    assert "2017" in cells.values() and "2010" in cells.values()  # never '2,017'
    assert "4,720" in cells.values()
