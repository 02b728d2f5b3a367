"""What every synthetic police.uk draw shares: the published columns, seeded generators,
month arithmetic and vocabulary choices (raw strings taken from the reference vocabularies)."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

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


@dataclass
class _OutcomeBatch:
    """Outcome rows destined for one month's outcomes file."""

    ids: np.ndarray  # (n, 64) uint8
    points: np.ndarray
    outcomes: np.ndarray  # index into outcome_values


def _seasonal(month: int, amplitude: float, peak_month: int) -> float:
    """A smooth yearly cycle around 1, highest in ``peak_month`` (1..12)."""
    return float(1 + amplitude * np.cos(2 * np.pi * ((month % 12 + 1) - peak_month) / 12))
