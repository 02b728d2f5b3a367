"""Evidence for the characteristics: indicator results judged by the rules (met, not met,
uncertain, missing), and the catalogue of indicators a rule may name.

A rule reads one row of an indicator's table (``measure`` with ``low``/``high``; when its filter
keeps several rows, each is judged and the least favourable decides, named), or sums a
numerator and a denominator over the rows its filter keeps and puts a Wilson interval on the
share. With ``interval_must_clear`` the whole interval must be on the right side of the threshold
for ``met`` and on the wrong side for ``not_met``; an interval that straddles it is ``uncertain``.
No row, an empty denominator or an indicator that could not run is ``missing``, never a guess.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

import pandas as pd

from openpeel.assess.framework_rules import Rule, compare
from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError
from openpeel.indicators.result import IndicatorResult
from openpeel.stats.intervals import wilson_interval

STATUSES = ("met", "not_met", "uncertain", "missing")
IndicatorFn = Callable[[Any, str, Period], IndicatorResult]


@dataclass
class Finding:
    """The judgment of one characteristic, with the numbers behind it."""

    characteristic_id: str
    status: str
    reason: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    count: float | None = None
    total: float | None = None
    indicator: str = ""
    is_exceeded: bool = False
    source: str = "data"
    evidence_id: int | None = None


@dataclass
class RecordedEvidence:
    """Evidence that is not data (an inspector's finding, a file review, a document)."""

    evidence_id: int
    characteristic_id: str
    finding: str
    kind: str
    source: str
    evidence_date: date
    summary: str
    added_by: str = ""


@dataclass
class IndicatorCache:
    """Runs each named indicator once per force and period; remembers failures as reasons."""

    con: Any
    force_id: str
    period: Period
    catalogue: Mapping[str, IndicatorFn] = field(default_factory=dict)
    results: dict[str, IndicatorResult | str] = field(default_factory=dict)
    #: Gives the connection when ``con`` is None and a result not held is asked for (results
    #: computed in advance need no connection at all).
    connect: Callable[[], Any] | None = None
    #: Each indicator rule's judgment of its result (the data alone, before any recorded
    #: evidence), made once: a rule's filter and interval over a table take pandas work.
    judged: dict[Rule, Finding] = field(default_factory=dict)

    def judge(self, rule: Rule, result: IndicatorResult) -> Finding:
        """``evaluate_rows`` of the rule over its indicator's result, made once (a copy: the
        caller may add to its reason)."""
        if rule not in self.judged:
            self.judged[rule] = evaluate_rows(rule, result.table, rule.indicator)
        return replace(self.judged[rule])

    def get(self, name: str) -> IndicatorResult | str:
        """The result, or a one-line reason why it could not be computed."""
        if name not in self.results:
            fn = (self.catalogue or CATALOGUE).get(name)
            if fn is None:
                self.results[name] = f"no indicator named {name!r} in the catalogue"
            else:
                try:
                    con = self.con
                    if con is None and self.connect is not None:
                        con = self.connect()
                    self.results[name] = fn(con, self.force_id, self.period)
                except Exception as err:  # any failure to compute is missing evidence
                    text = str(err).splitlines()[0] if str(err) else type(err).__name__
                    self.results[name] = f"{name} could not be computed: {text}"
        return self.results[name]


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def filter_rows(table: pd.DataFrame, conditions: tuple[tuple[str, tuple[str, ...]], ...]) -> Any:
    """Rows whose columns match the filter (values compared as text; dates as YYYY-MM-DD)."""
    mask = pd.Series(True, index=table.index)
    for column, values in conditions:
        if column not in table.columns:
            raise KeyError(column)
        mask &= table[column].map(lambda v: "" if v is None else str(v)).isin(values)
    return table[mask]


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.4g}"


def measure_rows(
    rule: Rule, rows: pd.DataFrame
) -> tuple[float | None, float | None, float | None, float | None, float | None, str]:
    """(value, low, high, count, total, problem) from the rows a rule's filter kept."""
    if rule.numerator:
        if rows.empty:
            return None, None, None, None, None, "no rows match the rule's filter"
        count = _num(pd.to_numeric(rows[rule.numerator], errors="coerce").sum())
        total = _num(pd.to_numeric(rows[rule.denominator], errors="coerce").sum())
        if not total or count is None:
            return None, None, None, count, total, f"{rule.denominator} is zero or empty"
        low, high = wilson_interval(count, total)
        return count / total, float(low), float(high), count, total, ""
    if len(rows) != 1:
        return _no_value(f"expected one row matching the filter, found {len(rows)}")
    row = rows.iloc[0]
    value = _num(row[rule.measure])
    low = _num(row[rule.low]) if rule.low else None
    high = _num(row[rule.high]) if rule.high else None
    if value is None:
        why = next(
            (
                str(row[c])
                for c in (rule.measure.replace("_rate", "_reason"), "reason")
                if c in rows.columns and isinstance(row[c], str) and row[c]
            ),
            "",
        )
        return _no_value(f"{rule.measure} is empty" + (f" ({why})" if why else ""))
    return value, low, high, None, None, ""


def _no_value(
    problem: str,
) -> tuple[float | None, float | None, float | None, float | None, float | None, str]:
    return None, None, None, None, None, problem


STATUS_ORDER = {"not_met": 0, "uncertain": 1, "met": 2, "missing": 3}


def _least_favourable(rule: Rule, rows: pd.DataFrame, name: str) -> Finding:
    """A measure rule whose filter keeps several rows (every group against White, say): each
    row is judged and the least favourable one decides, named in the reason, so that no row is
    picked in advance. Rows with an empty value are skipped while any other row has one."""
    # A filter column that keeps one value cannot name a row; one that keeps several can.
    filtered = {column for column, values in rule.filter if len(values) == 1}
    varying = [
        c
        for c in rows.columns
        if c not in filtered
        and not pd.api.types.is_numeric_dtype(rows[c])
        and not pd.api.types.is_bool_dtype(rows[c])
        and rows[c].nunique() == len(rows)
    ]
    findings = []
    for i in range(len(rows)):
        one = rows.iloc[[i]]
        f = evaluate_rows(replace(rule, filter=()), one, name)
        label = ", ".join(f"{c}={one[c].iloc[0]}" for c in varying[:1])
        findings.append((f, label))
    sign = -1 if rule.comparison in ("<=", "<") else 1
    f, label = min(
        findings,
        key=lambda x: (
            STATUS_ORDER[x[0].status],
            sign * x[0].value if x[0].value is not None else 0.0,
        ),
    )
    judged = sum(1 for x, _label in findings if x.status != "missing")
    f.reason = f"{label}: {f.reason} (the least favourable of {judged} rows judged)"
    return f


def judge(rule: Rule, value: float, low: float | None, high: float | None) -> str:
    """met / not_met / uncertain for a value (and interval) against the rule's threshold."""
    assert rule.threshold is not None
    threshold = rule.threshold
    if rule.interval_must_clear and low is not None and high is not None:
        # For ">=" the low end must clear to be met; the high end below means not met.
        good_end, bad_end = (low, high) if rule.comparison in (">=", ">") else (high, low)
        if compare(good_end, rule.comparison, threshold):
            return "met"
        if not compare(bad_end, rule.comparison, threshold):
            return "not_met"
        return "uncertain"
    return "met" if compare(value, rule.comparison, threshold) else "not_met"


def evaluate_rows(rule: Rule, table: pd.DataFrame, indicator: str | None = None) -> Finding:
    """Judge one indicator rule on an indicator's table (pure: no data access)."""
    name = indicator or rule.indicator
    try:
        rows = filter_rows(table, rule.filter)
        if not rule.numerator and len(rows) > 1:
            return _least_favourable(rule, rows, name)
        value, low, high, count, total, problem = measure_rows(rule, rows)
    except KeyError as err:
        return Finding(
            rule.characteristic_id,
            "missing",
            f"{name} has no column {err.args[0]!r}",
            indicator=name,
        )
    if value is None:
        return Finding(
            rule.characteristic_id,
            "missing",
            f"{name}: {problem}",
            count=count,
            total=total,
            indicator=name,
        )
    status = judge(rule, value, low, high)
    interval = f" [{_fmt(low)}, {_fmt(high)}]" if low is not None and high is not None else ""
    counts = f" ({count:,.0f} of {total:,.0f})" if total is not None and count is not None else ""
    what = rule.measure or f"{rule.numerator}/{rule.denominator}"
    words = {
        "met": "meets",
        "not_met": "does not meet",
        "uncertain": "straddles",
    }[status]
    reason = (
        f"{what} = {_fmt(value)}{interval}{counts} {words} {rule.comparison} {rule.threshold:g}"
    )
    if status == "uncertain":
        reason += " (the interval straddles the threshold)"
    if rule.interval_must_clear and (low is None or high is None):
        reason += " (no interval available: judged on the value alone)"
    exceeded = False
    if status == "met" and rule.exceed_threshold is not None:
        end = (
            value
            if low is None or high is None
            else (low if rule.comparison in (">=", ">") else high)
        )
        exceeded = compare(end, rule.comparison, rule.exceed_threshold)
    return Finding(
        rule.characteristic_id, status, reason, value, low, high, count, total, name, exceeded
    )


def evaluate(
    rule: Rule, cache: IndicatorCache | None, recorded: list[RecordedEvidence] | None = None
) -> Finding:
    """Judge one rule: recorded evidence for ``needs_evidence`` rules, else the indicator.

    An indicator rule whose data is missing (no extract loaded, say) is judged from recorded
    evidence when there is some: data where it exists, evidence where it does not."""
    if rule.kind == "needs_evidence":
        return _from_evidence(rule, recorded) or Finding(
            rule.characteristic_id,
            "missing",
            f"needs {rule.evidence_kind or 'evidence that is not data'}: none recorded",
            source="evidence",
        )
    if cache is None:
        found = Finding(
            rule.characteristic_id, "missing", "no data connection", indicator=rule.indicator
        )
    else:
        result = cache.get(rule.indicator)
        if isinstance(result, str):
            found = Finding(rule.characteristic_id, "missing", result, indicator=rule.indicator)
        else:
            found = cache.judge(rule, result)
    if found.status == "missing":
        instead = _from_evidence(rule, recorded)
        if instead is not None:
            instead.reason = f"no data ({found.reason}); {instead.reason}"
            return instead
    return found


def _from_evidence(rule: Rule, recorded: list[RecordedEvidence] | None) -> Finding | None:
    """The finding of the latest evidence recorded for the rule's characteristic (None: none)."""
    mine = [e for e in recorded or [] if e.characteristic_id == rule.characteristic_id]
    if not mine:
        return None
    latest = max(mine, key=lambda e: (e.evidence_date, e.evidence_id))
    return Finding(
        rule.characteristic_id,
        latest.finding,
        f"{latest.kind} ({latest.source}, {latest.evidence_date:%Y-%m-%d}): {latest.summary}",
        source="evidence",
        evidence_id=latest.evidence_id,
    )


def trend(rule: Rule, table: pd.DataFrame, month_column: str = "month") -> pd.DataFrame:
    """The rule's measure month by month (``trend_filter`` rows), with the judgment per month:
    the progress of an area for improvement linked to this characteristic."""
    columns = ["month", "value", "low", "high", "status"]
    if not rule.trend_filter or month_column not in table.columns:
        return pd.DataFrame(columns=columns)
    try:
        rows = filter_rows(table, rule.trend_filter)
    except KeyError:
        return pd.DataFrame(columns=columns)
    out = []
    for month, part in rows.groupby(month_column, sort=True):
        value, low, high, _c, _t, _p = measure_rows(rule, part)
        status = "missing" if value is None else judge(rule, value, low, high)
        out.append({"month": month, "value": value, "low": low, "high": high, "status": status})
    return pd.DataFrame(out, columns=columns)


# --------------------------------------------------------------------------- the catalogue


def _indicator(module: str, name: str) -> IndicatorFn:
    """The indicator ``name`` of ``openpeel.indicators.<module>`` for a force and period,
    imported when first run (an assessment loads only the indicators its rules name)."""

    def run(con: Any, force_id: str, period: Period) -> IndicatorResult:
        fn: IndicatorFn = getattr(importlib.import_module(f"openpeel.indicators.{module}"), name)
        return fn(con, force_id, period)

    return run


def _stop_search(which: str) -> IndicatorFn:
    def run(con: Any, force_id: str, period: Period) -> IndicatorResult:
        from openpeel.indicators import stop_search, stop_search_outcomes, stop_search_quality

        sc = stop_search.cached_scope(con, period, force_id)
        if which == "quality":
            return stop_search_quality.quality(con, sc)
        if which == "outcomes":
            return stop_search_outcomes.outcomes(con, sc)
        return stop_search.ratios(con, sc)  # the census 2021 population, as the report shows

    return run


def _crime_trend(con: Any, force_id: str, period: Period) -> IndicatorResult:
    from openpeel.indicators.crime import crime_trend

    result = crime_trend(con, force_id, period)
    rows = [{"series": k, **v} for k, v in (result.meta.get("trend") or {}).items()]
    return IndicatorResult(
        name="crime.trend_estimate",
        title="Trend in recorded crime (% a year)",
        definition=result.definition,
        table=pd.DataFrame(rows),
        caveats=result.caveats,
        is_synthetic=result.is_synthetic,
        meta={k: v for k, v in result.meta.items() if k != "trend"},
    )


def _offender_as_at(con: Any, force_id: str, period: Period) -> date:
    from openpeel.calendar import last_day
    from openpeel.indicators.offenders import extract_as_at

    as_at = min(extract_as_at(con, force_id), last_day(period.end))
    if as_at < period.start:
        # An extract that ends before the period says nothing about it.
        raise DataUnavailableError(
            f"the offender management extract ends {as_at}, before {period.label}"
        )
    return as_at


def _offender_monthly(which: str) -> IndicatorFn:
    """An offender measure month by month over the period (``overdue``: the backlog curve;
    ``caseload``: offenders per manager FTE), measured at the period's end (or the extract
    date); the rows of the last month measured are marked ``is_latest`` (a rule's filter picks
    them)."""

    def run(con: Any, force_id: str, period: Period) -> IndicatorResult:
        from openpeel.indicators import offenders

        as_at = _offender_as_at(con, force_id, period)
        start = max(period.start, offenders.activity_start(con, force_id, as_at))
        result = getattr(offenders, which)(con, force_id, as_at, start=start)
        table = result.table
        return replace(result, table=table.assign(is_latest=table["day"] == table["day"].max()))

    return run


def _offender_time_to_first(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Time to the first ARMS and visit of the offenders registered during the period."""
    from openpeel.indicators.offenders import activity_start, time_to_first

    as_at = _offender_as_at(con, force_id, period)
    registered_from = max(period.start, activity_start(con, force_id, as_at))
    return time_to_first(con, force_id, as_at, registered_from=registered_from)


def _offender_forecast(con: Any, force_id: str, period: Period) -> IndicatorResult:
    from openpeel.indicators.offender_forecast import backlog_forecast

    return backlog_forecast(con, force_id, _offender_as_at(con, force_id, period))


@lru_cache(maxsize=4)
def _vulnerability(con: Any, force_id: str, period: Period) -> Any:
    """The force's vulnerability extract as it stood at the period's end (read once for the
    five vulnerability rules of an assessment)."""
    from openpeel.indicators.vulnerability import data_from_connection
    from openpeel.indicators.vulnerability_period import within_period

    return within_period(data_from_connection(con, force_id), period)


#: The standard the capacity rule judges: investigations allocated within 24 hours in 95% of
#: cases (openpeel's choice, not a national standard).
VULNERABILITY_WITHIN_HOURS, VULNERABILITY_TARGET = 24.0, 0.95


def _vulnerability_capacity(con: Any, force_id: str, period: Period) -> IndicatorResult:
    from openpeel.indicators.vulnerability_capacity import capacity

    data = _vulnerability(con, force_id, period)
    return capacity(data, within_hours=VULNERABILITY_WITHIN_HOURS, target=VULNERABILITY_TARGET)


@lru_cache(maxsize=4)
def _vulnerability_timeliness(con: Any, force_id: str, period: Period) -> IndicatorResult:
    from openpeel.indicators.vulnerability import timeliness

    return timeliness(_vulnerability(con, force_id, period), within_hours=24.0)


def _vulnerability_risk_assessment(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """Risk assessment completion of the period's cases, as a one-row table."""
    result = _vulnerability_timeliness(con, force_id, period)
    done = result.meta["risk_assessment_completion"]
    return IndicatorResult(
        name="vulnerability.risk_assessment",
        title="Risk assessment completion",
        definition="Cases reported in the period with a risk grade / cases reported in it.",
        table=pd.DataFrame([{"cases": done["cases"], "assessed": done["assessed"]}]),
        caveats=result.caveats,
        is_synthetic=result.is_synthetic,
        meta={"as_of": result.meta.get("as_of")},
    )


def _vulnerability_backlog(con: Any, force_id: str, period: Period) -> IndicatorResult:
    from openpeel.indicators.vulnerability_backlog import backlog_trend

    return backlog_trend(_vulnerability(con, force_id, period))


def _vulnerability_marac(con: Any, force_id: str, period: Period) -> IndicatorResult:
    """MARAC volume over the 12 months to the period's end (``is_latest``)."""
    from openpeel.indicators.vulnerability import marac

    result = marac(_vulnerability(con, force_id, period))
    table = result.table
    return replace(result, table=table.assign(is_latest=table.index == 0))


def _official(which: str) -> IndicatorFn:
    """An official statistic published for every force, in the edition that speaks to the
    period (openpeel.indicators.official_for_period)."""

    def run(con: Any, force_id: str, period: Period) -> IndicatorResult:
        from openpeel.indicators import official_for_period

        fn: IndicatorFn = getattr(official_for_period, f"{which}_for")
        return fn(con, force_id, period)

    return run


#: The indicators a rule may name, and the CLI command or page that shows each in full.
CATALOGUE: dict[str, IndicatorFn] = {
    "charter.compliance": _indicator("charter", "charter_compliance"),
    "calls.answer_performance": _indicator("calls", "answer_performance"),
    "stop_search.quality": _stop_search("quality"),
    "stop_search.ratios": _stop_search("ratios"),
    "stop_search.outcomes": _stop_search("outcomes"),
    "crime.trend_estimate": _crime_trend,
    "outcomes.summary": _indicator("investigations", "outcome_summary"),
    "outcomes.quality": _indicator("investigations", "outcome_quality"),
    "offenders.overdue": _offender_monthly("overdue"),
    "offenders.backlog_forecast": _offender_forecast,
    "offenders.caseload": _offender_monthly("caseload"),
    "offenders.time_to_first": _offender_time_to_first,
    "vulnerability.capacity": _vulnerability_capacity,
    "vulnerability.timeliness": _vulnerability_timeliness,
    "vulnerability.risk_assessment": _vulnerability_risk_assessment,
    "vulnerability.backlog_trend": _vulnerability_backlog,
    "vulnerability.marac": _vulnerability_marac,
    "crime_recording.audit": _indicator("crime_recording", "audit_figures"),
    "official.recorded_crime": _official("recorded_crime"),
    "official.crime_outcomes": _official("crime_outcomes"),
    "official.use_of_force": _official("use_of_force"),
    "official.workforce_representation": _official("workforce_representation"),
    "official.workforce_resources": _official("workforce_resources"),
    "official.money": _official("money"),
    "official.demand": _official("demand"),
}
WHERE_SHOWN: dict[str, str] = {
    "charter.compliance": "openpeel charter",
    "calls.answer_performance": "openpeel calls performance",
    "stop_search.quality": "openpeel stop-search quality",
    "stop_search.ratios": "openpeel stop-search ratios",
    "stop_search.outcomes": "openpeel stop-search outcomes",
    "crime.trend_estimate": "openpeel crime trend",
    "outcomes.summary": "openpeel outcomes summary",
    "outcomes.quality": "openpeel outcomes quality",
    "offenders.overdue": "openpeel offenders overdue",
    "offenders.backlog_forecast": "openpeel offenders forecast",
    "offenders.caseload": "openpeel offenders caseload",
    "offenders.time_to_first": "openpeel offenders time-to-first",
    "vulnerability.capacity": "openpeel vulnerability capacity",
    "vulnerability.timeliness": "openpeel vulnerability timeliness",
    "vulnerability.risk_assessment": "openpeel vulnerability timeliness",
    "vulnerability.backlog_trend": "openpeel vulnerability backlog",
    "vulnerability.marac": "openpeel vulnerability protection",
    "crime_recording.audit": "openpeel audit estimate",
    "official.recorded_crime": "openpeel official crime",
    "official.crime_outcomes": "openpeel official outcomes",
    "official.use_of_force": "openpeel official use-of-force",
    "official.workforce_representation": "openpeel official workforce",
    "official.workforce_resources": "openpeel official workforce --view resources",
    "official.money": "openpeel official money",
    "official.demand": "openpeel official demand",
}
