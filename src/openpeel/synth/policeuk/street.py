"""Synthetic street crimes and the outcomes that arrive for them in later months."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.synth import profiles as pr
from openpeel.synth.policeuk.draws import (
    _AWAITING_COURT,
    _AWAITING_COURT_MONTHS,
    _COURT_RESULT_UNAVAILABLE,
    _NO_SUSPECT,
    _NULL_STRING,
    _REOPENED_SHARE,
    _STATUS_UNAVAILABLE,
    _STREAM_CRIMES,
    _SUSPECT_CHARGED,
    _UNDER_INVESTIGATION,
    NO_CRIME_ID_FORCES,
    NO_OUTCOMES_FORCES,
    _hex_ids,
    _ids_array,
    _OutcomeBatch,
    _Plan,
    _rng,
)
from openpeel.synth.policeuk.geography import (
    _Geography,
)


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
