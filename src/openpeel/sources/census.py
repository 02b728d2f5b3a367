"""Census 2021 population denominators by police force area and broad ethnic group.

Two ONS files are combined:

- TS021 (ethnic group, 20 categories) by lower-tier local authority, in long format
  ``LAD_code,LAD_name,eth_code,eth_label,count``. Category ``-8`` is "Does not apply" and is
  not a population group; it is excluded. (The copy downloaded for this project carries only the
  19 real categories; ONS bulk downloads can carry the ``-8`` row with a zero count.)
- The ONS lookup local authority district -> community safety partnership -> police force area
  (2022 boundaries), ``LAD22CD,LAD22NM,CSP22CD,CSP22NM,PFA22CD,PFA22NM,ObjectId``.

The 19 categories are mapped to the ONS five broad groups by the prefix of their label (Roma and
Gypsy or Irish Traveller are White, Arab is Other; method.md §3) and summed over the local
authorities of each police force area. ``total`` is the sum of the five groups, not the published
all-usual-residents figure: ONS disclosure control makes those differ slightly, and a rate's
denominators must add up to the total they are compared with.

Check figure (method.md §3), West Midlands PFA: Asian 667,315; Black 236,047; Mixed 121,685;
Other 101,435; White 1,793,173; total 2,919,655.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from openpeel.errors import SourceFormatError
from openpeel.reference.forces import force_id_for_pfa_code
from openpeel.reference.lake_columns import arrow_schema

SOURCE = "ONS Census 2021 TS021"
CENSUS_YEAR = 2021

BROAD_GROUPS: tuple[str, ...] = ("asian", "black", "mixed", "white", "other")
"""The ONS five broad ethnic groups, in the order rows are returned."""

TOTAL = "total"
ETHNIC_GROUPS: tuple[str, ...] = (*BROAD_GROUPS, TOTAL)

# Label prefixes of the 2021 classification, checked against all 19 labels of the real TS021 file
# in ../shared/data/census2021/ (the 2011 wording, e.g. "Asian/Asian British", would not match).
LABEL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Asian, Asian British or Asian Welsh:", "asian"),
    ("Black, Black British, Black Welsh, Caribbean or African:", "black"),
    ("Mixed or Multiple ethnic groups:", "mixed"),
    ("White:", "white"),
    ("Other ethnic group:", "other"),
)

DOES_NOT_APPLY_CODE = "-8"
DOES_NOT_APPLY_LABEL = "Does not apply"

TS021_COLUMNS: tuple[str, ...] = ("LAD_code", "LAD_name", "eth_code", "eth_label", "count")
LOOKUP_COLUMNS: tuple[str, ...] = ("LAD22CD", "PFA22CD", "PFA22NM")
"""Lookup columns that are read; the others (LAD22NM, CSP22CD, CSP22NM, ObjectId) are ignored."""

#: The population table (``reference/lake_columns.csv``): every column is required (no nulls).
POPULATION_SCHEMA = arrow_schema("population", nullable=False)

_MAX_LISTED = 5


class PopulationError(SourceFormatError):
    """The census or lookup file cannot be used; the message is a one-line reason."""


def broad_group(eth_label: str) -> str | None:
    """The ONS broad group of one TS021 category label.

    Args:
        eth_label: The category label as published, e.g. ``"White: Roma"``.

    Returns:
        One of :data:`BROAD_GROUPS`, or None when the label has no known prefix.
    """
    label = eth_label.strip()
    for prefix, group in LABEL_PREFIXES:
        if label.startswith(prefix):
            return group
    return None


def read_population(ts021_path: Path, lookup_path: Path) -> pa.Table:
    """Population by police force area and broad ethnic group, from Census 2021 TS021.

    Args:
        ts021_path: TS021 by lower-tier local authority, long format
            ``LAD_code,LAD_name,eth_code,eth_label,count``.
        lookup_path: ONS LAD22 -> CSP22 -> PFA22 lookup with at least ``LAD22CD``, ``PFA22CD``
            and ``PFA22NM``.

    Returns:
        A table with :data:`POPULATION_SCHEMA`: one row per force and ethnic group
        (``asian``, ``black``, ``mixed``, ``white``, ``other``, ``total``), ordered by
        ``force_id`` and then group. Only forces with local authorities in the TS021 file
        appear.

    Raises:
        PopulationError: A file is missing, empty or malformed; a header lacks an expected
            column; a count is not a whole number; a category label is unknown; a local
            authority has a category twice or lacks one; a local authority of the TS021 file
            is not in the lookup; a police force area is only partly covered; or a police force
            area has no force in ``reference/forces.csv``.
    """
    ts021_path = Path(ts021_path)
    lookup_path = Path(lookup_path)
    ts021 = _read_strings(ts021_path, TS021_COLUMNS)
    lookup = _read_strings(lookup_path, LOOKUP_COLUMNS)

    counts = _parse_ts021(ts021, ts021_path)
    lad_pfa, pfa_names = _parse_lookup(lookup, lookup_path)
    return _aggregate(counts, lad_pfa, pfa_names, ts021_path, lookup_path)


@dataclass
class _Ts021:
    """TS021 rows checked and folded to local authority x broad group."""

    population: dict[str, dict[str, int]]
    """LAD code -> broad group -> people (only LADs with at least one real category)."""
    names: dict[str, str]
    """LAD code -> LAD name, for messages (also of LADs with only "Does not apply" rows)."""


def _read_strings(path: Path, expected: Sequence[str]) -> dict[str, list[str]]:
    """Read the expected columns of a CSV file as strings, after checking the header."""
    if not path.exists():
        raise PopulationError(f"file not found: {path}")
    if not path.is_file():
        raise PopulationError(f"not a file: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), None)
    except UnicodeDecodeError as exc:
        raise PopulationError(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
    if not header:
        raise PopulationError(f"{path.name}: file is empty (expected columns {_join(expected)})")
    names = [h.strip() for h in header]
    missing = [c for c in expected if c not in names]
    if missing:
        raise PopulationError(
            f"{path.name}: expected columns {_join(expected)}; missing {_join(missing)} "
            f"(header is {_join(names)})"
        )
    duplicated = sorted({c for c in expected if names.count(c) > 1})
    if duplicated:
        raise PopulationError(f"{path.name}: column {_join(duplicated)} appears more than once")
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(expected),
                column_types=dict.fromkeys(expected, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PopulationError(f"{path.name}: cannot be read as CSV: {reason}") from exc
    if table.num_rows == 0:
        raise PopulationError(f"{path.name}: no data rows after the header")
    return {c: [v.strip() for v in table.column(c).to_pylist()] for c in expected}


def _parse_ts021(columns: dict[str, list[str]], path: Path) -> _Ts021:
    """Check TS021 rows and sum each local authority's categories into broad groups."""
    lad_codes = columns["LAD_code"]
    lad_names = columns["LAD_name"]
    eth_codes = columns["eth_code"]
    eth_labels = columns["eth_label"]
    counts_raw = columns["count"]

    # Line numbers assume one line per row, true of the ONS files (no quoted newlines).
    bad_counts = [
        f"line {i + 2}: {raw!r}" for i, raw in enumerate(counts_raw) if not _is_whole(raw)
    ]
    if bad_counts:
        raise PopulationError(
            f"{path.name}: count is not a whole number of people on {len(bad_counts)} row(s), "
            f"e.g. {_join(bad_counts[:_MAX_LISTED])}"
        )
    blank_lads = [i + 2 for i, code in enumerate(lad_codes) if not code]
    if blank_lads:
        raise PopulationError(
            f"{path.name}: LAD_code is blank on {len(blank_lads)} row(s), e.g. line {blank_lads[0]}"
        )

    unknown_labels = sorted(
        {
            label
            for code, label in zip(eth_codes, eth_labels, strict=True)
            if not _does_not_apply(code, label) and broad_group(label) is None
        }
    )
    if unknown_labels:
        raise PopulationError(
            f"{path.name}: unknown ethnic group label(s) {_join(map(repr, unknown_labels))}; "
            f"expected labels starting {_join(repr(p) for p, _ in LABEL_PREFIXES)} "
            f"or {DOES_NOT_APPLY_LABEL!r}"
        )

    population: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    labels_by_lad: dict[str, set[str]] = defaultdict(set)
    for i, (lad, lad_name, code, label, raw) in enumerate(
        zip(lad_codes, lad_names, eth_codes, eth_labels, counts_raw, strict=True)
    ):
        names.setdefault(lad, lad_name)
        if _does_not_apply(code, label):
            continue
        if label in labels_by_lad[lad]:
            raise PopulationError(
                f"{path.name}: {lad} ({lad_name}) has category {label!r} more than once "
                f"(line {i + 2})"
            )
        labels_by_lad[lad].add(label)
        group = broad_group(label)
        assert group is not None  # unknown labels were rejected above
        by_group = population.setdefault(lad, dict.fromkeys(BROAD_GROUPS, 0))
        by_group[group] += int(raw)

    # A local authority lacking a category would be undercounted without any sign of it.
    every_label = set().union(*labels_by_lad.values()) if labels_by_lad else set()
    for lad in sorted(labels_by_lad):
        lacking = every_label - labels_by_lad[lad]
        if lacking:
            raise PopulationError(
                f"{path.name}: {lad} ({names[lad]}) lacks {len(lacking)} category(ies) that "
                f"other areas have: {_join(map(repr, sorted(lacking)))}"
            )
    groups_present = {broad_group(label) for label in every_label}
    absent = [g for g in BROAD_GROUPS if g not in groups_present]
    if absent:
        raise PopulationError(f"{path.name}: no categories for broad group(s) {_join(absent)}")

    return _Ts021(population=population, names=names)


def _parse_lookup(
    columns: dict[str, list[str]], path: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """Check the lookup and return LAD code -> PFA code and PFA code -> PFA name."""
    lad_pfa: dict[str, str] = {}
    pfa_names: dict[str, str] = {}
    for i, (lad, pfa, pfa_name) in enumerate(
        zip(columns["LAD22CD"], columns["PFA22CD"], columns["PFA22NM"], strict=True)
    ):
        line = i + 2
        if not lad or not pfa:
            raise PopulationError(f"{path.name}: LAD22CD or PFA22CD is blank on line {line}")
        previous = lad_pfa.setdefault(lad, pfa)
        if previous != pfa:
            raise PopulationError(
                f"{path.name}: {lad} is in two police force areas, {previous} and {pfa} "
                f"(line {line})"
            )
        known_name = pfa_names.setdefault(pfa, pfa_name)
        if known_name != pfa_name:
            raise PopulationError(
                f"{path.name}: {pfa} has two names, {known_name!r} and {pfa_name!r} (line {line})"
            )
    return lad_pfa, pfa_names


def _aggregate(
    ts021: _Ts021,
    lad_pfa: dict[str, str],
    pfa_names: dict[str, str],
    ts021_path: Path,
    lookup_path: Path,
) -> pa.Table:
    """Sum local authorities into police force areas and build the output table."""
    unmatched = sorted(lad for lad in ts021.population if lad not in lad_pfa)
    if unmatched:
        listed = _join(f"{lad} ({ts021.names[lad]})" for lad in unmatched[:_MAX_LISTED])
        more = f" and {len(unmatched) - _MAX_LISTED} more" if len(unmatched) > _MAX_LISTED else ""
        raise PopulationError(
            f"{ts021_path.name}: {len(unmatched)} local authority(ies) not in "
            f"{lookup_path.name}: {listed}{more} (the lookup must use the same boundaries)"
        )

    lads_by_pfa: dict[str, list[str]] = defaultdict(list)
    for lad, pfa in lad_pfa.items():
        lads_by_pfa[pfa].append(lad)

    force_rows: list[tuple[str, str, str, dict[str, int]]] = []
    for pfa, lads in lads_by_pfa.items():
        present = [lad for lad in lads if lad in ts021.population]
        if not present:
            continue  # a TS021 extract of some areas only: this force is simply absent
        absent = sorted(lad for lad in lads if lad not in ts021.population)
        if absent:
            raise PopulationError(
                f"{ts021_path.name}: police force area {pfa} ({pfa_names[pfa]}) is only partly "
                f"covered; missing local authority(ies) {_join(absent)}"
            )
        force_id = force_id_for_pfa_code(pfa)
        if force_id is None:
            raise PopulationError(
                f"{lookup_path.name}: police force area {pfa} ({pfa_names[pfa]}) has no force "
                "in reference/forces.csv"
            )
        totals = dict.fromkeys(BROAD_GROUPS, 0)
        for lad in present:
            for group, people in ts021.population[lad].items():
                totals[group] += people
        force_rows.append((force_id, pfa, pfa_names[pfa], totals))

    out: dict[str, list[object]] = {field.name: [] for field in POPULATION_SCHEMA}
    for force_id, pfa, pfa_name, totals in sorted(force_rows, key=lambda row: row[0]):
        for group in ETHNIC_GROUPS:
            out["force_id"].append(force_id)
            out["pfa_code"].append(pfa)
            out["pfa_name"].append(pfa_name)
            out["ethnic_group"].append(group)
            out["population"].append(sum(totals.values()) if group == TOTAL else totals[group])
            out["source"].append(SOURCE)
            out["census_year"].append(CENSUS_YEAR)
    return pa.Table.from_pydict(out, schema=POPULATION_SCHEMA)


def _does_not_apply(eth_code: str, eth_label: str) -> bool:
    return eth_code == DOES_NOT_APPLY_CODE or eth_label == DOES_NOT_APPLY_LABEL


def _is_whole(raw: str) -> bool:
    return raw.isascii() and raw.isdigit()


def _join(items: Iterable[str]) -> str:
    return ", ".join(items)
