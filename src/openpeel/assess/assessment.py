"""A force's assessment for a period: every characteristic judged from the evidence, a suggested
grade per area with its reasons, beside the recorded and assessor grades and the open
improvements.

    >>> from openpeel.assess import assess                                      # doctest: +SKIP
    >>> a = assess("demo-data", "west-midlands", "2021/22")                     # doctest: +SKIP
    >>> a.summary_rows()                                                         # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from openpeel.assess.evidence import (
    WHERE_SHOWN,
    Finding,
    IndicatorCache,
    RecordedEvidence,
    evaluate,
)
from openpeel.assess.framework_rules import (
    NOT_ASSESSED,
    USER_FOLDER,
    Rule,
    assessed_framework_id,
    load_grading,
    load_rules,
)
from openpeel.assess.grading import Suggestion, suggest
from openpeel.assess.progress import improvement_progress
from openpeel.calendar import Period
from openpeel.config import Workspace, workspace_for
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.peel_framework import Area, framework

STATUS_WORDS = {"met": "met", "not_met": "not met", "uncertain": "uncertain", "missing": "missing"}


@dataclass
class CharacteristicResult:
    """One characteristic: the rule and its finding."""

    rule: Rule
    finding: Finding

    @property
    def where_shown(self) -> str:
        return WHERE_SHOWN.get(self.rule.indicator, "")


@dataclass
class AreaAssessment:
    """One area: suggested grade with reasons, recorded and assessor grades, improvements."""

    area: Area
    characteristics: list[CharacteristicResult]
    suggestion: Suggestion | None
    recorded_grade: str = ""
    recorded_reason: str = ""
    assessor_grade: str = ""
    assessor_reason: str = ""
    open_improvements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def grade_suggested(self) -> str:
        if not self.area.is_graded:
            return "not graded"
        assert self.suggestion is not None
        return "not assessed" if self.suggestion.grade == NOT_ASSESSED else self.suggestion.grade

    @property
    def not_assessed_reason(self) -> str:
        if not self.area.is_graded:
            return "the framework does not grade this area"
        assert self.suggestion is not None
        if self.suggestion.is_assessed:
            return ""
        missing = [c for c in self.characteristics if c.finding.status == "missing"]
        detail = "; ".join(f"{c.rule.characteristic_id}: {c.finding.reason}" for c in missing[:3])
        return self.suggestion.basis + (f" (missing: {detail})" if detail else "")

    def count(self, status: str) -> int:
        return sum(c.finding.status == status for c in self.characteristics)

    @property
    def reasons(self) -> list[str]:
        """Why the suggested grade is what it is: the basis, then every characteristic."""
        out = []
        if self.suggestion is not None and self.area.is_graded:
            s = self.suggestion
            c = s.counts
            out.append(
                f"{self.grade_suggested}: {s.basis} — {c.met} met, {c.not_met} not met, "
                f"{c.uncertain} uncertain, {c.missing} missing of {c.characteristics_total}"
            )
            if s.is_assessed and s.grade_if_uncertain_met != s.grade_if_uncertain_not_met:
                out.append(
                    f"The uncertain characteristics decide the grade: "
                    f"{s.grade_if_uncertain_met} if they are met, "
                    f"{s.grade_if_uncertain_not_met} if not."
                )
        for ch in self.characteristics:
            out.append(
                f"{ch.rule.characteristic_id} {STATUS_WORDS[ch.finding.status]}: "
                f"{ch.finding.reason}"
            )
        return out

    @property
    def comparison(self) -> str:
        """Why the suggestion differs from the recorded grade ('' when they agree or no
        recorded grade)."""
        if not self.recorded_grade or self.recorded_grade == self.grade_suggested:
            return ""
        if self.grade_suggested in ("not assessed", "not graded"):
            return (
                f"Recorded {self.recorded_grade}; openpeel cannot suggest a grade: "
                f"{self.not_assessed_reason}"
            )
        unmet = [
            c.rule.characteristic_id for c in self.characteristics if c.finding.status == "not_met"
        ]
        undecided = [
            c.rule.characteristic_id
            for c in self.characteristics
            if c.finding.status in ("uncertain", "missing")
        ]
        return (
            f"Recorded {self.recorded_grade}, suggested {self.grade_suggested}: openpeel sees "
            f"only the characteristics it can measure or that have recorded evidence "
            f"(not met: {', '.join(unmet) or 'none'}; undecided: {', '.join(undecided) or 'none'})"
            "; the inspectorate also used file reviews, interviews and documents."
        )


@dataclass
class Assessment:
    """A force's assessment for a period under one framework."""

    force_id: str
    period: Period
    framework_id: str
    areas: list[AreaAssessment]
    is_synthetic: bool
    rules_source: str

    def area(self, area_id: str) -> AreaAssessment:
        for a in self.areas:
            if a.area.area_id == area_id:
                return a
        raise KeyError(area_id)

    def summary_rows(self) -> list[dict[str, Any]]:
        """One row per area, the columns of ``openpeel assess``."""
        return [
            {
                "area": a.area.area_id,
                "grade_suggested": a.grade_suggested,
                "grade_recorded": a.recorded_grade or None,
                "characteristics_met": a.count("met"),
                "characteristics_total": len(a.characteristics),
                "uncertain": a.count("uncertain"),
                "not_assessed_reason": a.not_assessed_reason or None,
            }
            for a in self.areas
        ]

    def characteristics_table(self) -> pd.DataFrame:
        """One row per characteristic: rule, status, numbers and reason."""
        rows = []
        for a in self.areas:
            for c in a.characteristics:
                f = c.finding
                rows.append(
                    {
                        "area": a.area.area_id,
                        "characteristic_id": c.rule.characteristic_id,
                        "text": c.rule.text,
                        "text_status": c.rule.text_status,
                        "rule": c.rule.condition,
                        "status": f.status,
                        "value": f.value,
                        "value_low": f.low,
                        "value_high": f.high,
                        "count": f.count,
                        "total": f.total,
                        "reason": f.reason,
                        "indicator": f.indicator or None,
                        "shown_by": c.where_shown or None,
                    }
                )
        return pd.DataFrame(rows)


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.financial_year(period)


def _default_rules_dir(con_or_data_dir: Any) -> Path | None:
    if isinstance(con_or_data_dir, str | Path | Workspace):
        folder = workspace_for(con_or_data_dir).data_dir / USER_FOLDER
        return folder if folder.is_dir() else None
    return None


def assess(
    con_or_data_dir: Any,
    force_id: str,
    period: Period | str,
    framework: str | None = None,
    db: Session | Engine | None = None,
    rules_dir: Path | None = None,
) -> Assessment:
    """Assess a force for a period.

    Args:
        con_or_data_dir: an Ibis connection from ``openpeel.connect``, a workspace or a data
            directory, an ``IndicatorCache`` (results reused across calls) or None (every data
            rule missing).
        force_id: data.police.uk force id.
        period: a ``Period`` or a financial year such as ``"2021/22"``.
        framework: framework id (default: ``assessed_framework_id`` of the period's last month).
        db: the operational database (session or engine) for recorded evidence, grades and
            improvements; None leaves them out.
        rules_dir: a folder holding edited copies of ``rules-*.csv``/``grading.csv``
            (default: ``<data dir>/assess`` when it exists, else the packaged files).
    """
    per = _period(period)
    framework = framework or assessed_framework_id(per.end)
    if rules_dir is None:
        rules_dir = _default_rules_dir(con_or_data_dir)
    rules = load_rules(framework, rules_dir)
    steps = load_grading(framework, rules_dir)
    fw = _framework(framework)
    con = con_or_data_dir
    if isinstance(con_or_data_dir, str | Path | Workspace):
        from openpeel.store.connection import connect

        con = connect(con_or_data_dir)
    if isinstance(con, IndicatorCache):
        cache: IndicatorCache | None = con
    else:
        cache = IndicatorCache(con, force_id, per) if con is not None else None
    if db is None:
        recorded = _Recorded([], {}, [])
    elif isinstance(db, Engine):
        with Session(db) as session:
            recorded = _recorded(session, force_id, per, fw.framework_id)
    else:
        recorded = _recorded(db, force_id, per, fw.framework_id)
    return _build(force_id, per, fw, rules, steps, cache, recorded, rules_dir)


def _framework(framework_id: str) -> Any:
    return framework(framework_id)


class _Recorded(NamedTuple):
    """What people recorded for the force: evidence dated in the period, the latest grade per
    (area, kind) and the open improvements (as rows)."""

    evidence: list[RecordedEvidence]
    grades: dict[tuple[str, str], Any]
    open_imps: list[dict[str, Any]]


def _recorded(session: Session, force_id: str, per: Period, framework_id: str) -> _Recorded:
    from openpeel.assess import records

    return _Recorded(
        records.recorded_evidence(session, force_id, framework_id, since=per.start),
        records.latest_grades(session, force_id, framework_id),
        [
            records.as_row(i)
            for i in records.improvements(session, force_id, "active", framework_id)
        ],
    )


def _build(
    force_id: str,
    per: Period,
    fw: Any,
    rules: Any,
    steps: Any,
    cache: IndicatorCache | None,
    recorded: _Recorded,
    rules_dir: Path | None,
) -> Assessment:
    evidence, grades, open_imps = recorded
    for imp in open_imps:
        # Each open improvement's verdict from its linked measures (assess/progress.py).
        progress = improvement_progress(SimpleNamespace(**imp), cache, rules_dir)
        imp["progress"], imp["progress_reason"] = progress.verdict, progress.reason
    areas = []
    for area in fw.areas:
        mine = [r for r in rules if r.area_id == area.area_id]
        chars = [CharacteristicResult(r, evaluate(r, cache, evidence)) for r in mine]
        suggestion = suggest([c.finding for c in chars], mine, steps) if area.is_graded else None
        rec, ass = grades.get((area.area_id, "recorded")), grades.get((area.area_id, "assessor"))
        areas.append(
            AreaAssessment(
                area=area,
                characteristics=chars,
                suggestion=suggestion,
                recorded_grade=rec.grade if rec else "",
                recorded_reason=rec.reason if rec else "",
                assessor_grade=ass.grade if ass else "",
                assessor_reason=ass.reason if ass else "",
                open_improvements=[i for i in open_imps if i["area_id"] == area.area_id],
            )
        )
    synthetic = bool(cache) and any(
        getattr(r, "is_synthetic", False) for r in (cache.results.values() if cache else [])
    )
    source = str(rules_dir) if rules_dir else "reference/peel (packaged)"
    return Assessment(force_id, per, fw.framework_id, areas, synthetic, source)


def assessment_result(assessment: Assessment) -> IndicatorResult:
    """The assessment as an ``IndicatorResult`` for reports: one row per area with the
    suggested, recorded and assessor grades, the counts and the reasons."""
    rows = []
    for a in assessment.areas:
        rows.append(
            {
                "area": a.area.area_id,
                "title": a.area.title,
                "grade_suggested": a.grade_suggested,
                "grade_recorded": a.recorded_grade or None,
                "grade_assessor": a.assessor_grade or None,
                "assessor_reason": a.assessor_reason or None,
                "characteristics_met": a.count("met"),
                "characteristics_not_met": a.count("not_met"),
                "uncertain": a.count("uncertain"),
                "missing": a.count("missing"),
                "characteristics_total": len(a.characteristics),
                "not_assessed_reason": a.not_assessed_reason or None,
                "reasons": " | ".join(a.reasons),
                "differs_from_recorded": a.comparison or None,
                "open_improvements": len(a.open_improvements),
            }
        )
    return IndicatorResult(
        name="assess.areas",
        title=f"PEEL assessment ({assessment.framework_id}), {assessment.force_id}, "
        f"{assessment.period.label}",
        definition=(
            "Each characteristic is judged by a rule held as data (reference/peel/rules-*.csv): "
            "met when the indicator (and its 95% interval where the rule asks) clears the "
            "threshold, not met when it is clearly on the wrong side, uncertain when the "
            "interval straddles it, missing when no data or evidence exists. The suggested "
            "grade follows reference/peel/grading.csv from the share of decided characteristics "
            "met. Characteristics marked 'project' are openpeel's own, not HMICFRS's."
        ),
        table=pd.DataFrame(rows),
        caveats=[
            "A suggested grade is not an inspection judgment: openpeel measures only what "
            "published and force data show.",
            f"Rules read from {assessment.rules_source}.",
        ],
        is_synthetic=assessment.is_synthetic,
        meta={
            "force_id": assessment.force_id,
            "period": assessment.period.label,
            "framework": assessment.framework_id,
        },
    )


def characteristics_result(assessment: Assessment) -> IndicatorResult:
    """The evidence table for reports: one row per characteristic with its rule, status, the
    value and interval behind it, the reason and the command that shows the indicator."""
    return IndicatorResult(
        name="assess.characteristics",
        title=f"Evidence by characteristic, {assessment.force_id}, {assessment.period.label}",
        definition=assessment_result(assessment).definition,
        table=assessment.characteristics_table(),
        caveats=[f"Rules read from {assessment.rules_source}."],
        is_synthetic=assessment.is_synthetic,
        meta={
            "force_id": assessment.force_id,
            "period": assessment.period.label,
            "framework": assessment.framework_id,
        },
    )
