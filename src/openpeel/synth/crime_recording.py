"""A SYNTHETIC crime recording extract, with the truth an audit should find, for tests and the demo.

The generator writes ``incidents.csv`` and ``recorded_crimes.csv`` in the exact format of
``docs/crime_recording.md``, for one force over a period. Each incident gets an opening type; by
type, a known share of incidents report a crime (:data:`CRIME_SHARE`), and of those a known share
is recorded (:data:`RECORDING_RATE`): the rest are closed as no crime, advice given or no further
action, which is the under-recording an audit exists to find. Recorded crimes are mostly
recorded within 24 hours and mostly classified in the right offence group
(:data:`WITHIN_24H_SHARE`, :data:`CORRECT_CLASSIFICATION_SHARE`). Some crimes are recorded
without an incident (online reports), as in a real force.

The truth (for each incident: should a crime have been recorded, which offence group, was it
recorded, within 24 hours, correctly classified) is returned and written beside the extract as
``SYNTHETIC_TRUTH.csv``; the loader never reads it. Tests check the audit estimator against it;
the demo uses it to stand in for auditors' decisions.

Every extract carries ``SYNTHETIC.json`` whose snapshot (``synthetic-crime-recording-...``)
labels every row loaded from it, so its figures can never pass for a real force's.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from openpeel.provenance import write_marker
from openpeel.sources.crime_recording import (
    INCIDENTS,
    OFFENCE_GROUPS,
    RECORDED_CRIMES,
)
from openpeel.synth.extract import ExtractSummary

#: File of the truth, beside the extract (not part of the extract).
TRUTH_FILE = "SYNTHETIC_TRUTH.csv"

#: Share of incidents of each type (sums to 1).
TYPE_MIX: dict[str, float] = {
    "violence": 0.16,
    "sexual_offence": 0.03,
    "domestic": 0.10,
    "theft": 0.14,
    "burglary": 0.05,
    "criminal_damage": 0.07,
    "public_order": 0.06,
    "anti_social_behaviour": 0.14,
    "concern_for_safety": 0.12,
    "suspicious_circumstances": 0.07,
    "other": 0.06,
}
#: Share of incidents of each type in which a crime was reported (should have been recorded).
CRIME_SHARE: dict[str, float] = {
    "violence": 0.90,
    "sexual_offence": 0.92,
    "domestic": 0.70,
    "theft": 0.95,
    "burglary": 0.93,
    "criminal_damage": 0.90,
    "public_order": 0.70,
    "anti_social_behaviour": 0.20,
    "concern_for_safety": 0.10,
    "suspicious_circumstances": 0.12,
    "other": 0.25,
}
#: The known recording rate: of the crimes reported in incidents of each type, the share recorded.
RECORDING_RATE: dict[str, float] = {
    "violence": 0.78,
    "sexual_offence": 0.86,
    "domestic": 0.80,
    "theft": 0.94,
    "burglary": 0.96,
    "criminal_damage": 0.90,
    "public_order": 0.72,
    "anti_social_behaviour": 0.55,
    "concern_for_safety": 0.65,
    "suspicious_circumstances": 0.70,
    "other": 0.80,
}
#: Offence groups a reported crime falls in, by incident type (weights).
OFFENCE_MIX: dict[str, dict[str, float]] = {
    "violence": {"violence_with_injury": 0.45, "violence_without_injury": 0.45, "weapons": 0.10},
    "sexual_offence": {"sexual_offences": 1.0},
    "domestic": {
        "violence_with_injury": 0.30,
        "violence_without_injury": 0.40,
        "stalking_harassment": 0.25,
        "criminal_damage_arson": 0.05,
    },
    "theft": {"theft": 0.80, "robbery": 0.08, "vehicle_offences": 0.12},
    "burglary": {"burglary": 1.0},
    "criminal_damage": {"criminal_damage_arson": 1.0},
    "public_order": {"public_order": 0.70, "violence_without_injury": 0.30},
    "anti_social_behaviour": {
        "public_order": 0.5,
        "criminal_damage_arson": 0.3,
        "stalking_harassment": 0.2,
    },
    "concern_for_safety": {"violence_without_injury": 0.5, "stalking_harassment": 0.5},
    "suspicious_circumstances": {"drugs": 0.4, "theft": 0.3, "other_crimes_against_society": 0.3},
    "other": {"other_crimes_against_society": 0.5, "drugs": 0.3, "theft": 0.2},
}
#: Share of recorded crimes recorded within 24 hours of the incident being opened.
WITHIN_24H_SHARE = 0.90
#: Share of recorded crimes classified in the right offence group.
CORRECT_CLASSIFICATION_SHARE = 0.95
#: Recorded crimes without an incident (online and desk reports), per incident-linked crime.
UNLINKED_CRIME_SHARE = 0.10


@dataclass(kw_only=True)
class RecordingSynthSummary(ExtractSummary):
    """What the generator wrote, and the truth."""

    truth: pd.DataFrame

    def true_recording_rate(self, incident_types: tuple[str, ...] | None = None) -> float:
        """Recorded / should have been recorded, over the incidents (optionally of some types)."""
        return true_recording_rate(self.truth, incident_types)


def true_recording_rate(
    truth: pd.DataFrame, incident_types: tuple[str, ...] | None = None
) -> float:
    """The population recording rate of a truth table (optionally of some incident types)."""
    rows = truth if incident_types is None else truth[truth.incident_type.isin(incident_types)]
    should = rows[rows.should_record]
    return float(should.is_recorded.mean()) if len(should) else float("nan")


def _month_start(text: str) -> date:
    try:
        return pd.Period(text, freq="M").start_time.date()
    except ValueError:
        raise ValueError(f"not a month (YYYY-MM): {text!r}") from None


def _ids(rng: np.random.Generator, prefix: str, n: int) -> list[str]:
    values = rng.choice(16**9, size=int(n * 1.2) + 10, replace=False)
    return [f"{prefix}-{v:09x}" for v in values[:n]]


def generate_crime_recording(
    force_id: str = "west-midlands",
    start: str = "2021-04",
    end: str = "2021-09",
    seed: int = 1,
    incidents: int = 20_000,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Incidents, recorded crimes and the truth, in memory (see the module docstring).

    Returns:
        ``(incidents, recorded_crimes, truth)`` with the extract's columns (times as text in
        the documented form) and the truth per incident.
    """
    first = _month_start(start)
    last = (pd.Period(end, freq="M").end_time + pd.Timedelta(seconds=1)).to_pydatetime()
    if last.date() <= first:
        raise ValueError("the period ends before it starts")
    if incidents < 1:
        raise ValueError("at least one incident is needed")
    rng = np.random.default_rng(seed)
    types = np.array(list(TYPE_MIX))
    kind = rng.choice(types, size=incidents, p=np.array(list(TYPE_MIX.values())))
    span = (last - datetime.combine(first, datetime.min.time())).total_seconds() / 60
    opened = pd.to_datetime(first) + pd.to_timedelta(
        np.sort(rng.integers(0, int(span), size=incidents)), unit="min"
    )
    should = rng.random(incidents) < np.vectorize(CRIME_SHARE.get)(kind)
    recorded = should & (rng.random(incidents) < np.vectorize(RECORDING_RATE.get)(kind))
    offence = np.array(
        [rng.choice(list(OFFENCE_MIX[k]), p=np.array(list(OFFENCE_MIX[k].values()))) for k in kind]
    )
    within = rng.random(incidents) < WITHIN_24H_SHARE
    correct = rng.random(incidents) < CORRECT_CLASSIFICATION_SHARE
    delay_minutes = np.where(
        within,
        rng.integers(5, 24 * 60, size=incidents),
        rng.integers(24 * 60 + 1, 14 * 24 * 60, incidents),
    )
    domestic = (kind == "domestic") | (
        (kind != "domestic") & (rng.random(incidents) < np.where(kind == "violence", 0.30, 0.04))
    )
    vulnerable = rng.random(incidents) < 0.10
    closing = np.where(
        recorded,
        "crime_recorded",
        np.where(
            should,
            rng.choice(
                ["no_crime", "advice_given", "no_further_action", "crime_related"], incidents
            ),
            rng.choice(
                ["no_crime", "advice_given", "no_further_action", "transferred", "duplicate"],
                incidents,
                p=[0.35, 0.30, 0.25, 0.05, 0.05],
            ),
        ),
    )
    incident_ids = _ids(rng, "inc", incidents)
    incident_frame = pd.DataFrame(
        {
            "incident_id": incident_ids,
            "opened_at": opened.strftime("%Y-%m-%d %H:%M"),
            "incident_type": kind,
            "closing_code": closing,
            "is_domestic_abuse": np.where(domestic, "yes", "no"),
            "is_vulnerable_victim": np.where(vulnerable, "yes", "no"),
        }
    )
    wrong = np.array([rng.choice([g for g in OFFENCE_GROUPS if g != o]) for o in offence])
    classified = np.where(correct, offence, wrong)
    recorded_at = opened + pd.to_timedelta(delay_minutes, unit="min")
    linked = np.flatnonzero(recorded)
    unlinked = round(len(linked) * UNLINKED_CRIME_SHARE)
    crime_ids = _ids(rng, "crm", len(linked) + unlinked)
    unlinked_at = pd.to_datetime(first) + pd.to_timedelta(
        np.sort(rng.integers(0, int(span), size=unlinked)), unit="min"
    )
    crimes = pd.DataFrame(
        {
            "crime_id": crime_ids,
            "incident_id": [incident_ids[i] for i in linked] + [""] * unlinked,
            "recorded_at": list(recorded_at[linked].strftime("%Y-%m-%d %H:%M"))
            + list(unlinked_at.strftime("%Y-%m-%d %H:%M")),
            "offence_group": list(classified[linked])
            + list(rng.choice(["theft", "criminal_damage_arson", "stalking_harassment"], unlinked)),
        }
    )
    truth = pd.DataFrame(
        {
            "incident_id": incident_ids,
            "incident_type": kind,
            "should_record": should,
            "offence_group": np.where(should, offence, ""),
            "is_recorded": recorded,
            "is_within_24h": recorded & within,
            "is_correctly_classified": recorded & correct,
        }
    )
    return incident_frame, crimes, truth


def write_crime_recording_extract(
    out_dir: Path | str,
    force_id: str = "west-midlands",
    start: str = "2021-04",
    end: str = "2021-09",
    seed: int = 1,
    incidents: int = 20_000,
) -> RecordingSynthSummary:
    """Write a SYNTHETIC crime recording extract (and its truth) into ``out_dir``."""
    if force_id not in _known_forces():
        raise ValueError(f"unknown force id {force_id!r}")
    incident_frame, crimes, truth = generate_crime_recording(force_id, start, end, seed, incidents)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    snapshot = f"synthetic-crime-recording-{force_id}-{start}-{end}-seed{seed}"
    files = {
        INCIDENTS.table: out / INCIDENTS.file_name,
        RECORDED_CRIMES.table: out / RECORDED_CRIMES.file_name,
    }
    incident_frame.to_csv(files[INCIDENTS.table], index=False, quoting=csv.QUOTE_MINIMAL)
    crimes.to_csv(files[RECORDED_CRIMES.table], index=False, quoting=csv.QUOTE_MINIMAL)
    truth.to_csv(out / TRUTH_FILE, index=False)
    write_marker(
        out,
        {
            "snapshot": snapshot,
            "generator": "openpeel.synth.crime_recording",
            "force_id": force_id,
            "seed": seed,
            "recording_rate_by_incident_type": RECORDING_RATE,
            "note": "SYNTHETIC DATA: not a real force's incidents or crimes.",
        },
    )
    return RecordingSynthSummary(
        out,
        snapshot,
        force_id,
        files,
        {"incidents": len(incident_frame), "recorded_crimes": len(crimes)},
        truth=truth,
    )


def read_truth(folder: Path | str) -> pd.DataFrame:
    """The truth written beside a synthetic extract."""
    path = Path(folder) / TRUTH_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path.name}: no synthetic truth here")
    return pd.read_csv(path, keep_default_na=False)


def _known_forces() -> set[str]:
    from openpeel.reference.forces import forces

    return set(forces())
