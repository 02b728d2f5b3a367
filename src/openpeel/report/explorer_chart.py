"""The stop and search explorer's chart: the share of the matching searches by group, each bar
with its interval, and the same in words for those who cannot see it."""

from __future__ import annotations

from openpeel.formatting import number_text
from openpeel.formatting import percent_text as share_text
from openpeel.indicators.result import IndicatorResult
from openpeel.report import charts
from openpeel.report.panels import label


def explorer_chart(result: IndicatorResult) -> tuple[str, str]:
    """(inline SVG, text alternative) of an explorer result ('' and a sentence when no search
    matches)."""
    t = result.table
    shown = t[(t.group != "all") & (t.searches.fillna(0) > 0)].assign(
        group=lambda d: d.group.map(label)
    )
    description = "Bar chart of the share of matching searches by group: " + "; ".join(
        f"{g.group} {share_text(g.share)} ({number_text(g.searches, 0)})"
        for g in shown.itertuples()
    )
    if shown.empty:
        return "", "No searches match these filters."
    svg = charts.to_svg(
        charts.interval_bars(
            shown,
            "group",
            "share",
            "share_low",
            "share_high",
            "Share of matching searches",
            "Ethnic group",
            percent=True,
        ),
        description,
    )
    return svg, description
