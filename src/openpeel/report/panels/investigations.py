"""Investigation panels: the latest outcome of crimes with peers, and the time from crime to
first outcome."""

from __future__ import annotations

from typing import Any

from openpeel.indicators import investigations
from openpeel.report.model import Headline
from openpeel.report.panels.declare import (
    EXPECTED_ERRORS,
    Bars,
    Estimate,
    Inputs,
    PanelSpec,
    headline_where,
    safe_result,
    section,
    too_few_forces,
)
from openpeel.report.panels.format import interval_text, label, panel_columns, share_text, side
from openpeel.stats.funnel import MIN_FUNNEL_UNITS, position_words

OUTCOME_MEASURES = (
    "charged_summonsed",
    "out_of_court",
    "evidential_difficulties",
    "no_suspect_identified",
    "other_closed",
    "under_investigation_or_awaiting_court",
    "no_status",
)


SHARE = Estimate.of("share")
WITH_OUTCOME = Estimate.of("share_with_outcome")


def _quality_caveats(inputs: Inputs) -> list[str]:
    con, force_id, period = inputs.con, inputs.force_id, inputs.period
    quality = safe_result(lambda: investigations.outcome_quality(con, force_id, period))
    return list(quality.caveats) if quality is not None else []


def _outcome_peer_sentences(inputs: Inputs) -> list[str]:
    try:
        p = investigations.outcome_peers(inputs.con, inputs.period, inputs.force_id).table
    except EXPECTED_ERRORS as error:
        return [f"Peers not available: {error}"]
    forces = p.force_id.nunique()
    if forces < MIN_FUNNEL_UNITS:
        return too_few_forces(forces, "outcomes", "load other forces' files")
    row = p[(p.force_id == inputs.force_id) & (p.measure == "charged_summonsed")]
    if not len(row):
        return [f"{forces} forces with outcomes in the period."]
    share, target = float(row.share.iloc[0]), float(row.target.iloc[0])
    return [
        f"{forces} forces compared; charge or summons share {share_text(share)}, "
        f"{side(share, target)} the all-force share of {share_text(target)}; "
        f"{position_words(str(row.funnel_position.iloc[0]))}."
    ]


OUTCOMES = PanelSpec(
    panel_id="outcomes",
    heading="Outcomes of crimes",
    title="Latest outcome of crimes recorded in the period",
    indicator=investigations.outcomes_by_type,
    rows=lambda t: t[(t.crime_type == "all_crime") & t.measure.isin(OUTCOME_MEASURES)],
    headlines=headline_where(
        "measure",
        "charged_summonsed",
        lambda c: SHARE.headline(
            c,
            "Crimes charged or summonsed",
            "Crimes whose latest outcome is a charge or summons / crimes recorded.",
            share=True,
        ),
    ),
    description="Bar chart of the share of crimes by latest outcome: ",
    shown=lambda t: t.assign(measure=t.measure.map(label)),
    chart=Bars("measure", SHARE, "Share of crimes", "Latest outcome", percent=True),
    table_rows=lambda t: t.assign(measure=t.measure.map(label)),
    columns=panel_columns("outcomes"),
    caveats=_quality_caveats,
    comparison=_outcome_peer_sentences,
)


def _time_headlines(inputs: Inputs) -> list[Headline]:
    events = inputs.result.meta.get("events", {}).get("any_outcome", {})
    within3 = events.get("share_within_3_months")
    row3 = inputs.rows[inputs.rows.months_since_crime == 3]
    if within3 is None or not len(row3):
        return []
    x = row3.iloc[0]
    return [
        Headline(
            "Crimes with an outcome within 3 months",
            share_text(within3),
            interval_text(x.share_with_outcome_low, x.share_with_outcome_high, True),
            "Kaplan–Meier estimate: crimes followed for less time are censored.",
        )
    ]


def _months(t: Any) -> Any:
    plot = t.assign(months=t.months_since_crime.astype(int))
    return plot.assign(months=plot.months.map(lambda m: f"{m} months"))


TIME_TO_OUTCOME = PanelSpec(
    panel_id="time-to-outcome",
    heading="Time to outcome",
    title="Time from crime to first outcome (Kaplan–Meier)",
    indicator=investigations.time_to_outcome,
    rows=lambda t: t[t.event == "any_outcome"],
    headlines=_time_headlines,
    description="Line chart of the share of crimes with an outcome by months since the crime: ",
    shown=_months,
    chart=Bars(
        "months", WITH_OUTCOME, "Share with an outcome", "Months since the crime", percent=True
    ),
    columns=panel_columns("time-to-outcome"),
)

#: Outcome shares with peers, and time to outcome.
investigation_panels = section(OUTCOMES, TIME_TO_OUTCOME)
