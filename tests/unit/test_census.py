"""Census 2021 TS021 -> police force area population, on tiny inline files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pytest

from openpeel.sources.census import (
    BROAD_GROUPS,
    CENSUS_YEAR,
    ETHNIC_GROUPS,
    POPULATION_SCHEMA,
    SOURCE,
    PopulationError,
    broad_group,
    read_population,
)

# The 19 TS021 categories with their codes as published by ONS, and the broad group each belongs to.
CATEGORIES: list[tuple[int, str, str]] = [
    (1, "Asian, Asian British or Asian Welsh: Bangladeshi", "asian"),
    (2, "Asian, Asian British or Asian Welsh: Chinese", "asian"),
    (3, "Asian, Asian British or Asian Welsh: Indian", "asian"),
    (4, "Asian, Asian British or Asian Welsh: Pakistani", "asian"),
    (5, "Asian, Asian British or Asian Welsh: Other Asian", "asian"),
    (6, "Black, Black British, Black Welsh, Caribbean or African: African", "black"),
    (7, "Black, Black British, Black Welsh, Caribbean or African: Caribbean", "black"),
    (8, "Black, Black British, Black Welsh, Caribbean or African: Other Black", "black"),
    (9, "Mixed or Multiple ethnic groups: White and Asian", "mixed"),
    (10, "Mixed or Multiple ethnic groups: White and Black African", "mixed"),
    (11, "Mixed or Multiple ethnic groups: White and Black Caribbean", "mixed"),
    (12, "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", "mixed"),
    (13, "White: English, Welsh, Scottish, Northern Irish or British", "white"),
    (14, "White: Irish", "white"),
    (15, "White: Gypsy or Irish Traveller", "white"),
    (16, "White: Roma", "white"),
    (17, "White: Other White", "white"),
    (18, "Other ethnic group: Arab", "other"),
    (19, "Other ethnic group: Any other ethnic group", "other"),
]

TS021_HEADER = "LAD_code,LAD_name,eth_code,eth_label,count"
LOOKUP_HEADER = "LAD22CD,LAD22NM,CSP22CD,CSP22NM,PFA22CD,PFA22NM,ObjectId"

# Two West Midlands authorities and one North Wales authority (real codes, made-up counts).
LOOKUP_ROWS = [
    "E08000025,Birmingham,E22000150,Birmingham,E23000014,West Midlands,1.0",
    "E08000026,Coventry,E22000151,Coventry,E23000014,West Midlands,2.0",
    "W06000001,Isle of Anglesey,W22000001,Isle of Anglesey,W15000001,North Wales,3.0",
]


def _csv_value(value: str) -> str:
    return f'"{value}"' if "," in value else value


def ts021_rows(
    lad_code: str,
    lad_name: str,
    count: int | None = None,
    *,
    scale: int = 1,
    does_not_apply: int | None = None,
) -> list[str]:
    """All 19 categories of one LAD; category k counts ``count`` or else ``k * scale``."""
    rows = []
    if does_not_apply is not None:
        rows.append(f"{lad_code},{lad_name},-8,Does not apply,{does_not_apply}")
    for code, label, _ in CATEGORIES:
        people = count if count is not None else code * scale
        rows.append(f"{lad_code},{_csv_value(lad_name)},{code},{_csv_value(label)},{people}")
    return rows


def write(path: Path, header: str, rows: Iterable[str], newline: str = "\n") -> Path:
    path.write_text(newline.join([header, *rows]) + newline, encoding="utf-8")
    return path


@pytest.fixture
def lookup(tmp_path: Path) -> Path:
    return write(tmp_path / "lookup.csv", LOOKUP_HEADER, LOOKUP_ROWS)


def standard_ts021(tmp_path: Path) -> Path:
    rows = [
        *ts021_rows("E08000025", "Birmingham", scale=1),
        *ts021_rows("E08000026", "Coventry", scale=100),
        *ts021_rows("W06000001", "Isle of Anglesey", scale=10_000),
    ]
    return write(tmp_path / "ts021.csv", TS021_HEADER, rows)


def by_force_group(table: pa.Table) -> dict[tuple[str, str], int]:
    rows = table.to_pylist()
    return {(r["force_id"], r["ethnic_group"]): r["population"] for r in rows}


def expected_groups(scale: int) -> dict[str, int]:
    out = dict.fromkeys(BROAD_GROUPS, 0)
    for code, _, group in CATEGORIES:
        out[group] += code * scale
    out["total"] = sum(out.values())
    return out


# --- mapping and aggregation -------------------------------------------------------------


@pytest.mark.parametrize(("code", "label", "group"), CATEGORIES)
def test_broad_group_of_every_category(code: int, label: str, group: str) -> None:
    assert broad_group(label) == group


def test_broad_group_of_unknown_label_is_none() -> None:
    assert broad_group("Does not apply") is None
    assert broad_group("Chinese") is None


@pytest.mark.parametrize(("code", "label", "group"), CATEGORIES)
def test_each_category_counts_in_its_group_only(
    tmp_path: Path, lookup: Path, code: int, label: str, group: str
) -> None:
    rows = [
        f"E08000025,Birmingham,{c},{_csv_value(lab)},{1000 if c == code else 0}"
        for c, lab, _ in CATEGORIES
    ]
    rows += [
        f"E08000026,Coventry,{c},{_csv_value(lab)},{7 if c == code else 0}"
        for c, lab, _ in CATEGORIES
    ]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    got = by_force_group(read_population(ts021, lookup))
    expected = {g: (1007 if g == group else 0) for g in BROAD_GROUPS}
    expected["total"] = 1007
    assert {g: got[("west-midlands", g)] for g in ETHNIC_GROUPS} == expected


def test_sums_local_authorities_into_force_areas(tmp_path: Path, lookup: Path) -> None:
    table = read_population(standard_ts021(tmp_path), lookup)
    got = by_force_group(table)
    west_midlands = expected_groups(1)
    for group, people in expected_groups(100).items():
        west_midlands[group] += people
    assert {g: got[("west-midlands", g)] for g in ETHNIC_GROUPS} == west_midlands
    assert {g: got[("north-wales", g)] for g in ETHNIC_GROUPS} == expected_groups(10_000)
    # asian 1..5, black 6..8, mixed 9..12, white 13..17, other 18..19
    assert expected_groups(1) == {
        "asian": 15,
        "black": 21,
        "mixed": 42,
        "white": 75,
        "other": 37,
        "total": 190,
    }


def test_total_is_sum_of_the_five_groups(tmp_path: Path, lookup: Path) -> None:
    got = by_force_group(read_population(standard_ts021(tmp_path), lookup))
    for force_id in ("west-midlands", "north-wales"):
        assert got[(force_id, "total")] == sum(got[(force_id, g)] for g in BROAD_GROUPS)


def test_schema_order_and_lineage(tmp_path: Path, lookup: Path) -> None:
    table = read_population(standard_ts021(tmp_path), lookup)
    assert table.schema == POPULATION_SCHEMA
    assert table.num_rows == 12
    assert table.column("force_id").to_pylist() == ["north-wales"] * 6 + ["west-midlands"] * 6
    assert table.column("ethnic_group").to_pylist() == list(ETHNIC_GROUPS) * 2
    assert set(table.column("pfa_code").to_pylist()) == {"E23000014", "W15000001"}
    assert set(table.column("pfa_name").to_pylist()) == {"West Midlands", "North Wales"}
    assert set(table.column("source").to_pylist()) == {SOURCE}
    assert set(table.column("census_year").to_pylist()) == {CENSUS_YEAR} == {2021}


def test_does_not_apply_is_excluded(tmp_path: Path, lookup: Path) -> None:
    rows = [
        *ts021_rows("E08000025", "Birmingham", scale=1, does_not_apply=999_999),
        *ts021_rows("E08000026", "Coventry", scale=100, does_not_apply=0),
    ]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    got = by_force_group(read_population(ts021, lookup))
    assert got[("west-midlands", "total")] == 190 * 101


def test_lad_with_only_does_not_apply_need_not_be_in_lookup(tmp_path: Path, lookup: Path) -> None:
    rows = [
        *ts021_rows("E08000025", "Birmingham"),
        *ts021_rows("E08000026", "Coventry"),
        "E99999999,Nowhere,-8,Does not apply,0",
    ]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    got = by_force_group(read_population(ts021, lookup))
    assert got[("west-midlands", "total")] == 380


def test_force_absent_from_ts021_is_omitted(tmp_path: Path, lookup: Path) -> None:
    rows = [*ts021_rows("W06000001", "Isle of Anglesey")]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    table = read_population(ts021, lookup)
    assert set(table.column("force_id").to_pylist()) == {"north-wales"}


def test_accepts_crlf_bom_and_padded_header(tmp_path: Path) -> None:
    ts021 = tmp_path / "ts021.csv"
    lines = [
        "LAD_code, LAD_name ,eth_code,eth_label,count",
        *ts021_rows("W06000001", "Isle of Anglesey"),
    ]
    ts021.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    lookup = tmp_path / "lookup.csv"
    lookup.write_bytes(
        ("\ufeff" + "\r\n".join([LOOKUP_HEADER, LOOKUP_ROWS[2]]) + "\r\n").encode("utf-8")
    )
    got = by_force_group(read_population(ts021, lookup))
    assert got[("north-wales", "total")] == 190


def test_lookup_needs_only_lad_and_pfa_columns(tmp_path: Path) -> None:
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, ts021_rows("W06000001", "Anglesey"))
    lookup = write(
        tmp_path / "lookup.csv", "PFA22NM,PFA22CD,LAD22CD", ["North Wales,W15000001,W06000001"]
    )
    got = by_force_group(read_population(ts021, lookup))
    assert got[("north-wales", "total")] == 190


# --- bad input ----------------------------------------------------------------------------


def raises(ts021: Path, lookup: Path, *fragments: str) -> str:
    with pytest.raises(PopulationError) as info:
        read_population(ts021, lookup)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message
    return message


def test_missing_ts021_file(tmp_path: Path, lookup: Path) -> None:
    raises(tmp_path / "absent.csv", lookup, "file not found", "absent.csv")


def test_missing_lookup_file(tmp_path: Path) -> None:
    raises(standard_ts021(tmp_path), tmp_path / "nolookup.csv", "file not found", "nolookup.csv")


def test_directory_instead_of_file(tmp_path: Path, lookup: Path) -> None:
    raises(tmp_path, lookup, "not a file")


def test_empty_file(tmp_path: Path, lookup: Path) -> None:
    ts021 = tmp_path / "ts021.csv"
    ts021.write_text("", encoding="utf-8")
    raises(ts021, lookup, "empty", "LAD_code, LAD_name, eth_code, eth_label, count")


def test_header_only(tmp_path: Path, lookup: Path) -> None:
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, [])
    raises(ts021, lookup, "no data rows")


def test_wrong_ts021_header(tmp_path: Path, lookup: Path) -> None:
    rows = ts021_rows("E08000025", "Birmingham")
    ts021 = write(tmp_path / "ts021.csv", "LAD_code,LAD_name,eth_code,eth_label,observation", rows)
    raises(
        ts021,
        lookup,
        "expected columns LAD_code, LAD_name, eth_code, eth_label, count",
        "missing count",
        "observation",
    )


def test_wrong_lookup_header(tmp_path: Path) -> None:
    lookup = write(
        tmp_path / "lookup.csv",
        "LAD21CD,LAD21NM,CSP21CD,CSP21NM,PFA21CD,PFA21NM,ObjectId",
        ["W06000001,Isle of Anglesey,W22000001,Isle of Anglesey,W15000001,North Wales,1"],
    )
    raises(
        standard_ts021(tmp_path),
        lookup,
        "lookup.csv",
        "expected columns LAD22CD, PFA22CD, PFA22NM",
        "missing LAD22CD, PFA22CD, PFA22NM",
    )


def test_malformed_row(tmp_path: Path, lookup: Path) -> None:
    rows = [*ts021_rows("E08000025", "Birmingham"), "E08000025,Birmingham,1,oops,3,extra"]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    raises(ts021, lookup, "cannot be read as CSV")


@pytest.mark.parametrize("bad", ["abc", "", "12.5", "-3", '"1,234"', "x"])
def test_non_numeric_count(tmp_path: Path, lookup: Path, bad: str) -> None:
    rows = ts021_rows("E08000025", "Birmingham")
    rows[4] = rows[4].rsplit(",", 1)[0] + "," + bad
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    raises(ts021, lookup, "not a whole number", "1 row(s)", "line 6")


def test_unknown_label_is_named(tmp_path: Path, lookup: Path) -> None:
    rows = [*ts021_rows("E08000025", "Birmingham"), "E08000025,Birmingham,20,Martian,5"]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    raises(ts021, lookup, "unknown ethnic group label", "'Martian'")


def test_total_row_is_an_unknown_label(tmp_path: Path, lookup: Path) -> None:
    # ONS downloads from other tools can carry a total row; it must not be added in silently.
    rows = [
        *ts021_rows("E08000025", "Birmingham"),
        "E08000025,Birmingham,0,Total: All usual residents,190",
    ]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    raises(ts021, lookup, "'Total: All usual residents'")


def test_lad_not_in_lookup_is_listed(tmp_path: Path, lookup: Path) -> None:
    rows = [
        *ts021_rows("E08000025", "Birmingham"),
        *ts021_rows("E08000026", "Coventry"),
        *ts021_rows("E06000999", "Atlantis"),
    ]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    raises(ts021, lookup, "1 local authority(ies) not in lookup.csv", "E06000999 (Atlantis)")


def test_force_area_partly_covered(tmp_path: Path, lookup: Path) -> None:
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, ts021_rows("E08000025", "Birmingham"))
    raises(ts021, lookup, "E23000014 (West Midlands)", "partly covered", "E08000026")


def test_force_area_without_a_force(tmp_path: Path) -> None:
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, ts021_rows("S12000033", "Aberdeen"))
    lookup = write(
        tmp_path / "lookup.csv",
        LOOKUP_HEADER,
        ["S12000033,Aberdeen,S22000001,Aberdeen,S23000009,Police Scotland,1"],
    )
    raises(ts021, lookup, "S23000009 (Police Scotland)", "no force")


def test_lad_in_two_force_areas(tmp_path: Path) -> None:
    lookup = write(
        tmp_path / "lookup.csv",
        LOOKUP_HEADER,
        [*LOOKUP_ROWS, "E08000026,Coventry,E22000151,Coventry,E23000017,Warwickshire,4.0"],
    )
    raises(standard_ts021(tmp_path), lookup, "E08000026 is in two police force areas")


def test_blank_lookup_code(tmp_path: Path) -> None:
    lookup = write(tmp_path / "lookup.csv", LOOKUP_HEADER, [*LOOKUP_ROWS, ",,,,,,4.0"])
    raises(standard_ts021(tmp_path), lookup, "blank", "line 5")


def test_duplicate_category(tmp_path: Path, lookup: Path) -> None:
    rows = ts021_rows("E08000025", "Birmingham")
    rows = [*rows, rows[3], *ts021_rows("E08000026", "Coventry")]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    raises(ts021, lookup, "E08000025 (Birmingham)", "more than once", "Pakistani")


def test_lad_lacking_a_category(tmp_path: Path, lookup: Path) -> None:
    birmingham = [r for r in ts021_rows("E08000025", "Birmingham") if "Roma" not in r]
    ts021 = write(
        tmp_path / "ts021.csv", TS021_HEADER, [*birmingham, *ts021_rows("E08000026", "Coventry")]
    )
    raises(ts021, lookup, "E08000025 (Birmingham) lacks 1 category", "'White: Roma'")


def test_broad_group_with_no_categories(tmp_path: Path, lookup: Path) -> None:
    rows = [
        r
        for lad, name in (("E08000025", "Birmingham"), ("E08000026", "Coventry"))
        for r in ts021_rows(lad, name)
        if "Other ethnic group" not in r
    ]
    ts021 = write(tmp_path / "ts021.csv", TS021_HEADER, rows)
    raises(ts021, lookup, "no categories for broad group(s) other")


def test_not_utf8(tmp_path: Path, lookup: Path) -> None:
    ts021 = tmp_path / "ts021.csv"
    ts021.write_bytes(b"LAD_code,LAD_name,eth_code,eth_label,c\xf4unt\n")
    raises(ts021, lookup, "not UTF-8")
