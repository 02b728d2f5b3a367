"""The published-statistics reader: layouts, areas, markers, rejects, on files in each shape."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from openpeel.errors import SourceFormatError, UserInputError
from openpeel.reference.official_areas import recognise_area, strip_footnotes
from openpeel.sources.publications import detect_publication, read_publication
from openpeel.sources.publications.values import parse_cell
from tests.unit.official_fixtures import (
    ons_workbook,
    use_of_force_workbook,
    vfm_adr_rows,
    write_workbook,
)


def _rows(read, **where):  # type: ignore[no-untyped-def]
    table = read.tidy.to_pylist()
    return [r for r in table if all(r[k] == v for k, v in where.items())]


def _balanced(read) -> None:  # type: ignore[no-untyped-def]
    for t in read.tables:
        assert t.rows_read == t.rows_loaded + t.rows_rejected, t


def test_areas_codes_names_and_footnotes() -> None:
    assert recognise_area("Greater Manchester8,9").force_id == "greater-manchester"
    assert recognise_area("London, City of").force_id == "city-of-london"
    assert recognise_area("Avon & Somerset").force_id == "avon-and-somerset"
    assert recognise_area("Metropolitan").force_id == "metropolitan"
    # West Midlands: the code decides; without one the caller's preference does.
    assert recognise_area("West Midlands", "E23000014").area_type == "force"
    assert recognise_area("West Midlands", "E12000005").area_type == "region"
    assert recognise_area("West Midlands", prefer="region").area_type == "region"
    # A footnote digit glued to the code (YE March 2019 edition: "E230000118").
    assert recognise_area("South Yorkshire", "E230000118").force_id == "south-yorkshire"
    for aggregate in (
        "*Total North East",
        "Total England and Wales",
        "ENGLAND AND WALES7,8",
        "England and Wales (excluding Greater Manchester Police)",
        "Wales",
    ):
        area = recognise_area(aggregate)
        assert area is not None and not area.is_force and area.force_id is None, aggregate
    assert recognise_area("Atlantis") is None
    assert strip_footnotes("Total recorded crime (excluding fraud3)") == (
        "Total recorded crime (excluding fraud)"
    )
    assert strip_footnotes("Aged 18 to 24") == "Aged 18 to 24"


def test_markers_are_never_zero() -> None:
    markers = {"..": "not_available", "-": "zero_or_suppressed", "": "blank"}
    for raw, status in ((" .. ", "not_available"), (" - ", "zero_or_suppressed"), ("", "blank")):
        cell = parse_cell(raw, markers)
        assert cell is not None and cell.value is None and cell.status == status
    assert parse_cell(" 1,234 ", markers).value == 1234.0  # type: ignore[union-attr]
    assert parse_cell("*↑", markers) is None


def test_ons_force_table(tmp_path: Path) -> None:
    path = ons_workbook(tmp_path / "pfatables.xlsx")
    read = read_publication(path)
    assert read.publication.name == "ons-recorded-crime"
    assert read.period == "December 2019"
    _balanced(read)
    total = "Total recorded crime (excluding fraud)"
    (wm,) = _rows(read, table_id="P1", force_id="west-midlands", measure=total)
    assert wm["value"] == 259638 and wm["value_status"] == "reported"
    assert (wm["source_file"], wm["source_sheet"], wm["source_row"], wm["source_column"]) == (
        "pfatables.xlsx",
        "Table P1",
        11,
        "C",
    )
    (region,) = _rows(read, table_id="P1", area_id="region-west-midlands", measure=total)
    assert region["force_id"] is None and region["value"] == 466132
    (gmp,) = _rows(read, table_id="P1", force_id="greater-manchester", measure=total)
    assert gmp["value"] is None and gmp["value_status"] == "not_available"
    (city,) = _rows(read, table_id="P1", force_id="city-of-london", measure=total)
    assert city["value"] == 8638
    (homicide,) = _rows(read, force_id="city-of-london", measure="Victim-based crime | Homicide")
    assert homicide["value_status"] == "not_applicable"
    (rate,) = _rows(read, table_id="P3", force_id="city-of-london", measure=total)
    assert rate["value"] is None and rate["value_status"] == "suppressed"
    (reject,) = read.rejects.to_pylist()
    assert reject["source_sheet"] == "Table P1" and reject["source_row"] == 13
    assert "not a recognised force" in reject["reason"] and "Atlantis" in reject["raw"]
    p1 = next(t for t in read.tables if t.table_id == "P1")
    assert (p1.rows_read, p1.rows_loaded, p1.rows_rejected) == (7, 6, 1)
    notes = next(t for t in read.tables if t.sheet == "Notes")
    assert notes.skipped_reason and notes.rows_read == 0


def test_use_of_force_without_codes(tmp_path: Path) -> None:
    path = use_of_force_workbook(tmp_path / "police-use-of-force-apr2019-mar2020-tables.xlsx")
    read = read_publication(path)
    assert read.publication.name == "home-office-use-of-force" and read.period == "2019/20"
    _balanced(read)
    assert not read.rejects.num_rows
    (incidents,) = _rows(read, table_id="12", force_id="west-midlands")
    assert incidents["value"] == 11187 and incidents["measure"] == "incidents"
    (region,) = _rows(read, table_id="12", area_id="region-west-midlands")
    assert region["value"] == 28000
    assert _rows(read, table_id="12", force_id="city-of-london")[0]["value"] == 900
    tactics = {
        json.loads(r["dimensions"])["perceived_ethnicity"]: r["value"]
        for r in _rows(read, table_id="16", force_id="west-midlands", measure="tactics_used")
        if json.loads(r["dimensions"])["Tactic"] == "Total Tactics"
    }
    assert tactics == {
        "White": 10868,
        "Black (or Black British)": 3512,
        "Asian (or Asian British)": 2540,
        "Mixed": 982,
        "Other": 272,
        "Not reported": 284,
        "Number of times tactic reported": 18458,
    }
    baton = [
        r
        for r in _rows(read, table_id="16", force_id="west-midlands")
        if json.loads(r["dimensions"])["Tactic"] == "Baton drawn"
    ]
    assert baton and all(r["value"] is None and r["value_status"] == "not_available" for r in baton)


def test_region_and_force_of_the_same_name(tmp_path: Path) -> None:
    rows = [
        ["Table 1: Police officers by police force area, 31 March 2019 and 30 September 2019"],
        [],
        ["", "Officers"],
        ["North East ", 5434.7],
        ["Cleveland", 1225.9],
        ["West Midlands", 14000.0],
        ["Staffordshire", 1500.0],
        ["West Midlands", 6700.0],
        ["Durham", 1124.7],
    ]
    path = write_workbook(
        tmp_path / "t.xlsx", {"Index": [["x"]], "Table_1": rows, "Table_12": [["Table 12"]]}
    )
    read = read_publication(path, "home-office-workforce-quarterly")
    assert _rows(read, area_id="region-west-midlands")[0]["value"] == 14000
    assert _rows(read, force_id="west-midlands")[0]["value"] == 6700
    # Listed once among plain region names, the table does not say which: rejected.
    once = [r for r in rows if r != ["West Midlands", 6700.0]]
    path = write_workbook(
        tmp_path / "u.xlsx", {"Index": [["x"]], "Table_1": once, "Table_12": [["Table 12"]]}
    )
    read = read_publication(path, "home-office-workforce-quarterly")
    assert not _rows(read, force_id="west-midlands")
    assert "a region and a force" in read.rejects.to_pylist()[0]["raw"]
    _balanced(read)


def test_wide_force_columns_become_long_rows(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "HMICFRS-VFM-2017-open-data-ADR.xlsx",
        {"Notes_and_sources": [["Notes on the data"]], "Data": vfm_adr_rows()},
    )
    read = read_publication(path)
    assert read.publication.name == "hmicfrs-vfm-adr" and read.period == "VFM profiles 2017"
    _balanced(read)
    calls = _rows(read, measure="999 calls received [ADR 441]")
    assert {r["force_id"] for r in calls} == {
        "avon-and-somerset",
        "bedfordshire",
        "cambridgeshire",
        "cheshire",
        "city-of-london",
        "west-midlands",
    }
    wm = next(r for r in calls if r["force_id"] == "west-midlands")
    assert wm["value"] == 600000 and json.loads(wm["dimensions"]) == {"section": "999 calls"}
    cambs = next(r for r in calls if r["force_id"] == "cambridgeshire")
    assert cambs["value"] is None and cambs["value_status"] == "not_available"
    (reject,) = read.rejects.to_pylist()
    assert reject["source_column"] == "H" and reject["raw"] == "Narnia"


OUTCOMES_ROWS = [
    "2017/18,1,West Midlands,Robbery of personal property,Robbery,Robbery,34B,NA,"
    "Charged/Summonsed,Charged/Summonsed,1,120,95",
    "2017/18,1,West Midlands,Robbery of personal property,Robbery,Robbery,34B,NA,"
    "Not yet assigned an outcome,Not yet assigned an outcome,0,300,NA",
    "2017/18,1,London, City of,Robbery,Robbery,Robbery,34B,NA,x,y,1,1,1",
    "NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA",
]


@pytest.mark.parametrize(
    "header",
    [
        # The renamed copy of the open data.
        "financial_year,financial_quarter,force_name,offence_description,offence_group,"
        "offence_subgroup,offence_code,offence_code_expired,outcome_description,outcome_group,"
        "outcome_type,offences,force_outcomes_recorded_in_quarter",
        # The published names (matched loosely).
        "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
        "Offence Subgroup,Offence Code,Offence Code Expired,Outcome Description,Outcome Group,"
        "Outcome Type,Force outcomes for offences recorded in quarter,"
        "Force outcomes recorded in quarter",
    ],
)
def test_crime_outcomes_long_table(tmp_path: Path, header: str) -> None:
    rows = [OUTCOMES_ROWS[0], OUTCOMES_ROWS[1], OUTCOMES_ROWS[3]]
    path = tmp_path / "outcomes.csv.gz"
    path.write_bytes(gzip.compress(("\n".join([header, *rows]) + "\n").encode()))
    read = read_publication(path)
    assert read.publication.name == "home-office-crime-outcomes" and read.period == "2017/18"
    _balanced(read)
    assert (read.rows_read, read.rows_loaded, read.rows_rejected) == (3, 2, 1)
    charged = _rows(read, measure="offences", source_row=2)[0]
    assert charged["force_id"] == "west-midlands" and charged["value"] == 120
    assert json.loads(charged["dimensions"])["outcome_group"] == "Charged/Summonsed"
    missing = _rows(read, measure="force_outcomes_recorded_in_quarter", source_row=3)[0]
    assert missing["value"] is None and missing["value_status"] == "not_available"
    (reject,) = read.rejects.to_pylist()
    assert reject["source_row"] == 4 and "empty row" in reject["reason"]


@pytest.mark.parametrize(
    ("header", "prefix", "figures"),
    [
        (
            "As at 31 March,Geocode,Force name,Region,Sex,Rank,Worker type,"
            "Total (Headcount),Total (FTE)",
            "2017,E23000014,West Midlands,West Midlands,Male,Constable,Police Officer,",
            '" 3,512 "," 3,498.25 "',
        ),
        (
            "As at 31 March,Geocode,Force name,Region,Sex,Rank,Worker type,Ethnicity (5+1),"
            "Function subgroup name,Frontline type,Total (Headcount),Total (FTE)",
            "2021,E23000014,West Midlands,West Midlands,Male,Constable,Police Officer,Asian,"
            "Neighbourhood policing,Visible operational front line,",
            "3512,3498.25",
        ),
        (
            "As at 31 March...,Geo code,Force Name,Region,Gender,Rank description,Worker type,"
            "Ethnicity,Ethnic group,Total (headcount),Total (FTE)",
            "2003,E23000014,West Midlands,West Midlands,Female,Chief Officer,Police Officer,Mixed,"
            '"Black, Asian and Minority Ethnic",',
            "3512,3498.25",
        ),
    ],
)
def test_workforce_open_data_shapes(tmp_path: Path, header: str, prefix: str, figures: str) -> None:
    text = "\n".join([header, prefix + figures, prefix + " - , - "]) + "\n"
    path = tmp_path / "workforce.csv"
    path.write_text(text)
    read = read_publication(path)
    assert read.publication.name == "home-office-workforce-open-data"
    _balanced(read)
    assert read.rows_rejected == 0
    head = _rows(read, measure="headcount", source_row=2)[0]
    fte = _rows(read, measure="fte", source_row=2)[0]
    assert head["force_id"] == "west-midlands" and head["value"] == 3512
    assert fte["value"] == 3498.25 and fte["unit"] == "fte"
    blank = _rows(read, measure="fte", source_row=3)[0]
    assert blank["value"] is None and blank["value_status"] == "zero_or_suppressed"


def test_unknown_files_and_publications(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "other.xlsx", {"Sheet1": [["hello"]]})
    with pytest.raises(SourceFormatError, match="not a known publication"):
        detect_publication(path)
    with pytest.raises(UserInputError, match="unknown publication"):
        read_publication(path, "no-such-publication")
    (tmp_path / "bad.xlsx").write_text("not a spreadsheet")
    with pytest.raises(SourceFormatError):
        read_publication(tmp_path / "bad.xlsx", "ons-recorded-crime")


def test_undeclared_sheet_is_rejected_whole(tmp_path: Path) -> None:
    path = ons_workbook(tmp_path / "pfatables.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(path)
    extra = book.create_sheet("Table Z9")
    extra.append(["Surprise"])
    extra.append(["Cleveland", 5.0])
    book.save(path)
    read = read_publication(path)
    _balanced(read)
    table = next(t for t in read.tables if t.sheet == "Table Z9")
    assert (
        table.rows_rejected == 1 and table.skipped_reason == "sheet not declared in the publication"
    )


def test_workforce_bulletin_tables(tmp_path: Path) -> None:
    from tests.unit.official_fixtures import workforce_bulletin_workbook

    read = read_publication(
        workforce_bulletin_workbook(tmp_path / "police-workforce-tabs.ods.xlsx")
    )
    assert read.publication.name == "home-office-workforce-bulletin"
    assert read.period == "31 March 2017"
    _balanced(read)
    h1 = {r["measure"]: r["value"] for r in _rows(read, table_id="H1", force_id="west-midlands")}
    assert h1["All officers (full-time equivalent) | Total"] == 6755.96
    assert h1["Officers available for duty (full-time equivalent) | Male"] == 4651.73
    # Secondments and the 43-force total are loaded, never as forces.
    others = {r["area_id"] for r in _rows(read, table_id="H1") if r["force_id"] is None}
    assert others == {"central-service-secondments", "england-and-wales-43-forces"}
    d2 = {r["measure"]: r["value"] for r in _rows(read, table_id="D2", force_id="west-midlands")}
    assert d2["Male | Asian or Asian British"] == 274.19
    assert d2["Male | Chinese or Other ethnic group"] == 11.0
    f1 = _rows(read, table_id="Table_F1", force_id="west-midlands")
    assert {r["measure"]: r["value"] for r in f1} == {
        "Neighbourhood policing": 1200.0,
        "Incident (response) management": 1500.0,
    }
    assert all(json.loads(r["dimensions"]) == {"section": "Local policing"} for r in f1)
    (total,) = [
        r
        for r in _rows(read, table_id="Table_F1", area_id="table-total")
        if r["measure"] == "Neighbourhood policing"
    ]
    assert total["value"] == 1600.0 and total["force_id"] is None
    # The placeholder JL1 sheet has no force column: rejected as a sheet, with no rows.
    (reject,) = read.rejects.to_pylist()
    assert reject["source_sheet"] == "Table_JL1" and "no column" in reject["reason"]
    jl1 = next(t for t in read.tables if t.sheet == "Table_JL1")
    assert jl1.rows_read == 0


def shared_data_file(relative: str) -> Path:
    """A file of the real official statistics; skips the test when it is absent."""
    from tests.conftest import shared_data

    path = shared_data() / "official" / relative
    if not path.is_file():
        pytest.skip(f"real official statistics not found at {path}")
    return path
