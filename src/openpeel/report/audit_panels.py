"""The report's *Recording data about crime* panels, from the force's crime data integrity audits.

The latest closed audit that ended by the end of the report's period gives the headline: the
recording rate with its interval, overall and for violence and sexual offences, the crimes a year
that go unrecorded, timeliness, classification and the auditors' agreement. Every closed audit of
the force makes the trend. Audits are run in openpeel (``openpeel audit``, the staff pages) and
publish their figures when they close; until one has, the section says how to run one.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from openpeel.calendar import Period
from openpeel.indicators.crime_recording import audit_figures
from openpeel.indicators.result import IndicatorResult
from openpeel.report.model import Headline, Panel
from openpeel.report.panels import EXPECTED_ERRORS, display, interval_text, number_text, safe
from openpeel.report.panels.declare import Bars, Estimate, draw, tabled
from openpeel.report.panels.format import panel_columns

#: The recording rate a force is judged against in the assessment rules (openpeel's choice).
RATE_REFERENCE = 0.90
DOMAIN_LABELS = {
    "all": "All crime",
    "violence": "Violence against the person",
    "sexual_offences": "Sexual offences",
    "stratum:sexual_offences": "Incidents opened as sexual offences",
    "stratum:violence": "Incidents opened as violence",
    "stratum:domestic_abuse": "Domestic abuse incidents",
    "stratum:closed_no_crime": "Incidents closed as no crime or advice",
    "stratum:other": "Other incidents",
}
AUDIT_CAVEAT = (
    "From the force's own crime data integrity audit (a stratified random sample of incidents "
    "decided by auditors), not from published data."
)


def _subset(result: IndicatorResult, table: pd.DataFrame, name: str, title: str) -> IndicatorResult:
    return IndicatorResult(
        name=name,
        title=title,
        definition=result.definition,
        table=table.reset_index(drop=True),
        caveats=result.caveats,
        is_synthetic=result.is_synthetic,
        meta=result.meta,
    )


def _row(latest: pd.DataFrame, measure: str, domain: str = "all") -> Any:
    rows = latest[(latest.measure == measure) & (latest.domain == domain)]
    return None if rows.empty else rows.iloc[0]


def _day(value: Any) -> str:
    return pd.Timestamp(value).date().isoformat()


def _figure(measure: str, value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:.2f}" if measure == "agreement_kappa" else f"{value:.1%}"


#: An audit's estimate and its 95% interval.
ESTIMATE = Estimate("estimate", "low", "high")


def _rate_headline(label: str, row: Any) -> Headline:
    if row is None or pd.isna(row.estimate):
        return Headline(label, "no crimes in the sample", "", "")
    return ESTIMATE.headline(
        row,
        label,
        f"{int(row.numerator_sampled)} of {int(row.denominator_sampled)} sampled crimes recorded "
        "(design-weighted)",
        share=True,
    )


def crime_recording_panels(con: Any, force_id: str, period: Period) -> list[Panel]:
    """Recording rate of the latest audit, timeliness and agreement, and the trend."""
    try:
        result = audit_figures(con, force_id, period)
    except EXPECTED_ERRORS as error:
        return [
            Panel(
                "recording-rate",
                "Crimes recorded of those that should have been",
                None,
                unavailable=str(error),
            )
        ]
    return [
        safe("recording-rate", "Crimes recorded of those that should have been",
              lambda: _rates(result)),
        safe("recording-process", "Recorded within 24 hours, correctly classified",
              lambda: _process(result)),
        safe("recording-trend", "Recording rate across audits", lambda: _trend(result)),
    ]  # fmt: skip


def _share_bars(reference: float | None = None) -> Bars:
    """Bars of estimated shares of crimes recorded (``label``), with their 95% intervals."""
    return Bars(
        "label",
        ESTIMATE,
        "Share of crimes recorded",
        "",
        reference=reference,
        percent=True,
    )


def _latest(result: IndicatorResult) -> pd.DataFrame:
    table = result.table
    return table[table.is_latest.astype(bool)]


def _rates(result: IndicatorResult) -> Panel:
    latest = _latest(result)
    rates = latest[latest.measure == "recording_rate"].copy()
    order = list(DOMAIN_LABELS)
    rates["order"] = rates.domain.map(order.index)
    rates = rates.sort_values("order").drop(columns="order")
    title = str(latest.title.iloc[0])
    panel = Panel(
        "recording-rate",
        f"Crimes recorded of those that should have been ({title})",
        _subset(result, rates, "crime_recording.rate", "Recording rate (latest audit)"),
    )
    unrecorded = _row(latest, "unrecorded_crimes_per_year")
    panel.headlines = [
        _rate_headline("All crime", _row(latest, "recording_rate")),
        _rate_headline("Violence against the person", _row(latest, "recording_rate", "violence")),
        _rate_headline("Sexual offences", _row(latest, "recording_rate", "sexual_offences")),
    ]
    if unrecorded is not None and pd.notna(unrecorded.estimate):
        panel.headlines.append(
            Headline(
                "Crimes a year not recorded",
                f"about {number_text(unrecorded.estimate, 0)}",
                f"95% interval {number_text(unrecorded.low, 0)} to "
                f"{number_text(unrecorded.high, 0)}",
                "R(1 - p)/p: the year's recorded crimes R scaled by the recording rate p",
            )
        )
    shown = rates.assign(label=rates.domain.map(lambda d: DOMAIN_LABELS.get(d, d)))
    draw(
        panel,
        _share_bars(RATE_REFERENCE),
        shown,
        "Bars: the share of crimes that should have been recorded that were, overall, for "
        "violence, sexual offences and each stratum of the sample, with 95% intervals; dashed "
        f"line at {RATE_REFERENCE:.0%}.",
        itemise=False,
    )
    overall = _row(latest, "recording_rate")
    if overall is not None and pd.notna(overall.estimate):
        side = (
            "above"
            if overall.low >= RATE_REFERENCE
            else "below"
            if overall.high < RATE_REFERENCE
            else "not clearly above or below"
        )
        panel.comparison = [
            f"The whole interval of the overall rate is {side} {RATE_REFERENCE:.0%}"
            if side != "not clearly above or below"
            else f"The overall rate's interval straddles {RATE_REFERENCE:.0%}: the audit cannot "
            "say which side the force is on.",
            f"The audit covers incidents opened {_day(latest.period_from.iloc[0])} to "
            f"{_day(latest.period_to.iloc[0])}.",
        ]
    return tabled(panel, shown, AUDIT_CAVEAT)


def _process(result: IndicatorResult) -> Panel:
    latest = _latest(result)
    rows = latest[
        latest.measure.isin(["recorded_within_24h", "correctly_classified", "agreement_kappa"])
    ]
    panel = Panel(
        "recording-process",
        "Recorded within 24 hours, correctly classified",
        _subset(result, rows, "crime_recording.process", "Timeliness, classification, agreement"),
    )
    for measure, label in (
        ("recorded_within_24h", "Recorded within 24 hours"),
        ("correctly_classified", "Correctly classified"),
    ):
        row = _row(latest, measure)
        if row is not None and pd.notna(row.estimate):
            panel.headlines.append(
                ESTIMATE.headline(
                    row,
                    label,
                    f"of {int(row.denominator_sampled)} sampled crimes that were recorded",
                    share=True,
                )
            )
    kappa = _row(latest, "agreement_kappa")
    if kappa is not None and pd.notna(kappa.estimate):
        panel.headlines.append(
            Headline(
                "Agreement of two auditors (Cohen's kappa)",
                f"{kappa.estimate:.2f}",
                interval_text(kappa.low, kappa.high),
                f"on {int(kappa.records_sampled)} records decided twice (1 = perfect, 0 = chance)",
            )
        )
    labels = {
        "recorded_within_24h": "Recorded within 24 hours",
        "correctly_classified": "Correctly classified",
        "agreement_kappa": "Agreement of two auditors (kappa)",
    }
    shown = rows.assign(
        label=rows.measure.map(labels),
        order=rows.measure.map(list(labels).index),
        estimate_text=[_figure(m, v) for m, v in zip(rows.measure, rows.estimate, strict=True)],
        low_text=[_figure(m, v) for m, v in zip(rows.measure, rows.low, strict=True)],
        high_text=[_figure(m, v) for m, v in zip(rows.measure, rows.high, strict=True)],
    ).sort_values("order")
    shares = shown[shown.measure != "agreement_kappa"]
    draw(
        panel,
        _share_bars(),
        shares,
        "Bars: of crimes that should have been and were recorded, the share recorded within 24 "
        "hours and the share correctly classified, with 95% intervals.",
        itemise=False,
    )
    panel.table = display(
        shown,
        panel_columns("recording-process"),
    )
    panel.caveats = [
        "The National Crime Recording Standard asks for a crime to be recorded within 24 hours "
        "of the report; shares are of crimes that should have been and were recorded.",
    ]
    return panel


def _trend(result: IndicatorResult) -> Panel:
    table = result.table
    overall = table[(table.measure == "recording_rate") & (table.domain == "all")].copy()
    overall = overall.sort_values("period_to")
    result_rows = overall.copy()
    overall["label"] = [
        f"{t} ({_day(a)} to {_day(b)})"
        for t, a, b in zip(overall.title, overall.period_from, overall.period_to, strict=True)
    ]
    panel = Panel(
        "recording-trend",
        "Recording rate across audits",
        _subset(result, result_rows, "crime_recording.trend", "Recording rate across audits"),
    )
    draw(
        panel,
        _share_bars(RATE_REFERENCE),
        overall,
        "Bars: the overall recording rate of each closed audit, oldest first, with 95% intervals.",
        itemise=False,
    )
    panel.table = display(
        overall,
        panel_columns("recording-trend"),
    )
    if len(overall) < 2:
        panel.comparison = ["One audit so far: the trend starts with the next one."]
    else:
        first, last = overall.iloc[0], overall.iloc[-1]
        panel.comparison = [
            f"From {first.estimate:.1%} to {last.estimate:.1%} over {len(overall)} audits; "
            "where the intervals overlap the change may be chance."
        ]
    return panel
