"""Synthetic data.police.uk bulk archives: street, outcomes and stop-and-search CSV files.

The files have the exact layout of the published archive (method.md §1):
``out_dir/YYYY-MM/YYYY-MM-<force>-street.csv``, ``-outcomes.csv`` and ``-stop-and-search.csv``,
with the published headers, raw vocabulary strings taken from ``openpeel.reference`` and the
quirks of real files (blank fields, "No Location" rows, midnight times, fractional seconds,
anti-social behaviour rows without a Crime ID, outcomes arriving in later months).

A ``SYNTHETIC.json`` marker beside the month folders labels the archive as synthetic so the
ingest can carry that label into every table and report made from it.

Every random draw comes from a NumPy generator seeded by ``(seed, force, stream, month)``, so the
output is byte-for-byte reproducible, and adding a force, a kind or a missing month does not
change the rows of the other force-months. Columns are built with NumPy and pyarrow compute and
written as one buffer per file (no per-row Python).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.reference.forces import force as lookup_force
from openpeel.reference.forces import forces as all_forces
from openpeel.reference.vocabularies import Term, vocabulary
from openpeel.sources.policeuk_archive import HEADERS
from openpeel.synth import profiles as pr

# The published headers are declared once, with the reader that checks them.
STREET_COLUMNS: tuple[str, ...] = HEADERS["street"]
OUTCOMES_COLUMNS: tuple[str, ...] = HEADERS["outcomes"]
STOP_AND_SEARCH_COLUMNS: tuple[str, ...] = HEADERS["stop_search"]
KINDS: tuple[str, ...] = ("street", "outcomes", "stop-and-search")
COLUMNS_BY_KIND: dict[str, tuple[str, ...]] = {
    "street": STREET_COLUMNS,
    "outcomes": OUTCOMES_COLUMNS,
    "stop-and-search": STOP_AND_SEARCH_COLUMNS,
}
MARKER_FILE = "SYNTHETIC.json"
# Per-force publication quirks, as seen in the 2023-03 download of 2022-01 street files
# (../shared/data/policeuk/download-2023-03): PSNI publishes street files only (method.md §1),
# with Crime IDs but no LSOA and a blank "Last outcome category"; BTP street rows have a blank
# Crime ID and a blank "Last outcome category", so no outcomes can be linked to them.
NO_OUTCOMES_FORCES = frozenset({"btp", "northern-ireland"})
NO_CRIME_ID_FORCES = frozenset({"btp"})
NO_STOP_AND_SEARCH_FORCES = frozenset({"northern-ireland"})
NO_LSOA_FORCES = frozenset({"northern-ireland"})

_NULL_STRING = pa.scalar(None, pa.string())
_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_STREAM_GEOGRAPHY = 0
_STREAM_CRIMES = 1
_STREAM_SEARCHES = 2
# Charged crimes show "Awaiting court outcome" for this many months, then "Court result
# unavailable" unless a court result was published.
_AWAITING_COURT_MONTHS = 6
_UNDER_INVESTIGATION = "Under investigation"
_STATUS_UNAVAILABLE = "Status update unavailable"
_NO_SUSPECT = "Investigation complete; no suspect identified"
_SUSPECT_CHARGED = "Suspect charged"
_AWAITING_COURT = "Awaiting court outcome"
_COURT_RESULT_UNAVAILABLE = "Court result unavailable"
_ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour"
# A crime whose final outcome is not "no suspect" is first closed as "no suspect" and
# reopened with this probability (several outcome rows per Crime ID).
_REOPENED_SHARE = 0.05


@dataclass
class SynthSummary:
    """What ``write_archive`` wrote.

    Attributes:
        out_dir: The archive folder.
        files: Every CSV file written, in the order written.
        rows: Data rows written per kind ("street", "outcomes", "stop-and-search").
        snapshot: Snapshot label of the archive ("synthetic-<end>").
        forces: Force ids generated.
        months: Months (``YYYY-MM``) that have files.
    """

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    snapshot: str = ""
    forces: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


def national_force_ids() -> list[str]:
    """The 44 forces of England and Wales in the archive: the 43 territorial forces and BTP.

    Returns:
        Force ids, sorted.
    """
    return sorted(
        f.force_id for f in all_forces().values() if f.pfa_code is not None or f.force_id == "btp"
    )


def write_archive(
    out_dir: Path,
    force_id: str = "west-midlands",
    start: str = "2021-04",
    end: str = "2022-03",
    seed: int = 1,
    scale: float = 1.0,
    missing_months: Sequence[str] = (),
    kinds: Sequence[str] = KINDS,
    forces: Sequence[str] | None = None,
    legacy_vocabulary: bool = False,
    line_ending: str = "\n",
    outcome_lead_in: int = 0,
) -> SynthSummary:
    """Write a synthetic data.police.uk bulk archive folder.

    Args:
        out_dir: Folder to write into (created if needed); month folders go directly inside.
        force_id: The force to generate when ``forces`` is None.
        start: First month, ``YYYY-MM``.
        end: Last month, ``YYYY-MM``; also the snapshot date: outcomes after it are not known.
        seed: Seed of every random draw (a non-negative integer).
        scale: Multiplies every volume (1.0 gives realistic monthly volumes).
        missing_months: Months (``YYYY-MM``) that get no files, as when a force did not supply.
        kinds: Which files to write, a subset of ``KINDS``.
        forces: Force ids to generate (e.g. ``national_force_ids()``); None means ``force_id``.
        legacy_vocabulary: Use legacy PACE-coded ethnicity and legacy stop-search outcome labels
            instead of the current ones.
        line_ending: ``"\\n"`` (default) or ``"\\r\\n"``.
        outcome_lead_in: Months before ``start`` whose crimes are drawn but not written, so
            that the outcomes files of the first months also carry outcomes of older crimes
            (orphans, as in real files: an outcome often comes months after its crime).

    Returns:
        A summary of the files and rows written.

    Raises:
        ValueError: On a malformed month, an empty range, an unknown kind, a negative scale,
            seed or lead-in, or a line ending other than LF or CRLF.
        KeyError: On an unknown force id.
    """
    # A lone string is one value, not a sequence of characters.
    kinds = [kinds] if isinstance(kinds, str) else kinds
    missing_months = [missing_months] if isinstance(missing_months, str) else missing_months
    forces = [forces] if isinstance(forces, str) else forces
    start_index = _month_index(start)
    end_index = _month_index(end)
    if end_index < start_index:
        raise ValueError(f"end {end} is before start {start}")
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; known kinds: {', '.join(KINDS)}")
    if scale < 0:
        raise ValueError(f"scale must be >= 0, got {scale}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if outcome_lead_in < 0:
        raise ValueError(f"outcome_lead_in must be >= 0, got {outcome_lead_in}")
    if line_ending not in ("\n", "\r\n"):
        raise ValueError("line_ending must be '\\n' or '\\r\\n'")
    missing = {_month_index(m) for m in missing_months}
    force_ids = list(dict.fromkeys(forces if forces is not None else [force_id]))
    for fid in force_ids:
        lookup_force(fid)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = _Plan(
        out_dir=out_dir,
        months=[m for m in range(start_index, end_index + 1) if m not in missing],
        end_index=end_index,
        kinds=tuple(k for k in KINDS if k in kinds),
        seed=seed,
        scale=scale,
        line_ending=line_ending.encode("ascii"),
        lead_in=list(range(start_index - outcome_lead_in, start_index)),
        vocab=_Vocabularies.build(legacy_vocabulary),
    )
    summary = SynthSummary(
        out_dir=out_dir,
        rows=dict.fromkeys(plan.kinds, 0),
        snapshot=f"synthetic-{end}",
        forces=force_ids,
        months=[_month_label(m) for m in plan.months],
    )
    for fid in force_ids:
        _write_force(plan, fid, summary)

    marker = {
        "synthetic": True,
        "generator": "openpeel",
        "seed": seed,
        "forces": force_ids,
        "start": start,
        "end": end,
        "snapshot": summary.snapshot,
        "scale": scale,
        "kinds": list(plan.kinds),
        "missing_months": sorted(_month_label(m) for m in missing),
        "legacy_vocabulary": legacy_vocabulary,
        "outcome_lead_in": outcome_lead_in,
    }
    (out_dir / MARKER_FILE).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return summary


# --------------------------------------------------------------------------- months


def _month_index(month: str) -> int:
    """``YYYY-MM`` as a count of months since year 0."""
    parts = month.split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not month[:4].isdigit():
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    year, number = int(parts[0]), int(parts[1])
    if not 1 <= number <= 12:
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    return year * 12 + number - 1


def _month_label(index: int) -> str:
    """A month index back to ``YYYY-MM``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _month_start_seconds(index: int) -> int:
    """Seconds since the Unix epoch at midnight UTC on the first day of the month."""
    return int(np.datetime64(_month_label(index), "s").astype(np.int64))


def _days_in_month(index: int) -> int:
    """Number of days in the month."""
    first = np.datetime64(_month_label(index), "M")
    return int(((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int))


# --------------------------------------------------------------------------- vocabularies


def _normalised(weights: Sequence[float]) -> np.ndarray:
    """Weights as probabilities summing to 1."""
    p = np.asarray(weights, dtype=np.float64)
    return p / p.sum()


@dataclass(frozen=True)
class _Choice:
    """A categorical draw over raw values; a blank label ("" or None) draws a null."""

    values: pa.Array
    probabilities: np.ndarray

    @classmethod
    def of(
        cls,
        weights: Mapping[str, float],
        raw: Mapping[str, str | None] | None = None,
        labels: Sequence[str] | None = None,
    ) -> _Choice:
        """Build from label weights.

        Args:
            weights: Weight per label ("" for a blank).
            raw: Optional translation of labels to the raw values written.
            labels: Optional label order (a superset of the weighted labels).
        """
        order = list(labels) if labels is not None else list(weights)
        return cls(_raw_values(order, raw), _normalised([weights.get(k, 0.0) for k in order]))

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Indices into ``values`` for n rows."""
        return rng.choice(len(self.probabilities), size=n, p=self.probabilities)


@dataclass(frozen=True)
class _ConditionalChoice:
    """A categorical draw whose probabilities depend on a condition index per row."""

    values: pa.Array
    cumulative: np.ndarray  # (conditions, labels)

    @classmethod
    def of(
        cls,
        rows: Sequence[Mapping[str, float]],
        raw: Mapping[str, str | None] | None = None,
        labels: Sequence[str] | None = None,
    ) -> _ConditionalChoice:
        """Build from one weight mapping per condition.

        Args:
            rows: Weight per label for each condition.
            raw: Optional translation of labels to the raw values written.
            labels: Optional label order; by default the union of the rows' labels.
        """
        order = (
            list(labels)
            if labels is not None
            else list(dict.fromkeys(k for row in rows for k in row))
        )
        matrix = np.array([[row.get(k, 0.0) for k in order] for row in rows], dtype=np.float64)
        cumulative = np.cumsum(matrix / matrix.sum(axis=1, keepdims=True), axis=1)
        return cls(_raw_values(order, raw), cumulative)

    def draw(self, rng: np.random.Generator, condition: np.ndarray) -> np.ndarray:
        """Indices into ``values``, one per row of ``condition``."""
        u = rng.random(len(condition))
        picked = (u[:, None] >= self.cumulative[condition]).sum(axis=1)
        return np.minimum(picked, self.cumulative.shape[1] - 1)


def _raw_values(labels: Sequence[str], raw: Mapping[str, str | None] | None) -> pa.Array:
    """Labels as the raw strings written; a blank label ("") becomes null."""
    values = [(raw.get(k) if raw is not None and k else k) or None for k in labels]
    return pa.array(values, pa.string())


def _require(name: str, raws: Sequence[str]) -> None:
    """Raise when a raw value the generator writes is missing from the reference vocabulary."""
    known = vocabulary(name)
    unknown = [r for r in raws if r and r not in known]
    if unknown:
        raise ValueError(f"synthetic profile uses values not in vocabulary {name!r}: {unknown}")


def _raw_by_code(name: str, generation: str) -> dict[str, str]:
    """Map code -> raw value for the terms of one generation ("current" or "legacy")."""
    out: dict[str, str] = {}
    term: Term
    for term in vocabulary(name).values():
        if term.note.startswith(generation):
            out.setdefault(term.code, term.raw)
    return out


@dataclass(frozen=True)
class _Vocabularies:
    """Every categorical draw of the generator, with raw values checked against reference."""

    crime_types: pa.Array  # non-ASB crime types, then ASB last
    crime_type_probabilities: np.ndarray
    outcome_values: pa.Array  # every crime outcome string the generator writes
    final_outcome: _ConditionalChoice  # per non-ASB crime type -> index into outcome_values
    court_result: _Choice  # -> index into outcome_values
    search_type: _Choice
    vehicle_only_type: int  # index into search_type.values
    gender: _Choice
    age_range: _Choice
    self_defined: _Choice
    self_defined_group: np.ndarray  # broad-group index per self_defined value
    officer_defined: _ConditionalChoice
    legislation: _Choice
    object_of_search: _ConditionalChoice
    outcome: _ConditionalChoice  # row 0: drugs searches (s23), row 1: all others
    no_further_action: np.ndarray  # indices into outcome.values meaning no further action
    legacy_article_found: str | None
    linked: _ConditionalChoice
    removal: _Choice
    part_of_operation: _Choice
    operation_names: pa.Array
    hours: np.ndarray
    stems: pa.Array
    street_kinds: pa.Array
    places: pa.Array

    @classmethod
    def build(cls, legacy: bool) -> _Vocabularies:
        """Assemble the draws for the current (default) or legacy vocabulary generation."""
        types = list(pr.CRIME_TYPE_WEIGHTS)
        _require("crime_type", [*types, _ANTI_SOCIAL_BEHAVIOUR])

        outcome_labels = list(
            dict.fromkeys(
                [
                    _UNDER_INVESTIGATION,
                    _STATUS_UNAVAILABLE,
                    _AWAITING_COURT,
                    _COURT_RESULT_UNAVAILABLE,
                    *pr.FINAL_OUTCOME_WEIGHTS,
                    *pr.COURT_RESULT_WEIGHTS,
                ]
            )
        )
        _require("crime_outcome", outcome_labels)
        final_rows = [
            {**pr.FINAL_OUTCOME_WEIGHTS, **pr.FINAL_OUTCOME_OVERRIDES.get(t, {})} for t in types
        ]
        final_outcome = _ConditionalChoice.of(final_rows, labels=outcome_labels)
        court_result = _Choice.of(pr.COURT_RESULT_WEIGHTS, labels=outcome_labels)

        generation = "legacy" if legacy else "current"
        ethnicity_raw = _raw_by_code("self_defined_ethnicity", generation)
        codes = list(pr.SELF_DEFINED_ETHNICITY_WEIGHTS)
        code_raw = {
            c: ethnicity_raw.get(pr.LEGACY_ETHNICITY_CODE.get(c, c) if legacy else c, "")
            for c in codes
        }
        missing_codes = [c for c in codes if not code_raw[c]]
        if missing_codes:
            raise ValueError(f"no {generation} self-defined ethnicity for codes {missing_codes}")
        self_defined = _Choice.of(pr.SELF_DEFINED_ETHNICITY_WEIGHTS, code_raw)
        current_terms = {t.code: t for t in vocabulary("self_defined_ethnicity").values()}
        groups = list(pr.OFFICER_ETHNICITY_GIVEN_GROUP)
        self_defined_group = np.array([groups.index(current_terms[c].group) for c in codes])
        officer_rows = list(pr.OFFICER_ETHNICITY_GIVEN_GROUP.values())
        _require("officer_defined_ethnicity", [k for row in officer_rows for k in row])

        _require("stop_search_type", list(pr.SEARCH_TYPE_WEIGHTS))
        _require("gender", list(pr.GENDER_WEIGHTS))
        _require("age_range", list(pr.AGE_RANGE_WEIGHTS))
        _require("legislation", list(pr.LEGISLATION_WEIGHTS))
        legislations = list(pr.LEGISLATION_WEIGHTS)
        object_rows = [pr.OBJECT_GIVEN_LEGISLATION[law] for law in legislations]
        _require("object_of_search", [k for row in object_rows for k in row])

        outcome_raw = _raw_by_code("stop_search_outcome", generation)
        outcome_rows = list(pr.SEARCH_OUTCOME_WEIGHTS.values())
        outcome_codes = list(dict.fromkeys(k for row in outcome_rows for k in row))
        outcome = _ConditionalChoice.of(outcome_rows, outcome_raw, outcome_codes)
        no_further_action = np.array(
            [i for i, code in enumerate(outcome_codes) if code == "no_further_action"]
        )
        article_found = outcome_raw.get("article_found") if legacy else None

        return cls(
            crime_types=pa.array([*types, _ANTI_SOCIAL_BEHAVIOUR], pa.string()),
            crime_type_probabilities=_normalised(list(pr.CRIME_TYPE_WEIGHTS.values())),
            outcome_values=pa.array(outcome_labels, pa.string()),
            final_outcome=final_outcome,
            court_result=court_result,
            search_type=_Choice.of(pr.SEARCH_TYPE_WEIGHTS),
            vehicle_only_type=list(pr.SEARCH_TYPE_WEIGHTS).index("Vehicle search"),
            gender=_Choice.of(pr.GENDER_WEIGHTS),
            age_range=_Choice.of(pr.AGE_RANGE_WEIGHTS),
            self_defined=self_defined,
            self_defined_group=self_defined_group,
            officer_defined=_ConditionalChoice.of(officer_rows),
            legislation=_Choice.of(pr.LEGISLATION_WEIGHTS),
            object_of_search=_ConditionalChoice.of(object_rows),
            outcome=outcome,
            no_further_action=no_further_action,
            legacy_article_found=article_found,
            linked=_ConditionalChoice.of(
                [pr.LINKED_GIVEN_ACTION, pr.LINKED_GIVEN_NO_FURTHER_ACTION]
            ),
            removal=_Choice.of(pr.REMOVAL_WEIGHTS),
            part_of_operation=_Choice.of(pr.PART_OF_OPERATION_WEIGHTS),
            operation_names=pa.array(pr.POLICING_OPERATION_NAMES, pa.string()),
            hours=_normalised(pr.SEARCHES_BY_HOUR),
            stems=pa.array(pr.STREET_NAME_STEMS, pa.string()),
            street_kinds=pa.array(pr.STREET_NAME_KINDS, pa.string()),
            places=pa.array(pr.PLACE_NAMES, pa.string()),
        )


# --------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class _Geography:
    """Anonymised map points of one force; point 0 is "No Location" (blank coordinates)."""

    longitude: pa.Array
    latitude: pa.Array
    location: pa.Array
    lsoa_code: pa.Array
    lsoa_name: pa.Array
    probabilities: np.ndarray  # of points 1..n (hot spots get more)

    def draw(self, rng: np.random.Generator, n: int, no_location_share: float) -> np.ndarray:
        """Point indices for n rows, 0 for a "No Location" row."""
        points = rng.choice(len(self.probabilities), size=n, p=self.probabilities) + 1
        return np.where(rng.random(n) < no_location_share, 0, points)


def _lsoa_count(force_id: str) -> int:
    """Number of synthetic LSOAs of a force: about one per 1,600 resident-equivalents."""
    profile = pr.FORCE_PROFILES.get(force_id, pr.DEFAULT_PROFILE)
    return max(4, round(profile.size_thousands * 1000 / 1600))


def _lsoa_code_base(force_id: str) -> int:
    """First LSOA number of a force: forces in id order take consecutive blocks from 1."""
    base = 1
    for other in sorted(all_forces()):
        if other == force_id:
            return base
        base += _lsoa_count(other)
    return base


def _fixed6(values: np.ndarray) -> pa.Array:
    """Degrees formatted with six decimals, as published (e.g. ``-1.890123``)."""
    micro = np.rint(values * 1_000_000).astype(np.int64)
    magnitude = np.abs(micro)
    sign = pc.if_else(pa.array(micro < 0), "-", "")
    whole = pc.cast(pa.array(magnitude // 1_000_000), pa.string())
    fraction = pc.utf8_lpad(pc.cast(pa.array(magnitude % 1_000_000), pa.string()), 6, "0")
    return pc.binary_join_element_wise(sign, whole, ".", fraction, "")


def _build_geography(plan: _Plan, force_id: str, vocab: _Vocabularies) -> _Geography:
    """Synthetic LSOAs and snap points scattered around the force area's centroid."""
    rng = _rng(plan.seed, force_id, _STREAM_GEOGRAPHY, 0)
    profile = pr.FORCE_PROFILES.get(force_id, pr.DEFAULT_PROFILE)
    meta = lookup_force(force_id)

    n_lsoa = _lsoa_count(force_id)
    lsoa_lat = profile.latitude + rng.normal(0, profile.spread_degrees, n_lsoa)
    lon_spread = profile.spread_degrees / np.cos(np.radians(profile.latitude))
    lsoa_lon = profile.longitude + rng.normal(0, lon_spread, n_lsoa)
    # West to east, so that each local authority below is a contiguous band of LSOAs.
    west_to_east = np.argsort(lsoa_lon, kind="stable")
    lsoa_lat, lsoa_lon = lsoa_lat[west_to_east], lsoa_lon[west_to_east]

    authorities = profile.local_authorities or (meta.pfa_name or meta.name,)
    authority = np.sort(rng.integers(0, len(authorities), n_lsoa))
    first_of_authority = np.searchsorted(authority, authority, side="left")
    rank = np.arange(n_lsoa) - first_of_authority
    # Several authorities may share a name (Birmingham is big): number them on from each other.
    names = np.array(authorities, dtype=object)[authority]
    offset = np.zeros(n_lsoa, dtype=np.int64)
    seen: dict[str, int] = {}
    for a, label in enumerate(authorities):
        count = int((authority == a).sum())
        offset[authority == a] = seen.get(label, 0)
        seen[label] = seen.get(label, 0) + count
    rank = rank + offset
    letters = np.array(list("ABCDE"))[rank % 5]
    lsoa_names = [
        f"{label} {r // 5 + 1:03d}{letter}"
        for label, r, letter in zip(names, rank, letters, strict=True)
    ]
    country = "W01" if (meta.pfa_code or "").startswith("W") else "E01"
    base = _lsoa_code_base(force_id)
    lsoa_codes = [f"{country}{base + i:06d}" for i in range(n_lsoa)]

    n_points = max(50, round(profile.size_thousands * 12))
    point_lsoa = np.sort(rng.integers(0, n_lsoa, n_points))
    jitter = min(0.004, profile.spread_degrees / 2)
    lat = lsoa_lat[point_lsoa] + rng.normal(0, jitter, n_points)
    lon = lsoa_lon[point_lsoa] + rng.normal(0, jitter * 1.6, n_points)
    stems = vocab.stems.take(pa.array(rng.integers(0, len(vocab.stems), n_points)))
    street_kinds = vocab.street_kinds.take(
        pa.array(rng.integers(0, len(vocab.street_kinds), n_points))
    )
    streets = pc.binary_join_element_wise(stems, street_kinds, " ")
    places = vocab.places.take(pa.array(rng.integers(0, len(vocab.places), n_points)))
    names_of_points = pc.if_else(pa.array(rng.random(n_points) < pr.PLACE_SHARE), places, streets)
    if force_id == "btp":
        # BTP locations are stations: "On or near Fishersgate (Station)".
        names_of_points = pc.binary_join_element_wise(stems, "(Station)", " ")
    location = pc.binary_join_element_wise("On or near", names_of_points, " ")
    weights = rng.lognormal(0.0, 1.2, n_points)

    def with_blank_first(values: pa.Array, first: str | None = None) -> pa.Array:
        return pa.concat_arrays([pa.array([first], pa.string()), values.cast(pa.string())])

    codes = pa.array(lsoa_codes, pa.string()).take(pa.array(point_lsoa))
    lsoa_name_array = pa.array(lsoa_names, pa.string()).take(pa.array(point_lsoa))
    if force_id in NO_LSOA_FORCES:
        # PSNI street rows carry coordinates but no (England and Wales) LSOA.
        codes = pa.nulls(n_points, pa.string())
        lsoa_name_array = pa.nulls(n_points, pa.string())
    return _Geography(
        longitude=with_blank_first(_fixed6(lon)),
        latitude=with_blank_first(_fixed6(lat)),
        location=with_blank_first(location, "No Location"),
        lsoa_code=with_blank_first(codes),
        lsoa_name=with_blank_first(lsoa_name_array),
        probabilities=weights / weights.sum(),
    )


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class _Plan:
    """Settings shared by every force of one ``write_archive`` call."""

    out_dir: Path
    months: list[int]
    end_index: int
    kinds: tuple[str, ...]
    seed: int
    scale: float
    line_ending: bytes
    vocab: _Vocabularies
    lead_in: list[int] = field(default_factory=list)  # months drawn for their outcomes only


def _rng(seed: int, force_id: str, stream: int, month: int) -> np.random.Generator:
    """The generator of one (seed, force, stream, month): independent of other force-months."""
    return np.random.default_rng([seed, zlib.crc32(force_id.encode("utf-8")), stream, month])


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n random 64-character lowercase hex Crime IDs as an (n, 64) uint8 array of ASCII."""
    raw = np.frombuffer(rng.bytes(32 * n), dtype=np.uint8).reshape(n, 32)
    out = np.empty((n, 64), dtype=np.uint8)
    out[:, 0::2] = _HEX_DIGITS[raw >> 4]
    out[:, 1::2] = _HEX_DIGITS[raw & 15]
    return out


def _ids_array(ids: np.ndarray) -> pa.Array:
    """An (n, 64) uint8 ASCII array as a pyarrow string array."""
    n = ids.shape[0]
    offsets = np.arange(0, 64 * (n + 1), 64, dtype=np.int32)
    data = np.ascontiguousarray(ids)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _write_csv(
    path: Path, header: Sequence[str], columns: list[pa.Array | str | None], le: bytes
) -> None:
    """Write one CSV file: header, then one line per row, blank for nulls, no quoting.

    No generated value contains a comma, quote or line break, so no field needs quoting, as in
    the published files.
    """
    args: list[pa.Array | pa.Scalar] = [
        c if isinstance(c, pa.Array) else pa.scalar(c, pa.string()) for c in columns
    ]
    lines = pc.binary_join_element_wise(*args, ",", null_handling="replace", null_replacement="")
    lines = pc.binary_join_element_wise(lines, "", le.decode("ascii"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.write(",".join(header).encode("utf-8") + le)
        if len(lines):
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
            first = int(offsets[lines.offset])
            last = int(offsets[lines.offset + len(lines)])
            f.write(memoryview(lines.buffers()[2])[first:last])


@dataclass
class _OutcomeBatch:
    """Outcome rows destined for one month's outcomes file."""

    ids: np.ndarray  # (n, 64) uint8
    points: np.ndarray
    outcomes: np.ndarray  # index into outcome_values


def _seasonal(month: int, amplitude: float, peak_month: int) -> float:
    """A smooth yearly cycle around 1, highest in ``peak_month`` (1..12)."""
    return float(1 + amplitude * np.cos(2 * np.pi * ((month % 12 + 1) - peak_month) / 12))


def _write_force(plan: _Plan, force_id: str, summary: SynthSummary) -> None:
    """Write every month's files of one force."""
    meta = lookup_force(force_id)
    profile = pr.FORCE_PROFILES.get(force_id, pr.DEFAULT_PROFILE)
    vocab = plan.vocab
    geography = _build_geography(plan, force_id, vocab)
    kinds = [
        k
        for k in plan.kinds
        if not (k == "outcomes" and force_id in NO_OUTCOMES_FORCES)
        and not (k == "stop-and-search" and force_id in NO_STOP_AND_SEARCH_FORCES)
    ]
    wants_crimes = "street" in kinds or "outcomes" in kinds
    pending: dict[int, list[_OutcomeBatch]] = {}
    available = set(plan.months)

    # Crimes of the lead-in months are drawn only for the outcomes they produce in the window.
    if "outcomes" in kinds:
        for month in plan.lead_in:
            expected = (
                profile.size_thousands
                * pr.STREET_ROWS_PER_THOUSAND
                * plan.scale
                * _seasonal(month, 0.07, 7)
            )
            older = _generate_crimes(plan, force_id, month, expected, geography)
            for target, batch in older.outcome_batches.items():
                if target in available:
                    pending.setdefault(target, []).append(batch)

    for month in plan.months:
        label = _month_label(month)
        folder = plan.out_dir / label

        if wants_crimes:
            expected = (
                profile.size_thousands
                * pr.STREET_ROWS_PER_THOUSAND
                * plan.scale
                * _seasonal(month, 0.07, 7)
            )
            crimes = _generate_crimes(plan, force_id, month, expected, geography)
            for target, batch in crimes.outcome_batches.items():
                if target in available:
                    pending.setdefault(target, []).append(batch)
            if "street" in kinds:
                path = folder / f"{label}-{force_id}-street.csv"
                columns: list[pa.Array | str | None] = [
                    crimes.crime_id,
                    label,
                    meta.reported_by,
                    meta.reported_by,
                    geography.longitude.take(crimes.points),
                    geography.latitude.take(crimes.points),
                    geography.location.take(crimes.points),
                    geography.lsoa_code.take(crimes.points),
                    geography.lsoa_name.take(crimes.points),
                    vocab.crime_types.take(crimes.crime_type),
                    crimes.last_outcome,
                    None,
                ]
                _write_csv(path, STREET_COLUMNS, columns, plan.line_ending)
                summary.files.append(path)
                summary.rows["street"] += len(crimes.points)

        if "outcomes" in kinds:
            batches = pending.pop(month, [])
            ids = (
                np.concatenate([b.ids for b in batches]) if batches else np.empty((0, 64), np.uint8)
            )
            points = pa.array(
                np.concatenate([b.points for b in batches]) if batches else [], pa.int64()
            )
            outcomes = pa.array(
                np.concatenate([b.outcomes for b in batches]) if batches else [], pa.int64()
            )
            path = folder / f"{label}-{force_id}-outcomes.csv"
            columns = [
                _ids_array(ids),
                label,
                meta.reported_by,
                meta.reported_by,
                geography.longitude.take(points),
                geography.latitude.take(points),
                geography.location.take(points),
                geography.lsoa_code.take(points),
                geography.lsoa_name.take(points),
                vocab.outcome_values.take(outcomes),
            ]
            _write_csv(path, OUTCOMES_COLUMNS, columns, plan.line_ending)
            summary.files.append(path)
            summary.rows["outcomes"] += len(ids)

        if "stop-and-search" in kinds:
            expected = (
                profile.size_thousands
                * pr.STOP_SEARCHES_PER_THOUSAND
                * plan.scale
                * _seasonal(month, 0.05, 5)
            )
            searches = _generate_searches(plan, force_id, month, expected, geography)
            path = folder / f"{label}-{force_id}-stop-and-search.csv"
            _write_csv(path, STOP_AND_SEARCH_COLUMNS, list(searches), plan.line_ending)
            summary.files.append(path)
            summary.rows["stop-and-search"] += len(searches[0])


# --------------------------------------------------------------------------- crimes


@dataclass
class _Crimes:
    """One force-month of street rows and the outcome rows they will produce."""

    crime_id: pa.Array
    points: pa.Array
    crime_type: pa.Array
    last_outcome: pa.Array
    outcome_batches: dict[int, _OutcomeBatch]


def _generate_crimes(
    plan: _Plan, force_id: str, month: int, expected: float, geography: _Geography
) -> _Crimes:
    """Draw the street rows of a month and each crime's outcome history.

    Each crime (not anti-social behaviour) gets a final outcome drawn by crime type, published
    in the outcomes file of month + delay. Charged crimes may later get a court result; a few
    crimes are first closed with no suspect and reopened. Outcomes after ``end`` are not yet
    known: they are neither written nor reflected in ``Last outcome category``.
    """
    vocab = plan.vocab
    rng = _rng(plan.seed, force_id, _STREAM_CRIMES, month)
    n = int(rng.poisson(expected))
    n_asb = int(rng.binomial(n, pr.ANTI_SOCIAL_BEHAVIOUR_SHARE))
    n_crime = n - n_asb
    asb_type = len(vocab.crime_types) - 1
    crime_type = np.concatenate(
        [
            rng.choice(asb_type, size=n_crime, p=vocab.crime_type_probabilities),
            np.full(n_asb, asb_type),
        ]
    )
    points = geography.draw(rng, n, pr.NO_LOCATION_SHARE)
    ids = _hex_ids(rng, n_crime)

    # Outcome histories of the n_crime crimes (rows 0..n_crime-1).
    labels = vocab.outcome_values.to_pylist()
    index = {label: i for i, label in enumerate(labels)}
    final = vocab.final_outcome.draw(rng, crime_type[:n_crime])
    delay = np.where(rng.random(n_crime) < 0.2, 0, rng.geometric(0.3, n_crime))
    main_month = month + delay
    has_main = final != index[_STATUS_UNAVAILABLE]
    charged = final == index[_SUSPECT_CHARGED]
    reopened = (
        (rng.random(n_crime) < _REOPENED_SHARE)
        & has_main
        & (final != index[_NO_SUSPECT])
        & (delay >= 1)
    )
    pre_month = month + np.floor(rng.random(n_crime) * np.maximum(delay, 1)).astype(np.int64)
    has_court = charged & (rng.random(n_crime) < pr.COURT_RESULT_SHARE)
    court_month = main_month + rng.geometric(0.25, n_crime)
    court = vocab.court_result.draw(rng, n_crime)

    end = plan.end_index
    main_known = has_main & (main_month <= end)
    pre_known = reopened & (pre_month <= end)
    court_known = has_court & (court_month <= end)

    last = np.full(n_crime, index[_UNDER_INVESTIGATION])
    last[~has_main] = index[_STATUS_UNAVAILABLE]
    last[pre_known] = index[_NO_SUSPECT]
    shown_final = np.where(
        charged,
        np.where(
            end - main_month < _AWAITING_COURT_MONTHS,
            index[_AWAITING_COURT],
            index[_COURT_RESULT_UNAVAILABLE],
        ),
        final,
    )
    last[main_known] = shown_final[main_known]
    last[court_known] = court[court_known]

    batches: dict[int, list[_OutcomeBatch]] = {}
    for known, when, what in (
        (pre_known, pre_month, np.full(n_crime, index[_NO_SUSPECT])),
        (main_known, main_month, final),
        (court_known, court_month, court),
    ):
        for target in np.unique(when[known]):
            rows = np.flatnonzero(known & (when == target))
            batches.setdefault(int(target), []).append(
                _OutcomeBatch(ids[rows], points[rows], what[rows])
            )
    merged = {
        t: _OutcomeBatch(
            np.concatenate([b.ids for b in bs]),
            np.concatenate([b.points for b in bs]),
            np.concatenate([b.outcomes for b in bs]),
        )
        for t, bs in batches.items()
    }

    # Street rows in map order (as published: grouped by place), "No Location" last.
    order = np.argsort(np.where(points == 0, np.iinfo(np.int64).max, points), kind="stable")
    is_asb = crime_type == asb_type
    no_id = is_asb | (force_id in NO_CRIME_ID_FORCES)
    no_outcome = is_asb | (force_id in NO_OUTCOMES_FORCES)
    if force_id in NO_OUTCOMES_FORCES:
        merged = {}
    crime_id = pc.if_else(
        pa.array(no_id[order]),
        _NULL_STRING,
        _ids_array(np.concatenate([ids, np.zeros((n_asb, 64), np.uint8)])[order]),
    )
    last_outcome = pc.if_else(
        pa.array(no_outcome[order]),
        _NULL_STRING,
        vocab.outcome_values.take(
            pa.array(np.concatenate([last, np.zeros(n_asb, np.int64)])[order])
        ),
    )
    return _Crimes(
        crime_id=crime_id,
        points=pa.array(points[order]),
        crime_type=pa.array(crime_type[order]),
        last_outcome=last_outcome,
        outcome_batches=merged,
    )


# --------------------------------------------------------------------------- stop and search


def _generate_searches(
    plan: _Plan, force_id: str, month: int, expected: float, geography: _Geography
) -> list[pa.Array]:
    """Draw one force-month of stop-and-search rows, columns in published order."""
    vocab = plan.vocab
    rng = _rng(plan.seed, force_id, _STREAM_SEARCHES, month)
    n = int(rng.poisson(expected))

    # Dates: clock times to the minute (some with seconds), a few exactly midnight (date only),
    # a few with fractional seconds; always +00:00 (method.md §1).
    day = rng.integers(0, _days_in_month(month), n)
    hour = rng.choice(24, size=n, p=vocab.hours)
    minute = rng.integers(0, 60, n)
    second = np.where(rng.random(n) < pr.SECONDS_PRESENT_SHARE, rng.integers(0, 60, n), 0)
    midnight = rng.random(n) < pr.MIDNIGHT_SHARE
    clock = np.where(midnight, 0, hour * 3600 + minute * 60 + second)
    micro = rng.integers(1, 1000, n) * 1000
    fractional = (rng.random(n) < pr.FRACTIONAL_SECONDS_SHARE) & ~midnight
    seconds = _month_start_seconds(month) + day * 86400 + clock
    order = np.lexsort((np.where(fractional, micro, 0), seconds))

    search_type = vocab.search_type.draw(rng, n)
    vehicle_only = pa.array(search_type == vocab.vehicle_only_type)
    gender = vocab.gender.values.take(pa.array(vocab.gender.draw(rng, n)))
    age = vocab.age_range.values.take(pa.array(vocab.age_range.draw(rng, n)))
    self_code = vocab.self_defined.draw(rng, n)
    self_defined = vocab.self_defined.values.take(pa.array(self_code))
    officer = vocab.officer_defined.values.take(
        pa.array(vocab.officer_defined.draw(rng, vocab.self_defined_group[self_code]))
    )
    law = vocab.legislation.draw(rng, n)
    legislation = vocab.legislation.values.take(pa.array(law))
    obj = vocab.object_of_search.values.take(pa.array(vocab.object_of_search.draw(rng, law)))
    outcome_index = vocab.outcome.draw(rng, np.where(law == 0, 0, 1))
    outcome = vocab.outcome.values.take(pa.array(outcome_index))
    is_nfa = np.isin(outcome_index, vocab.no_further_action)
    if vocab.legacy_article_found is not None:
        found = rng.random(n) < pr.LEGACY_ARTICLE_FOUND_SHARE
        outcome = pc.if_else(pa.array(found), vocab.legacy_article_found, outcome)
        is_nfa &= ~found
    # Linked to the object: mostly False or blank after no further action; blank with no outcome.
    linked = vocab.linked.values.take(pa.array(vocab.linked.draw(rng, is_nfa.astype(np.int64))))
    linked = pc.if_else(pc.is_null(outcome), _NULL_STRING, linked)
    removal = vocab.removal.values.take(pa.array(vocab.removal.draw(rng, n)))
    operation_code = vocab.part_of_operation.draw(rng, n)
    part_of_operation = vocab.part_of_operation.values.take(pa.array(operation_code))
    is_operation = (operation_code == 0) & (rng.random(n) < 0.5)
    operation_name = vocab.operation_names.take(
        pa.array(rng.integers(0, len(vocab.operation_names), n))
    )
    operation_name = pc.if_else(pa.array(is_operation), operation_name, _NULL_STRING)
    points = pa.array(geography.draw(rng, n, pr.SEARCH_NO_LOCATION_SHARE))

    def person(values: pa.Array) -> pa.Array:
        return pc.if_else(vehicle_only, _NULL_STRING, values)

    timestamps = pc.strftime(pa.array(seconds, pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%S")
    fraction = pc.binary_join_element_wise(
        ".", pc.utf8_lpad(pc.cast(pa.array(micro), pa.string()), 6, "0"), "+00:00", ""
    )
    dates = pc.binary_join_element_wise(
        timestamps, pc.if_else(pa.array(fractional), fraction, "+00:00"), ""
    )
    take = pa.array(order)
    columns: list[pa.Array] = [
        vocab.search_type.values.take(pa.array(search_type)),
        dates,
        part_of_operation,
        operation_name,
        geography.latitude.take(points),
        geography.longitude.take(points),
        person(gender),
        person(age),
        person(self_defined),
        person(officer),
        legislation,
        obj,
        outcome,
        linked,
        removal,
    ]
    return [c.take(take) for c in columns]
