"""The assessment rules as data: which indicator speaks to which characteristic, and how the
share of characteristics met becomes a suggested grade.

``reference/peel/rules-<years>.csv`` holds one row per characteristic the project assesses: a
HMICFRS characteristic where its wording is known (``text_status`` ``verbatim``, text read from
``items.csv``), otherwise one of the project's own (``project``), linked to the real question
(``linked_item``) where known. A row is either an ``indicator`` rule (indicator name, filter,
measure or numerator/denominator, comparison, threshold, whether the interval must clear it) or
``needs_evidence`` (the kind of evidence no dataset holds). ``reference/peel/grading.csv`` holds
the grading steps. A user can copy both files to ``<data dir>/assess/`` and edit them: the copy
there is read instead of the packaged one, so changing a rule needs no code change.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from openpeel.errors import SourceFormatError
from openpeel.reference.peel_framework import Area, framework, framework_for, frameworks

RULE_KINDS = ("indicator", "needs_evidence")
COMPARISONS = (">=", "<=", ">", "<")
SEVERITIES = ("area_for_improvement", "cause_of_concern")
GRADING_MEASURES = (
    "characteristics_total",
    "met",
    "not_met",
    "uncertain",
    "missing",
    "decided",
    "share_met",
    "share_decided",
    "causes_of_concern",
    "share_exceeded",
)
NOT_ASSESSED = "not_assessed"
RULES_FILES = {"peel-2021-22": "rules-2021-22.csv", "peel-2023-25": "rules-2023-25.csv"}
GRADING_FILE = "grading.csv"
USER_FOLDER = "assess"


class RulesError(SourceFormatError):
    """The rules or grading data cannot be used (a user error: names the file and row)."""


@dataclass(frozen=True)
class Rule:
    """How one characteristic of good performance is judged."""

    framework_id: str
    area_id: str
    characteristic_id: str
    linked_item: str
    text: str
    text_status: str
    kind: str
    indicator: str
    filter: tuple[tuple[str, tuple[str, ...]], ...]
    measure: str
    low: str
    high: str
    numerator: str
    denominator: str
    comparison: str
    threshold: float | None
    interval_must_clear: bool
    exceed_threshold: float | None
    severity: str
    trend_filter: tuple[tuple[str, tuple[str, ...]], ...]
    evidence_kind: str
    note: str

    @property
    def condition(self) -> str:
        """The rule in words, e.g. ``compliance_share >= 0.9 (interval must clear)``."""
        if self.kind == "needs_evidence":
            return f"needs evidence: {self.evidence_kind or 'not data'}"
        what = self.measure or f"{self.numerator}/{self.denominator}"
        clear = " (interval must clear)" if self.interval_must_clear else ""
        return f"{self.indicator}: {what} {self.comparison} {self.threshold:g}{clear}"


@dataclass(frozen=True)
class GradingStep:
    """One condition of one grading step; all conditions of a step must hold."""

    step: int
    grade: str
    measure: str
    comparison: str
    threshold: float
    basis: str


def parse_filter(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``"a=1;b=x|y"`` -> ``(("a", ("1",)), ("b", ("x", "y")))``."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"filter part {part!r} is not column=value")
        column, values = part.split("=", 1)
        out.append((column.strip(), tuple(v.strip() for v in values.split("|"))))
    return tuple(out)


def compare(value: float, comparison: str, threshold: float) -> bool:
    """``value <comparison> threshold``."""
    if comparison == ">=":
        return value >= threshold
    if comparison == "<=":
        return value <= threshold
    if comparison == ">":
        return value > threshold
    if comparison == "<":
        return value < threshold
    raise ValueError(f"unknown comparison {comparison!r}")


def _float(value: str) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    number = float(value)
    if math.isnan(number):
        raise ValueError("not a number")
    return number


def _read(path: Path | None, packaged: str) -> tuple[list[dict[str, str]], str]:
    if path is not None:
        return list(csv.DictReader(path.read_text("utf-8").splitlines())), str(path)
    text = resources.files("openpeel.reference").joinpath("peel", packaged).read_text("utf-8")
    return list(csv.DictReader(text.splitlines())), f"reference/peel/{packaged}"


def _chosen(rules_dir: Path | None, name: str) -> Path | None:
    if rules_dir is not None and (rules_dir / name).is_file():
        return rules_dir / name
    return None


def assessed_framework_id(last_month: date | None = None) -> str:
    """The PEEL framework an assessment uses: the one rule every face (CLI, web, report) asks.

    The framework in force in the period's last month (``framework_for``) when the project has
    rules for it; otherwise the latest framework before it that has rules (rules are written one
    framework at a time). With no period (recording a grade, an improvement), the latest
    framework that has rules.
    """
    with_rules = [fid for fid in frameworks() if fid in RULES_FILES]
    if last_month is None:
        return with_rules[-1]
    in_force = framework_for(last_month).framework_id
    if in_force in RULES_FILES:
        return in_force
    earlier = [fid for fid in with_rules if framework(fid).first_month <= last_month]
    return (earlier or with_rules)[-1]


def rules_file(framework_id: str) -> str:
    """The file name of a framework's rules (RulesError when it has none)."""
    if framework_id not in RULES_FILES:
        raise RulesError(
            f"no assessment rules for {framework_id!r}; rules exist for {', '.join(RULES_FILES)}"
        )
    return RULES_FILES[framework_id]


def load_rules(framework_id: str, rules_dir: Path | None = None) -> tuple[Rule, ...]:
    """The rules of a framework, from ``rules_dir`` when it holds a copy, else the packaged file.

    Raises:
        RulesError: a row names an unknown area, kind, comparison or a bad number.
    """
    path = _chosen(rules_dir, rules_file(framework_id))
    return _rules(framework_id, path, _mtime(path))


def _mtime(path: Path | None) -> float:
    # Part of the cache key, so an edited copy is read again by a long-running process.
    return path.stat().st_mtime if path is not None else 0.0


@lru_cache(maxsize=32)  # bounded: its arguments come from requests
def _rules(framework_id: str, path: Path | None, _mtime: float) -> tuple[Rule, ...]:
    rows, where = _read(path, rules_file(framework_id))
    fw = framework(framework_id)
    areas = {a.area_id: a for a in fw.areas}
    out: list[Rule] = []
    for n, r in enumerate(rows, start=2):
        if r.get("framework_id") != framework_id:
            continue
        try:
            out.append(_rule(r, areas))
        except (ValueError, KeyError) as err:
            raise RulesError(f"{where} line {n}: {err}") from None
    return tuple(out)


def _rule(r: dict[str, str], areas: Mapping[str, Area]) -> Rule:
    area = areas.get(r["area_id"])
    if area is None:
        raise ValueError(f"unknown area {r['area_id']!r}")
    kind = r["kind"].strip()
    if kind not in RULE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(RULE_KINDS)}, not {kind!r}")
    text, status = r["text"].strip(), r["text_status"].strip()
    if status == "verbatim":
        # The wording of a HMICFRS characteristic is never typed here: it comes from items.csv.
        items = {i.item_id: i for i in area.items}
        item = items.get(r["characteristic_id"])
        if item is None or item.text_status != "verbatim":
            raise ValueError(f"{r['characteristic_id']} is not a verbatim item of the framework")
        text = item.text
    elif status != "project":
        raise ValueError("text_status must be verbatim (from items.csv) or project")
    elif not text:
        raise ValueError("a project characteristic needs its text")
    severity = r.get("severity", "").strip() or "area_for_improvement"
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}")
    comparison = r.get("comparison", "").strip()
    threshold = _float(r.get("threshold", ""))
    if kind == "indicator":
        if not r["indicator"].strip():
            raise ValueError("an indicator rule needs an indicator")
        if comparison not in COMPARISONS:
            raise ValueError(f"comparison must be one of {' '.join(COMPARISONS)}")
        if threshold is None:
            raise ValueError("an indicator rule needs a threshold")
        if not r["measure"].strip() and not (r["numerator"].strip() and r["denominator"].strip()):
            raise ValueError("an indicator rule needs a measure or a numerator and denominator")
    return Rule(
        framework_id=r["framework_id"],
        area_id=r["area_id"],
        characteristic_id=r["characteristic_id"].strip(),
        linked_item=r.get("linked_item", "").strip(),
        text=text,
        text_status=status,
        kind=kind,
        indicator=r.get("indicator", "").strip(),
        filter=parse_filter(r.get("filter", "")),
        measure=r.get("measure", "").strip(),
        low=r.get("low", "").strip(),
        high=r.get("high", "").strip(),
        numerator=r.get("numerator", "").strip(),
        denominator=r.get("denominator", "").strip(),
        comparison=comparison,
        threshold=threshold,
        interval_must_clear=r.get("interval_must_clear", "").strip().lower() == "true",
        exceed_threshold=_float(r.get("exceed_threshold", "")),
        severity=severity,
        trend_filter=parse_filter(r.get("trend_filter", "")),
        evidence_kind=r.get("evidence_kind", "").strip(),
        note=r.get("note", "").strip(),
    )


def load_grading(framework_id: str, rules_dir: Path | None = None) -> tuple[GradingStep, ...]:
    """The grading steps of a framework, in order (from ``rules_dir`` when it holds a copy)."""
    path = _chosen(rules_dir, GRADING_FILE)
    return _grading(framework_id, path, _mtime(path))


@lru_cache(maxsize=32)  # bounded: its arguments come from requests
def _grading(framework_id: str, path: Path | None, _mtime: float) -> tuple[GradingStep, ...]:
    rows, where = _read(path, GRADING_FILE)
    grades = {"Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"}
    out: list[GradingStep] = []
    for n, r in enumerate(rows, start=2):
        if r.get("framework_id") != framework_id:
            continue
        try:
            grade = r["grade"].strip()
            if grade not in grades | {NOT_ASSESSED}:
                raise ValueError(f"unknown grade {grade!r}")
            if r["measure"] not in GRADING_MEASURES:
                raise ValueError(f"measure must be one of {', '.join(GRADING_MEASURES)}")
            if r["comparison"] not in COMPARISONS:
                raise ValueError(f"comparison must be one of {' '.join(COMPARISONS)}")
            out.append(
                GradingStep(
                    int(r["step"]),
                    grade,
                    r["measure"],
                    r["comparison"],
                    float(r["threshold"]),
                    r.get("basis", "").strip(),
                )
            )
        except (ValueError, KeyError) as err:
            raise RulesError(f"{where} line {n}: {err}") from None
    if not out:
        raise RulesError(f"{where} has no grading steps for {framework_id!r}")
    return tuple(sorted(out, key=lambda s: s.step))
