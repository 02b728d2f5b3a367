"""Suggested grades: the counts of an area's findings run through the grading steps (data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpeel.assess.evidence import Finding
from openpeel.assess.framework_rules import NOT_ASSESSED, GradingStep, Rule, compare


@dataclass(frozen=True)
class Counts:
    """What the grading steps look at."""

    characteristics_total: int
    met: int
    not_met: int
    uncertain: int
    missing: int
    causes_of_concern: int
    exceeded: int

    @property
    def decided(self) -> int:
        return self.met + self.not_met

    def measure(self, name: str) -> float:
        """A grading measure by name (shares are 0 when nothing is decided)."""
        if name == "decided":
            return float(self.decided)
        if name == "share_met":
            return self.met / self.decided if self.decided else 0.0
        if name == "share_decided":
            total = self.characteristics_total
            return self.decided / total if total else 0.0
        if name == "share_exceeded":
            return self.exceeded / self.decided if self.decided else 0.0
        return float(getattr(self, name))


def count(
    findings: Sequence[Finding], rules: Sequence[Rule], uncertain_as: str | None = None
) -> Counts:
    """Counts of findings; ``uncertain_as`` ('met'/'not_met') resolves the uncertain ones."""
    severity = {r.characteristic_id: r.severity for r in rules}
    statuses = [
        (uncertain_as if f.status == "uncertain" and uncertain_as else f.status, f)
        for f in findings
    ]
    return Counts(
        characteristics_total=len(findings),
        met=sum(s == "met" for s, _ in statuses),
        not_met=sum(s == "not_met" for s, _ in statuses),
        uncertain=sum(s == "uncertain" for s, _ in statuses),
        missing=sum(s == "missing" for s, _ in statuses),
        causes_of_concern=sum(
            s == "not_met" and severity.get(f.characteristic_id) == "cause_of_concern"
            for s, f in statuses
        ),
        exceeded=sum(s == "met" and f.is_exceeded for s, f in statuses),
    )


def grade_for(counts: Counts, steps: Sequence[GradingStep]) -> tuple[str, str]:
    """(grade, basis): the first step all of whose conditions hold."""
    by_step: dict[int, list[GradingStep]] = {}
    for s in steps:
        by_step.setdefault(s.step, []).append(s)
    for conditions in by_step.values():
        if all(compare(counts.measure(c.measure), c.comparison, c.threshold) for c in conditions):
            basis = "; ".join(c.basis for c in conditions if c.basis)
            return conditions[0].grade, basis
    return NOT_ASSESSED, "no grading step applies"


@dataclass(frozen=True)
class Suggestion:
    """A suggested grade with the reasons behind it."""

    grade: str
    basis: str
    counts: Counts
    grade_if_uncertain_met: str
    grade_if_uncertain_not_met: str

    @property
    def is_assessed(self) -> bool:
        return self.grade != NOT_ASSESSED

    @property
    def not_assessed_reason(self) -> str:
        return "" if self.is_assessed else self.basis


def suggest(
    findings: Sequence[Finding], rules: Sequence[Rule], steps: Sequence[GradingStep]
) -> Suggestion:
    """The suggested grade, and the grades the uncertain characteristics could lead to."""
    counts = count(findings, rules)
    grade, basis = grade_for(counts, steps)
    best, _ = grade_for(count(findings, rules, "met"), steps)
    worst, _ = grade_for(count(findings, rules, "not_met"), steps)
    return Suggestion(grade, basis, counts, best, worst)
