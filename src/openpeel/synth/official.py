"""SYNTHETIC official statistics in the layouts the ONS and the Home Office publish, so the demo
shows the PEEL areas that rest on them (recorded crime, crime outcomes, use of force, workforce
representation) with numbers, read by the same reader as the real files.

Six files for one financial year, for the demo force and a handful of peer forces, plus the
England and Wales rows the real tables carry:

- ``synthetic-pfatables-year-ending-march-YYYY.xlsx``: ONS police force area tables P1 (offences
  by offence group), P2 (% change on the previous year), P3 (rate per 1,000 with the mid-year
  population), titles and two-row headers as published;
- ``synthetic-prc-outcomes-open-data-marYYYY.csv``: Home Office crime outcomes open data (force ×
  offence group × outcome × quarter) with the published header;
- ``synthetic-police-use-of-force-aprYYYY-marYYYY-tables.ods``: Home Office use of force tables 12
  (incidents by force) and 16 (tactics by perceived ethnicity);
- ``synthetic-police-workforce-tabs-31-march-YYYY.ods``: Home Office police workforce tables H1,
  D1 (with the residents' ethnic-minority share), D2, D3 and D4;
- ``synthetic-HMICFRS-VFM-YYYY-open-data-ADR.ods`` and ``...-POA.ods``: HMICFRS value for money
  profiles, one column per force: the annual data return (population, officers, staff and PCSOs
  since 2009/10, joiners, leavers, sickness, 999 calls, incidents by grade) and the police
  objective analysis (funding, and spending, officers and staff by function).

Every file name begins with "synthetic", which is what marks the figures loaded from it as
synthetic on every page, chart and export (``openpeel.provenance``). The numbers are made up:
rates near national levels, varied by force with a seeded generator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from openpeel.indicators.official_strength import ETHNIC_GROUPS
from openpeel.reference.forces import Force, forces
from openpeel.synth.profiles import DEFAULT_PROFILE, FORCE_PROFILES

Row = list[Any]
#: Forces beside the demo force, so that ranks and peers have something to compare.
PEERS = (
    "west-yorkshire",
    "merseyside",
    "avon-and-somerset",
    "staffordshire",
    "west-mercia",
    "warwickshire",
    "nottinghamshire",
)
ENGLAND_AND_WALES = ("K04000001", "ENGLAND AND WALES")
ENGLAND_AND_WALES_POPULATION = 59_600_000
#: Offence groups (ONS heading, group) and offences per 1,000 residents a year, near the
#: England and Wales levels of the early 2020s.
OFFENCE_RATES: tuple[tuple[str, str, float], ...] = (
    ("Victim-based crime", "Violence against the person", 33.0),
    ("Victim-based crime", "Sexual offences", 3.3),
    ("Victim-based crime", "Robbery", 1.2),
    ("Victim-based crime", "Theft offences", 16.0),
    ("Victim-based crime", "Criminal damage and arson", 8.5),
    ("Other crimes against society", "Drug offences", 3.0),
    ("Other crimes against society", "Possession of weapons offences", 0.8),
    ("Other crimes against society", "Public order offences", 6.0),
    ("Other crimes against society", "Miscellaneous crimes against society", 1.2),
)
#: Home Office outcome groups and a national share of crimes recorded in the year.
OUTCOME_SHARES: tuple[tuple[str, float], ...] = (
    ("Charged/Summonsed", 0.062),
    ("Out-of-court (formal)", 0.011),
    ("Out-of-court (informal)", 0.022),
    ("Taken into consideration", 0.002),
    ("Prosecution prevented or not in the public interest", 0.011),
    ("Evidential difficulties (suspect identified; victim supports action)", 0.10),
    ("Evidential difficulties (victim does not support action)", 0.27),
    ("Investigation complete – no suspect identified", 0.40),
    (
        "Further investigation to support formal action not in the public interest – "
        "police decision",
        0.01,
    ),
    ("Responsibility for further investigation transferred to another body", 0.01),
    ("Not yet assigned an outcome", 0.102),
)
#: Broad perceived-ethnicity columns of table 16, with a resident share and a relative rate.
ETHNIC_COLUMNS: tuple[tuple[str, float, float], ...] = (
    ("White", 0.80, 1.0),
    ("Black (or Black British)", 0.04, 2.4),
    ("Asian (or Asian British)", 0.10, 0.9),
    ("Mixed", 0.03, 1.3),
    ("Other", 0.03, 0.7),
)


@dataclass
class OfficialFiles:
    """What :func:`write_official` wrote."""

    files: list[Path]
    force_ids: tuple[str, ...]
    financial_year: str


@dataclass(frozen=True)
class _Force(Force):
    """A force with a resident population (the reference list's codes and names), with its
    synthetic population and crime level."""

    population: int
    crime_factor: float


def _forces(force_ids: Sequence[str], rng: np.random.Generator) -> list[_Force]:
    """The forces with a resident population (British Transport Police has none)."""
    out = []
    for force_id in force_ids:
        info = forces()[force_id]
        if not info.has_resident_population or not info.pfa_code or not info.pfa_name:
            continue
        size = FORCE_PROFILES.get(force_id, DEFAULT_PROFILE).size_thousands * 1000
        out.append(
            _Force(
                **asdict(info),
                population=int(round(size, -2)),
                crime_factor=float(rng.lognormal(0.0, 0.2)),
            )
        )
    return out


def write_official(
    out_dir: Path | str,
    force_id: str,
    financial_year: str,
    seed: int = 1,
    peers: Sequence[str] = PEERS,
) -> OfficialFiles:
    """Write the four SYNTHETIC publications for ``force_id`` and its peers.

    Args:
        out_dir: the folder to write in (created).
        force_id: the demo force (always written first).
        financial_year: ``"2021/22"``: the year of outcomes and use of force, the year ending
            March of the ONS tables and the 31 March of the workforce tables.
        seed: the random seed (the same seed writes the same figures).
        peers: other forces listed in every table.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = tuple(dict.fromkeys([force_id, *(p for p in peers if p != force_id)]))
    listed = _forces(ids, rng)
    first = int(financial_year[:4])
    last = first + 1
    offences = {
        f.force_id: {
            group: int(rng.poisson(rate * f.crime_factor * f.population / 1000))
            for _heading, group, rate in OFFENCE_RATES
        }
        for f in listed
    }
    files = [
        _ons_tables(
            out / f"synthetic-pfatables-year-ending-march-{last}.xlsx", listed, offences, last, rng
        ),
        _outcomes(
            out / f"synthetic-prc-outcomes-open-data-mar{last}.csv",
            listed,
            offences,
            financial_year,
            rng,
        ),
        _use_of_force(
            out / f"synthetic-police-use-of-force-apr{first}-mar{last}-tables.ods",
            listed,
            first,
            rng,
        ),
        _workforce(out / f"synthetic-police-workforce-tabs-31-march-{last}.ods", listed, last, rng),
        *_value_for_money(out, listed, last, rng),
    ]
    return OfficialFiles(files, ids, financial_year)


def _write(path: Path, sheets: dict[str, list[Row]]) -> Path:
    """A workbook (XLSX or ODS by the file's suffix) with these sheets, rows from A1."""
    writer = (
        pd.ExcelWriter(path, engine="odf")
        if path.suffix == ".ods"
        else pd.ExcelWriter(path, engine="openpyxl")
    )
    with writer:
        for name, rows in sheets.items():
            width = max((len(r) for r in rows), default=1)
            frame = pd.DataFrame([[*r, *[None] * (width - len(r))] for r in rows])
            frame.to_excel(writer, sheet_name=name, header=False, index=False)
    return path


# --- ONS police force area tables -------------------------------------------------------------


def _ons_header(first_columns: Row) -> tuple[Row, Row]:
    """The two header rows: offence headings over offence groups (filled right by the reader)."""
    top: Row = ["", "", "Total recorded crime (excluding fraud3)", ""]
    bottom: Row = [*first_columns]
    heading = ""
    for h, group, _rate in OFFENCE_RATES:
        top.append(h if h != heading else "")
        bottom.append(group)
        heading = h
    return top, bottom


def _ons_tables(
    path: Path,
    listed: list[_Force],
    offences: dict[str, dict[str, int]],
    year: int,
    rng: np.random.Generator,
) -> Path:
    groups = [g for _h, g, _r in OFFENCE_RATES]
    scale = ENGLAND_AND_WALES_POPULATION / sum(f.population for f in listed)
    national = {g: round(sum(offences[f.force_id][g] for f in listed) * scale) for g in groups}
    national_population = ENGLAND_AND_WALES_POPULATION
    rows: list[tuple[str, str, dict[str, float], float]] = [
        (*ENGLAND_AND_WALES, {g: float(national[g]) for g in groups}, national_population)
    ]
    rows += [
        (
            str(f.pfa_code),
            str(f.pfa_name),
            {g: float(offences[f.force_id][g]) for g in groups},
            f.population,
        )
        for f in listed  # every listed force has a code and name (_forces)
    ]
    change = {
        code: {
            g: float(rng.normal(4.0 if code == ENGLAND_AND_WALES[0] else 3.0, 6.0)) for g in groups
        }
        for code, *_rest in rows
    }
    title = (
        "police recorded crime by offence group and police force area, English regions and Wales"
    )
    p1_top, p1_bottom = _ons_header(["Area Code", "Area Name", "", ""])

    def national_table(table: str, what: str, unit: str) -> list[Row]:
        """The heading rows of a table of England and Wales by force (P1, P2)."""
        return [
            [f"Table {table}: {title.capitalize()}, {what}, year ending March {year}1,2"],
            [],
            ["England and Wales"],
            p1_top,
            p1_bottom,
            ["", "", unit],
        ]

    p1 = national_table("P1", "number of offences", "Numbers")
    p2 = national_table("P2", "percentage change", "Percentage change on the previous year")
    p3_top, p3_bottom = _ons_header(
        ["Area Code", "Area Name", f"Population figures (mid-{year - 1})3 rounded to 100", ""]
    )
    p3_top[2] = ""
    p3_top.insert(4, "Total recorded crime (excluding fraud5)")
    p3_bottom.insert(4, "")
    p3 = [
        [f"Table P3: {title.capitalize()}, rate of offences, year ending March {year}1,2"],
        [],
        [],
        p3_top,
        p3_bottom,
        ["", "", "", "", "Rate per 1,000 population"],
    ]
    for code, name, counts, population in rows:
        total = sum(counts.values())
        p1.append([code, name, total, "", *(counts[g] for g in groups)])
        changes = change[code]
        overall = sum(changes[g] * counts[g] for g in groups) / total
        p2.append([code, name, round(overall, 4), "", *(round(changes[g], 4) for g in groups)])
        rate = [round(counts[g] / population * 1000, 5) for g in groups]
        p3.append([code, name, population, "", round(total / population * 1000, 5), *rate])
    notes = ["Source: SYNTHETIC figures made up by openpeel for its demo (not real)."]
    for table in (p1, p2, p3):
        table.extend([[], [notes[0]], ["'..'  indicates data not available."]])
    return _write(
        path,
        {
            "Notes": [
                [f"SYNTHETIC Crime in England and Wales, year ending March {year} - PFA tables"]
            ],
            "Table P1": p1,
            "Table P2": p2,
            "Table P3": p3,
        },
    )


# --- Home Office crime outcomes open data -----------------------------------------------------

OUTCOMES_HEADER = (
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Offence Code Expired",
    "Outcome Description",
    "Outcome Group",
    "Outcome Type",
    "Force outcomes for offences recorded in quarter",
    "Force outcomes recorded in quarter",
)


def _outcomes(
    path: Path,
    listed: list[_Force],
    offences: dict[str, dict[str, int]],
    financial_year: str,
    rng: np.random.Generator,
) -> Path:
    shares = np.array([s for _g, s in OUTCOME_SHARES])
    shares = shares / shares.sum()
    rows = []
    for f in listed:
        force_shares = rng.dirichlet(shares * 400)
        for code, (_heading, group, _rate) in enumerate(OFFENCE_RATES, start=1):
            for quarter in range(1, 5):
                crimes = offences[f.force_id][group] // 4
                counts = rng.multinomial(crimes, force_shares)
                for kind, ((outcome, _share), n) in enumerate(
                    zip(OUTCOME_SHARES, counts, strict=True), start=1
                ):
                    rows.append(
                        [
                            financial_year,
                            quarter,
                            f.pfa_name,
                            group,
                            group,
                            group,
                            code,
                            "NA",
                            outcome,
                            outcome,
                            kind,
                            int(n),
                            int(n),
                        ]
                    )
    pd.DataFrame(rows, columns=list(OUTCOMES_HEADER)).to_csv(path, index=False)
    return path


# --- Home Office use of force -----------------------------------------------------------------


def _use_of_force(path: Path, listed: list[_Force], year: int, rng: np.random.Generator) -> Path:
    period = f"year ending March {year + 1}"
    t12: list[Row] = [
        [f"Table 12. Incidents by police force, {period}"],
        ["Contents"],
        [],
        ["Region", "Police force", "Total"],
    ]
    t16: list[Row] = [
        [
            "Table 16. Number of times tactics were used, by police force and officer perceived "
            f"ethnicity of person involved, {period}"
        ],
        ["Contents"],
        [],
        ["Total number of incidents involving group", "", "", "Perceived ethnicity"],
        [
            "Police force",
            "Type of force",
            "Tactic",
            *(c for c, _s, _r in ETHNIC_COLUMNS),
            "Not reported",
            "Number of times tactic reported",
        ],
    ]
    incidents = {}
    for f in listed:
        # About 7 incidents a year per 1,000 residents; 1.4 tactics an incident.
        incidents[f.force_id] = int(rng.poisson(7.0 * f.crime_factor * f.population / 1000))
        tactics = []
        for _column, share, relative in ETHNIC_COLUMNS:
            people = f.population * share
            rate = 10.0 * f.crime_factor * relative * float(rng.lognormal(0.0, 0.1))
            tactics.append(int(rng.poisson(rate * people / 1000)))
        not_reported = int(sum(tactics) * 0.02)
        t16.append(
            [
                f.pfa_name,
                "Total (excluding not reported and tactical communication)",
                "*Total Tactics",
                *tactics,
                not_reported,
                sum(tactics) + not_reported,
            ]
        )
    t12.append(["England and Wales", "Total England and Wales", sum(incidents.values()) * 6])
    t12 += [["", f.pfa_name, incidents[f.force_id]] for f in listed]
    t12 += [[], ["Notes"], ["SYNTHETIC figures made up by openpeel for its demo (not real)."]]
    return _write(
        path,
        {
            "Cover_sheet": [["SYNTHETIC Police use of force statistics (made up for the demo)"]],
            "Contents": [["Police use of force statistics, England and Wales"]],
            "Table_12": t12,
            "Table_16": t16,
        },
    )


# --- Home Office police workforce -------------------------------------------------------------


def _workforce(path: Path, listed: list[_Force], year: int, rng: np.random.Generator) -> Path:
    at = f"as at 31 March {year}"
    h1: list[Row] = [
        [f"Table H1  Police officers, by police force area, {at}"],
        [],
        ["England and Wales"],
        ["Police force", "All officers (full-time equivalent)", "", ""],
        ["", "Male", "Female", "Total"],
    ]
    d1: list[Row] = [
        [f"Table D1  Black and Minority Ethnic (BME) officers, by police force area, {at}"],
        [],
        ["England and Wales", "", "", "Full-time equivalent"],
        [
            "Police force",
            "Total police ranks",
            "Proportion of BME Officers2",
            "Proportion of BME Population2",
        ],
        ["", "", "", ""],
    ]
    d2: list[Row] = [
        [f"Table D2  Police officers, by police force area, ethnicity and gender, {at}"],
        [],
        ["England and Wales", *[""] * 15, "Full-time equivalents"],
        ["Police force", "Male", *[""] * 6, "Female", *[""] * 6, "Total all officers"],
        ["", *ETHNIC_GROUPS, "Total male", *ETHNIC_GROUPS, "Total female", ""],
    ]
    s2: list[Row] = [
        [
            "Table S2  Police officers (headcount), by police force area, gender and "
            f"full-/part-time employment, {at}"
        ],
        [],
        ["England and Wales", "", "", "", "", "", "", "Headcount"],
        ["Police force", "Police officers", "", "", "", "", "", ""],
        ["", "Male", "", "", "Female", "", "", "Total"],
        ["", "Full-time", "Part-time", "", "Full-time", "Part-time", "", ""],
    ]
    joiners: list[Row] = []
    leavers: list[Row] = []
    for f in listed:
        officers = f.population / 1000 * 2.1 * float(rng.lognormal(0.0, 0.1))
        residents = float(np.clip(rng.normal(0.15, 0.08), 0.03, 0.4))
        officer_share = residents * float(rng.uniform(0.3, 0.7))
        by_sex = []
        for sex_share in (0.68, 0.32):
            fte = officers * sex_share
            minority = fte * officer_share
            split = rng.dirichlet([1.0, 2.0, 0.3, 1.0])
            not_stated = round(fte * 0.01, 2)
            white = round(fte - minority - not_stated, 2)
            groups = [white, *(round(minority * s, 2) for s in split), not_stated]
            by_sex.append([*groups, round(sum(groups), 2)])
        total = round(by_sex[0][-1] + by_sex[1][-1], 2)
        d2.append([f.pfa_name, *by_sex[0], *by_sex[1], total])
        minority_fte = sum(by_sex[s][g] for s in (0, 1) for g in (1, 2, 3, 4))
        stated = total - by_sex[0][5] - by_sex[1][5]
        d1.append(
            [f.pfa_name, round(minority_fte, 2), minority_fte / stated * 100, residents * 100]
        )
        h1.append([f.pfa_name, by_sex[0][-1], by_sex[1][-1], total])
        # Headcount above FTE by the part-time officers (about 2.5%, as in the real tables);
        # no random draw, so every other synthetic figure stays as it was.
        part_time = [round(by_sex[0][-1] * 0.01), round(by_sex[1][-1] * 0.06)]
        full_time = [round(by_sex[0][-1] - 0.5 * part_time[0]), 0]
        full_time[1] = round(by_sex[1][-1] - 0.5 * part_time[1])
        heads = [full_time[0], part_time[0], "", full_time[1], part_time[1], ""]
        s2.append([f.pfa_name, *heads, sum(full_time) + sum(part_time)])
        for table, size, share in (
            (joiners, 0.08, residents * float(rng.uniform(0.5, 1.0))),
            (leavers, 0.06, officer_share * float(rng.uniform(0.8, 1.2))),
        ):
            people = total * size
            minority = round(people * share, 2)
            not_stated = round(people * 0.01, 2)
            white = round(people - minority - not_stated, 2)
            table.append([f.pfa_name, white, minority, not_stated, round(people, 2)])

    def movers(number: str, who: str) -> list[Row]:
        return [
            [f"Table {number}  Police officer {who}1, by ethnicity and police force area, {at}"],
            [],
            [],
            ["England and Wales", "", "", "", "Full-time equivalent"],
            ["Police force", "Ethnicity", "", "", "Total"],
            ["", "White", "All Black and Minority Ethnic (BME)", "Not stated2", ""],
        ]

    note = [[], ["SYNTHETIC figures made up by openpeel for its demo (not real)."]]
    return _write(
        path,
        {
            "Index": [[f"SYNTHETIC Police workforce, England and Wales, 31 March {year}"]],
            "Table_H1": h1 + note,
            "Table_D1": d1 + note,
            "Table_D2": d2 + note,
            "Table_D3": movers("D3", "joiners") + joiners + note,
            "Table_D4": movers("D4", "leavers") + leavers + note,
            "Table_JL1": [[f"Table JL1  Police officer joiners and leavers, {at}"]],
            "Table_S2": s2 + note,
        },
    )


# --- HMICFRS value for money profiles -----------------------------------------------------------

#: Police objective analysis functions and their share of gross revenue expenditure.
FUNCTIONS: tuple[tuple[str, float], ...] = (
    ("TOTAL LOCAL POLICING*", 0.33),
    ("TOTAL DEALING WITH THE PUBLIC", 0.055),
    ("TOTAL CRIMINAL JUSTICE ARRANGEMENTS", 0.058),
    ("TOTAL ROAD POLICING", 0.025),
    ("TOTAL OPERATIONAL SUPPORT", 0.05),
    ("TOTAL INTELLIGENCE", 0.04),
    ("TOTAL PUBLIC PROTECTION", 0.06),
    ("TOTAL INVESTIGATIONS*", 0.05),
    ("TOTAL INVESTIGATIVE SUPPORT", 0.03),
    ("TOTAL SUPPORT FUNCTIONS", 0.19),
    ("TOTAL CENTRAL COSTS", 0.04),
    ("TOTAL POLICE CRIME COMMISSIONER", 0.02),
    ("TOTAL NATIONAL POLICING", 0.052),
)
NATIONAL_FUNCTION = "TOTAL NATIONAL POLICING"


def _value_for_money(
    out: Path, listed: list[_Force], year: int, rng: np.random.Generator
) -> list[Path]:
    names = [f.pfa_name for f in listed]
    header: Row = ["", *names]
    officers_now = {
        f.force_id: f.population / 1000 * 2.1 * float(rng.lognormal(0, 0.1)) for f in listed
    }

    def row(label: str, values: Sequence[float]) -> Row:
        return [label, *(round(float(v), 2) for v in values)]

    def officer_draws(low: float, high: float) -> list[float]:
        """Each force's officers times a draw between ``low`` and ``high`` (forces in order)."""
        return [officers_now[f.force_id] * rng.uniform(low, high) for f in listed]

    adr: list[Row] = [["Home Office ADR data"], [], header, ["Population"]]
    adr.append(
        row(
            f"Population (1000s) [Office of National Statistics mid-{year - 1} estimates]",
            [f.population / 1000 for f in listed],
        )
    )
    adr.append(["Joiners"])
    adr.append(
        row(
            f"Joiners - Officers (FTE) [ADR 521 - Joiners year to 31 March {year}]",
            officer_draws(0.06, 0.11),
        )
    )
    adr.append(["Leavers"])
    leavers = officer_draws(0.05, 0.08)
    adr.append(
        row(f"Leavers - Officers (FTE) [ADR 531 - Leavers year to 31 March {year}]", leavers)
    )
    adr.append(
        row(
            "Leavers - Officers (excl transfers) (FTE) [ADR 531 - Leavers year to 31 March "
            f"{year}]",
            [v * 0.85 for v in leavers],
        )
    )
    for heading, label in (
        (
            "Short-medium term sick",
            "Short-medium term sick - Officers (FTE) [ADR 502 - Short and medium term (28 "
            f"calendar days or less) sick absence as of 31 March {year}]",
        ),
        (
            "Long term sick",
            "Long term sick - Officers (FTE) [ADR 551 - Long-term absence, certified sickness as "
            f"of 31 March {year}]",
        ),
    ):
        adr.append([heading])
        adr.append(row(label, officer_draws(0.015, 0.03)))
    adr.append(["Historic officers"])
    years = range(2010, year + 1)
    for label, per_officer, fall in (
        ("Officers", 1.0, 0.18),
        ("PCSOs", 0.09, 0.35),
        ("Police staff (inc. S38, exc. S39 & traffic)", 0.65, 0.1),
    ):
        kind = label.split(" (")[0]
        for y in years:
            # A fall to 2017 and a recovery after it (the national uplift).
            path = 1.0 - fall * min(y - 2010, 7) / 7 + 0.02 * max(y - 2017, 0)
            now = 1.0 - fall + 0.02 * max(year - 2017, 0)
            adr.append(
                row(
                    f"{label} - {y - 1}/{y % 100:02d} (FTE) [ADR 502 - {kind} as of years end]",
                    [officers_now[f.force_id] * per_officer * path / now for f in listed],
                )
            )
    adr.append(["999 calls"])
    adr.append(
        row(
            f"999 calls [ADR 441 - 999 calls received by force year to 31 March {year}]",
            [rng.poisson(150 * f.crime_factor * f.population / 1000) for f in listed],
        )
    )
    adr.append(["Incidents"])
    for grade, per_1000 in (
        ("Emergency", 45.0),
        ("Priority", 70.0),
        ("Scheduled", 45.0),
        ("Resolved (w/o deployment)", 115.0),
    ):
        adr.append(
            row(
                f"NSIR incidents - {grade} [ADR 342 - Emergency and Priority Incidents year to "
                f"end 31 March {year}]",
                [rng.poisson(per_1000 * f.crime_factor * f.population / 1000) for f in listed],
            )
        )
    adr += [[], ["SYNTHETIC figures made up by openpeel for its demo (not real)."]]

    spend = {
        f.force_id: 207.0 * f.population * float(rng.lognormal(0, 0.08)) / 1000 for f in listed
    }
    shares = {
        f.force_id: dict(
            zip(
                (n for n, _s in FUNCTIONS),
                rng.dirichlet([s * 300 for _n, s in FUNCTIONS]),
                strict=True,
            )
        )
        for f in listed
    }

    def by_function(title: str, total: dict[str, float]) -> list[Row]:
        rows: list[Row] = [[title], [], ["POA category", *names]]
        for name, _share in FUNCTIONS:
            rows.append(row(name, [total[f.force_id] * shares[f.force_id][name] for f in listed]))
        rows.append(row("TOTAL", [total[f.force_id] for f in listed]))
        rows.append(
            row(
                "TOTAL excl NATIONAL POLICING",
                [total[f.force_id] * (1 - shares[f.force_id][NATIONAL_FUNCTION]) for f in listed],
            )
        )
        return rows

    central = {f.force_id: spend[f.force_id] * rng.uniform(0.6, 0.75) for f in listed}
    funding: list[Row] = [["POA - Funding, £000s"], [], ["POA category", *names]]
    funding.append(row("Central Funding", [central[f.force_id] for f in listed]))
    funding.append(row("Police Grant", [central[f.force_id] * 0.6 for f in listed]))
    funding.append(row("Formula grant", [central[f.force_id] * 0.4 for f in listed]))
    funding.append(row("Local Funding", [spend[f.force_id] - central[f.force_id] for f in listed]))
    funding.append(
        row("Council Tax Precept Income", [spend[f.force_id] - central[f.force_id] for f in listed])
    )
    funding.append(row("Total funding", [spend[f.force_id] for f in listed]))
    staff = {f.force_id: officers_now[f.force_id] * 0.65 for f in listed}
    note = [[], ["SYNTHETIC figures made up by openpeel for its demo (not real)."]]
    poa = {
        "Notes_and_sources": [["SYNTHETIC value for money profiles (made up for the demo)"]],
        "3_Funding": funding + note,
        "4_Officers_FTE": by_function("POA - Officers, FTE", officers_now) + note,
        "5_Staff_FTE": by_function("POA - Staff, FTE", staff) + note,
        "8_GRE": by_function("POA - Gross revenue expenditure, £000s", spend) + note,
    }
    stem = f"synthetic-HMICFRS-VFM-{year}-open-data"
    return [
        _write(
            out / f"{stem}-ADR.ods",
            {"Notes_and_sources": [["SYNTHETIC notes"]], "Data": adr},
        ),
        _write(out / f"{stem}-POA.ods", poa),
    ]
