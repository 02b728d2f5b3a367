"""The one-page summary that opens every report and the web overview.

Per PEEL area with anything to show: two or three headline figures, each with where it sits
against peers or a target when the panel says so, and the suggested grade with its reasons in
plain words. Areas that cannot be assessed get one line each, grouped by why, instead of a page
each. Everything here is read from the report's panels and the assessment (``assess``): an area
that gains results (a new section, a new rule) appears without a change here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpeel.formatting import number_text, percent_text
from openpeel.report.model import AreaSection, Panel

#: What a suggested grade is, in the same words on every face (report, overview, area pages).
GRADE_MEANING = (
    "A suggested grade is openpeel's reading, on the inspectorate's five-point scale, of the "
    "characteristics of good performance it can judge from published data and recorded "
    "evidence. It is not an HMICFRS inspection grade: an inspection also weighs file reviews, "
    "interviews and documents."
)
#: How many headline figures an area shows on the summary.
FIGURES_PER_AREA = 3
#: Words in a comparison sentence that say where a figure sits against peers or a target.
DIRECTION_WORDS = (
    "above",
    "below",
    "equal to",
    "within",
    "outside",
    "higher",
    "lower",
    "target",
    "standard",
    "average",
)
STATUS_WORDS = {"met": "Met", "not_met": "Not met", "uncertain": "Uncertain"}
NEEDS_INTERNAL = (
    "Needs force-internal data or recorded evidence: nothing in the published data measures it"
)
NO_DATA = "No published data loaded for this force and period"
NOT_ENOUGH = "Too little evidence to suggest a grade (fewer than two characteristics decided)"


@dataclass(frozen=True)
class SummaryFigure:
    """One headline figure with where it sits against peers or a target ('' when unknown)."""

    label: str
    value: str
    interval: str
    against: str
    panel_id: str


@dataclass(frozen=True)
class AreaSummary:
    """One area on the summary: figures, the suggested grade and why."""

    area_id: str
    title: str
    grade: str
    grade_note: str
    grade_reasons: list[str]
    recorded_grade: str
    figures: list[SummaryFigure]
    is_graded: bool


@dataclass(frozen=True)
class NotAssessed:
    """Areas that could not be assessed for one reason (one line each on the summary)."""

    reason: str
    areas: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    """The first page: assessed areas, then the ones that could not be assessed, grouped."""

    areas: list[AreaSummary]
    not_assessed: list[NotAssessed]
    grade_meaning: str = GRADE_MEANING

    def area(self, area_id: str) -> AreaSummary:
        """The summary of one shown area (KeyError when it is not shown)."""
        return {a.area_id: a for a in self.areas}[area_id]

    @property
    def shown_area_ids(self) -> set[str]:
        """Areas with figures or a grade: the ones that get a page of their own."""
        return {a.area_id for a in self.areas}


def _direction(panel: Panel) -> str:
    """The panel's first sentence placing the force against peers or a target ('' if none)."""
    for sentence in panel.comparison:
        low = sentence.lower()
        if "forces compared" in low or "not available" in low or "are needed" in low:
            continue
        if any(word in low for word in DIRECTION_WORDS):
            first = sentence.split(". ", 1)[0]  # the summary keeps the first sentence only
            return first if first.endswith(".") else first + "."
    return ""


def _source(panel: Panel) -> str:
    """Where a panel's numbers come from (``stop_search``, ``official``, ``calls`` ...)."""
    name = panel.result.name if panel.result is not None else panel.panel_id
    return name.split(".", 1)[0]


def _figures(panels: Sequence[Panel]) -> list[SummaryFigure]:
    """Up to ``FIGURES_PER_AREA`` headline figures, taken in turn from each source of data the
    area has (police.uk files, official statistics ...): an area measured two ways shows both,
    not three figures of the first."""
    queues: dict[str, list[SummaryFigure]] = {}
    seen: set[str] = set()
    for panel in panels:
        if panel.unavailable or panel.panel_id in seen:
            continue
        seen.add(panel.panel_id)
        against = _direction(panel)
        for headline in panel.headlines:
            queues.setdefault(_source(panel), []).append(
                SummaryFigure(
                    headline.label, headline.value, headline.interval, against, panel.panel_id
                )
            )
            against = ""  # one panel's comparison is said once
    out: list[SummaryFigure] = []
    while len(out) < FIGURES_PER_AREA and any(queues.values()):
        for queue in queues.values():
            if queue and len(out) < FIGURES_PER_AREA:
                out.append(queue.pop(0))
    return out


def _is_share(rule: Any) -> bool:
    measure = str(rule.measure or "")
    return bool(rule.numerator) or "share" in measure or measure.endswith("_rate")


def value_words(rule: Any, value: float | None) -> str:
    """A finding's value as a person reads it: a percentage for shares, else a number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    if _is_share(rule):
        return percent_text(value)
    if "percent" in str(rule.measure):
        return f"{number_text(value, 1)}%"
    return number_text(value, 2)


def _threshold_words(rule: Any) -> str:
    if rule.threshold is None:
        return ""
    words = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}
    return f"{words.get(rule.comparison, rule.comparison)} {value_words(rule, rule.threshold)}"


def characteristic_sentence(characteristic: Any) -> str:
    """One decided characteristic in plain words: status, what it asks, the figure, the bar.

    The technical reason (column names, rule, interval ends as published) stays in the
    appendix; this sentence is what a lay reader sees."""
    rule, finding = characteristic.rule, characteristic.finding
    status = STATUS_WORDS.get(finding.status, finding.status.replace("_", " "))
    what = rule.text or rule.note or rule.characteristic_id
    if finding.source == "evidence" or finding.value is None:
        return f"{status}: {what} (from recorded evidence)."
    figure = value_words(rule, finding.value)
    if finding.low is not None and finding.high is not None:
        figure += f", 95% interval {value_words(rule, finding.low)} to "
        figure += value_words(rule, finding.high)
    bar = _threshold_words(rule)
    return f"{status}: {what.rstrip('.')} — measured {figure}" + (
        f"; the bar is {bar}." if bar else "."
    )


def evidence_words(characteristic: Any) -> str:
    """The evidence behind one characteristic in plain words, whatever its status: the
    figure against its bar when decided, else why it could not be judged (no column names,
    no rule syntax)."""
    finding = characteristic.finding
    if finding.status != "missing":
        return characteristic_sentence(characteristic).split(": ", 1)[-1]
    if finding.source == "evidence":
        kind = characteristic.rule.evidence_kind or "evidence that is not data"
        return f"Needs {kind}; none is recorded."
    reason = str(finding.reason)
    for marker in (" is empty (", "could not be computed: "):
        if marker in reason:
            why = reason.split(marker, 1)[1].rstrip(")")
            return f"Not judged: {why}."
    return "Not judged: no data for this force and period."


def _grade_reasons(assessment: Any) -> list[str]:
    """The suggested grade's reasons: the counts in words, then each decided characteristic."""
    if assessment is None or not assessment.area.is_graded or assessment.suggestion is None:
        return []
    counts = assessment.suggestion.counts
    decided = counts.met + counts.not_met
    undecided = counts.uncertain + counts.missing
    more = f"; {undecided} more could not be decided from the data and evidence held"
    out = [
        f"{counts.met} of the {decided} characteristics openpeel could decide "
        f"{'is' if counts.met == 1 else 'are'} met" + (more if undecided else "") + "."
    ]
    suggestion = assessment.suggestion
    best, worst = suggestion.grade_if_uncertain_met, suggestion.grade_if_uncertain_not_met
    if suggestion.is_assessed and best != worst:
        out.append(
            f"The uncertain characteristics decide it: {suggestion.grade_if_uncertain_met} if "
            f"they are met, {suggestion.grade_if_uncertain_not_met} if not."
        )
    out.extend(
        characteristic_sentence(c)
        for c in assessment.characteristics
        if c.finding.status in ("met", "not_met", "uncertain")
    )
    return out


def _grade(assessment: Any) -> str:
    if assessment is None:
        return ""
    grade = str(assessment.grade_suggested)
    return "" if grade in ("not assessed", "not graded") else grade


def _no_grade_note(section: AreaSection) -> str:
    """Why an area with figures has no suggested grade."""
    if not section.area.is_graded:
        return "The framework does not grade this area."
    if section.assessment is None:
        return "No assessment rules exist for this framework: no grade is suggested."
    return NOT_ENOUGH + "."


def _why_not(section: AreaSection) -> str:
    """Why an area has nothing to show, in words shared by every area with the same cause."""
    if section.needs_internal:
        return NEEDS_INTERNAL
    a = section.assessment
    if (
        a is not None
        and a.area.is_graded
        and any(c.finding.status in ("met", "not_met", "uncertain") for c in a.characteristics)
    ):
        return NOT_ENOUGH
    return NO_DATA


def summarise(sections: Sequence[AreaSection]) -> Summary:
    """The summary of a report's (or the overview's) areas, in framework order."""
    areas: list[AreaSummary] = []
    groups: dict[str, NotAssessed] = {}
    for section in sections:
        figures = _figures(section.panels)
        grade = _grade(section.assessment)
        recorded = str(getattr(section.assessment, "recorded_grade", "") or "")
        has_data = any(not p.unavailable and p.result is not None for p in section.panels)
        # An area openpeel cannot measure stays in the list of what could not be assessed,
        # even when the inspectorate's recorded grade is held (that grade is in the appendix).
        if figures or grade or has_data:
            areas.append(
                AreaSummary(
                    area_id=section.area.area_id,
                    title=section.area.title,
                    grade=grade,
                    grade_note="" if grade else _no_grade_note(section),
                    grade_reasons=_grade_reasons(section.assessment) if grade else [],
                    recorded_grade=recorded,
                    figures=figures,
                    is_graded=section.area.is_graded,
                )
            )
            continue
        reason = _why_not(section)
        groups.setdefault(reason, NotAssessed(reason)).areas.append(
            (section.area.area_id, section.area.title)
        )
    return Summary(areas, list(groups.values()))
