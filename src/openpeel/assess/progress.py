"""Is an improvement being delivered? The measures linked to it, now and month by month.

An area for improvement or cause of concern is linked to data in two ways: its characteristic
(the rule it was created from) and its ``linked_indicators`` (``;``-separated indicator names).
Its *measures* are the indicator rules of its area that either names: for the inspected force's
"improve sex offender monitoring", the overdue ARMS and visits, the backlog trend and the
caseload rules. Each measure is judged now (the rule's finding for the period) and, where the
rule has a monthly series (``trend_filter``), month by month, with the slope of that series and
its 95% interval (:func:`openpeel.stats.linear_trend.slope_interval`):

- a measure is **improving** when the whole interval of the slope lies on the rule's good side
  (falling for ``<=`` rules, rising for ``>=``), **worsening** when it lies on the bad side,
  **steady** otherwise, and has **no monthly series** when the rule gives none or fewer than
  three months have a value;
- the improvement is **resolved** when every measure with data is met, **worsening** when any
  is worsening, **progressing** when at least one is improving (and none worsening), **no clear
  change** otherwise, and **no data** when no measure could be judged.

A verdict is a suggestion from data, as a suggested grade is: closing an improvement still
needs its evidence recorded by a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from openpeel.assess.evidence import Finding, IndicatorCache, evaluate, trend
from openpeel.assess.framework_rules import Rule, load_rules
from openpeel.stats.linear_trend import MIN_POINTS, slope_interval

VERDICTS = ("resolved", "progressing", "worsening", "no clear change", "no data")
DIRECTIONS = ("improving", "worsening", "steady", "no monthly series")


class Linked(Protocol):
    """What an improvement needs for its measures (``assess.models.Improvement`` has it)."""

    framework_id: str
    area_id: str
    characteristic_id: str
    linked_indicators: str


@dataclass
class Measure:
    """One linked rule: its finding now, its months and which way they go."""

    rule: Rule
    finding: Finding
    months: pd.DataFrame
    direction: str
    slope: float | None = None
    slope_low: float | None = None
    slope_high: float | None = None


@dataclass
class ImprovementProgress:
    """The verdict, its reason in one sentence, and the measures behind it."""

    verdict: str
    reason: str
    measures: list[Measure]
    is_synthetic: bool

    def table(self) -> pd.DataFrame:
        """One row per measure: the rule, status and value now, and the monthly direction."""
        return _rounded(pd.DataFrame(
            [
                {
                    "characteristic_id": m.rule.characteristic_id,
                    "text": m.rule.text,
                    "rule": m.rule.condition,
                    "status": m.finding.status,
                    "value": m.finding.value,
                    "value_low": m.finding.low,
                    "value_high": m.finding.high,
                    "months": int(m.months["value"].notna().sum()) if len(m.months) else 0,
                    "direction": m.direction,
                    "slope_per_month": m.slope,
                    "slope_low": m.slope_low,
                    "slope_high": m.slope_high,
                    "reason": m.finding.reason,
                }
                for m in self.measures
            ],
            columns=[
                "characteristic_id", "text", "rule", "status", "value", "value_low",
                "value_high", "months", "direction", "slope_per_month", "slope_low",
                "slope_high", "reason",
            ],
        ))  # fmt: skip

    def monthly(self) -> pd.DataFrame:
        """Every measure's months, long: characteristic, month, value, interval, judgment."""
        frames = [
            m.months.assign(characteristic_id=m.rule.characteristic_id)
            for m in self.measures
            if len(m.months)
        ]
        columns = ["characteristic_id", "month", "value", "low", "high", "status"]
        if not frames:
            return pd.DataFrame(columns=columns)
        return _rounded(pd.concat(frames, ignore_index=True)[columns])


def _rounded(table: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Numbers to four decimals (shares and slopes), text left as it is."""
    numeric = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
    return table.round({c: digits for c in numeric})


def linked_indicator_names(text: str) -> list[str]:
    """``"offenders.overdue; offenders.caseload"`` -> the two names (``;``, ``,`` or spaces)."""
    return [name for name in re.split(r"[;,\s]+", text or "") if name]


def linked_rules(imp: Linked, rules_dir: Path | None = None) -> list[Rule]:
    """The indicator rules of the improvement's area named by its characteristic or its linked
    indicators, in the rules file's order."""
    names = set(linked_indicator_names(imp.linked_indicators))
    return [
        r
        for r in load_rules(imp.framework_id, rules_dir)
        if r.area_id == imp.area_id
        and r.kind == "indicator"
        and (r.characteristic_id == imp.characteristic_id or r.indicator in names)
    ]


def direction(
    months: pd.DataFrame, comparison: str
) -> tuple[str, float | None, float | None, float | None]:
    """(direction, slope, low, high) of a rule's monthly values (see the module docstring)."""
    values = months["value"].dropna() if "value" in months else pd.Series(dtype=float)
    if len(values) < MIN_POINTS:
        return "no monthly series", None, None, None
    slope, low, high = slope_interval(values.to_numpy(dtype=float))
    good_is_down = comparison in ("<=", "<")
    if (high < 0) if good_is_down else (low > 0):
        word = "improving"
    elif (low > 0) if good_is_down else (high < 0):
        word = "worsening"
    else:
        word = "steady"
    return word, slope, low, high


def _verdict(measures: list[Measure]) -> tuple[str, str]:
    judged = [m for m in measures if m.finding.status != "missing"]
    if not measures:
        return "no data", "no indicator rule is linked to this improvement"
    if not judged:
        return "no data", "no linked measure could be judged: " + measures[0].finding.reason
    ids = {
        word: [m.rule.characteristic_id for m in measures if m.direction == word]
        for word in DIRECTIONS
    }
    unmet = [m.rule.characteristic_id for m in judged if m.finding.status != "met"]
    if not unmet:
        met = ", ".join(m.rule.characteristic_id for m in judged)
        return "resolved", f"every linked measure with data is met ({met})"
    if ids["worsening"]:
        return "worsening", (
            f"{', '.join(ids['worsening'])} getting worse month by month; not yet met: "
            f"{', '.join(unmet)}"
        )
    if ids["improving"]:
        return "progressing", (
            f"{', '.join(ids['improving'])} improving month by month; not yet met: "
            f"{', '.join(unmet)}"
        )
    return "no clear change", (
        f"not yet met: {', '.join(unmet)}; no linked monthly series moves clearly either way"
    )


def improvement_progress(
    imp: Linked,
    cache: IndicatorCache | None,
    rules_dir: Path | None = None,
) -> ImprovementProgress:
    """The improvement's measures for the cache's force and period, and the verdict."""
    measures = []
    for rule in linked_rules(imp, rules_dir):
        finding = evaluate(rule, cache)
        months = pd.DataFrame(columns=["month", "value", "low", "high", "status"])
        result: Any = cache.get(rule.indicator) if cache is not None else None
        if result is not None and not isinstance(result, str):
            months = trend(rule, result.table)
        word, slope, low, high = direction(months, rule.comparison)
        measures.append(Measure(rule, finding, months, word, slope, low, high))
    verdict, reason = _verdict(measures)
    synthetic = cache is not None and any(
        getattr(r, "is_synthetic", False) for r in cache.results.values()
    )
    return ImprovementProgress(verdict, reason, measures, synthetic)
