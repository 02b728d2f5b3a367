"""Creating an audit and drawing its sample: reproducible, stratified, verifiable.

The frame of an audit is every incident of its force opened in its period, from the loaded crime
recording extract (``store.crime_recording``), sorted by incident id. Each incident falls in one
stratum (``crime_audit.design``); the sample is drawn with the one seeded stratified draw of
``stats.sampling`` (the scrutiny panels' draw), and the seed, the sizes, the frame's ids with
their strata and the frame's SHA-256 are stored, so :func:`verify_sample` can draw again and
compare. A second, seeded draw picks the subsample a second auditor checks. The record each
auditor sees (the incident's fields and its linked crimes, with the hours from opening to
recording) is stored with the sampled incident, so a later reload of the extract cannot change
what was audited.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from openpeel.config import Where
from openpeel.crime_audit.design import (
    DEFAULT_CRIME_SHARE,
    DEFAULT_EXPECTED_RATE,
    DEFAULT_HALF_WIDTH,
    STRATA,
    design_sizes,
    stratum_labels,
)
from openpeel.crime_audit.models import AuditRecord, CrimeAudit
from openpeel.database.base import utcnow
from openpeel.errors import UserInputError
from openpeel.provenance import SnapshotLabelled, any_synthetic, is_synthetic_label
from openpeel.reference.forces import force as lookup_force
from openpeel.scrutiny import audit as audit_log
from openpeel.stats.sampling import MAX_SEED, draw_stratified, frame_sha256, new_seed
from openpeel.store.crime_recording import stored_extract

#: Largest sample an audit draws (the inspectorate's audits are a few thousand records).
MAX_SAMPLE_SIZE = 5000
#: Share of the sample a second auditor checks, by default.
DEFAULT_SECOND_SHARE = 0.1


class AuditError(UserInputError):
    """An audit step that cannot be done as asked: a user error."""


@dataclass(frozen=True)
class Frame(SnapshotLabelled):
    """The incidents an audit samples from, with their strata, and the crimes recorded (synthetic
    when its snapshot label says so)."""

    incidents: pd.DataFrame
    crimes: pd.DataFrame
    snapshot: str


def create_audit(
    session: Session,
    force_id: str,
    title: str,
    period_from: date,
    period_to: date,
    actor_id: int | None = None,
    recorded_crimes_year: float | None = None,
) -> CrimeAudit:
    """Create an open audit of a force's incidents opened in [period_from, period_to]."""
    try:
        lookup_force(force_id)
    except KeyError:
        raise AuditError(f"unknown force id {force_id!r}") from None
    if period_to < period_from:
        raise AuditError("the period ends before it starts")
    title = title.strip()
    if not title:
        raise AuditError("an audit needs a title")
    if recorded_crimes_year is not None and recorded_crimes_year < 0:
        raise AuditError("recorded crimes a year cannot be negative")
    audit = CrimeAudit(
        force_id=force_id,
        title=title[:200],
        period_from=period_from,
        period_to=period_to,
        status="open",
        recorded_crimes_year=recorded_crimes_year,
        created_by=actor_id,
    )
    return audit_log.created(
        session,
        actor_id,
        "crime_audit",
        audit,
        {"force_id": force_id, "title": title, "from": period_from, "to": period_to},
    )


def _bounds(audit: CrimeAudit) -> tuple[datetime, datetime]:
    return (
        datetime.combine(audit.period_from, time.min),
        datetime.combine(audit.period_to + timedelta(days=1), time.min),
    )


def audit_frame(audit: CrimeAudit, data_dir: Where = None) -> Frame:
    """The audit's frame from the lake: incidents in its period sorted by id, with strata."""
    start, end = _bounds(audit)
    incidents = stored_extract("recording_incidents", audit.force_id, data_dir)
    opened = pd.to_datetime(incidents["opened_at"])
    incidents = incidents[(opened >= start) & (opened < end)]
    incidents = incidents.sort_values("incident_id", kind="stable").reset_index(drop=True)
    incidents["stratum"] = stratum_labels(incidents)
    crimes = stored_extract("recorded_crimes", audit.force_id, data_dir)
    snapshots = sorted(set(incidents["snapshot"].dropna()))
    snapshot = " ".join(snapshots)
    if any_synthetic(snapshots) and not is_synthetic_label(snapshot):
        snapshot = f"synthetic {snapshot}"
    return Frame(incidents, crimes, snapshot)


def recorded_crimes_a_year(audit: CrimeAudit, crimes: pd.DataFrame) -> float:
    """Crimes recorded in the audit's period, scaled to twelve months (the R of U = R(1-p)/p)."""
    start, end = _bounds(audit)
    recorded = pd.to_datetime(crimes["recorded_at"])
    count = int(((recorded >= start) & (recorded < end)).sum())
    days = (end - start).days
    return count * 365.25 / days


def _shown_record(incident: Mapping[str, Any], linked: pd.DataFrame) -> dict[str, Any]:
    opened = pd.Timestamp(incident["opened_at"])
    crimes = []
    for c in linked.sort_values("recorded_at").itertuples(index=False):
        recorded = pd.Timestamp(str(c.recorded_at))
        crimes.append(
            {
                "crime_id": c.crime_id,
                "recorded_at": recorded.isoformat(sep=" ", timespec="minutes"),
                "offence_group": c.offence_group,
                "hours_after_opening": round((recorded - opened).total_seconds() / 3600, 1),
            }
        )
    return {
        "incident_id": incident["incident_id"],
        "opened_at": opened.isoformat(sep=" ", timespec="minutes"),
        "incident_type": incident["incident_type"],
        "closing_code": incident["closing_code"],
        "is_domestic_abuse": incident["is_domestic_abuse"],
        "is_vulnerable_victim": incident["is_vulnerable_victim"],
        "linked_crimes": crimes,
    }


def _check_sizes(sizes: Mapping[str, int], strata_sizes: Mapping[str, int]) -> None:
    for h, big_n in strata_sizes.items():
        n = sizes.get(h, 0)
        if big_n > 0 and n < 2:
            raise AuditError(
                f"stratum {h} holds {big_n} incidents: sample at least 2 of them (the estimate "
                "needs every stratum)"
            )
    if sum(min(n, strata_sizes.get(h, 0)) for h, n in sizes.items()) > MAX_SAMPLE_SIZE:
        raise AuditError(f"an audit samples at most {MAX_SAMPLE_SIZE} incidents")


def draw_sample(
    session: Session,
    audit: CrimeAudit,
    data_dir: Where = None,
    sizes: Mapping[str, int] | None = None,
    seed: int | None = None,
    half_width: float = DEFAULT_HALF_WIDTH,
    expected_rate: float = DEFAULT_EXPECTED_RATE,
    crime_share: float = DEFAULT_CRIME_SHARE,
    second_share: float = DEFAULT_SECOND_SHARE,
    actor_id: int | None = None,
) -> CrimeAudit:
    """Draw and store the sample of an open audit.

    Args:
        sizes: incidents to draw from each stratum (default: sized for ``half_width`` around
            ``expected_rate``, with ``crime_share`` of incidents expected to be crimes, shared in
            proportion to the strata).
        seed: the draw's seed (default: a fresh one, stored).
        second_share: share of the sample (at least 2 records) a second auditor checks.

    Raises:
        AuditError: the audit is not open, no incidents are loaded for its period, or a size
            or seed is out of range.
    """
    if audit.status != "open":
        raise AuditError(f"the audit is {audit.status}: its sample is already drawn")
    if seed is None:
        seed = new_seed()
    if not 0 <= seed <= MAX_SEED:
        raise AuditError(f"the seed must be between 0 and {MAX_SEED}")
    if not 0 <= second_share <= 1:
        raise AuditError("the second auditor's share must be between 0 and 1")
    frame = audit_frame(audit, data_dir)
    incidents = frame.incidents
    if not len(incidents):
        raise AuditError(
            f"no incidents of {audit.force_id} opened between {audit.period_from} and "
            f"{audit.period_to}: load the extract first (openpeel audit load)"
        )
    strata_sizes = {h: int((incidents["stratum"] == h).sum()) for h in STRATA}
    if sizes is None:
        sizes = design_sizes(
            {h: n for h, n in strata_sizes.items() if n}, half_width, expected_rate, crime_share
        )
    _check_sizes(sizes, strata_sizes)
    spec = [(h, int(sizes[h])) for h in STRATA if sizes.get(h)]
    labels = incidents["stratum"].tolist()
    drawn = draw_stratified(labels, spec, seed)
    second_seed = (seed * 7919 + 104_729) % (MAX_SEED + 1)
    second = _second_check(len(drawn), second_share, second_seed)
    linked = frame.crimes[frame.crimes["incident_id"].notna()]
    by_incident = dict(tuple(linked.groupby("incident_id")))
    empty = frame.crimes.iloc[0:0]
    for position, d in enumerate(drawn, start=1):
        row = incidents.iloc[d.index]
        shown = _shown_record(
            {str(k): v for k, v in row.items()}, by_incident.get(row["incident_id"], empty)
        )
        session.add(
            AuditRecord(
                audit_id=audit.id,
                position=position,
                incident_id=row["incident_id"],
                stratum=d.stratum,
                stratum_size=d.stratum_size,
                inclusion_probability=d.inclusion_probability,
                design_weight=d.design_weight,
                incident_json=json.dumps(shown, sort_keys=True),
                is_second_check=(position - 1) in second,
            )
        )
    ids = incidents["incident_id"].tolist()
    audit.seed = seed
    audit.second_seed = second_seed
    audit.spec_json = json.dumps(spec)
    audit.frame_size = len(ids)
    audit.frame_json = json.dumps([[i, h] for i, h in zip(ids, labels, strict=True)])
    audit.frame_sha256 = frame_sha256(ids)
    audit.snapshot = frame.snapshot[:200]
    audit.is_synthetic = frame.is_synthetic
    if audit.recorded_crimes_year is None:
        audit.recorded_crimes_year = recorded_crimes_a_year(audit, frame.crimes)
    audit.drawn_by = actor_id
    audit.drawn_at = utcnow()
    audit.status = "reviewing"
    session.flush()
    session.refresh(audit)
    audit_log.record(
        session,
        actor_id,
        "draw",
        "crime_audit",
        audit.id,
        {
            "seed": seed,
            "spec": spec,
            "frame_size": len(ids),
            "frame_sha256": audit.frame_sha256,
            "second_check": len(second),
        },
    )
    return audit


def _second_check(sampled: int, share: float, seed: int) -> set[int]:
    """Positions (0-based, in draw order) of the records the second auditor checks."""
    if share <= 0 or sampled == 0:
        return set()
    k = min(sampled, max(2, round(share * sampled)))
    return {d.index for d in draw_stratified(["check"] * sampled, [("check", k)], seed)}


def verify_sample(audit: CrimeAudit) -> bool:
    """Draw again from the stored frame, sizes and seeds: True when the same incidents (and the
    same second-auditor subsample) come out and the frame's SHA-256 matches."""
    if audit.seed is None:
        return False
    frame = json.loads(audit.frame_json)
    ids = [str(i) for i, _ in frame]
    if frame_sha256(ids) != audit.frame_sha256:
        return False
    spec = [(str(h), int(n)) for h, n in json.loads(audit.spec_json)]
    drawn = draw_stratified([str(h) for _, h in frame], spec, audit.seed)
    again = [(ids[d.index], d.stratum) for d in drawn]
    stored = [(r.incident_id, r.stratum) for r in audit.records]
    second = _second_check(len(drawn), _second_share_of(audit), audit.second_seed or 0)
    return again == stored and second == {
        r.position - 1 for r in audit.records if r.is_second_check
    }


def _second_share_of(audit: CrimeAudit) -> float:
    checked = sum(r.is_second_check for r in audit.records)
    n = len(audit.records)
    if not checked or not n:
        return 0.0
    # The share that gave this many checks (k = max(2, round(share n))): k / n reproduces k.
    return checked / n


def audits_of(session: Session, force_id: str | None = None) -> list[CrimeAudit]:
    """Audits, newest period first (optionally of one force)."""
    query = select(CrimeAudit).order_by(CrimeAudit.period_to.desc(), CrimeAudit.id.desc())
    if force_id is not None:
        query = query.where(CrimeAudit.force_id == force_id)
    return list(session.scalars(query))


def get_audit(session: Session, audit_id: int) -> CrimeAudit:
    """An audit by id, or AuditError."""
    audit = session.get(CrimeAudit, audit_id)
    if audit is None:
        raise AuditError(f"no audit {audit_id}")
    return audit


def design_info(audit: CrimeAudit) -> dict[str, Any]:
    """The stored facts of the draw, for the status page and the report."""
    return {
        **audit.draw_facts(len(audit.records)),
        "second_seed": audit.second_seed,
        "second_check_records": sum(r.is_second_check for r in audit.records),
        "snapshot": audit.snapshot,
    }
