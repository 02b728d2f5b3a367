"""Small published-statistics files in each documented shape, written at test time.

The figures are copied from the published tables (aggregate statistics, public under the Open
Government Licence); the layouts (title rows, two-row headers, footnote digits glued to names,
regions between forces, '..' for not supplied) are those of the real files.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

Row = list[Any]


def write_workbook(path: Path, sheets: dict[str, list[Row]]) -> Path:
    """An XLSX file with these sheets (rows from A1)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def ons_p1_rows(west_midlands: float = 259638.0) -> list[Row]:
    """Table P1 of the ONS police force area tables, year ending December 2019 (abridged)."""
    return [
        [
            "Table P1: Police recorded crime by offence group and police force area, English "
            "regions and Wales, number of offences, year ending December 20191,2"
        ],
        [],
        ["England and Wales (excluding Greater Manchester Police)"],
        ["", "", "Total recorded crime (excluding fraud3)", "", "Victim-based crime", ""],
        ["Area Code", "Area Name", "", "", "Violence against the person4", "Homicide"],
        ["", "", "Numbers"],
        ["K04000001", "ENGLAND AND WALES7,8", 5013284.0, "", 1658478.0, 670.0],
        ["E12000002", "North West8", 418811.0, "", 158758.0, 57.0],
        ["E23000005", "Greater Manchester8,9", "..", "", "..", ".."],
        ["E12000005", "West Midlands ", 466132.0, "", 164497.0, 71.0],
        ["E23000014", "West Midlands", west_midlands, "", 87770.0, 38.0],
        ["E23000034", "City of London14", 8638.0, "", 1143.0, "-"],
        ["E99999999", "Atlantis", 12.0, "", 3.0, 0.0],
        [],
        ["Source: Home Office - Police recorded crime"],
        ["11. '..'  indicates data not available."],
    ]


def ons_workbook(path: Path, west_midlands: float = 259638.0) -> Path:
    """An ONS police force area tables workbook with notes, P1 and P3."""
    p3 = [
        [
            "Table P3: Police recorded crime by offence group and police force area, English "
            "regions and Wales, rate of offences, year ending December 20191,2"
        ],
        [],
        [],
        ["", "", "", "", "", ""],
        [
            "Area Code",
            "Area Name",
            "Population figures (mid-2018)3 rounded to 100",
            "",
            "Total recorded crime (excluding fraud5)",
        ],
        ["", "", "", "", "Rate per 1,000 population"],
        ["E23000013", "Cleveland", 567700.0, "", 121.88622],
        ["E23000014", "West Midlands", 2916500.0, "", 89.02511],
        ["E23000034", "City of London14", 8700.0, "", "+"],
    ]
    return write_workbook(
        path,
        {
            "Notes": [["Crime in England and Wales, year ending December 2019 - PFA tables"]],
            "Table P1": ons_p1_rows(west_midlands),
            "Table P3": p3,
        },
    )


def use_of_force_table_12() -> list[Row]:
    """Home Office use of force Table 12 (no area codes; regions as 'Total …' rows)."""
    return [
        ["Table 12. Incidents by police force, year ending March 2020"],
        ["Contents"],
        [],
        ["Region", "Police force", "Total"],
        ["England and Wales", "Total England and Wales", 491984.0],
        ["West Midlands", "Total West Midlands", 28000.0],
        ["West Midlands", "Staffordshire", 3500.0],
        ["West Midlands", "West Midlands", 11187.0],
        ["London", "London, City of", 900.0],
        ["South West", "Avon & Somerset", 11331.0],
        [],
        ["Notes"],
        [": = not available."],
    ]


def use_of_force_table_16() -> list[Row]:
    """Table 16: tactics by force and perceived ethnicity (force repeated on each tactic row)."""
    return [
        [
            "Table 16. Number of times tactics were used, by police force and officer perceived "
            "ethnicity of person involved, year ending March 2020"
        ],
        ["Contents"],
        [],
        ["Total number of incidents involving group", "", "", "Perceived ethnicity"],
        [
            "Police force",
            "Type of force",
            "Tactic",
            "White",
            "Black (or Black British)",
            "Asian (or Asian British)",
            "Mixed",
            "Other",
            "Not reported",
            "Number of times tactic reported",
        ],
        [
            "West Midlands",
            "Total (excluding not reported and tactical communication)",
            "*Total Tactics",
            10868.0,
            3512.0,
            2540.0,
            982.0,
            272.0,
            284.0,
            18458.0,
        ],
        ["West Midlands", "Other equipment", "Baton drawn", ":", ":", ":", ":", ":", ":", ":"],
        ["Wiltshire", "Restraint", "*Total Restraint", 900.0, 50.0, 20.0, 10.0, 5.0, 30.0, 1015.0],
    ]


def use_of_force_workbook(path: Path) -> Path:
    """A use of force tables workbook (named as the Home Office names the 2019/20 file)."""
    return write_workbook(
        path,
        {
            "Cover_sheet": [["Police use of force statistics"]],
            "Contents": [["Police use of force statistics, England and Wales"]],
            "Table_12": use_of_force_table_12(),
            "Table_16": use_of_force_table_16(),
        },
    )


def vfm_adr_rows() -> list[Row]:
    """HMICFRS value for money ADR sheet: one column per force, headings between measures."""
    return [
        ["Home Office ADR data"],
        [],
        [
            "",
            "Avon and Somerset",
            "Bedfordshire",
            "Cambridgeshire",
            "Cheshire",
            "City of London",
            "West Midlands",
            "Narnia",
        ],
        ["Population"],
        [
            "Population (1000s) [ONS mid-2016 estimates]",
            1680.715,
            664.479,
            849.035,
            1048.087,
            7.4,
            2864.9,
            1.0,
        ],
        ["999 calls"],
        ["999 calls received [ADR 441]", 200000.0, 80000.0, "..", 110000.0, 5000.0, 600000.0, 1.0],
    ]


def workforce_bulletin_workbook(path: Path) -> Path:
    """Police workforce 31 March 2017 tables H1 and D2 (West Midlands rows as published) and a
    functions table with one column per force (F1 layout)."""
    h1 = [
        ["Table H1  Police officers, by police force area, as at 31 March 2017"],
        [],
        ["England and Wales"],
        [
            "Police force",
            "All officers (full-time equivalent)",
            "",
            "",
            "",
            "Officers available for duty1\n(full-time equivalent)",
            "",
            "",
        ],
        ["", "Male", "Female", "Total", "", "Male", "Female", "Total"],
        ["Warwickshire", 560.0, 240.0, 800.0, "", 550.0, 230.0, 780.0],
        ["West Mercia", 1500.0, 560.0, 2060.0, "", 1480.0, 540.0, 2020.0],
        ["West Midlands", 4722.19, 2033.77, 6755.96, "", 4651.73, 1913.09, 6564.82],
        ["Central service secondments", 30.0, 10.0, 40.0, "", 30.0, 10.0, 40.0],
        ["Total of 43 forces", 100000.0, 30000.0, 130000.0, "", 98000.0, 29000.0, 127000.0],
        [],
        ["1. Officers available for duty excludes those on career breaks."],
    ]
    d2 = [
        [
            "Table D2  Police officers, by police force area, ethnicity and gender, as at 31 March "
            "2017"
        ],
        [],
        ["England and Wales", "", "", "", "", "", "", "", "Full-time equivalents"],
        ["Police force", "Male", "", "", "", "", "", "", "Total all officers"],
        [
            "",
            "White",
            "Black or Black British",
            "Asian or Asian British",
            "Chinese or Other ethnic group",
            "Mixed",
            "Not stated",
            "Total male",
            "",
        ],
        ["Warwickshire", 500.0, 5.0, 20.0, 5.0, 10.0, 20.0, 560.0, 800.0],
        ["West Mercia", 1400.0, 10.0, 30.0, 10.0, 20.0, 30.0, 1500.0, 2060.0],
        ["West Midlands", 4206.09, 73.0, 274.19, 11.0, 86.0, 71.91, 4722.19, 6755.96],
    ]
    f1 = [
        ["Table F1  Police officer functions (full-time equivalents), as at 31 March 2017"],
        [],
        ["Function", "Warwickshire", "West Mercia", "West Midlands", "Total"],
        ["Local policing"],
        ["Neighbourhood policing", 100.0, 300.0, 1200.0, 1600.0],
        ["Incident (response) management", 200.0, 500.0, 1500.0, 2200.0],
    ]
    return write_workbook(
        path,
        {
            "Index": [["Police workforce, England and Wales, 31 March 2017"]],
            "Table_H1": h1,
            "Table_D2": d2,
            "Table_JL1": [["Table JL1 (not in this fixture)"]],
            "Table_F1": f1,
        },
    )


#: 31 March 2017 as published (tables H1, S2, H9) for the forces of ``vfm_adr_rows``.
HEADCOUNT_FORCES = {
    # force as printed: (officer FTE H1, officer headcount S2, specials 2016 and 2017 H9)
    "Avon & Somerset": (2667.31, 2759.0, 394.0, 343.0),
    "Bedfordshire": (1119.09, 1134.0, 228.0, 211.0),
    "Cambridgeshire": (1345.68, 1376.0, 258.0, 236.0),
    "Cheshire": (2007.64, 2037.0, 421.0, 435.0),
    "London, City of": (684.49, 694.0, 61.0, 58.0),
    "West Midlands": (6755.96, 6914.0, 303.0, 205.0),
}


def workforce_headcount_workbook(path: Path) -> Path:
    """Police workforce 31 March 2017 tables with FTE (H1) and headcount (S2 officers by sex
    and full- or part-time working; H9 special constables, regions between the forces)."""
    h1: list[Row] = [
        ["Table H1  Police officers, by police force area, as at 31 March 2017"],
        [],
        ["England and Wales"],
        ["Police force", "All officers (full-time equivalent)", "", ""],
        ["", "Male", "Female", "Total"],
    ]
    s2: list[Row] = [
        [
            "Table S2  Police officers (headcount), by police force area, gender and "
            "full-/part-time employment, as at 31 March 2017"
        ],
        [],
        ["England and Wales", "", "", "", "", "", "", "Headcount"],
        ["Police force", "Police officers", "", "", "", "", "", ""],
        ["", "Male", "", "", "Female", "", "", "Total"],
        ["", "Full-time", "Part-time", "", "Full-time", "Part-time", "", ""],
    ]
    h9: list[Row] = [
        [
            "Table H9  Special constables1 by police force area, English regions and Wales, as "
            "at 31 March 2016 and 31 March 2017"
        ],
        [],
        [],
        ["England and Wales", "", "", "", "", "Headcount1"],
        ["Police force area, English regions and Wales", "As at:", "", "", "Change", ""],
        [],
        ["", datetime(2016, 3, 1), datetime(2017, 3, 1), "", "Number", "%"],
        ["North East", 372.0, 329.0, "", -43.0, -11.6],
        ["West Midlands ", 903.0, 705.0, "", -198.0, -21.9],
    ]
    for name, (fte, heads, specials_2016, specials_2017) in HEADCOUNT_FORCES.items():
        h1.append([name, fte * 0.7, fte * 0.3, fte])
        s2.append([name, heads * 0.6, "", "", heads * 0.4, "", "", heads])
        h9.append([name, specials_2016, specials_2017, "", specials_2017 - specials_2016, ""])
    h9.append(["England and Wales", 16000.0, 14000.0, "", -2000.0, -12.5])
    return write_workbook(
        path,
        {
            "Index": [["Police workforce, England and Wales, 31 March 2017"]],
            "Table_H1": h1,
            "Table_D2": [["Table D2 (not in this fixture)"]],
            "Table_JL1": [["Table JL1 (not in this fixture)"]],
            "Table_S2": s2,
            "Table_H9": h9,
        },
    )
