"""The panel report: shares graded red, amber and green and with reasonable grounds, with
intervals that use the design weights, split by group; red records and the force's responses;
trends across meetings.

Estimator: each reviewed record i has y_i, the share of its reviews with the property (0 or 1
when one member reviewed it) and its design weight w_i. The share is the weighted (Hajek) mean
``p = Σ w_i y_i / Σ w_i``. Unequal weights cost precision: the Kish effective sample size
``n_eff = (Σ w_i)² / Σ w_i²`` is the number of equally weighted records with the same precision,
and the interval is the Wilson score interval on ``p·n_eff`` successes in ``n_eff`` trials
(Kish 1965; Korn & Graubard 1998 use the same substitution). With equal weights it is the plain
Wilson interval.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpeel.provenance import SYNTHETIC_MARK
from openpeel.scrutiny.models import (
    LiaisonResponse,
    Meeting,
    Review,
    Sample,
    SampleItem,
    SearchRecord,
)
from openpeel.scrutiny.sampling import sample_info
from openpeel.stats.intervals import wilson_interval

#: A published cell needs at least this many reviewed records (else it is suppressed).
SMALL_CELL = 5
#: What every number of a published summary means (CSV notes, JSON field).
SUMMARY_DEFINITION = (
    "share = design-weighted share of the reviewed records with the measure "
    "(sum of w_i y_i / sum of w_i, w_i the record's design weight); low, high = 95% Wilson "
    "interval on the Kish effective sample size effective_records = (sum w_i)^2 / sum w_i^2; "
    "records = reviewed records in the group."
)
SUMMARY_CAVEATS = [
    f"Groups with fewer than {SMALL_CELL} reviewed records are suppressed: their counts and "
    "shares are left empty.",
    "The panel's judgements are of a sample of records, not of every search.",
]
MEASURES: dict[str, str] = {
    "red": "graded red",
    "amber": "graded amber",
    "green": "graded green",
    "grounds_reasonable": "grounds reasonable",
    "bwv_whole_encounter": "whole encounter on body-worn video",
}
GROUPINGS: dict[str, str] = {
    "all": "All records",
    "ethnic_group": "Self-defined ethnic group",
    "age_group": "Age group",
    "legislation_group": "Power used",
    "outcome_group": "Outcome",
    "is_strip_search": "Strip search",
    "stratum": "Sampling stratum",
}


@dataclass(frozen=True)
class WeightedShare:
    """A design-weighted share with its Kish effective sample size and Wilson interval."""

    share: float
    low: float
    high: float
    records: int
    effective_records: float


def weighted_share(
    values: Sequence[float], weights: Sequence[float], confidence: float = 0.95
) -> WeightedShare:
    """Weighted share of ``values`` (each in [0, 1]) with a Wilson interval on n_eff."""
    if len(values) != len(weights):
        raise ValueError("values and weights differ in length")
    if not values:
        return WeightedShare(float("nan"), float("nan"), float("nan"), 0, 0.0)
    total = float(sum(weights))
    share = sum(w * y for w, y in zip(weights, values, strict=True)) / total
    n_eff = total**2 / float(sum(w * w for w in weights))
    low, high = wilson_interval(share * n_eff, n_eff, confidence)
    return WeightedShare(share, float(low), float(high), len(values), n_eff)


@dataclass
class ReportRow:
    """One cell: a measure for one group, with its interval (or suppressed)."""

    measure: str
    grouping: str
    group: str
    records: int
    effective_records: float | None
    share: float | None
    low: float | None
    high: float | None
    suppressed: bool


@dataclass
class RedRecord:
    """A record graded red by at least one member, and the force's response."""

    item_id: int
    position: int
    search_id: str
    occurred_at: str
    legislation_code: str
    object_of_search_code: str
    outcome_code: str
    grades: str
    comments: list[str]
    response: str | None


@dataclass
class PanelReport:
    """Everything the report pages and exports show for one meeting."""

    meeting_id: int
    panel_name: str
    force_id: str
    title: str
    meeting_date: str
    period: str
    status: str
    is_synthetic: bool
    sample: dict[str, Any]
    records_sampled: int
    records_reviewed: int
    reviews: int
    rows: list[ReportRow] = field(default_factory=list)
    red_records: list[RedRecord] = field(default_factory=list)

    def published_rows(self) -> list[dict[str, Any]]:
        """The rows fit for publication: aggregates only, small cells suppressed."""
        out = []
        for r in self.rows:
            row = asdict(r)
            if r.suppressed:
                # A count under the threshold could single out people in a small group.
                row["records"] = None
            row["synthetic_data"] = self.is_synthetic
            out.append(row)
        return out

    def summary(self) -> dict[str, Any]:
        """The published summary: no search ids, officer ids, comments or names."""
        return {
            "meeting": self.title,
            "panel": self.panel_name,
            "force_id": self.force_id,
            "meeting_date": self.meeting_date,
            "period": self.period,
            "status": self.status,
            "synthetic_data": self.is_synthetic,
            "notice": SYNTHETIC_MARK if self.is_synthetic else None,
            "definition": SUMMARY_DEFINITION,
            "caveats": SUMMARY_CAVEATS,
            "sample_design": self.sample.get("design"),
            "records_sampled": self.records_sampled,
            "records_reviewed": self.records_reviewed,
            "red_records_with_response": sum(1 for r in self.red_records if r.response),
            "red_records": len(self.red_records),
            "rows": self.published_rows(),
        }


def _record_outcomes(reviews: Sequence[Review]) -> dict[str, float]:
    n = len(reviews)
    encounter = [r for r in reviews if r.answer("bwv_whole_encounter") != "not_applicable"]
    return {
        "red": sum(r.rag == "red" for r in reviews) / n,
        "amber": sum(r.rag == "amber" for r in reviews) / n,
        "green": sum(r.rag == "green" for r in reviews) / n,
        "grounds_reasonable": sum(r.answer("grounds_reasonable") == "yes" for r in reviews) / n,
        "bwv_whole_encounter": (
            sum(r.answer("bwv_whole_encounter") == "yes" for r in encounter) / len(encounter)
            if encounter
            else float("nan")
        ),
    }


def _group_value(grouping: str, item: SampleItem, record: SearchRecord) -> str:
    if grouping == "all":
        return "all"
    if grouping == "stratum":
        return item.stratum
    if grouping == "is_strip_search":
        return "yes" if record.is_strip_search else "no"
    return str(getattr(record, grouping))


def build_report(session: Session, meeting: Meeting) -> PanelReport:
    """The panel report of one meeting (works while open: a running tally)."""
    sample = session.scalar(select(Sample).where(Sample.meeting_id == meeting.id))
    report = PanelReport(
        meeting_id=meeting.id,
        panel_name=meeting.panel.name,
        force_id=meeting.panel.force_id,
        title=meeting.title,
        meeting_date=meeting.meeting_date.isoformat(),
        period=f"{meeting.period_from.isoformat()} to {meeting.period_to.isoformat()}",
        status=meeting.status,
        is_synthetic=False,
        sample=sample_info(sample) if sample else {},
        records_sampled=len(sample.items) if sample else 0,
        records_reviewed=0,
        reviews=0,
    )
    if sample is None:
        return report
    by_item: dict[int, list[Review]] = defaultdict(list)
    item_ids = [i.id for i in sample.items]
    for review in session.scalars(select(Review).where(Review.item_id.in_(item_ids))):
        by_item[review.item_id].append(review)
    responses = {
        r.item_id: r.response
        for r in session.scalars(
            select(LiaisonResponse).where(LiaisonResponse.item_id.in_(item_ids))
        )
    }
    units: list[tuple[SampleItem, SearchRecord, dict[str, float]]] = []
    report.is_synthetic = any(i.record.is_synthetic for i in sample.items)
    for item in sample.items:
        reviews = by_item.get(item.id, [])
        report.reviews += len(reviews)
        if not reviews:
            continue
        units.append((item, item.record, _record_outcomes(reviews)))
        grades = [r.rag for r in reviews]
        if "red" in grades:
            report.red_records.append(
                RedRecord(
                    item_id=item.id,
                    position=item.position,
                    search_id=item.record.search_id,
                    occurred_at=item.record.occurred_at.isoformat(sep=" ", timespec="minutes"),
                    legislation_code=item.record.legislation_code,
                    object_of_search_code=item.record.object_of_search_code,
                    outcome_code=item.record.outcome_code,
                    grades=", ".join(f"{g}: {grades.count(g)}" for g in ("red", "amber", "green")),
                    comments=[r.comments for r in reviews if r.comments],
                    response=responses.get(item.id),
                )
            )
    report.records_reviewed = len(units)
    for grouping in GROUPINGS:
        groups: dict[str, list[tuple[SampleItem, dict[str, float]]]] = defaultdict(list)
        for item, record, outcomes in units:
            groups[_group_value(grouping, item, record)].append((item, outcomes))
        for group in sorted(groups):
            members = groups[group]
            for measure in MEASURES:
                pairs = [
                    (o[measure], i.design_weight) for i, o in members if o[measure] == o[measure]
                ]
                n = len(pairs)
                if n < SMALL_CELL:
                    report.rows.append(
                        ReportRow(measure, grouping, group, n, None, None, None, None, True)
                    )
                    continue
                est = weighted_share([y for y, _ in pairs], [w for _, w in pairs])
                report.rows.append(
                    ReportRow(
                        measure,
                        grouping,
                        group,
                        n,
                        round(est.effective_records, 2),
                        est.share,
                        est.low,
                        est.high,
                        False,
                    )
                )
    return report


def trends(session: Session, panel_id: int) -> list[dict[str, Any]]:
    """Overall shares per meeting of a panel, oldest first (aggregates only)."""
    out = []
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.panel_id == panel_id)
        .order_by(Meeting.meeting_date, Meeting.id)
    )
    for meeting in meetings:
        report = build_report(session, meeting)
        row: dict[str, Any] = {
            "meeting_id": meeting.id,
            "meeting": meeting.title,
            "meeting_date": meeting.meeting_date.isoformat(),
            "status": meeting.status,
            "records_reviewed": report.records_reviewed,
        }
        for r in report.rows:
            if r.grouping == "all":
                row[f"{r.measure}_share"] = r.share
                row[f"{r.measure}_low"] = r.low
                row[f"{r.measure}_high"] = r.high
        row["synthetic_data"] = report.is_synthetic
        out.append(row)
    return out
