"""Calls panels: 999 calls answered within 10 seconds (the force's call log, else the published
figures) and compliance with the Citizens' Charter standards."""

from __future__ import annotations

from openpeel.formatting import number_text
from openpeel.indicators import calls, charter
from openpeel.report.model import Headline
from openpeel.report.panels.declare import Bars, Estimate, Inputs, Line, PanelSpec, section
from openpeel.report.panels.format import panel_columns, share_text

UNDER_10S = Estimate.of("share_under_10s")
WITHIN = Estimate.of("share_within")
COMPLIANCE = Estimate("compliance_share", "compliance_low", "compliance_high")

PUBLISHED_999 = PanelSpec(
    panel_id="calls-999",
    heading="999 calls answered in time",
    title="999 calls answered within 10 seconds (published)",
    indicator=lambda con, force_id, period: calls.published_999_trend(con, [force_id], period),
    rows=lambda t: t.dropna(subset=["share_under_10s"]),
    if_empty="No 999 figures (call log or published) are loaded for this period.",
    description="Line chart of the published monthly share of 999 calls answered"
    " in under 10 seconds, with the 90% target.",
    itemise=False,
    chart=Line("month", UNDER_10S, "Under 10 s", target=0.9, percent=True),
    columns=panel_columns("calls-999-published"),
)


def _answered_headlines(inputs: Inputs) -> list[Headline]:
    t = inputs.rows
    offered, within = float(t.offered.sum()), float(t.answered_within.sum())
    share = within / offered if offered else float("nan")
    return [
        Headline(
            "999 calls answered within 10 seconds",
            share_text(share),
            "monthly intervals in the table",
            f"{number_text(within, 0)} of {number_text(offered, 0)} calls offered "
            "(abandoned calls count as not answered in time).",
        )
    ]


def _months_below(inputs: Inputs) -> list[str]:
    below = int(inputs.rows.is_below_standard.fillna(False).astype(bool).sum())
    return [f"Target: 90% within 10 seconds (the national standard); {below} month(s) below it."]


CALL_LOG_999 = PanelSpec(
    panel_id="calls-999",
    heading="999 calls answered in time",
    title="999 calls answered within 10 seconds, by month",
    indicator=lambda con, force_id, period: calls.answer_performance(
        con, force_id, period, lines=("999",)
    ),
    if_empty=PUBLISHED_999,
    headlines=_answered_headlines,
    comparison=_months_below,
    description="Line chart of the monthly share of 999 calls answered within 10 seconds, with "
    "its interval and the 90% target: ",
    chart=Line("month", WITHIN, "Answered within 10 s", target=0.9, percent=True),
    columns=panel_columns("calls-999"),
)


def _against_targets(inputs: Inputs) -> list[str]:
    targets = inputs.rows.dropna(subset=["target_share"])
    return [
        f"{g.standard}: target {share_text(g.target_share)}, "
        f"{'below' if bool(g.is_below_target) else 'not below'} target."
        for g in targets.itertuples()
    ] or ["The Charter states no target share except for 999 (90%)."]


CHARTER = PanelSpec(
    panel_id="charter",
    heading="Citizens' Charter",
    title="Citizens' Charter standards met over the period",
    indicator=charter.charter_compliance,
    rows=lambda t: t[(t.scope == "period") & (t.measured > 0)],
    if_empty="No records to measure the Charter standards in this period.",
    description="Bar chart of the share of each Charter standard met: ",
    chart=Bars("standard", COMPLIANCE, "Share met", "Standard", percent=True),
    columns=panel_columns("charter"),
    comparison=_against_targets,
)

#: 999 answering (call log, else the published figures) and Citizens' Charter compliance.
calls_panels = section(CALL_LOG_999, CHARTER)
