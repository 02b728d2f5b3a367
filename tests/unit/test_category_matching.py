"""Coded fields are matched after normalising whitespace and case; values still unknown put a
caveat on every result over them (issue 12 item 10)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators.stop_search import scope
from openpeel.indicators.stop_search_quality import trend
from openpeel.reference.vocabularies import VOCABULARIES, lookup, normalise
from tests.conftest import write_police_csv

S60 = "Criminal Justice and Public Order Act 1994 (section 60)"
PACE = "Police and Criminal Evidence Act 1984 (section 1)"


def _row(kind: str, legislation: str, day: int = 1) -> str:
    return (
        f"{kind},2021-04-0{day}T10:00:00+00:00,False,,52.4,-1.9,Male,18-24,"
        f"White - English/Welsh/Scottish/Northern Irish/British,White,{legislation},"
        "Offensive weapons,A no further action disposal,False,False"
    )


@pytest.fixture
def lake(tmp_path: Path, data_dir: Path) -> Path:
    write_police_csv(
        tmp_path / "a",
        "2021-04-kent-stop-and-search.csv",
        [
            _row("Vehicle search ", PACE, 1),
            _row("PERSON SEARCH", f"{S60} ", 2),
            _row("Person  and Vehicle search", f" {S60.upper()}", 3),
            _row("Person search", PACE, 4),
            _row("   ", PACE, 5),
        ],
    )
    report = openpeel.ingest([tmp_path / "a"], data_dir)
    assert report.totals()["unknown_values"] == 0
    return data_dir


def test_spacing_and_case_do_not_change_the_code(lake: Path) -> None:
    df = openpeel.connect(lake).table("stop_searches").execute().sort_values("source_row")
    assert list(df.search_type_code[:4]) == ["vehicle", "person", "person_and_vehicle", "person"]
    assert list(df.is_vehicle_only[:4]) == [True, False, False, False]
    assert df.search_type_code.isna().iloc[4]  # only spaces: blank
    assert list(df.legislation_code) == ["pace_s1", "cjpoa_s60", "cjpoa_s60", "pace_s1", "pace_s1"]
    # The published text stays as it was.
    assert list(df.search_type_raw[:3]) == [
        "Vehicle search ",
        "PERSON SEARCH",
        "Person  and Vehicle search",
    ]
    assert df.legislation_raw.iloc[1] == f"{S60} "


def test_a_vehicle_search_with_a_trailing_space_is_not_a_person_search(lake: Path) -> None:
    result = trend(openpeel.connect(lake), Period.from_months("2021-04", "2021-04"), "kent")
    row = result.table.iloc[0]
    assert (row.searches, row.person_searches) == (5, 4)
    assert not any("does not recognise" in c for c in result.caveats)


def test_values_still_unknown_are_a_caveat_on_every_result(tmp_path: Path, data_dir: Path) -> None:
    write_police_csv(
        tmp_path / "a",
        "2021-04-kent-stop-and-search.csv",
        [_row("Vehicle srch", PACE, 1), _row("Person search", "Section 60 CJPOA", 2)],
    )
    openpeel.ingest([tmp_path / "a"], data_dir)
    con = openpeel.connect(data_dir)
    sc = scope(con, Period.from_months("2021-04", "2021-04"), "kent")
    assert sc.unknown_codes == {"Type": 1, "Legislation": 1}
    caveats = trend(con, sc).caveats
    assert any(
        c.startswith("Type: 1 row hold a value openpeel does not recognise") for c in caveats
    )
    assert any(c.startswith("Legislation: 1 row") for c in caveats)


def test_no_two_published_values_collide_once_normalised() -> None:
    for name in VOCABULARIES:
        assert lookup(name)  # raises when two raw values collide with different codes
    assert normalise("  Vehicle \t search ") == "vehicle search"


def test_crime_outcomes_are_matched_the_same_way() -> None:
    import ibis

    from openpeel.indicators.investigations import outcome_code

    t = ibis.memtable({"raw": ["Investigation complete; no suspect identified ", "NOPE", "  "]})
    codes = t.select(code=outcome_code(t.raw)).execute().code.tolist()
    known = lookup("crime_outcome")["investigation complete; no suspect identified"].code
    assert codes[:2] == [known, "unknown"] and pd.isna(codes[2])
