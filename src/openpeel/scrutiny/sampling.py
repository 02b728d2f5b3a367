"""Meetings and their samples: simple random or stratified draws, reproducible and auditable.

The frame is every record of the panel's force whose date falls in the meeting's period, sorted
by search id; its record ids and their SHA-256 are stored with the seed, so the same draw can be
made again (``verify_sample``). Strata are mutually exclusive: a record falls in the first
stratum of the specification that it matches, and ``rest`` takes what no other stratum took.
Within a stratum of N_h records, n_h are drawn without replacement; the inclusion probability is
n_h / N_h and the design weight N_h / n_h (Horvitz-Thompson).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpeel.errors import UserInputError
from openpeel.scrutiny import audit
from openpeel.scrutiny.models import Meeting, Panel, Sample, SampleItem, SearchRecord
from openpeel.stats.sampling import draw_stratified, frame_sha256, new_seed

DESIGNS = ("simple", "stratified")
MAX_SAMPLE_SIZE = 500


class SamplingError(UserInputError):
    """A sample that cannot be drawn as asked: a user error."""


def _stratum_test(name: str) -> Callable[[SearchRecord], bool]:
    if name == "s60":
        return lambda r: r.legislation_code == "cjpoa_s60"
    if name == "strip_search":
        return lambda r: bool(r.is_strip_search)
    if name == "under_18":
        return lambda r: r.age_group == "under_18"
    if name == "nfa":
        return lambda r: r.outcome_group == "no_further_action"
    if name.startswith("ethnic_group:"):
        group = name.split(":", 1)[1]
        return lambda r: r.ethnic_group == group
    if name == "rest":
        return lambda r: True
    raise SamplingError(
        f"unknown stratum {name!r}: use s60, strip_search, under_18, nfa, "
        "ethnic_group:<group>, rest"
    )


STRATA_HELP = "s60, strip_search, under_18, nfa, ethnic_group:<white|black|asian|mixed|other>, rest"


def parse_strata(text: str) -> list[tuple[str, int]]:
    """``"s60=5,under_18=5,rest=10"`` -> ``[("s60", 5), ("under_18", 5), ("rest", 10)]``."""
    out: list[tuple[str, int]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, size = part.partition("=")
        try:
            n = int(size)
        except ValueError:
            raise SamplingError(f"stratum {part!r} needs a size: name=N") from None
        _stratum_test(name.strip())
        out.append((name.strip(), n))
    if not out:
        raise SamplingError("no strata given")
    return out


@dataclass(frozen=True)
class SampleSummary:
    """One stratum of a drawn sample."""

    stratum: str
    frame_records: int
    sampled_records: int
    inclusion_probability: float
    design_weight: float


def add_meeting(
    session: Session,
    panel: Panel,
    title: str,
    meeting_date: date,
    period_from: date,
    period_to: date,
    actor_id: int | None = None,
) -> Meeting:
    """Create an open meeting of a panel for searches in [period_from, period_to]."""
    if period_to < period_from:
        raise SamplingError("the period ends before it starts")
    title = title.strip()
    if not title:
        raise SamplingError("a meeting needs a title")
    meeting = Meeting(
        panel_id=panel.id,
        title=title[:200],
        meeting_date=meeting_date,
        period_from=period_from,
        period_to=period_to,
    )
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        actor_id,
        "create",
        "meeting",
        meeting.id,
        {"title": title, "from": period_from, "to": period_to},
        meeting_id=meeting.id,
    )
    return meeting


def frame_records(session: Session, meeting: Meeting) -> list[SearchRecord]:
    """The sampling frame of a meeting: its force's records in its period, by search id."""
    start = datetime.combine(meeting.period_from, time.min)
    end = datetime.combine(meeting.period_to + timedelta(days=1), time.min)
    return list(
        session.scalars(
            select(SearchRecord)
            .where(
                SearchRecord.force_id == meeting.panel.force_id,
                SearchRecord.occurred_at >= start,
                SearchRecord.occurred_at < end,
            )
            .order_by(SearchRecord.search_id)
        )
    )


def _draw(
    frame: Sequence[SearchRecord], design: str, spec: list[tuple[str, int]], seed: int
) -> list[tuple[SearchRecord, str, int, int]]:
    """(record, stratum, N_h, n_h) for each drawn record, in draw order (the shared draw of
    :mod:`openpeel.stats.sampling`; a record falls in the first stratum it matches)."""
    if design == "simple":
        spec = [("all", spec[0][1])]
        labels: list[str | None] = ["all"] * len(frame)
    else:
        tests = [(name, _stratum_test(name)) for name, _ in spec]
        labels = [next((name for name, test in tests if test(r)), None) for r in frame]
    return [
        (frame[d.index], d.stratum, d.stratum_size, d.stratum_sampled)
        for d in draw_stratified(labels, spec, seed)
    ]


def draw_sample(
    session: Session,
    meeting: Meeting,
    design: str,
    size: int | None = None,
    strata: list[tuple[str, int]] | None = None,
    seed: int | None = None,
    actor_id: int | None = None,
) -> Sample:
    """Draw and store the sample of an open meeting that has none yet."""
    if meeting.status != "open":
        raise SamplingError("the meeting is closed")
    if session.scalar(select(Sample).where(Sample.meeting_id == meeting.id)) is not None:
        raise SamplingError("this meeting already has a sample")
    if design not in DESIGNS:
        raise SamplingError(f"unknown design {design!r}: simple or stratified")
    if design == "simple":
        if size is None or size < 1:
            raise SamplingError("a simple random sample needs a size of at least 1")
        spec = [("all", size)]
    else:
        if not strata:
            raise SamplingError("a stratified sample needs strata")
        if len({n for n, _ in strata}) != len(strata):
            raise SamplingError("a stratum is named twice")
        spec = strata
    if any(n < 0 for _, n in spec) or sum(n for _, n in spec) < 1:
        raise SamplingError("sample sizes must be positive")
    if sum(n for _, n in spec) > MAX_SAMPLE_SIZE:
        raise SamplingError(f"a panel sample is at most {MAX_SAMPLE_SIZE} records")
    if seed is None:
        seed = new_seed()
    if not 0 <= seed < 2**31:
        raise SamplingError("the seed must be between 0 and 2147483647")
    frame = frame_records(session, meeting)
    if not frame:
        raise SamplingError(
            f"no records of {meeting.panel.force_id} between {meeting.period_from} and "
            f"{meeting.period_to}: import them first"
        )
    drawn = _draw(frame, design, spec, seed)
    if not drawn:
        raise SamplingError("the strata matched no records")
    frame_ids = [r.search_id for r in frame]
    sample = Sample(
        meeting_id=meeting.id,
        design=design,
        seed=seed,
        spec_json=json.dumps(spec),
        frame_size=len(frame),
        frame_json=json.dumps(frame_ids),
        frame_sha256=frame_sha256(frame_ids),
        drawn_by=actor_id,
    )
    session.add(sample)
    session.flush()
    for position, (record, stratum, big_n, small_n) in enumerate(drawn, start=1):
        session.add(
            SampleItem(
                sample_id=sample.id,
                record_id=record.id,
                position=position,
                stratum=stratum,
                stratum_size=big_n,
                inclusion_probability=small_n / big_n,
                design_weight=big_n / small_n,
            )
        )
    session.flush()
    audit.record(
        session,
        actor_id,
        "draw",
        "sample",
        sample.id,
        {"design": design, "seed": seed, "spec": spec, "frame_size": len(frame)},
        meeting_id=meeting.id,
    )
    return sample


def sample_of(session: Session, meeting_id: int) -> Sample | None:
    """The sample of a meeting, if drawn."""
    return session.scalar(select(Sample).where(Sample.meeting_id == meeting_id))


def verify_sample(session: Session, sample: Sample) -> bool:
    """Draw again from the stored frame and seed: True when the same records come out."""
    frame_ids: list[str] = json.loads(sample.frame_json)
    if frame_sha256(frame_ids) != sample.frame_sha256:
        return False
    by_id = {
        r.search_id: r
        for r in session.scalars(select(SearchRecord).where(SearchRecord.search_id.in_(frame_ids)))
    }
    if len(by_id) != len(frame_ids):
        return False
    frame = [by_id[s] for s in frame_ids]
    spec = [(str(n), int(k)) for n, k in json.loads(sample.spec_json)]
    again = _draw(frame, sample.design, spec, sample.seed)
    stored = [(i.record_id, i.stratum) for i in sample.items]
    return [(r.id, s) for r, s, _, _ in again] == stored


def summarise_sample(sample: Sample) -> list[SampleSummary]:
    """Per stratum: frame size, records drawn, inclusion probability and design weight."""
    out: dict[str, SampleSummary] = {}
    for item in sample.items:
        if item.stratum in out:
            s = out[item.stratum]
            out[item.stratum] = SampleSummary(
                s.stratum,
                s.frame_records,
                s.sampled_records + 1,
                s.inclusion_probability,
                s.design_weight,
            )
        else:
            out[item.stratum] = SampleSummary(
                item.stratum, item.stratum_size, 1, item.inclusion_probability, item.design_weight
            )
    return list(out.values())


def sample_info(sample: Sample) -> dict[str, Any]:
    """The stored facts of a draw, for the audit page and the report."""
    return {"design": sample.design, **sample.draw_facts(len(sample.items))}
