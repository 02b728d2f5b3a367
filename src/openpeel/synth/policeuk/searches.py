"""Synthetic stop-and-search rows."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.synth import profiles as pr
from openpeel.synth.policeuk.draws import (
    _NULL_STRING,
    _STREAM_SEARCHES,
    _days_in_month,
    _month_start_seconds,
    _Plan,
    _rng,
)
from openpeel.synth.policeuk.geography import (
    _Geography,
)


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
